import AWSWire
import BulwarkCore
import Foundation
import Testing

@testable import IAM

@Suite("IAM signing certificates")
struct SigningCertificateTests {
    /// A self-signed certificate made for these tests with `openssl req -x509 -newkey rsa:2048 -days 36500
    /// -subj /CN=bulwark-test` (valid until 2126).
    static let certificate = #"""
        -----BEGIN CERTIFICATE-----
        MIIDETCCAfmgAwIBAgIUJtZODT4xV6PMQIzst+iS8JMJ7BwwDQYJKoZIhvcNAQEL
        BQAwFzEVMBMGA1UEAwwMYnVsd2Fyay10ZXN0MCAXDTI2MTIwNzA4MjYyNFoYDzIx
        MjYxMTEzMDgyNjI0WjAXMRUwEwYDVQQDDAxidWx3YXJrLXRlc3QwggEiMA0GCSqG
        SIb3DQEBAQUAA4IBDwAwggEKAoIBAQDFHUJQ4ZcaoesoIi7dCeB2+O/E4p18fOlQ
        jESeY4VHeKOfHFijJar83PLBoP7BBaaMY6VPXMbr7E8XTLwALJqTsCcS9WvYylGt
        fBq8WeTwYtZ4B7HMqvxHvxB2ZndW5HZS465fJipSglLhXYIu1Aiy0f1WAKv2bf0j
        zCEiidO1K/SdjzmQBXxhtpLLDt+Pzzc46brinE8sYbKN76bjQXu/u5T/ZHpIkpJE
        qkDHdBZ98GDZrHQIyVJa5H5CKHycb2x9zuW8GyvSlPNFdBrUK5Hw7RsLNS1HnKgU
        zgyw6ZwAEDq2f9f/QHkyizDYQdAw/nD4hy6t/dIalbgxjidDfQgrAgMBAAGjUzBR
        MB0GA1UdDgQWBBQcCmQVFupjPDwnONnPx9XjbHIy2TAfBgNVHSMEGDAWgBQcCmQV
        FupjPDwnONnPx9XjbHIy2TAPBgNVHRMBAf8EBTADAQH/MA0GCSqGSIb3DQEBCwUA
        A4IBAQCrSO5ct7k4c1HUi0Tts++oqzfkg6UDYuNFrG9OkM+TSe5sKXESjrBEuWRH
        8QqdxneAp5MgpwdB4BN8veIt4M/Y0/aBz3d54W+XtNNZ+biPjxyQSz67rjcFIpY8
        BOfExPLKxSmlcYBRcyfnWxu9KzWxqu3m4G7/07ebRvPRfXvU9zjIkrOBYvBeyKr8
        cTqaOd1lgZwOMykIzfSs51sxW9sZyy+T/xUVRLv6nfyksbsRPpS8sb5JC2LMAz1s
        TrJM6ebDkoRDJreT+Qx5OthLnPxwaTyuF+xxem0Bahxf4uDlrbWB+AWxv742Fbm4
        5oa3pgLT8OtfSGP4Ab9e9EFbkjTm
        -----END CERTIFICATE-----
        """#

    @Test func aPEMCertificateParses() throws {
        let parsed = try SigningCertificateMaterial(parsing: Self.certificate, now: Date())
        // openssl x509 -outform der | sha256sum
        #expect(parsed.digest == "0baa8bc0660b76f2eef1ee68e0977f0b17bb285ba50746a01b0bfa0570802992")
        // White space around the PEM changes nothing.
        #expect(try SigningCertificateMaterial(parsing: "\n  " + Self.certificate + "\n\n", now: Date()).digest == parsed.digest)
    }

    @Test(arguments: [
        "",
        "hello",
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----",
        "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----",
        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
    ])
    func malformedBodies(body: String) {
        #expect(throws: SigningCertificateMaterial.Refusal.malformed) { try SigningCertificateMaterial(parsing: body, now: Date()) }
    }

    @Test func twoCertificatesInOneBodyAreMalformed() {
        #expect(throws: SigningCertificateMaterial.Refusal.malformed) {
            try SigningCertificateMaterial(parsing: Self.certificate + "\n" + Self.certificate, now: Date())
        }
    }

    @Test func anExpiredCertificateIsRefused() {
        #expect(throws: SigningCertificateMaterial.Refusal.expired) {
            try SigningCertificateMaterial(parsing: Self.certificate, now: Date(timeIntervalSinceNow: 200 * 365 * 86_400))
        }
    }

    @Test func uploadListUpdateAndDelete() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        try await iam.call("CreateUser", IAMAPI.CreateUserRequest(userName: "alice"))
        let uploaded = try await iam.call(
            "UploadSigningCertificate", IAMAPI.UploadSigningCertificateRequest(userName: "alice", certificateBody: Self.certificate),
            as: IAMAPI.UploadSigningCertificateResponse.self
        ).certificate
        #expect(uploaded.userName == "alice" && uploaded.status == "Active" && uploaded.certificateId.count == 32)
        #expect(uploaded.certificateBody == Self.certificate)
        await expectAWSError("DuplicateCertificate", status: 409) {
            try await iam.call("UploadSigningCertificate", IAMAPI.UploadSigningCertificateRequest(certificateBody: Self.certificate))
        }
        await expectAWSError(
            "MalformedCertificate", status: 400, message: "Unable to parse certificate. Please ensure the certificate is in PEM format."
        ) {
            try await iam.call("UploadSigningCertificate", IAMAPI.UploadSigningCertificateRequest(userName: "alice", certificateBody: "nope"))
        }
        let id = uploaded.certificateId
        try await iam.call(
            "UpdateSigningCertificate", IAMAPI.UpdateSigningCertificateRequest(userName: "alice", certificateId: id, status: "Inactive"))
        let listed = try await iam.call(
            "ListSigningCertificates", IAMAPI.ListSigningCertificatesRequest(userName: "alice"), as: IAMAPI.ListSigningCertificatesResponse.self)
        #expect(listed.certificates.map(\.status) == ["Inactive"])

        await expectAWSError("DeleteConflict", status: 409, message: "Cannot delete entity, must delete signing certificates first.") {
            try await iam.call("DeleteUser", IAMAPI.DeleteUserRequest(userName: "alice"))
        }
        // The root's own certificates are another owner's: alice's is not found through it.
        await expectAWSError("NoSuchEntity", status: 404, message: "The Certificate with id \(id) cannot be found.") {
            try await iam.call("DeleteSigningCertificate", IAMAPI.DeleteSigningCertificateRequest(certificateId: id))
        }
        try await iam.call("DeleteSigningCertificate", IAMAPI.DeleteSigningCertificateRequest(userName: "alice", certificateId: id))
        try await iam.call("DeleteUser", IAMAPI.DeleteUserRequest(userName: "alice"))
        // The root may hold the certificate now.
        let root = try await iam.call(
            "UploadSigningCertificate", IAMAPI.UploadSigningCertificateRequest(certificateBody: Self.certificate),
            as: IAMAPI.UploadSigningCertificateResponse.self)
        #expect(root.certificate.userName == IAMServiceHarness.accountID)
        #expect(
            try await iam.resources("DeleteSigningCertificate", IAMAPI.DeleteSigningCertificateRequest(certificateId: root.certificate.certificateId))
                == ["arn:aws:iam::111122223333:root"])
    }
}
