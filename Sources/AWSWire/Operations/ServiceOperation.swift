import BulwarkCore
import Foundation

/// A service as the pipeline knows it: its generated model and the operations it implements.
public protocol AWSService: Sendable {
    var model: ServiceModel { get }
    var operations: [ServiceOperation] { get }
}

/// One implemented operation, declared once: its IAM action, how its resources are named, whether
/// it only reads, how large its request may be, and its handler.
///
/// Its `conditionKeys` are the service keys the Service Authorization Reference lists for the
/// action, from the input (`iam:PolicyARN`, `aws:RequestTag/${TagKey}`) or from a short synchronous
/// read of the entity acted on (a user's current `iam:PermissionsBoundary`); they apply to the
/// operation's own checks. Keys that belong to the resource rather than to the action
/// (`aws:ResourceTag/${TagKey}`) are the authorizer's, read once per checked ARN, so they reach
/// further checks too.
///
/// The pipeline decodes the input from the wire by the operation's model shape, validates it, asks
/// the declaration for the resources to authorize, and only then calls the handler.
public struct ServiceOperation: Sendable {
    /// Who may call the operation.
    public enum Access: Sendable, Equatable {
        /// Only a caller whom AWS's policy evaluation allows every check of the call.
        case byPolicy
        /// Any authenticated caller, whatever its policies say: AWS documents a few operations so
        /// (`sts:GetCallerIdentity`, `sts:GetSessionToken`) because they act only on the caller itself.
        case anyAuthenticatedCaller
    }

    /// The model operation name, e.g. `CreateFunction`.
    public let name: String
    /// The IAM action, e.g. `lambda:CreateFunction`.
    public let action: String
    /// CloudTrail's `readOnly`.
    public let isReadOnly: Bool
    /// The largest request body accepted, in bytes.
    public let maxRequestBytes: Int
    /// The operation's name in the "Request must be smaller than N bytes for the X operation"
    /// message, when AWS names it differently from the model (`InvokeFunction`).
    public let limitName: String
    /// A `Content-Type` for successful answers whose body is a raw payload.
    public let responseContentType: String?
    /// CloudTrail's `eventName` when the service names the event differently from the operation
    /// (Lambda: `GetFunction20150331v2`); nil to derive it.
    public let eventName: String?
    /// Whether the authorize stage evaluates the caller's policies (almost always).
    public let access: Access
    private let prepareCall: @Sendable (JSONValue, CallContext) throws -> PreparedCall

    /// Declares an operation with typed input and output (the generated shapes).
    public init<Input: Decodable & Sendable, Output: Encodable & Sendable>(
        _ name: String,
        action: String,
        readOnly: Bool,
        maxRequestBytes: Int = 1 << 20,
        limitName: String? = nil,
        responseContentType: String? = nil,
        eventName: String? = nil,
        access: Access = .byPolicy,
        input: Input.Type,
        resources: @escaping @Sendable (Input, CallContext) throws -> [String],
        conditionKeys: (@Sendable (Input, CallContext) throws -> [String: AuthorizationCheck.Value])? = nil,
        furtherChecks: (@Sendable (Input, CallContext) throws -> [AuthorizationCheck])? = nil,
        handler: @escaping @Sendable (Input, CallContext) async throws -> Output
    ) {
        self.name = name
        self.action = action
        self.isReadOnly = readOnly
        self.maxRequestBytes = maxRequestBytes
        self.limitName = limitName ?? name
        self.responseContentType = responseContentType
        self.eventName = eventName
        self.access = access
        self.prepareCall = { tree, context in
            let typed = try ShapeCoding.decode(Input.self, from: tree)
            let keys = try conditionKeys?(typed, context) ?? [:]
            let checks =
                try resources(typed, context).map { AuthorizationCheck(action: action, resource: $0, conditionKeys: keys) }
                + (try furtherChecks?(typed, context) ?? [])
            return PreparedCall(checks: checks) { context in
                ShapeCoding.encode(try await handler(typed, context))
            }
        }
    }

    /// Turns the validated input document into a typed call, ready to authorize and run.
    public func prepare(_ input: JSONValue, context: CallContext) throws -> PreparedCall {
        try prepareCall(input, context)
    }
}

/// An operation call whose input has been decoded: the questions to authorize and the handler to run.
public struct PreparedCall: Sendable {
    /// The operation's action on each resource it acts on (`*` when none), then any further checks
    /// its input implies.
    public let checks: [AuthorizationCheck]
    private let run: @Sendable (CallContext) async throws -> JSONValue

    public init(checks: [AuthorizationCheck], run: @escaping @Sendable (CallContext) async throws -> JSONValue) {
        self.checks = checks
        self.run = run
    }

    /// The ARNs of the resources the call acts on.
    public var resources: [String] { checks.map(\.resource) }

    /// Runs the handler; the answer is the output document keyed by model member names.
    public func execute(_ context: CallContext) async throws -> JSONValue {
        try await run(context)
    }
}

/// The output of an operation that answers no members.
public struct EmptyOutput: Codable, Sendable, Equatable {
    public init() {}
}
