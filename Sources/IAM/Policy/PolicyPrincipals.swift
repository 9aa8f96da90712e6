/// The value of a statement's `Principal` or `NotPrincipal`: who the statement is about.
public struct PolicyPrincipals: Sendable, Hashable {
    /// One principal named by a policy.
    public enum Entry: Sendable, Hashable {
        /// `"*"` or `{"AWS": "*"}`: everyone.
        case everyone
        /// A whole account: `123456789012` or `arn:aws:iam::123456789012:root`.
        case account(String)
        /// An IAM user or role, an assumed-role session or a federated user, by ARN.
        case arn(String)
        /// An AWS service such as `lambda.amazonaws.com` (lowercased).
        case service(String)
        /// An identity provider (`Federated`), for web-identity and SAML trust policies.
        case federated(String)
        /// An S3 canonical user id; Bulwark has no such principals, so it matches nobody.
        case canonicalUser(String)
    }

    /// The principals in document order.
    public let entries: [Entry]

    init(_ entries: [Entry]) {
        self.entries = entries
    }
}

extension PolicyPrincipals {
    /// Reads `Principal`/`NotPrincipal`: `"*"` or an object of `AWS`, `Service`, `Federated`,
    /// `CanonicalUser`, each a string or a list of strings.
    static func parse(_ json: PolicyJSON) throws(MalformedPolicyDocument) -> PolicyPrincipals {
        switch json {
        case .string("*"): return PolicyPrincipals([.everyone])
        case .object(let members):
            guard !members.isEmpty else { throw .emptyPrincipal }
            var entries: [Entry] = []
            for member in members {
                let values = try PolicyParser.strings(member.value)
                guard !values.isEmpty else { throw .missingPrincipal }
                for value in values {
                    entries.append(try entry(type: member.name, value: value))
                }
            }
            return PolicyPrincipals(entries)
        default: throw .syntax
        }
    }

    private static func entry(type: String, value: String) throws(MalformedPolicyDocument) -> Entry {
        switch type {
        case "AWS": return try awsEntry(value)
        case "Service":
            guard isServiceName(value) else { throw .invalidPrincipal("SERVICE", value) }
            return .service(value.lowercased())
        case "Federated":
            guard !value.isEmpty, !value.contains("*") else { throw .invalidPrincipal("FEDERATED", value) }
            return .federated(value)
        case "CanonicalUser":
            guard !value.isEmpty else { throw .invalidPrincipal("CANONICAL_USER", value) }
            return .canonicalUser(value)
        default: throw .syntax
        }
    }

    /// `AWS` values: `*`, an account id, or the ARN of an account root, user, role, assumed-role
    /// session or federated user. IAM refuses any other wildcard ("all sessions" cannot be said).
    private static func awsEntry(_ value: String) throws(MalformedPolicyDocument) -> Entry {
        if value == "*" { return .everyone }
        if isAccountID(value) { return .account(value) }
        let parts = value.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[1].hasPrefix("aws"), parts[3].isEmpty, isAccountID(parts[4]),
            !value.contains("*"), !value.contains("?")
        else { throw .invalidPrincipal("AWS", value) }
        let resource = parts[5]
        switch parts[2] {
        case "iam":
            if resource == "root" { return .account(String(parts[4])) }
            guard resource.hasPrefix("user/") || resource.hasPrefix("role/"), !resource.hasSuffix("/") else {
                throw .invalidPrincipal("AWS", value)
            }
        case "sts":
            let pieces = resource.split(separator: "/", omittingEmptySubsequences: false)
            let valid =
                (pieces.first == "assumed-role" && pieces.count == 3 && !pieces[1].isEmpty && !pieces[2].isEmpty)
                || (pieces.first == "federated-user" && pieces.count == 2 && !pieces[1].isEmpty)
            guard valid else { throw .invalidPrincipal("AWS", value) }
        default: throw .invalidPrincipal("AWS", value)
        }
        return .arn(value)
    }

    static func isAccountID(_ text: some StringProtocol) -> Bool {
        text.utf8.count == 12 && text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// A service principal is a host name such as `lambda.amazonaws.com`.
    private static func isServiceName(_ value: String) -> Bool {
        guard value.contains("."), !value.hasPrefix("."), !value.hasSuffix(".") else { return false }
        return value.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "-"):
                true
            default: false
            }
        }
    }
}
