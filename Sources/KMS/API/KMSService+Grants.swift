import AWSWire
import BulwarkCore
import Crypto
import Foundation
import IAM
import Store

/// Grants (decision 0015): CreateGrant, ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant.
/// A grant's permissions are not checked here: the resolve stage adds each grant of a key to the
/// policy the authorize stage evaluates (``KMSGrantPolicy``).
extension KMSService {
    var grantOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "CreateGrant", action: "kms:CreateGrant", readOnly: false,
                input: KMSAPI.CreateGrantRequest.self,
                references: { input, context in
                    try GrantToken.check(input.grantTokens)
                    return [try Self.key("KeyId", input.keyId, context, allowsAlias: false)]
                },
                conditionKeys: { input, _, context in Self.grantKeys(input, context) },
                handler: createGrant
            ),
            ServiceOperation(
                "ListGrants", action: "kms:ListGrants", readOnly: true,
                input: KMSAPI.ListGrantsRequest.self,
                references: { input, context in [try Self.key("KeyId", input.keyId, context, allowsAlias: false)] },
                conditionKeys: { input, _, context in
                    var keys = Self.callerKeys(context)
                    if let grantee = input.granteePrincipal { keys["kms:GranteePrincipal"] = .single(grantee) }
                    return keys
                },
                handler: listGrants
            ),
            ServiceOperation(
                "ListRetirableGrants", action: "kms:ListRetirableGrants", readOnly: true,
                input: KMSAPI.ListRetirableGrantsRequest.self,
                conditionKeys: { _, context in Self.callerKeys(context) },
                handler: listRetirableGrants
            ),
            ServiceOperation(
                "RevokeGrant", action: "kms:RevokeGrant", readOnly: false,
                input: KMSAPI.RevokeGrantRequest.self,
                references: { input, context in
                    let key = try Self.key("KeyId", input.keyId, context, allowsAlias: false)
                    guard GrantToken.isGrantID(input.grantId) else { throw KMSError.invalidGrantID(input.grantId) }
                    return [key]
                },
                conditionKeys: { _, _, context in Self.callerKeys(context) },
                handler: revokeGrant
            ),
            ServiceOperation(
                "RetireGrant", action: "kms:RetireGrant", readOnly: false,
                input: KMSAPI.RetireGrantRequest.self,
                // The grant, by token or by key and id, resolves under its key's ARN with the grant's
                // own policy of who may retire it.
                references: { input, context in
                    if let text = input.grantToken {
                        let token = try GrantToken(text)
                        return [ResourceReference(.kmsGrant, member: "GrantToken", text: text, qualifier: token.grantID)]
                    }
                    // Naming no grant, the call is asked on `*` and refused by the handler.
                    guard let keyID = input.keyId, let grantID = input.grantId else { return [] }
                    _ = try Self.key("KeyId", keyID, context, allowsAlias: false)
                    guard GrantToken.isGrantID(grantID) else { throw KMSError.invalidGrantID(grantID) }
                    return [ResourceReference(.kmsGrant, member: "GrantId", text: keyID, qualifier: grantID)]
                },
                conditionKeys: { _, _, context in Self.callerKeys(context) },
                handler: retireGrant
            ),
        ]
    }

    /// CreateGrant's condition keys: `kms:GrantOperations`, `kms:GranteePrincipal`,
    /// `kms:RetiringPrincipal`, `kms:GrantIsForAWSResource`, `kms:GrantConstraintType` and the
    /// constraints' `kms:EncryptionContext:<key>` / `kms:EncryptionContextKeys`.
    static func grantKeys(_ input: KMSAPI.CreateGrantRequest, _ context: CallContext) -> [String: AuthorizationCheck.Value] {
        let subset = input.constraints?.encryptionContextSubset
        let equals = input.constraints?.encryptionContextEquals
        var keys = contextKeys((subset ?? [:]).merging(equals ?? [:]) { first, _ in first }, context)
        keys["kms:GrantOperations"] = .multiple(input.operations)
        keys["kms:GranteePrincipal"] = .single(input.granteePrincipal)
        if let retiring = input.retiringPrincipal { keys["kms:RetiringPrincipal"] = .single(retiring) }
        keys["kms:GrantIsForAWSResource"] = .single("false")
        let types = (subset != nil ? ["EncryptionContextSubset"] : []) + (equals != nil ? ["EncryptionContextEquals"] : [])
        if !types.isEmpty { keys["kms:GrantConstraintType"] = types.count == 1 ? .single(types[0]) : .multiple(types) }
        return keys
    }

    @Sendable func createGrant(_ input: KMSAPI.CreateGrantRequest, _ context: CallContext) async throws -> KMSAPI.CreateGrantResponse {
        let key = try Self.resolvedKey(context)
        switch key.record.state {
        case .enabled: break
        case .disabled: throw KMSError.disabled(key.arn)
        case .pendingDeletion: throw KMSError.pendingDeletion(key.arn)
        }
        let operations = try Self.grantOperations(input.operations, key.record)
        let subset = input.constraints?.encryptionContextSubset
        let equals = input.constraints?.encryptionContextEquals
        if subset != nil || equals != nil {
            guard key.record.keySpec == Self.symmetricDefault else {
                // Bulwark's wording of AWS's rule.
                throw KMSError.validation("Grant constraints are supported only for symmetric encryption KMS keys.")
            }
            if let subset, let equals, subset.contains(where: { pair in equals[pair.key].map { $0 != pair.value } ?? false }) {
                throw KMSError.validation("EncryptionContextSubset and EncryptionContextEquals give different values to the same key.")
            }
        }
        let grant = KMSGrantRecord(
            id: SymmetricKey(size: .bits256).withUnsafeBytes { $0.map { String(format: "%02x", $0) }.joined() }, keyID: key.record.id,
            name: input.name, granteePrincipal: input.granteePrincipal, retiringPrincipal: input.retiringPrincipal, principalIDs: [:],
            operations: operations, encryptionContextSubset: subset, encryptionContextEquals: equals,
            issuingAccount: "arn:aws:iam::\(context.accountID):root", createdAt: clock.now())
        let bound = try await bindPrincipals(grant, context)
        if input.dryRun == true { throw KMSError.dryRun }
        let stored: KMSGrantRecord
        do {
            stored = try await database.kms.createGrant(bound)
        } catch KMSRepository.GrantRefusal.tooManyForKey {
            throw KMSError.grantLimit("The KMS key \(key.arn) has reached the limit of \(KMSRepository.GrantQuota.perKey) grants.")
        } catch KMSRepository.GrantRefusal.tooManyForGrantee {
            throw KMSError.grantLimit(
                "The grantee principal \(grant.granteePrincipal) has reached the limit of \(KMSRepository.GrantQuota.perGranteePerKey) grants on the KMS key \(key.arn)."
            )
        } catch StoreError.notFound {
            throw KMSError.keyNotFound(key.arn)
        }
        return KMSAPI.CreateGrantResponse(grantToken: GrantToken(grantID: stored.id).text, grantId: stored.id)
    }

    /// The operations a grant may list for the key, by its usage (AWS's table of grant operations
    /// per key type), sorted and without repeats.
    static func grantOperations(_ operations: [String], _ key: KMSKeyRecord) throws -> [String] {
        guard !operations.isEmpty else { throw KMSError.validation("Operations must list at least one grant operation.") }
        var allowed: Set<String> = ["CreateGrant", "RetireGrant", "DescribeKey"]
        switch key.keyUsage {
        case "ENCRYPT_DECRYPT" where key.keySpec == symmetricDefault:
            allowed.formUnion([
                "Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo", "GenerateDataKeyPair",
                "GenerateDataKeyPairWithoutPlaintext",
            ])
        case "ENCRYPT_DECRYPT": allowed.formUnion(["Decrypt", "Encrypt", "ReEncryptFrom", "ReEncryptTo", "GetPublicKey"])
        case "SIGN_VERIFY": allowed.formUnion(["Sign", "Verify", "GetPublicKey"])
        case "GENERATE_VERIFY_MAC": allowed.formUnion(["GenerateMac", "VerifyMac"])
        case "KEY_AGREEMENT": allowed.formUnion(["DeriveSharedSecret", "GetPublicKey"])
        default: break
        }
        let refused = operations.filter { !allowed.contains($0) }
        guard refused.isEmpty else {
            // Bulwark's wording.
            throw KMSError.validation(
                "Grant operations \(refused.joined(separator: ", ")) are not supported for a KMS key with KeySpec \(key.keySpec) and KeyUsage \(key.keyUsage)."
            )
        }
        return Array(Set(operations)).sorted()
    }

    /// Checks that the grant's principals can be written in a policy, and binds the IAM users and
    /// roles of the account it names to their unique ids (decision 0005): a grant for a role that is
    /// deleted and created again does not apply to the new one.
    private func bindPrincipals(_ grant: KMSGrantRecord, _ context: CallContext) async throws -> KMSGrantRecord {
        for principal in [grant.granteePrincipal] + (grant.retiringPrincipal.map { [$0] } ?? []) where !Self.isPrincipal(principal) {
            throw KMSError.invalidPrincipal(principal)
        }
        let document: PolicyDocument
        do {
            document = try PolicyDocument.parse(KMSGrantPolicy.document(grant), kind: .resource)
        } catch {
            throw KMSError.invalidPrincipal(grant.granteePrincipal)
        }
        var bound = grant
        do {
            bound.principalIDs = try await database.iam.principalBindings(of: document, accountID: context.accountID).ids
        } catch IAMStoreError.invalidPrincipal(let arn) {
            throw KMSError.invalidPrincipal(arn)
        }
        return bound
    }

    /// An ARN of an AWS principal (account, user, role, assumed role, federated user) or a service principal.
    static func isPrincipal(_ text: String) -> Bool {
        if let arn = ARN(text) {
            return (arn.service == "iam" || arn.service == "sts") && !arn.accountID.isEmpty && !arn.resource.isEmpty
        }
        return text.hasSuffix(".amazonaws.com") && !text.hasPrefix(".")
    }

    @Sendable func listGrants(_ input: KMSAPI.ListGrantsRequest, _ context: CallContext) async throws -> KMSAPI.ListGrantsResponse {
        let key = try Self.resolvedKey(context)
        if let grantID = input.grantId, !GrantToken.isGrantID(grantID) { throw KMSError.invalidGrantID(grantID) }
        let limit = min(input.limit ?? 50, 100)
        guard
            let grants = try await database.kms.grants(
                keyID: key.record.id, grantID: input.grantId, granteePrincipal: input.granteePrincipal, after: input.marker, limit: limit + 1)
        else { throw KMSError.invalidMarker }
        return Self.grantPage(grants, limit: limit, keyARN: { _ in key.arn })
    }

    @Sendable func listRetirableGrants(
        _ input: KMSAPI.ListRetirableGrantsRequest, _ context: CallContext
    ) async throws
        -> KMSAPI.ListGrantsResponse
    {
        let limit = min(input.limit ?? 50, 100)
        guard
            let grants = try await database.kms.retirableGrants(
                accountID: context.accountID, region: context.region, retiringPrincipal: input.retiringPrincipal, after: input.marker,
                limit: limit + 1, now: clock.now())
        else { throw KMSError.invalidMarker }
        return Self.grantPage(grants, limit: limit) { grant in
            ARN(service: "kms", region: context.region, accountID: context.accountID, resource: "key/\(grant.keyID)").description
        }
    }

    /// A page of `GrantListEntry`s; the marker is the last grant's id.
    private static func grantPage(_ grants: [KMSGrantRecord], limit: Int, keyARN: (KMSGrantRecord) -> String) -> KMSAPI.ListGrantsResponse {
        let page = grants.prefix(limit)
        let truncated = grants.count > limit
        return KMSAPI.ListGrantsResponse(
            grants: page.map { grant in
                let constraints =
                    grant.encryptionContextSubset == nil && grant.encryptionContextEquals == nil
                    ? nil
                    : KMSAPI.GrantConstraints(
                        encryptionContextSubset: grant.encryptionContextSubset, encryptionContextEquals: grant.encryptionContextEquals)
                return KMSAPI.GrantListEntry(
                    keyId: keyARN(grant), grantId: grant.id, name: grant.name, creationDate: grant.createdAt,
                    granteePrincipal: grant.granteePrincipal, retiringPrincipal: grant.retiringPrincipal, issuingAccount: grant.issuingAccount,
                    operations: grant.operations, constraints: constraints)
            },
            nextMarker: truncated ? page.last?.id : nil, truncated: truncated)
    }

    @Sendable func revokeGrant(_ input: KMSAPI.RevokeGrantRequest, _ context: CallContext) async throws -> EmptyOutput {
        let key = try Self.resolvedKey(context)
        if input.dryRun == true { throw KMSError.dryRun }
        do {
            try await database.kms.deleteGrant(id: input.grantId, keyID: key.record.id)
        } catch StoreError.notFound {
            throw KMSError.grantNotFound(input.grantId)
        }
        return EmptyOutput()
    }

    @Sendable func retireGrant(_ input: KMSAPI.RetireGrantRequest, _ context: CallContext) async throws -> EmptyOutput {
        guard let resolved = context.resolution.resources.first(where: { $0.reference.kind == .kmsGrant }) else {
            // Bulwark's wording.
            throw KMSError.validation("Either GrantToken, or both KeyId and GrantId, must be specified.")
        }
        let grantID = resolved.reference.qualifier ?? ""
        guard let found = resolved.entity(as: ResolvedGrant.self) else {
            // No key at KeyId (or, for a token, no grant at all).
            throw resolved.reference.member == "GrantId" ? KMSError.keyNotFound(resolved.arn) : KMSError.grantNotFound(grantID)
        }
        guard let grant = found.grant else { throw KMSError.grantNotFound(grantID) }
        if input.dryRun == true { throw KMSError.dryRun }
        do {
            try await database.kms.deleteGrant(id: grant.id, keyID: found.key.id)
        } catch StoreError.notFound {
            throw KMSError.grantNotFound(grantID)
        }
        return EmptyOutput()
    }
}
