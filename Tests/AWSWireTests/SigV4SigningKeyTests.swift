import Crypto
import Foundation
import Testing

@testable import AWSWire

@Suite("SigV4 signing keys")
struct SigV4SigningKeyTests {
    /// AWS's example of the derivation ("Examples of how to derive a signing key for Signature Version 4").
    static let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    static let scope = SigV4CredentialScope(date: "20120215", region: "us-east-1", service: "iam")
    static let expected = "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"

    private func hex(_ key: SymmetricKey) -> String {
        key.withUnsafeBytes { $0.map { String(format: "%02x", $0) }.joined() }
    }

    /// A kept key is the key the derivation gives, the first time and every time after.
    @Test func keptKeysAreTheDerivedOnes() {
        for _ in 0..<3 {
            #expect(hex(SigV4Crypto.signingKey(secretAccessKey: Self.secret, scope: Self.scope)) == Self.expected)
        }
    }

    /// Another secret, day, region or service is another key: a rotated secret never signs with its predecessor's.
    @Test func eachSecretAndScopeHasItsOwnKey() {
        let variants = [
            SigV4Crypto.signingKey(secretAccessKey: Self.secret + "x", scope: Self.scope),
            SigV4Crypto.signingKey(secretAccessKey: Self.secret, scope: .init(date: "20120216", region: "us-east-1", service: "iam")),
            SigV4Crypto.signingKey(secretAccessKey: Self.secret, scope: .init(date: "20120215", region: "eu-west-1", service: "iam")),
            SigV4Crypto.signingKey(secretAccessKey: Self.secret, scope: .init(date: "20120215", region: "us-east-1", service: "sts")),
        ].map(hex)
        #expect(Set(variants + [Self.expected]).count == 5)
    }

    /// Past its capacity the cache starts afresh and still answers the derived keys.
    @Test func aFullCacheStillAnswersRightly() {
        for index in 0..<(DerivedSigningKeys.capacity + 10) {
            _ = SigV4Crypto.signingKey(secretAccessKey: "secret-\(index)", scope: Self.scope)
        }
        #expect(hex(SigV4Crypto.signingKey(secretAccessKey: Self.secret, scope: Self.scope)) == Self.expected)
    }
}
