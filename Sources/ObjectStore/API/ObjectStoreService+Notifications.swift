import AWSWire
import BulwarkCore
import Foundation

/// Bucket notifications to Lambda (decision 0042): the configuration, checked as S3 checks it, and
/// the events of object writes and deletions queued as `Event` invocations of the functions it names,
/// with S3's event record, when each function's policy lets `s3.amazonaws.com` invoke it for the bucket.
extension ObjectStoreService {
    /// The service principal that invokes the functions.
    static let servicePrincipal = "s3.amazonaws.com"

    var notificationOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "PutBucketNotificationConfiguration", action: "s3:PutBucketNotification", readOnly: false,
                input: S3API.PutBucketNotificationConfigurationRequest.self,
                references: { input, _ in [Self.bucketReference(input.bucket)] },
                handler: putBucketNotificationConfiguration
            ),
            ServiceOperation(
                "GetBucketNotificationConfiguration", action: "s3:GetBucketNotification", readOnly: true,
                input: S3API.GetBucketNotificationConfigurationRequest.self,
                references: { input, _ in [Self.bucketReference(input.bucket)] },
                handler: getBucketNotificationConfiguration
            ),
        ]
    }

    func putBucketNotificationConfiguration(
        _ input: S3API.PutBucketNotificationConfigurationRequest, context: CallContext
    ) async throws -> EmptyOutput {
        let bucket = try bucket(context, name: input.bucket, expectedOwner: input.expectedBucketOwner)
        let notification = try BucketNotification.parse(input.notificationConfiguration) {
            Data(UUID().uuidString.lowercased().utf8).base64EncodedString()
        }
        if input.skipDestinationValidation != true {
            for function in notification.functions {
                do {
                    guard let functions else { throw ServiceInvocationRefusal.functionNotFound }
                    try await functions.checkInvocation(Self.invocation(of: function, for: bucket, payload: Data()))
                } catch is ServiceInvocationRefusal {
                    throw S3Error.destinationNotValidated(function.functionARN)
                }
            }
        }
        try await changeControls(bucket) { $0.notification = notification.functions.isEmpty ? nil : notification }
        return EmptyOutput()
    }

    func getBucketNotificationConfiguration(
        _ input: S3API.GetBucketNotificationConfigurationRequest, context: CallContext
    ) async throws -> S3API.NotificationConfiguration {
        let bucket = try resolvedBucket(context, name: input.bucket, expectedOwner: input.expectedBucketOwner)
        return bucket.controls.notification?.answer ?? S3API.NotificationConfiguration()
    }

    // MARK: Events

    /// What happened to one object, for the event record.
    struct ObjectEvent: Sendable {
        /// The event type without its `s3:` prefix: `ObjectCreated:Put`, `ObjectRemoved:DeleteMarkerCreated`, ….
        var name: String
        var key: String
        var size: Int64?
        var etag: String?
        var versionID: String?

        static func created(_ how: String, _ written: ObjectStoreRepository.Written) -> ObjectEvent {
            ObjectEvent(
                name: "ObjectCreated:\(how)", key: written.object.key, size: written.object.size,
                etag: written.object.etag.trimmingCharacters(in: CharacterSet(charactersIn: "\"")),
                versionID: ObjectStoreService.versionHeader(written))
        }

        /// The event of a deletion that changed something: a delete marker made for a key, or a version
        /// (or the unversioned object) removed; nil when nothing was there.
        static func removed(_ deletion: ObjectStoreRepository.Deletion, namedVersion: String?) -> ObjectEvent? {
            if namedVersion == nil, deletion.isDeleteMarker {
                return ObjectEvent(name: "ObjectRemoved:DeleteMarkerCreated", key: deletion.key, versionID: deletion.versionID)
            }
            guard deletion.removed != nil || deletion.isDeleteMarker else { return nil }
            return ObjectEvent(name: "ObjectRemoved:Delete", key: deletion.key, versionID: namedVersion)
        }
    }

    /// Queues the invocations the bucket's configuration names for `events`. A function that is gone,
    /// or whose policy no longer allows S3, gets nothing, as on AWS; the write has happened either way.
    func notify(_ events: [ObjectEvent], context: CallContext) async {
        guard let functions, let bucket = context.resolution["Bucket"]?.entity(as: ResolvedBucket.self),
            let notification = bucket.controls.notification
        else { return }
        for event in events {
            for destination in notification.destinations(of: "s3:" + event.name, key: event.key) {
                let record = Self.eventRecord(event, destination: destination, bucket: bucket.record, context: context)
                try? await functions.invokeAsynchronously(
                    Self.invocation(of: destination, for: bucket.record, payload: record), requestID: UUID().uuidString.lowercased())
            }
        }
    }

    static func invocation(of destination: BucketNotification.FunctionDestination, for bucket: BucketRecord, payload: Data) -> ServiceInvocation {
        ServiceInvocation(
            functionARN: destination.functionARN, service: servicePrincipal, sourceARN: "arn:aws:s3:::\(bucket.name)",
            sourceAccount: bucket.accountID, payload: payload)
    }

    /// S3's event message (`{"Records": [...]}`, event version 2.1) for one event.
    static func eventRecord(
        _ event: ObjectEvent, destination: BucketNotification.FunctionDestination, bucket: BucketRecord, context: CallContext
    ) -> Data {
        var object: [String: JSONValue] = [
            "key": .string(eventKey(event.key)),
            "sequencer": .string(String(format: "%016llX", UInt64(max(0, context.receivedAt.timeIntervalSince1970 * 1e9)))),
        ]
        if let size = event.size { object["size"] = .int(size) }
        if let etag = event.etag { object["eTag"] = .string(etag) }
        if let versionID = event.versionID { object["versionId"] = .string(versionID) }
        let record: JSONValue = .object([
            "eventVersion": .string("2.1"),
            "eventSource": .string("aws:s3"),
            "awsRegion": .string(bucket.region),
            "eventTime": .string(AWSTimestamp.iso8601Milliseconds(context.receivedAt)),
            "eventName": .string(event.name),
            "userIdentity": .object(["principalId": .string("AWS:\(context.principal.principalID)")]),
            "requestParameters": .object(["sourceIPAddress": .string(context.sourceIP)]),
            "responseElements": .object(["x-amz-request-id": .string(context.requestID), "x-amz-id-2": .string(context.requestID)]),
            "s3": .object([
                "s3SchemaVersion": .string("1.0"),
                "configurationId": .string(destination.id),
                "bucket": .object([
                    "name": .string(bucket.name),
                    "ownerIdentity": .object(["principalId": .string(canonicalID(bucket.accountID))]),
                    "arn": .string("arn:aws:s3:::\(bucket.name)"),
                ]),
                "object": .object(object),
            ]),
        ])
        return JSONValue.object(["Records": .array([record])]).serialized()
    }

    /// A key as S3's event records write it: form-encoded (a space is `+`), with `/` kept.
    static func eventKey(_ key: String) -> String {
        var encoded = ""
        for byte in key.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "*"), UInt8(ascii: "/"):
                encoded.append(Character(Unicode.Scalar(byte)))
            case UInt8(ascii: " "):
                encoded.append("+")
            default:
                encoded += String(format: "%%%02X", byte)
            }
        }
        return encoded
    }
}
