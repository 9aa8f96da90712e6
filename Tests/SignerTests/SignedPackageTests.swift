import Crypto
import Foundation
import Testing

@testable import Signer

@Suite struct SignedPackageTests {
    let key = P384.Signing.PrivateKey()
    let signedAt = Date(timeIntervalSince1970: 1_700_000_000)

    func statement(expires: Date? = nil) -> SignedPackage.Statement {
        SignedPackage.Statement(
            profileVersionArn: "arn:aws:signer:us-east-1:123456789012:/signing-profiles/ci/ABCDE12345",
            jobArn: "arn:aws:signer:us-east-1:123456789012:/signing-jobs/0f1e2d3c-0000-4000-8000-000000000000", signedAt: signedAt,
            expiresAt: expires ?? signedAt.addingTimeInterval(86_400), packageSHA384: "", publicKey: key.publicKey.derRepresentation)
    }

    @Test func signedPackageVerifiesAndNamesItsSigner() throws {
        let zip = TestZip.make(files: ["index.py": "def handler(e, c):\n    return 1\n"])
        let signed = try SignedPackage.sign(zip, statement: statement(), key: key)
        guard case .signed(let signature) = SignedPackage.inspect(signed) else {
            Issue.record("not signed")
            return
        }
        #expect(signature.integrityHolds)
        #expect(signature.profileVersionArn == "arn:aws:signer:us-east-1:123456789012:/signing-profiles/ci/ABCDE12345")
        #expect(signature.jobArn.hasSuffix("/signing-jobs/0f1e2d3c-0000-4000-8000-000000000000"))
        #expect(signature.signedAt == signedAt)
        #expect(signature.expiresAt == signedAt.addingTimeInterval(86_400))
        #expect(signature.publicKey == key.publicKey.derRepresentation)
    }

    @Test func signingKeepsEveryByteBeforeTheComment() throws {
        let zip = TestZip.make(files: ["a.txt": "alpha", "b/c.txt": "gamma"])
        let signed = try SignedPackage.sign(zip, statement: statement(), key: key)
        // The source's comment is empty: the signed zip is the source, then the comment.
        #expect(signed.prefix(zip.count - 2) == zip.prefix(zip.count - 2))
        #expect(signed.count > zip.count)
        let commentLength = Int(signed[zip.count - 2]) | Int(signed[zip.count - 1]) << 8
        #expect(zip.count + commentLength == signed.count)
    }

    /// The record is found in the last 64 KiB of a package of any size.
    @Test func aLargePackageVerifies() throws {
        let zip = TestZip.make(files: ["big.bin": String(repeating: "0123456789abcdef", count: 16_384)])
        let signed = try SignedPackage.sign(zip, statement: statement(), key: key)
        guard case .signed(let signature) = SignedPackage.inspect(signed) else {
            Issue.record("not signed")
            return
        }
        #expect(signature.integrityHolds)
        var tampered = signed
        tampered[100] ^= 0x01
        guard case .signed(let broken) = SignedPackage.inspect(tampered) else {
            Issue.record("not signed")
            return
        }
        #expect(!broken.integrityHolds)
    }

    @Test func resigningReplacesTheComment() throws {
        let zip = TestZip.make(files: ["a.txt": "alpha"], comment: "built by ci")
        let once = try SignedPackage.sign(zip, statement: statement(), key: key)
        let twice = try SignedPackage.sign(once, statement: statement(), key: key)
        guard case .signed(let signature) = SignedPackage.inspect(twice) else {
            Issue.record("not signed")
            return
        }
        #expect(signature.integrityHolds)
    }

    /// Every byte of the package counts: tampering with any one outside the comment breaks integrity.
    @Test(arguments: [0, 10, 30, 45])
    func tamperedByteFailsIntegrity(_ offset: Int) throws {
        let zip = TestZip.make(files: ["index.py": "def handler(e, c):\n    return 1\n"])
        var signed = try SignedPackage.sign(zip, statement: statement(), key: key)
        signed[offset] ^= 0x01
        guard case .signed(let signature) = SignedPackage.inspect(signed) else {
            Issue.record("not signed")
            return
        }
        #expect(!signature.integrityHolds)
    }

    @Test func statementSignedByAnotherKeyFailsIntegrity() throws {
        let zip = TestZip.make(files: ["a.txt": "alpha"])
        // The statement names this key, but another key signed it.
        let signed = try SignedPackage.sign(zip, statement: statement(), key: P384.Signing.PrivateKey())
        guard case .signed(let signature) = SignedPackage.inspect(signed) else {
            Issue.record("not signed")
            return
        }
        #expect(!signature.integrityHolds)
    }

    @Test func alteredStatementFailsIntegrity() throws {
        let zip = TestZip.make(files: ["a.txt": "alpha"])
        let signed = try SignedPackage.sign(zip, statement: statement(), key: key)
        let text = String(decoding: signed.suffix(from: zip.count), as: UTF8.self)
        let parts = text.dropFirst(SignedPackage.marker.count).split(separator: ".")
        var document = try JSONSerialization.jsonObject(with: Data(base64Encoded: String(parts[0]))!) as! [String: Any]
        document["expiresAt"] = 4_000_000_000
        let forged = try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])
        let comment = SignedPackage.marker + forged.base64EncodedString() + "." + parts[1]
        var tampered = Data(zip.prefix(zip.count - 2))
        tampered.append(UInt8(comment.utf8.count & 0xFF))
        tampered.append(UInt8(comment.utf8.count >> 8))
        tampered.append(Data(comment.utf8))
        guard case .signed(let signature) = SignedPackage.inspect(tampered) else {
            Issue.record("not signed")
            return
        }
        #expect(!signature.integrityHolds)
    }

    @Test func zipWithoutOurCommentIsUnsigned() {
        #expect(SignedPackage.inspect(TestZip.make(files: ["a.txt": "alpha"])) == .unsigned)
        #expect(SignedPackage.inspect(TestZip.make(files: ["a.txt": "alpha"], comment: "release 1.2")) == .unsigned)
        #expect(SignedPackage.inspect(Data("not a zip at all".utf8)) == .unsigned)
        #expect(SignedPackage.inspect(Data()) == .unsigned)
    }

    @Test func unreadableSignatureIsMalformed() {
        let zip = TestZip.make(files: ["a.txt": "alpha"], comment: SignedPackage.marker + "%%%.###")
        #expect(SignedPackage.inspect(zip) == .malformed)
    }

    @Test func notAZipCannotBeSigned() {
        #expect(throws: SignedPackage.SigningFailure.notZip) {
            try SignedPackage.sign(Data("plain text".utf8), statement: statement(), key: key)
        }
    }
}

/// Minimal stored (uncompressed) zips, written byte by byte.
enum TestZip {
    static func make(files: [String: String], comment: String = "") -> Data {
        var local = Data()
        var central = Data()
        var count: UInt16 = 0
        for (name, content) in files.sorted(by: { $0.key < $1.key }) {
            let body = Data(content.utf8)
            let crc = crc32(body)
            let offset = UInt32(local.count)
            local.append(le32(0x0403_4b50))
            local.append(le16(20) + le16(0) + le16(0) + le16(0) + le16(0))
            local.append(le32(crc) + le32(UInt32(body.count)) + le32(UInt32(body.count)))
            local.append(le16(UInt16(name.utf8.count)) + le16(0))
            local.append(Data(name.utf8))
            local.append(body)
            central.append(le32(0x0201_4b50))
            central.append(le16(20) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0))
            central.append(le32(crc) + le32(UInt32(body.count)) + le32(UInt32(body.count)))
            central.append(le16(UInt16(name.utf8.count)) + le16(0) + le16(0) + le16(0) + le16(0))
            central.append(le32(0o100644 << 16) + le32(offset))
            central.append(Data(name.utf8))
            count += 1
        }
        var zip = local
        zip.append(central)
        zip.append(le32(0x0605_4b50) + le16(0) + le16(0) + le16(count) + le16(count))
        zip.append(le32(UInt32(central.count)) + le32(UInt32(local.count)))
        zip.append(le16(UInt16(comment.utf8.count)))
        zip.append(Data(comment.utf8))
        return zip
    }

    static func le16(_ value: UInt16) -> Data { Data([UInt8(value & 0xFF), UInt8(value >> 8)]) }
    static func le32(_ value: UInt32) -> Data { Data((0..<4).map { UInt8(value >> (8 * $0) & 0xFF) }) }

    static func crc32(_ data: Data) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
