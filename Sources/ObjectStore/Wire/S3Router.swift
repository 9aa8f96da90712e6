import AWSWire
import BulwarkCore
import HTTPTypes

/// How S3 requests name their bucket and operation.
///
/// Addressing: virtual-hosted style, `<bucket>.<baseDomain>[:port]` (the bucket is the host's first
/// labels), or path style, `/<bucket>/<key>` on any other host. The path is used exactly as sent:
/// a key keeps its `//`, `./` and trailing `/`.
///
/// Operations sharing a method and path template are told apart as S3 does: by the subresources of
/// their templates (`?acl`, `?list-type=2`), then by the query parameters and headers that only one
/// of them carries (`uploadId`, `partNumber`, `x-amz-copy-source`, `id`); the deprecated duplicates
/// (`GetBucketLifecycle`, `ListDirectoryBuckets`, ...) are never chosen over their successors.
public struct S3Router: RestXMLRouter {
    /// The domain under which virtual-hosted buckets are addressed (`s3.localhost`).
    public let baseDomain: String

    public init(baseDomain: String) {
        self.baseDomain = baseDomain.lowercased()
    }

    /// The bucket and key a request addresses; nil for a path that is not absolute.
    public func address(_ request: WireRequest) -> (bucket: String?, key: String?)? {
        guard request.rawPath.isEmpty || request.rawPath.hasPrefix("/") else { return nil }
        let path = request.rawPath.isEmpty ? "/" : request.rawPath
        if let bucket = virtualHostBucket(request) {
            let key = String(path.dropFirst())
            return (bucket, key.isEmpty ? nil : PercentEncoding.decode(key))
        }
        let rest = path.dropFirst()
        guard !rest.isEmpty else { return (nil, nil) }
        guard let slash = rest.firstIndex(of: "/") else { return (PercentEncoding.decode(String(rest)), nil) }
        let bucket = PercentEncoding.decode(String(rest[..<slash]))
        let key = String(rest[rest.index(after: slash)...])
        return (bucket, key.isEmpty ? nil : PercentEncoding.decode(key))
    }

    /// The bucket named by the host, for virtual-hosted style.
    func virtualHostBucket(_ request: WireRequest) -> String? {
        guard var host = request.header("Host")?.lowercased() else { return nil }
        if let colon = host.lastIndex(of: ":"), !host.hasSuffix("]") { host = String(host[..<colon]) }
        let suffix = "." + baseDomain
        guard host.hasSuffix(suffix), host.count > suffix.count else { return nil }
        return String(host.dropLast(suffix.count))
    }

    public func recognizes(_ request: WireRequest) -> Bool {
        guard var host = request.header("Host")?.lowercased() else { return false }
        if let colon = host.lastIndex(of: ":"), !host.hasSuffix("]") { host = String(host[..<colon]) }
        return host == baseDomain || host.hasSuffix("." + baseDomain)
    }

    public func match(_ request: WireRequest, model: ServiceModel) -> OperationMatch? {
        guard let (bucket, key) = address(request) else { return nil }
        let depth = key != nil ? 2 : (bucket != nil ? 1 : 0)
        let query = request.queryItems
        let method = request.method.rawValue
        var best: (operation: OperationModel, score: Int)?
        for operation in model.operations.values where operation.httpMethod == method {
            guard !Self.superseded.contains(operation.name), let template = Self.template(operation.requestURI) else { continue }
            guard template.depth == depth, template.literal == nil || (depth == 1 && bucket == template.literal) else { continue }
            guard
                template.query.allSatisfy({ required in
                    query.contains { $0.name == required.name && (required.value.isEmpty || $0.value == required.value) }
                })
            else { continue }
            let discriminators = Self.discriminators[operation.name] ?? []
            guard discriminators.allSatisfy({ Self.carries(request, $0) }) else { continue }
            // An operation is not chosen over a sibling whose marks the request carries.
            let score = template.query.count * 10 + discriminators.count
            if best == nil || score > best!.score || (score == best!.score && operation.name < best!.operation.name) {
                best = (operation, score)
            }
        }
        guard let best else { return nil }
        var labels: [String: String] = [:]
        if let bucket { labels["Bucket"] = bucket }
        if let key { labels["Key"] = key }
        return OperationMatch(operation: best.operation, labels: labels)
    }

    private struct Template {
        /// 0 for `/`, 1 for `/{Bucket}`, 2 for `/{Bucket}/{Key+}`.
        let depth: Int
        /// A literal first segment (`/WriteGetObjectResponse`).
        let literal: String?
        let query: [(name: String, value: String)]
    }

    private static func template(_ uri: String) -> Template? {
        let path: Substring
        var query: [(name: String, value: String)] = []
        if let mark = uri.firstIndex(of: "?") {
            path = uri[..<mark]
            query = QueryString.parse(String(uri[uri.index(after: mark)...]))
        } else {
            path = uri[...]
        }
        switch path {
        case "/": return Template(depth: 0, literal: nil, query: query)
        case "/{Bucket}": return Template(depth: 1, literal: nil, query: query)
        case "/{Bucket}/{Key+}": return Template(depth: 2, literal: nil, query: query)
        default:
            let literal = path.dropFirst()
            guard !literal.contains("/"), !literal.contains("{") else { return nil }
            return Template(depth: 1, literal: String(literal), query: query)
        }
    }

    /// A query parameter or header a request carries.
    private enum Mark {
        case query(String)
        case header(String)
    }

    private static func carries(_ request: WireRequest, _ mark: Mark) -> Bool {
        switch mark {
        case .query(let name): request.queryItems.contains { $0.name == name }
        case .header(let name): request.header(name) != nil
        }
    }

    /// What tells apart operations that share a method and template (their required members).
    private static let discriminators: [String: [Mark]] = [
        "UploadPart": [.query("partNumber"), .query("uploadId")],
        "UploadPartCopy": [.query("partNumber"), .query("uploadId"), .header("x-amz-copy-source")],
        "CopyObject": [.header("x-amz-copy-source")],
        "CompleteMultipartUpload": [.query("uploadId")],
        "ListParts": [.query("uploadId")],
        "AbortMultipartUpload": [.query("uploadId")],
        "GetBucketAnalyticsConfiguration": [.query("id")],
        "PutBucketAnalyticsConfiguration": [.query("id")],
        "DeleteBucketAnalyticsConfiguration": [.query("id")],
        "GetBucketInventoryConfiguration": [.query("id")],
        "PutBucketInventoryConfiguration": [.query("id")],
        "DeleteBucketInventoryConfiguration": [.query("id")],
        "GetBucketMetricsConfiguration": [.query("id")],
        "PutBucketMetricsConfiguration": [.query("id")],
        "DeleteBucketMetricsConfiguration": [.query("id")],
        "GetBucketIntelligentTieringConfiguration": [.query("id")],
        "PutBucketIntelligentTieringConfiguration": [.query("id")],
        "DeleteBucketIntelligentTieringConfiguration": [.query("id")],
    ]

    /// Deprecated operations whose successors share their binding.
    private static let superseded: Set<String> = [
        "GetBucketLifecycle", "PutBucketLifecycle", "GetBucketNotification", "PutBucketNotification", "ListDirectoryBuckets",
    ]
}
