import Crypto
import Foundation
import Lambda
import Logging
import NIOCore
import NIOPosix
import Store
import Testing

@testable import Execution

/// A `provided.al2023` function run for real by an ``Invoker`` in a bubblewrap sandbox, as `bulwark serve` runs
/// it, with a secret-looking variable and role credentials. After ``start()`` it has answered one invocation and
/// stays warm: its processes run until ``stop()``.
///
/// Its bootstrap, a Python script, answers every invocation with the values of ``BULWARK_TEST_SECRET``,
/// `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` as it sees them, and carries ``codeMarker`` in a comment.
final class RunningFunction {
    /// What must reach the function and nobody else.
    let secret = "s3cr3t-\(UUID().uuidString)"
    let credentials = FunctionCredentials(
        accessKeyID: "ASIA" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).uppercased(),
        secretAccessKey: "secret-key-\(UUID().uuidString)",
        sessionToken: "session-token-\(UUID().uuidString)",
        expiration: Date().addingTimeInterval(12 * 3600)
    )
    /// A string found only in the function's code.
    let codeMarker = "code-marker-\(UUID().uuidString)"
    /// The values the function saw, by variable name.
    private(set) var seen: [String: String] = [:]

    let staging: URL
    private let root: URL
    private let eventLoops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private var invoker: Invoker?
    private var stagingClaim: StagingClaim?

    static var canRun: Bool {
        ["/usr/bin/bwrap", "/usr/bin/python3"].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
            && FileManager.default.isExecutableFile(atPath: InitSandbox.binary)
    }

    init() {
        // Short: the environments' Unix sockets live below the staging directory and must fit in 108 bytes.
        root = URL(fileURLWithPath: "/tmp/bulwark-secrecy-\(UUID().uuidString.prefix(8))")
        staging = root.appendingPathComponent("staging")
    }

    /// Stages and invokes the function once; it then stays warm.
    func start() async throws {
        let manager = FileManager.default
        try manager.createDirectory(at: root, withIntermediateDirectories: true)
        let noRuntimeClients = root.appendingPathComponent("runtimes")
        try manager.createDirectory(at: noRuntimeClients, withIntermediateDirectories: true)
        stagingClaim = try ExecutionHost.claimStagingDirectory(staging, dataDirectory: root)
        let host = ExecutionHost(
            .init(
                stagingDirectory: staging, initExecutable: URL(fileURLWithPath: InitSandbox.binary),
                runtimes: .init(pythonClients: noRuntimeClients, nodeClient: nil),
                // Control groups are not what this test is about; they are used when the host has them.
                insecureNoSandbox: true
            ),
            logger: Logger(label: "secrecy-test")
        )
        if let blocker = await host.prepared().blocker { throw InitTestProcess.Failure(description: "functions cannot run here: \(blocker)") }
        let code = try CodeStore(directory: root.appendingPathComponent("code"), key: SymmetricKey(size: .bits256))
        let blob = try code.put(try makePackage())
        let invoker = Invoker(
            host: host, code: code, logsDirectory: root.appendingPathComponent("logs"), eventLoopGroup: eventLoops,
            credentials: IssuedCredentials(credentials: credentials), logger: Logger(label: "secrecy-test")
        )
        self.invoker = invoker
        let function = FunctionSnapshot(
            accountID: "123456789012", region: "us-east-1", name: "secrecy",
            functionARN: "arn:aws:lambda:us-east-1:123456789012:function:secrecy", version: "$LATEST",
            revisionID: UUID().uuidString, runtime: "provided.al2023", handler: "unused",
            role: "arn:aws:iam::123456789012:role/secrecy", timeout: 30, memorySize: 128, ephemeralStorageSize: 512,
            environment: .plain(["BULWARK_TEST_SECRET": secret]), architectures: ["x86_64"], codeSHA256: blob.sha256Hex,
            logGroup: "/aws/lambda/secrecy", logFormat: "Text", applicationLogLevel: nil, systemLogLevel: nil,
            runtimeVersion: "provided:al2023.v1", runtimeVersionARN: "arn:aws:lambda:us-east-1::runtime:00"
        )
        let result = try await invoker.invoke(
            InvokeRequest(
                function: function, requestID: UUID().uuidString.lowercased(), payload: Data("{}".utf8),
                invokedARN: function.functionARN, clientContext: nil, wantsLogTail: false, reservedConcurrency: nil,
                unreservedLimit: 10
            )
        )
        let answer = String(decoding: result.payload, as: UTF8.self)
        guard result.functionError == nil, let values = try? JSONDecoder().decode([String: String].self, from: result.payload) else {
            throw InitTestProcess.Failure(description: "the function did not answer its variables: \(answer)")
        }
        seen = values
    }

    /// Ends the warm environment and removes everything the run created.
    func stop() async {
        await invoker?.shutdown()
        try? await eventLoops.shutdownGracefully()
        try? FileManager.default.removeItem(at: root)
    }

    /// A zip with the executable `bootstrap`, made by Python's zipfile, independent of Bulwark's code.
    private func makePackage() throws -> Data {
        let bootstrap = """
            #!/usr/bin/python3
            # \(codeMarker)
            import json, os, urllib.request
            api = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime/invocation/"
            names = ("BULWARK_TEST_SECRET", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
            while True:
                with urllib.request.urlopen(api + "next") as event:
                    request_id = event.headers["Lambda-Runtime-Aws-Request-Id"]
                    event.read()
                seen = {name: os.environ.get(name, "") for name in names}
                answer = urllib.request.Request(api + request_id + "/response", data=json.dumps(seen).encode(), method="POST")
                urllib.request.urlopen(answer).read()

            """
        let script = root.appendingPathComponent("bootstrap")
        let zip = root.appendingPathComponent("function.zip")
        try bootstrap.write(to: script, atomically: false, encoding: .utf8)
        let zipper = """
            import sys, zipfile
            entry = zipfile.ZipInfo("bootstrap")
            entry.external_attr = 0o100755 << 16
            with zipfile.ZipFile(sys.argv[2], "w") as archive, open(sys.argv[1], "rb") as source:
                archive.writestr(entry, source.read())
            """
        let outcome = try InitTestProcess(["/usr/bin/python3", "-c", zipper, script.path, zip.path]).finish()
        guard outcome.code == 0 else { throw InitTestProcess.Failure(description: "zip failed: \(outcome.stderr)") }
        return try Data(contentsOf: zip)
    }
}

/// The role credentials an environment gets, chosen by the test.
struct IssuedCredentials: FunctionCredentialsProvider {
    let credentials: FunctionCredentials

    func credentials(for function: FunctionSnapshot) async throws -> FunctionCredentials { credentials }
}
