import BulwarkCore
import Foundation

/// One page of a `Marker`/`MaxItems` listing, as every IAM `List*` operation answers it.
///
/// Items are ordered by key, case-insensitively as IAM orders names; the marker is opaque to clients
/// (the base64 of the last key returned), so a page stays correct when items come and go between calls.
struct IAMPage<Item> {
    static var defaultMaxItems: Int { 100 }

    let items: [Item]
    let isTruncated: Bool
    /// The marker of the next page; nil on the last page.
    let marker: String?

    init(_ all: [Item], key: (Item) -> String, marker: String?, maxItems: Int?) throws {
        // Each key lowered once: lists run to thousands of items (the AWS managed policies).
        let keyed = all.map { item in
            let key = key(item)
            return (key: key, lowered: key.lowercased(), item: item)
        }
        .sorted { Self.precedes(($0.key, $0.lowered), ($1.key, $1.lowered)) }
        var start = 0
        if let marker {
            guard let data = Data(base64Encoded: marker), let after = String(data: data, encoding: .utf8) else {
                throw IAMError.validation("Invalid Marker.")
            }
            let lowered = after.lowercased()
            start = keyed.firstIndex { Self.precedes((after, lowered), ($0.key, $0.lowered)) } ?? keyed.count
        }
        let limit = maxItems ?? Self.defaultMaxItems
        let end = min(keyed.count, start + limit)
        let page = keyed[start..<end]
        items = page.map(\.item)
        isTruncated = end < keyed.count
        self.marker = isTruncated ? page.last.map { Data($0.key.utf8).base64EncodedString() } : nil
    }

    /// IAM's order: case-insensitive, ties broken by the exact text (each key with its lowered form).
    private static func precedes(_ first: (key: String, lowered: String), _ second: (key: String, lowered: String)) -> Bool {
        first.lowered == second.lowered ? first.key < second.key : first.lowered < second.lowered
    }
}
