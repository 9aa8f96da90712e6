/// Makes presigned URLs to this server on behalf of the caller of the current request, such as
/// Lambda's `Code.Location`. The URL authenticates as that caller and expires.
public struct URLPresigner: Sendable {
    private let sign: @Sendable (_ path: String, _ query: [(name: String, value: String)], _ expires: Int) -> String

    /// - Parameter sign: builds the absolute URL for a raw path and query, valid for `expires` seconds.
    public init(sign: @escaping @Sendable (_ path: String, _ query: [(name: String, value: String)], _ expires: Int) -> String) {
        self.sign = sign
    }

    /// An absolute GET URL for `path` (already percent-encoded) and `query`, valid for `expires` seconds.
    public func url(path: String, query: [(name: String, value: String)] = [], expires: Int) -> String {
        sign(path, query, expires)
    }
}
