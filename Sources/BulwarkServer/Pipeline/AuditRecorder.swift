import AWSWire
import BulwarkCore
import Foundation
import HTTPTypes
import Logging
import Trail

/// The audit stage: turns every call — allowed, denied, failed or unauthenticated — into one
/// CloudTrail-shaped event in the trail.
struct AuditRecorder: Sendable {
    let trail: TrailWriter
    let logger: Logger

    func record(_ call: CallRecord) {
        let event = makeEvent(call)
        do {
            try trail.append(event, at: call.receivedAt)
        } catch {
            // The answer has been computed; losing its audit record is an operator-visible fault.
            logger.critical("cannot write the audit trail", metadata: ["request-id": "\(call.requestID)", "error": "\(error)"])
        }
    }

    /// Records a request that the HTTP layer refused before the pipeline could read it, with what
    /// is known of it: the peer and the reason.
    func recordRefusal(_ refusal: AWSError, requestID: String, sourceIP: String, isSecureTransport: Bool) {
        var request = WireRequest(method: .post, target: "/")
        request.sourceIP = sourceIP
        request.isSecureTransport = isSecureTransport
        var call = CallRecord(requestID: requestID, receivedAt: Date(), request: request)
        call.error = refusal
        record(call)
    }

    func makeEvent(_ call: CallRecord) -> AuditEvent {
        let model = call.entry?.model
        let operation = call.operationModel
        let projection = model.map(AuditProjection.init)
        let identity: AuditEvent.UserIdentity
        if let caller = call.caller {
            identity = AuditEvent.UserIdentity(principal: caller.principal, accessKeyID: caller.accessKeyID)
        } else {
            identity = .unauthenticated(accessKeyID: CredentialScopeHint(call.request)?.accessKeyID)
        }
        let readOnly = call.operation?.isReadOnly ?? (call.request.method == .get || call.request.method == .head)
        let managementEvent = operation?.name != "Invoke" && call.operation?.isDataEvent != true
        // CloudTrail records the answer of changes (and of the few reads it traces, as AssumeRole), not of data events.
        let auditsResponse = call.operation?.auditsResponse ?? !readOnly
        let response: JSONValue? =
            !auditsResponse || !managementEvent ? nil : call.output.flatMap { projection?.project($0, as: operation?.output) }
        var event = AuditEvent(
            userIdentity: identity,
            eventTime: call.receivedAt,
            eventSource: model?.eventSource ?? "bulwark.amazonaws.com",
            eventName: call.operation?.eventName ?? operation.map(Self.eventName) ?? "UnknownOperation",
            awsRegion: call.caller?.region ?? CredentialScopeHint(call.request)?.region ?? "us-east-1",
            sourceIPAddress: call.request.sourceIP,
            userAgent: call.request.header("User-Agent") ?? "",
            requestParameters: Self.bounded(call.input.flatMap { projection?.project($0, as: operation?.input) }),
            responseElements: Self.bounded(response),
            errorCode: call.error?.code,
            errorMessage: call.error.map { String($0.message.prefix(Self.fieldLimit)) },
            requestID: call.requestID,
            eventID: UUID.random().uuidString.lowercased(),
            readOnly: readOnly,
            managementEvent: managementEvent,
            recipientAccountId: call.caller?.principal.accountID,
            tlsDetails: call.request.isSecureTransport
                ? AuditEvent.TLSDetails(
                    tlsVersion: call.request.tlsVersion ?? "TLSv1.2 or later", clientProvidedHostHeader: call.request.header("Host"))
                : nil
        )
        var facts: [String: JSONValue] = [:]
        facts["authorization"] = call.authorization.map(JSONValue.string)
        facts["encodedAuthorizationMessage"] = call.encodedAuthorizationMessage.map(JSONValue.string)
        facts["reason"] = call.failureNote.map(JSONValue.string)
        if !call.warnings.isEmpty { facts["warnings"] = .array(call.warnings.map(JSONValue.string)) }
        if !call.refusedChecks.isEmpty {
            facts["refusedChecks"] = .array(
                call.refusedChecks.map { .object(["action": .string($0.check.action), "resource": .string($0.check.resource)]) })
        }
        event.additionalEventData = facts.isEmpty ? nil : .object(facts)
        let resources = (call.resolution?.resources ?? []).filter(\.exists).map {
            AuditEvent.Resource(arn: $0.arn, accountId: $0.accountID, type: Self.resourceType($0.reference.kind))
        }
        event.resources = resources.isEmpty ? nil : resources
        return event
    }

    /// The most bytes of request parameters or response elements a trail line holds, and the most
    /// characters of its error message (decision 0040).
    static let fieldLimit = 100 * 1024

    /// The field as recorded, or, when it is larger than ``fieldLimit``, what CloudTrail records
    /// instead of an oversized field: `{"omitted":true,"originalSize":<bytes>}`.
    static func bounded(_ field: JSONValue?) -> JSONValue? {
        guard let field else { return nil }
        let size = field.serializedBytes().count
        return size <= fieldLimit ? field : ["omitted": true, "originalSize": .int(Int64(size))]
    }

    /// CloudTrail's type of a resource kind: `AWS::Lambda::Function`, `AWS::IAM::Role`, `AWS::KMS::Key`, ….
    static func resourceType(_ kind: ResourceKind) -> String {
        if let trailType = kind.trailType { return trailType }
        let names = ["iam": "IAM", "kms": "KMS", "secretsmanager": "SecretsManager"]
        let service = names[kind.service] ?? kind.service.prefix(1).uppercased() + kind.service.dropFirst()
        let type: String =
            switch kind.type {
            case "mfa": "MFADevice"
            case "access-key": "AccessKey"
            default: kind.type.prefix(1).uppercased() + kind.type.dropFirst()
            }
        return "AWS::\(service)::\(type)"
    }

    /// CloudTrail names REST operations with the date of their API version, as Lambda's trail does:
    /// `/2015-03-31/functions` → `CreateFunction20150331`.
    static func eventName(_ operation: OperationModel) -> String {
        let firstSegment = operation.requestURI.split(separator: "/").first ?? ""
        let digits = firstSegment.filter(\.isNumber)
        guard digits.count == 8, firstSegment.count == 10, operation.name != "Invoke" else { return operation.name }
        return operation.name + digits
    }
}
