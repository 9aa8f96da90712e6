import IAM
import Testing

@testable import Secrets

/// `BlockPublicPolicy`'s question, statement by statement: does the policy allow everyone without
/// pinning callers to fixed accounts, organizations or principals?
@Suite("Secret policy exposure")
struct SecretPolicyExposureTests {
    static func policy(_ statement: String) throws -> PolicyDocument {
        try PolicyDocument.parse(#"{"Version":"2012-10-17","Statement":[\#(statement)]}"#, kind: .resource)
    }

    static func allow(_ principal: String, condition: String? = nil, effect: String = "Allow", member: String = "Principal") -> String {
        let when = condition.map { #","Condition":\#($0)"# } ?? ""
        return #"{"Effect":"\#(effect)","\#(member)":\#(principal),"Action":"secretsmanager:GetSecretValue","Resource":"*"\#(when)}"#
    }

    @Test(arguments: [
        allow(#""*""#),
        allow(#"{"AWS":"*"}"#),
        allow(#"{"AWS":["123456789012","*"]}"#),
        allow(#"{"AWS":"123456789012"}"#, member: "NotPrincipal"),
        allow(#""*""#, condition: #"{"StringEquals":{"aws:RequestedRegion":"us-east-1"}}"#),
        allow(#""*""#, condition: #"{"StringNotEquals":{"aws:PrincipalAccount":"123456789012"}}"#),
        allow(#""*""#, condition: #"{"StringEqualsIfExists":{"aws:PrincipalAccount":"123456789012"}}"#),
        allow(#""*""#, condition: #"{"StringLike":{"aws:PrincipalAccount":"12345*"}}"#),
        allow(#""*""#, condition: #"{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/app"}}"#),
        allow(#""*""#, condition: #"{"ForAllValues:StringEquals":{"aws:PrincipalOrgID":"o-abcdefghij"}}"#),
        // A policy variable takes each caller's own value; StringLike's `*` spans the ARN's colons.
        allow(#""*""#, condition: #"{"StringEquals":{"aws:PrincipalAccount":"${aws:PrincipalAccount}"}}"#),
        allow(#""*""#, condition: #"{"ArnEquals":{"aws:PrincipalArn":"${aws:PrincipalArn}"}}"#),
        allow(#""*""#, condition: #"{"StringLike":{"aws:PrincipalArn":"arn:*:*:*:123456789012:*"}}"#),
    ])
    func broadAccess(_ statement: String) throws {
        #expect(SecretPolicyExposure.allowsBroadAccess(try Self.policy(statement)))
    }

    @Test(arguments: [
        allow(#"{"AWS":"arn:aws:iam::123456789012:root"}"#),
        allow(#"{"Service":"lambda.amazonaws.com"}"#),
        allow(#""*""#, effect: "Deny"),
        allow(#""*""#, condition: #"{"StringEquals":{"aws:PrincipalAccount":"123456789012"}}"#),
        allow(#""*""#, condition: #"{"StringEquals":{"aws:sourceaccount":["123456789012","111122223333"]}}"#),
        allow(#""*""#, condition: #"{"StringEquals":{"aws:PrincipalOrgID":"o-abcdefghij"}}"#),
        allow(#""*""#, condition: #"{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/app-*"}}"#),
        allow(#""*""#, condition: #"{"ForAnyValue:StringEquals":{"aws:PrincipalOrgPaths":"o-a/r-b/ou-c/"}}"#),
    ])
    func pinnedAccess(_ statement: String) throws {
        #expect(!SecretPolicyExposure.allowsBroadAccess(try Self.policy(statement)))
    }
}
