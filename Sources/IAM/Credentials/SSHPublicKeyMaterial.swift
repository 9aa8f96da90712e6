import Crypto
import CryptoExtras
import Foundation

/// An RSA public key as IAM accepts one for CodeCommit: an OpenSSH `ssh-rsa` line or a PEM
/// (`BEGIN PUBLIC KEY` or `BEGIN RSA PUBLIC KEY`), of at least 2048 bits. Both encodings of one key
/// are the same key: the same fingerprint, either encoding on request.
struct SSHPublicKeyMaterial: Sendable, Equatable {
    /// Why a body is refused.
    enum Refusal: Error, Equatable {
        /// Not an encoding IAM reads (an `ssh-ed25519` key, a certificate, text).
        case unrecognizedEncoding
        /// An RSA key that does not parse, or shorter than 2048 bits.
        case invalidKey
    }

    static let minimumBits = 2048

    /// The modulus, without leading zero bytes.
    let modulus: [UInt8]
    /// The public exponent, without leading zero bytes.
    let exponent: [UInt8]

    init(modulus: [UInt8], exponent: [UInt8]) {
        self.modulus = Array(modulus.drop { $0 == 0 })
        self.exponent = Array(exponent.drop { $0 == 0 })
    }

    /// Parses a body as uploaded.
    init(parsing body: String) throws(Refusal) {
        let text = body.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("-----BEGIN ") {
            try self.init(pem: text)
        } else {
            try self.init(openSSH: text)
        }
        guard bits >= Self.minimumBits, exponent.last.map({ $0 & 1 == 1 }) == true else { throw .invalidKey }
    }

    private init(pem: String) throws(Refusal) {
        guard pem.hasPrefix("-----BEGIN PUBLIC KEY-----") || pem.hasPrefix("-----BEGIN RSA PUBLIC KEY-----") else {
            throw .unrecognizedEncoding
        }
        do {
            let key = try _RSA.Signing.PublicKey(unsafePEMRepresentation: pem)
            let primitives = try key.getKeyPrimitives()
            self.init(modulus: Array(primitives.modulus), exponent: Array(primitives.publicExponent))
        } catch {
            throw .invalidKey
        }
    }

    /// `ssh-rsa <base64 blob> [comment]`, the blob being the strings `ssh-rsa`, e and n (RFC 4253 §6.6).
    private init(openSSH line: String) throws(Refusal) {
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard fields.count >= 2, fields[0] == "ssh-rsa" else { throw .unrecognizedEncoding }
        guard let blob = Data(base64Encoded: String(fields[1])) else { throw .invalidKey }
        var reader = SSHWireReader(Array(blob))
        guard let type = reader.string(), type == Array("ssh-rsa".utf8), let e = reader.string(), let n = reader.string(), reader.isAtEnd
        else { throw .invalidKey }
        self.init(modulus: n, exponent: e)
    }

    /// The modulus's length in bits.
    var bits: Int {
        guard let first = modulus.first else { return 0 }
        return (modulus.count - 1) * 8 + (8 - first.leadingZeroBitCount)
    }

    /// The OpenSSH wire form: `string "ssh-rsa"`, `mpint e`, `mpint n`.
    var blob: [UInt8] {
        Self.string(Array("ssh-rsa".utf8)) + Self.string(Self.mpint(exponent)) + Self.string(Self.mpint(modulus))
    }

    /// `ssh-rsa <base64 blob>`.
    var openSSH: String { "ssh-rsa " + Data(blob).base64EncodedString() }

    /// The SubjectPublicKeyInfo PEM (`BEGIN PUBLIC KEY`).
    var pem: String {
        // Only keys of 2048 bits or more are ever made, which the initializer accepts.
        (try? _RSA.Signing.PublicKey(n: modulus, e: exponent))?.pemRepresentation ?? ""
    }

    /// The MD5 of the key's OpenSSH blob in colon-separated hex, as `ssh-keygen -E md5` shows it.
    var fingerprint: String {
        Insecure.MD5.hash(data: blob).map { String(format: "%02x", $0) }.joined(separator: ":")
    }

    // MARK: Encoding

    private static func string(_ bytes: [UInt8]) -> [UInt8] {
        let count = UInt32(bytes.count)
        return [UInt8(count >> 24), UInt8(count >> 16 & 0xff), UInt8(count >> 8 & 0xff), UInt8(count & 0xff)] + bytes
    }

    /// A positive integer with a zero byte before a high bit.
    private static func mpint(_ magnitude: [UInt8]) -> [UInt8] {
        magnitude.first.map { $0 & 0x80 != 0 } == true ? [0] + magnitude : magnitude
    }
}

/// Reads RFC 4251 `string`s.
private struct SSHWireReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func string() -> [UInt8]? {
        guard bytes.count - offset >= 4 else { return nil }
        let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
        offset += 4
        guard length <= bytes.count - offset else { return nil }
        defer { offset += length }
        return Array(bytes[offset..<offset + length])
    }
}
