import AWSWire
import BulwarkCore
import Foundation
import IAM
import Testing

@Suite("IAM inline policies")
struct InlinePolicyOperationTests {
    @Test func putGetListAndDeleteUserPolicies() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        try await iam.call("CreateUser", IAMAPI.CreateUserRequest(userName: "alice"))
        try await iam.call("PutUserPolicy", IAMAPI.PutUserPolicyRequest(userName: "alice", policyName: "read", policyDocument: Documents.readLambda))
        try await iam.call("PutUserPolicy", IAMAPI.PutUserPolicyRequest(userName: "alice", policyName: "all", policyDocument: Documents.allowAll))
        let got = try await iam.call(
            "GetUserPolicy", IAMAPI.GetUserPolicyRequest(userName: "alice", policyName: "read"), as: IAMAPI.GetUserPolicyResponse.self)
        #expect(got.userName == "alice" && got.policyName == "read")
        // URL-encoded as IAM answers it, spaces as %20.
        #expect(got.policyDocument.contains("%20") && !got.policyDocument.contains("+"))
        #expect(Documents.decoded(got.policyDocument) == Documents.readLambda)
        let names = try await iam.call(
            "ListUserPolicies", IAMAPI.ListUserPoliciesRequest(userName: "alice"), as: IAMAPI.ListUserPoliciesResponse.self)
        #expect(names.policyNames == ["all", "read"])
        let page = try await iam.call(
            "ListUserPolicies", IAMAPI.ListUserPoliciesRequest(userName: "alice", maxItems: 1), as: IAMAPI.ListUserPoliciesResponse.self)
        #expect(page.policyNames == ["all"] && page.isTruncated == true)

        try await iam.call("PutUserPolicy", IAMAPI.PutUserPolicyRequest(userName: "alice", policyName: "read", policyDocument: Documents.allowAll))
        let replaced = try await iam.call(
            "GetUserPolicy", IAMAPI.GetUserPolicyRequest(userName: "alice", policyName: "read"), as: IAMAPI.GetUserPolicyResponse.self)
        #expect(Documents.decoded(replaced.policyDocument) == Documents.allowAll)

        try await iam.call("DeleteUserPolicy", IAMAPI.DeleteUserPolicyRequest(userName: "alice", policyName: "read"))
        await expectAWSError("NoSuchEntity", status: 404, message: "The user policy with name read cannot be found.") {
            try await iam.call(
                "GetUserPolicy", IAMAPI.GetUserPolicyRequest(userName: "alice", policyName: "read"), as: IAMAPI.GetUserPolicyResponse.self)
        }
        await expectAWSError("NoSuchEntity", status: 404, message: "The user policy with name read cannot be found.") {
            try await iam.call("DeleteUserPolicy", IAMAPI.DeleteUserPolicyRequest(userName: "alice", policyName: "read"))
        }
    }

    @Test func groupAndRolePoliciesWorkAlike() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        try await iam.call("CreateGroup", IAMAPI.CreateGroupRequest(groupName: "devs"))
        try await iam.call(
            "CreateRole", IAMAPI.CreateRoleRequest(roleName: "r", assumeRolePolicyDocument: Documents.trustLambda), as: IAMAPI.CreateRoleResponse.self
        )
        try await iam.call("PutGroupPolicy", IAMAPI.PutGroupPolicyRequest(groupName: "devs", policyName: "g", policyDocument: Documents.readLambda))
        try await iam.call("PutRolePolicy", IAMAPI.PutRolePolicyRequest(roleName: "r", policyName: "x", policyDocument: Documents.readLambda))
        let group = try await iam.call(
            "GetGroupPolicy", IAMAPI.GetGroupPolicyRequest(groupName: "devs", policyName: "g"), as: IAMAPI.GetGroupPolicyResponse.self)
        #expect(Documents.decoded(group.policyDocument) == Documents.readLambda)
        let role = try await iam.call(
            "GetRolePolicy", IAMAPI.GetRolePolicyRequest(roleName: "r", policyName: "x"), as: IAMAPI.GetRolePolicyResponse.self)
        #expect(role.roleName == "r")
        #expect(
            try await iam.call("ListGroupPolicies", IAMAPI.ListGroupPoliciesRequest(groupName: "devs"), as: IAMAPI.ListGroupPoliciesResponse.self)
                .policyNames == ["g"])
        #expect(
            try await iam.call("ListRolePolicies", IAMAPI.ListRolePoliciesRequest(roleName: "r"), as: IAMAPI.ListRolePoliciesResponse.self)
                .policyNames == ["x"])
        await expectAWSError("NoSuchEntity", status: 404, message: "The role policy with name nope cannot be found.") {
            try await iam.call("DeleteRolePolicy", IAMAPI.DeleteRolePolicyRequest(roleName: "r", policyName: "nope"))
        }
        try await iam.call("DeleteGroupPolicy", IAMAPI.DeleteGroupPolicyRequest(groupName: "devs", policyName: "g"))
        await expectAWSError("NoSuchEntity", status: 404, message: "The group with name ghosts cannot be found.") {
            try await iam.call(
                "PutGroupPolicy", IAMAPI.PutGroupPolicyRequest(groupName: "ghosts", policyName: "g", policyDocument: Documents.readLambda))
        }
        #expect(
            try await iam.resources(
                "PutRolePolicy", IAMAPI.PutRolePolicyRequest(roleName: "r", policyName: "x", policyDocument: Documents.readLambda)) == [
                    "arn:aws:iam::111122223333:role/r"
                ])
    }

    @Test(arguments: [
        ("{", "Syntax errors in policy."),
        (Documents.noResource, "Policy statement must contain resources."),
        (#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#, "Policy document must be version 2012-10-17 or greater."),
        (Documents.trustLambda, "Policy document should not specify a principal."),
    ])
    func malformedDocumentsAreRefused(document: String, message: String) async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        try await iam.call("CreateUser", IAMAPI.CreateUserRequest(userName: "alice"))
        await expectAWSError("MalformedPolicyDocument", status: 400, message: message) {
            try await iam.call("PutUserPolicy", IAMAPI.PutUserPolicyRequest(userName: "alice", policyName: "p", policyDocument: document))
        }
    }

    @Test func inlinePoliciesOfAUserShareOneQuota() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        try await iam.call("CreateUser", IAMAPI.CreateUserRequest(userName: "alice"))
        let half = Documents.padded(over: 1100)
        try await iam.call("PutUserPolicy", IAMAPI.PutUserPolicyRequest(userName: "alice", policyName: "one", policyDocument: half))
        // Replacing a policy counts it once.
        try await iam.call("PutUserPolicy", IAMAPI.PutUserPolicyRequest(userName: "alice", policyName: "one", policyDocument: half))
        await expectAWSError("LimitExceeded", status: 409, message: "Maximum policy size of 2048 bytes exceeded for user alice") {
            try await iam.call("PutUserPolicy", IAMAPI.PutUserPolicyRequest(userName: "alice", policyName: "two", policyDocument: half))
        }
    }
}
