import IAM

/// Resource-based policies within one account and across accounts, with every form of `Principal`.
extension EvaluatorCase {
    static let resourcePolicies: [EvaluatorCase] = {
        let t = "resource policy"
        let alice = "arn:aws:iam::111111111111:user/alice"
        let carol = "arn:aws:iam::222222222222:user/carol"
        let other = Resources.otherFunction
        let grantOther = { (principal: String) in Policy.grant(principal, resource: other) }
        return [
            // Same account: a grant to the user itself allows alone.
            EvaluatorCase(
                t, "same account: user ARN, no identity policy", resourcePolicy: Policy.grant(Policy.aws(alice)), expect: .allow, basis: "resource"),
            EvaluatorCase(t, "same account: Principal *", resourcePolicy: Policy.grant(#""*""#), expect: .allow, basis: "resource"),
            EvaluatorCase(t, "same account: AWS *", resourcePolicy: Policy.grant(Policy.aws("*")), expect: .allow),
            EvaluatorCase(
                t, "same account: user ARN in a list", resourcePolicy: Policy.grant(#"{"AWS":["arn:aws:iam::111111111111:user/x","\#(alice)"]}"#),
                expect: .allow),
            EvaluatorCase(
                t, "same account: another user", resourcePolicy: Policy.grant(Policy.aws("arn:aws:iam::111111111111:user/team/bob")),
                expect: .implicitDeny, basis: "missing:identity"),
            EvaluatorCase(
                t, "same account: account id delegates to identity policies", resourcePolicy: Policy.grant(Policy.aws("111111111111")),
                expect: .implicitDeny, basis: "missing:identity"),
            EvaluatorCase(
                t, "same account: account root ARN delegates", resourcePolicy: Policy.grant(Policy.aws("arn:aws:iam::111111111111:root")),
                expect: .implicitDeny),
            EvaluatorCase(
                t, "same account: account grant plus identity allow", identity: [Policy.allow("lambda:*")],
                resourcePolicy: Policy.grant(Policy.aws("111111111111")), expect: .allow, basis: "identity"),
            EvaluatorCase(
                t, "same account: identity allow, unrelated resource policy", identity: [Policy.allow("lambda:*")],
                resourcePolicy: Policy.grant(Policy.aws("arn:aws:iam::111111111111:user/x")), expect: .allow, basis: "identity"),
            EvaluatorCase(
                t, "same account: grant for another action", resourcePolicy: Policy.grant(Policy.aws(alice), "lambda:GetFunction"),
                expect: .implicitDeny),
            EvaluatorCase(
                t, "same account: grant for another function",
                resourcePolicy: Policy.grant(Policy.aws(alice), resource: "arn:aws:lambda:us-east-1:111111111111:function:g"), expect: .implicitDeny),
            EvaluatorCase(
                t, "same account: grant without Resource covers the resource", resourcePolicy: Policy.grant(Policy.aws(alice), resource: nil),
                expect: .allow),
            EvaluatorCase(
                t, "same account: user name compared without case", resourcePolicy: Policy.grant(Policy.aws("arn:aws:iam::111111111111:user/ALICE")),
                expect: .allow),
            EvaluatorCase(
                t, "same account: role session named by session ARN", principal: Principals.devSession,
                resourcePolicy: Policy.grant(Policy.aws("arn:aws:sts::111111111111:assumed-role/dev/s1")), expect: .allow, basis: "resource"),
            EvaluatorCase(
                t, "same account: another session of the role", principal: Principals.devSession,
                resourcePolicy: Policy.grant(Policy.aws("arn:aws:sts::111111111111:assumed-role/dev/s2")), expect: .implicitDeny),
            EvaluatorCase(
                t, "same account: role ARN allows the session", principal: Principals.devSession,
                resourcePolicy: Policy.grant(Policy.aws(Resources.roleDev)), expect: .allow, basis: "resource"),
            EvaluatorCase(
                t, "same account: another role", principal: Principals.devSession,
                resourcePolicy: Policy.grant(Policy.aws("arn:aws:iam::111111111111:role/ops")), expect: .implicitDeny),
            EvaluatorCase(
                t, "same account: user grant does not cover a role session", principal: Principals.devSession,
                resourcePolicy: Policy.grant(Policy.aws(alice)), expect: .implicitDeny),
            // Explicit deny in a resource policy.
            EvaluatorCase(
                t, "deny to the user beats an identity allow", identity: [Policy.allow("*")],
                resourcePolicy: Policy.grant(Policy.aws(alice), effect: "Deny", sid: "NoAlice"), expect: .explicitDeny, basis: "deny:resource",
                decidedBy: "NoAlice",
                message:
                    "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:111111111111:function:f with an explicit deny in a resource-based policy"
            ),
            EvaluatorCase(
                t, "deny to * beats a resource allow",
                resourcePolicy: Policy.doc(
                    Policy.statement("Allow", principal: Policy.aws(alice), action: "lambda:*", resource: "*"),
                    Policy.statement("Deny", principal: #""*""#, action: "lambda:InvokeFunction", resource: "*")), expect: .explicitDeny),
            EvaluatorCase(
                t, "deny to another user does not apply", identity: [Policy.allow("*")],
                resourcePolicy: Policy.grant(Policy.aws("arn:aws:iam::111111111111:user/x"), effect: "Deny"), expect: .allow),
            EvaluatorCase(
                t, "deny to the account applies to its users", identity: [Policy.allow("*")],
                resourcePolicy: Policy.grant(Policy.aws("111111111111"), effect: "Deny"), expect: .explicitDeny),
            EvaluatorCase(
                t, "deny to the role applies to its sessions", principal: Principals.devSession, identity: [Policy.allow("*")],
                resourcePolicy: Policy.grant(Policy.aws(Resources.roleDev), effect: "Deny"), expect: .explicitDeny),
            EvaluatorCase(
                t, "deny to the account root applies to the root", principal: Principals.root,
                resourcePolicy: Policy.grant(Policy.aws("arn:aws:iam::111111111111:root"), effect: "Deny"), expect: .explicitDeny),
            EvaluatorCase(
                t, "deny with a condition on the source IP", context: ["aws:SourceIp": .single("198.51.100.7")], identity: [Policy.allow("*")],
                resourcePolicy: Policy.grant(#""*""#, effect: "Deny", condition: #"{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#),
                expect: .explicitDeny),
            EvaluatorCase(
                t, "deny with a condition on the source IP, inside the range", context: ["aws:SourceIp": .single("203.0.113.9")],
                identity: [Policy.allow("*")],
                resourcePolicy: Policy.grant(#""*""#, effect: "Deny", condition: #"{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#),
                expect: .allow),
            // Service principals.
            EvaluatorCase(
                t, "service principal granted", principal: Principals.lambdaService,
                resourcePolicy: Policy.grant(#"{"Service":"lambda.amazonaws.com"}"#), expect: .allow, basis: "resource"),
            EvaluatorCase(
                t, "service principal in a list", principal: Principals.lambdaService,
                resourcePolicy: Policy.grant(#"{"Service":["s3.amazonaws.com","lambda.amazonaws.com"]}"#), expect: .allow),
            EvaluatorCase(
                t, "another service", principal: Principals.lambdaService, resourcePolicy: Policy.grant(#"{"Service":"s3.amazonaws.com"}"#),
                expect: .implicitDeny, basis: "missing:resource"),
            EvaluatorCase(
                t, "service without resource policy", principal: Principals.lambdaService, expect: .implicitDeny, basis: "missing:resource"),
            EvaluatorCase(t, "service covered by *", principal: Principals.lambdaService, resourcePolicy: Policy.grant(#""*""#), expect: .allow),
            EvaluatorCase(
                t, "service not covered by an account grant", principal: Principals.lambdaService,
                resourcePolicy: Policy.grant(Policy.aws("111111111111")), expect: .implicitDeny),
            EvaluatorCase(
                t, "S3 invoking with the right source ARN", principal: .service("s3.amazonaws.com"),
                context: ["aws:SourceArn": .single("arn:aws:s3:::uploads"), "aws:SourceAccount": .single("111111111111")],
                resourcePolicy: Policy.grant(
                    #"{"Service":"s3.amazonaws.com"}"#,
                    condition: #"{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::uploads"},"StringEquals":{"aws:SourceAccount":"111111111111"}}"#),
                expect: .allow),
            EvaluatorCase(
                t, "S3 invoking for another bucket", principal: .service("s3.amazonaws.com"),
                context: ["aws:SourceArn": .single("arn:aws:s3:::other"), "aws:SourceAccount": .single("111111111111")],
                resourcePolicy: Policy.grant(
                    #"{"Service":"s3.amazonaws.com"}"#,
                    condition: #"{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::uploads"},"StringEquals":{"aws:SourceAccount":"111111111111"}}"#),
                expect: .implicitDeny),
            EvaluatorCase(
                t, "S3 invoking without a source ARN", principal: .service("s3.amazonaws.com"),
                resourcePolicy: Policy.grant(#"{"Service":"s3.amazonaws.com"}"#, condition: #"{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::uploads"}}"#),
                expect: .implicitDeny),
            EvaluatorCase(t, "anonymous caller allowed by *", principal: .anonymous, resourcePolicy: Policy.grant(#""*""#), expect: .allow),
            EvaluatorCase(
                t, "anonymous caller not allowed by an account grant", principal: .anonymous,
                resourcePolicy: Policy.grant(Policy.aws("111111111111")), expect: .implicitDeny),
            // Across accounts both sides must allow.
            EvaluatorCase(
                t, "cross account: identity only", principal: Principals.carol, identity: [Policy.allow("lambda:*")], expect: .implicitDeny,
                basis: "missing:resource",
                message:
                    "User: arn:aws:iam::222222222222:user/carol is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:111111111111:function:f because no resource-based policy allows the lambda:InvokeFunction action"
            ),
            EvaluatorCase(
                t, "cross account: user granted, identity allows", principal: Principals.carol, identity: [Policy.allow("lambda:*")],
                resourcePolicy: Policy.grant(Policy.aws(carol)), expect: .allow, basis: "identity+resource"),
            EvaluatorCase(
                t, "cross account: user granted, no identity policy", principal: Principals.carol, resourcePolicy: Policy.grant(Policy.aws(carol)),
                expect: .implicitDeny, basis: "missing:identity"),
            EvaluatorCase(
                t, "cross account: account id granted", principal: Principals.carol, identity: [Policy.allow("lambda:*")],
                resourcePolicy: Policy.grant(Policy.aws("222222222222")), expect: .allow),
            EvaluatorCase(
                t, "cross account: account root ARN granted", principal: Principals.carol, identity: [Policy.allow("lambda:*")],
                resourcePolicy: Policy.grant(Policy.aws("arn:aws:iam::222222222222:root")), expect: .allow),
            EvaluatorCase(
                t, "cross account: * granted", principal: Principals.carol, identity: [Policy.allow("lambda:*")],
                resourcePolicy: Policy.grant(#""*""#), expect: .allow),
            EvaluatorCase(
                t, "cross account: third account granted", principal: Principals.carol, identity: [Policy.allow("lambda:*")],
                resourcePolicy: Policy.grant(Policy.aws("333333333333")), expect: .implicitDeny, basis: "missing:resource"),
            EvaluatorCase(
                t, "cross account: identity allows another function", principal: Principals.carol, identity: [Policy.allow("lambda:*", other)],
                resourcePolicy: Policy.grant(Policy.aws(carol)), expect: .implicitDeny, basis: "missing:identity"),
            EvaluatorCase(
                t, "cross account: resource deny", principal: Principals.carol, identity: [Policy.allow("lambda:*")],
                resourcePolicy: Policy.doc(
                    Policy.statement("Allow", principal: Policy.aws(carol), action: "lambda:*", resource: "*"),
                    Policy.statement("Deny", principal: Policy.aws("222222222222"), action: "lambda:InvokeFunction", resource: "*")),
                expect: .explicitDeny, basis: "deny:resource"),
            EvaluatorCase(
                t, "cross account: identity deny", principal: Principals.carol,
                identity: [Policy.allow("lambda:*"), Policy.deny("lambda:InvokeFunction")], resourcePolicy: Policy.grant(Policy.aws(carol)),
                expect: .explicitDeny, basis: "deny:identity"),
            EvaluatorCase(
                t, "cross account: role granted, session calls", principal: Principals.otherSession, identity: [Policy.allow("lambda:*")],
                resourcePolicy: Policy.grant(Policy.aws("arn:aws:iam::222222222222:role/ops")), expect: .allow),
            EvaluatorCase(
                t, "cross account: session ARN granted", principal: Principals.otherSession, identity: [Policy.allow("lambda:*")],
                resourcePolicy: Policy.grant(Policy.aws("arn:aws:sts::222222222222:assumed-role/ops/x")), expect: .allow),
            EvaluatorCase(
                t, "cross account: role granted, no identity policy", principal: Principals.otherSession,
                resourcePolicy: Policy.grant(Policy.aws("arn:aws:iam::222222222222:role/ops")), expect: .implicitDeny, basis: "missing:identity"),
            EvaluatorCase(
                t, "cross account: the caller owns the resource of its own account", principal: Principals.carol, resource: other,
                identity: [Policy.allow("lambda:*")], resourcePolicy: grantOther(Policy.aws("111111111111")), expect: .allow, basis: "identity"),
            EvaluatorCase(
                t, "cross account: the owner account of a bucket is given", action: "s3:GetObject", resource: "arn:aws:s3:::b",
                resourceAccount: "222222222222", identity: [Policy.allow("s3:*")], expect: .implicitDeny, basis: "missing:resource"),
            EvaluatorCase(
                t, "same account: a bucket without account in its ARN", action: "s3:GetObject", resource: "arn:aws:s3:::b",
                identity: [Policy.allow("s3:*")], expect: .allow),
            // NotPrincipal.
            EvaluatorCase(
                t, "NotPrincipal deny listing user and account exempts the user", identity: [Policy.allow("*")],
                resourcePolicy: Policy.doc(
                    Policy.statement(
                        "Deny", notPrincipal: #"{"AWS":["\#(alice)","arn:aws:iam::111111111111:root"]}"#, action: "lambda:*", resource: "*")),
                expect: .allow),
            EvaluatorCase(
                t, "NotPrincipal deny listing only the user still denies it", identity: [Policy.allow("*")],
                resourcePolicy: Policy.doc(Policy.statement("Deny", notPrincipal: Policy.aws(alice), action: "lambda:*", resource: "*")),
                expect: .explicitDeny),
            EvaluatorCase(
                t, "NotPrincipal deny applies to others", principal: Principals.bob, identity: [Policy.allow("*")],
                resourcePolicy: Policy.doc(
                    Policy.statement(
                        "Deny", notPrincipal: #"{"AWS":["\#(alice)","arn:aws:iam::111111111111:root"]}"#, action: "lambda:*", resource: "*")),
                expect: .explicitDeny),
            EvaluatorCase(
                t, "NotPrincipal deny always applies to a user with a boundary", identity: [Policy.allow("*")], boundary: Policy.allow("*"),
                resourcePolicy: Policy.doc(
                    Policy.statement(
                        "Deny", notPrincipal: #"{"AWS":["\#(alice)","arn:aws:iam::111111111111:root"]}"#, action: "lambda:*", resource: "*")),
                expect: .explicitDeny),
            EvaluatorCase(
                t, "NotPrincipal deny exempts a session listed with role and account", principal: Principals.devSession,
                identity: [Policy.allow("*")],
                resourcePolicy: Policy.doc(
                    Policy.statement(
                        "Deny", notPrincipal: #"{"AWS":["arn:aws:sts::111111111111:assumed-role/dev/s1","\#(Resources.roleDev)","111111111111"]}"#,
                        action: "lambda:*", resource: "*")), expect: .allow),
            EvaluatorCase(
                t, "NotPrincipal deny without the role ARN denies the session", principal: Principals.devSession, identity: [Policy.allow("*")],
                resourcePolicy: Policy.doc(
                    Policy.statement(
                        "Deny", notPrincipal: #"{"AWS":["arn:aws:sts::111111111111:assumed-role/dev/s1","111111111111"]}"#, action: "lambda:*",
                        resource: "*")), expect: .explicitDeny),
            EvaluatorCase(
                t, "NotPrincipal allow grants those not listed",
                resourcePolicy: Policy.doc(
                    Policy.statement("Allow", notPrincipal: Policy.aws("arn:aws:iam::111111111111:user/team/bob"), action: "lambda:*", resource: "*")),
                expect: .allow),
            EvaluatorCase(
                t, "NotPrincipal allow does not grant the listed", principal: Principals.bob,
                resourcePolicy: Policy.doc(
                    Policy.statement("Allow", notPrincipal: Policy.aws("arn:aws:iam::111111111111:user/team/bob"), action: "lambda:*", resource: "*")),
                expect: .implicitDeny),
        ]
    }()
}
