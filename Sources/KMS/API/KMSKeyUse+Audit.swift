import BulwarkCore
import Foundation
import Trail

/// A service's own use of a key, in the trail as CloudTrail records it (decision 0013).
extension KMSKeyUse {
    /// CloudTrail's record of a KMS `Decrypt` that an AWS service made itself (`userIdentity.type`
    /// `AWSService`, `invokedBy` the service): the key, the encryption context and the algorithm —
    /// never the plaintext.
    func record(
        decryptBy service: String, keyARN: String?, accountID: String, region: String, context: [String: String],
        failure: ServiceEncryptionFailure?
    ) {
        guard let trail else { return }
        let now = clock.now()
        let message = failure.flatMap { $0.kmsMessage.isEmpty ? nil : $0.kmsMessage }
        var event = AuditEvent(
            userIdentity: AuditEvent.UserIdentity(type: "AWSService", invokedBy: service),
            eventTime: now, eventSource: "kms.amazonaws.com", eventName: "Decrypt", awsRegion: region,
            sourceIPAddress: service, userAgent: service,
            requestParameters: .object([
                "encryptionContext": .object(context.mapValues(JSONValue.string)),
                "encryptionAlgorithm": .string("SYMMETRIC_DEFAULT"),
            ]),
            responseElements: nil, errorCode: failure?.kmsCode, errorMessage: message,
            requestID: UUID().uuidString.lowercased(), eventID: UUID().uuidString.lowercased(), readOnly: true, managementEvent: true,
            recipientAccountId: accountID, tlsDetails: nil)
        if let keyARN { event.resources = [AuditEvent.Resource(arn: keyARN, accountId: accountID, type: "AWS::KMS::Key")] }
        // A lost audit record must not stop the environment: the writer's fault shows in the trail's
        // own health (TrailFlushService), as for every other event.
        try? trail.append(event, at: now)
    }
}
