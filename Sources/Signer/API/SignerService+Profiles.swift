import AWSWire
import BulwarkCore
import Crypto
import Foundation
import KMS
import Store

extension SignerService {
    /// AWS's default signature validity period: 135 months.
    static let defaultValidity = SignerAPI.SignatureValidityPeriod(value: 135, type: "MONTHS")

    @Sendable func putSigningProfile(
        _ input: SignerAPI.PutSigningProfileRequest, _ context: CallContext
    ) async throws -> SignerAPI.PutSigningProfileResponse {
        if context.resolution["profileName"]?.exists == true {
            throw SignerError.validation("A signing profile with name \(input.profileName) already exists.")
        }
        guard input.platformId == SignedPackage.platformID else { throw SignerError.validation("Invalid platform ID: \(input.platformId)") }
        if input.signingMaterial != nil {
            throw SignerError.validation("Signing material is not supported for platform \(SignedPackage.platformID).")
        }
        if let overrides = input.overrides,
            overrides.signingImageFormat.map({ $0 != "JSONDetached" }) ?? false
                || overrides.signingConfiguration?.encryptionAlgorithm.map({ $0 != "ECDSA" }) ?? false
                || overrides.signingConfiguration?.hashAlgorithm != nil
        {
            throw SignerError.validation("The overrides are not supported by platform \(SignedPackage.platformID).")
        }
        let validity = try Self.validity(input.signatureValidityPeriod)
        let key = P384.Signing.PrivateKey()
        let version = Self.profileVersionID()
        var profile = SigningProfileRecord(
            accountID: context.accountID, region: context.region, name: input.profileName, profileVersion: version,
            platformID: input.platformId, validityValue: validity.value ?? 135, validityType: validity.type ?? "MONTHS",
            signingParameters: String(decoding: try JSONEncoder().encode(input.signingParameters ?? [:]), as: UTF8.self), status: "Active",
            publicKey: key.publicKey.derRepresentation, wrappedPrivateKey: Data(), createdAt: Self.seconds(now()), permissions: "[]")
        profile.wrappedPrivateKey = try masterKey.wrap(SymmetricKey(data: key.rawRepresentation), keyID: profile.keyID, version: 1)
        do {
            try await database.signer.insert(profile, tags: input.tags ?? [:])
        } catch StoreError.conflict {
            throw SignerError.validation("A signing profile with name \(input.profileName) already exists.")
        }
        return SignerAPI.PutSigningProfileResponse(arn: profile.arn, profileVersion: version, profileVersionArn: profile.versionARN)
    }

    @Sendable func getSigningProfile(
        _ input: SignerAPI.GetSigningProfileRequest, _ context: CallContext
    ) async throws -> SignerAPI.GetSigningProfileResponse {
        if let owner = input.profileOwner, owner != context.accountID { throw SignerError.profileNotFound(input.profileName) }
        let profile = try Self.resolvedProfile(context, name: input.profileName)
        let tags = context.resolution["profileName"]?.tags ?? [:]
        let parameters = profile.parameters
        return SignerAPI.GetSigningProfileResponse(
            profileName: profile.name, profileVersion: profile.profileVersion, profileVersionArn: profile.versionARN,
            revocationRecord: profile.revokedAt.map { _ in
                SignerAPI.SigningProfileRevocationRecord(
                    revocationEffectiveFrom: Self.date(profile.revocationEffectiveFrom), revokedAt: Self.date(profile.revokedAt),
                    revokedBy: profile.revokedBy)
            },
            platformId: profile.platformID, platformDisplayName: Self.platformDisplayName,
            signatureValidityPeriod: .init(value: profile.validityValue, type: profile.validityType),
            signingParameters: parameters.isEmpty ? nil : parameters, status: profile.status,
            statusReason: profile.revocationReason, arn: profile.arn, tags: tags.isEmpty ? nil : tags)
    }

    @Sendable func listSigningProfiles(
        _ input: SignerAPI.ListSigningProfilesRequest, _ context: CallContext
    ) async throws -> SignerAPI.ListSigningProfilesResponse {
        let all = try await database.signer.profiles(accountID: context.accountID, region: context.region)
        let statuses = input.statuses ?? []
        let listed = all.filter { profile in
            (input.includeCanceled == true || profile.status != "Canceled") && (input.platformId.map { $0 == profile.platformID } ?? true)
                && (statuses.isEmpty || statuses.contains(profile.status))
        }
        let page = try Self.page(listed, after: input.nextToken, limit: input.maxResults, key: \.name)
        let tags = try await database.signer.tags(of: page.items.map(\.arn))
        let profiles = page.items.map { profile in
            let parameters = profile.parameters
            let profileTags = tags[profile.arn] ?? [:]
            return SignerAPI.SigningProfile(
                profileName: profile.name, profileVersion: profile.profileVersion, profileVersionArn: profile.versionARN,
                signatureValidityPeriod: .init(value: profile.validityValue, type: profile.validityType), platformId: profile.platformID,
                platformDisplayName: Self.platformDisplayName, signingParameters: parameters.isEmpty ? nil : parameters, status: profile.status,
                arn: profile.arn, tags: profileTags.isEmpty ? nil : profileTags)
        }
        return SignerAPI.ListSigningProfilesResponse(profiles: profiles, nextToken: page.nextToken)
    }

    @Sendable func cancelSigningProfile(_ input: SignerAPI.CancelSigningProfileRequest, _ context: CallContext) async throws -> EmptyOutput {
        let profile = try Self.resolvedProfile(context, name: input.profileName)
        _ = try await update(profile, name: input.profileName) { $0.status = "Canceled" }
        return EmptyOutput()
    }

    /// Revokes the profile's version from `effectiveTime` on: signatures made after it are no longer
    /// trusted. The time may not lie in the future (decision 0038).
    @Sendable func revokeSigningProfile(_ input: SignerAPI.RevokeSigningProfileRequest, _ context: CallContext) async throws -> EmptyOutput {
        let profile = try Self.resolvedProfile(context, name: input.profileName)
        guard input.profileVersion == profile.profileVersion else {
            throw SignerError.notFound("Profile version \(input.profileVersion) of profile \(input.profileName) does not exist.")
        }
        guard profile.revokedAt == nil else { throw SignerError.validation("The signing profile \(input.profileName) is already revoked.") }
        let now = now()
        guard input.effectiveTime <= now else { throw SignerError.validation("Revocation effective time cannot be in the future.") }
        let by = context.principal.arn
        _ = try await update(profile, name: input.profileName) {
            $0.status = "Revoked"
            $0.revokedAt = Self.seconds(now)
            $0.revocationEffectiveFrom = Self.seconds(input.effectiveTime)
            $0.revokedBy = by
            $0.revocationReason = input.reason
        }
        return EmptyOutput()
    }

    func update(
        _ profile: SigningProfileRecord, name: String, _ change: @escaping @Sendable (inout SigningProfileRecord) throws -> Void
    ) async throws -> SigningProfileRecord {
        do {
            return try await database.signer.update(profile, change)
        } catch StoreError.notFound {
            throw SignerError.profileNotFound(name)
        }
    }

    /// The validity period asked for, or AWS's default; between 1 day and 135 months.
    static func validity(_ period: SignerAPI.SignatureValidityPeriod?) throws -> SignerAPI.SignatureValidityPeriod {
        guard let period else { return defaultValidity }
        let value = period.value ?? 135
        let type = period.type ?? "MONTHS"
        let days: Int
        switch type {
        case "DAYS": days = value
        case "MONTHS": days = value * 30
        default: days = value * 365
        }
        guard value >= 1, days <= 135 * 30 + 15 else {
            throw SignerError.validation("Signature validity period must be between 1 day and 135 months.")
        }
        return .init(value: value, type: type)
    }

    /// When a signature made at `date` under the period expires.
    static func expiry(of date: Date, value: Int, type: String) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let component: Calendar.Component = type == "DAYS" ? .day : type == "YEARS" ? .year : .month
        return calendar.date(byAdding: component, value: value, to: date) ?? date
    }

    /// A profile version: ten letters and digits, as AWS shows them.
    static func profileVersionID() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<10).map { _ in alphabet.randomElement()! })
    }

    /// One page of `items` (sorted by `key`) after the item whose key is the token.
    static func page<Item>(
        _ items: [Item], after token: String?, limit: Int?, key: (Item) -> String
    ) throws -> (items: [Item], nextToken: String?) {
        var start = items.startIndex
        if let token, !token.isEmpty {
            guard let decoded = Data(base64Encoded: token).flatMap({ String(data: $0, encoding: .utf8) }),
                let index = items.firstIndex(where: { key($0) == decoded })
            else { throw SignerError.validation("Invalid nextToken.") }
            start = items.index(after: index)
        }
        let size = limit ?? 20
        let end = min(items.endIndex, start + size)
        let page = Array(items[start..<end])
        let next = end < items.endIndex ? page.last.map { Data(key($0).utf8).base64EncodedString() } : nil
        return (page, next)
    }
}
