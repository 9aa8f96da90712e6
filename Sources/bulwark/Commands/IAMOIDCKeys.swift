import ArgumentParser
import BulwarkServer
import Foundation

extension IAMCommand {
    /// `bulwark iam oidc-keys --url https://issuer --jwks keys.json`: the signing keys of an OpenID
    /// Connect issuer, configured offline for `AssumeRoleWithWebIdentity`.
    struct OIDCKeys: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "oidc-keys",
            abstract: "Configure the signing keys (JWKS) of an OpenID Connect issuer for AssumeRoleWithWebIdentity.",
            discussion: """
                Bulwark never fetches keys from the network. Save the issuer's JSON Web Key Set (the document its \
                jwks_uri serves) to a file and give it here; run again when the issuer rotates its keys. RS256 (RSA) \
                and ES256 (P-256) keys are used. The issuer must also be registered in the account with \
                CreateOpenIDConnectProvider.
                """
        )

        @OptionGroup var dataDirectory: DataDirectoryOption
        @Option(help: "The issuer URL, as in the tokens' iss claim (https://…).") var url: String
        @Option(help: "A file holding the issuer's JSON Web Key Set.") var jwks: String

        func run() async throws {
            let document = try Data(contentsOf: URL(fileURLWithPath: jwks))
            do {
                let configured = try await OIDCKeyConfiguration.configure(dataDirectory: dataDirectory.url, url: url, jwks: document)
                print("Configured \(configured.keys) signing key(s) for \(configured.issuer).")
            } catch {
                throw ValidationError("Cannot use \(jwks) for \(url): \(error)")
            }
        }
    }
}
