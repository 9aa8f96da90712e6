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

        /// The children whose names are positive integers, in numeric order (list entries, map entries).
        var indexedChildren: [Node] {
            children.compactMap { name, node in Int(name).flatMap { $0 > 0 ? ($0, node) : nil } }
                .sorted { $0.0 < $1.0 }
                .map(\.1)
        }
    }

    /// The flat parameters, the last value winning when a name repeats.
    let values: [String: String]
    let root: Node

    init(_ items: [(name: String, value: String)]) {
        var values: [String: String] = [:]
        var root = Node()
        for item in items {
            values[item.name] = item.value
            root.insert(item.value, at: item.name.split(separator: ".", omittingEmptySubsequences: false)[...])
        }
        self.values = values
        self.root = root
    }

    /// The parameters of the query string and, for a form-encoded body, of the body (which wins).
    init(request: WireRequest) {
        var items = request.queryItems
        if Self.hasFormBody(request) {
            items += QueryString.parse(String(decoding: request.body, as: UTF8.self))
        }
        self.init(items)
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
