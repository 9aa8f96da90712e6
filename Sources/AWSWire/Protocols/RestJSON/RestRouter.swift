/// Finds the operation of a REST service (rest-json) that a method and path address, using the
/// `requestUri` templates of the model, e.g. `/2015-03-31/functions/{FunctionName}/code`.
public struct RestRouter: Sendable {
    /// A matched operation and the decoded values of its URI labels.
    public struct Match: Sendable {
        public let operation: OperationModel
        /// Label name → percent-decoded value.
        public let labels: [String: String]
    }

    private struct Template: Sendable {
        enum Segment: Sendable, Equatable {
            case literal(String)
            case label(String)
            case greedyLabel(String)
        }

        let operation: OperationModel
        let segments: [Segment]
        /// Query parameters the template fixes, e.g. `?find=LayerVersion`.
        let requiredQuery: [(name: String, value: String)]

        var literalCount: Int {
            segments.reduce(0) { count, segment in
                if case .literal = segment { return count + 1 }
                return count
            }
        }
    }

    private let templates: [Template]

    public init(model: ServiceModel) {
        let templates = model.operations.values.map(Self.compile)
        // Most specific first: fixed query parameters, then more literal segments, then fewer greedy labels.
        self.templates = templates.sorted { left, right in
            if left.requiredQuery.count != right.requiredQuery.count {
                return left.requiredQuery.count > right.requiredQuery.count
            }
            if left.literalCount != right.literalCount { return left.literalCount > right.literalCount }
            return left.operation.name < right.operation.name
        }
    }

    /// The operation that `method` and the raw (percent-encoded) `path` address, if any. The path is
    /// routed as SigV4 signs it (``RequestPath/normalized(_:)``); one that cannot be normalized
    /// addresses nothing.
    public func match(method: String, rawPath: String, query: [(name: String, value: String)]) -> Match? {
        guard let pathSegments = Self.decodedSegments(rawPath) else { return nil }
        for template in templates where template.operation.httpMethod == method {
            guard
                template.requiredQuery.allSatisfy({ required in
                    query.contains { $0.name == required.name && (required.value.isEmpty || $0.value == required.value) }
                }),
                let labels = Self.bind(template.segments, to: pathSegments)
            else { continue }
            return Match(operation: template.operation, labels: labels)
        }
        return nil
    }

    /// Whether any operation's path matches, whatever its method (for a 405-style answer).
    public func hasPath(_ rawPath: String) -> Bool {
        guard let pathSegments = Self.decodedSegments(rawPath) else { return false }
        return templates.contains { Self.bind($0.segments, to: pathSegments) != nil }
    }

    /// The labels of `segments` bound to the path's percent-decoded segments, or nil when they do not match.
    private static func bind(_ segments: [Template.Segment], to path: [String]) -> [String: String]? {
        var labels: [String: String] = [:]
        var index = 0
        for (position, segment) in segments.enumerated() {
            switch segment {
            case .literal(let text):
                guard index < path.count, path[index] == text else { return nil }
                index += 1
            case .label(let name):
                guard index < path.count, !path[index].isEmpty else { return nil }
                labels[name] = path[index]
                index += 1
            case .greedyLabel(let name):
                let remainingTemplate = segments.count - position - 1
                let take = path.count - index - remainingTemplate
                guard take >= 1 else { return nil }
                labels[name] = path[index..<(index + take)].joined(separator: "/")
                index += take
            }
        }
        return index == path.count ? labels : nil
    }

    private static func compile(_ operation: OperationModel) -> Template {
        let uri = operation.requestURI
        let pathPart: Substring
        var requiredQuery: [(name: String, value: String)] = []
        if let mark = uri.firstIndex(of: "?") {
            pathPart = uri[..<mark]
            requiredQuery = QueryString.parse(String(uri[uri.index(after: mark)...]))
        } else {
            pathPart = uri[...]
        }
        let segments: [Template.Segment] = split(String(pathPart)).map { segment in
            if segment.hasPrefix("{"), segment.hasSuffix("}") {
                let name = segment.dropFirst().dropLast()
                return name.hasSuffix("+") ? .greedyLabel(String(name.dropLast())) : .label(String(name))
            }
            return .literal(String(segment))
        }
        return Template(operation: operation, segments: segments, requiredQuery: requiredQuery)
    }

    /// The percent-decoded segments of the normalized path, or nil when it cannot be normalized.
    private static func decodedSegments(_ rawPath: String) -> [String]? {
        guard let path = try? RequestPath.normalized(rawPath) else { return nil }
        return split(path).map { PercentEncoding.decode(String($0)) }
    }

    /// Path segments without the leading and trailing empty ones.
    private static func split(_ path: String) -> [Substring] {
        var segments = path.split(separator: "/", omittingEmptySubsequences: false)
        if segments.first == "" { segments.removeFirst() }
        if segments.last == "" { segments.removeLast() }
        return segments
    }
}
