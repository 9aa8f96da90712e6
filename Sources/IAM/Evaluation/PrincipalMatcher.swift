/// How a resource policy statement's `Principal` names the requester. The strength matters within
/// one account: a grant to the requester itself stands alone, a grant to the role behind a session
/// is still limited by the session's boundary and session policies, and a grant to the account
/// only delegates to the account's identity-based policies.
enum PrincipalMatch: Comparable {
    case none
    /// The account (`123456789012`, `arn:aws:iam::123456789012:root`).
    case account
    /// The role of a role session, or the IAM user behind a federated user session.
    case roleOfSession
    /// The requester itself: its ARN, its service or identity provider, or `*`.
    case direct
}

struct PrincipalMatcher {
    let principal: RequestPrincipal
    /// The unique ids the resource policy's user and role ARNs were bound to when it was saved.
    var bindings: PrincipalBindings? = nil

    /// How strongly `principals` name the requester.
    func match(_ principals: PolicyPrincipals) -> PrincipalMatch {
        principals.entries.reduce(PrincipalMatch.none) { best, entry in max(best, match(entry)) }
    }

    func match(_ entry: PolicyPrincipals.Entry) -> PrincipalMatch {
        switch entry {
        case .everyone: return .direct
        case .account(let account):
            return principal.isIAMIdentity && principal.accountID == account ? .account : .none
        case .arn(let arn):
            return matchARN(arn)
        case .service(let name):
            if case .service(let service) = principal.kind, service == name { return .direct }
            return .none
        case .federated(let provider):
            if case .webIdentity(let requester) = principal.kind, requester == provider { return .direct }
            return .none
        case .canonicalUser:
            return .none
        }
    }

    private func matchARN(_ arn: String) -> PrincipalMatch {
        // A user or role the policy was bound to is that entity, whatever it is called now, and no
        // namesake created since.
        if let bound = bindings?.id(of: arn) {
            switch principal.kind {
            case .user:
                return principal.userID == bound ? .direct : .none
            case .assumedRole:
                if arn == principal.arn { return .direct }
                return principal.userID.map { $0.prefix { $0 != ":" } == bound } == true ? .roleOfSession : .none
            case .federatedUser, .root, .webIdentity, .service, .anonymous:
                return .none
            }
        }
        switch principal.kind {
        case .user:
            return Self.sameIAMARN(arn, principal.arn) ? .direct : .none
        case .assumedRole(let roleARN, _):
            if arn == principal.arn { return .direct }
            return Self.sameIAMARN(arn, roleARN) ? .roleOfSession : .none
        case .federatedUser(_, let federatingUserARN):
            if arn == principal.arn { return .direct }
            if let federatingUserARN, Self.sameIAMARN(arn, federatingUserARN) { return .roleOfSession }
            return .none
        case .root, .webIdentity, .service, .anonymous:
            return .none
        }
    }

    /// IAM user and role names are unique without regard to ASCII case (the only letters their
    /// names may hold), so their ARNs compare that way — and only that way: Unicode case folding
    /// would let `\u{212A}ate` (a Kelvin sign) stand for `kate`.
    static func sameIAMARN(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.count == rhs.utf8.count && zip(lhs.utf8, rhs.utf8).allSatisfy { asciiLowercase($0) == asciiLowercase($1) }
    }

    private static func asciiLowercase(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }

    /// The identities a request is made under, from the session up to the account: a
    /// `NotPrincipal` exempts the requester only when it lists each of them, as AWS advises
    /// ("include the ARN for the account and for the role").
    func chain() -> [PolicyPrincipals.Entry] {
        let account = principal.accountID.map(PolicyPrincipals.Entry.account)
        switch principal.kind {
        case .root: return [account].compactMap { $0 }
        case .user: return [.arn(principal.arn), account].compactMap { $0 }
        case .assumedRole(let roleARN, _): return [.arn(principal.arn), .arn(roleARN), account].compactMap { $0 }
        case .federatedUser: return [.arn(principal.arn), account].compactMap { $0 }
        case .service(let name): return [.service(name)]
        case .webIdentity(let provider): return [.federated(provider)]
        case .anonymous: return []
        }
    }

    /// Whether `NotPrincipal` names the identity `link` of the chain.
    private func names(_ principals: PolicyPrincipals, _ link: PolicyPrincipals.Entry) -> Bool {
        principals.entries.contains { entry in
            switch (entry, link) {
            case (.everyone, _): true
            case (.account(let lhs), .account(let rhs)): lhs == rhs
            case (.arn(let lhs), .arn(let rhs)): lhs == rhs || (lhs.contains(":iam::") && Self.sameIAMARN(lhs, rhs))
            case (.service(let lhs), .service(let rhs)): lhs == rhs
            case (.federated(let lhs), .federated(let rhs)): lhs == rhs
            default: false
            }
        }
    }

    /// Whether a `Deny` with `NotPrincipal` applies: unless every identity of the chain is listed.
    func denyApplies(notPrincipal principals: PolicyPrincipals) -> Bool {
        let chain = chain()
        return chain.isEmpty || !chain.allSatisfy { names(principals, $0) }
    }

    /// Whether an `Allow` with `NotPrincipal` applies: only when no identity of the chain is listed.
    func allowApplies(notPrincipal principals: PolicyPrincipals) -> Bool {
        !chain().contains { names(principals, $0) }
    }
}
