import BulwarkCore
import Foundation
import IAM
import Lambda
import Store

/// Configures the signing keys of an OpenID Connect issuer in a data directory, offline: Bulwark
/// never fetches an issuer's keys, the operator gives its JSON Web Key Set
/// (`bulwark iam oidc-keys --url https://issuer --jwks keys.json`).
public enum OIDCKeyConfiguration {
    /// Stores `jwks` as the keys of the issuer at `url`.
    /// - Returns: the issuer (`host/path`, the provider's name in IAM) and how many keys are usable.
    public static func configure(dataDirectory: URL, url: String, jwks: Data) async throws -> (issuer: String, keys: Int) {
        let database = try BulwarkDatabase(directory: dataDirectory, schemas: [.iam, .lambda])
        return try await database.oidcProviders.configureKeys(issuerURL: url, jwks: jwks, at: WallClock.system.now())
    }
}
