import AWSWire
import BulwarkCore
import Foundation
import IAM
import Store
import Testing

@Suite("IAM access keys")
struct AccessKeyOperationTests {
    @Test func createListUpdateAndDeleteKeys() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        try await iam.call("CreateUser", IAMAPI.CreateUserRequest(userName: "alice"))
        let created = try await iam.call("CreateAccessKey", IAMAPI.CreateAccessKeyRequest(userName: "alice"), as: IAMAPI.CreateAccessKeyResponse.self)
        let key = created.accessKey
        #expect(key.accessKeyId.hasPrefix("AKIA") && key.accessKeyId.count == 20)
        #expect(key.secretAccessKey.count == 40)
        #expect(key.status == "Active" && key.userName == "alice")
        // The key signs requests as alice.
        let stored = try #require(try await iam.database.accounts.accessKey(key.accessKeyId))
        #expect(stored.userName == "alice" && stored.secretAccessKey == key.secretAccessKey)

        try await iam.call("UpdateAccessKey", IAMAPI.UpdateAccessKeyRequest(userName: "alice", accessKeyId: key.accessKeyId, status: "Inactive"))
        let listed = try await iam.call("ListAccessKeys", IAMAPI.ListAccessKeysRequest(userName: "alice"), as: IAMAPI.ListAccessKeysResponse.self)
        #expect(listed.accessKeyMetadata.map(\.status) == ["Inactive"])
        #expect(listed.accessKeyMetadata.first?.userName == "alice")

        try await iam.call("DeleteAccessKey", IAMAPI.DeleteAccessKeyRequest(userName: "alice", accessKeyId: key.accessKeyId))
        await expectAWSError("NoSuchEntity", status: 404, message: "The Access Key with id \(key.accessKeyId) cannot be found.") {
            try await iam.call("DeleteAccessKey", IAMAPI.DeleteAccessKeyRequest(userName: "alice", accessKeyId: key.accessKeyId))
        }
    }

    @Test func aUserHasAtMostTwoKeys() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        try await iam.call("CreateUser", IAMAPI.CreateUserRequest(userName: "alice"))
        for _ in 0..<2 {
            try await iam.call("CreateAccessKey", IAMAPI.CreateAccessKeyRequest(userName: "alice"), as: IAMAPI.CreateAccessKeyResponse.self)
        }
        await expectAWSError("LimitExceeded", status: 409, message: "Cannot exceed quota for AccessKeysPerUser: 2") {
            try await iam.call("CreateAccessKey", IAMAPI.CreateAccessKeyRequest(userName: "alice"), as: IAMAPI.CreateAccessKeyResponse.self)
        }
    }

    @Test func withoutUserNameTheCallerManagesItsOwnKeys() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        try await iam.call("CreateUser", IAMAPI.CreateUserRequest(path: "/eng/", userName: "alice"))
        let alice = try await iam.asUser("alice")
        #expect(
            try await iam.resources("CreateAccessKey", IAMAPI.CreateAccessKeyRequest(), context: alice) == [
                "arn:aws:iam::111122223333:user/eng/alice"
            ])
        #expect(
            try await iam.resources("CreateAccessKey", IAMAPI.CreateAccessKeyRequest(userName: "alice")) == [
                "arn:aws:iam::111122223333:user/eng/alice"
            ])
        let own = try await iam.call("CreateAccessKey", IAMAPI.CreateAccessKeyRequest(), as: IAMAPI.CreateAccessKeyResponse.self, context: alice)
        #expect(own.accessKey.userName == "alice")
        let listed = try await iam.call("ListAccessKeys", IAMAPI.ListAccessKeysRequest(), as: IAMAPI.ListAccessKeysResponse.self, context: alice)
        #expect(listed.accessKeyMetadata.map(\.accessKeyId) == [own.accessKey.accessKeyId])

        // The root without a user name lists the root's keys.
        let root = try await iam.call("ListAccessKeys", IAMAPI.ListAccessKeysRequest(), as: IAMAPI.ListAccessKeysResponse.self)
        #expect(root.accessKeyMetadata.map(\.accessKeyId) == ["AKIAROOTROOTROOTROOT"])
    }

    @Test func keysOfOtherUsersAreNotFound() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        try await iam.call("CreateUser", IAMAPI.CreateUserRequest(userName: "alice"))
        try await iam.call("CreateUser", IAMAPI.CreateUserRequest(userName: "bob"))
        let key = try await iam.call("CreateAccessKey", IAMAPI.CreateAccessKeyRequest(userName: "alice"), as: IAMAPI.CreateAccessKeyResponse.self)
        await expectAWSError("NoSuchEntity", status: 404) {
            try await iam.call(
                "UpdateAccessKey", IAMAPI.UpdateAccessKeyRequest(userName: "bob", accessKeyId: key.accessKey.accessKeyId, status: "Inactive"))
        }
        await expectAWSError("NoSuchEntity", status: 404) {
            try await iam.call("CreateAccessKey", IAMAPI.CreateAccessKeyRequest(userName: "ghost"), as: IAMAPI.CreateAccessKeyResponse.self)
        }
        await expectAWSError("ValidationException", status: 400) {
            try await iam.call(
                "UpdateAccessKey", IAMAPI.UpdateAccessKeyRequest(userName: "alice", accessKeyId: key.accessKey.accessKeyId, status: "Paused"))
        }
    }

    @Test func lastUseIsReportedAsIAMDoes() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        try await iam.call("CreateUser", IAMAPI.CreateUserRequest(path: "/eng/", userName: "alice"))
        let key = try await iam.call("CreateAccessKey", IAMAPI.CreateAccessKeyRequest(userName: "alice"), as: IAMAPI.CreateAccessKeyResponse.self)
        let id = key.accessKey.accessKeyId
        #expect(
            try await iam.resources("GetAccessKeyLastUsed", IAMAPI.GetAccessKeyLastUsedRequest(accessKeyId: id)) == [
                "arn:aws:iam::111122223333:user/eng/alice"
            ])
        var answer = try await iam.call(
            "GetAccessKeyLastUsed", IAMAPI.GetAccessKeyLastUsedRequest(accessKeyId: id), as: IAMAPI.GetAccessKeyLastUsedResponse.self)
        #expect(answer.userName == "alice")
        #expect(answer.accessKeyLastUsed == IAMAPI.AccessKeyLastUsed(serviceName: "N/A", region: "N/A"))

        let used = Date(timeIntervalSince1970: 1_800_000_000)
        try await iam.database.credentials.recordUses([(accessKeyID: id, service: "lambda", region: "eu-west-1", date: used)])
        answer = try await iam.call(
            "GetAccessKeyLastUsed", IAMAPI.GetAccessKeyLastUsedRequest(accessKeyId: id), as: IAMAPI.GetAccessKeyLastUsedResponse.self)
        #expect(answer.accessKeyLastUsed == IAMAPI.AccessKeyLastUsed(lastUsedDate: used, serviceName: "lambda", region: "eu-west-1"))

        await expectAWSError("NoSuchEntity", status: 404) {
            try await iam.call(
                "GetAccessKeyLastUsed", IAMAPI.GetAccessKeyLastUsedRequest(accessKeyId: "AKIAUNKNOWNUNKNOWN00"),
                as: IAMAPI.GetAccessKeyLastUsedResponse.self)
        }
    }
}
