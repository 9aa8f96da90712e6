import AWSWire
import BulwarkCore
import Foundation
import IAM
import Testing

@Suite("IAM managed policies and versions")
struct ManagedPolicyOperationTests {
    static let arn = "arn:aws:iam::111122223333:policy/team/read"

    func createRead(_ iam: IAMServiceHarness) async throws -> IAMAPI.Policy {
        let created = try await iam.call(
            "CreatePolicy",
            IAMAPI.CreatePolicyRequest(policyName: "read", path: "/team/", policyDocument: Documents.readLambda, description: "reads"),
            as: IAMAPI.CreatePolicyResponse.self)
        return try #require(created.policy)
    }

    @Test func createGetAndListPolicies() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        let policy = try await createRead(iam)
        #expect(policy.arn == Self.arn)
        #expect(policy.policyId?.hasPrefix("ANPA") == true)
        #expect(policy.defaultVersionId == "v1" && policy.attachmentCount == 0 && policy.isAttachable == true)

        let got = try await iam.call("GetPolicy", IAMAPI.GetPolicyRequest(policyArn: Self.arn), as: IAMAPI.GetPolicyResponse.self)
        #expect(got.policy?.description == "reads")

        let local = try await iam.call("ListPolicies", IAMAPI.ListPoliciesRequest(scope: "Local"), as: IAMAPI.ListPoliciesResponse.self)
        #expect(local.policies?.map(\.arn) == [Self.arn])
        #expect(local.policies?.first?.description == nil)
        // AWS's list is long: a page is 100 unless MaxItems says otherwise.
        let aws = try await iam.call("ListPolicies", IAMAPI.ListPoliciesRequest(scope: "AWS"), as: IAMAPI.ListPoliciesResponse.self)
        #expect(aws.policies?.count == 100 && aws.isTruncated == true && aws.marker != nil)
        #expect(aws.policies?.allSatisfy { $0.arn?.hasPrefix("arn:aws:iam::aws:policy/") == true } == true)
        let all = try await iam.call("ListPolicies", IAMAPI.ListPoliciesRequest(maxItems: 1000), as: IAMAPI.ListPoliciesResponse.self)
        #expect(all.policies?.count == 1000 && all.isTruncated == true)
        let serviceRoles = try await iam.call(
            "ListPolicies", IAMAPI.ListPoliciesRequest(pathPrefix: "/service-role/", maxItems: 1000), as: IAMAPI.ListPoliciesResponse.self)
        let serviceRoleNames = Set(serviceRoles.policies?.compactMap(\.policyName) ?? [])
        #expect(serviceRoleNames.isSuperset(of: ["AWSLambdaBasicExecutionRole", "AWSLambdaRole", "AWSLambdaVPCAccessExecutionRole"]))
        #expect(serviceRoleNames.count == AWSManagedPolicies.all.filter { $0.path == "/service-role/" }.count)
        #expect(serviceRoles.policies?.allSatisfy { $0.path == "/service-role/" } == true)
        let attached = try await iam.call("ListPolicies", IAMAPI.ListPoliciesRequest(onlyAttached: true), as: IAMAPI.ListPoliciesResponse.self)
        #expect(attached.policies?.isEmpty == true)
    }

    @Test func listPoliciesPages() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        var seen: [String] = []
        var marker: String?
        repeat {
            let page = try await iam.call(
                "ListPolicies", IAMAPI.ListPoliciesRequest(marker: marker, maxItems: 100), as: IAMAPI.ListPoliciesResponse.self)
            seen += page.policies?.compactMap(\.arn) ?? []
            marker = page.marker
        } while marker != nil
        #expect(Set(seen) == Set(AWSManagedPolicies.all.map(\.arn)))
        #expect(seen.count == AWSManagedPolicies.all.count)
    }

    @Test func policyNamesAreUniqueInTheAccount() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        _ = try await createRead(iam)
        await expectAWSError("EntityAlreadyExists", status: 409, message: "A policy called READ already exists. Duplicate names are not allowed.") {
            try await iam.call(
                "CreatePolicy", IAMAPI.CreatePolicyRequest(policyName: "READ", path: "/other/", policyDocument: Documents.readLambda),
                as: IAMAPI.CreatePolicyResponse.self)
        }
    }

    @Test func documentsAreCheckedAndSized() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        await expectAWSError("MalformedPolicyDocument", status: 400) {
            try await iam.call(
                "CreatePolicy", IAMAPI.CreatePolicyRequest(policyName: "p", policyDocument: Documents.noResource),
                as: IAMAPI.CreatePolicyResponse.self)
        }
        await expectAWSError("LimitExceeded", status: 409, message: "Cannot exceed quota for PolicySize: 6144") {
            try await iam.call(
                "CreatePolicy", IAMAPI.CreatePolicyRequest(policyName: "p", policyDocument: Documents.padded(over: 6144)),
                as: IAMAPI.CreatePolicyResponse.self)
        }
        await expectAWSError("NoSuchEntity", status: 404, message: "Policy arn:aws:iam::111122223333:policy/nope was not found.") {
            try await iam.call(
                "GetPolicy", IAMAPI.GetPolicyRequest(policyArn: "arn:aws:iam::111122223333:policy/nope"), as: IAMAPI.GetPolicyResponse.self)
        }
    }

    @Test func versionsAreCreatedListedSetAndDeleted() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        _ = try await createRead(iam)
        let v2 = try await iam.call(
            "CreatePolicyVersion", IAMAPI.CreatePolicyVersionRequest(policyArn: Self.arn, policyDocument: Documents.allowAll, setAsDefault: true),
            as: IAMAPI.CreatePolicyVersionResponse.self)
        #expect(v2.policyVersion?.versionId == "v2" && v2.policyVersion?.isDefaultVersion == true && v2.policyVersion?.document == nil)
        for _ in 3...5 {
            try await iam.call(
                "CreatePolicyVersion", IAMAPI.CreatePolicyVersionRequest(policyArn: Self.arn, policyDocument: Documents.readLambda),
                as: IAMAPI.CreatePolicyVersionResponse.self)
        }
        await expectAWSError("LimitExceeded", status: 409) {
            try await iam.call(
                "CreatePolicyVersion", IAMAPI.CreatePolicyVersionRequest(policyArn: Self.arn, policyDocument: Documents.readLambda),
                as: IAMAPI.CreatePolicyVersionResponse.self)
        }
        let versions = try await iam.call(
            "ListPolicyVersions", IAMAPI.ListPolicyVersionsRequest(policyArn: Self.arn), as: IAMAPI.ListPolicyVersionsResponse.self)
        #expect(Set(versions.versions?.compactMap(\.versionId) ?? []) == ["v1", "v2", "v3", "v4", "v5"])
        #expect(versions.versions?.filter { $0.isDefaultVersion == true }.map(\.versionId) == ["v2"])

        let v1 = try await iam.call(
            "GetPolicyVersion", IAMAPI.GetPolicyVersionRequest(policyArn: Self.arn, versionId: "v1"), as: IAMAPI.GetPolicyVersionResponse.self)
        #expect(Documents.decoded(v1.policyVersion?.document) == Documents.readLambda)
        #expect(v1.policyVersion?.isDefaultVersion == false)

        await expectAWSError("DeleteConflict", status: 409, message: "Cannot delete the default version of a policy.") {
            try await iam.call("DeletePolicyVersion", IAMAPI.DeletePolicyVersionRequest(policyArn: Self.arn, versionId: "v2"))
        }
        try await iam.call("SetDefaultPolicyVersion", IAMAPI.SetDefaultPolicyVersionRequest(policyArn: Self.arn, versionId: "v1"))
        let policy = try await iam.call("GetPolicy", IAMAPI.GetPolicyRequest(policyArn: Self.arn), as: IAMAPI.GetPolicyResponse.self)
        #expect(policy.policy?.defaultVersionId == "v1")
        await expectAWSError("NoSuchEntity", status: 404) {
            try await iam.call("SetDefaultPolicyVersion", IAMAPI.SetDefaultPolicyVersionRequest(policyArn: Self.arn, versionId: "v9"))
        }
        await expectAWSError("NoSuchEntity", status: 404) {
            try await iam.call(
                "GetPolicyVersion", IAMAPI.GetPolicyVersionRequest(policyArn: Self.arn, versionId: "v9"), as: IAMAPI.GetPolicyVersionResponse.self)
        }
        await expectAWSError("ValidationException", status: 400) {
            try await iam.call(
                "GetPolicyVersion", IAMAPI.GetPolicyVersionRequest(policyArn: Self.arn, versionId: "1"), as: IAMAPI.GetPolicyVersionResponse.self)
        }

        await expectAWSError("DeleteConflict", status: 409) {
            try await iam.call("DeletePolicy", IAMAPI.DeletePolicyRequest(policyArn: Self.arn))
        }
        for version in ["v2", "v3", "v4", "v5"] {
            try await iam.call("DeletePolicyVersion", IAMAPI.DeletePolicyVersionRequest(policyArn: Self.arn, versionId: version))
        }
        await expectAWSError("NoSuchEntity", status: 404) {
            try await iam.call("DeletePolicyVersion", IAMAPI.DeletePolicyVersionRequest(policyArn: Self.arn, versionId: "v5"))
        }
        // A version number is never reused.
        let v6 = try await iam.call(
            "CreatePolicyVersion", IAMAPI.CreatePolicyVersionRequest(policyArn: Self.arn, policyDocument: Documents.readLambda),
            as: IAMAPI.CreatePolicyVersionResponse.self)
        #expect(v6.policyVersion?.versionId == "v6")
        try await iam.call("DeletePolicyVersion", IAMAPI.DeletePolicyVersionRequest(policyArn: Self.arn, versionId: "v6"))
        try await iam.call("DeletePolicy", IAMAPI.DeletePolicyRequest(policyArn: Self.arn))
        await expectAWSError("NoSuchEntity", status: 404) {
            try await iam.call("DeletePolicy", IAMAPI.DeletePolicyRequest(policyArn: Self.arn))
        }
    }

    @Test func attachedPoliciesCannotBeDeleted() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        _ = try await createRead(iam)
        try await iam.call("CreateUser", IAMAPI.CreateUserRequest(userName: "alice"))
        try await iam.call("AttachUserPolicy", IAMAPI.AttachUserPolicyRequest(userName: "alice", policyArn: Self.arn))
        let got = try await iam.call("GetPolicy", IAMAPI.GetPolicyRequest(policyArn: Self.arn), as: IAMAPI.GetPolicyResponse.self)
        #expect(got.policy?.attachmentCount == 1)
        await expectAWSError("DeleteConflict", status: 409, message: "Cannot delete a policy attached to entities.") {
            try await iam.call("DeletePolicy", IAMAPI.DeletePolicyRequest(policyArn: Self.arn))
        }
        let attached = try await iam.call("ListPolicies", IAMAPI.ListPoliciesRequest(onlyAttached: true), as: IAMAPI.ListPoliciesResponse.self)
        #expect(attached.policies?.map(\.arn) == [Self.arn])
    }

    @Test func awsManagedPoliciesAreReadableButNotChangeable() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        let arn = "arn:aws:iam::aws:policy/AdministratorAccess"
        let policy = try await iam.call("GetPolicy", IAMAPI.GetPolicyRequest(policyArn: arn), as: IAMAPI.GetPolicyResponse.self)
        #expect(policy.policy?.policyName == "AdministratorAccess" && policy.policy?.defaultVersionId == "v1")
        let version = try await iam.call(
            "GetPolicyVersion", IAMAPI.GetPolicyVersionRequest(policyArn: arn, versionId: "v1"), as: IAMAPI.GetPolicyVersionResponse.self)
        #expect(
            Documents.decoded(version.policyVersion?.document)
                == #"{"Statement":[{"Action":["*"],"Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"}"#)
        // The catalog holds each policy's default version only.
        let versions = try await iam.call(
            "ListPolicyVersions", IAMAPI.ListPolicyVersionsRequest(policyArn: arn), as: IAMAPI.ListPolicyVersionsResponse.self)
        #expect(versions.versions?.map(\.versionId) == ["v1"] && versions.versions?.first?.isDefaultVersion == true)
        await expectAWSError("NoSuchEntity", status: 404, message: "Policy \(arn) version v2 does not exist or is not attachable.") {
            try await iam.call(
                "GetPolicyVersion", IAMAPI.GetPolicyVersionRequest(policyArn: arn, versionId: "v2"), as: IAMAPI.GetPolicyVersionResponse.self)
        }
        #expect(try await iam.resources("GetPolicy", IAMAPI.GetPolicyRequest(policyArn: arn)) == [arn])

        await expectAWSError("AccessDenied", status: 403) {
            try await iam.call("DeletePolicy", IAMAPI.DeletePolicyRequest(policyArn: arn))
        }
        await expectAWSError("AccessDenied", status: 403) {
            try await iam.call(
                "CreatePolicyVersion", IAMAPI.CreatePolicyVersionRequest(policyArn: arn, policyDocument: Documents.readLambda),
                as: IAMAPI.CreatePolicyVersionResponse.self)
        }
        await expectAWSError("AccessDenied", status: 403) {
            try await iam.call("SetDefaultPolicyVersion", IAMAPI.SetDefaultPolicyVersionRequest(policyArn: arn, versionId: "v1"))
        }
        await expectAWSError("AccessDenied", status: 403) {
            try await iam.call("DeletePolicyVersion", IAMAPI.DeletePolicyVersionRequest(policyArn: arn, versionId: "v1"))
        }
    }

    @Test func policiesOfOtherAccountsAreNotVisible() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        _ = try await createRead(iam)
        let other = IAMServiceHarness.context(.root(accountID: "999988887777"))
        await expectAWSError("NoSuchEntity", status: 404) {
            try await iam.call("GetPolicy", IAMAPI.GetPolicyRequest(policyArn: Self.arn), as: IAMAPI.GetPolicyResponse.self, context: other)
        }
    }
}
