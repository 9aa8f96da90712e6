import Crypto
import Foundation

/// The runtime version a function runs on, named as Lambda names it: the ARN
/// `arn:aws:lambda:<region>::runtime:<64 hex digits>` and the name in `INIT_START` lines,
/// `python:3.12.v1`.
///
/// Bulwark serves one version of each runtime identifier per host, so the version is identified by
/// the SHA-256 of the identifier (stable for a runtime, different between runtimes) and its name
/// carries build number 1.
enum RuntimeVersion {
    static func arn(of runtime: String, region: String) -> String {
        let digest = SHA256.hash(data: Data(runtime.utf8)).map { String(format: "%02x", $0) }.joined()
        return "arn:aws:lambda:\(region)::runtime:\(digest)"
    }

    /// `python3.12` → `python:3.12.v1`, `nodejs22.x` → `nodejs:22.v1`, `provided.al2023` →
    /// `provided:al2023.v1`, `java8.al2` → `java:8.al2.v1`: the language, then its version.
    static func name(of runtime: String) -> String {
        var identifier = Substring(runtime)
        if identifier.hasSuffix(".x") { identifier = identifier.dropLast(2) }
        let language = identifier.prefix { $0.isLetter }
        var version = identifier.dropFirst(language.count)
        if version.hasPrefix(".") { version = version.dropFirst() }
        return "\(language):\(version).v1"
    }
}

extension FunctionState {
    /// The runtime version the function runs on: the one pinned in `Manual` mode, or the host's.
    func runtimeVersionARN(region: String) -> String {
        pinnedRuntimeVersionArn ?? RuntimeVersion.arn(of: runtime, region: region)
    }
}
