import Foundation

/// An HTTP `Range: bytes=…` request on an object of known size (RFC 9110 §14.1.2), as S3 serves it:
/// one range; a header it cannot read is ignored (the whole object is served); a range that starts
/// past the end is unsatisfiable (InvalidRange, 416).
enum ByteRange: Equatable {
    /// Serve the whole object.
    case whole
    /// Serve `lower...upper` (inclusive).
    case partial(lower: Int64, upper: Int64)
    /// Nothing of the object is in the range.
    case unsatisfiable

    init(header: String?, size: Int64) {
        guard let header, header.hasPrefix("bytes=") else {
            self = .whole
            return
        }
        let spec = header.dropFirst("bytes=".count).trimmingCharacters(in: .whitespaces)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else {
            self = .whole
            return
        }
        let first = spec[..<dash]
        let last = spec[spec.index(after: dash)...]
        if first.isEmpty {
            guard let suffix = Int64(last), suffix >= 0 else {
                self = .whole
                return
            }
            guard suffix > 0, size > 0 else {
                self = .unsatisfiable
                return
            }
            self = .partial(lower: max(0, size - suffix), upper: size - 1)
            return
        }
        guard let lower = Int64(first), lower >= 0 else {
            self = .whole
            return
        }
        var upper = size - 1
        if !last.isEmpty {
            guard let given = Int64(last), given >= lower else {
                self = .whole
                return
            }
            upper = min(given, size - 1)
        }
        guard lower < size else {
            self = .unsatisfiable
            return
        }
        self = .partial(lower: lower, upper: upper)
    }
}
