import AWSWire
import BulwarkCore
import Foundation
import HTTPTypes
import IAM
import Logging
import Store
import Testing
import Trail

@testable import BulwarkServer

/// A query service through the whole pipeline: routing by `Action` and credential scope, and every
/// failure — authentication included — answered in the query protocol's XML.
@Suite("The request pipeline with a query service")
struct QueryPipelineTests {
    /// STS's `GetCallerIdentity`, enough of a query service to exercise the pipeline.
    struct CallerIdentityService: AWSService {
        var model: ServiceModel { .sts }
        var operations: [ServiceOperation] {
            [
                ServiceOperation(
                    "GetCallerIdentity", action: "sts:GetCallerIdentity", readOnly: true, input: STSAPI.GetCallerIdentityRequest.self,
                    handler: { _, context in
                        STSAPI.GetCallerIdentityResponse(
                            userId: context.principal.principalID, account: context.principal.accountID, arn: context.principal.arn)
                    }
                )
            ]
        }
    }

    struct Harness {
        let pipeline: Pipeline
        let credentials: SigV4Credentials
        let now: Date

        func send(_ body: String, service: String = "sts", credentials: SigV4Credentials? = nil, signed: Bool = true) async -> WireResponse {
            var request = WireRequest(method: .post, target: "/", body: Data(body.utf8))
            request.headers[.hostHeader] = "127.0.0.1:4566"
            request.headers[.contentType] = "application/x-www-form-urlencoded; charset=utf-8"
            if signed {
                request = SigV4Signer(credentials: credentials ?? self.credentials, region: "us-east-1", service: service)
                    .signed(request, at: now)
            }
            return await pipeline.handle(request, body: PipelineTests.FixedBody(data: request.body))
        }
    }

    static func harness() async throws -> Harness {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-query-\(UUID().uuidString)")
        let now = Date()
        let clock = WallClock.fixed(now)
        let database = try BulwarkDatabase(directory: directory, schemas: [.iam])
        let outcome = try await AccountBootstrap(accounts: database.accounts, clock: clock).run(.init())
        guard case .created(_, let keyID, let secret) = outcome else { throw CancellationError() }
        let trail = try TrailWriter(directory: directory.appendingPathComponent("trail"))
        let pipeline = BulwarkServer.makePipeline(
            database: database, trail: trail, services: [CallerIdentityService()], authorizationMessages: .withNewKey(), clock: clock,
            logger: Logger(label: "test"))
        return Harness(pipeline: pipeline, credentials: SigV4Credentials(accessKeyID: keyID, secretAccessKey: secret), now: now)
    }

    private static func text(_ response: WireResponse) -> String { String(decoding: response.body, as: UTF8.self) }

    private static func errorCode(_ response: WireResponse) -> String? {
        let body = text(response)
        guard body.hasPrefix("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"),
            let start = body.range(of: "<Code>"), let end = body.range(of: "</Code>")
        else { return nil }
        return String(body[start.upperBound..<end.lowerBound])
    }

    @Test func answersASignedCallInXML() async throws {
        let harness = try await Self.harness()
        let response = await harness.send("Action=GetCallerIdentity&Version=2011-06-15")
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "text/xml")
        let body = Self.text(response)
        #expect(body.hasPrefix(#"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>"#))
        #expect(body.contains("<Arn>arn:aws:iam::"))
    }

    @Test func refusesUnknownActionsAsInvalidAction() async throws {
        let harness = try await Self.harness()
        let response = await harness.send("Action=GetSecrets&Version=2011-06-15")
        #expect(response.status == 400)
        #expect(Self.errorCode(response) == "InvalidAction")
    }

    @Test func refusesUnimplementedOperationsInXML() async throws {
        let harness = try await Self.harness()
        let response = await harness.send("Action=GetFederationToken&Version=2011-06-15&Name=x")
        #expect(response.status == 501)
        #expect(Self.errorCode(response) == "NotImplemented")
    }

    @Test func answersAuthenticationFailuresInXML() async throws {
        let harness = try await Self.harness()
        let unsigned = await harness.send("Action=GetCallerIdentity&Version=2011-06-15", signed: false)
        #expect(unsigned.status == 403)
        #expect(Self.errorCode(unsigned) == "MissingAuthenticationToken")

        let wrongSecret = SigV4Credentials(accessKeyID: harness.credentials.accessKeyID, secretAccessKey: "not-the-secret")
        let mismatch = await harness.send("Action=GetCallerIdentity&Version=2011-06-15", credentials: wrongSecret)
        #expect(mismatch.status == 403)
        #expect(Self.errorCode(mismatch) == "SignatureDoesNotMatch")

        let unknownKey = SigV4Credentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
        let unknown = await harness.send("Action=GetCallerIdentity&Version=2011-06-15", credentials: unknownKey)
        #expect(unknown.status == 403)
        #expect(Self.errorCode(unknown) == "InvalidClientTokenId")
    }
}
