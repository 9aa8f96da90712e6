import BulwarkCore

/// Who makes the request being decided, as authentication established it.
///
/// The principal's own context keys (`aws:PrincipalArn`, `aws:PrincipalAccount`,
/// `aws:PrincipalType`, `aws:userid`, `aws:username`, `aws:PrincipalTag/*`,
/// `aws:PrincipalIsAWSService`, `aws:PrincipalServiceName`) are derived from it, never taken from
/// the request.
public struct RequestPrincipal: Sendable, Hashable {
    /// The kinds of caller AWS distinguishes.
    public enum Kind: Sendable, Hashable {
        /// The account root user.
        case root
        /// An IAM user.
        case user(name: String)
        /// A role session; `roleARN` is the role's ARN with its path.
        case assumedRole(roleARN: String, sessionName: String)
        /// A `GetFederationToken` session of the IAM user `federatingUserARN`.
        case federatedUser(name: String, federatingUserARN: String?)
        /// A caller of `AssumeRoleWithWebIdentity`/`AssumeRoleWithSAML`, known by its identity provider.
        case webIdentity(provider: String)
        /// An AWS service acting on its own behalf, e.g. `lambda.amazonaws.com`.
        case service(String)
        /// A request without credentials.
        case anonymous
    }

    /// What kind of caller this is.
    public let kind: Kind
    /// The ARN that access-denied messages name (`arn:aws:sts::…:assumed-role/role/session` for a
    /// session; the service name for a service).
    public let arn: String
    /// The principal's account; nil for services, identity providers and anonymous callers.
    public let accountID: String?
    /// The unique id (`aws:userid`): `AIDA…` for a user, `AROA…:session` for a role session.
    public let userID: String?
    /// Principal tags (user or role tags, with session tags applied), for `aws:PrincipalTag/*`.
    public let tags: [String: String]
    /// The tags under lowercased keys: condition keys are case-insensitive.
    let lowercasedTags: [String: String]

    public init(kind: Kind, arn: String, accountID: String?, userID: String?, tags: [String: String] = [:]) {
        self.kind = kind
        self.arn = arn
        self.accountID = accountID
        self.userID = userID
        self.tags = tags
        self.lowercasedTags = Dictionary(tags.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    /// The root user of `accountID`.
    public static func root(accountID: String, partition: String = "aws") -> RequestPrincipal {
        RequestPrincipal(kind: .root, arn: "arn:\(partition):iam::\(accountID):root", accountID: accountID, userID: accountID)
    }

    /// The IAM user with ARN `arn` (`arn:aws:iam::123456789012:user/path/name`).
    public static func user(arn: String, userID: String, tags: [String: String] = [:]) -> RequestPrincipal {
        let parsed = ARN(arn)
        let name = parsed.map { String($0.resource.split(separator: "/").last ?? "") } ?? arn
        return RequestPrincipal(kind: .user(name: name), arn: arn, accountID: parsed?.accountID, userID: userID, tags: tags)
    }

    /// A session of the role `roleARN` named `sessionName`; `roleID` is the role's `AROA…` id.
    public static func assumedRole(roleARN: String, sessionName: String, roleID: String, tags: [String: String] = [:]) -> RequestPrincipal {
        let role = ARN(roleARN)
        let roleName = role.map { String($0.resource.split(separator: "/").last ?? "") } ?? roleARN
        let account = role?.accountID ?? ""
        let partition = role?.partition ?? "aws"
        return RequestPrincipal(
            kind: .assumedRole(roleARN: roleARN, sessionName: sessionName),
            arn: "arn:\(partition):sts::\(account):assumed-role/\(roleName)/\(sessionName)",
            accountID: account,
            userID: "\(roleID):\(sessionName)",
            tags: tags
        )
    }

    /// A federated user session `name` created by the IAM user `federatingUserARN`.
    public static func federatedUser(
        accountID: String, name: String, federatingUserARN: String?, tags: [String: String] = [:], partition: String = "aws"
    ) -> RequestPrincipal {
        RequestPrincipal(
            kind: .federatedUser(name: name, federatingUserARN: federatingUserARN),
            arn: "arn:\(partition):sts::\(accountID):federated-user/\(name)",
            accountID: accountID,
            userID: "\(accountID):\(name)",
            tags: tags
        )
    }

    /// An AWS service principal such as `lambda.amazonaws.com`.
    public static func service(_ name: String) -> RequestPrincipal {
        RequestPrincipal(kind: .service(name.lowercased()), arn: name, accountID: nil, userID: nil)
    }

    /// A web-identity or SAML caller presenting a token from `provider`.
    public static func webIdentity(provider: String) -> RequestPrincipal {
        RequestPrincipal(kind: .webIdentity(provider: provider), arn: provider, accountID: nil, userID: nil)
    }

    /// A caller without credentials.
    public static let anonymous = RequestPrincipal(kind: .anonymous, arn: "anonymous", accountID: nil, userID: "anonymous")

    /// The principal of an authenticated request. A role session's ARN does not carry the role's
    /// path, so pass `roleARN` when the role has one.
    public init(_ principal: Principal, roleARN: String? = nil, tags: [String: String] = [:]) {
        switch principal.kind {
        case .root:
            self = .root(accountID: principal.accountID)
        case .iamUser:
            self = .user(arn: principal.arn, userID: principal.principalID, tags: tags)
        case .assumedRole:
            // arn:aws:sts::<account>:assumed-role/<role>/<session>, principalID <role-id>:<session>.
            let pieces = ARN(principal.arn)?.resource.split(separator: "/") ?? []
            let roleName = pieces.count > 1 ? String(pieces[1]) : ""
            let sessionName = pieces.count > 2 ? String(pieces[2]) : ""
            let partition = ARN(principal.arn)?.partition ?? "aws"
            let role = roleARN ?? "arn:\(partition):iam::\(principal.accountID):role/\(roleName)"
            let roleID = String(principal.principalID.split(separator: ":").first ?? "")
            self = .assumedRole(roleARN: role, sessionName: sessionName, roleID: roleID, tags: tags)
        case .federatedUser:
            let name = String(principal.principalID.split(separator: ":", maxSplits: 1).last ?? "")
            self = .federatedUser(accountID: principal.accountID, name: name, federatingUserARN: principal.session?.issuerARN, tags: tags)
        case .awsService:
            self = .service(principal.arn)
        case .unauthenticated:
            self = .anonymous
        }
    }

    /// Whether the principal is an IAM identity (root, user, role session, federated user), the
    /// only kinds that identity-based policies, boundaries and session policies apply to.
    var isIAMIdentity: Bool {
        switch kind {
        case .root, .user, .assumedRole, .federatedUser: true
        case .webIdentity, .service, .anonymous: false
        }
    }

    var isRoot: Bool {
        if case .root = kind { return true }
        return false
    }

    /// Whether this is a federated user session that the account root created.
    var isFederatedRoot: Bool {
        if case .federatedUser(_, let federating?) = kind { return ARN(federating)?.resource == "root" }
        return false
    }
}
