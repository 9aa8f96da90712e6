import AWSWire
import BulwarkCore
import Foundation
import IAM
import Store
import Testing

/// Lambda assuming execution roles: the role must exist at exactly the named ARN and its trust
/// policy must let the service assume it for the source resource.
@Suite("Service role sessions")
struct ServiceRoleSessionTests {
    static let function = "arn:aws:lambda:us-east-1:\(IAMServiceHarness.accountID):function:f"

    static func assumption(_ role: String, service: String = "lambda.amazonaws.com", source: String = function) -> ServiceRoleSessions.Assumption {
        ServiceRoleSessions.Assumption(service: service, roleARN: role, sourceARN: source, sourceAccount: IAMServiceHarness.accountID)
    }

    static func role(
        _ harness: IAMServiceHarness, _ name: String, trust: String = Documents.trustLambda, path: String? = nil
    ) async throws
        -> String
    {
        try await harness.call(
            "CreateRole", IAMAPI.CreateRoleRequest(path: path, roleName: name, assumeRolePolicyDocument: trust),
            as: IAMAPI.CreateRoleResponse.self
        ).role.arn
    }

    @Test func aRoleThatTrustsTheServiceIsAssumed() async throws {
        let harness = try await IAMServiceHarness.make()
        defer { harness.remove() }
        let arn = try await Self.role(harness, "exec")
        let sessions = ServiceRoleSessions(database: harness.database, clock: .system)

        let credentials = try await sessions.issue(Self.assumption(arn), sessionName: "f", duration: 3600, sourceFunctionARN: Self.function)

        #expect(credentials.accessKeyID.hasPrefix("ASIA"))
        let session = try #require(try await harness.database.credentials.session(credentials.accessKeyID))
        #expect(session.kind == .roleSession)
        #expect(session.principalName == "exec")
        #expect(session.sessionName == "f")
        #expect(session.sourceFunctionARN == Self.function)
        #expect(abs(session.expiresAt.timeIntervalSince(session.issuedAt) - 3600) < 1)
    }

    @Test func sessionsDieWithTheirRoleEvenWhenANamesakeIsCreated() async throws {
        let harness = try await IAMServiceHarness.make()
        defer { harness.remove() }
        let arn = try await Self.role(harness, "exec")
        let sessions = ServiceRoleSessions(database: harness.database, clock: .system)
        let credentials = try await sessions.issue(Self.assumption(arn), sessionName: "f", duration: 3600)
        let lookup = AccessKeyLookup(database: harness.database, clock: .system)
        guard case .found(_, let owner) = try await lookup.secret(forAccessKeyID: credentials.accessKeyID, sessionToken: credentials.sessionToken)
        else {
            Issue.record("the session is not honoured")
            return
        }
        #expect(owner.principal.arn.hasSuffix(":assumed-role/exec/f"))

        // The role is deleted and another one of the same name created: the session belonged to the first.
        try await harness.call("DeleteRole", IAMAPI.DeleteRoleRequest(roleName: "exec"))
        _ = try await Self.role(harness, "exec")
        let after = try await lookup.secret(forAccessKeyID: credentials.accessKeyID, sessionToken: credentials.sessionToken)
        guard case .invalidSessionToken = after else {
            Issue.record("a session outlived its role: \(after)")
            return
        }
    }

    @Test func missingRolesAndOtherAccountsAreRefused() async throws {
        let harness = try await IAMServiceHarness.make()
        defer { harness.remove() }
        let arn = try await Self.role(harness, "exec")
        let sessions = ServiceRoleSessions(database: harness.database, clock: .system)

        for role in [
            "arn:aws:iam::\(IAMServiceHarness.accountID):role/missing", "arn:aws:iam::999988887777:role/exec", "not an arn",
            "arn:aws:iam::\(IAMServiceHarness.accountID):user/exec", arn.replacingOccurrences(of: "exec", with: "EXEC"),
        ] {
            await #expect(throws: ServiceRoleSessions.Refusal.noSuchRole, "\(role)") { try await sessions.verify(Self.assumption(role)) }
        }
    }

    @Test func theARNMustCarryTheRolesPath() async throws {
        let harness = try await IAMServiceHarness.make()
        defer { harness.remove() }
        let arn = try await Self.role(harness, "exec", path: "/service-role/")
        let sessions = ServiceRoleSessions(database: harness.database, clock: .system)

        #expect(try await sessions.verify(Self.assumption(arn)).name == "exec")
        await #expect(throws: ServiceRoleSessions.Refusal.noSuchRole) {
            try await sessions.verify(Self.assumption("arn:aws:iam::\(IAMServiceHarness.accountID):role/exec"))
        }
    }

    @Test func aTrustPolicyForAnotherServiceIsRefused() async throws {
        let harness = try await IAMServiceHarness.make()
        defer { harness.remove() }
        let ec2 = Documents.trustLambda.replacingOccurrences(of: "lambda.amazonaws.com", with: "ec2.amazonaws.com")
        let arn = try await Self.role(harness, "exec", trust: ec2)
        let sessions = ServiceRoleSessions(database: harness.database, clock: .system)

        await #expect {
            try await sessions.verify(Self.assumption(arn))
        } throws: { error in
            guard case .notTrusted(let why) = error as? ServiceRoleSessions.Refusal else { return false }
            return why.contains("sts:AssumeRole")
        }
        #expect(try await sessions.verify(Self.assumption(arn, service: "ec2.amazonaws.com")).name == "exec")
    }

    @Test func trustConditionsSeeTheSourceResourceAndAccount() async throws {
        let harness = try await IAMServiceHarness.make()
        defer { harness.remove() }
        let account = IAMServiceHarness.accountID
        let scoped = #"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole",
            "Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:lambda:*:\#(account):function:app-*"},"StringEquals":{"aws:SourceAccount":"\#(account)"}}}]}
            """#
        let arn = try await Self.role(harness, "exec", trust: scoped)
        let sessions = ServiceRoleSessions(database: harness.database, clock: .system)

        #expect(try await sessions.verify(Self.assumption(arn, source: "arn:aws:lambda:us-east-1:\(account):function:app-api")).name == "exec")
        await #expect(throws: ServiceRoleSessions.Refusal.self) { try await sessions.verify(Self.assumption(arn)) }
    }

    @Test func anExplicitDenyInTheTrustPolicyWins() async throws {
        let harness = try await IAMServiceHarness.make()
        defer { harness.remove() }
        let denying = #"""
            {"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"},
            {"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole","Condition":{"StringNotEquals":{"aws:SourceArn":"arn:aws:lambda:us-east-1:1:function:x"}}}]}
            """#
        let arn = try await Self.role(harness, "exec", trust: denying)
        let sessions = ServiceRoleSessions(database: harness.database, clock: .system)

        await #expect(throws: ServiceRoleSessions.Refusal.self) { try await sessions.verify(Self.assumption(arn)) }
    }
}
