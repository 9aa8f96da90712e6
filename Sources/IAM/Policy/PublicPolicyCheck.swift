/// Whether a resource policy allows public access, as AWS's "block public policy" settings judge
/// it: a statement that allows everyone (`"*"`, `{"AWS": "*"}`, or `NotPrincipal` with `Allow`)
/// unless one of its conditions pins the caller to fixed accounts, organizations, principals or
/// sources (`aws:PrincipalAccount`, `aws:SourceAccount`, `aws:PrincipalOrgID`, …) with values that
/// hold no wildcard (decisions 0017, 0031). AWS decides with Zelkova; this asks the same question
/// of each statement on its own: an `Allow` that is not public stays not public whatever else the
/// policy says, and a public `Allow` narrowed by a separate `Deny` is still public.
public struct PublicPolicyCheck: Sendable {
    /// The condition keys (lowercased) that name who calls, or on whose behalf, by a fixed identifier.
    public let restrictingKeys: Set<String>
    /// Whether a fixed set of source addresses (`IpAddress` on `aws:SourceIp`) makes a statement non-public.
    public let sourceAddressesRestrict: Bool

    /// Secrets Manager's `BlockPublicPolicy` (decision 0017).
    public static let secretsManager = PublicPolicyCheck(
        restrictingKeys: [
            "aws:principalaccount", "aws:sourceaccount", "aws:principalorgid", "aws:principalorgpaths", "aws:principalarn",
            "aws:sourcearn", "aws:sourceowner", "aws:userid", "aws:sourcevpce", "aws:sourcevpc", "aws:sourceorgid", "aws:sourceorgpaths",
        ],
        sourceAddressesRestrict: false)

    /// S3's "meaning of public" for bucket policies: Secrets Manager's keys, plus a fixed
    /// `s3:x-amz-server-side-encryption-aws-kms-key-id` and a set of CIDR blocks in `aws:SourceIp`
    /// (IPv4 blocks of at least /8, IPv6 of at least /32: wider ones count as everyone).
    public static let s3 = PublicPolicyCheck(
        restrictingKeys: secretsManager.restrictingKeys.union(["s3:x-amz-server-side-encryption-aws-kms-key-id"]),
        sourceAddressesRestrict: true)

    public init(restrictingKeys: Set<String>, sourceAddressesRestrict: Bool) {
        self.restrictingKeys = restrictingKeys
        self.sourceAddressesRestrict = sourceAddressesRestrict
    }

    /// Whether any statement of `document` allows public access.
    public func isPublic(_ document: PolicyDocument) -> Bool {
        document.statements.contains(where: isPublic)
    }

    /// Whether one statement allows public access.
    public func isPublic(_ statement: PolicyStatement) -> Bool {
        guard statement.effect == .allow, let principals = statement.principals else { return false }
        let everyone: Bool
        switch principals {
        case .principal(let named): everyone = named.entries.contains(.everyone)
        case .notPrincipal: everyone = true
        }
        return everyone && !statement.conditions.contains(where: restricts)
    }

    /// Whether a condition holds only for callers named by fixed identifiers.
    public func restricts(_ condition: PolicyCondition) -> Bool {
        let op = condition.`operator`
        let key = condition.key.lowercased()
        guard !op.base.isNegated, !op.ifExists, op.qualifier != .forAllValues, !condition.values.isEmpty else { return false }
        // A policy variable (`${aws:PrincipalAccount}`) takes the caller's own value: it names no one.
        guard !condition.values.contains(where: { $0.isEmpty || $0.contains("${") }) else { return false }
        if sourceAddressesRestrict, key == "aws:sourceip", op.base == .ipAddress {
            return condition.values.allSatisfy(Self.isNarrowBlock)
        }
        guard restrictingKeys.contains(key) else { return false }
        switch op.base {
        case .stringEquals, .stringEqualsIgnoreCase: return true
        // `ArnEquals` matches wildcards as `ArnLike` does (AWS's and the evaluator's semantics).
        case .arnEquals, .arnLike: return condition.values.allSatisfy(Self.isFixed)
        case .stringLike: return condition.values.allSatisfy { !$0.contains("*") && !$0.contains("?") }
        default: return false
        }
    }

    /// A CIDR block narrow enough to name a fixed set of sources.
    private static func isNarrowBlock(_ value: String) -> Bool {
        guard let block = IPAddressRange(value) else { return false }
        // Loopback and the unspecified address are where every caller of a local server comes from
        // (a Unix socket's callers are 0.0.0.0): a block holding them names no one.
        guard !sharedSources.contains(where: block.contains) else { return false }
        return block.prefixLength >= (block.address.isIPv6 ? 32 : 8)
    }

    private static let sharedSources = ["127.0.0.1", "0.0.0.0", "::1", "::"].compactMap(IPAddress.init)

    /// An `ArnLike` value that still names fixed callers: no wildcard, or an ARN whose account is fixed
    /// (`ArnLike` matches field by field; `StringLike`'s `*` would span the colons, so it gets no such credit).
    private static func isFixed(_ value: String) -> Bool {
        guard value.contains("*") || value.contains("?") else { return !value.isEmpty }
        let fields = value.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard fields.count == 6, fields[0] == "arn" else { return false }
        let account = fields[4]
        return account.count == 12 && account.allSatisfy(\.isNumber)
    }
}
