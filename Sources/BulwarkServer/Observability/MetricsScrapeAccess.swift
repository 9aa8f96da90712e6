import Crypto
import Foundation

/// Who may read `GET /metrics` without an AWS signature: the holder of the operator's scrape token
/// (`Authorization: Bearer <token>`, what Prometheus sends from `authorization.credentials_file`),
/// and anyone else only where the operator opens it (`--metrics-unauthenticated`). Signed requests
/// are judged by IAM instead (``MetricsScrapeService``).
public struct MetricsScrapeAccess: Sendable {
    /// Where scraping without any credential is allowed.
    public enum OpenTo: String, Sendable, CaseIterable {
        /// Nowhere: a signature or the token is needed (the default).
        case nobody
        /// Peers on the loopback interface (`127.0.0.0/8`, `::1`).
        case loopback
        /// Every peer.
        case anyone
    }

    /// SHA-256 of the token, so that comparing takes the same time whatever the guess.
    private let tokenDigest: SHA256.Digest?
    public let openTo: OpenTo

    /// The shortest scrape token accepted.
    public static let minimumTokenLength = 32

    public init(token: String? = nil, openTo: OpenTo = .nobody) {
        tokenDigest = token.map { SHA256.hash(data: Data($0.utf8)) }
        self.openTo = openTo
    }

    /// Whether a request without an AWS signature, with this `Authorization` header, from this peer, may scrape.
    func admits(authorization: String?, sourceIP: String) -> Bool {
        if let tokenDigest, let authorization, authorization.hasPrefix("Bearer ") {
            return SHA256.hash(data: Data(authorization.dropFirst("Bearer ".count).utf8)) == tokenDigest
        }
        switch openTo {
        case .nobody: return false
        case .loopback: return Self.isLoopback(sourceIP)
        case .anyone: return true
        }
    }

    /// `127.0.0.0/8`, `::1` and IPv4-mapped loopback addresses.
    static func isLoopback(_ address: String) -> Bool {
        let address = address.hasPrefix("::ffff:") ? String(address.dropFirst("::ffff:".count)) : address
        if address == "::1" { return true }
        let parts = address.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }
}
