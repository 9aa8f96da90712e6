import IAM
import Testing

/// One row of the evaluator table: a request, the policies that apply to it, and AWS's decision.
///
/// Defaults keep rows short: the principal is the IAM user `alice` of account 111111111111, the
/// action `lambda:InvokeFunction` on the function `f` of that account; policies are JSON texts
/// (see ``Policy`` for the helpers that write them).
struct EvaluatorCase: Sendable, CustomTestStringConvertible {
    var theme: String
    var name: String
    var principal: RequestPrincipal = Principals.alice
    var action: String = "lambda:InvokeFunction"
    var resource: String = Resources.function
    var resourceAccount: String?
    var context: [String: ContextValue] = [:]
    var identity: [String] = []
    var boundary: String?
    var session: [String] = []
    var resourcePolicy: String?
    var resourcePolicyKind: PolicyKind = .resource
    var mustGrant = false
    var expect: EvaluationResult.Decision
    /// The basis in short form, e.g. `identity`, `deny:boundary`, `missing:session`.
    var basis: String?
    /// The `Sid` of the statement that decided (the first allowing or denying statement).
    var decidedBy: String?
    var message: String?

    var testDescription: String { "\(theme): \(name)" }

    init(
        _ theme: String, _ name: String, principal: RequestPrincipal = Principals.alice, action: String = "lambda:InvokeFunction",
        resource: String = Resources.function, resourceAccount: String? = nil, context: [String: ContextValue] = [:],
        identity: [String] = [], boundary: String? = nil, session: [String] = [], resourcePolicy: String? = nil,
        resourcePolicyKind: PolicyKind = .resource, mustGrant: Bool = false, expect: EvaluationResult.Decision,
        basis: String? = nil, decidedBy: String? = nil, message: String? = nil
    ) {
        self.theme = theme
        self.name = name
        self.principal = principal
        self.action = action
        self.resource = resource
        self.resourceAccount = resourceAccount
        self.context = context
        self.identity = identity
        self.boundary = boundary
        self.session = session
        self.resourcePolicy = resourcePolicy
        self.resourcePolicyKind = resourcePolicyKind
        self.mustGrant = mustGrant
        self.expect = expect
        self.basis = basis
        self.decidedBy = decidedBy
        self.message = message
    }

    func request() throws -> EvaluationRequest {
        func attach(_ text: String, _ kind: PolicyKind, _ name: String) throws -> AttachedPolicy {
            AttachedPolicy(try PolicyDocument.parse(text, kind: kind), name: name)
        }
        let policies = ApplicablePolicies(
            identity: try identity.enumerated().map { try attach($1, .identity, "identity-\($0 + 1)") },
            permissionsBoundary: try boundary.map { try attach($0, .permissionsBoundary, "boundary") },
            session: try session.enumerated().map { try attach($1, .session, "session-\($0 + 1)") },
            resource: try resourcePolicy.map { try attach($0, resourcePolicyKind, "resource policy") },
            resourcePolicyMode: mustGrant ? .mustGrant : .additive
        )
        return EvaluationRequest(
            principal: principal,
            action: action,
            resource: resource,
            resourceAccount: resourceAccount,
            context: RequestContext(context),
            policies: policies
        )
    }

    /// The result's basis in the table's short form.
    static func shortForm(_ basis: EvaluationResult.Basis) -> String {
        func type(_ type: PolicyType) -> String {
            switch type {
            case .identityBased: "identity"
            case .resourceBased: "resource"
            case .permissionsBoundary: "boundary"
            case .sessionPolicy: "session"
            }
        }
        switch basis {
        case .noPermissionRequired: return "noPermissionRequired"
        case .accountRoot: return "root"
        case .allowedByIdentityPolicy: return "identity"
        case .allowedByResourcePolicy: return "resource"
        case .allowedByIdentityAndResourcePolicies: return "identity+resource"
        case .explicitDeny(let policyType): return "deny:" + type(policyType)
        case .noAllow(let policyType): return "missing:" + type(policyType)
        }
    }
}

/// The principals the table uses.
enum Principals {
    static let account = "111111111111"
    static let otherAccount = "222222222222"
    static let alice = RequestPrincipal.user(arn: "arn:aws:iam::111111111111:user/alice", userID: "AIDAALICE")
    static let bob = RequestPrincipal.user(arn: "arn:aws:iam::111111111111:user/team/bob", userID: "AIDABOB")
    static let carol = RequestPrincipal.user(arn: "arn:aws:iam::222222222222:user/carol", userID: "AIDACAROL")
    static let root = RequestPrincipal.root(accountID: account)
    static let otherRoot = RequestPrincipal.root(accountID: otherAccount)
    /// A session `s1` of the role `dev` of account 111111111111.
    static let devSession = RequestPrincipal.assumedRole(
        roleARN: "arn:aws:iam::111111111111:role/dev", sessionName: "s1", roleID: "AROADEV")
    /// A session `x` of the role `ops` of account 222222222222.
    static let otherSession = RequestPrincipal.assumedRole(
        roleARN: "arn:aws:iam::222222222222:role/ops", sessionName: "x", roleID: "AROAOPS")
    static let federated = RequestPrincipal.federatedUser(
        accountID: account, name: "fed", federatingUserARN: "arn:aws:iam::111111111111:user/alice")
    static let lambdaService = RequestPrincipal.service("lambda.amazonaws.com")

    static func user(_ name: String, tags: [String: String] = [:]) -> RequestPrincipal {
        .user(arn: "arn:aws:iam::111111111111:user/\(name)", userID: "AIDA\(name.uppercased())", tags: tags)
    }
}

/// Resource ARNs the table uses.
enum Resources {
    static let function = "arn:aws:lambda:us-east-1:111111111111:function:f"
    static let otherFunction = "arn:aws:lambda:us-east-1:222222222222:function:g"
    static let roleDev = "arn:aws:iam::111111111111:role/dev"
    static let key = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"
}

/// Writers of policy JSON, so that rows read as the policies they hold.
enum Policy {
    /// A `2012-10-17` document of `statements`.
    static func doc(_ statements: String...) -> String {
        #"{"Version":"2012-10-17","Statement":["# + statements.joined(separator: ",") + "]}"
    }

    /// A statement; `action`/`resource` are JSON (a string literal or a list), or nil to omit.
    static func statement(
        _ effect: String, sid: String? = nil, principal: String? = nil, notPrincipal: String? = nil, action: String? = nil,
        notAction: String? = nil, resource: String? = nil, notResource: String? = nil, condition: String? = nil
    ) -> String {
        var members: [String] = []
        if let sid { members.append(#""Sid":"\#(sid)""#) }
        members.append(#""Effect":"\#(effect)""#)
        if let principal { members.append(#""Principal":\#(principal)"#) }
        if let notPrincipal { members.append(#""NotPrincipal":\#(notPrincipal)"#) }
        if let action { members.append(#""Action":\#(json(action))"#) }
        if let notAction { members.append(#""NotAction":\#(json(notAction))"#) }
        if let resource { members.append(#""Resource":\#(json(resource))"#) }
        if let notResource { members.append(#""NotResource":\#(json(notResource))"#) }
        if let condition { members.append(#""Condition":\#(condition)"#) }
        return "{" + members.joined(separator: ",") + "}"
    }

    /// `text` as is when it is JSON already (a list), else as a JSON string.
    private static func json(_ text: String) -> String {
        text.hasPrefix("[") ? text : "\"\(text)\""
    }

    /// An identity-based document with one `Allow`.
    static func allow(_ action: String, _ resource: String = "*", sid: String? = nil, condition: String? = nil) -> String {
        doc(statement("Allow", sid: sid, action: action, resource: resource, condition: condition))
    }

    /// An identity-based document with one `Deny`.
    static func deny(_ action: String, _ resource: String = "*", sid: String? = nil, condition: String? = nil) -> String {
        doc(statement("Deny", sid: sid, action: action, resource: resource, condition: condition))
    }

    /// A resource-based document with one statement naming `principal` (JSON).
    static func grant(
        _ principal: String, _ action: String = "lambda:InvokeFunction", effect: String = "Allow", sid: String? = nil,
        resource: String? = Resources.function, condition: String? = nil
    ) -> String {
        doc(statement(effect, sid: sid, principal: principal, action: action, resource: resource, condition: condition))
    }

    /// `{"AWS": "<value>"}`.
    static func aws(_ value: String) -> String { #"{"AWS":"\#(value)"}"# }
}
