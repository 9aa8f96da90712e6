import AWSWire
import BulwarkCore
import GRDB
import IAM
import Store

extension ResourceKind {
    /// A Lambda function (with the qualifier named), by name, partial ARN or ARN.
    public static let lambdaFunction = ResourceKind(service: "lambda", type: "function")
}

/// A function as the resolve stage found it: the version a reference names, with what the
/// authorizer and the handlers need of it, all read in one transaction.
struct ResolvedFunction: Sendable {
    /// The reference in canonical form: the `aws` partition, the stored name, the qualifier named.
    let reference: FunctionReference
    let record: FunctionVersionRecord
    let state: FunctionState
    let tags: [String: String]
    let reservedConcurrency: Int?
    /// The function policy of the qualifier named (`$LATEST` when none) and the policy's revision.
    let policy: (document: String, revision: String?)?
}

/// Lambda's authority over functions (DESIGN §1, decision 0005): a reference resolves to the
/// function whose ARN it names exactly — the `aws` partition (the only one Bulwark serves), the
/// account and region named, the name as stored (Lambda's names are case-sensitive) and an
/// existing qualifier. Anything else resolves to nothing, judged and reported under the ARN typed.
struct LambdaResourceAuthority: ResourceAuthority {
    let database: BulwarkDatabase

    var kinds: [ResourceKind] { [.lambdaFunction] }

    func resolve(_ references: [ResourceReference], context: CallContext) async throws -> [ResolvedResource] {
        let parsed = try references.map { try FunctionReference($0.text, qualifier: $0.qualifier, context: context) }
        return try await database.read { db in
            try zip(references, parsed).map { reference, function in try Self.resolve(reference, function, db) }
        }
    }

    private static func resolve(_ reference: ResourceReference, _ function: FunctionReference, _ db: Database) throws -> ResolvedResource {
        let version = function.qualifier ?? LambdaService.latest
        // Only `$LATEST` exists until versions and aliases do.
        guard function.partition == "aws", version == LambdaService.latest,
            let record = try FunctionRepository.version(db, function.key, version)
        else { return .absent(reference, arn: function.resourceARN, accountID: function.accountID) }
        let tags = try TagRepository.tags(db, of: function.functionARN)
        let policy = try FunctionPolicyRepository.policy(db, of: function.key, qualifier: version)
        let resolved = ResolvedFunction(
            reference: function, record: record, state: try FunctionStateCoding.decode(record.configuration), tags: tags,
            reservedConcurrency: try InvocationRepository.reservedConcurrency(db, function.key),
            policy: policy.map { ($0.document, $0.revision) }
        )
        return ResolvedResource(
            reference: reference, arn: function.resourceARN, entity: resolved, accountID: function.accountID, tags: tags,
            policy: policy.map {
                ResourcePolicy(
                    document: $0.document, name: "function policy", kind: .resource, governedService: "lambda", principalIDs: $0.principals.ids)
            }
        )
    }
}

extension LambdaService {
    /// The reference to the function the input member `member` names.
    static func function(
        _ member: String, _ text: String, qualifier: String? = nil, allowsQualifier: Bool = true, creating: Bool = false, context: CallContext
    ) throws -> ResourceReference {
        // Parsed here so that a malformed name is refused before anything is read.
        let parsed = try FunctionReference(text, qualifier: qualifier, allowsQualifier: allowsQualifier, creating: creating, context: context)
        return ResourceReference(.lambdaFunction, member: member, text: text, qualifier: parsed.qualifier, intent: creating ? .creating : .existing)
    }

    /// The function the resolve stage found for `member`, or Lambda's not-found error under the ARN typed.
    func resolvedFunction(_ context: CallContext, member: String = "FunctionName") throws -> ResolvedFunction {
        guard let resolved = context.resolution[member] else {
            throw AWSError.undeclaredReference(.lambdaFunction, requestID: context.requestID)
        }
        guard let function = resolved.entity(as: ResolvedFunction.self) else { throw LambdaError.functionNotFound(resolved.arn) }
        return function
    }
}
