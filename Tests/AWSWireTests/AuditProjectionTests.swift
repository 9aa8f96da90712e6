import AWSWire
import BulwarkCore
import Testing

@Suite("Audit projection of requests and answers")
struct AuditProjectionTests {
    let projection = AuditProjection(model: TestModel.service)

    @Test func lowerCamelCaseAndHiddenSecrets() {
        let projected = projection.project(["Name": "ok", "Secret": "pw", "Options": ["Depth": 1]], as: "CreateWidgetRequest")
        #expect(projected == ["name": "ok", "secret": "HIDDEN_DUE_TO_SECURITY_REASONS", "options": ["depth": 1]])
    }

    @Test func blobsAreNeverRecorded() {
        #expect(projection.project(["Body": "AAECAw=="], as: "BlobOutput") == ["body": "HIDDEN_DUE_TO_SECURITY_REASONS"])
    }

    @Test func nothingToRecordIsNil() {
        #expect(projection.project([:], as: "ListWidgetsRequest") == nil)
        #expect(projection.project(["Name": "x"], as: nil) == nil)
    }
}
