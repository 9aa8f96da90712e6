import AWSWire
import BulwarkCore
import Foundation
import IAM
import Testing

@Suite("IAM account authorization details and AWS managed policies")
struct AuthorizationDetailsTests {
    @Test func snapshotShowsEntitiesTheirPoliciesAndRelations() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        try await iam.call("CreateUser", IAMAPI.CreateUserRequest(userName: "alice"))
        try await iam.call("CreateGroup", IAMAPI.CreateGroupRequest(groupName: "devs"))
        try await iam.call("AddUserToGroup", IAMAPI.AddUserToGroupRequest(groupName: "devs", userName: "alice"))
        try await iam.call("PutUserPolicy", IAMAPI.PutUserPolicyRequest(userName: "alice", policyName: "p", policyDocument: Documents.readLambda))
        try await iam.call(
            "CreateRole", IAMAPI.CreateRoleRequest(roleName: "r", assumeRolePolicyDocument: Documents.trustLambda), as: IAMAPI.CreateRoleResponse.self
        )
        try await iam.call(
            "AttachRolePolicy", IAMAPI.AttachRolePolicyRequest(roleName: "r", policyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaRole"))
        try await iam.call(
            "CreatePolicy", IAMAPI.CreatePolicyRequest(policyName: "mine", policyDocument: Documents.allowAll), as: IAMAPI.CreatePolicyResponse.self)

        let all = try await iam.call(
            "GetAccountAuthorizationDetails", IAMAPI.GetAccountAuthorizationDetailsRequest(), as: IAMAPI.GetAccountAuthorizationDetailsResponse.self)
        let user = try #require(all.userDetailList?.first)
        #expect(user.userName == "alice" && user.groupList == ["devs"])
        #expect(user.userPolicyList?.map(\.policyName) == ["p"])
        #expect(Documents.decoded(user.userPolicyList?.first?.policyDocument) == Documents.readLambda)
        #expect(all.groupDetailList?.map(\.groupName) == ["devs"])
        let role = try #require(all.roleDetailList?.first)
        #expect(role.attachedManagedPolicies?.map(\.policyName) == ["AWSLambdaRole"])
        #expect(Documents.decoded(role.assumeRolePolicyDocument) == Documents.trustLambda)
        // Local policies, and of AWS's only those in use.
        #expect(Set(all.policies?.compactMap(\.policyName) ?? []) == ["mine", "AWSLambdaRole"])
        #expect(all.policies?.first { $0.policyName == "mine" }?.policyVersionList?.first?.isDefaultVersion == true)
        #expect(all.isTruncated == false)

        let roles = try await iam.call(
            "GetAccountAuthorizationDetails", IAMAPI.GetAccountAuthorizationDetailsRequest(filter: ["Role"]),
            as: IAMAPI.GetAccountAuthorizationDetailsResponse.self)
        #expect(roles.userDetailList?.isEmpty == true && roles.roleDetailList?.count == 1 && roles.policies?.isEmpty == true)

        var entities = 0
        var marker: String?
        repeat {
            let page = try await iam.call(
                "GetAccountAuthorizationDetails", IAMAPI.GetAccountAuthorizationDetailsRequest(maxItems: 2, marker: marker),
                as: IAMAPI.GetAccountAuthorizationDetailsResponse.self)
            entities +=
                (page.userDetailList?.count ?? 0) + (page.groupDetailList?.count ?? 0) + (page.roleDetailList?.count ?? 0)
                + (page.policies?.count ?? 0)
            marker = page.marker
        } while marker != nil
        #expect(entities == 5)

        await expectAWSError("ValidationException", status: 400) {
            try await iam.call(
                "GetAccountAuthorizationDetails", IAMAPI.GetAccountAuthorizationDetailsRequest(filter: ["Everything"]),
                as: IAMAPI.GetAccountAuthorizationDetailsResponse.self)
        }
    }
}
