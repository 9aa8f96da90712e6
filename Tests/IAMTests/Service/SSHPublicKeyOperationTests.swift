import AWSWire
import BulwarkCore
import Foundation
import Testing

@testable import IAM

@Suite("IAM SSH public keys")
struct SSHPublicKeyOperationTests {
    @Test func uploadGetListUpdateAndDelete() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        try await iam.call("CreateUser", IAMAPI.CreateUserRequest(userName: "alice"))
        let uploaded = try #require(
            try await iam.call(
                "UploadSSHPublicKey", IAMAPI.UploadSSHPublicKeyRequest(userName: "alice", sshPublicKeyBody: SSHPublicKeyMaterialTests.openSSH),
                as: IAMAPI.UploadSSHPublicKeyResponse.self
            ).sshPublicKey)
        #expect(uploaded.sshPublicKeyId.hasPrefix("APKA") && uploaded.sshPublicKeyId.count == 20)
        #expect(uploaded.fingerprint == SSHPublicKeyMaterialTests.fingerprint && uploaded.status == "Active")
        #expect(uploaded.sshPublicKeyBody == SSHPublicKeyMaterialTests.openSSH && uploaded.userName == "alice")

        // The same key in another encoding is the same key.
        await expectAWSError(
            "DuplicateSSHPublicKey", status: 400,
            message: "The request was rejected because the SSH public key is already associated with the specified IAM user."
        ) {
            try await iam.call(
                "UploadSSHPublicKey", IAMAPI.UploadSSHPublicKeyRequest(userName: "alice", sshPublicKeyBody: SSHPublicKeyMaterialTests.pem))
        }
        let id = uploaded.sshPublicKeyId
        let pem = try await iam.call(
            "GetSSHPublicKey", IAMAPI.GetSSHPublicKeyRequest(userName: "alice", sshPublicKeyId: id, encoding: "PEM"),
            as: IAMAPI.GetSSHPublicKeyResponse.self)
        #expect(pem.sshPublicKey?.sshPublicKeyBody.hasPrefix("-----BEGIN PUBLIC KEY-----") == true)
        let ssh = try await iam.call(
            "GetSSHPublicKey", IAMAPI.GetSSHPublicKeyRequest(userName: "alice", sshPublicKeyId: id, encoding: "SSH"),
            as: IAMAPI.GetSSHPublicKeyResponse.self)
        #expect(ssh.sshPublicKey?.sshPublicKeyBody.hasPrefix("ssh-rsa AAAAB3NzaC1yc2E") == true)

        try await iam.call("UpdateSSHPublicKey", IAMAPI.UpdateSSHPublicKeyRequest(userName: "alice", sshPublicKeyId: id, status: "Inactive"))
        let listed = try await iam.call(
            "ListSSHPublicKeys", IAMAPI.ListSSHPublicKeysRequest(userName: "alice"), as: IAMAPI.ListSSHPublicKeysResponse.self)
        #expect(listed.sshPublicKeys?.map(\.status) == ["Inactive"] && listed.isTruncated == false)

        await expectAWSError("DeleteConflict", status: 409, message: "Cannot delete entity, must delete SSH public keys first.") {
            try await iam.call("DeleteUser", IAMAPI.DeleteUserRequest(userName: "alice"))
        }
        try await iam.call("DeleteSSHPublicKey", IAMAPI.DeleteSSHPublicKeyRequest(userName: "alice", sshPublicKeyId: id))
        await expectAWSError("NoSuchEntity", status: 404, message: "The Public Key with id \(id) cannot be found.") {
            try await iam.call("DeleteSSHPublicKey", IAMAPI.DeleteSSHPublicKeyRequest(userName: "alice", sshPublicKeyId: id))
        }
        try await iam.call("DeleteUser", IAMAPI.DeleteUserRequest(userName: "alice"))
    }

    @Test func refusals() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        try await iam.call("CreateUser", IAMAPI.CreateUserRequest(userName: "alice"))
        try await iam.call("CreateUser", IAMAPI.CreateUserRequest(userName: "bob"))
        await expectAWSError("InvalidPublicKey", status: 400) {
            try await iam.call(
                "UploadSSHPublicKey", IAMAPI.UploadSSHPublicKeyRequest(userName: "alice", sshPublicKeyBody: SSHPublicKeyMaterialTests.rsa1024))
        }
        await expectAWSError("UnrecognizedPublicKeyEncoding", status: 400) {
            try await iam.call(
                "UploadSSHPublicKey", IAMAPI.UploadSSHPublicKeyRequest(userName: "alice", sshPublicKeyBody: SSHPublicKeyMaterialTests.ed25519))
        }
        await expectAWSError("NoSuchEntity", status: 404, message: "The user with name carol cannot be found.") {
            try await iam.call(
                "UploadSSHPublicKey", IAMAPI.UploadSSHPublicKeyRequest(userName: "carol", sshPublicKeyBody: SSHPublicKeyMaterialTests.openSSH))
        }
        let id = try #require(
            try await iam.call(
                "UploadSSHPublicKey", IAMAPI.UploadSSHPublicKeyRequest(userName: "alice", sshPublicKeyBody: SSHPublicKeyMaterialTests.pkcs1),
                as: IAMAPI.UploadSSHPublicKeyResponse.self
            ).sshPublicKey?.sshPublicKeyId)
        // Another user's key is not found through bob.
        await expectAWSError("NoSuchEntity", status: 404, message: "The Public Key with id \(id) cannot be found.") {
            try await iam.call("GetSSHPublicKey", IAMAPI.GetSSHPublicKeyRequest(userName: "bob", sshPublicKeyId: id, encoding: "SSH"))
        }
        #expect(
            try await iam.resources("DeleteSSHPublicKey", IAMAPI.DeleteSSHPublicKeyRequest(userName: "alice", sshPublicKeyId: id)) == [
                "arn:aws:iam::111122223333:user/alice"
            ])
    }

    @Test func fivePerUser() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        try await iam.call("CreateUser", IAMAPI.CreateUserRequest(userName: "alice"))
        let base = try SSHPublicKeyMaterial(parsing: SSHPublicKeyMaterialTests.openSSH)
        for index in 0..<6 {
            // Five distinct 2048-bit keys: the same modulus with another odd exponent.
            let key = SSHPublicKeyMaterial(modulus: base.modulus, exponent: [0x01, 0x00, UInt8(2 * index + 3)])
            let upload = {
                _ = try await iam.call("UploadSSHPublicKey", IAMAPI.UploadSSHPublicKeyRequest(userName: "alice", sshPublicKeyBody: key.openSSH))
            }
            if index < 5 {
                try await upload()
            } else {
                await expectAWSError("LimitExceeded", status: 409, message: "Cannot exceed quota for SSHPublicKeysPerUser: 5") { try await upload() }
            }
        }
    }
}
