import AWSWire
import BulwarkCore
import Foundation
import IAM
import Lambda
import Store

/// A real store in a temporary directory with a bootstrapped account, the services built on it, and
/// the authorizer of the pipeline; it creates IAM users holding exactly the policy a test gives them.
struct AuthorizationBench {
    let database: BulwarkDatabase
    let authorizer: Authorizer
    let samples: SampleValues
    private let code: CodeStore

    static func make() async throws -> AuthorizationBench {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-operation-table-\(UUID().uuidString)")
        let now = Date()
        let database = try BulwarkDatabase(directory: directory)
        let outcome = try await AccountBootstrap(accounts: database.accounts, clock: .fixed(now)).run(.init())
        guard case .created(let accountID, _, _) = outcome else { throw CancellationError() }
        return AuthorizationBench(
            database: database, authorizer: Authorizer(database: database),
            samples: SampleValues(accountID: accountID, region: "us-east-1", time: now),
            code: try CodeStore(directory: directory.appendingPathComponent("code"))
        )
    }

    var accountID: String { samples.accountID }

    /// The service as `bulwark serve` builds it (no function runs: only its table is used).
    func service(_ walked: WalkedService) -> any AWSService {
        let clock = WallClock.fixed(samples.time)
        return switch walked {
        case .lambda: LambdaService(database: database, code: code, invoker: NoExecution(), clock: clock)
        case .iam: IAMService(database: database, clock: clock)
        case .sts: STSService(database: database, clock: clock)
        }
    }

    /// A new user of the account, with no policy.
    func user() async throws -> Principal {
        let name = "walker-\(UUID().uuidString.prefix(8).lowercased())"
        let record = IAMPrincipalRecord(
            kind: .user, accountID: accountID, name: name, uniqueID: "AIDA\(name.uppercased())", path: "/", createdAt: samples.time)
        try await database.iam.create(record)
        return Principal(kind: .iamUser, accountID: accountID, arn: record.arn, principalID: record.uniqueID, userName: name)
    }

    /// Gives `user` the inline policy `document`.
    func grant(_ document: String, to user: Principal) async throws {
        try await database.iam.putInlinePolicy(document, named: "walk", of: .user, user.userName ?? "", accountID: accountID)
    }

    /// A signed request of `principal`, as the pipeline describes it to operations and the authorizer.
    func context(_ principal: Principal) -> CallContext {
        CallContext(
            requestID: "walk", principal: principal, accessKeyID: "AKIAWALKER", region: samples.region, sourceIP: "192.0.2.10",
            userAgent: "operation-table-walk", isSecureTransport: true, receivedAt: samples.time,
            presigner: URLPresigner { path, _, _ in path }
        )
    }

    /// The checks of `operation` called by `principal` with `input`.
    func checks(of operation: ServiceOperation, input: JSONValue, by principal: Principal) throws -> [AuthorizationCheck] {
        try operation.prepare(input, context: context(principal)).checks
    }

    /// The authorize stage's decision on `checks` asked by `principal`.
    func authorize(_ checks: [AuthorizationCheck], by principal: Principal) async throws -> AuthorizationOutcome {
        try await authorizer.authorize(checks, context: context(principal))
    }
}
