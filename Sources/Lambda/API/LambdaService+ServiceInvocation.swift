import BulwarkCore
import Foundation
import IAM
import Store

/// Invocations by AWS services on their own behalf (Secrets Manager's rotation functions): the
/// function must exist at `$LATEST` in the ARN's account and region, be `Active`, and its policy
/// must allow `lambda:InvokeFunction` by the service principal, judged by the evaluator with
/// `aws:SourceArn` and `aws:SourceAccount` as AWS sets them (no identity policy is involved: a
/// service principal has none).
extension LambdaService: ServiceFunctionInvoker {
    public func checkInvocation(_ invocation: ServiceInvocation) async throws {
        _ = try await allowedFunction(invocation)
    }

    public func invoke(_ invocation: ServiceInvocation) async throws -> ServiceInvocationResult {
        let key = try await allowedFunction(invocation)
        guard let function = try await snapshot(of: key, qualifier: Self.latest) else { throw ServiceInvocationRefusal.functionNotFound }
        let result = try await invoker.invoke(
            InvokeRequest(
                function: function, requestID: UUID().uuidString.lowercased(), payload: invocation.payload,
                invokedARN: function.functionARN, clientContext: nil, wantsLogTail: false,
                reservedConcurrency: try await database.invocations.reservedConcurrency(key),
                unreservedLimit: try await unreservedLimit(accountID: key.accountID, region: key.region)))
        return ServiceInvocationResult(payload: result.payload, functionError: result.functionError)
    }

    public func invokeAsynchronously(_ invocation: ServiceInvocation, requestID: String) async throws {
        let key = try await allowedFunction(invocation)
        guard invocation.payload.count <= Self.asyncPayloadLimit else {
            throw AWSError(code: "RequestEntityTooLargeException", message: "The event is too large for an Event invocation.", status: 413)
        }
        let now = clock.now()
        try await database.invocations.enqueue(
            AsyncEventRecord(
                requestID: requestID, key: key, qualifier: Self.latest, invokedARN: FunctionReference.arn(key), payload: invocation.payload,
                enqueuedAt: now, nextAttemptAt: now))
        invoker.eventEnqueued()
    }

    /// The function an invocation names, when the service may invoke it now.
    private func allowedFunction(_ invocation: ServiceInvocation) async throws -> FunctionKey {
        guard let arn = ARN(invocation.functionARN), arn.partition == "aws", arn.service == "lambda", arn.resource.hasPrefix("function:") else {
            throw ServiceInvocationRefusal.functionNotFound
        }
        let parts = arn.resource.split(separator: ":", omittingEmptySubsequences: false).dropFirst()
        guard let name = parts.first, !name.isEmpty, parts.count <= 2, parts.count == 1 || parts.last.map(String.init) == Self.latest else {
            throw ServiceInvocationRefusal.functionNotFound
        }
        let key = FunctionKey(accountID: arn.accountID, region: arn.region, name: String(name))
        guard let record = try await database.functions.version(key, Self.latest) else { throw ServiceInvocationRefusal.functionNotFound }
        let lifecycle = try FunctionStateCoding.decode(record.configuration).currentLifecycle
        guard lifecycle.state == "Active" else { throw ServiceInvocationRefusal.notActive(lifecycle.state) }
        let functionARN = FunctionReference.arn(key)
        let policy = try await database.read { db in try FunctionPolicyRepository.policy(db, of: key, qualifier: Self.latest) }
        var policies = ApplicablePolicies()
        if let policy {
            policies.resource = AttachedPolicy(
                try PolicyDocument.parse(policy.document, kind: .resource), name: "function policy", arn: functionARN,
                principalBindings: policy.principals)
        }
        var context = RequestContext.request(time: clock.now(), secureTransport: true)
        context["aws:SourceArn"] = .single(invocation.sourceARN)
        context["aws:SourceAccount"] = .single(invocation.sourceAccount)
        let result = PolicyEvaluator().evaluate(
            EvaluationRequest(
                principal: .service(invocation.service), action: "lambda:InvokeFunction", resource: functionARN, context: context,
                policies: policies))
        guard result.isAllowed else { throw ServiceInvocationRefusal.notAllowed(result.explanation) }
        return key
    }
}
