import AWSWire
import BulwarkCore
import Foundation

/// A profile's permissions: statements that let other principals use it, each change guarded by
/// the revision ID of the permissions it changes, as AWS guards them.
extension SignerService {
    static let permissionActions: Set<String> = [
        "signer:StartSigningJob", "signer:GetSigningProfile", "signer:RevokeSignature", "signer:SignPayload",
    ]

    @Sendable func addProfilePermission(
        _ input: SignerAPI.AddProfilePermissionRequest, _ context: CallContext
    ) async throws -> SignerAPI.AddProfilePermissionResponse {
        let profile = try Self.resolvedProfile(context, name: input.profileName)
        guard Self.permissionActions.contains(input.action) else {
            throw SignerError.validation("Invalid action \(input.action); allowed: \(Self.permissionActions.sorted().joined(separator: ", ")).")
        }
        if let version = input.profileVersion, version != profile.profileVersion {
            throw SignerError.notFound("Profile version \(version) of profile \(input.profileName) does not exist.")
        }
        let revision = UUID().uuidString.lowercased()
        let updated = try await update(profile, name: input.profileName) { stored in
            var permissions = stored.permissionList
            if let current = stored.permissionsRevision, input.revisionId != current, !permissions.isEmpty {
                throw SignerError.conflict("The revision ID \(input.revisionId ?? "") does not match the current revision of the policy.")
            }
            guard !permissions.contains(where: { $0.statementId == input.statementId }) else {
                throw SignerError.conflict("A permission with statement ID \(input.statementId) already exists.")
            }
            permissions.append(
                ProfilePermission(
                    statementId: input.statementId, action: input.action, principal: input.principal, profileVersion: input.profileVersion))
            stored.permissions = try Self.encoded(permissions)
            stored.permissionsRevision = revision
        }
        return SignerAPI.AddProfilePermissionResponse(revisionId: updated.permissionsRevision)
    }

    @Sendable func removeProfilePermission(
        _ input: SignerAPI.RemoveProfilePermissionRequest, _ context: CallContext
    ) async throws -> SignerAPI.RemoveProfilePermissionResponse {
        let profile = try Self.resolvedProfile(context, name: input.profileName)
        let revision = UUID().uuidString.lowercased()
        let updated = try await update(profile, name: input.profileName) { stored in
            var permissions = stored.permissionList
            guard let index = permissions.firstIndex(where: { $0.statementId == input.statementId }) else {
                throw SignerError.notFound("A permission with statement ID \(input.statementId) does not exist.")
            }
            guard input.revisionId == stored.permissionsRevision else {
                throw SignerError.conflict("The revision ID \(input.revisionId) does not match the current revision of the policy.")
            }
            permissions.remove(at: index)
            stored.permissions = try Self.encoded(permissions)
            stored.permissionsRevision = revision
        }
        return SignerAPI.RemoveProfilePermissionResponse(revisionId: updated.permissionsRevision)
    }

    @Sendable func listProfilePermissions(
        _ input: SignerAPI.ListProfilePermissionsRequest, _ context: CallContext
    ) async throws -> SignerAPI.ListProfilePermissionsResponse {
        let profile = try Self.resolvedProfile(context, name: input.profileName)
        if let token = input.nextToken, !token.isEmpty { throw SignerError.validation("Invalid nextToken.") }
        let permissions = profile.permissionList
        return SignerAPI.ListProfilePermissionsResponse(
            revisionId: profile.permissionsRevision, policySizeBytes: Self.policyDocument(profile).utf8.count,
            permissions: permissions.map {
                SignerAPI.Permission(action: $0.action, principal: $0.principal, statementId: $0.statementId, profileVersion: $0.profileVersion)
            })
    }

    static func encoded(_ permissions: [ProfilePermission]) throws -> String {
        String(decoding: try JSONEncoder().encode(permissions), as: UTF8.self)
    }

    /// The profile's permissions as the resource policy they make (its size is `policySizeBytes`).
    static func policyDocument(_ profile: SigningProfileRecord) -> String {
        let statements = profile.permissionList.map { permission -> [String: Any] in
            [
                "Sid": permission.statementId, "Effect": "Allow", "Principal": ["AWS": permission.principal], "Action": permission.action,
                "Resource": permission.profileVersion.map { profile.arn + "/" + $0 } ?? profile.arn,
            ]
        }
        let document: [String: Any] = ["Version": "2012-10-17", "Statement": statements]
        guard let data = try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys]) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }
}
