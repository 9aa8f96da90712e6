/// The context keys of one evaluation: the principal's keys derived from the principal, every
/// other key from the request.
struct EvaluationContext {
    let principal: RequestPrincipal
    let request: RequestContext

    /// Keys that only the principal may supply; a request cannot set them.
    private static let principalKeys: Set<String> = [
        "aws:principalarn", "aws:principalaccount", "aws:principaltype", "aws:userid", "aws:username",
        "aws:principalisawsservice", "aws:principalservicename",
    ]
    private static let principalTagPrefix = "aws:principaltag/"

    /// The value of a lowercased key, or nil when the request has no such key. A multivalued key
    /// without values counts as absent.
    func value(_ key: String) -> ContextValue? {
        if request.suppliesPrincipalKeys, let supplied = requestValue(key) { return supplied }
        if Self.principalKeys.contains(key) { return principalValue(key).map(ContextValue.single) }
        if key.hasPrefix(Self.principalTagPrefix) {
            return principal.lowercasedTags[String(key.dropFirst(Self.principalTagPrefix.count))].map(ContextValue.single)
        }
        return requestValue(key)
    }

    /// The keys the principal supplies, spelt as AWS documents them, with their values; a report of
    /// the context (``AuthorizationMessage``) lists them with the request's keys.
    var principalEntries: [(key: String, value: ContextValue)] {
        let names = [
            "aws:PrincipalArn", "aws:PrincipalAccount", "aws:PrincipalType", "aws:userid", "aws:username",
            "aws:PrincipalIsAWSService", "aws:PrincipalServiceName",
        ]
        let keys = names.compactMap { name in principalValue(name.lowercased()).map { (key: name, value: ContextValue.single($0)) } }
        let tags = principal.tags.sorted { $0.key < $1.key }.map { (key: "aws:PrincipalTag/\($0.key)", value: ContextValue.single($0.value)) }
        return keys + tags
    }

    private func requestValue(_ key: String) -> ContextValue? {
        switch request.value(lowercasedKey: key) {
        case .multiple(let values)? where values.isEmpty: return nil
        case let value: return value
        }
    }

    /// The value of a single-valued key, for policy variables; nil when absent or multivalued.
    func single(_ key: String) -> String? {
        if case .single(let value)? = value(key) { return value }
        return nil
    }

    /// The principal's value of a key; an empty name or ARN (a simulated caller nobody named) is no value.
    private func principalValue(_ key: String) -> String? {
        derivedPrincipalValue(key).flatMap { $0.isEmpty ? nil : $0 }
    }

    private func derivedPrincipalValue(_ key: String) -> String? {
        switch key {
        case "aws:principalarn":
            switch principal.kind {
            case .root, .user, .federatedUser: return principal.arn
            case .assumedRole(let roleARN, _): return roleARN
            case .webIdentity, .service, .anonymous: return nil
            }
        case "aws:principalaccount": return principal.isIAMIdentity ? principal.accountID : nil
        case "aws:principaltype":
            switch principal.kind {
            case .root: return "Account"
            case .user: return "User"
            case .assumedRole: return "AssumedRole"
            case .federatedUser: return "FederatedUser"
            case .anonymous: return "Anonymous"
            case .webIdentity, .service: return nil
            }
        case "aws:userid": return principal.userID
        case "aws:username":
            if case .user(let name) = principal.kind { return name }
            return nil
        case "aws:principalisawsservice":
            if case .service = principal.kind { return "true" }
            return principal.isIAMIdentity ? "false" : nil
        case "aws:principalservicename":
            if case .service(let name) = principal.kind { return name }
            return nil
        default: return nil
        }
    }
}
