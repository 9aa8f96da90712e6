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
        // Every invoke names its version's runtime ARN: hex digits written directly, not through
        // `String(format:)` (an NSString per byte).
        let digits = Array("0123456789abcdef".utf8)
        var digest: [UInt8] = []
        digest.reserveCapacity(64)
        for byte in SHA256.hash(data: Data(runtime.utf8)) {
            digest.append(digits[Int(byte >> 4)])
            digest.append(digits[Int(byte & 0x0f)])
        }
        return "arn:aws:lambda:\(region)::runtime:\(String(decoding: digest, as: UTF8.self))"
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
