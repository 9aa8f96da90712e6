import AWSWire
import BulwarkCore
import Foundation

/// How grants take part in authorization (decision 0015): each grant is written as statements of
/// IAM's grammar, evaluated by the authorize stage with the key policy they extend — so that a grant
/// allows its grantee the operations it lists, under its constraints, while an explicit deny in the
/// key policy or an IAM policy still wins, as in AWS.
enum KMSGrantPolicy {
    /// The grant operations whose requests carry an encryption context, to which a grant's
    /// constraints apply; they do not apply to `DescribeKey` and `RetireGrant`.
    static let contextOperations: Set<String> = [
        "Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo", "GenerateDataKeyPair",
        "GenerateDataKeyPairWithoutPlaintext",
    ]

    /// The key's policy as the authorize stage evaluates it: the key policy, and the statements of
    /// its grants appended.
    static func keyPolicy(_ key: KMSKeyRecord, grants: [KMSGrantRecord]) -> ResourcePolicy {
        var document = key.policy
        var principals = key.policyPrincipals
        if !grants.isEmpty, var parsed = try? JSONValue.parse(Data(key.policy.utf8)) {
            let existing: [JSONValue]
            switch parsed["Statement"] {
            case .array(let statements): existing = statements
            case .some(let statement): existing = [statement]
            case .none: existing = []
            }
            parsed["Statement"] = .array(existing + grants.flatMap(statements))
            document = String(decoding: parsed.serialized(), as: UTF8.self)
            var merged = principals ?? [:]
            for grant in grants { merged.merge(grant.principalIDs) { keyPolicy, _ in keyPolicy } }
            principals = merged
        }
        return ResourcePolicy(document: document, name: "key policy", kind: .keyPolicy, governedService: "kms", principalIDs: principals)
    }

    /// The statements that let the grantee use the key: the operations the constraints apply to
    /// under them, the others without, and `CreateGrant` only for grants no wider than this one.
    static func statements(_ grant: KMSGrantRecord) -> [JSONValue] {
        let principal = principalElement([grant.granteePrincipal])
        let constrained = grant.operations.filter(contextOperations.contains)
        let free = grant.operations.filter { !contextOperations.contains($0) && $0 != "CreateGrant" && $0 != "RetireGrant" }
        var statements: [JSONValue] = []
        func statement(_ suffix: String, _ operations: [String], _ condition: [String: [String: JSONValue]]) {
            var body: [String: JSONValue] = [
                "Sid": .string("Grant\(grant.id)\(suffix)"), "Effect": .string("Allow"), "Principal": principal,
                "Action": .array(operations.map { .string("kms:\($0)") }), "Resource": .string("*"),
            ]
            if !condition.isEmpty { body["Condition"] = .object(condition.mapValues { JSONValue.object($0) }) }
            statements.append(.object(body))
        }
        if !constrained.isEmpty { statement("Use", constrained, contextCondition(grant)) }
        if !free.isEmpty { statement("Other", free, [:]) }
        if grant.operations.contains("CreateGrant") {
            // A grant made through this one may allow no more operations, under constraints at least as strict.
            var condition = contextCondition(grant)
            condition["ForAllValues:StringEquals", default: [:]]["kms:GrantOperations"] = .array(grant.operations.map(JSONValue.string))
            statement("CreateGrant", ["CreateGrant"], condition)
        }
        return statements
    }

    /// The conditions of a grant's constraints on `kms:EncryptionContext:<key>` and
    /// `kms:EncryptionContextKeys`: every pair of `EncryptionContextSubset` present; every pair of
    /// `EncryptionContextEquals` present and no other key.
    static func contextCondition(_ grant: KMSGrantRecord) -> [String: [String: JSONValue]] {
        var condition: [String: [String: JSONValue]] = [:]
        let pairs = (grant.encryptionContextSubset ?? [:]).merging(grant.encryptionContextEquals ?? [:]) { subset, _ in subset }
        for (key, value) in pairs { condition["StringEquals", default: [:]]["kms:EncryptionContext:\(key)"] = .string(value) }
        if let equals = grant.encryptionContextEquals {
            if equals.isEmpty {
                condition["Null", default: [:]]["kms:EncryptionContextKeys"] = .string("true")
            } else {
                condition["ForAllValues:StringEquals", default: [:]]["kms:EncryptionContextKeys"] = .array(equals.keys.sorted().map(JSONValue.string))
            }
        }
        return condition
    }

    /// The policy of `kms:RetireGrant` on one grant: its retiring principal, and its grantee when it
    /// lists `RetireGrant`, may retire it; the account that created it may too (the evaluator's rule
    /// for the account's own principals), and no key policy counts (AWS: "not effective in a key policy").
    static func retirePolicy(_ grant: KMSGrantRecord) -> ResourcePolicy? {
        var principals = grant.retiringPrincipal.map { [$0] } ?? []
        if grant.operations.contains("RetireGrant"), !principals.contains(grant.granteePrincipal) { principals.append(grant.granteePrincipal) }
        guard !principals.isEmpty else { return nil }
        let statement: JSONValue = .object([
            "Sid": .string("RetireGrant\(grant.id)"), "Effect": .string("Allow"), "Principal": principalElement(principals),
            "Action": .string("kms:RetireGrant"), "Resource": .string("*"),
        ])
        let document = JSONValue.object(["Version": .string("2012-10-17"), "Statement": .array([statement])])
        return ResourcePolicy(
            document: String(decoding: document.serialized(), as: UTF8.self), name: "grant", kind: .resource, governedService: "kms",
            principalIDs: grant.principalIDs)
    }

    /// One grant's statements as a policy of their own, to check a new grant before it is stored.
    static func document(_ grant: KMSGrantRecord) -> String {
        var statements = statements(grant)
        if let retire = retirePolicy(grant), let parsed = try? JSONValue.parse(Data(retire.document.utf8)),
            case .array(let more) = parsed["Statement"]
        {
            statements += more
        }
        let document = JSONValue.object(["Version": .string("2012-10-17"), "Statement": .array(statements)])
        return String(decoding: document.serialized(), as: UTF8.self)
    }

    /// `Principal`: ARNs as `AWS`, service principals (`logs.amazonaws.com`) as `Service`.
    static func principalElement(_ principals: [String]) -> JSONValue {
        var element: [String: JSONValue] = [:]
        let arns = principals.filter { $0.hasPrefix("arn:") }
        let services = principals.filter { !$0.hasPrefix("arn:") }
        if !arns.isEmpty { element["AWS"] = arns.count == 1 ? .string(arns[0]) : .array(arns.map(JSONValue.string)) }
        if !services.isEmpty { element["Service"] = services.count == 1 ? .string(services[0]) : .array(services.map(JSONValue.string)) }
        return .object(element)
    }
}
