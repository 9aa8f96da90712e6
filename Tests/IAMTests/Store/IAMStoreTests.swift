import Foundation
import Store
import Testing

@testable import IAM

@Suite("The IAM store")
struct IAMStoreTests {
    let database: BulwarkDatabase
    let account = "123456789012"

    init() throws {
        database = try BulwarkDatabase(
            directory: FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-iam-\(UUID().uuidString)"), schemas: [.iam])
    }

    private func user(_ name: String, path: String = "/") -> IAMPrincipalRecord {
        IAMPrincipalRecord(
            kind: .user, accountID: account, name: name, uniqueID: "AIDA\(name.uppercased())\(UUID().uuidString.prefix(8))", path: path,
            createdAt: Date())
    }

    @Test func namesAreUniqueWithoutRegardToCase() async throws {
        try await database.iam.create(user("Dev"))
        await #expect(throws: StoreError.conflict) { try await database.iam.create(user("dev")) }
        #expect(try await database.iam.principal(.user, accountID: account, name: "DEV")?.name == "Dev")
        #expect(try await database.iam.principal(.role, accountID: account, name: "Dev") == nil)
    }

    @Test func listsByPathPrefixAndMarker() async throws {
        for (name, path) in [("a", "/"), ("b", "/eng/"), ("c", "/eng/ops/"), ("d", "/sales_x/")] {
            try await database.iam.create(user(name, path: path))
        }
        #expect(try await database.iam.principals(.user, accountID: account, after: nil, limit: 10).map(\.name) == ["a", "b", "c", "d"])
        #expect(try await database.iam.principals(.user, accountID: account, pathPrefix: "/eng/", after: nil, limit: 10).map(\.name) == ["b", "c"])
        #expect(try await database.iam.principals(.user, accountID: account, pathPrefix: "/sales_", after: nil, limit: 10).map(\.name) == ["d"])
        #expect(try await database.iam.principals(.user, accountID: account, pathPrefix: "/sales%", after: nil, limit: 10).isEmpty)
        #expect(try await database.iam.principals(.user, accountID: account, after: "b", limit: 1).map(\.name) == ["c"])
    }

    @Test func deletionWaitsForDependents() async throws {
        try await database.iam.create(user("dev"))
        try await database.iam.putInlinePolicy("{}", named: "p", of: .user, "dev", accountID: account)
        await #expect(throws: IAMStoreError.hasDependents("policies")) { try await database.iam.delete(.user, accountID: account, name: "dev") }
        try await database.iam.deleteInlinePolicy(named: "P", of: .user, "dev", accountID: account)
        try await database.iam.attach("arn:aws:iam::aws:policy/ReadOnlyAccess", to: .user, "dev", accountID: account, limit: 10)
        await #expect(throws: IAMStoreError.hasDependents("policies")) { try await database.iam.delete(.user, accountID: account, name: "dev") }
        try await database.iam.detach("arn:aws:iam::aws:policy/ReadOnlyAccess", from: .user, "dev", accountID: account)
        try await database.iam.delete(.user, accountID: account, name: "dev")
        await #expect(throws: StoreError.notFound) { try await database.iam.delete(.user, accountID: account, name: "dev") }
    }

    @Test func attachmentsHaveALimit() async throws {
        try await database.iam.create(user("dev"))
        for index in 0..<2 {
            try await database.iam.attach("arn:aws:iam::\(account):policy/p\(index)", to: .user, "dev", accountID: account, limit: 2)
        }
        try await database.iam.attach("arn:aws:iam::\(account):policy/p0", to: .user, "dev", accountID: account, limit: 2)
        await #expect(throws: IAMStoreError.limitExceeded) {
            try await database.iam.attach("arn:aws:iam::\(account):policy/p9", to: .user, "dev", accountID: account, limit: 2)
        }
        #expect(try await database.iam.attachedPolicies(of: .user, "dev", accountID: account).count == 2)
    }

    @Test func managedPolicyVersions() async throws {
        let arn = "arn:aws:iam::\(account):policy/p"
        let now = Date()
        try await database.managedPolicies.create(
            ManagedPolicyRecord(
                arn: arn, accountID: account, name: "p", policyID: "ANPA1", path: "/", description: nil, defaultVersion: "v1",
                nextVersion: 2, createdAt: now, updatedAt: now, tags: []),
            document: "{\"v\":1}"
        )
        #expect(try await database.managedPolicies.addVersion(arn, document: "{\"v\":2}", setAsDefault: true, at: now, limit: 2) == "v2")
        #expect(try await database.managedPolicies.defaultDocument(arn) == "{\"v\":2}")
        await #expect(throws: IAMStoreError.limitExceeded) {
            _ = try await database.managedPolicies.addVersion(arn, document: "{}", setAsDefault: false, at: now, limit: 2)
        }
        await #expect(throws: IAMStoreError.hasDependents("default version")) { try await database.managedPolicies.deleteVersion(arn, "v2") }
        await #expect(throws: IAMStoreError.hasDependents("versions")) { try await database.managedPolicies.delete(arn) }
        try await database.managedPolicies.deleteVersion(arn, "v1")
        try await database.managedPolicies.delete(arn)
        #expect(try await database.managedPolicies.policy(arn) == nil)
    }

    @Test func theTextsOfAUsersPoliciesComeInOneRead() async throws {
        let now = Date()
        func managed(_ name: String, _ document: String) async throws -> String {
            let arn = "arn:aws:iam::\(account):policy/\(name)"
            try await database.managedPolicies.create(
                ManagedPolicyRecord(
                    arn: arn, accountID: account, name: name, policyID: "ANPA\(name)", path: "/", description: nil, defaultVersion: "v1",
                    nextVersion: 2, createdAt: now, updatedAt: now, tags: []),
                document: document
            )
            return arn
        }
        let attached = try await managed("attached", "{\"m\":1}")
        let ofGroup = try await managed("of-group", "{\"g\":1}")
        let boundary = try await managed("boundary", "{\"b\":1}")
        var dev = user("dev")
        dev.permissionsBoundary = boundary
        try await database.iam.create(dev)
        try await database.iam.putInlinePolicy("{\"i\":2}", named: "b-inline", of: .user, "dev", accountID: account)
        try await database.iam.putInlinePolicy("{\"i\":1}", named: "a-inline", of: .user, "dev", accountID: account)
        try await database.iam.attach(attached, to: .user, "dev", accountID: account, limit: 10)
        for group in ["Team", "Admins"] {
            try await database.iam.create(
                IAMPrincipalRecord(kind: .group, accountID: account, name: group, uniqueID: "AGPA\(group)", path: "/", createdAt: now))
            try await database.iam.addUser("dev", toGroup: group, accountID: account)
            try await database.iam.putInlinePolicy("{\"group\":\"\(group)\"}", named: "p", of: .group, group, accountID: account)
        }
        try await database.iam.attach(ofGroup, to: .group, "Team", accountID: account, limit: 10)
        // A new default version is what applies.
        _ = try await database.managedPolicies.addVersion(attached, document: "{\"m\":2}", setAsDefault: true, at: now, limit: 5)

        let texts = try await database.iam.policyTexts(of: dev)

        #expect(
            texts.identity.map(\.document) == ["{\"i\":1}", "{\"i\":2}", "{\"m\":2}", "{\"group\":\"Admins\"}", "{\"group\":\"Team\"}", "{\"g\":1}"])
        #expect(texts.identity.map(\.name) == ["a-inline", "b-inline", "attached", "p", "p", "of-group"])
        #expect(texts.identity.map(\.arn) == [nil, nil, attached, nil, nil, ofGroup])
        #expect(texts.boundary == StoredPolicyText(name: "boundary", arn: boundary, document: "{\"b\":1}"))
        #expect(try await database.iam.policyTexts(of: user("nobody")) == EntityPolicyTexts(identity: [], boundary: nil))
    }

    @Test func sessionsAndMFADevices() async throws {
        // The store keeps dates to the millisecond.
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded())
        let session = SessionRecord(
            accessKeyID: "ASIATEST", secretAccessKey: "s", sessionTokenHash: "h", accountID: account, kind: .roleSession, principalName: "r",
            principalID: "AROAR",
            sessionName: "s", sourceAccessKeyID: nil, issuedAt: now, expiresAt: now.addingTimeInterval(3600), mfaAuthenticatedAt: nil,
            sessionPolicy: nil, tags: [IAMTag(key: "k", value: "v")], sourceFunctionARN: nil
        )
        try await database.credentials.createSession(session)
        #expect(try await database.credentials.session("ASIATEST") == session)
        let device = MFADeviceRecord(
            serialNumber: "arn:aws:iam::\(account):mfa/d", accountID: account, name: "d", path: "/", seed: Data([1, 2, 3]), userName: nil,
            enabledAt: nil, lastUsedStep: 0, createdAt: now, tags: []
        )
        try await database.credentials.createMFADevice(device)
        try await database.credentials.updateMFADevice(device.serialNumber) { $0.lastUsedStep = 42 }
        #expect(try await database.credentials.mfaDevice(device.serialNumber)?.lastUsedStep == 42)
    }
}
