import AWSWire
import BulwarkCore

/// The one signing platform Bulwark serves, as AWS describes it.
extension SignerService {
    static let lambdaPlatform = SignerAPI.SigningPlatform(
        platformId: SignedPackage.platformID, displayName: "AWS Lambda", partner: "AWSLambda", target: "SHA384-ECDSA", category: "AWS",
        signingConfiguration: SignerAPI.SigningConfiguration(
            encryptionAlgorithmOptions: .init(allowedValues: ["ECDSA"], defaultValue: "ECDSA"),
            hashAlgorithmOptions: .init(allowedValues: ["SHA384"], defaultValue: "SHA384")),
        signingImageFormat: SignerAPI.SigningImageFormat(supportedFormats: ["JSONDetached"], defaultFormat: "JSONDetached"),
        maxSizeInMB: 250, revocationSupported: true)

    static let platformDisplayName = "AWS Lambda"

    @Sendable func listSigningPlatforms(
        _ input: SignerAPI.ListSigningPlatformsRequest, _ context: CallContext
    ) async throws -> SignerAPI.ListSigningPlatformsResponse {
        let platform = Self.lambdaPlatform
        let matches =
            (input.category.map { $0 == platform.category } ?? true) && (input.partner.map { $0 == platform.partner } ?? true)
            && (input.target.map { $0 == platform.target } ?? true)
        if let token = input.nextToken, token != "" { throw SignerError.validation("Invalid nextToken.") }
        return SignerAPI.ListSigningPlatformsResponse(platforms: matches ? [platform] : [])
    }

    @Sendable func getSigningPlatform(
        _ input: SignerAPI.GetSigningPlatformRequest, _ context: CallContext
    ) async throws -> SignerAPI.GetSigningPlatformResponse {
        guard input.platformId == SignedPackage.platformID else { throw SignerError.platformNotFound(input.platformId) }
        let platform = Self.lambdaPlatform
        return SignerAPI.GetSigningPlatformResponse(
            platformId: platform.platformId, displayName: platform.displayName, partner: platform.partner, target: platform.target,
            category: platform.category, signingConfiguration: platform.signingConfiguration, signingImageFormat: platform.signingImageFormat,
            maxSizeInMB: platform.maxSizeInMB, revocationSupported: platform.revocationSupported)
    }
}
