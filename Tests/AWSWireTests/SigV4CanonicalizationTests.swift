import AWSWire
import Testing

@Suite("SigV4 canonicalization rules")
struct SigV4CanonicalizationTests {
    @Test(
        "paths are normalized, then every byte but the unreserved ones and '/' is encoded again",
        arguments: [
            ("", "/"),
            ("/", "/"),
            (
                "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A1%3Afunction%3Af",
                "/2015-03-31/functions/arn%253Aaws%253Alambda%253Aus-east-1%253A1%253Afunction%253Af"
            ),
            ("//a//b//", "/a/b/"),
            ("/a/./b/../c", "/a/c"),
            ("/a/b/../..", "/"),
            ("/example space/", "/example%20space/"),
            ("/\u{1234}", "/%E1%88%B4"),
            ("/-._~AZaz09", "/-._~AZaz09"),
            ("/a+b=c", "/a%2Bb%3Dc"),
        ]
    )
    func uri(rawPath: String, canonical: String) throws {
        #expect(try SigV4Canonicalization.uri(rawPath: rawPath, normalizing: true) == canonical)
    }

    @Test("without normalization (S3) the path keeps its dot segments and empty segments")
    func unnormalized() throws {
        #expect(try SigV4Canonicalization.uri(rawPath: "//a/./b/../", normalizing: false) == "//a/./b/../")
        // S3 encodes the path once: escapes are decoded and encoded again, never escaped twice.
        #expect(try SigV4Canonicalization.uri(rawPath: "/bucket/a%20key%2Bx", normalizing: false) == "/bucket/a%20key%2Bx")
        #expect(try SigV4Canonicalization.uri(rawPath: "/bucket/a+b c=%7e", normalizing: false) == "/bucket/a%2Bb%20c%3D~")
    }

    @Test(
        "paths that are not absolute, malformed, or climb above the root are refused",
        arguments: ["relative/path", "/a/%zz", "/a/%4", "/..", "/a/../../b"]
    )
    func invalidPaths(rawPath: String) {
        #expect(throws: SigV4Failure.self) { try SigV4Canonicalization.uri(rawPath: rawPath, normalizing: true) }
    }

    @Test(
        "query parameters are re-encoded with RFC 3986 and sorted by name, then value",
        arguments: [
            ("", ""),
            ("b=2&a=1", "a=1&b=2"),
            ("a=2&a=10&a=1", "a=1&a=10&a=2"),
            ("Param-3=Value3&Param=Value2&%E1%88%B4=Value1", "%E1%88%B4=Value1&Param=Value2&Param-3=Value3"),
            ("key", "key="),
            ("a=x y&b=x+y&c=%7e%2a%41", "a=x%20y&b=x%2By&c=~%2AA"),
            ("a-b=1&a=2", "a=2&a-b=1"),
            ("marker=a%2Fb&&", "marker=a%2Fb"),
            ("x=%C3%A9&y=\u{E9}", "x=%C3%A9&y=%C3%A9"),
            ("x=%FF", "x=%FF"),
        ]
    )
    func query(rawQuery: String, canonical: String) throws {
        #expect(try SigV4Canonicalization.query(rawQuery: rawQuery) == canonical)
    }

    @Test(
        "a malformed escape in the query is refused with AWS's message",
        arguments: [
            ("a=%", "Incomplete trailing escape % sequence"),
            ("a=%4", "Incomplete trailing escape % sequence"),
            ("a=%4g", "Illegal hex character in escape % pattern: %4g"),
            ("%GG=1", "Illegal hex character in escape % pattern: %GG"),
        ]
    )
    func malformedQuery(rawQuery: String, message: String) {
        #expect(throws: SigV4Failure.malformedQueryString(message)) { try SigV4Canonicalization.query(rawQuery: rawQuery) }
    }

    @Test("the canonical request is six lines; the string to sign hashes it under the scope")
    func stringToSign() {
        let canonical = SigV4CanonicalRequest(
            method: "GET",
            uri: "/",
            query: "",
            headers: "host:example.amazonaws.com\nx-amz-date:20150830T123600Z\n",
            signedHeaders: "host;x-amz-date",
            payloadHash: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        )
        let scope = SigV4CredentialScope(date: "20150830", region: "us-east-1", service: "service")
        #expect(
            canonical.stringToSign(amzDate: "20150830T123600Z", scope: scope)
                == "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63"
        )
    }
}
