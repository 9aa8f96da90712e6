import AWSWire
import BulwarkCore
import Foundation
import HTTPTypes

/// AWS's published examples of chunked uploads (S3 API reference, "Signature Calculations for the
/// Authorization Header: Transferring Payload in Multiple Chunks" and "... Including Trailing
/// Headers"): the request of 66560 bytes of `a` in chunks of 64 KiB and 1 KiB, its seed signature and
/// chunk signatures, word for word.
enum AWSChunkedExamples {
    static let credentials = SigV4Credentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    static let date = SigV4Fixtures.date("2013-05-24T00:00:00Z")
    static let endpoint = SigV4Endpoint(service: "s3", region: "us-east-1")
    static let lookup = FixedCredentialLookup(credentials)
    static let payload = Data(repeating: UInt8(ascii: "a"), count: 66560)
    static let verifier = SigV4Verifier(clock: .fixed(date), normalizesURIPath: false, acceptsStreamingPayloads: true)

    static func request(
        mode: SigV4StreamingMode,
        signedHeaders: String,
        signature: String,
        extraHeaders: [(String, String)]
    ) -> WireRequest {
        var request = WireRequest(method: .put, rawPath: "/examplebucket/chunkObject.txt")
        let fields: [(String, String)] =
            [
                ("Host", "s3.amazonaws.com"),
                ("x-amz-date", "20130524T000000Z"),
                ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
                (
                    "Authorization",
                    "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=\(signedHeaders),Signature=\(signature)"
                ),
                ("x-amz-content-sha256", mode.rawValue),
                ("Content-Encoding", "aws-chunked"),
                ("x-amz-decoded-content-length", "66560"),
            ] + extraHeaders
        for (name, value) in fields { request.headers.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        return request
    }

    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`.
    static let signedRequest = request(
        mode: .signed,
        signedHeaders: "content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class",
        signature: "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9",
        extraHeaders: [("Content-Length", "66824")]
    )
    static let signedChunkSignatures = [
        "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
        "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
        "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
    ]

    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER` with a CRC32C trailer.
    static let trailerRequest = request(
        mode: .signedWithTrailer,
        signedHeaders: "content-encoding;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class;x-amz-trailer",
        signature: "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e",
        extraHeaders: [("x-amz-trailer", "x-amz-checksum-crc32c")]
    )
    static let trailerChunkSignatures = [
        "b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2",
        "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7",
        "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992",
    ]
    static let trailerSignature = "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435"

    /// The body: the 64 KiB chunk, the 1 KiB chunk, the final chunk, then `trailer` (CRLF-terminated lines).
    static func body(signatures: [String], trailer: String?) -> Data {
        var body = Data("10000;chunk-signature=\(signatures[0])\r\n".utf8) + payload.prefix(65536) + Data("\r\n".utf8)
        body += Data("400;chunk-signature=\(signatures[1])\r\n".utf8) + payload.suffix(1024) + Data("\r\n".utf8)
        body += Data("0;chunk-signature=\(signatures[2])\r\n".utf8)
        body += Data((trailer ?? "").utf8) + Data("\r\n".utf8)
        return body
    }

    static let signedBody = body(signatures: signedChunkSignatures, trailer: nil)
    static let trailerBody = body(
        signatures: trailerChunkSignatures,
        trailer: "x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:\(trailerSignature)\r\n"
    )

    static func streaming(_ request: WireRequest, verifier: SigV4Verifier = verifier) async throws -> SigV4StreamingVerification<String> {
        try await verifier.verifyHead(request, for: endpoint, using: lookup).completeStreaming()
    }
}
