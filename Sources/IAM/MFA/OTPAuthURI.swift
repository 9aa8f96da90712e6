import Foundation

/// The key URI that a virtual MFA device's QR code carries, in the form AWS's QR codes use:
/// `otpauth://totp/<issuer>:<device name>@<account name>?secret=<BASE32>&issuer=<issuer>`.
///
/// AWS writes `Amazon Web Services` as issuer, the virtual MFA device name, and the account alias or, without
/// one, the account id (`root-account-mfa-device@123456789012`). Algorithm, digits and period are left out, as
/// AWS leaves them out: their defaults (SHA1, 6, 30 s) are the ones ``TOTP`` uses.
public struct OTPAuthURI: Sendable, Hashable, CustomStringConvertible {
    /// The issuer Bulwark writes by default, so that an authenticator app tells its codes from real AWS ones.
    public static let defaultIssuer = "Bulwark"
    /// The issuer AWS writes.
    public static let awsIssuer = "Amazon Web Services"

    /// The name that authenticator apps show above the code.
    public let issuer: String
    /// The virtual MFA device name given to CreateVirtualMFADevice.
    public let deviceName: String
    /// The account alias, or the account id when the account has none.
    public let accountName: String
    /// The TOTP secret, written in Base32.
    public let secret: Data

    public init(issuer: String = defaultIssuer, deviceName: String, accountName: String, secret: Data) {
        self.issuer = issuer
        self.deviceName = deviceName
        self.accountName = accountName
        self.secret = secret
    }

    /// The URI text, with label and issuer percent-encoded (spaces as `%20`, never `+`).
    public var description: String {
        let issuer = Self.escape(issuer)
        return "otpauth://totp/\(issuer):\(Self.escape(deviceName))@\(Self.escape(accountName))"
            + "?secret=\(Base32.encode(secret))&issuer=\(issuer)"
    }

    // Only RFC 3986's unreserved characters stay as they are, so that a `@`, `:`, `&` or `+` in a name cannot be
    // read as a separator or a space by an authenticator app.
    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    private static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }
}
