import AWSWire
import BulwarkCore
import Foundation
import HTTPTypes
import IAM
import Logging
import Trail

/// Reads a request body, refusing to read more than a limit.
protocol RequestBodyReader: Sendable {
    /// The whole body, or ``BodyTooLarge`` as soon as it exceeds `limit` bytes.
    func collect(upTo limit: Int) async throws -> Data
}

/// A body that exceeds the limit of its operation.
struct BodyTooLarge: Error {}

/// A body already in memory (requests from functions' private endpoints).
struct InMemoryBody: RequestBodyReader {
    let data: Data

    func collect(upTo limit: Int) async throws -> Data {
        guard data.count <= limit else { throw BodyTooLarge() }
        return data
    }
}

/// The one path of every API call: route → authenticate → decode → resolve → authorize → handle →
/// encode → audit (DESIGN §1). No service can skip a stage: services only declare operations.
struct Pipeline: Sendable {
    let registry: ServiceRegistry
    let authenticator: any CallerAuthenticator
    let resolver: ResourceResolver
    let authorizer: Authorizer
    /// Seals each denial's account for the trail, for `sts:DecodeAuthorizationMessage`.
    let authorizationMessages: AuthorizationMessageSealer
    let audit: AuditRecorder
    let clock: WallClock
    let logger: Logger
    /// The largest body read for a request whose operation is not known before reading it.
    let defaultBodyLimit: Int
    /// Records the use of long-term keys (`GetAccessKeyLastUsed`), off the request path.
    var keyUses: AccessKeyUseRecorder? = nil
    /// Bounds the large bodies held at once.
    var bodyBudget = BodyBudget.forThisMachine()
    /// Counts every call for the operator's `GET /metrics`.
    var metrics: ServerMetrics? = nil

    /// Answers one request. Never throws: every failure becomes the protocol's error answer.
    func handle(_ head: WireRequest, body reader: some RequestBodyReader) async -> WireResponse {
        let started = ContinuousClock.now
        var call = CallRecord(requestID: UUID.random().uuidString.lowercased(), receivedAt: clock.now(), request: head)
        let response: WireResponse
        if registry.hasUnsignedOperations, Self.carriesNoCredentials(head), head.method != .post,
            case .implemented(let entry, let match, let operation) = registry.route(head), operation.access.acceptsUnsignedRequests,
            match.operation.httpMethod == head.method.rawValue
        {
            response = await runUnsigned(head, entry: entry, match: match, operation: operation, call: &call)
        } else if registry.hasUnsignedOperations, Self.carriesNoCredentials(head), head.method == .post {
            // A query-protocol request without credentials names its operation only in its body:
            // read it (within the default limit) to learn whether the operation takes no signature.
            do {
                let body = try await reader.collect(upTo: defaultBodyLimit)
                var request = head
                request.body = body
                if case .implemented(let entry, let match, let operation) = registry.route(request), operation.access.acceptsUnsignedRequests {
                    response = await runUnsigned(request, entry: entry, match: match, operation: operation, call: &call)
                } else {
                    // Routed by its body, it is refused by the addressed service, in its protocol.
                    response = await run(request, body: InMemoryBody(data: body), call: &call)
                }
            } catch {
                response = await run(head, body: InMemoryBody(data: Data()), call: &call)
            }
        } else {
            response = await run(head, body: reader, call: &call)
        }
        audit.record(call)
        metrics?.record(call, duration: .now - started)
        return response
    }

    /// Whether a request claims no AWS credentials at all: no presigned query, and no `Authorization`
    /// header or a bearer token (the operator's scrape token of `GET /metrics`) rather than a signature.
    private static func carriesNoCredentials(_ request: WireRequest) -> Bool {
        (request.header("Authorization").map { $0.hasPrefix("Bearer ") } ?? true)
            && !request.queryItems.contains { $0.name == "X-Amz-Credential" || $0.name == "X-Amz-Signature" }
    }

    /// An operation that takes no AWS signature (`AssumeRoleWithWebIdentity`): its handler
    /// authenticates the caller by what the request carries. The call is still decoded, validated,
    /// resolved and audited like any other; there is no caller whose policies could be asked.
    private func runUnsigned(
        _ request: WireRequest, entry: ServiceRegistry.Entry, match: OperationMatch, operation: ServiceOperation, call: inout CallRecord
    ) async -> WireResponse {
        var request = request
        do {
            try request.normalizePath()
        } catch {
            return fail(error, call: &call)
        }
        call.route(.implemented(entry, match, operation))
        var context = CallContext(
            requestID: call.requestID,
            principal: .unauthenticated,
            accessKeyID: "",
            region: "us-east-1",
            sourceIP: request.sourceIP,
            userAgent: request.header("User-Agent") ?? "",
            isSecureTransport: request.isSecureTransport,
            receivedAt: call.receivedAt,
            presigner: URLPresigner { _, _, _ in "" }
        )
        do {
            let input = try entry.codec.readInput(request, match: match)
            call.input = input
            let prepared = try operation.prepare(input, context: context)
            let resolution = try await resolver.resolve(prepared.references, context: context)
            call.resolution = resolution
            context.resolution = resolution
            let output = try await prepared.execute(context)
            call.output = output
            var response = entry.codec.encodeOutput(output, operation: match.operation, requestID: call.requestID)
            if let contentType = operation.responseContentType { response.setHeader("Content-Type", contentType) }
            return response
        } catch {
            return fail(error, call: &call)
        }
    }

    private func run(_ head: WireRequest, body reader: some RequestBodyReader, call: inout CallRecord) async -> WireResponse {
        // Every stage sees the path as SigV4 signs it (`/a/./b//c` is `/a/b/c`); one that climbs
        // above the root is no path (InvalidURIPath). The trail keeps the path as sent.
        // S3 signs and addresses the path exactly as sent (a key may hold `//` or `./`).
        var head = head
        var addressed = registry.service(for: head)
        if addressed?.model.wireProtocol != .restXML {
            let sent = head.rawPath
            do {
                try head.normalizePath()
            } catch {
                return fail(error, call: &call)
            }
            if head.rawPath != sent { addressed = registry.service(for: head) }
        }
        // Route on the head: the service decides how the caller authenticates, the operation (when
        // the head names it) how large a body may be read.
        let preliminary = registry.route(head, in: addressed)
        call.route(preliminary)
        guard let service = preliminary.entry else {
            if let scope = CredentialScopeHint(head), !registry.servesSigningName(scope.service) {
                // Another AWS service: refused in its own protocol, so that its SDK can read why.
                let answer = UnservedServiceAnswer(request: head, signingName: scope.service)
                let error = UnservedServiceAnswer.error(signingName: scope.service, served: registry.awsServiceIDs)
                call.error = error
                return answer.response(error, requestID: call.requestID)
            }
            if case .unknown(_, let detail) = preliminary { return fail(AWSError.unknownOperation(detail), call: &call) }
            return fail(AWSError.internalFailure(requestID: call.requestID), call: &call)
        }
        let limit: Int
        var limitName = call.operationName
        var checksumHeadersDescribeBody = true
        if case .implemented(_, _, let operation) = preliminary {
            limit = operation.maxRequestBytes
            limitName = operation.limitName
            checksumHeadersDescribeBody = operation.checksumHeadersDescribeBody
        } else {
            limit = defaultBodyLimit
        }
        let declaredLength = head.header("Content-Length").flatMap(Int.init)
        if let declared = declaredLength, declared > limit {
            return fail(AWSError.requestTooLarge(limit: limit, operation: limitName), call: &call)
        }

        // Authenticate the head before reading the body: a request without a valid key is refused
        // before the server buffers anything of it.
        let pending: PendingCaller
        do {
            pending = try await authenticator.authenticate(head: head, service: service.model)
        } catch {
            return fail(error, call: &call)
        }
        let budgeted = bodyBudget.bytes(declared: declaredLength, limit: limit)
        guard bodyBudget.admit(budgeted) else { return fail(BodyBudget.refusal(service.model.wireProtocol), call: &call) }
        defer { bodyBudget.release(budgeted) }
        var request = head
        do {
            request.body = try await reader.collect(upTo: limit)
        } catch is BodyTooLarge {
            return fail(AWSError.requestTooLarge(limit: limit, operation: limitName), call: &call)
        } catch {
            return fail(AWSError(code: "IncompleteBody", message: "The request body could not be read.", status: 400), call: &call)
        }
        let caller: AuthenticatedCaller
        do {
            caller = try RequestPayload.complete(
                &request, pending: pending, checksPayload: service.model.wireProtocol == .restXML,
                checksumHeadersDescribeBody: checksumHeadersDescribeBody)
            call.caller = caller
            if caller.principal.session == nil {
                keyUses?.noteUse(of: caller.accessKeyID, service: service.model.signingName, region: caller.region, at: call.receivedAt)
            }
        } catch {
            return fail(error, call: &call)
        }

        // A body the client compressed for an operation that allows it (CloudWatch's PutMetricData) is
        // read inflated, its signature having been checked over the bytes sent.
        if GzipRequestBody.isCompressed(request), service.model.operations.values.contains(where: \.gzipRequests) {
            do {
                try GzipRequestBody.inflate(&request, limit: limit, operation: limitName)
            } catch {
                return fail(error, call: &call)
            }
        }

        // The query protocol names its operation in the body (also for a service that speaks it among
        // others, found by its credential scope); the others were routed on the head.
        let route: ServiceRegistry.Route
        switch preliminary {
        case .unknown where service.model.wireProtocol != .query && service.codec is QueryCodec: route = registry.route(request, in: service)
        default: route = service.model.wireProtocol == .query ? registry.route(request) : preliminary
        }
        call.route(route)
        let match: OperationMatch
        let operation: ServiceOperation
        switch route {
        case .implemented(_, let found, let declared):
            match = found
            operation = declared
        case .unimplemented(let entry, let model):
            return fail(AWSError.notImplemented(service: entry.model.serviceID, operation: model.name), call: &call)
        case .unknown(let entry, let detail):
            return fail(entry?.codec.unknownOperationError(request) ?? AWSError.unknownOperation(detail), call: &call)
        }
        let entry = service

        var context = CallContext(
            requestID: call.requestID,
            principal: caller.principal,
            accessKeyID: caller.accessKeyID,
            region: caller.region,
            sourceIP: request.sourceIP,
            userAgent: request.header("User-Agent") ?? "",
            isSecureTransport: request.isSecureTransport,
            receivedAt: call.receivedAt,
            presigner: caller.presigner,
            sourceFunctionARN: request.sourceFunctionARN
        )
        context.authenticationConditionKeys = caller.conditionKeys
        do {
            let input = try entry.codec.readInput(request, match: match)
            call.input = input
            let prepared = try operation.prepare(input, context: context)
            var resolution = try await resolver.resolve(prepared.references, context: context)
            // Entities named by what was found (a function's KMS key) are resolved next, the same way.
            let named = try prepared.entityReferences(given: resolution)
            if !named.isEmpty {
                resolution = Resolution(resolution.resources + (try await resolver.resolve(named, context: context)).resources)
            }
            call.resolution = resolution
            context.resolution = resolution
            if operation.access.judgesEveryCheck || operation.access == .perResourceByPolicy {
                let checks = operation.access.judgesEveryCheck ? try prepared.checks(given: resolution) : []
                let decision = try await authorizer.authorize(checks, identity: caller.policies, resolution: resolution, context: context)
                if operation.access.judgesEveryCheck, !decision.isAllowed {
                    call.authorization = decision.explanation
                    call.encodedAuthorizationMessage = try decision.denialMessage.map {
                        try authorizationMessages.seal($0, account: caller.principal.accountID)
                    }
                    // The results run in the checks' order up to the refused one, whose service may word its answer.
                    let refused = decision.results.count - 1
                    let message =
                        (checks.indices.contains(refused) ? checks[refused].refusalMessage : nil)
                        ?? decision.denial?.accessDeniedMessage(quotingResource: entry.model.wireProtocol == .restXML)
                        ?? "User: \(caller.principal.arn) is not authorized to perform: \(operation.action) because no policy can allow it"
                    throw AWSError.accessDenied(message, protocol: entry.codec is QueryCodec ? .query : entry.model.wireProtocol)
                }
                context.refusedContingentChecks = try await refusals(
                    of: prepared.contingentChecks(given: resolution), caller: caller, resolution: resolution, context: context)
                call.refusedChecks = context.refusedContingentChecks
                // Entities only the answer finds (a listing's) pass the same two stages when the handler names them.
                let judged = context
                context.listedEntityJudge = ListedEntityJudge { references, makeChecks in
                    let found = try await resolver.resolve(references, context: judged)
                    let refused = try await refusals(of: makeChecks(found), caller: caller, resolution: found, context: judged)
                    return ListedEntityJudgement(resolution: found, refusedChecks: refused)
                }
            }
            let output = try await prepared.execute(context)
            call.output = output
            call.warnings = context.warnings.all
            var response = entry.codec.encodeOutput(output, operation: match.operation, requestID: call.requestID)
            if let contentType = operation.responseContentType { response.setHeader("Content-Type", contentType) }
            return response
        } catch {
            return fail(error, call: &call)
        }
    }

    /// The contingent checks the authorizer refuses, each judged on its own, with its denial message.
    private func refusals(
        of checks: [AuthorizationCheck], caller: AuthenticatedCaller, resolution: Resolution, context: CallContext
    ) async throws -> [RefusedCheck] {
        var refused: [RefusedCheck] = []
        for check in checks {
            let outcome = try await authorizer.authorize([check], identity: caller.policies, resolution: resolution, context: context)
            guard !outcome.isAllowed else { continue }
            let message =
                outcome.denial?.accessDeniedMessage
                ?? "User: \(caller.principal.arn) is not authorized to perform: \(check.action) on resource: \(check.resource)"
            refused.append(RefusedCheck(check: check, message: message))
        }
        return refused
    }

    /// Records the failure and encodes it in the protocol of the addressed service (rest-json when none).
    private func fail(_ error: any Error, call: inout CallRecord) -> WireResponse {
        let awsError: AWSError
        if let known = error as? AWSError {
            awsError = known
        } else {
            logger.error("request failed", metadata: ["request-id": "\(call.requestID)", "error": "\(error)"])
            awsError = .internalFailure(requestID: call.requestID)
        }
        call.error = awsError
        call.failureNote = awsError.auditNote
        if let entry = call.entry {
            return entry.codec.encodeError(awsError, requestID: call.requestID)
        }
        return RestJSONCodec.errorResponse(awsError, requestID: call.requestID)
    }
}

extension ServiceRegistry.Route {
    var entry: ServiceRegistry.Entry? {
        switch self {
        case .implemented(let entry, _, _), .unimplemented(let entry, _): entry
        case .unknown(let entry, _): entry
        }
    }
}

extension AWSError {
    /// A request body over the operation's limit, as Lambda words it.
    static func requestTooLarge(limit: Int, operation: String?) -> AWSError {
        let suffix = operation.map { " for the \($0) operation" } ?? ""
        return AWSError(
            code: "RequestEntityTooLargeException",
            message: "Request must be smaller than \(limit) bytes\(suffix)",
            status: 413
        )
    }

    /// A denial by the authorizer, in the protocol's code and status.
    static func accessDenied(_ message: String, protocol wireProtocol: WireProtocol) -> AWSError {
        switch wireProtocol {
        case .query: AWSError(code: "AccessDenied", message: message, status: 403)
        case .json, .rpcV2CBOR: AWSError(code: "AccessDeniedException", message: message, status: 400)
        case .restJSON: AWSError(code: "AccessDeniedException", message: message, status: 403)
        case .restXML: AWSError(code: "AccessDenied", message: message, status: 403)
        }
    }
}
