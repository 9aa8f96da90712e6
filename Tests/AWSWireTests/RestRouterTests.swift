import AWSWire
import Testing

@Suite("REST routing by the model's URI templates")
struct RestRouterTests {
    let router = RestRouter(model: TestModel.service)

    private func route(_ method: String, _ target: String) -> RestRouter.Match? {
        let (path, query) = target.split(separator: "?", maxSplits: 1).map(String.init).paired
        return router.match(method: method, rawPath: path, query: QueryString.parse(query))
    }

    @Test func literalPaths() {
        #expect(route("POST", "/2020-01-01/widgets")?.operation.name == "CreateWidget")
        #expect(route("GET", "/2020-01-01/widgets")?.operation.name == "ListWidgets")
        #expect(route("GET", "/2020-01-01/widgets/")?.operation.name == "ListWidgets")
    }

    @Test func labelsArePercentDecoded() {
        let match = route("GET", "/2020-01-01/widgets/arn%3Aaws%3Ax%20y")
        #expect(match?.operation.name == "GetWidget")
        #expect(match?.labels["Name"] == "arn:aws:x y")
    }

    @Test func greedyLabelsSpanSegments() {
        let match = route("GET", "/2020-01-01/blobs/a/b/c/content")
        #expect(match?.operation.name == "GetBlob")
        #expect(match?.labels["Key"] == "a/b/c")
    }

    @Test func fixedQueryParametersSelectTheOperation() {
        #expect(route("GET", "/2020-01-01/layers?find=LayerVersion")?.operation.name == "FindLayer")
        #expect(route("GET", "/2020-01-01/layers")?.operation.name == "ListLayers")
    }

    @Test func methodsMatter() {
        #expect(route("DELETE", "/2020-01-01/widgets/x")?.operation.name == "DeleteWidget")
        #expect(route("PUT", "/2020-01-01/widgets/x") == nil)
        #expect(router.hasPath("/2020-01-01/widgets/x"))
    }

    @Test("Unknown paths match nothing", arguments: ["/", "/2020-01-01", "/2020-01-01/widgets/x/y", "/other/widgets", "/2020-01-01/widgets/%2E/x"])
    func unknownPaths(path: String) {
        #expect(route("GET", path) == nil)
    }

    @Test(
        "Paths are routed as SigV4 signs them: dot segments resolved, runs of slashes collapsed",
        arguments: [
            ("/2020-01-01/widgets/./x", "x"),
            ("/2020-01-01//widgets///x", "x"),
            ("/2020-01-01/widgets/y/../x", "x"),
            ("/2020-01-01/widgets/x/.", "x"),
            ("/2020-01-01/./widgets/%2E%2E", ".."),
        ])
    func normalizedPaths(path: String, name: String) {
        let match = route("GET", path)
        #expect(match?.operation.name == "GetWidget")
        #expect(match?.labels["Name"] == name)
    }

    @Test("An empty segment is no empty label: it collapses away", arguments: ["/2020-01-01/widgets//", "/2020-01-01/widgets/x/.."])
    func collapsedToTheCollection(path: String) {
        #expect(route("GET", path)?.operation.name == "ListWidgets")
    }

    @Test("Paths that cannot be normalized match nothing", arguments: ["/..", "/2020-01-01/../../widgets/x", "/2020-01-01/widgets/a%zz"])
    func unnormalizablePaths(path: String) {
        #expect(route("GET", path) == nil)
        #expect(!router.hasPath(path))
    }
}

extension Array where Element == String {
    fileprivate var paired: (String, String) { (self.first ?? "", self.count > 1 ? self[1] : "") }
}
