import Foundation

/// An invocation of a customer's function by an AWS service on its own behalf, as Secrets Manager
/// invokes a rotation function: allowed only when the function's resource-based policy lets the
/// service principal call `lambda:InvokeFunction` (with `aws:SourceArn` and `aws:SourceAccount`).
public struct ServiceInvocation: Sendable, Equatable {
    /// The function's ARN (unqualified, or qualified with `$LATEST`).
    public var functionARN: String
    /// The service principal, e.g. `secretsmanager.amazonaws.com`.
    public var service: String
    /// The resource the service acts for (`aws:SourceArn`), e.g. the secret's ARN.
    public var sourceARN: String
    /// That resource's account (`aws:SourceAccount`).
    public var sourceAccount: String
    public var payload: Data

    public init(functionARN: String, service: String, sourceARN: String, sourceAccount: String, payload: Data = Data("{}".utf8)) {
        self.functionARN = functionARN
        self.service = service
        self.sourceARN = sourceARN
        self.sourceAccount = sourceAccount
        self.payload = payload
    }
}

/// What a function a service invoked answered.
public struct ServiceInvocationResult: Sendable, Equatable {
    public var payload: Data
    /// `Unhandled` when the function failed, nil otherwise.
    public var functionError: String?

    public init(payload: Data, functionError: String?) {
        self.payload = payload
        self.functionError = functionError
    }
}

/// Why a service may not invoke a function.
public enum ServiceInvocationRefusal: Error, Sendable, Equatable {
    /// No function of that ARN exists.
    case functionNotFound
    /// The function's policy does not allow the service (with the evaluation).
    case notAllowed(String)
    /// The function exists but cannot run now (its state).
    case notActive(String)
}

/// Lambda as another service sees it when it invokes functions on its own behalf (DESIGN §6: the
/// service does not depend on Lambda; the server hands it Lambda's implementation).
public protocol ServiceFunctionInvoker: Sendable {
    /// Checks, without invoking, that the service may invoke the function.
    /// - Throws: ``ServiceInvocationRefusal``.
    func checkInvocation(_ invocation: ServiceInvocation) async throws

    /// Invokes the function synchronously with the invocation's payload.
    /// - Throws: ``ServiceInvocationRefusal``, or the platform's `AWSError` (throttling, no environment).
    func invoke(_ invocation: ServiceInvocation) async throws -> ServiceInvocationResult

    /// Queues an `Event` invocation of the function (S3's notifications), delivered as the function's
    /// own asynchronous invocations are: retried, at least once.
    /// - Throws: ``ServiceInvocationRefusal``, or the store's error.
    func invokeAsynchronously(_ invocation: ServiceInvocation, requestID: String) async throws
}
