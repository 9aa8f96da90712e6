import AWSWire
import BulwarkCore
import Foundation
import IAM
import Testing

@Suite("IAM attachments and permissions boundaries")
struct AttachmentOperationTests {
    static let basic = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
    static let readOnly = "arn:aws:iam::aws:policy/IAMReadOnlyAccess"

    @Test func attachListAndDetachOnEveryKindOfEntity() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        try await iam.call("CreateUser", IAMAPI.CreateUserRequest(userName: "alice"))
        try await iam.call("CreateGroup", IAMAPI.CreateGroupRequest(groupName: "devs"))
        try await iam.call(
            "CreateRole", IAMAPI.CreateRoleRequest(roleName: "r", assumeRolePolicyDocument: Documents.trustLambda), as: IAMAPI.CreateRoleResponse.self
        )

        try await iam.call("AttachUserPolicy", IAMAPI.AttachUserPolicyRequest(userName: "alice", policyArn: Self.readOnly))
        try await iam.call("AttachUserPolicy", IAMAPI.AttachUserPolicyRequest(userName: "alice", policyArn: Self.basic))
        // Attaching again changes nothing.
        try await iam.call("AttachUserPolicy", IAMAPI.AttachUserPolicyRequest(userName: "alice", policyArn: Self.basic))
        try await iam.call("AttachGroupPolicy", IAMAPI.AttachGroupPolicyRequest(groupName: "devs", policyArn: Self.readOnly))
        try await iam.call("AttachRolePolicy", IAMAPI.AttachRolePolicyRequest(roleName: "r", policyArn: Self.basic))

        let user = try await iam.call(
            "ListAttachedUserPolicies", IAMAPI.ListAttachedUserPoliciesRequest(userName: "alice"), as: IAMAPI.ListAttachedUserPoliciesResponse.self)
        #expect(user.attachedPolicies?.map(\.policyName) == ["AWSLambdaBasicExecutionRole", "IAMReadOnlyAccess"])
        let filtered = try await iam.call(
            "ListAttachedUserPolicies", IAMAPI.ListAttachedUserPoliciesRequest(userName: "alice", pathPrefix: "/service-role/"),
            as: IAMAPI.ListAttachedUserPoliciesResponse.self)
        #expect(filtered.attachedPolicies?.map(\.policyArn) == [Self.basic])
        let paged = try await iam.call(
            "ListAttachedUserPolicies", IAMAPI.ListAttachedUserPoliciesRequest(userName: "alice", maxItems: 1),
            as: IAMAPI.ListAttachedUserPoliciesResponse.self)
        #expect(paged.attachedPolicies?.count == 1 && paged.isTruncated == true)
        let group = try await iam.call(
            "ListAttachedGroupPolicies", IAMAPI.ListAttachedGroupPoliciesRequest(groupName: "devs"), as: IAMAPI.ListAttachedGroupPoliciesResponse.self
        )
        #expect(group.attachedPolicies?.map(\.policyArn) == [Self.readOnly])
        let role = try await iam.call(
            "ListAttachedRolePolicies", IAMAPI.ListAttachedRolePoliciesRequest(roleName: "r"), as: IAMAPI.ListAttachedRolePoliciesResponse.self)
        #expect(role.attachedPolicies?.map(\.policyArn) == [Self.basic])

        let usage = try await iam.call("GetPolicy", IAMAPI.GetPolicyRequest(policyArn: Self.readOnly), as: IAMAPI.GetPolicyResponse.self)
        #expect(usage.policy?.attachmentCount == 2)

        try await iam.call("DetachGroupPolicy", IAMAPI.DetachGroupPolicyRequest(groupName: "devs", policyArn: Self.readOnly))
        await expectAWSError("NoSuchEntity", status: 404, message: "Policy \(Self.readOnly) was not found.") {
            try await iam.call("DetachGroupPolicy", IAMAPI.DetachGroupPolicyRequest(groupName: "devs", policyArn: Self.readOnly))
        }
        try await iam.call("DetachRolePolicy", IAMAPI.DetachRolePolicyRequest(roleName: "r", policyArn: Self.basic))
        #expect(
            try await iam.call(
                "ListAttachedRolePolicies", IAMAPI.ListAttachedRolePoliciesRequest(roleName: "r"), as: IAMAPI.ListAttachedRolePoliciesResponse.self
            ).attachedPolicies?.isEmpty == true)
    }

    @Test func attachingNeedsAnExistingPolicyAndEntity() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        try await iam.call("CreateUser", IAMAPI.CreateUserRequest(userName: "alice"))
        let missing = "arn:aws:iam::aws:policy/NoSuchPolicy"
        await expectAWSError("NoSuchEntity", status: 404, message: "Policy \(missing) does not exist or is not attachable.") {
            try await iam.call("AttachUserPolicy", IAMAPI.AttachUserPolicyRequest(userName: "alice", policyArn: missing))
        }
        await expectAWSError("NoSuchEntity", status: 404, message: "The role with name ghost cannot be found.") {
            try await iam.call("AttachRolePolicy", IAMAPI.AttachRolePolicyRequest(roleName: "ghost", policyArn: Self.basic))
        }
        await expectAWSError("ValidationException", status: 400) {
            try await iam.call("AttachUserPolicy", IAMAPI.AttachUserPolicyRequest(userName: "alice", policyArn: "short"))
        }
    }

    @Test func serviceLinkedRolePoliciesAndDeprecatedPoliciesAreNotAttachable() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        try await iam.call("CreateUser", IAMAPI.CreateUserRequest(userName: "alice"))
        try await iam.call(
            "CreateRole", IAMAPI.CreateRoleRequest(roleName: "r", assumeRolePolicyDocument: Documents.trustLambda), as: IAMAPI.CreateRoleResponse.self
        )
        let serviceLinked = "arn:aws:iam::aws:policy/aws-service-role/AmazonECSServiceRolePolicy"
        await expectAWSError("PolicyNotAttachable", status: 400, message: "Cannot attach a Service Role Policy to a Customer Role.") {
            try await iam.call("AttachRolePolicy", IAMAPI.AttachRolePolicyRequest(roleName: "r", policyArn: serviceLinked))
        }
        await expectAWSError("PolicyNotAttachable", status: 400) {
            try await iam.call("AttachUserPolicy", IAMAPI.AttachUserPolicyRequest(userName: "alice", policyArn: serviceLinked))
        }
        await expectAWSError("PolicyNotAttachable", status: 400) {
            try await iam.call(
                "PutRolePermissionsBoundary", IAMAPI.PutRolePermissionsBoundaryRequest(roleName: "r", permissionsBoundary: serviceLinked))
        }
        // Deprecated (AWSLambdaFullAccess gave way to AWSLambda_FullAccess): IAM attaches it no more.
        let deprecated = "arn:aws:iam::aws:policy/AWSLambdaFullAccess"
        await expectAWSError("NoSuchEntity", status: 404, message: "Policy \(deprecated) does not exist or is not attachable.") {
            try await iam.call("AttachRolePolicy", IAMAPI.AttachRolePolicyRequest(roleName: "r", policyArn: deprecated))
        }
        let attached = try await iam.call(
            "ListAttachedRolePolicies", IAMAPI.ListAttachedRolePoliciesRequest(roleName: "r"), as: IAMAPI.ListAttachedRolePoliciesResponse.self)
        #expect(attached.attachedPolicies?.isEmpty == true)
    }

    @Test func anEntityHasAtMostTenManagedPolicies() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        try await iam.call("CreateGroup", IAMAPI.CreateGroupRequest(groupName: "devs"))
        for index in 0..<11 {
            try await iam.call(
                "CreatePolicy", IAMAPI.CreatePolicyRequest(policyName: "p\(index)", policyDocument: Documents.readLambda),
                as: IAMAPI.CreatePolicyResponse.self)
        }
        for index in 0..<10 {
            try await iam.call(
                "AttachGroupPolicy", IAMAPI.AttachGroupPolicyRequest(groupName: "devs", policyArn: "arn:aws:iam::111122223333:policy/p\(index)"))
        }
        await expectAWSError("LimitExceeded", status: 409, message: "Cannot exceed quota for PoliciesPerGroup: 10") {
            try await iam.call(
                "AttachGroupPolicy", IAMAPI.AttachGroupPolicyRequest(groupName: "devs", policyArn: "arn:aws:iam::111122223333:policy/p10"))
        }
    }

    @Test func permissionsBoundariesAreSetShownAndRemoved() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        try await iam.call("CreateUser", IAMAPI.CreateUserRequest(userName: "alice"))
        try await iam.call(
            "CreateRole", IAMAPI.CreateRoleRequest(roleName: "r", assumeRolePolicyDocument: Documents.trustLambda, permissionsBoundary: Self.basic),
            as: IAMAPI.CreateRoleResponse.self)
        let role = try await iam.call("GetRole", IAMAPI.GetRoleRequest(roleName: "r"), as: IAMAPI.GetRoleResponse.self)
        #expect(
            role.role.permissionsBoundary
                == IAMAPI.AttachedPermissionsBoundary(permissionsBoundaryType: "PermissionsBoundaryPolicy", permissionsBoundaryArn: Self.basic))

        try await iam.call(
            "PutUserPermissionsBoundary", IAMAPI.PutUserPermissionsBoundaryRequest(userName: "alice", permissionsBoundary: Self.readOnly))
        var user = try await iam.call("GetUser", IAMAPI.GetUserRequest(userName: "alice"), as: IAMAPI.GetUserResponse.self)
        #expect(user.user.permissionsBoundary?.permissionsBoundaryArn == Self.readOnly)
        let usage = try await iam.call("GetPolicy", IAMAPI.GetPolicyRequest(policyArn: Self.readOnly), as: IAMAPI.GetPolicyResponse.self)
        #expect(usage.policy?.permissionsBoundaryUsageCount == 1)

        try await iam.call("DeleteUserPermissionsBoundary", IAMAPI.DeleteUserPermissionsBoundaryRequest(userName: "alice"))
        user = try await iam.call("GetUser", IAMAPI.GetUserRequest(userName: "alice"), as: IAMAPI.GetUserResponse.self)
        #expect(user.user.permissionsBoundary == nil)
        try await iam.call("DeleteRolePermissionsBoundary", IAMAPI.DeleteRolePermissionsBoundaryRequest(roleName: "r"))
        #expect(try await iam.call("GetRole", IAMAPI.GetRoleRequest(roleName: "r"), as: IAMAPI.GetRoleResponse.self).role.permissionsBoundary == nil)

        let missing = "arn:aws:iam::111122223333:policy/nope"
        await expectAWSError("NoSuchEntity", status: 404, message: "Scope ARN: \(missing) does not exist or is not attachable.") {
            try await iam.call("PutRolePermissionsBoundary", IAMAPI.PutRolePermissionsBoundaryRequest(roleName: "r", permissionsBoundary: missing))
        }
        await expectAWSError("NoSuchEntity", status: 404) {
            try await iam.call("CreateUser", IAMAPI.CreateUserRequest(userName: "bob", permissionsBoundary: missing))
        }
        await expectAWSError("NoSuchEntity", status: 404) {
            try await iam.call(
                "PutUserPermissionsBoundary", IAMAPI.PutUserPermissionsBoundaryRequest(userName: "ghost", permissionsBoundary: Self.basic))
        }
    }
}
