import BulwarkCore
import Foundation

/// The parameters of a query-protocol request, as a tree of their dotted names:
/// `Tags.member.1.Key=a` is the value `a` at `Tags` → `member` → `1` → `Key`.
///
/// AWS reads the parameters of both the query string and a form-encoded body, so a request may be
/// a `POST` with an `application/x-www-form-urlencoded` body (what the SDKs send) or a `GET`.
struct QueryParameters: Sendable {
    /// One dotted-name component: the value set at exactly this name, and the names below it.
    struct Node: Sendable {
        var value: String?
        var children: [String: Node] = [:]

        /// The children of a list or map container, in numeric order of their names.
        ///
        /// - Throws: `MalformedInput` when a name is not an index, i.e. not a positive decimal that fits in
        ///   32 bits (`0`, `-1`, `x`, `999999999999999999999`), worded as AWS's query services word it.
        func indexedChildren() throws(AWSError) -> [Node] {
            var entries: [(index: Int32, node: Node)] = []
            entries.reserveCapacity(children.count)
            for (name, node) in children {
                guard let index = Self.index(name) else {
                    throw QueryCodec.malformedInput("\(name) is not a valid index")
                }
                entries.append((index, node))
            }
            return entries.sorted { $0.index < $1.index }.map(\.node)
        }

        /// A list or map index as botocore writes it: 1, 2, ... in decimal, without sign or leading zero.
        static func index(_ name: String) -> Int32? {
            guard let first = name.utf8.first, first != UInt8(ascii: "0"),
                name.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
                let index = Int32(name)
            else { return nil }
            return index
        }
    }

    /// The most dotted components a name can have and still be read: deeper names match no member of
    /// any model Bulwark serves, and a tree as deep as a 1 MB name of dots would exhaust the stack when it
    /// is built or freed.
    static let maximumNameDepth = 64

    /// The flat parameters, the last value winning when a name repeats.
    let values: [String: String]
    let root: Node

    init(_ items: [(name: String, value: String)]) {
        var values: [String: String] = [:]
        var root = Node()
        for item in items {
            values[item.name] = item.value
            let path = item.name.split(separator: ".", maxSplits: Self.maximumNameDepth, omittingEmptySubsequences: false)
            // Unknown parameters are ignored, as AWS ignores them; one this deep cannot be a known one.
            guard path.count <= Self.maximumNameDepth else { continue }
            root.insert(item.value, at: path[...])
        }
        self.values = values
        self.root = root
    }

    /// The parameters of the query string and, for a form-encoded body, of the body (which wins).
    /// Malformed `%` escapes are kept literally: enough to find the operation, not to read its input.
    init(request: WireRequest) {
        var items = request.queryItems
        if Self.hasFormBody(request) {
            items += QueryString.parse(String(decoding: request.body, as: UTF8.self))
        }
        self.init(items)
    }

    /// The parameters of the query string and of a form-encoded body, refusing malformed `%` escapes.
    ///
    /// - Throws: `MalformedQueryString` (400) with AWS's message for the first malformed escape.
    init(validating request: WireRequest) throws(AWSError) {
        do {
            var items = try QueryString.parseStrictly(request.rawQuery)
            if Self.hasFormBody(request) {
                items += try QueryString.parseStrictly(String(decoding: request.body, as: UTF8.self))
            }
            self.init(items)
        } catch {
            throw QueryCodec.malformedQueryString(error)
        }
    }

    /// The body is a form when it says so, or when it says nothing at all (AWS reads such bodies as forms).
    static func hasFormBody(_ request: WireRequest) -> Bool {
        guard !request.body.isEmpty else { return false }
        guard let contentType = request.header("Content-Type") else { return true }
        return contentType.lowercased().hasPrefix("application/x-www-form-urlencoded")
    }
}

extension QueryParameters.Node {
    fileprivate mutating func insert(_ value: String, at path: ArraySlice<Substring>) {
        guard let first = path.first else {
            self.value = value
            return
        }
        children[String(first), default: .init()].insert(value, at: path.dropFirst())
    }
}
