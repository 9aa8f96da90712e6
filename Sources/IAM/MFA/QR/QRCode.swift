/// A QR code symbol (ISO/IEC 18004 model 2) holding bytes in byte mode: what CreateVirtualMFADevice draws the
/// otpauth URI into for `QRCodePNG`.
public struct QRCode: Sendable, Hashable {
    /// The version, 1 to 40: the symbol is 4 × version + 17 modules wide.
    public let version: Int
    public let errorCorrection: ErrorCorrection
    /// The data mask pattern, 0 to 7.
    public let mask: Int
    /// Modules per side, without the quiet zone.
    public let size: Int
    /// Row-major; `true` is dark.
    private let modules: [Bool]

    /// Encodes the UTF-8 bytes of `text`; see ``init(bytes:errorCorrection:version:mask:)``.
    public init?(encoding text: String, errorCorrection: ErrorCorrection = .medium, version: Int? = nil, mask: Int? = nil) {
        self.init(bytes: Array(text.utf8), errorCorrection: errorCorrection, version: version, mask: mask)
    }

    /// Encodes `bytes` in the smallest version that holds them at `errorCorrection` (or exactly in `version`),
    /// with the mask of lowest penalty (or `mask`). `nil` when the bytes do not fit: more than 2331 at level M.
    public init?(bytes: [UInt8], errorCorrection: ErrorCorrection = .medium, version: Int? = nil, mask: Int? = nil) {
        precondition(version.map { (1...40).contains($0) } ?? true, "QR code versions are 1 to 40")
        precondition(mask.map { (0...7).contains($0) } ?? true, "QR code masks are 0 to 7")
        let candidates = version.map { [QRVersion($0)] } ?? (1...40).map(QRVersion.init)
        guard let chosen = candidates.first(where: { bytes.count <= $0.byteCapacity(errorCorrection) }) else { return nil }

        var unmasked = QRMatrix(version: chosen)
        unmasked.place(QRCodewords.encode(bytes, version: chosen, level: errorCorrection))
        func masked(_ mask: Int) -> QRMatrix {
            var matrix = unmasked
            matrix.applyMask(mask)
            matrix.drawFormat(level: errorCorrection, mask: mask)
            return matrix
        }
        // The penalty is judged on the finished symbol, format information included, as a reader would see it.
        let symbols = (mask.map { [$0] } ?? Array(0...7)).map { (mask: $0, matrix: masked($0)) }
        let penalties = symbols.map { QRPenalty($0.matrix).total }
        // The first of equal penalties, so that the choice does not depend on anything but the symbol.
        let best = symbols[penalties.firstIndex(of: penalties.min()!)!]

        self.version = chosen.number
        self.errorCorrection = errorCorrection
        self.mask = best.mask
        self.size = chosen.size
        self.modules = best.matrix.modules
    }

    /// Whether the module at `row` and `column` (both from 0, top left) is dark.
    public subscript(row: Int, column: Int) -> Bool {
        precondition((0..<size).contains(row) && (0..<size).contains(column), "module outside the symbol")
        return modules[row * size + column]
    }

    /// The most bytes a symbol of `version` holds at `errorCorrection`.
    public static func byteCapacity(version: Int, errorCorrection: ErrorCorrection) -> Int {
        QRVersion(version).byteCapacity(errorCorrection)
    }
}
