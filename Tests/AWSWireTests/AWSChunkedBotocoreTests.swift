import AWSWire
import BulwarkCore
import Foundation
import HTTPTypes
import Testing

/// A PutObject request exactly as botocore sends it over HTTPS: signed by its S3SigV4Auth, the body
/// encoded by its AwsChunkedWrapper with the checksum in the trailer (`Fixtures/aws-chunked/generate.py`).
struct BotocoreChunkedCase: Decodable, Sendable, CustomTestStringConvertible {
    var name: String?
    var method: String
    var path: String
    var query: String
    var headers: [[String]]
    var body: String
    var payloadSHA256: String

    var testDescription: String { name ?? path }

    static let all: [BotocoreChunkedCase] = {
        let directory = SigV4Fixtures.directory.deletingLastPathComponent().appendingPathComponent("aws-chunked")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".json") }.sorted().compactMap { file in
            guard let data = try? Data(contentsOf: directory.appendingPathComponent(file)),
                var decoded = try? JSONDecoder().decode(BotocoreChunkedCase.self, from: data)
            else { return nil }
            decoded.name = file
            return decoded
        }
    }()

    var request: WireRequest {
        var request = WireRequest(method: HTTPRequest.Method(method)!, rawPath: path, rawQuery: query)
        for pair in headers { request.headers.append(HTTPField(name: HTTPField.Name(pair[0])!, value: pair[1])) }
        return request
    }
}

@Suite("aws-chunked bodies as botocore sends them")
struct AWSChunkedBotocoreTests {
    @Test("the fixtures are there (CRC32, SHA1, SHA256 without awscrt)")
    func fixturesPresent() {
        #expect(BotocoreChunkedCase.all.count >= 3)
    }

    @Test("botocore's request passes the seed signature and its body decodes, checksum verified", arguments: BotocoreChunkedCase.all)
    func accepted(_ case: BotocoreChunkedCase) async throws {
        let request = `case`.request
        let date = try #require(request.headers[HTTPField.Name("X-Amz-Date")!])
        let verifier = SigV4Verifier(
            clock: .fixed(try #require(AWSTimestamp.parseBasic(date))), normalizesURIPath: false, acceptsStreamingPayloads: true)
        let streaming = try await verifier.verifyHead(request, for: AWSChunkedExamples.endpoint, using: AWSChunkedExamples.lookup)
            .completeStreaming()
        #expect(streaming.mode == .unsignedWithTrailer)
        let checksums = try ChecksumHeaders(request.headers)
        var decoder = try AWSChunkedDecoder(streaming: streaming, headers: request.headers)
        #expect(decoder.trailer == checksums.trailer)
        let body = try #require(Data(base64Encoded: `case`.body))
        // In slices of 1000 bytes, as a socket would deliver them.
        var payload = Data()
        var start = 0
        while start < body.count {
            payload += try decoder.decode(body[start..<min(body.count, start + 1000)])
            start += 1000
        }
        let summary = try decoder.finish()
        #expect(SHA256Hex.of(payload) == `case`.payloadSHA256)
        #expect(summary.checksum?.algorithm == checksums.algorithm)
        #expect(summary.checksum == ChecksumHasher.checksum(try #require(checksums.algorithm), of: payload))
    }
}
