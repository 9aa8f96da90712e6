import AWSWire
import BulwarkCore
import Foundation
import HTTPTypes
import Testing

@testable import BulwarkServer

@Suite("Gzipped request bodies")
struct GzipRequestBodyTests {
    /// `gzip -n` of `{"Namespace":"App"}` (Python's gzip.compress with mtime=0).
    static let compressed = Data(
        base64Encoded: "H4sIAAAAAAACA6tW8kvMTS0uSExOVbJSciwoUKoFAFkd090TAAAA")!

    @Test("a gzip stream is inflated and gzip leaves Content-Encoding")
    func inflates() throws {
        var request = WireRequest(method: .post, target: "/", headers: [.contentEncoding: "gzip"], body: Self.compressed)
        #expect(GzipRequestBody.isCompressed(request))
        try GzipRequestBody.inflate(&request, limit: 1 << 20, operation: "PutMetricData")
        #expect(String(decoding: request.body, as: UTF8.self) == #"{"Namespace":"App"}"#)
        #expect(request.header("Content-Encoding") == nil)
        #expect(!GzipRequestBody.isCompressed(request))
    }

    @Test("a truncated stream, trailing bytes or plain bytes are a SerializationException")
    func malformed() {
        for body in [Self.compressed.dropLast(4), Self.compressed + Data([0]), Data("plain".utf8), Data()] {
            #expect(throws: AWSError.self) { try GzipRequestBody.inflate(Data(body), limit: 1 << 20, operation: nil) }
            do {
                _ = try GzipRequestBody.inflate(Data(body), limit: 1 << 20, operation: nil)
            } catch let error as AWSError {
                #expect(error.code == "SerializationException" && error.status == 400)
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    @Test("inflation stops past the limit: RequestEntityTooLarge")
    func bounded() {
        do {
            _ = try GzipRequestBody.inflate(Self.compressed, limit: 10, operation: "PutMetricData")
            Issue.record("inflated past the limit")
        } catch let error as AWSError {
            #expect(error.code == "RequestEntityTooLargeException" && error.status == 413)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
