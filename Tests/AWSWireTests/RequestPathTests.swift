import AWSWire
import BulwarkCore
import HTTPTypes
import Testing

@Suite("Request paths, normalized as SigV4 signs them")
struct RequestPathTests {
    @Test(arguments: [
        ("", "/"),
        ("/", "/"),
        ("//", "/"),
        ("/.", "/"),
        ("/./", "/"),
        ("/a/..", "/"),
        ("/a/../", "/"),
        ("/2015-03-31/functions/./x", "/2015-03-31/functions/x"),
        ("/2015-03-31/functions/x/.", "/2015-03-31/functions/x"),
        ("/2015-03-31/functions/y/../x", "/2015-03-31/functions/x"),
        ("/2015-03-31//functions///x", "/2015-03-31/functions/x"),
        ("/2015-03-31/functions/", "/2015-03-31/functions/"),
        ("/2015-03-31/functions//", "/2015-03-31/functions/"),
        ("/a/b/../../c/./d/", "/c/d/"),
        // Segments are compared as sent: an encoded dot or slash is an ordinary character.
        ("/a/%2E/b", "/a/%2E/b"),
        ("/a/%2E%2E/b", "/a/%2E%2E/b"),
        ("/a%2Fb/c", "/a%2Fb/c"),
        ("/a/.../b", "/a/.../b"),
        ("/a/..b/.c", "/a/..b/.c"),
    ])
    func normalizes(rawPath: String, normalized: String) throws {
        #expect(try RequestPath.normalized(rawPath) == normalized)
        // Idempotent: routing a normalized path again changes nothing.
        #expect(try RequestPath.normalized(normalized) == normalized)
    }

    @Test(arguments: [
        ("/..", "Relative path entry '..' navigates above root: /.."),
        ("/a/../..", "Relative path entry '..' navigates above root: /a/../.."),
        ("/../2015-03-31/functions/x", "Relative path entry '..' navigates above root: /../2015-03-31/functions/x"),
        ("2015-03-31/functions", "Path is not absolute: 2015-03-31/functions"),
        ("*", "Path is not absolute: *"),
        ("/functions/a%zz", "Malformed percent-encoding in path: /functions/a%zz"),
        ("/functions/a%2", "Malformed percent-encoding in path: /functions/a%2"),
    ])
    func refusesPathsItCannotNormalize(rawPath: String, message: String) {
        #expect(throws: SigV4Failure.invalidURIPath(message)) { try RequestPath.normalized(rawPath) }
        var request = WireRequest(method: .get, rawPath: rawPath)
        #expect(throws: AWSError(code: "InvalidURIPath", message: message, status: 400)) { try request.normalizePath() }
        #expect(request.rawPath == rawPath)
    }

    @Test func aRequestIsRoutedOnTheNormalizedPathAndKeepsItsQuery() throws {
        var request = WireRequest(method: .get, target: "/2015-03-31//functions/./x/?Qualifier=%241")
        try request.normalizePath()
        #expect(request.rawPath == "/2015-03-31/functions/x/")
        #expect(request.rawQuery == "Qualifier=%241")
    }

    @Test(arguments: ["/", "/a/./b", "/a//b/../c/", "/x/%41/.."])
    func signsTheNormalizedPath(rawPath: String) throws {
        // The canonical URI of a path and of its normalized form are the same: what the router sees is
        // what was signed.
        let normalized = try RequestPath.normalized(rawPath)
        #expect(
            try SigV4Canonicalization.uri(rawPath: rawPath, normalizing: true)
                == SigV4Canonicalization.uri(rawPath: normalized, normalizing: true))
        #expect(
            try SigV4Canonicalization.uri(rawPath: normalized, normalizing: false) == SigV4Canonicalization.uri(rawPath: rawPath, normalizing: true))
    }
}
