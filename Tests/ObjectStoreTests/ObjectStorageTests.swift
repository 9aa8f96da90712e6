import AWSWire
import Foundation
import HTTPTypes
import Testing

@testable import ObjectStore

/// A write the API refused leaves nothing behind: no body file, no row; a replaced or deleted
/// object's body goes with it.
@Suite("Object storage atomicity")
struct ObjectStorageTests {
    @Test("a refused conditional write leaves the current object, its one file and its row as they were")
    func refusedConditionalWrite() async throws {
        let s3 = try S3Harness()
        _ = await s3.send(.put, "/bkt")
        #expect(await s3.send(.put, "/bkt/k", body: Data("one".utf8)).status == 200)
        let files = try s3.files()
        let rows = try await s3.rows()
        #expect(files.count == 1 && rows.count == 1 && rows[0][2] == files[0])
        let refused = await s3.send(.put, "/bkt/k", headers: ["If-None-Match": "*"], body: Data("two".utf8))
        #expect(refused.status == 412 && refused.errorCode == "PreconditionFailed")
        let mismatched = await s3.send(.put, "/bkt/k", headers: ["If-Match": "\"ffff\""], body: Data("two".utf8))
        #expect(mismatched.status == 412)
        let absent = await s3.send(.put, "/bkt/absent", headers: ["If-Match": "*"], body: Data("two".utf8))
        #expect(absent.errorCode == "NoSuchKey")
        #expect(try s3.files() == files)
        #expect(try await s3.rows() == rows)
        #expect(await s3.send(.get, "/bkt/k").body == Data("one".utf8))
    }

    @Test("a write into a bucket that is gone stores nothing")
    func missingBucket() async throws {
        let s3 = try S3Harness()
        let answer = await s3.send(.put, "/nobucket/k", body: Data("x".utf8))
        #expect(answer.status == 404 && answer.errorCode == "NoSuchBucket")
        #expect(try s3.files().isEmpty)
        #expect(try await s3.rows().isEmpty)
    }

    @Test("replacing an object removes the old body; deleting removes the last")
    func replaceAndDelete() async throws {
        let s3 = try S3Harness()
        _ = await s3.send(.put, "/bkt")
        _ = await s3.send(.put, "/bkt/k", body: Data("one".utf8))
        let first = try s3.files()
        _ = await s3.send(.put, "/bkt/k", body: Data("two".utf8))
        let second = try s3.files()
        #expect(second.count == 1 && second != first)
        #expect(try await s3.rows().map { $0[2] } == second)
        #expect(await s3.send(.delete, "/bkt/k").status == 204)
        #expect(try s3.files().isEmpty)
        #expect(try await s3.rows().isEmpty)
    }

    @Test("bodies are encrypted at rest: the file holds no plaintext")
    func encryptedAtRest() async throws {
        let s3 = try S3Harness()
        _ = await s3.send(.put, "/bkt")
        let planted = Data("plaintext-\(UUID().uuidString)".utf8)
        _ = await s3.send(.put, "/bkt/k", body: planted)
        let file = try Data(contentsOf: s3.objects.appendingPathComponent(try #require(s3.files().first)))
        #expect(file.range(of: planted) == nil)
        #expect(await s3.send(.get, "/bkt/k").body == planted)
    }

    @Test("the checksum an upload claims is stored and returned; without one S3's CRC64NVME is")
    func checksums() async throws {
        let s3 = try S3Harness()
        _ = await s3.send(.put, "/bkt")
        let body = Data("checksummed".utf8)
        let crc32 = ChecksumHasher.checksum(.crc32, of: body).base64
        let put = await s3.send(.put, "/bkt/k", headers: ["x-amz-checksum-crc32": crc32], body: body)
        #expect(put.header("x-amz-checksum-crc32") == crc32)
        #expect(put.header("x-amz-checksum-crc64nvme") == nil)
        let head = await s3.send(.head, "/bkt/k", headers: ["x-amz-checksum-mode": "ENABLED"])
        #expect(head.header("x-amz-checksum-crc32") == crc32)
        #expect(head.header("x-amz-checksum-type") == "FULL_OBJECT")
        _ = await s3.send(.put, "/bkt/plain", body: body)
        let plain = await s3.send(.head, "/bkt/plain", headers: ["x-amz-checksum-mode": "ENABLED"])
        #expect(plain.header("x-amz-checksum-crc64nvme") == ChecksumHasher.checksum(.crc64nvme, of: body).base64)
    }
}
