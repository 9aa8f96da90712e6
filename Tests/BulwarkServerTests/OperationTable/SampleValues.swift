import Crypto
import Foundation
import KMS

/// The values synthesized inputs are made of, all in one account and region: a name, the ARN of
/// each resource type the operations name, policy documents.
struct SampleValues {
    let accountID: String
    let region: String
    let time: Date

    /// The name of every synthesized user, role, function, policy, ….
    static let name = "walked"

    var userARN: String { "arn:aws:iam::\(accountID):user/\(Self.name)" }
    var roleARN: String { "arn:aws:iam::\(accountID):role/\(Self.name)" }
    var policyARN: String { "arn:aws:iam::\(accountID):policy/\(Self.name)" }
    var mfaDeviceARN: String { "arn:aws:iam::\(accountID):mfa/\(Self.name)" }
    var functionARN: String { "arn:aws:lambda:\(region):\(accountID):function:\(Self.name)" }
    var layerVersionARN: String { "arn:aws:lambda:\(region):\(accountID):layer:\(Self.name):1" }
    var oidcProviderARN: String { "arn:aws:iam::\(accountID):oidc-provider/\(Self.name)" }
    /// KMS keys are named by id (a UUID); aliases by name.
    static let keyID = "7a1ced00-0000-4000-8000-00000000beef"
    var keyARN: String { "arn:aws:kms:\(region):\(accountID):key/\(Self.keyID)" }
    /// A code signing configuration's ID: `csc-` and 17 lowercase letters and digits.
    static let codeSigningConfigID = "csc-walked00000000000"
    var codeSigningConfigARN: String { "arn:aws:lambda:\(region):\(accountID):code-signing-config:\(Self.codeSigningConfigID)" }
    var signingProfileVersionARN: String { "arn:aws:signer:\(region):\(accountID):/signing-profiles/\(Self.name)/ABCDE12345" }
    var aliasARN: String { "arn:aws:kms:\(region):\(accountID):alias/\(Self.name)" }

    /// A grant of no key, and a token (`base64url(0x01 | grant id | 32 bytes)`, decision 0015) naming it.
    static let grantID = String(repeating: "0", count: 64)
    static let grantToken = Data([1] + [UInt8](repeating: 0, count: 64)).base64EncodedString().replacingOccurrences(of: "=", with: "")

    /// A blob member whose bytes mean something: a KMS ciphertext names its key.
    func blob(forMember member: String) -> Data? {
        guard member == "CiphertextBlob" else { return nil }
        return try? CiphertextBlob.seal(
            Data(Self.name.utf8), keyARN: keyARN, version: 1, material: SymmetricKey(size: .bits256), context: [:]
        ).bytes
    }

    /// What a member means when its model type (a bare string, an ARN of any kind) does not say it,
    /// by a fragment of its name (in any case); candidates still have to pass the member's constraints.
    func values(forMember member: String) -> [String] {
        let meanings: [(fragment: String, value: String)] = [
            ("AssumeRolePolicyDocument", Self.trustPolicy),
            ("PolicyDocument", Self.identityPolicy),
            // Managed policies are attached, and serve as permissions boundaries, by ARN.
            ("PolicyArn", policyARN),
            ("PermissionsBoundary", policyARN),
            // A function's execution role, the role to assume.
            ("Role", roleARN),
            // An MFA device's serial number is its ARN.
            ("SerialNumber", mfaDeviceARN),
            // Code is named by its SHA-256 (of no bytes here).
            ("Sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            // A function permission grants a Lambda action; a layer version permission, the use of the layer.
            ("Action", "lambda:InvokeFunction"),
            ("Action", "lambda:GetLayerVersion"),
            // A layer version is shared with an account, or with everyone in an organization.
            ("Principal", accountID),
            ("OrganizationId", "o-\(Self.name)walked"),
            // An OpenID Connect provider is created by its issuer URL.
            ("Url", "https://\(Self.name)"),
            // An OpenID Connect provider is named by its ARN, made of its issuer's host.
            ("OpenIDConnectProviderArn", oidcProviderARN),
            // KMS aliases by name; keys (KeyId, TargetKeyId, DestinationKeyId, …) by key ARN.
            ("AliasName", "alias/\(Self.name)"),
            ("KeyId", keyARN),
            // Code signing configurations by ARN; their publishers are signing profile versions.
            ("CodeSigningConfigArn", codeSigningConfigARN),
            ("SigningProfileVersionArns", signingProfileVersionARN),
            // KMS grants: a grant id (64 hexadecimal digits) and a grant token naming it.
            ("GrantId", Self.grantID),
            ("GrantToken", Self.grantToken),
            // Any other ARN names a user, the kind of principal an account always has — or a layer
            // version, where only that fits (GetLayerVersionByArn).
            ("Arn", userARN),
            ("Arn", layerVersionARN),
        ]
        return meanings.filter { member.lowercased().contains($0.fragment.lowercased()) }.map(\.value)
    }

    /// Values that fit most members: a name (padded to `length`), a path, a policy version, an
    /// authentication code, and ARNs.
    func generic(length: Int) -> [String] {
        [
            Self.name,
            Self.name + String(repeating: "x", count: max(0, length - Self.name.count)),
            "/",
            "v1",
            String(repeating: "1", count: max(6, length)),
            userARN,
            functionARN,
            roleARN,
            policyARN,
        ]
    }

    static let identityPolicy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:GetFunction","Resource":"*"}]}"#
    static let trustPolicy =
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#
}
