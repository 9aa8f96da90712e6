import AWSWire
import Foundation
import Testing

@testable import BulwarkServer

/// The condition keys S3 sets from the signature of each request, for its policies to judge.
@Suite("S3's signature condition keys")
struct S3SignatureConditionKeyTests {
    static let signed = Date(timeIntervalSince1970: 1_700_000_000)

    static func claims(_ location: SigV4Authorization.Location, contentSHA256: String?) -> SigV4Claims {
        SigV4Claims(
            location: location, accessKeyID: "AKIA", scope: SigV4CredentialScope(date: "20231114", region: "us-east-1", service: "s3"),
            signedHeaders: ["host"], signature: "00", amzDate: "20231114T221320Z", date: signed, sessionToken: nil, expires: nil,
            contentSHA256: contentSHA256)
    }

    @Test("a header signature over TLS: REST-HEADER, the version, the age in ms, the payload hash, the TLS version as a number")
    func headerSignature() {
        let keys = SigV4CallerAuthenticator.s3ConditionKeys(
            of: Self.claims(.authorizationHeader, contentSHA256: "STREAMING-UNSIGNED-PAYLOAD-TRAILER"), tlsVersion: "TLSv1.3", isSecure: true,
            now: Self.signed.addingTimeInterval(2.5))
        #expect(
            keys == [
                "s3:authType": .single("REST-HEADER"), "s3:signatureversion": .single("AWS4-HMAC-SHA256"), "s3:signatureAge": .single("2500"),
                "s3:x-amz-content-sha256": .single("STREAMING-UNSIGNED-PAYLOAD-TRAILER"), "s3:TlsVersion": .single("1.3"),
            ])
    }

    @Test("a presigned URL over plain HTTP: REST-QUERY-STRING, UNSIGNED-PAYLOAD, no TLS version; a clock behind the signer gives age 0")
    func presignedURL() {
        let keys = SigV4CallerAuthenticator.s3ConditionKeys(
            of: Self.claims(.queryString, contentSHA256: nil), tlsVersion: nil, isSecure: false, now: Self.signed.addingTimeInterval(-1))
        #expect(
            keys == [
                "s3:authType": .single("REST-QUERY-STRING"), "s3:signatureversion": .single("AWS4-HMAC-SHA256"), "s3:signatureAge": .single("0"),
                "s3:x-amz-content-sha256": .single("UNSIGNED-PAYLOAD"),
            ])
    }
}
