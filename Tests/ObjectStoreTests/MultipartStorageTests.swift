import AWSWire
import Crypto
import Foundation
import GRDB
import HTTPTypes
import KMS
import Store
import Testing

@testable import ObjectStore

/// Multipart uploads on disk: each part a body file of its own, kept by the completed object and
/// read in sequence; nothing left once an upload is aborted, replaced or its object deleted.
@Suite("Multipart storage")
struct MultipartStorageTests {
    static func uploadID(_ answer: WireResponse) throws -> String {
        try #require(XMLTree.parse(answer.body)?.children(named: "UploadId").first?.text)
    }

    @Test("parts become one object read across part files, whole, by range and by part number")
    func assemble() async throws {
        let s3 = try S3Harness()
        _ = await s3.send(.put, "/bkt")
        let created = await s3.send(.post, "/bkt/k?uploads")
        #expect(created.status == 200)
        let id = try Self.uploadID(created)
        let first = Data((0..<(5 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let second = Data("the end".utf8)
        let etag1 = try #require(await s3.send(.put, "/bkt/k?partNumber=1&uploadId=\(id)", body: first).header("ETag"))
        let etag2 = try #require(await s3.send(.put, "/bkt/k?partNumber=2&uploadId=\(id)", body: second).header("ETag"))
        #expect(try s3.files().count == 2)
        let document = """
            <CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Part><PartNumber>1</PartNumber><ETag>\(etag1)</ETag></Part>\
            <Part><PartNumber>2</PartNumber><ETag>\(etag2)</ETag></Part></CompleteMultipartUpload>
            """
        let completed = await s3.send(.post, "/bkt/k?uploadId=\(id)", body: Data(document.utf8))
        #expect(completed.status == 200, "\(completed.text)")
        #expect(XMLTree.parse(completed.body)?.name == "CompleteMultipartUploadResult")
        #expect(try s3.files().count == 2)
        #expect(await s3.send(.get, "/bkt/k").body == first + second)
        let ranged = await s3.send(.get, "/bkt/k", headers: ["Range": "bytes=\((5 << 20) - 3)-\((5 << 20) + 2)"])
        #expect(ranged.status == 206 && ranged.body == first.suffix(3) + second.prefix(3))
        let part = await s3.send(.get, "/bkt/k?partNumber=2")
        #expect(part.body == second && part.header("x-amz-mp-parts-count") == "2" && part.status == 206)
        #expect(await s3.send(.delete, "/bkt/k").status == 204)
        #expect(try s3.files().isEmpty)
    }

    @Test("an aborted upload leaves no file and no row; a part uploaded again replaces its file")
    func abort() async throws {
        let s3 = try S3Harness()
        _ = await s3.send(.put, "/bkt")
        let id = try Self.uploadID(await s3.send(.post, "/bkt/k?uploads"))
        _ = await s3.send(.put, "/bkt/k?partNumber=1&uploadId=\(id)", body: Data("one".utf8))
        let before = try s3.files()
        _ = await s3.send(.put, "/bkt/k?partNumber=1&uploadId=\(id)", body: Data("two".utf8))
        #expect(try s3.files().count == 1 && s3.files() != before)
        #expect(await s3.send(.delete, "/bkt/k?uploadId=\(id)").status == 204)
        #expect(try s3.files().isEmpty)
        let rows = try await s3.database.read { db in
            try Int.fetchOne(db, sql: "SELECT (SELECT COUNT(*) FROM s3Upload) + (SELECT COUNT(*) FROM s3Part)") ?? -1
        }
        #expect(rows == 0)
        #expect(await s3.send(.delete, "/bkt/k?uploadId=\(id)").errorCode == "NoSuchUpload")
    }

    @Test("a part stored under an upload that is gone is removed at once")
    func partForAbortedUpload() async throws {
        let s3 = try S3Harness()
        _ = await s3.send(.put, "/bkt")
        let answer = await s3.send(.put, "/bkt/k?partNumber=1&uploadId=none", body: Data("x".utf8))
        #expect(answer.status == 404 && answer.errorCode == "NoSuchUpload")
        #expect(try s3.files().isEmpty)
    }

    @Test("the temporary files of writes a crash interrupted are removed when the store opens")
    func unfinishedWrites() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("s3-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let body = UUID().uuidString.lowercased()
        try Data("half".utf8).write(to: directory.appendingPathComponent(".upload-\(UUID().uuidString.lowercased())"))
        try Data("kept".utf8).write(to: directory.appendingPathComponent(body))
        _ = try ObjectBodyStore(directory: directory, masterKey: MasterKey(SymmetricKey(size: .bits256)))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == [body])
    }
}
