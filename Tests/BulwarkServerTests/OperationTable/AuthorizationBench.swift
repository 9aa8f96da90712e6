import AWSWire
import BulwarkCore
import Crypto
import Foundation
import IAM
import KMS
import ObjectStore
import Store
import Testing

@testable import Lambda

/// A real store in a temporary directory with a bootstrapped account, the services built on it, and
/// the authorizer of the pipeline; it creates IAM users holding exactly the policy a test gives them.
struct AuthorizationBench {
    let database: BulwarkDatabase
    let authorizer: Authorizer
    /// The key of the pipeline's denial messages, shared with the STS that decodes them.
    let authorizationMessages = AuthorizationMessageSealer.withNewKey()
    /// The master key of the bench's KMS keys, shared by every instance of the service.
    let masterKey = MasterKey(SymmetricKey(size: .bits256))
    let samples: SampleValues
    private let code: CodeStore
    private let objectBodies: ObjectBodyStore

    static func make() async throws -> AuthorizationBench {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-operation-table-\(UUID().uuidString)")
        let now = Date()
        let database = try BulwarkDatabase(directory: directory, schemas: [.iam, .lambda, .kms])
        let outcome = try await AccountBootstrap(accounts: database.accounts, clock: .fixed(now)).run(.init())
        guard case .created(let accountID, _, _) = outcome else { throw CancellationError() }
        return AuthorizationBench(
            database: database, authorizer: Authorizer(),
            samples: SampleValues(accountID: accountID, region: "us-east-1", time: now),
            code: try CodeStore(directory: directory.appendingPathComponent("code"), key: SymmetricKey(size: .bits256)),
            objectBodies: try ObjectBodyStore(
                directory: directory.appendingPathComponent("objects"), masterKey: MasterKey(SymmetricKey(size: .bits256)))
        )
    }

    var accountID: String { samples.accountID }

    /// The service as `bulwark serve` builds it (no function runs: only its table is used).
    func service(_ walked: WalkedService) -> any AWSService {
        let clock = WallClock.fixed(samples.time)
        return switch walked {
        case .lambda:
            LambdaService(
                database: database, code: code, invoker: NoExecution(),
                encryption: KMSKeyUse(database: database, masterKey: masterKey, clock: clock),
                objects: S3ObjectReader(bodies: objectBodies), clock: clock)
        case .iam: IAMService(database: database, clock: clock)
        case .sts: STSService(database: database, authorizationMessages: authorizationMessages, clock: clock)
        case .kms: KMSService(database: database, masterKey: masterKey, clock: clock)
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

    /// What the resolve stage finds for a call, as the pipeline resolves it.
    var resolver: ResourceResolver {
        ResourceResolver(authorities: WalkedService.allCases.flatMap { service($0).authorities })
    }

    /// The checks of `operation` called by `principal` with `input`, on what its references resolve to.
    func checks(of operation: ServiceOperation, input: JSONValue, by principal: Principal) async throws -> AskedChecks {
        let context = context(principal)
        let prepared = try operation.prepare(input, context: context)
        let resolution = try await resolver.resolve(prepared.references, context: context)
        return AskedChecks(checks: try prepared.checks(given: resolution), resolution: resolution)
    }

    /// The authorize stage's decision on `asked` by `principal`, with its policies as stored now.
    func authorize(_ asked: AskedChecks, by principal: Principal) async throws -> AuthorizationOutcome {
        let identity = try await CallerPolicies.current(of: principal, in: database)
        return try await authorizer.authorize(asked.checks, identity: identity, resolution: asked.resolution, context: context(principal))
    }
}

/// The checks of one call and the resolution they name.
struct AskedChecks {
    let checks: [AuthorizationCheck]
    let resolution: Resolution
}

extension AuthorizationBench {
    /// `operation` called by `principal` with `input` through the stages of the pipeline after
    /// decoding: prepare, resolve, authorize and — when allowed and nothing is created, unless
    /// `creating` — handle.
    func call(_ operation: ServiceOperation, input: JSONValue, by principal: Principal, creating: Bool = false) async -> BenchCall {
        var call = BenchCall()
        var context = context(principal)
        do {
            let prepared = try operation.prepare(input, context: context)
            let resolution = try await resolver.resolve(prepared.references, context: context)
            call.resolution = resolution
            call.checks = try prepared.checks(given: resolution)
            let identity = try await CallerPolicies.current(of: principal, in: database)
            let outcome = try await authorizer.authorize(call.checks, identity: identity, resolution: resolution, context: context)
            call.outcome = outcome
            guard outcome.isAllowed, creating || !prepared.references.contains(where: { $0.intent == .creating }) else { return call }
            context.resolution = resolution
            call.handled = .success(try await prepared.execute(context))
        } catch {
            if call.outcome?.isAllowed == true { call.handled = .failure(error) }
        }
        return call
    }
}

/// What happened to one call of ``AuthorizationBench/call(_:input:by:)``.
struct BenchCall {
    var resolution: Resolution?
    var checks: [AuthorizationCheck] = []
    var outcome: AuthorizationOutcome?
    var handled: Result<JSONValue, any Error>?

    /// A call whose references vary the real entities' own: every entity it resolved is a real one,
    /// under its canonical ARN; a check on one is refused by the deny; and a call let through acts
    /// on nothing that exists, so its handler refuses.
    /// - Parameter absentIsSuccess: the operation succeeds on an entity that does not exist, as AWS
    ///   documents for some deletions (DeleteOpenIDConnectProvider is idempotent).
    func expectNoRealEntityReached(_ real: RealEntities, name: String, absentIsSuccess: Bool = false) {
        guard let resolution else { return }
        let found = resolution.resources.filter(\.exists)
        for resource in found {
            #expect(
                real.all.contains(resource.arn) || resource.arn == real.functionARN + ":$LATEST",
                "\(name): resolved to \(resource.arn), which is no entity's canonical ARN")
        }
        let checkedReal = checks.filter { check in found.contains { $0.arn == check.resource } }
        if !checkedReal.isEmpty {
            #expect(outcome?.isAllowed == false, "\(name): allowed on \(checkedReal.map(\.resource)) despite the deny")
        }
        guard outcome?.isAllowed == true, case .success = handled, !absentIsSuccess else { return }
        let actedOn = resolution.resources.filter { $0.reference.use == .actedOn }
        #expect(!actedOn.isEmpty && actedOn.allSatisfy(\.exists), "\(name): the handler answered success for an entity that does not exist")
    }
}

extension AuthorizationBench {
    /// A function of the account as CreateFunction stores it (no code runs in these tests), `Active`
    /// unless another `lifecycle` is given.
    func createFunction(_ name: String, tags: [String: String] = [:], lifecycle: FunctionLifecycle? = nil) async throws {
        let key = FunctionKey(accountID: accountID, region: samples.region, name: name)
        let state = FunctionState(
            name: name, runtime: "python3.12", role: samples.roleARN, handler: "app.handler", description: "", timeout: 3, memorySize: 128,
            ephemeralStorageSize: 512, environment: [:], architectures: ["x86_64"], tracingMode: "PassThrough",
            logging: LambdaService.logging(nil, functionName: name, current: nil), lastModified: samples.time,
            codeSha256: "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", lifecycle: lifecycle
        )
        try await database.functions.create(
            FunctionVersionRecord(
                key: key, version: "$LATEST", configuration: try FunctionStateCoding.encode(state),
                codeSHA256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", codeSize: 0, revisionID: "r1"
            ),
            createdAt: samples.time, tags: tags, tagResource: "arn:aws:lambda:\(samples.region):\(accountID):function:\(name)"
        )
    }
}
