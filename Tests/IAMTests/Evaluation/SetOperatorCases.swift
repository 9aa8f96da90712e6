import IAM

/// `ForAllValues:`, `ForAnyValue:`, `...IfExists` and missing keys: the AWS examples with
/// `aws:TagKeys` and the rules for empty and absent sets.
extension EvaluatorCase {
    static let setOperatorConditions: [EvaluatorCase] = {
        let tags = "aws:TagKeys"
        let rows: [ConditionRow] = [
            ConditionRow("ForAllValues:StringEquals", tags, #"["env","team"]"#, .m("env"), true),
            ConditionRow("ForAllValues:StringEquals", tags, #"["env","team"]"#, .m("env", "team"), true),
            ConditionRow("ForAllValues:StringEquals", tags, #"["env","team"]"#, .m("env", "cost"), false),
            ConditionRow("ForAllValues:StringEquals", tags, #"["env","team"]"#, .multiple([]), true),
            ConditionRow("ForAllValues:StringEquals", tags, #"["env","team"]"#, nil, true),
            ConditionRow("ForAllValues:StringEquals", tags, #"["env","team"]"#, .s("env"), true),
            ConditionRow("ForAllValues:StringEquals", tags, #"["env","team"]"#, .s("cost"), false),
            ConditionRow("ForAllValues:StringLike", tags, #""Created*""#, .m("CreatedBy", "CreatedAt"), true),
            ConditionRow("ForAllValues:StringLike", tags, #""Created*""#, .m("CreatedBy", "Owner"), false),
            ConditionRow("ForAllValues:StringNotEquals", tags, #"["secret","internal"]"#, .m("env", "team"), true),
            ConditionRow("ForAllValues:StringNotEquals", tags, #"["secret","internal"]"#, .m("env", "secret"), false),
            ConditionRow("ForAnyValue:StringEquals", tags, #"["env","team"]"#, .m("cost", "env"), true),
            ConditionRow("ForAnyValue:StringEquals", tags, #"["env","team"]"#, .m("cost", "owner"), false),
            ConditionRow("ForAnyValue:StringEquals", tags, #"["env","team"]"#, .multiple([]), false),
            ConditionRow("ForAnyValue:StringEquals", tags, #"["env","team"]"#, nil, false),
            ConditionRow("ForAnyValue:StringEquals", tags, #"["env","team"]"#, .s("team"), true),
            ConditionRow("ForAnyValue:StringLike", tags, #""cost*""#, .m("env", "costcenter"), true),
            ConditionRow("ForAnyValue:StringNotEquals", tags, #""env""#, .m("env", "team"), true),
            ConditionRow("ForAnyValue:StringNotEquals", tags, #""env""#, .m("env"), false),
            ConditionRow("ForAnyValue:StringNotEquals", tags, #""env""#, nil, false),
            ConditionRow("ForAnyValue:StringEqualsIgnoreCase", tags, #""ENV""#, .m("env"), true),
            ConditionRow(
                "ForAnyValue:ArnLike", "aws:CalledVia", #""arn:aws:iam::*:role/*""#, .m("arn:aws:iam::1:user/a", "arn:aws:iam::1:role/r"), true),
            ConditionRow("ForAllValues:NumericLessThan", "ec2:Ports", #""1024""#, .m("80", "443"), true),
            ConditionRow("ForAllValues:NumericLessThan", "ec2:Ports", #""1024""#, .m("80", "8080"), false),
            ConditionRow("ForAnyValue:IpAddress", "custom:Addresses", #""10.0.0.0/8""#, .m("192.0.2.1", "10.1.1.1"), true),
            ConditionRow("StringEquals", tags, #""env""#, .m("env", "team"), false),
            ConditionRow("ForAllValues:StringEqualsIfExists", tags, #""env""#, nil, true),
            ConditionRow("ForAnyValue:StringEqualsIfExists", tags, #""env""#, nil, true),
            ConditionRow("ForAnyValue:StringEqualsIfExists", tags, #""env""#, .m("team"), false),
            ConditionRow("StringEqualsIfExists", "ec2:InstanceType", #"["t3.micro","t3.small"]"#, nil, true),
            ConditionRow("StringEqualsIfExists", "ec2:InstanceType", #"["t3.micro","t3.small"]"#, .s("t3.small"), true),
            ConditionRow("StringEqualsIfExists", "ec2:InstanceType", #"["t3.micro","t3.small"]"#, .s("m5.large"), false),
            ConditionRow("StringLikeIfExists", "ec2:InstanceType", #""t3.*""#, .s("t3.nano"), true),
            ConditionRow("StringNotEqualsIfExists", "ec2:InstanceType", #""m5.large""#, nil, true),
            ConditionRow("StringNotEqualsIfExists", "ec2:InstanceType", #""m5.large""#, .s("m5.large"), false),
            ConditionRow("NumericLessThanIfExists", "aws:MultiFactorAuthAge", #""3600""#, nil, true),
            ConditionRow("NumericLessThanIfExists", "aws:MultiFactorAuthAge", #""3600""#, .s("4000"), false),
            ConditionRow("DateLessThanIfExists", "aws:TokenIssueTime", #""2026-01-01T00:00:00Z""#, nil, true),
            ConditionRow("DateLessThanIfExists", "aws:TokenIssueTime", #""2026-01-01T00:00:00Z""#, .s("2026-06-01T00:00:00Z"), false),
            ConditionRow("IpAddressIfExists", "aws:SourceIp", #""10.0.0.0/8""#, nil, true),
            ConditionRow("IpAddressIfExists", "aws:SourceIp", #""10.0.0.0/8""#, .s("11.0.0.1"), false),
            ConditionRow("ArnLikeIfExists", "aws:SourceArn", #""arn:aws:s3:::b*""#, nil, true),
            ConditionRow("ArnLikeIfExists", "aws:SourceArn", #""arn:aws:s3:::b*""#, .s("arn:aws:s3:::a"), false),
            ConditionRow("BinaryEqualsIfExists", "custom:Blob", #""AAEC""#, nil, true),
        ]
        var cases = rows.map { $0.evaluatorCase("set operators and IfExists") }
        let t = "set operators and IfExists"
        // The AWS warning: ForAllValues with Allow lets through a request without tags; pair it with Null.
        let guarded = #"{"ForAllValues:StringEquals":{"aws:TagKeys":["env"]},"Null":{"aws:TagKeys":"false"}}"#
        cases += [
            EvaluatorCase(
                t, "ForAllValues guarded by Null, no tags", identity: [Policy.allow("lambda:*", condition: guarded)], expect: .implicitDeny),
            EvaluatorCase(
                t, "ForAllValues guarded by Null, allowed tag", context: ["aws:TagKeys": .m("env")],
                identity: [Policy.allow("lambda:*", condition: guarded)], expect: .allow),
            EvaluatorCase(
                t, "Deny with ForAnyValue on a forbidden tag", context: ["aws:TagKeys": .m("env", "secret")],
                identity: [Policy.allow("*"), Policy.deny("lambda:*", condition: #"{"ForAnyValue:StringEquals":{"aws:TagKeys":"secret"}}"#)],
                expect: .explicitDeny),
            EvaluatorCase(
                t, "Deny with ForAnyValue, no tags: does not deny",
                identity: [Policy.allow("*"), Policy.deny("lambda:*", condition: #"{"ForAnyValue:StringEquals":{"aws:TagKeys":"secret"}}"#)],
                expect: .allow),
            EvaluatorCase(
                t, "Deny with a negated operator on a missing key denies",
                identity: [Policy.allow("*"), Policy.deny("lambda:*", condition: #"{"StringNotEquals":{"aws:RequestedRegion":"us-east-1"}}"#)],
                expect: .explicitDeny),
            EvaluatorCase(
                t, "Deny with StringNotEqualsIfExists on a missing key denies",
                identity: [
                    Policy.allow("*"), Policy.deny("lambda:*", condition: #"{"StringNotEqualsIfExists":{"aws:RequestedRegion":"us-east-1"}}"#),
                ], expect: .explicitDeny),
            EvaluatorCase(
                t, "Deny with StringEqualsIfExists on a missing key denies",
                identity: [Policy.allow("*"), Policy.deny("lambda:*", condition: #"{"StringEqualsIfExists":{"aws:RequestedRegion":"eu-west-1"}}"#)],
                expect: .explicitDeny),
            EvaluatorCase(
                t, "several keys in one operator must all hold", context: ["aws:ResourceTag/env": .s("prod"), "aws:ResourceTag/team": .s("blue")],
                identity: [Policy.allow("*", condition: #"{"StringEquals":{"aws:ResourceTag/env":"prod","aws:ResourceTag/team":"red"}}"#)],
                expect: .implicitDeny),
            EvaluatorCase(
                t, "several operators must all hold", context: ["aws:ResourceTag/env": .s("prod"), "aws:SecureTransport": .bool(true)],
                identity: [Policy.allow("*", condition: #"{"StringEquals":{"aws:ResourceTag/env":"prod"},"Bool":{"aws:SecureTransport":"true"}}"#)],
                expect: .allow),
            EvaluatorCase(
                t, "one operator failing fails the statement", context: ["aws:ResourceTag/env": .s("prod"), "aws:SecureTransport": .bool(false)],
                identity: [Policy.allow("*", condition: #"{"StringEquals":{"aws:ResourceTag/env":"prod"},"Bool":{"aws:SecureTransport":"true"}}"#)],
                expect: .implicitDeny),
            EvaluatorCase(t, "empty condition block", identity: [Policy.allow("*", condition: "{}")], expect: .allow),
        ]
        return cases
    }()
}
