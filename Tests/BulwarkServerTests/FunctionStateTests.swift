import AWSWire
import BulwarkCore
import Foundation
import Testing

@testable import Lambda

/// What Lambda's operations answer on a function that is not `Active`, or while an update is being
/// applied — states that last milliseconds on a running server, held here because no preparer runs.
@Suite("Function states through the operation table")
struct FunctionStateTests {
    private func call(_ bench: AuthorizationBench, _ name: String, _ input: [String: JSONValue]) async -> BenchCall {
        guard let operation = bench.service(.lambda).operations.first(where: { $0.name == name }) else { return BenchCall() }
        return await bench.call(operation, input: .object(input), by: .root(accountID: bench.accountID))
    }

    private func refusal(_ call: BenchCall) throws -> AWSError {
        guard case .failure(let error) = try #require(call.handled) else {
            Issue.record("the call succeeded")
            throw CancellationError()
        }
        return try #require(error as? AWSError)
    }

    @Test func aPendingFunctionIsNeitherInvokedNorChanged() async throws {
        let bench = try await AuthorizationBench.make()
        try await bench.createFunction("pending", lifecycle: .creating)

        for (operation, input) in [
            ("Invoke", ["FunctionName": JSONValue.string("pending")]),
            ("UpdateFunctionConfiguration", ["FunctionName": .string("pending"), "Timeout": .int(5)]),
        ] {
            let answered = await call(bench, operation, input)
            #expect(try refusal(answered) == LambdaError.notReady(state: "Pending"), "\(operation)")
        }
    }

    @Test func aSecondUpdateWhileOneIsInProgressIsAConflict() async throws {
        let bench = try await AuthorizationBench.make()
        try await bench.createFunction("updating", lifecycle: FunctionLifecycle.active.updating)
        let arn = "arn:aws:lambda:us-east-1:\(bench.accountID):function:updating"

        let second = await call(bench, "UpdateFunctionConfiguration", ["FunctionName": .string("updating"), "Timeout": .int(5)])
        let refused = try refusal(second)

        #expect(refused == LambdaError.updateInProgress(arn))
        #expect(refused.message == "The operation cannot be performed at this time. An update is in progress for resource: \(arn)")
        // Invoking goes on during an update, as in AWS: it reaches the execution layer (none here).
        let invocation = await call(bench, "Invoke", ["FunctionName": .string("updating")])
        let invoked = try refusal(invocation)
        #expect(invoked.code == "ServiceException")
    }

    @Test func aFailedFunctionIsNotInvokedButCanBeChanged() async throws {
        let bench = try await AuthorizationBench.make()
        try await bench.createFunction("failed", lifecycle: .failed(reason: "java21 is not available", code: "InvalidRuntime"))

        let invocation = await call(bench, "Invoke", ["FunctionName": .string("failed")])
        #expect(try refusal(invocation) == LambdaError.notReady(state: "Failed"))
        let updated = await call(bench, "UpdateFunctionConfiguration", ["FunctionName": .string("failed"), "Timeout": .int(5)])
        guard case .success(let answer) = try #require(updated.handled) else {
            Issue.record("the update was refused")
            return
        }
        #expect(answer["State"] == "Failed")
        #expect(answer["LastUpdateStatus"] == "InProgress")
        #expect(answer["LastUpdateStatusReason"] == "The function is being created.")
        #expect(answer["LastUpdateStatusReasonCode"] == "Creating")
    }
}
