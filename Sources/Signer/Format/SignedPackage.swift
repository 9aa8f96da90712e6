import Crypto
import Foundation

/// Bulwark's signature of a deployment package (decision 0038): the zip keeps every byte it had,
/// and the signature travels in its end-of-central-directory comment, so that the signed zip
/// unzips exactly as the source did.
///
/// The comment is `BULWARK-SIGNATURE/1 <statement>.<signature>`, both base64 (standard alphabet):
/// the statement is a JSON document (``Statement``) naming the SHA-384 of the zip with an empty
/// comment, the profile version ARN, the job ARN, the signing and expiry times and the public
/// key; the signature is the DER ECDSA P-384 signature (SHA-384) of the statement's exact bytes.
public enum SignedPackage {
    /// The comment's first bytes.
    public static let marker = "BULWARK-SIGNATURE/1 "
    /// The platform whose signatures this format carries.
    public static let platformID = "AWSLambda-SHA384-ECDSA"

    /// What the signature states.
    public struct Statement: Codable, Sendable, Equatable {
        public var platformId: String
        public var profileVersionArn: String
        public var jobArn: String
        /// Seconds since 1970.
        public var signedAt: Int64
        public var expiresAt: Int64
        /// Hex SHA-384 of the zip whose comment is empty.
        public var packageSHA384: String
        /// The profile version's public key, DER (SubjectPublicKeyInfo), base64.
        public var publicKey: String

        public init(
            platformId: String = SignedPackage.platformID, profileVersionArn: String, jobArn: String, signedAt: Date, expiresAt: Date,
            packageSHA384: String, publicKey: Data
        ) {
            self.platformId = platformId
            self.profileVersionArn = profileVersionArn
            self.jobArn = jobArn
            self.signedAt = Int64(signedAt.timeIntervalSince1970.rounded(.down))
            self.expiresAt = Int64(expiresAt.timeIntervalSince1970.rounded(.down))
            self.packageSHA384 = packageSHA384
            self.publicKey = publicKey.base64EncodedString()
        }
    }

    /// A signature found in a package, and whether it holds for the package's bytes.
    public struct Signature: Sendable, Equatable {
        public let profileVersionArn: String
        public let jobArn: String
        public let signedAt: Date
        public let expiresAt: Date
        /// The DER public key the statement names; the caller checks that it is the profile version's.
        public let publicKey: Data
        /// Whether the statement is signed by that key and names the SHA-384 of these bytes.
        public let integrityHolds: Bool
    }

    /// What a package carries.
    public enum Inspection: Sendable, Equatable {
        /// No comment of ours (or not a zip).
        case unsigned
        /// Our marker, but a statement or signature that cannot be read: integrity fails.
        case malformed
        case signed(Signature)
    }

    /// Why a package cannot be signed.
    public enum SigningFailure: Error, Sendable, Equatable {
        /// No end-of-central-directory record: not a zip.
        case notZip
    }

    /// `zip` with its comment replaced by the signature of `statement` (whose `packageSHA384` the
    /// caller leaves empty: it is computed here).
    public static func sign(_ zip: Data, statement: Statement, key: P384.Signing.PrivateKey) throws -> Data {
        guard let record = EndOfCentralDirectory(zip) else { throw SigningFailure.notZip }
        let bare = record.withComment(Data(), in: zip)
        var statement = statement
        statement.packageSHA384 = hex(SHA384.hash(data: bare))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let document = try encoder.encode(statement)
        let signature = try key.signature(for: document).derRepresentation
        let comment = Data((marker + document.base64EncodedString() + "." + signature.base64EncodedString()).utf8)
        return record.withComment(comment, in: zip)
    }

    /// Reads the signature `zip` carries and checks its integrity; touches nothing else (the
    /// profile version, revocation and expiry are the caller's to judge).
    public static func inspect(_ zip: Data) -> Inspection {
        guard let record = EndOfCentralDirectory(zip) else { return .unsigned }
        let comment = zip[record.commentRange]
        guard let text = String(data: comment, encoding: .utf8), text.hasPrefix(marker) else { return .unsigned }
        let parts = text.dropFirst(marker.count).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let document = Data(base64Encoded: String(parts[0])), let signatureBytes = Data(base64Encoded: String(parts[1])),
            let statement = try? JSONDecoder().decode(Statement.self, from: document),
            let publicKey = Data(base64Encoded: statement.publicKey)
        else { return .malformed }
        let bare = record.withComment(Data(), in: zip)
        var holds = hex(SHA384.hash(data: bare)) == statement.packageSHA384 && statement.platformId == platformID
        if let key = try? P384.Signing.PublicKey(derRepresentation: publicKey),
            let signature = try? P384.Signing.ECDSASignature(derRepresentation: signatureBytes)
        {
            holds = holds && key.isValidSignature(signature, for: document)
        } else {
            holds = false
        }
        return .signed(
            Signature(
                profileVersionArn: statement.profileVersionArn, jobArn: statement.jobArn,
                signedAt: Date(timeIntervalSince1970: TimeInterval(statement.signedAt)),
                expiresAt: Date(timeIntervalSince1970: TimeInterval(statement.expiresAt)), publicKey: publicKey, integrityHolds: holds))
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}

/// A zip's end-of-central-directory record: the last `PK\5\6` whose comment length reaches exactly
/// the end of the data.
struct EndOfCentralDirectory {
    /// Where the record starts.
    let offset: Int
    /// Where its comment lies.
    let commentRange: Range<Int>

    static let fixedSize = 22

    init?(_ zip: Data) {
        guard zip.count >= Self.fixedSize else { return nil }
        // The record and its comment lie within the last 22 + 65,535 bytes: only those are read.
        let tailStart = max(0, zip.count - Self.fixedSize - 0xFFFF)
        let tail = [UInt8](zip.suffix(zip.count - tailStart))
        var candidate = tail.count - Self.fixedSize
        while candidate >= 0 {
            if tail[candidate] == 0x50, tail[candidate + 1] == 0x4B, tail[candidate + 2] == 0x05, tail[candidate + 3] == 0x06 {
                let length = Int(tail[candidate + 20]) | Int(tail[candidate + 21]) << 8
                if candidate + Self.fixedSize + length == tail.count {
                    let start = zip.startIndex + tailStart + candidate
                    offset = start
                    commentRange = (start + Self.fixedSize)..<zip.endIndex
                    return
                }
            }
            candidate -= 1
        }
        return nil
    }

    /// The same zip with `comment` (at most 65,535 bytes) as its comment.
    func withComment(_ comment: Data, in zip: Data) -> Data {
        var result = Data(zip[zip.startIndex..<(offset + 20)])
        result.append(UInt8(comment.count & 0xFF))
        result.append(UInt8(comment.count >> 8 & 0xFF))
        result.append(comment)
        return result
    }
}
