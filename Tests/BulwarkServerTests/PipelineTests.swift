import AWSWire
import BulwarkCore
import Crypto
import Foundation
import HTTPTypes
import IAM
import KMS
import Lambda
import Logging
import ObjectStore
import Store
import Testing
import Trail

@testable import BulwarkServer

/// The pipeline in-process, with the real services and signed requests.
@Suite("The request pipeline")
struct PipelineTests {
    struct Harness {
        let pipeline: Pipeline
        let trail: TrailWriter
        let credentials: SigV4Credentials
        let now: Date

        func send(
            _ method: HTTPRequest.Method, _ target: String, body: Data = Data(), credentials: SigV4Credentials? = nil,
            region: String = "us-east-1", signedAt: Date? = nil
        ) async -> WireResponse {
            var request = WireRequest(method: method, target: target, body: body)
            request.headers[.hostHeader] = "127.0.0.1:4566"
            if !body.isEmpty { request.headers[.contentType] = "application/json" }
            let signer = SigV4Signer(credentials: credentials ?? self.credentials, region: region, service: "lambda")
            let signed = signer.signed(request, at: signedAt ?? now)
            return await pipeline.handle(signed, body: FixedBody(data: body))
        }

        func sendUnsigned(_ method: HTTPRequest.Method, _ target: String) async -> WireResponse {
            var request = WireRequest(method: method, target: target)
            request.headers[.hostHeader] = "127.0.0.1:4566"
            return await pipeline.handle(request, body: FixedBody(data: Data()))
        }

        func events() throws -> [JSONValue] {
            trail.flush()
            let hour = String(AWSTimestamp.basic(now).prefix(11))
            let text = try String(contentsOf: trail.url(forHour: hour), encoding: .utf8)
            return try text.split(separator: "\n").map { try JSONValue.parse(Data($0.utf8)) }
        }
    }

    struct FixedBody: RequestBodyReader {
        let data: Data
        func collect(upTo limit: Int) async throws -> Data {
            guard data.count <= limit else { throw BodyTooLarge() }
            return data
        }
    }

    static func harness() async throws -> Harness {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-pipeline-\(UUID().uuidString)")
        let now = Date()
        let clock = WallClock.fixed(now)
        let database = try BulwarkDatabase(directory: directory, schemas: [.iam, .lambda, .kms])
        let outcome = try await AccountBootstrap(accounts: database.accounts, clock: clock).run(.init())
        guard case .created(_, let keyID, let secret) = outcome else { throw CancellationError() }
        let trail = try TrailWriter(directory: directory.appendingPathComponent("trail"))
        let lambda = LambdaService(
            database: database, code: try CodeStore(directory: directory.appendingPathComponent("code"), key: SymmetricKey(size: .bits256)),
            invoker: NoExecution(),
            encryption: KMSKeyUse(database: database, masterKey: MasterKey(SymmetricKey(size: .bits256)), clock: clock),
            objects: S3ObjectReader(
                bodies: try ObjectBodyStore(
                    directory: directory.appendingPathComponent("objects"), masterKey: MasterKey(SymmetricKey(size: .bits256)))),
            clock: clock
        )
        // IAM is served with Lambda: its authority resolves the roles Lambda's operations name.
        let pipeline = BulwarkServer.makePipeline(
            database: database, trail: trail, services: [lambda, IAMService(database: database, clock: clock)],
            authorizationMessages: .withNewKey(), clock: clock,
            logger: Logger(label: "test"))
        return Harness(pipeline: pipeline, trail: trail, credentials: SigV4Credentials(accessKeyID: keyID, secretAccessKey: secret), now: now)
    }

    private static func errorType(_ response: WireResponse) -> String? { response.header("x-amzn-ErrorType") }

    @Test func signedRequestsAreServedAndAudited() async throws {
        let harness = try await Self.harness()
        let response = await harness.send(.get, "/2016-08-19/account-settings")
        #expect(response.status == 200)
        let body = try JSONValue.parse(response.body)
        #expect(body["AccountUsage"]?["FunctionCount"] == 0)
        let event = try #require(try harness.events().last)
        #expect(event["eventName"] == "GetAccountSettings20160819")
        #expect(event["eventSource"] == "lambda.amazonaws.com")
        #expect(event["readOnly"] == true)
        #expect(event["userIdentity"]?["type"] == "Root")
        #expect(event["errorCode"] == nil)
    }

    @Test func unsignedRequestsAreRefusedAndAudited() async throws {
        let harness = try await Self.harness()
        let response = await harness.sendUnsigned(.get, "/2015-03-31/functions")
        #expect(response.status == 403)
        #expect(Self.errorType(response) == "MissingAuthenticationTokenException")
        let event = try #require(try harness.events().last)
        #expect(event["errorCode"] == "MissingAuthenticationTokenException")
        #expect(event["userIdentity"]?["type"] == "Unknown")
    }

    @Test func wrongSecretAndUnknownKey() async throws {
        let harness = try await Self.harness()
        let wrongSecret = SigV4Credentials(accessKeyID: harness.credentials.accessKeyID, secretAccessKey: "not-the-secret-at-all-0000000000000000000")
        #expect(Self.errorType(await harness.send(.get, "/2015-03-31/functions", credentials: wrongSecret)) == "InvalidSignatureException")
        let unknown = SigV4Credentials(accessKeyID: "AKIAUNKNOWNKEY000000", secretAccessKey: "x")
        #expect(Self.errorType(await harness.send(.get, "/2015-03-31/functions", credentials: unknown)) == "UnrecognizedClientException")
        let old = await harness.send(.get, "/2015-03-31/functions", signedAt: harness.now.addingTimeInterval(-600))
        #expect(Self.errorType(old) == "InvalidSignatureException")
        #expect(String(decoding: old.body, as: UTF8.self).contains("Signature expired"))
    }

    @Test func unimplementedAndUnknownOperations() async throws {
        let harness = try await Self.harness()
        let provision = await harness.send(
            .put, "/2019-09-30/functions/hello/provisioned-concurrency?Qualifier=1", body: Data(#"{"ProvisionedConcurrentExecutions":1}"#.utf8))
        #expect(provision.status == 501)
        #expect(Self.errorType(provision) == "NotImplemented")
        let unknown = await harness.send(.get, "/2015-03-31/nothing-here")
        #expect(unknown.status == 404)
        #expect(Self.errorType(unknown) == "UnknownOperationException")
        // An unauthenticated caller learns nothing about which operations exist.
        #expect((await harness.sendUnsigned(.put, "/2019-09-30/functions/hello/provisioned-concurrency?Qualifier=1")).status == 403)
    }

    @Test func crossAccountResourcesAreDenied() async throws {
        let harness = try await Self.harness()
        let response = await harness.send(.get, "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A999999999999%3Afunction%3Ax")
        #expect(response.status == 403)
        #expect(Self.errorType(response) == "AccessDeniedException")
        #expect(String(decoding: response.body, as: UTF8.self).contains("is not authorized to perform: lambda:GetFunction"))
    }

    @Test func pathsAreRoutedAsSigV4SignsThem() async throws {
        let harness = try await Self.harness()
        // `./` and `//` are the path without them: GetFunction of a function that does not exist.
        for target in ["/2015-03-31/functions/./nothing", "/2015-03-31//functions/nothing", "/2015-03-31/x/../functions/nothing"] {
            let response = await harness.send(.get, target)
            #expect(response.status == 404, "\(target)")
            #expect(Self.errorType(response) == "ResourceNotFoundException", "\(target)")
            #expect(String(decoding: response.body, as: UTF8.self).contains("function:nothing"), "\(target)")
        }
        let above = await harness.send(.get, "/../2015-03-31/functions")
        #expect(above.status == 400)
        #expect(Self.errorType(above) == "InvalidURIPath")
        #expect(try harness.events().last?["errorCode"] == "InvalidURIPath")
    }

    @Test func bodiesOverTheOperationLimitAreRefusedBeforeReading() async throws {
        let harness = try await Self.harness()
        var request = WireRequest(method: .post, target: "/2017-03-31/tags/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Ax")
        request.headers[.hostHeader] = "127.0.0.1:4566"
        request.headers[.contentLength] = String(10 << 20)
        let response = await harness.pipeline.handle(request, body: FixedBody(data: Data()))
        #expect(response.status == 413)
        #expect(Self.errorType(response) == "RequestEntityTooLargeException")
    }

    @Test func largeBodiesBeyondTheBudgetAreRefusedAsThrottlingAndAudited() async throws {
        var harness = try await Self.harness()
        let body = Data(repeating: 0x61, count: 2 << 20)
        func createFunction() async -> WireResponse {
            var request = WireRequest(method: .post, target: "/2015-03-31/functions", body: body)
            request.headers[.hostHeader] = "127.0.0.1:4566"
            request.headers[.contentType] = "application/json"
            request.headers[.contentLength] = String(body.count)
            let signed = SigV4Signer(credentials: harness.credentials, region: "us-east-1", service: "lambda").signed(request, at: harness.now)
            return await harness.pipeline.handle(signed, body: FixedBody(data: body))
        }
        var pipeline = harness.pipeline
        pipeline.bodyBudget = BodyBudget(capacity: 3 << 20)
        harness = Harness(pipeline: pipeline, trail: harness.trail, credentials: harness.credentials, now: harness.now)
        // Admitted (and answered for its body), then released: a second one is admitted too.
        for _ in 0..<2 { #expect(Self.errorType(await createFunction()) != "TooManyRequestsException") }
        pipeline.bodyBudget = BodyBudget(capacity: 1 << 20 + 1)
        harness = Harness(pipeline: pipeline, trail: harness.trail, credentials: harness.credentials, now: harness.now)
        let refused = await createFunction()
        #expect(refused.status == 429)
        #expect(Self.errorType(refused) == "TooManyRequestsException")
        #expect(refused.header("Retry-After") == "1")
        #expect(try JSONValue.parse(refused.body)["Reason"] == "CallerRateLimitExceeded")
        let event = try #require(try harness.events().last)
        #expect(event["errorCode"] == "TooManyRequestsException")
    }
}

@Suite("The budget of large request bodies")
struct BodyBudgetTests {
    @Test func smallBodiesAreNotCounted() {
        let budget = BodyBudget(capacity: 2 << 20)
        #expect(budget.bytes(declared: 10, limit: 1 << 20) == 0)
        #expect(budget.admit(0))
    }

    @Test func countsWhatIsDeclaredWithinTheLimitElseTheLimit() {
        let budget = BodyBudget(capacity: 2 << 20)
        #expect(budget.bytes(declared: 5 << 20, limit: 64 << 20) == 5 << 20)
        #expect(budget.bytes(declared: nil, limit: 64 << 20) == 64 << 20)
        #expect(budget.bytes(declared: 100 << 20, limit: 64 << 20) == 64 << 20)
    }

    @Test func admitsWithinTheCapacityAndTakesBackWhatIsReleased() {
        let budget = BodyBudget(capacity: 5 << 20)
        #expect(budget.admit(3 << 20))
        #expect(!budget.admit(3 << 20))
        #expect(budget.admit(2 << 20))
        budget.release(3 << 20)
        #expect(budget.admit(3 << 20))
        #expect(!budget.admit(1 << 20 + 1))
    }

    @Test func refusalsInEachProtocol() {
        #expect(BodyBudget.refusal(.restXML).code == "SlowDown")
        #expect(BodyBudget.refusal(.restXML).status == 503)
        #expect(BodyBudget.refusal(.restJSON).status == 429)
        #expect(BodyBudget.refusal(.json).code == "ThrottlingException")
    }
}

/// The pipeline tests exercise the control plane only: no function runs.
struct NoExecution: FunctionInvoker {
    func invoke(_ request: InvokeRequest) async throws -> InvokeResult {
        throw AWSError(code: "ServiceException", message: "execution is not part of these tests", status: 500)
    }

    func unavailability(of runtime: String) -> String? { nil }

    func eventEnqueued() {}
}
