import AWSWire
import Foundation
import GRDB
import HTTPTypes
import Store
import Testing

@testable import ObjectStore

/// A write acts on the bucket the resolve stage found, not on whatever bucket holds its name now.
@Suite("Bucket identity in writes")
struct BucketIdentityTests {
    @Test("a bucket deleted and created again under its name is another bucket to a write judged on the first")
    func recreatedBucketIsAnotherBucket() async throws {
        let s3 = try S3Harness()
        #expect(await s3.send(.put, "/bkt").status == 200)
        let repository = ObjectStoreRepository(database: s3.database)
        let judged = try #require(try await s3.database.read { db in try ObjectStoreRepository.bucket(db, name: "bkt") })
        #expect(await s3.send(.delete, "/bkt").status == 204)
        try await Task.sleep(for: .milliseconds(5))
        #expect(await s3.send(.put, "/bkt").status == 200)

        await #expect(throws: StoreError.notFound) { try await repository.changeControls(of: judged) { $0.tags = ["a": "b"] } }
        let object = ObjectRecord(
            bucket: "bkt", key: "k", objectID: UUID().uuidString.lowercased(), size: 0, etag: "\"\"", lastModified: Date(),
            headers: .init(contentType: "binary/octet-stream"), metadata: [:], checksums: [:], wrappedKey: Data())
        await #expect(throws: StoreError.notFound) { try await repository.putObject(object, in: judged, condition: .none) }
        let current = try #require(try await s3.database.read { db in try ObjectStoreRepository.bucket(db, name: "bkt") })
        try await repository.changeControls(of: current) { $0.tags = ["a": "b"] }
        #expect(try await s3.database.read { db in try ObjectStoreRepository.controls(db, bucket: "bkt") }.tags == ["a": "b"])
    }
}
