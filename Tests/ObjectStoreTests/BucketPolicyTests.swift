import AWSWire
import BulwarkCore
import Foundation
import IAM
import Testing

@testable import ObjectStore

/// A bucket policy is read as S3 reads it before storing it (decision 0031), and judged public by
/// S3's "meaning of public".
@Suite("Bucket policy validation and public-policy detection")
struct BucketPolicyTests {
    static let bucket = "photos"
    static let root = "arn:aws:iam::123456789012:root"

    static func policy(_ statements: String...) -> String { policy(statements) }

    static func policy(_ statements: [String]) -> String {
        #"{"Version":"2012-10-17","Statement":[\#(statements.joined(separator: ","))]}"#
    }

    static func allow(
        _ principal: String = #"{"AWS":"arn:aws:iam::123456789012:root"}"#, action: String = #""s3:GetObject""#,
        resource: String = #""arn:aws:s3:::photos/*""#, condition: String? = nil
    ) -> String {
        let when = condition.map { #","Condition":\#($0)"# } ?? ""
        return #"{"Effect":"Allow","Principal":\#(principal),"Action":\#(action),"Resource":\#(resource)\#(when)}"#
    }

    static func message(_ text: String) -> String? {
        do {
            _ = try BucketPolicyValidator(bucket: bucket).validate(text)
            return nil
        } catch let error as AWSError {
            return error.code == "MalformedPolicy" && error.status == 400 ? error.message : "\(error.code): \(error.message)"
        } catch {
            return "\(error)"
        }
    }

    @Test(
        "S3's MalformedPolicy messages",
        arguments: [
            ("", "Policies must be valid JSON and the first byte must be '{'"),
            ("[1]", "Policies must be valid JSON and the first byte must be '{'"),
            (#"{"Statement": ["#, "This policy contains invalid Json"),
            (#"{"Version":"2012-10-17"}"#, "Missing required field Statement"),
            (#"{"Version":"2012-10-17","Statement":[]}"#, "Could not parse the policy: Statement is empty!"),
            (#"{"Version":"1999-01-01","Statement":[\#(allow())]}"#, "The policy must contain a valid version string"),
            (policy(allow(action: #""s3:Teleport""#)), "Policy has invalid action"),
            (policy(allow(action: #""lambda:InvokeFunction""#)), "Policy has invalid action"),
            (policy(allow(action: #""s3:ListAllMyBuckets""#)), "Policy has invalid action"),
            (policy(allow(resource: #""arn:aws:s3:::other/*""#)), "Policy has invalid resource"),
            (policy(allow(resource: #""*""#)), "Policy has invalid resource"),
            (policy(allow(resource: #""arn:aws:s3:::*""#)), "Policy has invalid resource"),
            (policy(allow(resource: #""arn:aws:lambda:us-east-1:123456789012:function:f""#)), "Policy has invalid resource"),
            (policy(allow(#"{"AWS":"someone"}"#)), "Invalid principal in policy"),
            (policy(#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::photos/*"}"#), "Missing required field Principal"),
            (policy(#"{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}"#), "Missing required field Resource"),
            (policy(allow(resource: #""arn:aws:s3:::photos""#)), "Action does not apply to any resource(s) in statement"),
            (
                policy(allow(action: #"["s3:ListBucket","s3:GetObject"]"#, resource: #""arn:aws:s3:::photos""#)),
                "Action does not apply to any resource(s) in statement"
            ),
            (policy(allow(action: #""s3:ListBucket""#)), "Action does not apply to any resource(s) in statement"),
        ]
    )
    func malformed(text: String, expected: String) {
        #expect(Self.message(text) == expected)
    }

    @Test(
        "policies S3 accepts",
        arguments: [
            policy(allow()),
            policy(allow(action: #"["s3:Get*","s3:listbucket"]"#, resource: #"["arn:aws:s3:::photos","arn:aws:s3:::photos/*"]"#)),
            policy(allow(action: #""s3:*""#, resource: #""arn:aws:s3:::pho*/private/*""#)),
            policy(allow(#""*""#, action: #""*""#, resource: #""arn:aws:s3:::photos""#)),
            policy(allow(action: #""s3:GetObject""#, resource: #""arn:aws:s3:::photos*""#)),
            policy(allow(action: #"["s3:ListBucket","s3:GetObject"]"#, resource: #"["arn:aws:s3:::photos","arn:aws:s3:::photos/*"]"#)),
            policy(#"{"Effect":"Deny","Principal":"*","NotAction":"s3:GetObject","NotResource":"arn:aws:s3:::photos/public/*"}"#),
        ]
    )
    func accepted(text: String) {
        #expect(Self.message(text) == nil)
    }

    @Test("the 20 KB limit counts the text without the whitespace between tokens")
    func sizeLimit() {
        let statement = allowingKey(String(repeating: "k", count: 180))
        var statements: [String] = []
        while BucketPolicyValidator.compactSize(Self.policy(statements + [statement])) <= BucketPolicyValidator.maxBytes {
            statements.append(statement)
        }
        let fitting = Self.policy(statements)
        #expect(Self.message(fitting) == nil)
        // Indentation does not count; one more statement does.
        #expect(Self.message(fitting.replacingOccurrences(of: ",", with: ",\n        ")) == nil)
        #expect(Self.message(Self.policy(statements + [statement])) == "Policy exceeds the maximum allowed document size.")
    }

    private func allowingKey(_ key: String) -> String {
        Self.allow(resource: #""arn:aws:s3:::photos/\#(key)""#)
    }

    @Test(
        "public statements",
        arguments: [
            allow(#""*""#),
            allow(#"{"AWS":"*"}"#),
            allow(#""*""#, condition: #"{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}"#),
            allow(#""*""#, condition: #"{"IpAddress":{"aws:SourceIp":["192.0.2.0/24","10.0.0.0/7"]}}"#),
            allow(#""*""#, condition: #"{"NotIpAddress":{"aws:SourceIp":"192.0.2.0/24"}}"#),
            allow(#""*""#, condition: #"{"Bool":{"aws:SecureTransport":"true"}}"#),
            allow(#""*""#, condition: #"{"StringLike":{"aws:SourceAccount":"1234*"}}"#),
            // ArnEquals matches wildcards as ArnLike does.
            allow(#""*""#, condition: #"{"ArnEquals":{"aws:PrincipalArn":"arn:*"}}"#),
            allow(#""*""#, condition: #"{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::*:*"}}"#),
            // Every caller of a local server comes from loopback (or 0.0.0.0 over its Unix socket).
            allow(#""*""#, condition: #"{"IpAddress":{"aws:SourceIp":"127.0.0.1/32"}}"#),
            allow(#""*""#, condition: #"{"IpAddress":{"aws:SourceIp":"0.0.0.0/8"}}"#),
            allow(#""*""#, condition: #"{"IpAddress":{"aws:SourceIp":"::1/128"}}"#),
        ]
    )
    func isPublic(statement: String) throws {
        #expect(PublicPolicyCheck.s3.isPublic(try PolicyDocument.parse(Self.policy(statement), kind: .resource)))
    }

    @Test(
        "statements that are not public",
        arguments: [
            allow(),
            allow(#"{"Service":"cloudtrail.amazonaws.com"}"#),
            allow(#""*""#, condition: #"{"IpAddress":{"aws:SourceIp":["192.0.2.0/24","2001:db8::/32"]}}"#),
            allow(#""*""#, condition: #"{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}"#),
            allow(
                #""*""#, condition: #"{"StringEquals":{"s3:x-amz-server-side-encryption-aws-kms-key-id":"arn:aws:kms:us-east-1:123456789012:key/k"}}"#
            ),
            allow(#""*""#, condition: #"{"ArnLike":{"aws:SourceArn":"arn:aws:cloudtrail:*:123456789012:trail/*"}}"#),
            allow(#""*""#, condition: #"{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/deployer"}}"#),
        ]
    )
    func isNotPublic(statement: String) throws {
        #expect(!PublicPolicyCheck.s3.isPublic(try PolicyDocument.parse(Self.policy(statement), kind: .resource)))
    }

    @Test("Secrets Manager's check does not take source addresses: the same statement is public for it")
    func secretsDiffer() throws {
        let statement = Self.allow(#""*""#, condition: #"{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}"#)
        let document = try PolicyDocument.parse(Self.policy(statement), kind: .resource)
        #expect(PublicPolicyCheck.secretsManager.isPublic(document))
        #expect(!PublicPolicyCheck.s3.isPublic(document))
    }
}
