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
    /// The alias the qualifier names, whose own version ``record`` is; nil for `$LATEST` and numbers.
    let alias: AliasRecord?

    /// The qualifier the request named, `$LATEST` when none: the key of what is kept per
    /// qualifier (policies, asynchronous settings).
    var qualifier: String { reference.qualifier ?? LambdaService.latest }
}

/// Lambda's authority over functions (DESIGN §1, decision 0005): a reference resolves to the
/// function whose ARN it names exactly — the `aws` partition (the only one Bulwark serves), the
/// account and region named, the name as stored (Lambda's names are case-sensitive) and an
/// existing qualifier. Anything else resolves to nothing, judged and reported under the ARN typed.
struct LambdaResourceAuthority: ResourceAuthority {
    /// What the store holds of one function version, read in one transaction; nil when it does not exist.
    struct StoredVersion: Sendable {
        let record: FunctionVersionRecord
        let state: FunctionState
        let tags: [String: String]
        let reservedConcurrency: Int?
        let policy: (document: String, revision: String?, principals: PrincipalBindings)?
        /// The alias the key's qualifier names; nil for a version.
        let alias: AliasRecord?
    }

    /// A version's key: the function's and the qualifier.
    struct VersionKey: Hashable, Sendable {
        let function: FunctionKey
        let version: String
    }

    let database: BulwarkDatabase
    /// Versions as last read, until the next write (every call naming a function reads it again otherwise).
    let versions: StoreReadCache<VersionKey, StoredVersion?>

    var kinds: [ResourceKind] { [.lambdaFunction] }

    func resolve(_ references: [ResourceReference], context: CallContext) async throws -> [ResolvedResource] {
        let parsed = try references.map { try FunctionReference($0.text, qualifier: $0.qualifier, context: context) }
        var resolved: [ResolvedResource] = []
        for (reference, function) in zip(references, parsed) {
            // The qualifier names `$LATEST`, a published version or an alias — exactly, as stored.
            guard function.partition == "aws",
                let stored = try await stored(VersionKey(function: function.key, version: function.qualifier ?? LambdaService.latest))
            else {
                resolved.append(.absent(reference, arn: function.resourceARN, accountID: function.accountID))
                continue
            }
            resolved.append(Self.resolved(reference, function, stored))
        }
        return resolved
    }

    /// The version a qualifier names — itself, or an alias's own version — as the store holds it now.
    func stored(_ key: VersionKey) async throws -> StoredVersion? {
        try await versions.value(for: key) {
            try await database.read { db in
                var alias: AliasRecord?
                if !LambdaService.isVersion(key.version) {
                    alias = try AliasRepository.alias(db, key.function, key.version)
                    guard alias != nil else { return nil }
                }
                guard let record = try FunctionRepository.version(db, key.function, alias?.functionVersion ?? key.version) else { return nil }
                return StoredVersion(
                    record: record, state: try FunctionStateCoding.decode(record.configuration),
                    tags: try TagRepository.tags(db, of: FunctionReference.arn(key.function)),
                    reservedConcurrency: try InvocationRepository.reservedConcurrency(db, key.function),
                    policy: try FunctionPolicyRepository.policy(db, of: key.function, qualifier: key.version),
                    alias: alias
                )
            }
        }
    }

    private static func resolved(_ reference: ResourceReference, _ function: FunctionReference, _ stored: StoredVersion) -> ResolvedResource {
        let function = ResolvedFunction(
            reference: function, record: stored.record, state: stored.state, tags: stored.tags,
            reservedConcurrency: stored.reservedConcurrency, policy: stored.policy.map { ($0.document, $0.revision) },
            alias: stored.alias
        )
        return ResolvedResource(
            reference: reference, arn: function.reference.resourceARN, entity: function, accountID: function.reference.accountID,
            tags: stored.tags,
            policy: stored.policy.map {
                ResourcePolicy(
                    document: $0.document, name: "function policy", kind: .resource, governedService: "lambda", principalIDs: $0.principals.ids)
            }
        )
    }
}

extension LambdaService {
    /// Whether a qualifier names a version (`$LATEST` or a published number) rather than an alias.
    static func isVersion(_ qualifier: String) -> Bool {
        qualifier == latest || (!qualifier.isEmpty && qualifier.unicodeScalars.allSatisfy { ("0"..."9").contains($0) })
    }

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
