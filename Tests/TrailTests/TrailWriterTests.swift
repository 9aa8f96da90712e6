import BulwarkCore
import Foundation
import Testing
import Trail

@Suite("The audit trail files")
struct TrailWriterTests {
    private func event(_ name: String, error: String? = nil) -> AuditEvent {
        AuditEvent(
            userIdentity: .init(principal: .root(accountID: "123456789012"), accessKeyID: "AKIAEXAMPLE"),
            eventTime: Date(timeIntervalSince1970: 1_440_938_160),
            eventSource: "lambda.amazonaws.com", eventName: name, awsRegion: "us-east-1",
            sourceIPAddress: "127.0.0.1", userAgent: "test", requestParameters: nil, responseElements: nil,
            errorCode: error, errorMessage: error.map { "\($0) happened" }, requestID: "r", eventID: "e",
            readOnly: true, managementEvent: true, recipientAccountId: "123456789012", tlsDetails: nil
        )
    }

    @Test func appendsOneLinePerEventIntoHourlyFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-trail-\(UUID().uuidString)")
        let writer = try TrailWriter(directory: directory)
        let noon = Date(timeIntervalSince1970: 1_440_938_160)
        try writer.append(event("A"), at: noon)
        try writer.append(event("B", error: "AccessDeniedException"), at: noon)
        try writer.append(event("C"), at: noon.addingTimeInterval(3600))
        writer.flush()

        let first = try String(contentsOf: writer.url(forHour: "20150830T12"), encoding: .utf8).split(separator: "\n")
        #expect(first.count == 2)
        let decoded = try JSONDecoder().decode(AuditEvent.self, from: Data(first[1].utf8))
        #expect(decoded.eventName == "B")
        #expect(decoded.errorCode == "AccessDeniedException")
        #expect(try String(contentsOf: writer.url(forHour: "20150830T13"), encoding: .utf8).split(separator: "\n").count == 1)
        let mode = try FileManager.default.attributesOfItem(atPath: writer.url(forHour: "20150830T12").path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func cloudTrailFieldsAndNulls() throws {
        let line = try JSONEncoder().encode(event("GetFunction20150331"))
        let object = try JSONValue.parse(line)
        #expect(object["eventVersion"] == "1.08")
        #expect(object["eventTime"] == "2015-08-30T12:36:00Z")
        #expect(object["requestParameters"] == .null)
        #expect(object["responseElements"] == .null)
        #expect(object["eventType"] == "AwsApiCall")
        #expect(object["eventCategory"] == "Management")
        #expect(object["errorCode"] == nil)
        #expect(object["userIdentity"]?["type"] == "Root")
        #expect(object["userIdentity"]?["arn"] == "arn:aws:iam::123456789012:root")
    }

    @Test func roleSessionsCarryTheirSessionContext() throws {
        let issued = Date(timeIntervalSince1970: 1_440_938_100)
        let session = Principal.Session(
            issuerARN: "arn:aws:iam::123456789012:role/service-role/exec", issuerName: "exec", sessionName: "f", issuedAt: issued,
            expiresAt: issued.addingTimeInterval(3600), mfaAuthenticatedAt: nil, policy: nil, tags: [:],
            sourceFunctionARN: "arn:aws:lambda:us-east-1:123456789012:function:f"
        )
        let principal = Principal(
            kind: .assumedRole, accountID: "123456789012", arn: "arn:aws:sts::123456789012:assumed-role/exec/f",
            principalID: "AROAEXAMPLEROLEID:f", session: session
        )
        let object = try JSONValue.parse(JSONEncoder().encode(AuditEvent.UserIdentity(principal: principal, accessKeyID: "ASIAEXAMPLE")))

        #expect(object["type"] == "AssumedRole")
        let context = try #require(object["sessionContext"])
        #expect(context["sessionIssuer"]?["type"] == "Role")
        #expect(context["sessionIssuer"]?["principalId"] == "AROAEXAMPLEROLEID")
        #expect(context["sessionIssuer"]?["arn"] == "arn:aws:iam::123456789012:role/service-role/exec")
        #expect(context["sessionIssuer"]?["userName"] == "exec")
        #expect(context["attributes"]?["creationDate"] == "2015-08-30T12:35:00Z")
        #expect(context["attributes"]?["mfaAuthenticated"] == "false")

        let root = try JSONValue.parse(JSONEncoder().encode(AuditEvent.UserIdentity(principal: .root(accountID: "1"), accessKeyID: "AKIA")))
        #expect(root["sessionContext"] == nil)
    }
}
