import AWSWire
import BulwarkCore
import Foundation
import IAM
import Testing

@Suite("IAM roles")
struct RoleOperationTests {
    @Test func createGetListUpdateAndDeleteRoles() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        let created = try await iam.call(
            "CreateRole",
            IAMAPI.CreateRoleRequest(
                path: "/service-role/", roleName: "exec", assumeRolePolicyDocument: Documents.trustLambda, description: "runs f",
                tags: [IAMAPI.Tag(key: "app", value: "f")]),
            as: IAMAPI.CreateRoleResponse.self)
        #expect(created.role.arn == "arn:aws:iam::111122223333:role/service-role/exec")
        #expect(created.role.roleId.hasPrefix("AROA"))
        #expect(created.role.maxSessionDuration == nil)
        // IAM answers documents URL-encoded; SDKs decode them.
        #expect(created.role.assumeRolePolicyDocument?.contains("%22") == true)
        #expect(Documents.decoded(created.role.assumeRolePolicyDocument) == Documents.trustLambda)

        let got = try await iam.call("GetRole", IAMAPI.GetRoleRequest(roleName: "exec"), as: IAMAPI.GetRoleResponse.self)
        #expect(got.role.description == "runs f" && got.role.tags == [IAMAPI.Tag(key: "app", value: "f")])
        #expect(got.role.roleLastUsed != nil)

        try await iam.call(
            "UpdateRole", IAMAPI.UpdateRoleRequest(roleName: "exec", description: "runs g", maxSessionDuration: 7200),
            as: IAMAPI.UpdateRoleResponse.self)
        let updated = try await iam.call("GetRole", IAMAPI.GetRoleRequest(roleName: "exec"), as: IAMAPI.GetRoleResponse.self)
        #expect(updated.role.description == "runs g" && updated.role.maxSessionDuration == 7200)

        let listed = try await iam.call("ListRoles", IAMAPI.ListRolesRequest(), as: IAMAPI.ListRolesResponse.self)
        #expect(listed.roles.map(\.roleName) == ["exec"])
        #expect(listed.roles.first?.tags == nil)

        try await iam.call("DeleteRole", IAMAPI.DeleteRoleRequest(roleName: "exec"))
        await expectAWSError("NoSuchEntity", status: 404, message: "The role with name exec cannot be found.") {
            try await iam.call("GetRole", IAMAPI.GetRoleRequest(roleName: "exec"), as: IAMAPI.GetRoleResponse.self)
        }
    }

    @Test func trustPoliciesAreChecked() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        await expectAWSError("MalformedPolicyDocument", status: 400) {
            try await iam.call(
                "CreateRole", IAMAPI.CreateRoleRequest(roleName: "r", assumeRolePolicyDocument: "{not json"), as: IAMAPI.CreateRoleResponse.self)
        }
        // A trust policy grants only sts actions.
        let wrongAction =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"s3:GetObject"}]}"#
        await expectAWSError("MalformedPolicyDocument", status: 400) {
            try await iam.call(
                "CreateRole", IAMAPI.CreateRoleRequest(roleName: "r", assumeRolePolicyDocument: wrongAction), as: IAMAPI.CreateRoleResponse.self)
        }
        try await iam.call(
            "CreateRole", IAMAPI.CreateRoleRequest(roleName: "r", assumeRolePolicyDocument: Documents.trustLambda), as: IAMAPI.CreateRoleResponse.self
        )
        await expectAWSError("EntityAlreadyExists", status: 409, message: "Role with name R already exists.") {
            try await iam.call(
                "CreateRole", IAMAPI.CreateRoleRequest(roleName: "R", assumeRolePolicyDocument: Documents.trustLambda),
                as: IAMAPI.CreateRoleResponse.self)
        }
        await expectAWSError("MalformedPolicyDocument", status: 400) {
            try await iam.call("UpdateAssumeRolePolicy", IAMAPI.UpdateAssumeRolePolicyRequest(roleName: "r", policyDocument: Documents.allowAll))
        }
        let trustEC2 = Documents.trustLambda.replacingOccurrences(of: "lambda.amazonaws.com", with: "ec2.amazonaws.com")
        try await iam.call("UpdateAssumeRolePolicy", IAMAPI.UpdateAssumeRolePolicyRequest(roleName: "r", policyDocument: trustEC2))
        let got = try await iam.call("GetRole", IAMAPI.GetRoleRequest(roleName: "r"), as: IAMAPI.GetRoleResponse.self)
        #expect(Documents.decoded(got.role.assumeRolePolicyDocument) == trustEC2)
        await expectAWSError("NoSuchEntity", status: 404) {
            try await iam.call("UpdateAssumeRolePolicy", IAMAPI.UpdateAssumeRolePolicyRequest(roleName: "ghost", policyDocument: trustEC2))
        }
    }

    @Test func oversizedTrustPolicyIsLimitExceeded() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        let principals = (0..<120).map { #""arn:aws:iam::111122223333:user/user-number-\#($0)""# }.joined(separator: ",")
        let big = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":[\#(principals)]},"Action":"sts:AssumeRole"}]}"#
        await expectAWSError("LimitExceeded", status: 409, message: "Cannot exceed quota for ACLSizePerRole: 2048") {
            try await iam.call(
                "CreateRole", IAMAPI.CreateRoleRequest(roleName: "r", assumeRolePolicyDocument: big), as: IAMAPI.CreateRoleResponse.self)
        }
    }

    @Test(arguments: [3599, 43201])
    func sessionDurationOutsideIAMsBoundsIsRefused(seconds: Int) async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        await expectAWSError("ValidationException", status: 400) {
            try await iam.call(
                "CreateRole", IAMAPI.CreateRoleRequest(roleName: "r", assumeRolePolicyDocument: Documents.trustLambda, maxSessionDuration: seconds),
                as: IAMAPI.CreateRoleResponse.self)
        }
    }

    @Test func deleteRoleRefusesWithPolicies() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        try await iam.call(
            "CreateRole", IAMAPI.CreateRoleRequest(roleName: "r", assumeRolePolicyDocument: Documents.trustLambda), as: IAMAPI.CreateRoleResponse.self
        )
        try await iam.call(
            "AttachRolePolicy",
            IAMAPI.AttachRolePolicyRequest(roleName: "r", policyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"))
        await expectAWSError("DeleteConflict", status: 409, message: "Cannot delete entity, must detach all policies first.") {
            try await iam.call("DeleteRole", IAMAPI.DeleteRoleRequest(roleName: "r"))
        }
        try await iam.call(
            "DetachRolePolicy",
            IAMAPI.DetachRolePolicyRequest(roleName: "r", policyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"))
        try await iam.call("PutRolePolicy", IAMAPI.PutRolePolicyRequest(roleName: "r", policyName: "inline", policyDocument: Documents.readLambda))
        await expectAWSError("DeleteConflict", status: 409, message: "Cannot delete entity, must delete policies first.") {
            try await iam.call("DeleteRole", IAMAPI.DeleteRoleRequest(roleName: "r"))
        }
        try await iam.call("DeleteRolePolicy", IAMAPI.DeleteRolePolicyRequest(roleName: "r", policyName: "inline"))
        try await iam.call("DeleteRole", IAMAPI.DeleteRoleRequest(roleName: "r"))
    }

    @Test func roleTagsAreManaged() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        try await iam.call(
            "CreateRole", IAMAPI.CreateRoleRequest(roleName: "r", assumeRolePolicyDocument: Documents.trustLambda), as: IAMAPI.CreateRoleResponse.self
        )
        try await iam.call(
            "TagRole", IAMAPI.TagRoleRequest(roleName: "r", tags: [IAMAPI.Tag(key: "a", value: "1"), IAMAPI.Tag(key: "b", value: "2")]))
        try await iam.call("UntagRole", IAMAPI.UntagRoleRequest(roleName: "r", tagKeys: ["a"]))
        let tags = try await iam.call("ListRoleTags", IAMAPI.ListRoleTagsRequest(roleName: "r"), as: IAMAPI.ListRoleTagsResponse.self)
        #expect(tags.tags == [IAMAPI.Tag(key: "b", value: "2")])
        await expectAWSError("NoSuchEntity", status: 404) {
            try await iam.call("ListRoleTags", IAMAPI.ListRoleTagsRequest(roleName: "ghost"), as: IAMAPI.ListRoleTagsResponse.self)
        }
        #expect(try await iam.resources("TagRole", IAMAPI.TagRoleRequest(roleName: "r", tags: [])) == ["arn:aws:iam::111122223333:role/r"])
    }
}
