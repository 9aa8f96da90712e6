import AWSWire
import BulwarkCore
import Foundation
import IAM
import Testing

@Suite("IAM users")
struct UserOperationTests {
    @Test func createGetAndListUsers() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        let created = try await iam.call(
            "CreateUser", IAMAPI.CreateUserRequest(path: "/division/", userName: "alice", tags: [IAMAPI.Tag(key: "team", value: "a")]),
            as: IAMAPI.CreateUserResponse.self)
        let user = try #require(created.user)
        #expect(user.arn == "arn:aws:iam::\(IAMServiceHarness.accountID):user/division/alice")
        #expect(user.userId.hasPrefix("AIDA") && user.userId.count == 21)
        #expect(user.tags == [IAMAPI.Tag(key: "team", value: "a")])

        let got = try await iam.call("GetUser", IAMAPI.GetUserRequest(userName: "alice"), as: IAMAPI.GetUserResponse.self)
        #expect(got.user.userId == user.userId)
        #expect(got.user.path == "/division/")

        try await iam.call("CreateUser", IAMAPI.CreateUserRequest(userName: "bob"))
        let listed = try await iam.call("ListUsers", IAMAPI.ListUsersRequest(), as: IAMAPI.ListUsersResponse.self)
        #expect(listed.users.map(\.userName) == ["alice", "bob"])
        #expect(listed.users.allSatisfy { $0.tags == nil })
        #expect(listed.isTruncated == false)
        let division = try await iam.call("ListUsers", IAMAPI.ListUsersRequest(pathPrefix: "/division/"), as: IAMAPI.ListUsersResponse.self)
        #expect(division.users.map(\.userName) == ["alice"])
    }

    @Test func listUsersPagesWithMarker() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        for name in ["carol", "Alice", "bob", "dave", "erin"] {
            try await iam.call("CreateUser", IAMAPI.CreateUserRequest(userName: name))
        }
        var names: [String] = []
        var marker: String?
        var pages = 0
        repeat {
            let page = try await iam.call("ListUsers", IAMAPI.ListUsersRequest(marker: marker, maxItems: 2), as: IAMAPI.ListUsersResponse.self)
            names += page.users.map(\.userName)
            marker = page.marker
            #expect((page.isTruncated == true) == (marker != nil))
            pages += 1
        } while marker != nil
        #expect(names == ["Alice", "bob", "carol", "dave", "erin"])
        #expect(pages == 3)
        await expectAWSError("ValidationError", status: 400) {
            try await iam.call("ListUsers", IAMAPI.ListUsersRequest(marker: "not base64!"), as: IAMAPI.ListUsersResponse.self)
        }
    }

    @Test func duplicateUserNamesConflictIgnoringCase() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        try await iam.call("CreateUser", IAMAPI.CreateUserRequest(userName: "alice"))
        await expectAWSError("EntityAlreadyExists", status: 409, message: "User with name ALICE already exists.") {
            try await iam.call("CreateUser", IAMAPI.CreateUserRequest(userName: "ALICE"))
        }
    }

    @Test(arguments: ["has space", "semi;colon", String(repeating: "n", count: 65), ""])
    func invalidUserNamesAreRefusedByTheModel(name: String) async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        await expectAWSError("ValidationException", status: 400) {
            try await iam.call("CreateUser", IAMAPI.CreateUserRequest(userName: name))
        }
    }

    @Test func invalidPathIsRefused() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        await expectAWSError("ValidationException", status: 400) {
            try await iam.call("CreateUser", IAMAPI.CreateUserRequest(path: "no-slashes", userName: "alice"))
        }
    }

    @Test func missingUsersAreNoSuchEntity() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        let message = "The user with name ghost cannot be found."
        await expectAWSError("NoSuchEntity", status: 404, message: message) {
            try await iam.call("GetUser", IAMAPI.GetUserRequest(userName: "ghost"), as: IAMAPI.GetUserResponse.self)
        }
        await expectAWSError("NoSuchEntity", status: 404, message: message) {
            try await iam.call("DeleteUser", IAMAPI.DeleteUserRequest(userName: "ghost"))
        }
        await expectAWSError("NoSuchEntity", status: 404, message: message) {
            try await iam.call("UpdateUser", IAMAPI.UpdateUserRequest(userName: "ghost", newUserName: "spirit"))
        }
        await expectAWSError("NoSuchEntity", status: 404, message: message) {
            try await iam.call("TagUser", IAMAPI.TagUserRequest(userName: "ghost", tags: [IAMAPI.Tag(key: "k", value: "v")]))
        }
    }

    @Test func getUserWithoutNameAnswersTheCaller() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        try await iam.call("CreateUser", IAMAPI.CreateUserRequest(userName: "alice"))
        let alice = try await iam.asUser("alice")
        let own = try await iam.call("GetUser", IAMAPI.GetUserRequest(), as: IAMAPI.GetUserResponse.self, context: alice)
        #expect(own.user.userName == "alice")
        #expect(try await iam.resources("GetUser", IAMAPI.GetUserRequest(), context: alice) == [alice.principal.arn])

        let root = try await iam.call("GetUser", IAMAPI.GetUserRequest(), as: IAMAPI.GetUserResponse.self)
        #expect(root.user.userId == IAMServiceHarness.accountID)
        #expect(root.user.arn == "arn:aws:iam::\(IAMServiceHarness.accountID):root")

        let session = IAMServiceHarness.context(
            Principal(
                kind: .assumedRole, accountID: IAMServiceHarness.accountID, arn: "arn:aws:sts::111122223333:assumed-role/r/s", principalID: "AROA:s"))
        await expectAWSError("ValidationError", status: 400, message: "Must specify userName when calling with non-User credentials") {
            try await iam.call("GetUser", IAMAPI.GetUserRequest(), as: IAMAPI.GetUserResponse.self, context: session)
        }
    }

    @Test func updateUserRenamesAndCarriesEverythingAlong() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        try await iam.call("CreateUser", IAMAPI.CreateUserRequest(userName: "alice"))
        try await iam.call("CreateUser", IAMAPI.CreateUserRequest(userName: "bob"))
        try await iam.call("CreateGroup", IAMAPI.CreateGroupRequest(groupName: "devs"))
        try await iam.call("AddUserToGroup", IAMAPI.AddUserToGroupRequest(groupName: "devs", userName: "alice"))
        try await iam.call("PutUserPolicy", IAMAPI.PutUserPolicyRequest(userName: "alice", policyName: "p", policyDocument: Documents.readLambda))
        try await iam.call("CreateAccessKey", IAMAPI.CreateAccessKeyRequest(userName: "alice"), as: IAMAPI.CreateAccessKeyResponse.self)

        #expect(
            try await iam.resources("UpdateUser", IAMAPI.UpdateUserRequest(userName: "alice", newPath: "/ops/", newUserName: "alicia")) == [
                "arn:aws:iam::111122223333:user/alice", "arn:aws:iam::111122223333:user/ops/alicia",
            ])
        await expectAWSError("EntityAlreadyExists", status: 409) {
            try await iam.call("UpdateUser", IAMAPI.UpdateUserRequest(userName: "alice", newUserName: "Bob"))
        }
        // Named in another case, the user is still the stored one, with everything that names it in its own case.
        try await iam.call("UpdateUser", IAMAPI.UpdateUserRequest(userName: "ALICE", newPath: "/ops/", newUserName: "alicia"))
        let renamed = try await iam.call("GetUser", IAMAPI.GetUserRequest(userName: "alicia"), as: IAMAPI.GetUserResponse.self)
        #expect(renamed.user.arn == "arn:aws:iam::111122223333:user/ops/alicia")
        let groups = try await iam.call(
            "ListGroupsForUser", IAMAPI.ListGroupsForUserRequest(userName: "alicia"), as: IAMAPI.ListGroupsForUserResponse.self)
        #expect(groups.groups.map(\.groupName) == ["devs"])
        let policies = try await iam.call(
            "ListUserPolicies", IAMAPI.ListUserPoliciesRequest(userName: "alicia"), as: IAMAPI.ListUserPoliciesResponse.self)
        #expect(policies.policyNames == ["p"])
        let keys = try await iam.call("ListAccessKeys", IAMAPI.ListAccessKeysRequest(userName: "alicia"), as: IAMAPI.ListAccessKeysResponse.self)
        #expect(keys.accessKeyMetadata.count == 1)
        await expectAWSError("DeleteConflict", status: 409) {
            try await iam.call("DeleteUser", IAMAPI.DeleteUserRequest(userName: "alicia"))
        }
        await expectAWSError("NoSuchEntity", status: 404) {
            try await iam.call("GetUser", IAMAPI.GetUserRequest(userName: "alice"), as: IAMAPI.GetUserResponse.self)
        }
    }

    @Test func deleteUserRefusesWhileSomethingDependsOnIt() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        try await iam.call("CreateUser", IAMAPI.CreateUserRequest(userName: "alice"))
        let key = try await iam.call("CreateAccessKey", IAMAPI.CreateAccessKeyRequest(userName: "alice"), as: IAMAPI.CreateAccessKeyResponse.self)
        await expectAWSError("DeleteConflict", status: 409, message: "Cannot delete entity, must delete access keys first.") {
            try await iam.call("DeleteUser", IAMAPI.DeleteUserRequest(userName: "alice"))
        }
        try await iam.call("DeleteAccessKey", IAMAPI.DeleteAccessKeyRequest(userName: "alice", accessKeyId: key.accessKey.accessKeyId))

        try await iam.call("PutUserPolicy", IAMAPI.PutUserPolicyRequest(userName: "alice", policyName: "p", policyDocument: Documents.readLambda))
        await expectAWSError("DeleteConflict", status: 409, message: "Cannot delete entity, must delete policies first.") {
            try await iam.call("DeleteUser", IAMAPI.DeleteUserRequest(userName: "alice"))
        }
        try await iam.call("DeleteUserPolicy", IAMAPI.DeleteUserPolicyRequest(userName: "alice", policyName: "p"))

        try await iam.call(
            "AttachUserPolicy", IAMAPI.AttachUserPolicyRequest(userName: "alice", policyArn: "arn:aws:iam::aws:policy/IAMReadOnlyAccess"))
        await expectAWSError("DeleteConflict", status: 409, message: "Cannot delete entity, must detach all policies first.") {
            try await iam.call("DeleteUser", IAMAPI.DeleteUserRequest(userName: "alice"))
        }
        try await iam.call(
            "DetachUserPolicy", IAMAPI.DetachUserPolicyRequest(userName: "alice", policyArn: "arn:aws:iam::aws:policy/IAMReadOnlyAccess"))

        try await iam.call("CreateGroup", IAMAPI.CreateGroupRequest(groupName: "devs"))
        try await iam.call("AddUserToGroup", IAMAPI.AddUserToGroupRequest(groupName: "devs", userName: "alice"))
        await expectAWSError("DeleteConflict", status: 409) {
            try await iam.call("DeleteUser", IAMAPI.DeleteUserRequest(userName: "alice"))
        }
        try await iam.call("RemoveUserFromGroup", IAMAPI.RemoveUserFromGroupRequest(groupName: "devs", userName: "alice"))
        try await iam.call("DeleteUser", IAMAPI.DeleteUserRequest(userName: "alice"))
        await expectAWSError("NoSuchEntity", status: 404) {
            try await iam.call("GetUser", IAMAPI.GetUserRequest(userName: "alice"), as: IAMAPI.GetUserResponse.self)
        }
    }

    @Test func tagsAreMergedCaseInsensitivelyRemovedAndPaged() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        try await iam.call("CreateUser", IAMAPI.CreateUserRequest(userName: "alice", tags: [IAMAPI.Tag(key: "Team", value: "a")]))
        try await iam.call(
            "TagUser", IAMAPI.TagUserRequest(userName: "alice", tags: [IAMAPI.Tag(key: "team", value: "b"), IAMAPI.Tag(key: "env", value: "dev")]))
        var tags = try await iam.call("ListUserTags", IAMAPI.ListUserTagsRequest(userName: "alice"), as: IAMAPI.ListUserTagsResponse.self)
        #expect(tags.tags == [IAMAPI.Tag(key: "team", value: "b"), IAMAPI.Tag(key: "env", value: "dev")])
        let first = try await iam.call(
            "ListUserTags", IAMAPI.ListUserTagsRequest(userName: "alice", maxItems: 1), as: IAMAPI.ListUserTagsResponse.self)
        #expect(first.tags.map(\.key) == ["team"] && first.isTruncated == true)
        let second = try await iam.call(
            "ListUserTags", IAMAPI.ListUserTagsRequest(userName: "alice", marker: first.marker, maxItems: 1), as: IAMAPI.ListUserTagsResponse.self)
        #expect(second.tags.map(\.key) == ["env"] && second.isTruncated == false)

        try await iam.call("UntagUser", IAMAPI.UntagUserRequest(userName: "alice", tagKeys: ["TEAM"]))
        tags = try await iam.call("ListUserTags", IAMAPI.ListUserTagsRequest(userName: "alice"), as: IAMAPI.ListUserTagsResponse.self)
        #expect(tags.tags == [IAMAPI.Tag(key: "env", value: "dev")])

        await expectAWSError("InvalidInput", status: 400) {
            try await iam.call(
                "TagUser", IAMAPI.TagUserRequest(userName: "alice", tags: [IAMAPI.Tag(key: "k", value: "1"), IAMAPI.Tag(key: "K", value: "2")]))
        }
        let many = (0..<50).map { IAMAPI.Tag(key: "key\($0)", value: "v") }
        await expectAWSError("LimitExceeded", status: 409) {
            try await iam.call("TagUser", IAMAPI.TagUserRequest(userName: "alice", tags: many))
        }
    }

    @Test func operationsNameTheUserWithItsPath() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        try await iam.call("CreateUser", IAMAPI.CreateUserRequest(path: "/eng/", userName: "alice"))
        let arn = "arn:aws:iam::111122223333:user/eng/alice"
        #expect(try await iam.resources("CreateUser", IAMAPI.CreateUserRequest(path: "/eng/", userName: "alice")) == [arn])
        #expect(try await iam.resources("DeleteUser", IAMAPI.DeleteUserRequest(userName: "alice")) == [arn])
        #expect(try await iam.resources("TagUser", IAMAPI.TagUserRequest(userName: "alice", tags: [])) == [arn])
        #expect(try await iam.resources("ListUsers", IAMAPI.ListUsersRequest()) == ["*"])
        #expect(try await iam.resources("GetUser", IAMAPI.GetUserRequest(userName: "nobody")) == ["arn:aws:iam::111122223333:user/nobody"])
        let actions = Dictionary(uniqueKeysWithValues: iam.service.operations.map { ($0.name, $0.action) })
        #expect(actions.allSatisfy { name, action in action == "iam:\(name)" })
        #expect(iam.service.operations.count == 126)
    }
}
