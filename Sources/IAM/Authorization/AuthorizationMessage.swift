import Foundation

/// The account of a denial that `sts:DecodeAuthorizationMessage` answers, in the JSON shape AWS
/// documents: whether the request was allowed, whether a `Deny` statement decided, the statements
/// that matched, and the request's context — the principal, the action, the resource and the
/// values of the condition keys.
///
/// ```json
/// {"allowed":false,"explicitDeny":true,"matchedStatements":{"items":[{"statementId":"Deny",
///  "effect":"DENY","principals":{"items":[{"value":"AIDA…"}]},"principalGroups":{"items":[]},
///  "actions":{"items":[{"value":"lambda:*"}]},"resources":{"items":[{"value":"*"}]},
///  "conditions":{"items":[]}}]},"failures":{"items":[]},"context":{"principal":{"id":"AIDA…",
///  "name":"dev","arn":"arn:aws:iam::123456789012:user/dev"},"action":"lambda:GetFunction",
///  "resource":"arn:aws:lambda:…","conditions":{"items":[{"key":"aws:SourceIp",
///  "values":{"items":[{"value":"127.0.0.1"}]}}]}}}
/// ```
public struct AuthorizationMessage: Sendable, Hashable {
    /// AWS's list wrapper: `{"items":[…]}`.
    public struct Items<Item: Sendable & Hashable>: Sendable, Hashable {
        public var items: [Item]
    }

    /// One value of a list: `{"value":"…"}`.
    public struct Value: Sendable, Hashable {
        public var value: String
    }

    /// A condition key and its values.
    public struct Condition: Sendable, Hashable {
        public var key: String
        public var values: Items<Value>
    }

    /// A condition of a matched statement: its operator (`StringEquals`, `IpAddress`, …) with the
    /// key and the values the statement compares with.
    public struct StatementCondition: Sendable, Hashable {
        public var `operator`: String
        public var key: String
        public var values: Items<Value>
    }

    /// A statement that matched the request. `NotAction`/`NotResource` statements list their
    /// entries under `notActions`/`notResources` instead.
    public struct Statement: Sendable, Hashable {
        public var statementId: String
        /// `ALLOW` or `DENY`.
        public var effect: String
        public var principals: Items<Value>
        public var principalGroups: Items<Value>
        public var actions: Items<Value>?
        public var notActions: Items<Value>?
        public var resources: Items<Value>?
        public var notResources: Items<Value>?
        public var conditions: Items<StatementCondition>
    }

    /// Who made the request; `name` is an IAM user's name, absent for other principals.
    public struct Principal: Sendable, Hashable {
        public var id: String
        public var name: String?
        public var arn: String
    }

    /// The request as it was judged.
    public struct Context: Sendable, Hashable {
        public var principal: Principal
        public var action: String
        public var resource: String
        public var conditions: Items<Condition>
    }

    public var allowed: Bool
    public var explicitDeny: Bool
    public var matchedStatements: Items<Statement>
    public var failures: Items<Value>
    public var context: Context

    /// The largest JSON text kept: sealed and encoded, it stays within the 10,240 characters that
    /// `DecodeAuthorizationMessage` accepts (``AuthorizationMessageSealer``).
    public static let maximumBytes = 7_500

    /// The message's JSON text, keys in AWS's order, within ``maximumBytes``: context keys, then
    /// matched statements, are left off from the last until it fits.
    public func json() -> Data {
        var message = self
        while true {
            let text = Data(message.node.text.utf8)
            if text.count <= Self.maximumBytes { return text }
            if !message.context.conditions.items.isEmpty {
                message.context.conditions.items.removeLast()
            } else if !message.matchedStatements.items.isEmpty {
                message.matchedStatements.items.removeLast()
            } else {
                // Principal, action and resource are bounded by their own limits (2,048 characters each).
                return text
            }
        }
    }
}

extension AuthorizationMessage {
    /// The message for an evaluation: for a denial by a `Deny` statement, the statements that
    /// denied; for any other outcome, no statement (AWS lists none when nothing allowed).
    ///
    /// - Parameters:
    ///   - result: the evaluation of the check.
    ///   - principal: the principal that was judged.
    ///   - context: the request's context keys the check was judged under.
    ///   - policies: the policies that were evaluated, to find the matched statements in.
    init(result: EvaluationResult, principal: RequestPrincipal, context: RequestContext, policies: ApplicablePolicies) {
        let evaluation = EvaluationContext(principal: principal, request: context)
        let keys = evaluation.principalEntries + context.entries
        let principalID = principal.userID.map { String($0.split(separator: ":").first ?? "") } ?? ""
        let explicit = result.decision == .explicitDeny
        let statements: [Statement] =
            explicit
            ? result.denyingStatements.compactMap { reference in
                policies.statement(reference).map { Self.statement($0, principalID: principalID) }
            }
            : []
        var name: String?
        if case .user(let userName) = principal.kind { name = userName }
        self.init(
            allowed: result.isAllowed,
            explicitDeny: explicit,
            matchedStatements: Items(items: statements),
            failures: Items(items: []),
            context: Context(
                principal: Principal(id: principal.userID ?? principal.accountID ?? "", name: name, arn: principal.arn),
                action: result.action,
                resource: result.resource,
                conditions: Items(items: keys.map { Condition(key: $0.key, values: Self.values($0.value)) })
            )
        )
    }

    private static func statement(_ statement: PolicyStatement, principalID: String) -> Statement {
        var actions: Items<Value>?
        var notActions: Items<Value>?
        switch statement.actions {
        case .action(let patterns): actions = Items(items: patterns.map { Value(value: $0.text) })
        case .notAction(let patterns): notActions = Items(items: patterns.map { Value(value: $0.text) })
        }
        var resources: Items<Value>?
        var notResources: Items<Value>?
        switch statement.resources {
        case .resource(let patterns)?: resources = Items(items: patterns.map { Value(value: $0.text) })
        case .notResource(let patterns)?: notResources = Items(items: patterns.map { Value(value: $0.text) })
        case nil: resources = Items(items: [])
        }
        return Statement(
            statementId: statement.sid ?? "",
            effect: statement.effect == .deny ? "DENY" : "ALLOW",
            principals: Items(items: principalID.isEmpty ? [] : [Value(value: principalID)]),
            principalGroups: Items(items: []),
            actions: actions,
            notActions: notActions,
            resources: resources,
            notResources: notResources,
            conditions: Items(
                items: statement.conditions.map {
                    StatementCondition(operator: $0.operator.description, key: $0.key, values: Items(items: $0.values.map(Value.init)))
                }
            )
        )
    }

    private static func values(_ value: ContextValue) -> Items<Value> {
        switch value {
        case .single(let text): Items(items: [Value(value: text)])
        case .multiple(let texts): Items(items: texts.map(Value.init))
        }
    }
}

extension ApplicablePolicies {
    /// The statement a reference names, in the policy of its type, name and ARN.
    func statement(_ reference: StatementReference) -> PolicyStatement? {
        let candidates: [AttachedPolicy]
        switch reference.policy.type {
        case .identityBased: candidates = identity
        case .permissionsBoundary: candidates = permissionsBoundary.map { [$0] } ?? []
        case .sessionPolicy: candidates = session
        case .resourceBased: candidates = resource.map { [$0] } ?? []
        }
        let policy = candidates.first { $0.name == reference.policy.name && $0.arn == reference.policy.arn }
        return policy?.document.statements.first { $0.index == reference.index }
    }
}
