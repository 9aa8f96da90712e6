import Foundation

/// The configuration of one function version as Bulwark persists it: what the caller chose and the
/// defaults Lambda applies. The code hash, size and revision live beside it in the store's record.
struct FunctionState: Codable, Sendable, Equatable {
    struct Logging: Codable, Sendable, Equatable {
        var logFormat: String
        var applicationLogLevel: String?
        var systemLogLevel: String?
        var logGroup: String
    }

    var name: String
    var runtime: String
    var role: String
    var handler: String
    var description: String
    var timeout: Int
    var memorySize: Int
    var ephemeralStorageSize: Int
    /// Plaintext variables of configurations stored before environments were encrypted; empty in
    /// every configuration written since (``sealedEnvironment``), and emptied by the start-up migration.
    var environment: [String: String]
    var architectures: [String]
    var tracingMode: String
    var logging: Logging
    var lastModified: Date
    /// Base64 SHA-256 of the deployment package (`CodeSha256`).
    var codeSha256: String
    /// Where the version is in its life; nil in configurations stored before states were kept,
    /// all of which were ready (``FunctionState/currentLifecycle``).
    var lifecycle: FunctionLifecycle? = nil
    /// Whether the caller gave an `Environment`, which Lambda then shows even when it is empty.
    var environmentGiven: Bool? = nil
    /// Recursive loop detection (`Allow` or `Terminate`); nil is Lambda's default, `Terminate`.
    var recursiveLoop: String? = nil
    /// The runtime update mode (`Auto`, `FunctionUpdate`, `Manual`); nil is Lambda's default, `Auto`.
    var runtimeUpdateOn: String? = nil
    /// The runtime version chosen in `Manual` mode.
    var pinnedRuntimeVersionArn: String? = nil
    /// The variables as a KMS ciphertext blob (their JSON object, under ``kmsKeyArn`` or the account's
    /// `aws/lambda` key, with the function name as encryption context); nil when there are none.
    var sealedEnvironment: Data? = nil
    /// The customer managed key of the variables (`KMSKeyArn`); nil for the AWS managed key.
    var kmsKeyArn: String? = nil
    /// The revision of `$LATEST` a published version was copied from; nil for `$LATEST` itself. A
    /// publish that finds `$LATEST` still at that revision publishes nothing new.
    var publishedFrom: String? = nil
    /// The layer versions the function uses, in the order given (later ones win in `/opt`); nil or
    /// empty for none.
    var layers: [FunctionLayer]? = nil
    /// The unpacked size of the code, counted with the layers in the 250 MB limit; nil in
    /// configurations stored before it was kept.
    var codeUnzippedSize: Int64? = nil

    /// The version's lifecycle.
    var currentLifecycle: FunctionLifecycle { lifecycle ?? .active }

    static let defaultTimeout = 3
    static let defaultMemorySize = 128
    static let defaultEphemeralStorage = 512
}
