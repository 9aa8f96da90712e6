import AWSWire
import BulwarkCore
import Foundation
import Testing

@testable import IAM

@Suite("IAM service-linked roles")
struct ServiceLinkedRoleOperationTests {
    static let ecsPolicy = "arn:aws:iam::aws:policy/aws-service-role/AmazonECSServiceRolePolicy"

    @Test func everyTemplateNamesAServiceRolePolicyOfTheCatalog() {
        #expect(ServiceLinkedRoleTemplate.all.count >= 60)
        #expect(Set(ServiceLinkedRoleTemplate.all.map(\.servicePrincipal)).count == ServiceLinkedRoleTemplate.all.count)
        for template in ServiceLinkedRoleTemplate.all {
            #expect(AWSManagedPolicies.policy(arn: template.policyARN)?.isServiceLinkedRolePolicy == true, "\(template.policyARN)")
            #expect(template.roleName.hasPrefix("AWSServiceRoleFor") && template.roleName.count <= 64)
        }
        #expect(
            Set(ServiceLinkedRoleTemplate.all.filter(\.allowsCustomSuffix).map(\.servicePrincipal))
                == ["autoscaling.amazonaws.com", "connect.amazonaws.com", "lexv2.amazonaws.com"])
    }

    @Test(
        arguments: [
            ("autoscaling.amazonaws.com", nil, "AWSServiceRoleForAutoScaling"),
            ("autoscaling.amazonaws.com", "blue", "AWSServiceRoleForAutoScaling_blue"),
            ("replicator.lambda.amazonaws.com", nil, "AWSServiceRoleForLambdaReplicator"),
            ("elasticloadbalancing.amazonaws.com", nil, "AWSServiceRoleForElasticLoadBalancing"),
        ] as [(String, String?, String)])
    func roleNames(service: String, suffix: String?, name: String) throws {
        #expect(try #require(ServiceLinkedRoleTemplate.of(service)).roleName(suffix: suffix) == name)
    }

    @Test(arguments: [
        ("task/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS/6f1c4c4e-2b8a-4c4e-9d4f-0a1b2c3d4e5f", true),
        ("task/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS/not-a-uuid", false),
        ("task/aws-service-role/ecs.amazonaws.com/6f1c4c4e-2b8a-4c4e-9d4f-0a1b2c3d4e5f", false),
        ("task/service-role/ecs.amazonaws.com/AWSServiceRoleForECS/6f1c4c4e-2b8a-4c4e-9d4f-0a1b2c3d4e5f", false),
        ("task/aws-service-role//AWSServiceRoleForECS/6f1c4c4e-2b8a-4c4e-9d4f-0a1b2c3d4e5f", false),
        ("task/aws-service-role/ecs.amazonaws.com/AWS*/6f1c4c4e-2b8a-4c4e-9d4f-0a1b2c3d4e5f", false),
        ("whatever", false),
    ])
    func deletionTaskIDs(text: String, valid: Bool) {
        let parsed = ServiceLinkedRoleDeletionTaskID(text)
        #expect((parsed != nil) == valid)
        if let parsed {
            #expect(parsed.text == text)
            #expect(
                parsed.roleARN(accountID: "111122223333") == "arn:aws:iam::111122223333:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS")
        }
    }

    @Test func createProtectAndDelete() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        let created = try await iam.call(
            "CreateServiceLinkedRole", IAMAPI.CreateServiceLinkedRoleRequest(awsServiceName: "ecs.amazonaws.com", description: "for ECS"),
            as: IAMAPI.CreateServiceLinkedRoleResponse.self)
        let role = try #require(created.role)
        #expect(role.roleName == "AWSServiceRoleForECS" && role.path == "/aws-service-role/ecs.amazonaws.com/")
        #expect(role.arn == "arn:aws:iam::111122223333:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS")
        #expect(role.description == "for ECS" && role.roleId.hasPrefix("AROA"))
        let attached = try await iam.call(
            "ListAttachedRolePolicies", IAMAPI.ListAttachedRolePoliciesRequest(roleName: "AWSServiceRoleForECS"),
            as: IAMAPI.ListAttachedRolePoliciesResponse.self)
        #expect(attached.attachedPolicies?.map(\.policyArn) == [Self.ecsPolicy])

        await expectAWSError(
            "InvalidInput", status: 400,
            message: "Service role name AWSServiceRoleForECS has been taken in this account, please try a different suffix."
        ) {
            try await iam.call("CreateServiceLinkedRole", IAMAPI.CreateServiceLinkedRoleRequest(awsServiceName: "ecs.amazonaws.com"))
        }
        await expectAWSError("InvalidInput", status: 400, message: "Custom suffix is not allowed for ecs.amazonaws.com") {
            try await iam.call(
                "CreateServiceLinkedRole", IAMAPI.CreateServiceLinkedRoleRequest(awsServiceName: "ecs.amazonaws.com", customSuffix: "x"))
        }

        let protected = "Cannot perform the operation on the protected role 'AWSServiceRoleForECS' - this role is only modifiable by AWS"
        let name = "AWSServiceRoleForECS"
        let changes: [(String, any Encodable)] = [
            ("DeleteRole", IAMAPI.DeleteRoleRequest(roleName: name)),
            ("UpdateAssumeRolePolicy", IAMAPI.UpdateAssumeRolePolicyRequest(roleName: name, policyDocument: Documents.trustLambda)),
            ("PutRolePolicy", IAMAPI.PutRolePolicyRequest(roleName: name, policyName: "p", policyDocument: Documents.allowAll)),
            ("DeleteRolePolicy", IAMAPI.DeleteRolePolicyRequest(roleName: name, policyName: "p")),
            ("AttachRolePolicy", IAMAPI.AttachRolePolicyRequest(roleName: name, policyArn: AttachmentOperationTests.readOnly)),
            ("DetachRolePolicy", IAMAPI.DetachRolePolicyRequest(roleName: name, policyArn: Self.ecsPolicy)),
            (
                "PutRolePermissionsBoundary",
                IAMAPI.PutRolePermissionsBoundaryRequest(roleName: name, permissionsBoundary: AttachmentOperationTests.readOnly)
            ),
            ("DeleteRolePermissionsBoundary", IAMAPI.DeleteRolePermissionsBoundaryRequest(roleName: name)),
        ]
        for (operation, input) in changes {
            await expectAWSError("UnmodifiableEntity", status: 400, message: protected) { try await iam.call(operation, input) }
        }
        await expectAWSError(
            "UnmodifiableEntity", status: 400, message: "AWSServiceRoleForECS is an AWS service linked role, max session duration cannot be changed."
        ) {
            try await iam.call("UpdateRole", IAMAPI.UpdateRoleRequest(roleName: name, maxSessionDuration: 7200))
        }
        // Its description and tags are the account's to change.
        try await iam.call("UpdateRole", IAMAPI.UpdateRoleRequest(roleName: name, description: "mine"))
        try await iam.call("TagRole", IAMAPI.TagRoleRequest(roleName: name, tags: [IAMAPI.Tag(key: "team", value: "ops")]))

        let deleted = try await iam.call(
            "DeleteServiceLinkedRole", IAMAPI.DeleteServiceLinkedRoleRequest(roleName: "awsserviceroleforecs"),
            as: IAMAPI.DeleteServiceLinkedRoleResponse.self)
        let task = try #require(ServiceLinkedRoleDeletionTaskID(deleted.deletionTaskId))
        #expect(task.servicePrincipal == "ecs.amazonaws.com" && task.roleName == name)
        let status = try await iam.call(
            "GetServiceLinkedRoleDeletionStatus", IAMAPI.GetServiceLinkedRoleDeletionStatusRequest(deletionTaskId: deleted.deletionTaskId),
            as: IAMAPI.GetServiceLinkedRoleDeletionStatusResponse.self)
        #expect(status.status == "SUCCEEDED" && status.reason == nil)
        await expectAWSError("NoSuchEntity", status: 404) {
            try await iam.call("GetRole", IAMAPI.GetRoleRequest(roleName: name))
        }
        // The policy went with the role: a new one starts with only its service's policy.
        try await iam.call("CreateServiceLinkedRole", IAMAPI.CreateServiceLinkedRoleRequest(awsServiceName: "ecs.amazonaws.com"))
    }

    @Test func refusals() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        await expectAWSError("InvalidInput", status: 400) {
            try await iam.call("CreateServiceLinkedRole", IAMAPI.CreateServiceLinkedRoleRequest(awsServiceName: "nothing.amazonaws.com"))
        }
        // Service principals are case-sensitive.
        await expectAWSError("InvalidInput", status: 400) {
            try await iam.call("CreateServiceLinkedRole", IAMAPI.CreateServiceLinkedRoleRequest(awsServiceName: "ECS.amazonaws.com"))
        }
        await expectAWSError("InvalidInput", status: 400) {
            try await iam.call(
                "CreateServiceLinkedRole",
                IAMAPI.CreateServiceLinkedRoleRequest(awsServiceName: "autoscaling.amazonaws.com", customSuffix: String(repeating: "s", count: 40)))
        }
        try await iam.call("CreateRole", IAMAPI.CreateRoleRequest(roleName: "plain", assumeRolePolicyDocument: Documents.trustLambda))
        await expectAWSError("NoSuchEntity", status: 404) {
            try await iam.call("DeleteServiceLinkedRole", IAMAPI.DeleteServiceLinkedRoleRequest(roleName: "plain"))
        }
        try await iam.call("DeleteRole", IAMAPI.DeleteRoleRequest(roleName: "plain"))
        await expectAWSError("InvalidInput", status: 400) {
            try await iam.call("GetServiceLinkedRoleDeletionStatus", IAMAPI.GetServiceLinkedRoleDeletionStatusRequest(deletionTaskId: "task/nothing"))
        }
        await expectAWSError("NoSuchEntity", status: 404) {
            try await iam.call(
                "GetServiceLinkedRoleDeletionStatus",
                IAMAPI.GetServiceLinkedRoleDeletionStatusRequest(
                    deletionTaskId: "task/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS/6f1c4c4e-2b8a-4c4e-9d4f-0a1b2c3d4e5f"))
        }
    }

    @Test func authorizedOnTheRoleWithTheServiceName() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        let input = IAMAPI.CreateServiceLinkedRoleRequest(awsServiceName: "autoscaling.amazonaws.com", customSuffix: "blue")
        #expect(
            try await iam.resources("CreateServiceLinkedRole", input) == [
                "arn:aws:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling_blue"
            ])
        let prepared = try iam.operation("CreateServiceLinkedRole").prepare(try iam.document("CreateServiceLinkedRole", input), context: iam.context)
        let resolution = try await iam.resolver.resolve(prepared.references, context: iam.context)
        let keys = try prepared.checks(given: resolution).first?.conditionKeys["iam:AWSServiceName"]
        #expect(keys == .single("autoscaling.amazonaws.com"))
        #expect(
            try await iam.resources("CreateServiceLinkedRole", IAMAPI.CreateServiceLinkedRoleRequest(awsServiceName: "nothing.amazonaws.com"))
                == ["*"])
        #expect(
            try await iam.resources(
                "GetServiceLinkedRoleDeletionStatus",
                IAMAPI.GetServiceLinkedRoleDeletionStatusRequest(
                    deletionTaskId: "task/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS/6f1c4c4e-2b8a-4c4e-9d4f-0a1b2c3d4e5f"))
                == ["arn:aws:iam::111122223333:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS"])
    }
}
