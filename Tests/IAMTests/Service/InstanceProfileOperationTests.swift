import AWSWire
import BulwarkCore
import Foundation
import IAM
import Testing

@Suite("IAM instance profiles")
struct InstanceProfileOperationTests {
    @Test func oneRolePerProfileAndNoDeletionWhileHeld() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        let created = try await iam.call(
            "CreateInstanceProfile", IAMAPI.CreateInstanceProfileRequest(instanceProfileName: "web", path: "/app/"),
            as: IAMAPI.CreateInstanceProfileResponse.self)
        #expect(created.instanceProfile.arn == "arn:aws:iam::111122223333:instance-profile/app/web")
        #expect(created.instanceProfile.instanceProfileId.hasPrefix("AIPA") && created.instanceProfile.roles.isEmpty)
        #expect(
            try await iam.resources("GetInstanceProfile", IAMAPI.GetInstanceProfileRequest(instanceProfileName: "WEB"))
                == ["arn:aws:iam::111122223333:instance-profile/app/web"])

        for name in ["r1", "r2"] {
            try await iam.call(
                "CreateRole", IAMAPI.CreateRoleRequest(roleName: name, assumeRolePolicyDocument: Documents.trustLambda),
                as: IAMAPI.CreateRoleResponse.self)
        }
        try await iam.call("AddRoleToInstanceProfile", IAMAPI.AddRoleToInstanceProfileRequest(instanceProfileName: "web", roleName: "r1"))
        await expectAWSError("LimitExceeded", status: 409, message: "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1") {
            try await iam.call("AddRoleToInstanceProfile", IAMAPI.AddRoleToInstanceProfileRequest(instanceProfileName: "web", roleName: "r2"))
        }
        let got = try await iam.call(
            "GetInstanceProfile", IAMAPI.GetInstanceProfileRequest(instanceProfileName: "web"), as: IAMAPI.GetInstanceProfileResponse.self)
        #expect(got.instanceProfile.roles.map(\.roleName) == ["r1"])
        #expect(got.instanceProfile.roles.first?.maxSessionDuration == nil)

        await expectAWSError("DeleteConflict", status: 409, message: "Cannot delete entity, must remove roles from instance profile first.") {
            try await iam.call("DeleteRole", IAMAPI.DeleteRoleRequest(roleName: "r1"))
        }
        await expectAWSError("DeleteConflict", status: 409, message: "Cannot delete entity, must remove roles from instance profile first.") {
            try await iam.call("DeleteInstanceProfile", IAMAPI.DeleteInstanceProfileRequest(instanceProfileName: "web"))
        }
        try await iam.call(
            "RemoveRoleFromInstanceProfile", IAMAPI.RemoveRoleFromInstanceProfileRequest(instanceProfileName: "web", roleName: "r1"))
        try await iam.call("DeleteRole", IAMAPI.DeleteRoleRequest(roleName: "r1"))
        try await iam.call("DeleteInstanceProfile", IAMAPI.DeleteInstanceProfileRequest(instanceProfileName: "web"))
        await expectAWSError("NoSuchEntity", status: 404, message: "Instance Profile web cannot be found.") {
            try await iam.call("GetInstanceProfile", IAMAPI.GetInstanceProfileRequest(instanceProfileName: "web"))
        }
    }

    @Test func addingARoleAlsoAsksPassRole() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        try await iam.call("CreateInstanceProfile", IAMAPI.CreateInstanceProfileRequest(instanceProfileName: "web"))
        try await iam.call(
            "CreateRole", IAMAPI.CreateRoleRequest(roleName: "r", assumeRolePolicyDocument: Documents.trustLambda),
            as: IAMAPI.CreateRoleResponse.self)
        let operation = try iam.operation("AddRoleToInstanceProfile")
        let prepared = try operation.prepare(
            try iam.document("AddRoleToInstanceProfile", IAMAPI.AddRoleToInstanceProfileRequest(instanceProfileName: "web", roleName: "r")),
            context: iam.context)
        let checks = try prepared.checks(given: try await iam.resolver.resolve(prepared.references, context: iam.context))
        #expect(checks.map(\.action) == ["iam:AddRoleToInstanceProfile", "iam:PassRole"])
        #expect(
            checks.map(\.resource) == ["arn:aws:iam::111122223333:instance-profile/web", "arn:aws:iam::111122223333:role/r"])
    }
}
