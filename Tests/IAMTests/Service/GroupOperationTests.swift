import AWSWire
import BulwarkCore
import Foundation
import IAM
import Testing

@Suite("IAM groups")
struct GroupOperationTests {
    @Test func createGetListAndDeleteGroups() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        let created = try await iam.call(
            "CreateGroup", IAMAPI.CreateGroupRequest(path: "/teams/", groupName: "devs"), as: IAMAPI.CreateGroupResponse.self)
        #expect(created.group.arn == "arn:aws:iam::111122223333:group/teams/devs")
        #expect(created.group.groupId.hasPrefix("AGPA"))
        try await iam.call("CreateGroup", IAMAPI.CreateGroupRequest(groupName: "admins"))
        let listed = try await iam.call("ListGroups", IAMAPI.ListGroupsRequest(), as: IAMAPI.ListGroupsResponse.self)
        #expect(listed.groups.map(\.groupName) == ["admins", "devs"])
        let teams = try await iam.call("ListGroups", IAMAPI.ListGroupsRequest(pathPrefix: "/teams/"), as: IAMAPI.ListGroupsResponse.self)
        #expect(teams.groups.map(\.groupName) == ["devs"])
        await expectAWSError("EntityAlreadyExists", status: 409, message: "Group with name Devs already exists.") {
            try await iam.call("CreateGroup", IAMAPI.CreateGroupRequest(groupName: "Devs"))
        }
        try await iam.call("DeleteGroup", IAMAPI.DeleteGroupRequest(groupName: "admins"))
        await expectAWSError("NoSuchEntity", status: 404, message: "The group with name admins cannot be found.") {
            try await iam.call("GetGroup", IAMAPI.GetGroupRequest(groupName: "admins"), as: IAMAPI.GetGroupResponse.self)
        }
    }

    @Test func membershipIsListedBothWaysAndPaged() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        try await iam.call("CreateGroup", IAMAPI.CreateGroupRequest(groupName: "devs"))
        for name in ["carol", "alice", "bob"] {
            try await iam.call("CreateUser", IAMAPI.CreateUserRequest(userName: name))
            try await iam.call("AddUserToGroup", IAMAPI.AddUserToGroupRequest(groupName: "devs", userName: name))
        }
        // Adding twice is harmless, as in IAM.
        try await iam.call("AddUserToGroup", IAMAPI.AddUserToGroupRequest(groupName: "devs", userName: "alice"))
        let first = try await iam.call("GetGroup", IAMAPI.GetGroupRequest(groupName: "devs", maxItems: 2), as: IAMAPI.GetGroupResponse.self)
        #expect(first.users.map(\.userName) == ["alice", "bob"] && first.isTruncated == true)
        let rest = try await iam.call(
            "GetGroup", IAMAPI.GetGroupRequest(groupName: "devs", marker: first.marker), as: IAMAPI.GetGroupResponse.self)
        #expect(rest.users.map(\.userName) == ["carol"] && rest.isTruncated == false)
        let groups = try await iam.call(
            "ListGroupsForUser", IAMAPI.ListGroupsForUserRequest(userName: "bob"), as: IAMAPI.ListGroupsForUserResponse.self)
        #expect(groups.groups.map(\.groupName) == ["devs"])

        await expectAWSError("DeleteConflict", status: 409, message: "Cannot delete entity, must remove users from group first.") {
            try await iam.call("DeleteGroup", IAMAPI.DeleteGroupRequest(groupName: "devs"))
        }
        try await iam.call("RemoveUserFromGroup", IAMAPI.RemoveUserFromGroupRequest(groupName: "devs", userName: "bob"))
        await expectAWSError("NoSuchEntity", status: 404) {
            try await iam.call("RemoveUserFromGroup", IAMAPI.RemoveUserFromGroupRequest(groupName: "devs", userName: "bob"))
        }
    }

    @Test func membershipNeedsBothEntitiesAndRespectsTheQuota() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        try await iam.call("CreateUser", IAMAPI.CreateUserRequest(userName: "alice"))
        await expectAWSError("NoSuchEntity", status: 404, message: "The group with name nope cannot be found.") {
            try await iam.call("AddUserToGroup", IAMAPI.AddUserToGroupRequest(groupName: "nope", userName: "alice"))
        }
        try await iam.call("CreateGroup", IAMAPI.CreateGroupRequest(groupName: "g0"))
        await expectAWSError("NoSuchEntity", status: 404, message: "The user with name ghost cannot be found.") {
            try await iam.call("AddUserToGroup", IAMAPI.AddUserToGroupRequest(groupName: "g0", userName: "ghost"))
        }
        for index in 0..<10 {
            if index > 0 { try await iam.call("CreateGroup", IAMAPI.CreateGroupRequest(groupName: "g\(index)")) }
            try await iam.call("AddUserToGroup", IAMAPI.AddUserToGroupRequest(groupName: "g\(index)", userName: "alice"))
        }
        try await iam.call("CreateGroup", IAMAPI.CreateGroupRequest(groupName: "g10"))
        await expectAWSError("LimitExceeded", status: 409, message: "Cannot exceed quota for GroupsPerUser: 10") {
            try await iam.call("AddUserToGroup", IAMAPI.AddUserToGroupRequest(groupName: "g10", userName: "alice"))
        }
        await expectAWSError("NoSuchEntity", status: 404) {
            try await iam.call("ListGroupsForUser", IAMAPI.ListGroupsForUserRequest(userName: "ghost"), as: IAMAPI.ListGroupsForUserResponse.self)
        }
    }

    @Test func groupOperationsAreAuthorizedOnTheGroup() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        try await iam.call("CreateGroup", IAMAPI.CreateGroupRequest(path: "/t/", groupName: "devs"))
        let arn = "arn:aws:iam::111122223333:group/t/devs"
        #expect(try await iam.resources("AddUserToGroup", IAMAPI.AddUserToGroupRequest(groupName: "devs", userName: "x")) == [arn])
        #expect(try await iam.resources("RemoveUserFromGroup", IAMAPI.RemoveUserFromGroupRequest(groupName: "devs", userName: "x")) == [arn])
        #expect(try await iam.resources("ListGroupsForUser", IAMAPI.ListGroupsForUserRequest(userName: "x")) == ["arn:aws:iam::111122223333:user/x"])
        #expect(try await iam.resources("ListGroups", IAMAPI.ListGroupsRequest()) == ["*"])
    }
}
