import IAM

/// Identity-based policies alone: allow, implicit deny, explicit deny, `NotAction`, `NotResource`,
/// case rules and the account root.
extension EvaluatorCase {
    static let identityPolicies: [EvaluatorCase] = {
        let t = "identity"
        let fn = Resources.function
        return [
            EvaluatorCase(t, "no policy: implicit deny", expect: .implicitDeny, basis: "missing:identity"),
            EvaluatorCase(t, "exact action and resource", identity: [Policy.allow("lambda:InvokeFunction", fn)], expect: .allow, basis: "identity"),
            EvaluatorCase(t, "service wildcard", identity: [Policy.allow("lambda:*")], expect: .allow),
            EvaluatorCase(t, "all actions", identity: [Policy.allow("*")], expect: .allow),
            EvaluatorCase(t, "other service", identity: [Policy.allow("s3:*")], expect: .implicitDeny),
            EvaluatorCase(t, "other action", identity: [Policy.allow("lambda:GetFunction", fn)], expect: .implicitDeny),
            EvaluatorCase(t, "prefix wildcard", identity: [Policy.allow("lambda:Invoke*")], expect: .allow),
            EvaluatorCase(t, "infix wildcard", identity: [Policy.allow("lambda:*Function")], expect: .allow),
            EvaluatorCase(t, "question mark matches one character", identity: [Policy.allow("lambda:InvokeFunctio?")], expect: .allow),
            EvaluatorCase(t, "question mark needs a character", identity: [Policy.allow("lambda:InvokeFunction?")], expect: .implicitDeny),
            EvaluatorCase(t, "action lowercase in policy", identity: [Policy.allow("lambda:invokefunction")], expect: .allow),
            EvaluatorCase(t, "action uppercase in policy", identity: [Policy.allow("LAMBDA:INVOKEFUNCTION")], expect: .allow),
            EvaluatorCase(
                t, "action case in request", action: "Lambda:invokeFUNCTION", identity: [Policy.allow("lambda:InvokeFunction")],
                expect: .allow),
            EvaluatorCase(t, "wildcard service part", identity: [Policy.allow("*:InvokeFunction")], expect: .allow),
            EvaluatorCase(t, "action list", identity: [Policy.allow(#"["s3:GetObject","lambda:InvokeFunction"]"#)], expect: .allow),
            EvaluatorCase(t, "action list without it", identity: [Policy.allow(#"["s3:GetObject","lambda:GetFunction"]"#)], expect: .implicitDeny),
            EvaluatorCase(t, "resource exact", identity: [Policy.allow("lambda:*", fn)], expect: .allow),
            EvaluatorCase(
                t, "resource case-sensitive", identity: [Policy.allow("lambda:*", "arn:aws:lambda:us-east-1:111111111111:function:F")],
                expect: .implicitDeny),
            EvaluatorCase(
                t, "resource of another function", identity: [Policy.allow("lambda:*", "arn:aws:lambda:us-east-1:111111111111:function:g")],
                expect: .implicitDeny),
            EvaluatorCase(t, "resource list", identity: [Policy.allow("lambda:*", #"["arn:aws:s3:::b","\#(fn)"]"#)], expect: .allow),
            EvaluatorCase(
                t, "statement as an object",
                identity: [#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"lambda:*","Resource":"*"}}"#],
                expect: .allow),
            EvaluatorCase(
                t, "two policies, second allows", identity: [Policy.allow("s3:*"), Policy.allow("lambda:InvokeFunction", sid: "Invoke")],
                expect: .allow, basis: "identity", decidedBy: "Invoke"),
            EvaluatorCase(
                t, "deny wins over allow in the same policy",
                identity: [
                    Policy.doc(
                        Policy.statement("Allow", action: "*", resource: "*"),
                        Policy.statement("Deny", sid: "NoInvoke", action: "lambda:InvokeFunction", resource: "*"))
                ],
                expect: .explicitDeny, basis: "deny:identity", decidedBy: "NoInvoke"),
            EvaluatorCase(
                t, "deny wins across policies", identity: [Policy.allow("*"), Policy.deny("lambda:*", sid: "NoLambda")],
                expect: .explicitDeny, decidedBy: "NoLambda"),
            EvaluatorCase(t, "deny alone", identity: [Policy.deny("lambda:*")], expect: .explicitDeny),
            EvaluatorCase(
                t, "deny of another action does not deny", identity: [Policy.allow("lambda:*"), Policy.deny("lambda:DeleteFunction")],
                expect: .allow),
            EvaluatorCase(
                t, "deny of another resource does not deny",
                identity: [Policy.allow("lambda:*"), Policy.deny("lambda:*", "arn:aws:lambda:us-east-1:111111111111:function:g")],
                expect: .allow),
            EvaluatorCase(
                t, "deny with a false condition does not deny",
                context: ["aws:SecureTransport": .bool(true)],
                identity: [Policy.allow("lambda:*"), Policy.deny("lambda:*", condition: #"{"Bool":{"aws:SecureTransport":"false"}}"#)],
                expect: .allow),
            EvaluatorCase(
                t, "deny with a true condition denies",
                context: ["aws:SecureTransport": .bool(false)],
                identity: [Policy.allow("lambda:*"), Policy.deny("lambda:*", condition: #"{"Bool":{"aws:SecureTransport":"false"}}"#)],
                expect: .explicitDeny),
            // NotAction: the AWS example "allow everything except IAM".
            EvaluatorCase(
                t, "NotAction allow covers other actions", identity: [Policy.doc(Policy.statement("Allow", notAction: "iam:*", resource: "*"))],
                expect: .allow),
            EvaluatorCase(
                t, "NotAction allow excludes the listed", action: "iam:CreateUser", resource: "arn:aws:iam::111111111111:user/x",
                identity: [Policy.doc(Policy.statement("Allow", notAction: "iam:*", resource: "*"))], expect: .implicitDeny),
            EvaluatorCase(
                t, "NotAction deny: everything but listed denied", action: "lambda:DeleteFunction",
                identity: [Policy.allow("*"), Policy.doc(Policy.statement("Deny", notAction: #"["lambda:Get*","lambda:List*"]"#, resource: "*"))],
                expect: .explicitDeny),
            EvaluatorCase(
                t, "NotAction deny: listed action passes", action: "lambda:GetFunction",
                identity: [Policy.allow("*"), Policy.doc(Policy.statement("Deny", notAction: #"["lambda:Get*","lambda:List*"]"#, resource: "*"))],
                expect: .allow),
            EvaluatorCase(
                t, "NotAction is case-insensitive", action: "lambda:getfunction",
                identity: [Policy.allow("*"), Policy.doc(Policy.statement("Deny", notAction: "LAMBDA:GET*", resource: "*"))], expect: .allow),
            // NotResource: the AWS example "deny everything outside one bucket / function".
            EvaluatorCase(
                t, "NotResource allow covers others",
                identity: [
                    Policy.doc(Policy.statement("Allow", action: "lambda:*", notResource: "arn:aws:lambda:us-east-1:111111111111:function:secret"))
                ],
                expect: .allow),
            EvaluatorCase(
                t, "NotResource allow excludes the listed", resource: "arn:aws:lambda:us-east-1:111111111111:function:secret",
                identity: [
                    Policy.doc(Policy.statement("Allow", action: "lambda:*", notResource: "arn:aws:lambda:us-east-1:111111111111:function:secret"))
                ],
                expect: .implicitDeny),
            EvaluatorCase(
                t, "NotResource deny outside the list", resource: "arn:aws:lambda:us-east-1:111111111111:function:other",
                identity: [
                    Policy.allow("lambda:*"), Policy.doc(Policy.statement("Deny", action: "lambda:*", notResource: "arn:aws:lambda:*:*:function:f")),
                ],
                expect: .explicitDeny),
            EvaluatorCase(
                t, "NotResource deny inside the list",
                identity: [
                    Policy.allow("lambda:*"), Policy.doc(Policy.statement("Deny", action: "lambda:*", notResource: "arn:aws:lambda:*:*:function:f")),
                ],
                expect: .allow),
            EvaluatorCase(
                t, "NotAction with NotResource",
                identity: [Policy.doc(Policy.statement("Allow", notAction: "s3:*", notResource: "arn:aws:s3:::*"))], expect: .allow),
            // The account root.
            EvaluatorCase(t, "root needs no policy", principal: Principals.root, expect: .allow, basis: "root"),
            EvaluatorCase(
                t, "root is stopped by an explicit deny", principal: Principals.root, identity: [Policy.deny("lambda:InvokeFunction")],
                expect: .explicitDeny),
            EvaluatorCase(
                t, "root of another account is not the owner", principal: Principals.otherRoot, expect: .implicitDeny,
                basis: "missing:resource"),
            EvaluatorCase(
                t, "root of another account with a resource grant to its account", principal: Principals.otherRoot,
                resourcePolicy: Policy.grant(Policy.aws("222222222222")), expect: .allow, basis: "identity+resource"),
            EvaluatorCase(
                t, "root on an action without resource", principal: Principals.root, action: "lambda:ListFunctions", resource: "*",
                expect: .allow),
            EvaluatorCase(
                t, "GetCallerIdentity needs no permission", action: "sts:GetCallerIdentity", resource: "*",
                identity: [Policy.deny("*")], expect: .allow, basis: "noPermissionRequired"),
            EvaluatorCase(
                t, "ListFunctions needs Resource *", action: "lambda:ListFunctions", resource: "*",
                identity: [Policy.allow("lambda:*", "arn:aws:lambda:*:*:function:*")], expect: .implicitDeny),
            EvaluatorCase(
                t, "ListFunctions with Resource *", action: "lambda:ListFunctions", resource: "*", identity: [Policy.allow("lambda:*")],
                expect: .allow),
            EvaluatorCase(
                t, "anonymous caller without resource policy", principal: .anonymous, identity: [Policy.allow("*")], expect: .implicitDeny),
            EvaluatorCase(
                t, "user of another account with its own allow only", principal: Principals.carol, identity: [Policy.allow("*")],
                expect: .implicitDeny, basis: "missing:resource"),
            EvaluatorCase(t, "role session with an allow", principal: Principals.devSession, identity: [Policy.allow("lambda:*")], expect: .allow),
            EvaluatorCase(t, "role session without an allow", principal: Principals.devSession, expect: .implicitDeny, basis: "missing:identity"),
            EvaluatorCase(
                t, "federated user with an allow", principal: Principals.federated, identity: [Policy.allow("lambda:*")],
                session: [Policy.allow("*")], expect: .allow),
        ]
    }()
}
