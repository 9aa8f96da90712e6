import IAM

/// Permissions boundaries and session policies: they intersect with identity-based policies, and
/// how they combine with a resource-based policy depends on whom that policy names.
extension EvaluatorCase {
    static let boundariesAndSessions: [EvaluatorCase] = {
        let t = "boundary and session"
        let alice = "arn:aws:iam::111111111111:user/alice"
        let session = "arn:aws:sts::111111111111:assumed-role/dev/s1"
        let dev = Principals.devSession
        return [
            // Boundaries: the AWS example of a user limited to S3, CloudWatch and EC2.
            EvaluatorCase(
                t, "boundary and identity both allow", identity: [Policy.allow("lambda:*")], boundary: Policy.allow("lambda:*"), expect: .allow,
                basis: "identity"),
            EvaluatorCase(
                t, "boundary does not allow", identity: [Policy.allow("lambda:*")], boundary: Policy.allow(#"["s3:*","cloudwatch:*","ec2:*"]"#),
                expect: .implicitDeny, basis: "missing:boundary",
                message:
                    "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:111111111111:function:f because no permissions boundary allows the lambda:InvokeFunction action"
            ),
            EvaluatorCase(
                t, "boundary allows but no identity policy does", boundary: Policy.allow("*"), expect: .implicitDeny, basis: "missing:identity"),
            EvaluatorCase(
                t, "boundary denies explicitly", identity: [Policy.allow("*")],
                boundary: Policy.doc(
                    Policy.statement("Allow", action: "*", resource: "*"),
                    Policy.statement("Deny", sid: "NoInvoke", action: "lambda:InvokeFunction", resource: "*")), expect: .explicitDeny,
                basis: "deny:boundary", decidedBy: "NoInvoke"),
            EvaluatorCase(
                t, "boundary limits by resource", identity: [Policy.allow("lambda:*")],
                boundary: Policy.allow("lambda:*", "arn:aws:lambda:*:*:function:g"), expect: .implicitDeny, basis: "missing:boundary"),
            EvaluatorCase(
                t, "boundary with NotAction", identity: [Policy.allow("*")],
                boundary: Policy.doc(Policy.statement("Allow", notAction: "iam:*", resource: "*")), expect: .allow),
            EvaluatorCase(
                t, "boundary with a condition that holds", context: ["aws:RequestedRegion": .single("us-east-1")], identity: [Policy.allow("*")],
                boundary: Policy.allow("*", condition: #"{"StringEquals":{"aws:RequestedRegion":"us-east-1"}}"#), expect: .allow),
            EvaluatorCase(
                t, "boundary with a condition that fails", context: ["aws:RequestedRegion": .single("eu-west-1")], identity: [Policy.allow("*")],
                boundary: Policy.allow("*", condition: #"{"StringEquals":{"aws:RequestedRegion":"us-east-1"}}"#), expect: .implicitDeny,
                basis: "missing:boundary"),
            EvaluatorCase(
                t, "role session limited by the role's boundary", principal: dev, identity: [Policy.allow("*")], boundary: Policy.allow("s3:*"),
                expect: .implicitDeny, basis: "missing:boundary"),
            // Resource policies and boundaries in one account.
            EvaluatorCase(
                t, "resource policy naming the user passes the boundary", boundary: Policy.allow("s3:*"),
                resourcePolicy: Policy.grant(Policy.aws(alice)), expect: .allow, basis: "resource"),
            EvaluatorCase(
                t, "resource policy naming the session passes the boundary", principal: dev, boundary: Policy.allow("s3:*"),
                resourcePolicy: Policy.grant(Policy.aws(session)), expect: .allow, basis: "resource"),
            EvaluatorCase(
                t, "resource policy naming the role is held by the boundary", principal: dev, boundary: Policy.allow("s3:*"),
                resourcePolicy: Policy.grant(Policy.aws(Resources.roleDev)), expect: .implicitDeny, basis: "missing:boundary"),
            EvaluatorCase(
                t, "resource policy naming the role within the boundary", principal: dev, boundary: Policy.allow("lambda:*"),
                resourcePolicy: Policy.grant(Policy.aws(Resources.roleDev)), expect: .allow, basis: "resource"),
            EvaluatorCase(
                t, "resource policy naming the account is held by the boundary", identity: [Policy.allow("*")], boundary: Policy.allow("s3:*"),
                resourcePolicy: Policy.grant(Policy.aws("111111111111")), expect: .implicitDeny, basis: "missing:boundary"),
            EvaluatorCase(
                t, "resource policy naming the user cannot pass a boundary deny",
                boundary: Policy.doc(
                    Policy.statement("Allow", action: "*", resource: "*"), Policy.statement("Deny", action: "lambda:*", resource: "*")),
                resourcePolicy: Policy.grant(Policy.aws(alice)), expect: .explicitDeny, basis: "deny:boundary"),
            EvaluatorCase(
                t, "cross account: the boundary limits", principal: Principals.carol, identity: [Policy.allow("*")], boundary: Policy.allow("s3:*"),
                resourcePolicy: Policy.grant(Policy.aws("arn:aws:iam::222222222222:user/carol")), expect: .implicitDeny, basis: "missing:boundary"),
            EvaluatorCase(
                t, "cross account: within the boundary", principal: Principals.carol, identity: [Policy.allow("*")],
                boundary: Policy.allow("lambda:*"), resourcePolicy: Policy.grant(Policy.aws("arn:aws:iam::222222222222:user/carol")), expect: .allow,
                basis: "identity+resource"),
            // Session policies.
            EvaluatorCase(
                t, "session policy and identity both allow", principal: dev, identity: [Policy.allow("lambda:*")],
                session: [Policy.allow("lambda:InvokeFunction")], expect: .allow),
            EvaluatorCase(
                t, "session policy does not allow", principal: dev, identity: [Policy.allow("*")], session: [Policy.allow("s3:*")],
                expect: .implicitDeny, basis: "missing:session",
                message:
                    "User: arn:aws:sts::111111111111:assumed-role/dev/s1 is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:111111111111:function:f because no session policy allows the lambda:InvokeFunction action"
            ),
            EvaluatorCase(
                t, "session policy cannot grant more than identity", principal: dev, identity: [Policy.allow("s3:*")], session: [Policy.allow("*")],
                expect: .implicitDeny, basis: "missing:identity"),
            EvaluatorCase(
                t, "session policy explicit deny", principal: dev, identity: [Policy.allow("*")],
                session: [
                    Policy.doc(
                        Policy.statement("Allow", action: "*", resource: "*"),
                        Policy.statement("Deny", action: "lambda:InvokeFunction", resource: "*"))
                ], expect: .explicitDeny, basis: "deny:session"),
            EvaluatorCase(
                t, "two session policies: one allowing is enough", principal: dev, identity: [Policy.allow("*")],
                session: [Policy.allow("s3:*"), Policy.allow("lambda:*")], expect: .allow),
            EvaluatorCase(
                t, "identity, boundary and session all allow", principal: dev, identity: [Policy.allow("*")], boundary: Policy.allow("lambda:*"),
                session: [Policy.allow("lambda:Invoke*")], expect: .allow),
            EvaluatorCase(
                t, "boundary missing is reported before session", principal: dev, identity: [Policy.allow("*")], boundary: Policy.allow("s3:*"),
                session: [Policy.allow("s3:*")], expect: .implicitDeny, basis: "missing:boundary"),
            EvaluatorCase(
                t, "session policy of a federated user", principal: Principals.federated, identity: [Policy.allow("*")],
                session: [Policy.allow("s3:*")], expect: .implicitDeny, basis: "missing:session"),
            EvaluatorCase(
                t, "resource policy naming the session passes the session policy", principal: dev, session: [Policy.allow("s3:*")],
                resourcePolicy: Policy.grant(Policy.aws(session)), expect: .allow, basis: "resource"),
            EvaluatorCase(
                t, "resource policy naming the role is held by the session policy", principal: dev, session: [Policy.allow("s3:*")],
                resourcePolicy: Policy.grant(Policy.aws(Resources.roleDev)), expect: .implicitDeny, basis: "missing:session"),
            EvaluatorCase(
                t, "resource policy naming the role within the session policy", principal: dev, session: [Policy.allow("lambda:*")],
                resourcePolicy: Policy.grant(Policy.aws(Resources.roleDev)), expect: .allow, basis: "resource"),
            EvaluatorCase(
                t, "resource policy naming the federated session passes", principal: Principals.federated, session: [Policy.allow("s3:*")],
                resourcePolicy: Policy.grant(Policy.aws("arn:aws:sts::111111111111:federated-user/fed")), expect: .allow),
            EvaluatorCase(
                t, "resource policy naming the federating user is held by the session policy", principal: Principals.federated,
                session: [Policy.allow("s3:*")], resourcePolicy: Policy.grant(Policy.aws(alice)), expect: .implicitDeny, basis: "missing:session"),
            EvaluatorCase(
                t, "session deny is not passed by a resource grant", principal: dev, session: [Policy.deny("lambda:*")],
                resourcePolicy: Policy.grant(Policy.aws(session)), expect: .explicitDeny, basis: "deny:session"),
            // Trust policies: the resource policy of sts:AssumeRole.
            EvaluatorCase(
                t, "trust names the user", action: "sts:AssumeRole", resource: Resources.roleDev,
                resourcePolicy: Policy.grant(Policy.aws(alice), "sts:AssumeRole", resource: nil), resourcePolicyKind: .trust, expect: .allow,
                basis: "resource"),
            EvaluatorCase(
                t, "trust names the account, no identity policy", action: "sts:AssumeRole", resource: Resources.roleDev,
                resourcePolicy: Policy.grant(Policy.aws("arn:aws:iam::111111111111:root"), "sts:AssumeRole", resource: nil),
                resourcePolicyKind: .trust, expect: .implicitDeny, basis: "missing:identity"),
            EvaluatorCase(
                t, "trust names the account, identity allows", action: "sts:AssumeRole", resource: Resources.roleDev,
                identity: [Policy.allow("sts:AssumeRole", Resources.roleDev)],
                resourcePolicy: Policy.grant(Policy.aws("111111111111"), "sts:AssumeRole", resource: nil), resourcePolicyKind: .trust, expect: .allow,
                basis: "identity"),
            EvaluatorCase(
                t, "trust names someone else, identity allows", action: "sts:AssumeRole", resource: Resources.roleDev, identity: [Policy.allow("*")],
                resourcePolicy: Policy.grant(Policy.aws("arn:aws:iam::111111111111:user/x"), "sts:AssumeRole", resource: nil),
                resourcePolicyKind: .trust, expect: .implicitDeny, basis: "missing:resource"),
            EvaluatorCase(
                t, "trust names a service", principal: Principals.lambdaService, action: "sts:AssumeRole", resource: Resources.roleDev,
                resourcePolicy: Policy.grant(#"{"Service":"lambda.amazonaws.com"}"#, "sts:AssumeRole", resource: nil), resourcePolicyKind: .trust,
                expect: .allow),
            EvaluatorCase(
                t, "trust of another service", principal: Principals.lambdaService, action: "sts:AssumeRole", resource: Resources.roleDev,
                resourcePolicy: Policy.grant(#"{"Service":"ec2.amazonaws.com"}"#, "sts:AssumeRole", resource: nil), resourcePolicyKind: .trust,
                expect: .implicitDeny),
            EvaluatorCase(
                t, "trust across accounts needs an identity allow", principal: Principals.carol, action: "sts:AssumeRole",
                resource: Resources.roleDev, resourcePolicy: Policy.grant(Policy.aws("222222222222"), "sts:AssumeRole", resource: nil),
                resourcePolicyKind: .trust, expect: .implicitDeny, basis: "missing:identity"),
            EvaluatorCase(
                t, "trust across accounts with identity allow", principal: Principals.carol, action: "sts:AssumeRole", resource: Resources.roleDev,
                identity: [Policy.allow("sts:AssumeRole")], resourcePolicy: Policy.grant(Policy.aws("222222222222"), "sts:AssumeRole", resource: nil),
                resourcePolicyKind: .trust, expect: .allow),
            EvaluatorCase(
                t, "trust with external id present", principal: Principals.carol, action: "sts:AssumeRole", resource: Resources.roleDev,
                context: ["sts:ExternalId": .single("42")], identity: [Policy.allow("sts:AssumeRole")],
                resourcePolicy: Policy.grant(
                    Policy.aws("222222222222"), "sts:AssumeRole", resource: nil, condition: #"{"StringEquals":{"sts:ExternalId":"42"}}"#),
                resourcePolicyKind: .trust, expect: .allow),
            EvaluatorCase(
                t, "trust with external id missing", principal: Principals.carol, action: "sts:AssumeRole", resource: Resources.roleDev,
                identity: [Policy.allow("sts:AssumeRole")],
                resourcePolicy: Policy.grant(
                    Policy.aws("222222222222"), "sts:AssumeRole", resource: nil, condition: #"{"StringEquals":{"sts:ExternalId":"42"}}"#),
                resourcePolicyKind: .trust, expect: .implicitDeny, basis: "missing:resource"),
            EvaluatorCase(
                t, "trust requiring MFA, present", action: "sts:AssumeRole", resource: Resources.roleDev,
                context: ["aws:MultiFactorAuthPresent": .bool(true)],
                resourcePolicy: Policy.grant(
                    Policy.aws(alice), "sts:AssumeRole", resource: nil, condition: #"{"Bool":{"aws:MultiFactorAuthPresent":"true"}}"#),
                resourcePolicyKind: .trust, expect: .allow),
            EvaluatorCase(
                t, "trust requiring MFA, absent", action: "sts:AssumeRole", resource: Resources.roleDev,
                resourcePolicy: Policy.grant(
                    Policy.aws(alice), "sts:AssumeRole", resource: nil, condition: #"{"Bool":{"aws:MultiFactorAuthPresent":"true"}}"#),
                resourcePolicyKind: .trust, expect: .implicitDeny),
            EvaluatorCase(
                t, "web identity trust",
                principal: .webIdentity(provider: "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"),
                action: "sts:AssumeRoleWithWebIdentity", resource: Resources.roleDev,
                resourcePolicy: Policy.grant(
                    #"{"Federated":"arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"}"#, "sts:AssumeRoleWithWebIdentity",
                    resource: nil), resourcePolicyKind: .trust, expect: .allow),
            EvaluatorCase(
                t, "root cannot assume a role its trust does not name", principal: Principals.root, action: "sts:AssumeRole",
                resource: Resources.roleDev, resourcePolicy: Policy.grant(Policy.aws(alice), "sts:AssumeRole", resource: nil),
                resourcePolicyKind: .trust, expect: .implicitDeny, basis: "missing:resource"),
            // Key policies must allow, or delegate to the account.
            EvaluatorCase(
                t, "key policy delegating to the account, identity allows", action: "kms:Decrypt", resource: Resources.key,
                identity: [Policy.allow("kms:Decrypt")],
                resourcePolicy: Policy.grant(Policy.aws("arn:aws:iam::111111111111:root"), "kms:*", resource: "*"), mustGrant: true, expect: .allow),
            EvaluatorCase(
                t, "key policy delegating, no identity policy", action: "kms:Decrypt", resource: Resources.key,
                resourcePolicy: Policy.grant(Policy.aws("arn:aws:iam::111111111111:root"), "kms:*", resource: "*"), mustGrant: true,
                expect: .implicitDeny, basis: "missing:identity"),
            EvaluatorCase(
                t, "key policy naming the user", action: "kms:Decrypt", resource: Resources.key,
                resourcePolicy: Policy.grant(Policy.aws(alice), "kms:Decrypt", resource: "*"), mustGrant: true, expect: .allow, basis: "resource"),
            EvaluatorCase(
                t, "key policy naming someone else, identity allows", action: "kms:Decrypt", resource: Resources.key,
                identity: [Policy.allow("kms:*")],
                resourcePolicy: Policy.grant(Policy.aws("arn:aws:iam::111111111111:user/x"), "kms:*", resource: "*"), mustGrant: true,
                expect: .implicitDeny, basis: "missing:resource"),
            EvaluatorCase(
                t, "key without key policy grant refuses even the root", principal: Principals.root, action: "kms:Decrypt", resource: Resources.key,
                resourcePolicy: Policy.grant(Policy.aws(alice), "kms:Decrypt", resource: "*"), mustGrant: true, expect: .implicitDeny,
                basis: "missing:resource"),
            EvaluatorCase(
                t, "root with a key policy delegating to the account", principal: Principals.root, action: "kms:Decrypt", resource: Resources.key,
                resourcePolicy: Policy.grant(Policy.aws("111111111111"), "kms:*", resource: "*"), mustGrant: true, expect: .allow),
        ]
    }()
}
