import AWSWire
import BulwarkCore
import Foundation
import HTTPTypes
import IAM
import Logging
import Store
import Trail

@testable import BulwarkServer

/// The whole pipeline over the Lambda, IAM, STS and KMS services of an ``AuthorizationBench``, answering
/// requests that its IAM users sign with access keys of their own.
struct SignedStage {
    /// One request of an operation, as a client sends it.
    struct Call: Sendable, CustomStringConvertible {
        let service: WalkedService
        let operation: String
        let method: HTTPRequest.Method
        let target: String
        /// The body; `{account}` stands for the account id.
        let body: String

        var description: String { "\(service) \(operation)" }
    }

    let bench: AuthorizationBench
    let pipeline: Pipeline
    let trail: TrailWriter

    static func make() async throws -> SignedStage {
        let bench = try await AuthorizationBench.make()
        let trail = try TrailWriter(
            directory: FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-operation-trail-\(UUID().uuidString)"))
        let pipeline = BulwarkServer.makePipeline(
            database: bench.database, trail: trail, services: WalkedService.allCases.map(bench.service),
            authorizationMessages: bench.authorizationMessages, clock: .fixed(bench.samples.time),
            logger: Logger(label: "test")
        )
        // The role the STS calls assume: its trust policy delegates to the account, whose users
        // still need an identity-based policy allowing sts:AssumeRole (and sts:TagSession to pass tags).
        let trust =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"\#(bench.accountID)"},"Action":["sts:AssumeRole","sts:TagSession"]}]}"#
        try await bench.database.iam.create(
            IAMPrincipalRecord(
                kind: .role, accountID: bench.accountID, name: SampleValues.name, uniqueID: "AROAWALKED", path: "/", createdAt: bench.samples.time,
                trustPolicy: trust
            )
        )
        return SignedStage(bench: bench, pipeline: pipeline, trail: trail)
    }

    /// A new access key of `user`.
    func keys(of user: Principal) async throws -> SigV4Credentials {
        let key = AccessKeyRecord(
            accessKeyID: KeyMaterial.accessKeyID(), secretAccessKey: KeyMaterial.secretAccessKey(), accountID: bench.accountID,
            userName: user.userName, status: .active, createdAt: bench.samples.time
        )
        try await bench.database.credentials.createAccessKey(key, limit: 2)
        return SigV4Credentials(accessKeyID: key.accessKeyID, secretAccessKey: key.secretAccessKey)
    }

    /// The answer to `call` signed with `credentials`.
    func send(_ call: Call, signedWith credentials: SigV4Credentials) async -> WireResponse {
        let body = Data(call.body.replacingOccurrences(of: "{account}", with: bench.accountID).utf8)
        var request = WireRequest(method: call.method, target: call.target, body: body)
        request.headers[.hostHeader] = "127.0.0.1:4566"
        if !body.isEmpty {
            request.headers[.contentType] = call.service == .lambda ? "application/json" : "application/x-www-form-urlencoded; charset=utf-8"
        }
        let signed = SigV4Signer(credentials: credentials, region: bench.samples.region, service: call.service.rawValue)
            .signed(request, at: bench.samples.time)
        return await pipeline.handle(signed, body: PipelineTests.FixedBody(data: body))
    }

    /// The answer to `request` of `service` signed with `credentials`, as an SDK signs it.
    func send(_ request: WireRequest, of service: WalkedService, signedWith credentials: SigV4Credentials) async -> WireResponse {
        var request = request
        request.headers[.hostHeader] = "127.0.0.1:4566"
        let signed = SigV4Signer(credentials: credentials, region: bench.samples.region, service: service.rawValue)
            .signed(request, at: bench.samples.time)
        return await pipeline.handle(signed, body: PipelineTests.FixedBody(data: request.body))
    }

    /// Every audit event so far.
    func events() throws -> [JSONValue] {
        trail.flush()
        let hour = String(AWSTimestamp.basic(bench.samples.time).prefix(11))
        guard let text = try? String(contentsOf: trail.url(forHour: hour), encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { try JSONValue.parse(Data($0.utf8)) }
    }

    /// The audit event of the last call.
    func lastEvent() throws -> JSONValue? {
        trail.flush()
        let hour = String(AWSTimestamp.basic(bench.samples.time).prefix(11))
        let text = try String(contentsOf: trail.url(forHour: hour), encoding: .utf8)
        return try text.split(separator: "\n").last.map { try JSONValue.parse(Data($0.utf8)) }
    }

    /// The error code of an answer: rest-json's `x-amzn-ErrorType`, the json protocol's `__type`,
    /// the query protocol's `<Code>`.
    static func errorCode(_ response: WireResponse, of service: WalkedService) -> String? {
        guard service != .lambda else { return response.header("x-amzn-ErrorType") }
        if service == .kms { return (try? JSONValue.parse(response.body))?["__type"]?.stringValue }
        let body = String(decoding: response.body, as: UTF8.self)
        guard let start = body.range(of: "<Code>"), let end = body.range(of: "</Code>") else { return nil }
        return String(body[start.upperBound..<end.lowerBound])
    }
}
