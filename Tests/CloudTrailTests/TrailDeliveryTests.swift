import BulwarkCore
import Crypto
import Foundation
import KMS
import ObjectStore
import Store
import Testing
import Trail

@testable import CloudTrail

/// One delivery run keeps going until each logging trail is caught up (decision 0040), rather than
/// moving one batch per interval and falling behind without bound.
@Suite struct TrailDeliveryTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trail-delivery-\(UUID().uuidString)")
    let database: BulwarkDatabase
    let writer: TrailWriter
    let delivery: TrailDelivery

    init() throws {
        database = try BulwarkDatabase(directory: directory, schemas: [.objectStore, .cloudTrail])
        writer = try TrailWriter(directory: directory.appendingPathComponent("trail"))
        let bodies = try ObjectBodyStore(directory: directory.appendingPathComponent("objects"), masterKey: MasterKey(SymmetricKey(size: .bits256)))
        delivery = TrailDelivery(database: database, buckets: S3DeliveryWriter(database: database, bodies: bodies))
    }

    @Test func oneRunMovesPastMoreThanOneBatch() async throws {
        let now = Date()
        for index in 0..<(TrailDelivery.batchSize * 2 + 500) {
            let event = AuditEvent(
                userIdentity: .init(type: "IAMUser", arn: "arn:aws:iam::123456789012:user/alice", accessKeyId: "AKIA1", userName: "alice"),
                eventTime: now, eventSource: "iam.amazonaws.com", eventName: "GetUser\(index)", awsRegion: "us-east-1",
                sourceIPAddress: "192.0.2.1", userAgent: "tests", requestParameters: nil, responseElements: nil, errorCode: nil,
                errorMessage: nil, requestID: UUID().uuidString, eventID: UUID().uuidString.lowercased(), readOnly: true,
                managementEvent: true, recipientAccountId: "123456789012", tlsDetails: nil)
            try writer.append(event, at: now)
        }
        try await EventIndexer(database: database, trail: writer).catchUp()
        // A trail without global services' events selects none of IAM's: it only moves past them.
        let settings = TrailSettings(
            s3BucketName: "bucket", s3KeyPrefix: nil, includeGlobalServiceEvents: false, isMultiRegionTrail: false, logFileValidationEnabled: false)
        let trail = try await database.trails.create(accountID: "123456789012", region: "us-east-1", name: "main", settings: settings, now: now)
        try await database.trails.startLogging(trail, fromRow: 0, now: now)
        try await delivery.deliver()
        let delivered = try await database.trails.loggingTrails().first { $0.id == trail.id }
        #expect(delivered?.deliveredThrough == (try await database.cloudTrailEvents.lastRow()))
        #expect(try await database.cloudTrailEvents.count(accountID: "123456789012", afterRow: delivered?.deliveredThrough ?? 0) == 0)
    }
}
