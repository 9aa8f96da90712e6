import IAM

/// Policy variables (`${aws:username}`, principal tags, defaults, escapes) and the matching of
/// resource ARNs with wildcards.
extension EvaluatorCase {
    static let variablesAndResources: [EvaluatorCase] = {
        let t = "policy variables"
        let red = Principals.user("red", tags: ["team": "red"])
        let star = Principals.user("star", tags: ["team": "*"])
        let userResource = Policy.allow("iam:GetUser", "arn:aws:iam::111111111111:user/${aws:username}")
        let teamFunctions = Policy.allow("lambda:*", "arn:aws:lambda:*:*:function:${aws:PrincipalTag/team}-*")
        let fn = { (name: String) in "arn:aws:lambda:us-east-1:111111111111:function:\(name)" }
        let s3 = { (key: String) in "arn:aws:s3:::b/\(key)" }
        var cases = [
            EvaluatorCase(
                t, "aws:username in Resource, own user", action: "iam:GetUser", resource: "arn:aws:iam::111111111111:user/alice",
                identity: [userResource], expect: .allow),
            EvaluatorCase(
                t, "aws:username in Resource, other user", action: "iam:GetUser", resource: "arn:aws:iam::111111111111:user/bob",
                identity: [userResource], expect: .implicitDeny),
            EvaluatorCase(
                t, "aws:username is absent for a role session", principal: Principals.devSession, action: "iam:GetUser",
                resource: "arn:aws:iam::111111111111:user/s1", identity: [userResource], expect: .implicitDeny),
            EvaluatorCase(
                t, "aws:userid in Resource", action: "s3:GetObject", resource: s3("AIDAALICE/x"),
                identity: [Policy.allow("s3:*", "arn:aws:s3:::b/${aws:userid}/*")], expect: .allow),
            EvaluatorCase(
                t, "aws:userid of a role session", principal: Principals.devSession, action: "s3:GetObject", resource: s3("AROADEV:s1/x"),
                identity: [Policy.allow("s3:*", "arn:aws:s3:::b/${aws:userid}/*")], expect: .allow),
            EvaluatorCase(t, "principal tag in Resource", principal: red, resource: fn("red-api"), identity: [teamFunctions], expect: .allow),
            EvaluatorCase(
                t, "principal tag in Resource, other team", principal: red, resource: fn("blue-api"), identity: [teamFunctions], expect: .implicitDeny
            ),
            EvaluatorCase(t, "principal tag missing", resource: fn("red-api"), identity: [teamFunctions], expect: .implicitDeny),
            EvaluatorCase(t, "principal tag missing leaves no wildcard", resource: fn("-api"), identity: [teamFunctions], expect: .implicitDeny),
            EvaluatorCase(
                t, "principal tag key without case", principal: red, resource: fn("red-x"),
                identity: [Policy.allow("lambda:*", "arn:aws:lambda:*:*:function:${aws:principaltag/TEAM}-*")], expect: .allow),
            EvaluatorCase(
                t, "default value used", resource: fn("shared-x"),
                identity: [Policy.allow("lambda:*", "arn:aws:lambda:*:*:function:${aws:PrincipalTag/team, 'shared'}-*")], expect: .allow),
            EvaluatorCase(
                t, "default value not used when the key exists", principal: red, resource: fn("shared-x"),
                identity: [Policy.allow("lambda:*", "arn:aws:lambda:*:*:function:${aws:PrincipalTag/team, 'shared'}-*")], expect: .implicitDeny),
            EvaluatorCase(
                t, "a value is literal, never a wildcard", principal: star, resource: fn("anything"),
                identity: [Policy.allow("lambda:*", "arn:aws:lambda:*:*:function:${aws:PrincipalTag/team}")], expect: .implicitDeny),
            EvaluatorCase(
                t, "a literal star from a value", principal: star, resource: fn("*"),
                identity: [Policy.allow("lambda:*", "arn:aws:lambda:*:*:function:${aws:PrincipalTag/team}")], expect: .allow),
            EvaluatorCase(
                t, "${*} is a literal star", action: "s3:GetObject", resource: s3("*literal"),
                identity: [Policy.allow("s3:*", "arn:aws:s3:::b/${*}literal")], expect: .allow),
            EvaluatorCase(
                t, "${*} is not a wildcard", action: "s3:GetObject", resource: s3("xliteral"),
                identity: [Policy.allow("s3:*", "arn:aws:s3:::b/${*}literal")], expect: .implicitDeny),
            EvaluatorCase(
                t, "${?} is a literal question mark", action: "s3:GetObject", resource: s3("what?"),
                identity: [Policy.allow("s3:*", "arn:aws:s3:::b/what${?}")], expect: .allow),
            EvaluatorCase(
                t, "${?} is not a wildcard", action: "s3:GetObject", resource: s3("whats"),
                identity: [Policy.allow("s3:*", "arn:aws:s3:::b/what${?}")], expect: .implicitDeny),
            EvaluatorCase(
                t, "${$} is a literal dollar", action: "s3:GetObject", resource: s3("${x}"),
                identity: [Policy.allow("s3:*", "arn:aws:s3:::b/${$}{x}")], expect: .allow),
            EvaluatorCase(
                t, "variables are literal text in version 2008-10-17", resource: fn("${aws:username}"),
                resourcePolicy:
                    #"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"lambda:*","Resource":"arn:aws:lambda:us-east-1:111111111111:function:${aws:username}"}]}"#,
                expect: .allow),
            EvaluatorCase(
                t, "no substitution in version 2008-10-17", resource: fn("alice"),
                resourcePolicy:
                    #"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"lambda:*","Resource":"arn:aws:lambda:us-east-1:111111111111:function:${aws:username}"}]}"#,
                expect: .implicitDeny),
            EvaluatorCase(
                t, "variable in a condition value", context: ["aws:ResourceTag/owner": .s("alice")],
                identity: [Policy.allow("*", condition: #"{"StringEquals":{"aws:ResourceTag/owner":"${aws:username}"}}"#)], expect: .allow),
            EvaluatorCase(
                t, "variable in a condition value, other owner", context: ["aws:ResourceTag/owner": .s("bob")],
                identity: [Policy.allow("*", condition: #"{"StringEquals":{"aws:ResourceTag/owner":"${aws:username}"}}"#)], expect: .implicitDeny),
            EvaluatorCase(
                t, "variable in StringLike", action: "s3:ListBucket", resource: "arn:aws:s3:::b", context: ["s3:prefix": .s("home/alice/docs")],
                identity: [
                    Policy.allow("s3:ListBucket", "arn:aws:s3:::b", condition: #"{"StringLike":{"s3:prefix":["","home/${aws:username}/*"]}}"#)
                ], expect: .allow),
            EvaluatorCase(
                t, "variable in StringLike, other home", action: "s3:ListBucket", resource: "arn:aws:s3:::b",
                context: ["s3:prefix": .s("home/bob/docs")],
                identity: [
                    Policy.allow("s3:ListBucket", "arn:aws:s3:::b", condition: #"{"StringLike":{"s3:prefix":["","home/${aws:username}/*"]}}"#)
                ], expect: .implicitDeny),
            EvaluatorCase(
                t, "principal tag equals resource tag", principal: red, context: ["aws:ResourceTag/team": .s("red")],
                identity: [Policy.allow("*", condition: #"{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}"#)], expect: .allow),
            EvaluatorCase(
                t, "principal tag differs from resource tag", principal: red, context: ["aws:ResourceTag/team": .s("blue")],
                identity: [Policy.allow("*", condition: #"{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}"#)],
                expect: .implicitDeny),
            EvaluatorCase(
                t, "a tag value of * in StringLike is literal", principal: star, context: ["aws:ResourceTag/team": .s("blue")],
                identity: [Policy.allow("*", condition: #"{"StringLike":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}"#)],
                expect: .implicitDeny),
            EvaluatorCase(
                t, "unresolved variable makes StringNotEquals false", context: ["aws:ResourceTag/team": .s("blue")],
                identity: [Policy.allow("*", condition: #"{"StringNotEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}"#)],
                expect: .implicitDeny),
            EvaluatorCase(
                t, "request cannot claim aws:username", context: ["aws:username": .s("admin")],
                identity: [Policy.allow("*", condition: #"{"StringEquals":{"aws:username":"admin"}}"#)], expect: .implicitDeny),
            EvaluatorCase(
                t, "request cannot claim a principal tag", context: ["aws:PrincipalTag/team": .s("red")],
                identity: [Policy.allow("*", condition: #"{"StringEquals":{"aws:PrincipalTag/team":"red"}}"#)], expect: .implicitDeny),
            EvaluatorCase(
                t, "aws:PrincipalArn of a session is the role", principal: Principals.devSession,
                identity: [Policy.allow("*", condition: #"{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111111111111:role/dev"}}"#)], expect: .allow),
            EvaluatorCase(
                t, "aws:PrincipalAccount", identity: [Policy.allow("*", condition: #"{"StringEquals":{"aws:PrincipalAccount":"111111111111"}}"#)],
                expect: .allow),
            EvaluatorCase(
                t, "aws:PrincipalType of a user", identity: [Policy.allow("*", condition: #"{"StringEquals":{"aws:PrincipalType":"User"}}"#)],
                expect: .allow),
            EvaluatorCase(
                t, "aws:PrincipalType of a session", principal: Principals.devSession,
                identity: [Policy.allow("*", condition: #"{"StringEquals":{"aws:PrincipalType":"AssumedRole"}}"#)], expect: .allow),
            EvaluatorCase(
                t, "aws:PrincipalServiceName of a service", principal: Principals.lambdaService,
                resourcePolicy: Policy.grant(#""*""#, condition: #"{"StringEquals":{"aws:PrincipalServiceName":"lambda.amazonaws.com"}}"#),
                expect: .allow),
            EvaluatorCase(
                t, "aws:PrincipalIsAWSService of a user",
                resourcePolicy: Policy.grant(#""*""#, condition: #"{"Bool":{"aws:PrincipalIsAWSService":"true"}}"#), expect: .implicitDeny),
        ]
        let r = "resource matching"
        let lambda = "arn:aws:lambda:us-east-1:111111111111:function:f"
        let matching: [(String, String, Bool)] = [
            ("*", lambda, true),
            ("arn:aws:lambda:us-east-1:111111111111:function:f", lambda, true),
            ("arn:aws:lambda:*:111111111111:function:f", lambda, true),
            ("arn:aws:lambda:*:*:function:*", lambda, true),
            ("arn:aws:lambda:us-east-?:111111111111:function:f", lambda, true),
            ("arn:aws:lambda:us-west-?:111111111111:function:f", lambda, false),
            ("arn:aws:lambda:*:222222222222:function:f", lambda, false),
            ("arn:aws:lambda:*:*:function:f*", lambda, true),
            ("arn:aws:lambda:*:*:function:?", lambda, true),
            ("arn:aws:lambda:*:*:function:??", lambda, false),
            ("arn:aws:lambda:*:*:*", lambda, true),
            ("arn:aws:lambda:*:*:function:f", "arn:aws:lambda:us-east-1:111111111111:function:f:1", false),
            ("arn:aws:lambda:*:*:function:f:*", "arn:aws:lambda:us-east-1:111111111111:function:f:1", true),
            ("arn:aws:lambda:*:*:function:f*", "arn:aws:lambda:us-east-1:111111111111:function:f:prod", true),
            ("arn:aws:*:*:*:function:f", lambda, true),
            ("arn:*:lambda:*:*:function:f", lambda, true),
            ("arn:aws:lambda:*:*:function:F", lambda, false),
            ("ARN:aws:lambda:*:*:function:f", lambda, false),
            ("arn:aws:lambda:*", lambda, true),
            ("arn:aws:lambda*", lambda, true),
            ("arn:aws:sqs:*", lambda, false),
            ("arn:aws:lambda:us-east-1", lambda, false),
            ("arn:aws:lambda:us*1:111111111111:function:f", lambda, true),
            ("arn:aws:lambda:us*:function:f", lambda, false),
            ("arn:aws:lambda:us-east-1:*", lambda, true),
            ("arn:aws:lambda:*:*:function:*", "*", false),
            ("arn:aws:s3:::b/*", "arn:aws:s3:::b/a/b/c.txt", true),
            ("arn:aws:s3:::b/*", "arn:aws:s3:::b", false),
            ("arn:aws:s3:::b*", "arn:aws:s3:::b/x", true),
            ("arn:aws:s3:::*/private/*", "arn:aws:s3:::b/private/x", true),
            ("arn:aws:s3:::*/private/*", "arn:aws:s3:::b/public/x", false),
            ("arn:aws:iam::111111111111:user/*", "arn:aws:iam::111111111111:user/team/bob", true),
            ("arn:aws:iam::111111111111:user/team/*", "arn:aws:iam::111111111111:user/alice", false),
            ("arn:aws:iam::*:role/dev", "arn:aws:iam::111111111111:role/dev", true),
            ("arn:aws:iam::*:role/dev", "arn:aws:iam::111111111111:role/Dev", false),
        ]
        cases += matching.map { pattern, resource, covered in
            EvaluatorCase(
                r, "\(pattern) covers \(resource): \(covered)", action: "lambda:InvokeFunction", resource: resource,
                identity: [Policy.allow("lambda:*", pattern)], expect: covered ? .allow : .implicitDeny)
        }
        return cases
    }()
}
