import BulwarkCore
import Foundation
import Store

/// Verifies a web identity token for `AssumeRoleWithWebIdentity` against the OpenID Connect
/// providers of the role's account and the keys the operator configured for their issuers,
/// refusing it with AWS's errors: the issuer must be a registered provider, an audience one of
/// its client ids, the token current, and its RS256 or ES256 signature made by one of the keys.
struct WebIdentityVerifier: Sendable {
    /// A token that passed every check: who it names and for which provider.
    struct Verified: Sendable {
        let token: WebIdentityToken
        let provider: OIDCProviderRecord
        /// The audience that matched one of the provider's client ids.
        let audience: String
    }

    let providers: OIDCProviderRepository
    /// Tokens issued or valid up to this far in the future are accepted (clock skew).
    static let leeway: Double = 300

    func verify(_ text: String, accountID: String, now: Date) async throws -> Verified {
        guard let token = WebIdentityToken(text), let issuer = token.issuer, token.subject != nil else { throw Self.notValidated }
        let issuerKey = OIDCProviderRecord.issuerKey(of: issuer)
        guard let provider = try await providers.provider(accountID: accountID, issuerKey: issuerKey) else {
            throw Self.invalid("No OpenIDConnect provider found in your account for \(issuer)")
        }
        guard let audience = token.audiences.first(where: provider.clientIDs.contains) else { throw Self.invalid("Incorrect token audience") }
        let seconds = now.timeIntervalSince1970
        guard let expiry = token.date("exp") else { throw Self.notValidated }
        guard seconds < expiry + Self.leeway else {
            throw AWSError(
                code: "ExpiredTokenException",
                message: "Token expired: current date/time \(Int(seconds)) must be before the expiration date/time \(Int(expiry))", status: 400)
        }
        if let notBefore = token.date("nbf"), notBefore > seconds + Self.leeway { throw Self.notValidated }
        if let issuedAt = token.date("iat"), issuedAt > seconds + Self.leeway { throw Self.notValidated }
        guard let jwks = try await providers.keys(issuerKey: issuerKey), let keys = try? JSONWebKeySet(json: Data(jwks.utf8)) else {
            throw Self.invalid(
                "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements"
            )
        }
        guard keys.verifies(token) else { throw Self.notValidated }
        return Verified(token: token, provider: provider, audience: audience)
    }

    private static func invalid(_ message: String) -> AWSError {
        AWSError(code: "InvalidIdentityToken", message: message, status: 400)
    }

    /// A token that is no JWT, is not yet valid, or whose signature no configured key made.
    private static let notValidated = invalid(
        "The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request."
    )
}
