import Foundation
import Testing

@testable import IAM

/// SSH public keys as IAM reads them: `ssh-rsa` lines and RSA PEMs of 2048 bits or more, with the
/// fingerprint `ssh-keygen -l -E md5` shows. The keys were made with OpenSSH's ssh-keygen for these
/// tests (`-t rsa -b 2048`, exported with `-e -m PKCS8` and `-e -m PEM`).
@Suite("SSH public key material")
struct SSHPublicKeyMaterialTests {
    static let openSSH =
        "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCY/byF5v79OJJYq0fL1fve1G50TzYPbYjn14w77KvGvJ6DM+PwaafD0QSKP6t/+gBJfMjaAMe84wysy6r1sasvvi3GX9MPt4DU+HIGbFcGqNG8Obl3Y9cZi4W+LYyrKZB0qwE5F5O8e8eK7e/cPchdQ0FcLT/Ip8l/A17SWlYgCOywjpZjE/VMlgOrrA/xxusDUBvRb7fQ3M7wmL2hNngXxIZ8zi3aEiPNRtP5x1KhTUfPfqHULgUNX8ntCGrB8kACDa5IPxOAmL+Req21PYHOMbWFbP1BitX3rcYq39CdFeGtiZj1mHyZImVZALoEXWeNWr1resfFU03wnlTybIeJ alice@example"
    static let pem = #"""
        -----BEGIN PUBLIC KEY-----
        MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAmP28heb+/TiSWKtHy9X7
        3tRudE82D22I59eMO+yrxryegzPj8Gmnw9EEij+rf/oASXzI2gDHvOMMrMuq9bGr
        L74txl/TD7eA1PhyBmxXBqjRvDm5d2PXGYuFvi2MqymQdKsBOReTvHvHiu3v3D3I
        XUNBXC0/yKfJfwNe0lpWIAjssI6WYxP1TJYDq6wP8cbrA1Ab0W+30NzO8Ji9oTZ4
        F8SGfM4t2hIjzUbT+cdSoU1Hz36h1C4FDV/J7QhqwfJAAg2uSD8TgJi/kXqttT2B
        zjG1hWz9QYrV963GKt/QnRXhrYmY9Zh8mSJlWQC6BF1njVq9a3rHxVNN8J5U8myH
        iQIDAQAB
        -----END PUBLIC KEY-----
        """#
    static let pkcs1 = #"""
        -----BEGIN RSA PUBLIC KEY-----
        MIIBCgKCAQEAmP28heb+/TiSWKtHy9X73tRudE82D22I59eMO+yrxryegzPj8Gmn
        w9EEij+rf/oASXzI2gDHvOMMrMuq9bGrL74txl/TD7eA1PhyBmxXBqjRvDm5d2PX
        GYuFvi2MqymQdKsBOReTvHvHiu3v3D3IXUNBXC0/yKfJfwNe0lpWIAjssI6WYxP1
        TJYDq6wP8cbrA1Ab0W+30NzO8Ji9oTZ4F8SGfM4t2hIjzUbT+cdSoU1Hz36h1C4F
        DV/J7QhqwfJAAg2uSD8TgJi/kXqttT2BzjG1hWz9QYrV963GKt/QnRXhrYmY9Zh8
        mSJlWQC6BF1njVq9a3rHxVNN8J5U8myHiQIDAQAB
        -----END RSA PUBLIC KEY-----
        """#
    static let fingerprint = "08:29:2f:bc:2f:21:9d:63:5d:a5:ad:dd:eb:1b:11:ea"
    static let rsa1024 =
        "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDU65sGPrO8tCXSDBsJdJuvY8UdASab4AwWCrKKIUbfLsXrlUroGlq5odXIS8ZC6pb6tmc2EpS3dKdF2pYTO73PwOyWImqKwLmKjK4IClyuwdnTy4cAbQWAl3PcGA34r22vYta+isk0cfo3p/CL2wMJrfwpbQJIvBO/JYxReerdcw== root@vm"
    static let ed25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAID/azhDYitTtKwiUdVpBhCcJRkUoqtqmDgVpIfdUb/jO root@vm"

    @Test(arguments: [openSSH, pem, pkcs1, "  " + openSSH + "\n"])
    func everyEncodingOfTheKeyIsTheSameKey(body: String) throws {
        let key = try SSHPublicKeyMaterial(parsing: body)
        #expect(key.bits == 2048)
        #expect(key.fingerprint == Self.fingerprint)
        #expect(key.openSSH + " alice@example" == Self.openSSH)
        #expect(key.pem.hasPrefix("-----BEGIN PUBLIC KEY-----"))
        #expect(try SSHPublicKeyMaterial(parsing: key.pem) == key)
    }

    @Test(arguments: [
        (ed25519, SSHPublicKeyMaterial.Refusal.unrecognizedEncoding),
        ("ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTY=", .unrecognizedEncoding),
        ("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", .unrecognizedEncoding),
        ("not a key", .unrecognizedEncoding),
        ("", .unrecognizedEncoding),
        (rsa1024, .invalidKey),
        ("ssh-rsa AAAA!!!!", .invalidKey),
        ("ssh-rsa AAAAB3NzaC1yc2E=", .invalidKey),
        ("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----", .invalidKey),
    ])
    func refusals(body: String, refusal: SSHPublicKeyMaterial.Refusal) {
        #expect(throws: refusal) { try SSHPublicKeyMaterial(parsing: body) }
    }

    @Test func aBlobWithTrailingBytesOrAnotherTypeIsInvalid() throws {
        let key = try SSHPublicKeyMaterial(parsing: Self.openSSH)
        let trailing = "ssh-rsa " + Data(key.blob + [0]).base64EncodedString()
        #expect(throws: SSHPublicKeyMaterial.Refusal.invalidKey) { try SSHPublicKeyMaterial(parsing: trailing) }
        let renamed = "ssh-rsa " + Data([0, 0, 0, 7] + Array("ssh-dss".utf8) + key.blob.dropFirst(11)).base64EncodedString()
        #expect(throws: SSHPublicKeyMaterial.Refusal.invalidKey) { try SSHPublicKeyMaterial(parsing: renamed) }
    }
}
