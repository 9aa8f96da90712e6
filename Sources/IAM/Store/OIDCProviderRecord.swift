import Foundation
import GRDB

/// An OpenID Connect identity provider registered in an account (`CreateOpenIDConnectProvider`).
public struct OIDCProviderRecord: Sendable, Equatable {
    /// `arn:aws:iam::123456789012:oidc-provider/<host/path>`.
    public var arn: String
    public var accountID: String
    /// The issuer URL as registered, with its `https://` scheme.
    public var url: String
    /// The audiences (`aud`) the provider's tokens may name.
    public var clientIDs: [String]
    public var thumbprints: [String]
    public var createdAt: Date
    public var tags: [IAMTag]

    public init(arn: String, accountID: String, url: String, clientIDs: [String], thumbprints: [String], createdAt: Date, tags: [IAMTag]) {
        self.arn = arn
        self.accountID = accountID
        self.url = url
        self.clientIDs = clientIDs
        self.thumbprints = thumbprints
        self.createdAt = createdAt
        self.tags = tags
    }

    /// The URL without its scheme (`token.actions.githubusercontent.com`): the end of the ARN, the
    /// `Url` IAM answers, and the prefix of the provider's condition keys (`<host>:sub`).
    public var issuerKey: String { Self.issuerKey(of: url) }

    /// The `host/path` of an issuer URL: no scheme, no query or fragment, no trailing slash.
    public static func issuerKey(of url: String) -> String {
        var rest = Substring(url)
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        if let end = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        while rest.hasSuffix("/") { rest = rest.dropLast() }
        return String(rest)
    }
}

extension OIDCProviderRecord: FetchableRecord {
    public init(row: Row) throws {
        self.init(
            arn: row["arn"], accountID: row["accountID"], url: row["url"], clientIDs: StringListCoding.decode(row["clientIDs"]),
            thumbprints: StringListCoding.decode(row["thumbprints"]), createdAt: row["createdAt"], tags: IAMTagCoding.decode(row["tags"])
        )
    }
}
