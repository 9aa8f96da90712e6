import Foundation
import IAM
import Testing

@Suite("The AWS managed policy catalog")
struct AWSManagedPolicyCatalogTests {
    /// Policies as AWS publishes them: name, path, default version, update date (ISO 8601).
    static let published: [(name: String, path: String, version: String, updated: String)] = [
        ("AWSLambdaExecute", "/", "v1", "2015-02-06T18:40:46Z"),
        ("AdministratorAccess", "/", "v1", "2015-02-06T18:39:46Z"),
        ("AmazonS3ReadOnlyAccess", "/", "v3", "2023-08-10T21:31:39Z"),
        ("AWSXRayDaemonWriteAccess", "/", "v2", "2024-02-13T21:58:30Z"),
        ("IAMReadOnlyAccess", "/", "v4", "2018-01-25T19:11:27Z"),
        ("AWSLambdaBasicExecutionRole", "/service-role/", "v1", "2015-04-09T15:03:43Z"),
        ("AmazonECSServiceRolePolicy", "/aws-service-role/", "v24", "2026-04-22T23:12:09Z"),
        ("ViewOnlyAccess", "/job-function/", "v45", "2026-04-22T18:12:21Z"),
        ("ReadOnlyAccess", "/", "v188", "2026-07-21T18:42:30Z"),
    ]

    @Test func holdsEveryCurrentPolicyOnceInARNOrder() {
        let arns = AWSManagedPolicies.all.map(\.arn)
        #expect(arns.count >= 1_000)
        #expect(Set(arns).count == arns.count)
        #expect(arns == arns.sorted())
        #expect(Set(AWSManagedPolicies.all.map(\.path)).isSuperset(of: ["/", "/service-role/", "/aws-service-role/", "/job-function/"]))
    }

    @Test(arguments: published)
    func namedPoliciesHaveAWSsPathVersionAndDates(expected: (name: String, path: String, version: String, updated: String)) throws {
        let arn = "arn:aws:iam::aws:policy\(expected.path)\(expected.name)"
        let policy = try #require(AWSManagedPolicies.policy(arn: arn))
        #expect(policy.arn == arn && policy.name == expected.name && policy.path == expected.path)
        #expect(policy.versionID == expected.version)
        #expect(policy.updatedAt == (try Date(expected.updated, strategy: .iso8601)))
        #expect(policy.createdAt <= policy.updatedAt)
        #expect(policy.record.accountID == "aws" && policy.record.defaultVersion == expected.version && policy.record.description == nil)
        #expect(policy.defaultVersion.versionID == expected.version && policy.defaultVersion.createdAt == policy.updatedAt)
    }

    @Test func versionOnePoliciesWereCreatedWhenLastUpdated() throws {
        let execute = try #require(AWSManagedPolicies.policy(arn: "arn:aws:iam::aws:policy/AWSLambdaExecute"))
        #expect(execute.createdAt == (try Date("2015-02-06T18:40:46Z", strategy: .iso8601)))
        for policy in AWSManagedPolicies.all where policy.versionID == "v1" {
            #expect(policy.createdAt == policy.updatedAt, "\(policy.name)")
        }
    }

    @Test func documentsAreTheDefaultVersions() throws {
        let execute = try #require(AWSManagedPolicies.policy(arn: "arn:aws:iam::aws:policy/AWSLambdaExecute"))
        let document = try JSONSerialization.jsonObject(with: Data(execute.document.utf8)) as? NSDictionary
        let expected: NSDictionary = [
            "Version": "2012-10-17",
            "Statement": [
                ["Effect": "Allow", "Action": ["logs:*"], "Resource": "arn:aws:logs:*:*:*"],
                ["Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::*"],
            ],
        ]
        #expect(document == expected)
        let admin = try #require(AWSManagedPolicies.policy(arn: "arn:aws:iam::aws:policy/AdministratorAccess"))
        #expect(admin.document == #"{"Statement":[{"Action":["*"],"Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"}"#)
    }

    /// Every document parses as an identity policy, with the checks customers' policies get: those
    /// checks accept all that AWS accepts in its own policies (S3 access point ARNs with a region,
    /// `arn:aws:iam::*:root`, `arn:aws:iam::*:*`).
    @Test func everyDocumentIsAnIdentityPolicy() {
        var refused: [String] = []
        for policy in AWSManagedPolicies.all {
            do {
                let document = try PolicyDocument.parse(policy.document, kind: .identity)
                #expect(!document.statements.isEmpty, "\(policy.name)")
            } catch {
                refused.append("\(policy.name): \(error)")
            }
        }
        #expect(refused == [])
    }

    /// Ids are Bulwark's (the dataset has none), derived from the ARN: the same at every start.
    @Test func idsAreDistinctAndStable() {
        let ids = AWSManagedPolicies.all.map(\.policyID)
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.hasPrefix("ANPA") && $0.count == 21 })
        #expect(AWSManagedPolicies.policy(arn: "arn:aws:iam::aws:policy/AdministratorAccess")?.policyID == "ANPA5IIMV5ODH3GDY4NK5")
    }

    @Test func onlyExactARNsAreFound() {
        #expect(AWSManagedPolicies.policy(arn: "arn:aws:iam::aws:policy/AdministratorAccess") != nil)
        #expect(AWSManagedPolicies.policy(arn: "arn:aws:iam::aws:policy/administratoraccess") == nil)
        #expect(AWSManagedPolicies.policy(arn: "arn:aws:iam::aws:policy/service-role/AdministratorAccess") == nil)
        #expect(AWSManagedPolicies.policy(arn: "arn:aws:iam::111122223333:policy/AdministratorAccess") == nil)
        // Deprecated policies are not in the catalog: IAM no longer attaches them.
        #expect(AWSManagedPolicies.policy(arn: "arn:aws:iam::aws:policy/AWSLambdaFullAccess") == nil)
    }

    @Test func serviceLinkedRolePoliciesAreMarked() {
        #expect(
            AWSManagedPolicies.policy(arn: "arn:aws:iam::aws:policy/aws-service-role/AmazonECSServiceRolePolicy")?.isServiceLinkedRolePolicy == true)
        #expect(
            AWSManagedPolicies.policy(arn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")?.isServiceLinkedRolePolicy == false)
    }
}
