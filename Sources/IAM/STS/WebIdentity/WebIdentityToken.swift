import Foundation

/// A JSON Web Token (RFC 7519) as `AssumeRoleWithWebIdentity` receives it, parsed but not yet
/// trusted: its header, its claims, and the bytes its signature covers.
struct WebIdentityToken: Sendable {
    /// `alg` and `kid` of the JOSE header.
    let algorithm: String
    let keyID: String?
    /// The claims, as decoded JSON.
    let claims: [String: any Sendable]
    /// `base64url(header) + "." + base64url(payload)`, what the signature signs.
    let signedPart: Data
    let signature: Data

    /// Parses a compact JWS; nil when it is not one.
    init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let header = Base64URL.decode(parts[0]), let payload = Base64URL.decode(parts[1]),
            let signature = Base64URL.decode(parts[2]),
            let headerObject = try? JSONSerialization.jsonObject(with: header) as? [String: Any],
            let claims = try? JSONSerialization.jsonObject(with: payload) as? [String: Any],
            let algorithm = headerObject["alg"] as? String
        else { return nil }
        self.algorithm = algorithm
        self.keyID = headerObject["kid"] as? String
        self.claims = claims.compactMapValues(Self.sendable)
        self.signedPart = Data("\(parts[0]).\(parts[1])".utf8)
        self.signature = signature
    }

    var issuer: String? { claims["iss"] as? String }
    var subject: String? { claims["sub"] as? String }

    /// `aud`: one audience or several.
    var audiences: [String] {
        if let one = claims["aud"] as? String { return [one] }
        return claims["aud"] as? [String] ?? []
    }

    /// A numeric date claim (`exp`, `nbf`, `iat`), in seconds since 1970.
    func date(_ claim: String) -> Double? {
        (claims[claim] as? NSNumber)?.doubleValue
    }

    /// JSON values as plain Sendable values: strings, numbers, lists of strings.
    private static func sendable(_ value: Any) -> (any Sendable)? {
        switch value {
        case let string as String: string
        case let number as NSNumber: number.doubleValue
        case let list as [Any]: list.compactMap { $0 as? String }
        default: nil
        }
    }
}

/// Base64url without padding (RFC 4648 §5), as JOSE uses it.
enum Base64URL {
    static func decode(_ text: some StringProtocol) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard !base64.contains("=") else { return nil }
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
