import Assessment
import Foundation
import IAM
import Lambda
import Store
import Testing

@Suite("Reading the store read-only")
struct InventoryTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-assessment-\(UUID().uuidString)")

    @Test func readsBesideAWriterWithoutWriting() async throws {
        let writer = try BulwarkDatabase(directory: directory, schemas: AssessmentInventory.schemas)
        let now = Date()
        try await writer.accounts.bootstrap(
            AccountRecord(id: "123456789012", createdAt: now),
            rootKey: AccessKeyRecord(
                accessKeyID: "AKIAEXAMPLE0000001", secretAccessKey: "secret", accountID: "123456789012", userName: nil, status: .active,
                createdAt: now))
        let arn = "arn:aws:lambda:us-east-1:123456789012:function:gone"
        try await writer.credentialFindings.replace(
            [CredentialScanner.Finding(location: "app.py:3", kind: "a PEM private key")], functionARN: arn, source: .code, now: now)

        let reader = try BulwarkDatabase(readingDirectory: directory, schemas: AssessmentInventory.schemas)
        let inventory = try await AssessmentInventory.read(from: reader, now: now)
        #expect(inventory.accountID == "123456789012")
        #expect(inventory.rootAccessKeys.map(\.id) == ["AKIAEXAMPLE0000001"])
        #expect(inventory.credentialFindings.map(\.location) == ["app.py:3"])
        #expect(inventory.functions.isEmpty && inventory.users.isEmpty)
        await #expect(throws: StoreError.self) {
            try await reader.credentialFindings.replace([], functionARN: arn, source: .code, now: now)
        }
        #expect(try await writer.credentialFindings.all().count == 1)
    }

    @Test func refusesWhatItCannotRead() throws {
        #expect(throws: StoreError.unavailable("no database at \(directory.path)/bulwark.sqlite")) {
            try BulwarkDatabase(readingDirectory: directory, schemas: AssessmentInventory.schemas)
        }
        #expect(!FileManager.default.fileExists(atPath: directory.path))
        _ = try BulwarkDatabase(directory: directory, schemas: [])
        #expect(throws: StoreError.self) { try BulwarkDatabase(readingDirectory: directory, schemas: AssessmentInventory.schemas) }
    }
}
