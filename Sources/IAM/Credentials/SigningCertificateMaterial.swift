import Crypto
import Foundation
import SwiftASN1
import X509

/// An X.509 certificate as IAM takes one for signing (`UploadSigningCertificate`): one PEM
/// `CERTIFICATE` that parses, not expired. Two uploads are the same certificate when their DER is.
struct SigningCertificateMaterial: Sendable {
    /// Why a body is refused.
    enum Refusal: Error, Equatable {
        /// Not one PEM certificate, or one that does not parse as X.509.
        case malformed
        /// Its validity ended before now.
        case expired
    }

    let certificate: Certificate
    /// The SHA-256 of the DER, which identifies the certificate among the account's.
    let digest: String

    init(parsing body: String, now: Date) throws(Refusal) {
        let der = try Self.der(body)
        do {
            certificate = try Certificate(derEncoded: der)
        } catch {
            throw .malformed
        }
        guard certificate.notValidAfter >= now else { throw .expired }
        digest = SHA256.hash(data: der).map { String(format: "%02x", $0) }.joined()
    }

    /// The DER of the one `CERTIFICATE` block of a PEM text.
    private static func der(_ body: String) throws(Refusal) -> [UInt8] {
        let lines = body.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard lines.first == "-----BEGIN CERTIFICATE-----", lines.last == "-----END CERTIFICATE-----", lines.count >= 3 else {
            throw .malformed
        }
        let payload = lines.dropFirst().dropLast()
        guard !payload.contains(where: { $0.hasPrefix("-----") }), let der = Data(base64Encoded: payload.joined()) else { throw .malformed }
        return Array(der)
    }
}
