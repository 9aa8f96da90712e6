import Crypto
import Foundation

/// The runtime version a function runs on, named as Lambda names it:
/// `arn:aws:lambda:<region>::runtime:<64 hex digits>`.
///
/// Bulwark serves one version of each runtime identifier per host, so the version is identified by
/// the SHA-256 of the identifier: stable for a runtime, different between runtimes.
enum RuntimeVersion {
    static func arn(of runtime: String, region: String) -> String {
        let digest = SHA256.hash(data: Data(runtime.utf8)).map { String(format: "%02x", $0) }.joined()
        return "arn:aws:lambda:\(region)::runtime:\(digest)"
    }
}
