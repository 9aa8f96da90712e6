import AWSWire
import BulwarkCore
import Foundation

extension ResourceKind {
    /// The KMS key of a function's environment variables (its `KMSKeyArn`): a KMS key, resolved by
    /// KMS's authority and judged with its key policy, though Lambda names it.
    static let environmentKey = ResourceKind(service: "kms", type: "key")
}

/// The customer managed key of a function's variables passes the pipeline like the execution role
/// does (decision 0013): the resolve stage finds it — the one the request names (`KMSKeyArn`), or
/// the one the function names (`Configuration.KMSKeyArn`) — and the authorize stage asks the caller
/// the `kms:` actions AWS asks of a user who sets or reads such a key, with its key policy.
/// A function's customer key as the authorize stage judged the caller's `kms:Decrypt` on it.
struct JudgedKey: Sendable {
    /// The key's canonical ARN, as the resolve stage found it.
    let arn: String
    /// The denial, when the caller may not decrypt with the key.
    let refusal: String?
}

extension LambdaService {
    /// The principal Lambda acts as when it uses a key itself.
    static let servicePrincipal = "lambda.amazonaws.com"
    /// The resolution member of the key the function's configuration names.
    static let currentKeyMember = "Configuration.KMSKeyArn"

    /// The reference to the key a `KMSKeyArn` names; none for the empty ARN (the AWS managed key) or
    /// for text that names no KMS key at all, which the handler refuses as Lambda does. A key to set
    /// must be named by its key ARN (KMS's CreateGrant takes no alias); `storedAlias` accepts the
    /// alias ARNs functions were given before decision 0017, to judge reading them.
    static func environmentKey(_ text: String?, member: String = "KMSKeyArn", storedAlias: Bool = false) -> [ResourceReference] {
        guard let text, isKMSKeyARN(text), storedAlias || !isAliasARN(text) else { return [] }
        return [ResourceReference(.environmentKey, member: member, text: text).implied]
    }

    /// The key of the function the resolve stage found, when it has a customer key.
    static func currentEnvironmentKey(_ resolution: Resolution) -> [ResourceReference] {
        guard let function = resolution["FunctionName"]?.entity(as: ResolvedFunction.self) else { return [] }
        return environmentKey(function.state.kmsKeyArn, member: currentKeyMember, storedAlias: true)
    }

    /// Whether `text` is a KMS alias ARN (`arn:aws:kms:<region>:<account>:alias/<name>`).
    static func isAliasARN(_ text: String) -> Bool {
        guard let arn = ARN(text), arn.service == "kms" else { return false }
        return arn.resource.hasPrefix("alias/")
    }

    /// Whether `text` is a KMS key ARN or alias ARN, as KMS parses one.
    static func isKMSKeyARN(_ text: String) -> Bool {
        guard let arn = ARN(text), arn.service == "kms", !arn.accountID.isEmpty, !arn.region.isEmpty else { return false }
        if arn.resource.hasPrefix("alias/") { return arn.resource.count > 6 }
        guard arn.resource.hasPrefix("key/") else { return false }
        let id = arn.resource.dropFirst(4)
        let hex = Set("0123456789abcdefABCDEF")
        if id.hasPrefix("mrk-") { return id.count == 36 && id.dropFirst(4).allSatisfy(hex.contains) }
        let groups = id.split(separator: "-", omittingEmptySubsequences: false)
        return groups.map(\.count) == [8, 4, 4, 4, 12] && groups.allSatisfy { $0.allSatisfy(hex.contains) }
    }

    /// The `kms:` checks on the key of `member`, when it exists, as Lambda makes them on the caller's
    /// behalf (`kms:ViaService` Lambda, `kms:CallerAccount`).
    static func environmentKeyChecks(_ actions: [String], member: String, _ resolution: Resolution, _ context: CallContext) -> [AuthorizationCheck] {
        guard let key = resolution[member], key.exists else { return [] }
        let keys: [String: AuthorizationCheck.Value] = [
            "kms:ViaService": .single("lambda.\(context.region).amazonaws.com"),
            "kms:CallerAccount": .single(context.accountID),
        ]
        return actions.map { AuthorizationCheck(action: $0, resource: key.arn, conditionKeys: keys) }
    }

    /// Setting a customer managed key on a function: `kms:CreateGrant` and `kms:Encrypt` on it
    /// (Lambda's "Securing environment variables").
    static func settingKeyChecks(_ resolution: Resolution, _ context: CallContext) -> [AuthorizationCheck] {
        environmentKeyChecks(["kms:CreateGrant", "kms:Encrypt"], member: "KMSKeyArn", resolution, context)
    }

    /// Reading the variables under the function's customer key: `kms:Decrypt` on it.
    static func readingKeyChecks(_ resolution: Resolution, _ context: CallContext) -> [AuthorizationCheck] {
        environmentKeyChecks(["kms:Decrypt"], member: currentKeyMember, resolution, context)
    }

    /// The customer keys of listed functions as the authorize stage judged `kms:Decrypt` on them, by
    /// `KMSKeyArn` as the functions name them: each distinct key is resolved and judged once per
    /// request, by the pipeline's stages (decision 0017). Functions under `aws/lambda` ask nothing.
    static func listedKeys(_ states: [FunctionState], _ context: CallContext) async throws -> [String: JudgedKey] {
        var seen: Set<String> = []
        let named = states.compactMap(\.kmsKeyArn).filter { seen.insert($0).inserted }
        let references = named.enumerated().flatMap { index, text in
            environmentKey(text, member: "\(listedKeyMember)\(index)", storedAlias: true)
        }
        let judgement = try await context.judgeListed(references) { resolution in
            // Two names of one key (its ARN, an alias ARN stored before 0017) are one question.
            var judged: Set<String> = []
            return resolution.resources.filter { judged.insert($0.arn).inserted }.flatMap {
                environmentKeyChecks(["kms:Decrypt"], member: $0.reference.member, resolution, context)
            }
        }
        var judged: [String: JudgedKey] = [:]
        for key in judgement.resolution.resources where key.exists {
            judged[key.reference.text] = JudgedKey(arn: key.arn, refusal: judgement.refusal(of: "kms:Decrypt", on: key.arn))
        }
        return judged
    }

    /// The resolution member of the key of the n-th distinct key a listing shows.
    static let listedKeyMember = "Functions.KMSKeyArn#"

    /// The function's customer key as the resolve stage found it at `member` (the function's current
    /// key, or the key the call sets), with the authorize stage's denial of `kms:Decrypt` on it if it
    /// denied it; nil when no key exists there.
    static func judgedKey(_ context: CallContext, member: String = currentKeyMember) -> JudgedKey? {
        guard let key = context.resolution[member], key.exists else { return nil }
        return JudgedKey(arn: key.arn, refusal: context.refusal(of: "kms:Decrypt", on: key.arn))
    }
}
