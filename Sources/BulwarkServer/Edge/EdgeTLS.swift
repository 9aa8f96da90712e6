import Crypto
import Foundation
import NIOSSL
import SwiftASN1
import X509

/// TLS for the edge: a certificate and key from files, or a self-signed pair made on first use.
/// TLS 1.2 is the minimum in every case.
public enum EdgeTLS: Sendable, Equatable {
    case disabled
    case files(certificate: URL, privateKey: URL)
    /// A local certificate authority and a server certificate for `localhost` and 127.0.0.1 / ::1,
    /// kept under `<data-dir>/tls/`; clients trust `ca.pem` (`--ca-bundle`).
    case selfSigned

    /// The NIOSSL server configuration, creating the self-signed files when needed.
    ///
    /// - Returns: the configuration and, for ``selfSigned``, the CA bundle path to give clients.
    func serverConfiguration(dataDirectory: URL) throws -> (TLSConfiguration, caBundle: URL?)? {
        let certificate: URL
        let privateKey: URL
        var caBundle: URL?
        switch self {
        case .disabled:
            return nil
        case .files(let certificateFile, let keyFile):
            certificate = certificateFile
            privateKey = keyFile
        case .selfSigned:
            let paths = try SelfSignedAuthority.ensure(in: dataDirectory.appendingPathComponent("tls"))
            certificate = paths.certificate
            privateKey = paths.privateKey
            caBundle = paths.authority
        }
        let chain = try NIOSSLCertificate.fromPEMFile(certificate.path).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(file: privateKey.path, format: .pem)
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        return (configuration, caBundle)
    }
}

/// Creation of the self-signed certificate authority and server certificate.
enum SelfSignedAuthority {
    struct Paths {
        let authority: URL
        let certificate: URL
        let privateKey: URL
    }

    static func ensure(in directory: URL) throws -> Paths {
        let paths = Paths(
            authority: directory.appendingPathComponent("ca.pem"),
            certificate: directory.appendingPathComponent("server.pem"),
            privateKey: directory.appendingPathComponent("server-key.pem")
        )
        let manager = FileManager.default
        if [paths.authority, paths.certificate, paths.privateKey].allSatisfy({ manager.fileExists(atPath: $0.path) }) {
            return paths
        }
        try manager.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let now = Date()
        let authorityKey = P256.Signing.PrivateKey()
        let authorityName = try DistinguishedName {
            OrganizationName("Bulwark")
            CommonName("Bulwark local certificate authority")
        }
        let authority = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: .init(authorityKey.publicKey),
            notValidBefore: now.addingTimeInterval(-300),
            notValidAfter: now.addingTimeInterval(825 * 86_400),
            issuer: authorityName,
            subject: authorityName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: .init(authorityKey.publicKey))
            },
            issuerPrivateKey: .init(authorityKey)
        )
        let serverKey = P256.Signing.PrivateKey()
        let server = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: .init(serverKey.publicKey),
            notValidBefore: now.addingTimeInterval(-300),
            notValidAfter: now.addingTimeInterval(397 * 86_400),
            issuer: authorityName,
            subject: try DistinguishedName { CommonName("localhost") },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames([
                    .dnsName("localhost"),
                    .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])),
                    .ipAddress(ASN1OctetString(contentBytes: ArraySlice([UInt8](repeating: 0, count: 15) + [1]))),
                ])
                AuthorityKeyIdentifier(keyIdentifier: SubjectKeyIdentifier(hash: .init(authorityKey.publicKey)).keyIdentifier)
            },
            issuerPrivateKey: .init(authorityKey)
        )
        let authorityPEM = try authority.serializeAsPEM().pemString
        let serverPEM = try server.serializeAsPEM().pemString
        try write(authorityPEM, to: paths.authority, mode: 0o644)
        try write(serverPEM + "\n" + authorityPEM, to: paths.certificate, mode: 0o644)
        try write(serverKey.pemRepresentation, to: paths.privateKey, mode: 0o600)
        return paths
    }

    private static func write(_ text: String, to url: URL, mode: Int) throws {
        try? FileManager.default.removeItem(at: url)
        guard FileManager.default.createFile(atPath: url.path, contents: Data(text.utf8), attributes: [.posixPermissions: mode]) else {
            throw CocoaError(.fileWriteUnknown)
        }
    }
}
