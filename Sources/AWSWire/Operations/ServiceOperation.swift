import BulwarkCore
import Foundation

/// A service as the pipeline knows it: its generated model and the operations it implements.
public protocol AWSService: Sendable {
    var model: ServiceModel { get }
    var operations: [ServiceOperation] { get }
    /// The authorities that resolve references to the entities the service stores (none for a
    /// service that stores none, as STS).
    var authorities: [any ResourceAuthority] { get }
    /// The service's own codec, when its protocol needs more than the model to route (S3's
    /// virtual-hosted addressing); nil for the protocol's codec over the model.
    var codec: (any WireCodec)? { get }
}

extension AWSService {
    public var authorities: [any ResourceAuthority] { [] }
    public var codec: (any WireCodec)? { nil }
}

/// One implemented operation, declared once: its IAM action, the entities its input names, the
/// resources it is authorized on, whether it only reads, how large its request may be, and its
/// handler.
///
/// The pipeline decodes the input from the wire by the operation's model shape and validates it,
/// then resolves the declared ``ResourceReference``s to the stored entities (the resolve stage), asks
/// the declaration for its checks on what was resolved, authorizes them, and only then calls the
/// handler, whose ``CallContext/resolution`` holds the same entities: a handler never looks an entity
/// up by the raw input.
///
/// Its `conditionKeys` are the service keys the Service Authorization Reference lists for the
/// action, from the input (`iam:PolicyARN`, `aws:RequestTag/${TagKey}`) or from the resolved entity
/// (a user's current `iam:PermissionsBoundary`); they apply to the operation's own checks. Keys that
/// belong to the resource rather than to the action (`aws:ResourceTag/${TagKey}`) come with the
/// resolved resource, so they reach further checks too.
public struct ServiceOperation: Sendable {
    /// Who may call the operation.
    public enum Access: Sendable, Equatable {
        /// Only a caller whom AWS's policy evaluation allows every check of the call.
        case byPolicy
        /// Any authenticated caller, whatever its policies say: AWS documents a few operations so
        /// (`sts:GetCallerIdentity`, `sts:GetSessionToken`) because they act only on the caller itself.
        case anyAuthenticatedCaller
        /// A caller without AWS credentials (`sts:AssumeRoleWithWebIdentity`): the request carries
        /// its own proof of identity, which the handler verifies before it decides; the call is
        /// still decoded, validated, resolved and audited.
        case unsigned
        /// A caller judged on each resource separately: the authorize stage evaluates only the
        /// operation's contingent checks, and the handler answers each refused one in its place
        /// (S3's `DeleteObjects`, judged per key, answers `AccessDenied` for the keys refused).
        case perResourceByPolicy
        /// A signed caller is judged as with ``byPolicy``; a request without AWS credentials goes,
        /// as with ``unsigned``, to the handler, which verifies the proof it carries (the operator's
        /// scrape token of Bulwark's `GET /metrics`).
        case byPolicyOrOwnProof

        /// Whether the authorize stage asks every check of the call and refuses it on one denial.
        public var judgesEveryCheck: Bool { self == .byPolicy || self == .byPolicyOrOwnProof }

        /// Whether a request without AWS credentials reaches the handler.
        public var acceptsUnsignedRequests: Bool { self == .unsigned || self == .byPolicyOrOwnProof }
    }

    /// The model operation name, e.g. `CreateFunction`.
    public let name: String
    /// The IAM action, e.g. `lambda:CreateFunction`.
    public let action: String
    /// CloudTrail's `readOnly`.
    public let isReadOnly: Bool
    /// Whether the trail records the answer (`responseElements`): CloudTrail does for changes, and
    /// for the few reads whose answer is what must be traced (STS's `AssumeRole`).
    public let auditsResponse: Bool
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
    /// Whether CloudTrail records the call as a data event (`managementEvent: false`,
    /// `eventCategory: Data`): S3's object-level operations.
    public let isDataEvent: Bool
    /// Whether a request's `x-amz-checksum-*` header is a checksum of its body, which the pipeline's
    /// payload step verifies (S3's uploads); not so for S3's CompleteMultipartUpload, whose header
    /// is the checksum of the object the parts make, checked by its handler.
    public let checksumHeadersDescribeBody: Bool
    private let prepareCall: @Sendable (JSONValue, CallContext) throws -> PreparedCall

    /// Declares an operation with typed input and output (the generated shapes).
    ///
    /// - Parameters:
    ///   - references: the entities the input names, as typed (no store access: parsing only).
    ///   - resources: the ARNs the operation's own action is asked on; by default those of the
    ///     references it acts on, or `*` when it names none.
    ///   - conditionKeys: the service condition keys of the operation's own checks.
    ///   - furtherChecks: other actions the input implies (`iam:PassRole` on a function's role).
    ///   - entityReferences: entities that the resolved entities name rather than the input (a
    ///     function's KMS key), resolved in a second pass of the resolve stage.
    ///   - contingentChecks: actions whose denial shapes the answer instead of refusing the call
    ///     (`kms:Decrypt` for showing a function's variables); the handler reads the refusals from
    ///     ``CallContext/refusedContingentChecks``.
    public init<Input: Decodable & Sendable, Output: Encodable & Sendable>(
        _ name: String,
        action: String,
        readOnly: Bool,
        auditsResponse: Bool? = nil,
        maxRequestBytes: Int = 1 << 20,
        limitName: String? = nil,
        responseContentType: String? = nil,
        eventName: String? = nil,
        access: Access = .byPolicy,
        checksumHeadersDescribeBody: Bool = true,
        dataEvent: Bool = false,
        input: Input.Type,
        references: @escaping @Sendable (Input, CallContext) throws -> [ResourceReference],
        resources: (@Sendable (Input, Resolution, CallContext) throws -> [String])? = nil,
        conditionKeys: (@Sendable (Input, Resolution, CallContext) throws -> [String: AuthorizationCheck.Value])? = nil,
        furtherChecks: (@Sendable (Input, Resolution, CallContext) throws -> [AuthorizationCheck])? = nil,
        entityReferences: (@Sendable (Input, Resolution, CallContext) throws -> [ResourceReference])? = nil,
        contingentChecks: (@Sendable (Input, Resolution, CallContext) throws -> [AuthorizationCheck])? = nil,
        handler: @escaping @Sendable (Input, CallContext) async throws -> Output
    ) {
        self.name = name
        self.action = action
        self.isReadOnly = readOnly
        self.auditsResponse = auditsResponse ?? !readOnly
        self.maxRequestBytes = maxRequestBytes
        self.limitName = limitName ?? name
        self.responseContentType = responseContentType
        self.eventName = eventName
        self.access = access
        self.isDataEvent = dataEvent
        self.checksumHeadersDescribeBody = checksumHeadersDescribeBody
        self.prepareCall = { tree, context in
            let typed = try ShapeCoding.decode(Input.self, from: tree)
            return PreparedCall(
                references: try references(typed, context),
                checks: { resolution in
                    // Without a resources declaration, the action is asked on what the references name, or
                    // on `*` when they name nothing; a declaration that names nothing asks nothing, and
                    // a call that asks nothing is refused.
                    let named = try resources.map { try $0(typed, resolution, context) } ?? Self.defaultResources(resolution)
                    let keys = try conditionKeys?(typed, resolution, context) ?? [:]
                    return named.map { AuthorizationCheck(action: action, resource: $0, conditionKeys: keys) }
                        + (try furtherChecks?(typed, resolution, context) ?? [])
                },
                entityReferences: { resolution in try entityReferences?(typed, resolution, context) ?? [] },
                contingentChecks: { resolution in try contingentChecks?(typed, resolution, context) ?? [] },
                run: { context in ShapeCoding.encode(try await handler(typed, context)) }
            )
        }
    }

    /// Declares an operation whose input names no entity (listings, account settings, the caller
    /// itself): its action is asked on `*`.
    public init<Input: Decodable & Sendable, Output: Encodable & Sendable>(
        _ name: String,
        action: String,
        readOnly: Bool,
        auditsResponse: Bool? = nil,
        maxRequestBytes: Int = 1 << 20,
        eventName: String? = nil,
        access: Access = .byPolicy,
        input: Input.Type,
        conditionKeys: (@Sendable (Input, CallContext) throws -> [String: AuthorizationCheck.Value])? = nil,
        handler: @escaping @Sendable (Input, CallContext) async throws -> Output
    ) {
        let noReferences: @Sendable (Input, CallContext) throws -> [ResourceReference] = { _, _ in [] }
        var keys: (@Sendable (Input, Resolution, CallContext) throws -> [String: AuthorizationCheck.Value])?
        if let conditionKeys {
            keys = { input, _, context in try conditionKeys(input, context) }
        }
        self.init(
            name, action: action, readOnly: readOnly, auditsResponse: auditsResponse, maxRequestBytes: maxRequestBytes,
            eventName: eventName, access: access, input: input, references: noReferences, conditionKeys: keys, handler: handler
        )
    }

    private static func defaultResources(_ resolution: Resolution) -> [String] {
        let named = resolution.actedOnARNs
        return named.isEmpty ? ["*"] : named
    }

    /// Turns the validated input document into a typed call: the references to resolve, then the
    /// questions to authorize and the handler to run.
    public func prepare(_ input: JSONValue, context: CallContext) throws -> PreparedCall {
        try prepareCall(input, context)
    }
}

/// An operation call whose input has been decoded: the entities it names, and — once they are
/// resolved — the questions to authorize and the handler to run.
public struct PreparedCall: Sendable {
    /// What the input names, in declaration order.
    public let references: [ResourceReference]
    private let makeChecks: @Sendable (Resolution) throws -> [AuthorizationCheck]
    private let makeEntityReferences: @Sendable (Resolution) throws -> [ResourceReference]
    private let makeContingentChecks: @Sendable (Resolution) throws -> [AuthorizationCheck]
    private let run: @Sendable (CallContext) async throws -> JSONValue

    public init(
        references: [ResourceReference],
        checks: @escaping @Sendable (Resolution) throws -> [AuthorizationCheck],
        entityReferences: @escaping @Sendable (Resolution) throws -> [ResourceReference] = { _ in [] },
        contingentChecks: @escaping @Sendable (Resolution) throws -> [AuthorizationCheck] = { _ in [] },
        run: @escaping @Sendable (CallContext) async throws -> JSONValue
    ) {
        self.references = references
        self.makeChecks = checks
        self.makeEntityReferences = entityReferences
        self.makeContingentChecks = contingentChecks
        self.run = run
    }

    /// What the entities of `resolution` name in turn (a function's KMS key): resolved next.
    public func entityReferences(given resolution: Resolution) throws -> [ResourceReference] {
        try makeEntityReferences(resolution)
    }

    /// The checks whose denial the handler answers in its own way rather than refusing the call.
    public func contingentChecks(given resolution: Resolution) throws -> [AuthorizationCheck] {
        try makeContingentChecks(resolution)
    }

    /// The operation's action on each resource it acts on (`*` when none), then any further checks
    /// its input implies — all named by what `resolution` found.
    public func checks(given resolution: Resolution) throws -> [AuthorizationCheck] {
        try makeChecks(resolution)
    }

    /// Runs the handler on what was resolved (`context.resolution`); the answer is the output
    /// document keyed by model member names.
    public func execute(_ context: CallContext) async throws -> JSONValue {
        try await run(context)
    }
}

/// The output of an operation that answers no members.
public struct EmptyOutput: Codable, Sendable, Equatable {
    public init() {}
}

/// The input of an operation whose model declares none (IAM's `GetAccountSummary`).
public typealias EmptyInput = EmptyOutput
