import Foundation

/// A version's environment variables, opened — decrypted, which the trail records as Lambda's use of
/// the key — only when an execution environment starts: warm invocations never open them (as on
/// Lambda, where an environment keeps the variables it was initialised with).
public struct EnvironmentVariables: Sendable {
    private let open: @Sendable () async throws -> [String: String]

    /// - Parameter open: answers the plaintext variables, or throws the error Invoke answers.
    public init(opening open: @escaping @Sendable () async throws -> [String: String]) {
        self.open = open
    }

    /// Variables stored in plaintext (tests, functions without variables).
    public static func plain(_ variables: [String: String]) -> EnvironmentVariables {
        EnvironmentVariables { variables }
    }

    /// The plaintext variables. - Throws: the error Invoke answers when they cannot be opened.
    public func opened() async throws -> [String: String] {
        try await open()
    }
}

/// Everything the execution layer needs to run one version of a function, resolved by the Lambda
/// service from the store at the time of the invocation.
public struct FunctionSnapshot: Sendable {
    public let accountID: String
    public let region: String
    public let name: String
    /// The unqualified ARN.
    public let functionARN: String
    /// `$LATEST` or a version number.
    public let version: String
    /// Changes with every update of code or configuration: environments never outlive it.
    public let revisionID: String
    public let runtime: String
    public let handler: String
    public let role: String
    public let timeout: Int
    public let memorySize: Int
    public let ephemeralStorageSize: Int
    public let environment: EnvironmentVariables
    public let architectures: [String]
    /// Lower-case hex SHA-256 of the deployment package in the code store.
    public let codeSHA256: String
    public let logGroup: String
    public let logFormat: String
    public let applicationLogLevel: String?
    public let systemLogLevel: String?
    /// The runtime version's name in `INIT_START` (`python:3.12.v1`) and its ARN.
    public let runtimeVersion: String
    public let runtimeVersionARN: String
    /// Hex SHA-256 of each layer's archive in the code store, in the order the function names them
    /// (a later layer's file wins in `/opt`).
    public let layers: [String]

    public init(
        accountID: String, region: String, name: String, functionARN: String, version: String, revisionID: String, runtime: String,
        handler: String, role: String, timeout: Int, memorySize: Int, ephemeralStorageSize: Int, environment: EnvironmentVariables,
        architectures: [String], codeSHA256: String, logGroup: String, logFormat: String, applicationLogLevel: String?,
        systemLogLevel: String?, runtimeVersion: String, runtimeVersionARN: String, layers: [String] = []
    ) {
        self.accountID = accountID
        self.region = region
        self.name = name
        self.functionARN = functionARN
        self.version = version
        self.revisionID = revisionID
        self.runtime = runtime
        self.handler = handler
        self.role = role
        self.timeout = timeout
        self.memorySize = memorySize
        self.ephemeralStorageSize = ephemeralStorageSize
        self.environment = environment
        self.architectures = architectures
        self.codeSHA256 = codeSHA256
        self.logGroup = logGroup
        self.logFormat = logFormat
        self.applicationLogLevel = applicationLogLevel
        self.systemLogLevel = systemLogLevel
        self.runtimeVersion = runtimeVersion
        self.runtimeVersionARN = runtimeVersionARN
        self.layers = layers
    }
}

/// One invocation to run now (synchronously) or from the asynchronous queue.
public struct InvokeRequest: Sendable {
    public let function: FunctionSnapshot
    /// The invocation's request id (`context.aws_request_id`).
    public let requestID: String
    public let payload: Data
    /// The ARN as the caller named it (with its qualifier).
    public let invokedARN: String
    /// The decoded client context of a synchronous invocation.
    public let clientContext: String?
    /// Whether the caller asked for the last 4 KB of the log.
    public let wantsLogTail: Bool
    /// The function's reserved concurrency, if any.
    public let reservedConcurrency: Int?
    /// How many invocations functions without a reservation may run at once in the account.
    public let unreservedLimit: Int

    public init(
        function: FunctionSnapshot, requestID: String, payload: Data, invokedARN: String, clientContext: String?,
        wantsLogTail: Bool, reservedConcurrency: Int?, unreservedLimit: Int
    ) {
        self.function = function
        self.requestID = requestID
        self.payload = payload
        self.invokedARN = invokedARN
        self.clientContext = clientContext
        self.wantsLogTail = wantsLogTail
        self.reservedConcurrency = reservedConcurrency
        self.unreservedLimit = unreservedLimit
    }
}

/// The answer of an invocation, as the Invoke API returns it.
public struct InvokeResult: Sendable, Equatable {
    public let payload: Data
    /// `Unhandled` when the payload is an error, nil otherwise.
    public let functionError: String?
    /// Base64 of the last 4 KB of the invocation's log, when asked for.
    public let logResult: String?
    public let executedVersion: String

    public init(payload: Data, functionError: String?, logResult: String?, executedVersion: String) {
        self.payload = payload
        self.functionError = functionError
        self.logResult = logResult
        self.executedVersion = executedVersion
    }
}

/// The execution layer as the Lambda service sees it (implemented by the Execution module).
public protocol FunctionInvoker: Sendable {
    /// Runs an invocation and waits for its answer.
    ///
    /// - Throws: `AWSError` — `TooManyRequestsException` when a concurrency limit is reached, or the
    ///   platform's failure to provide an environment.
    func invoke(_ request: InvokeRequest) async throws -> InvokeResult

    /// Nil when this host can run `runtime`, else why not; right after a start it may wait until the
    /// host has prepared its runtimes.
    func unavailability(of runtime: String) async -> String?

    /// Asks the asynchronous queue to look for due events now.
    func eventEnqueued()
}
