import ArgumentParser
import BenchmarkSupport
import Foundation
import HTTPTypes
import NIOCore
import NIOPosix

/// The load side of `make bench`: a client that signs every request as an SDK does and keeps its
/// connections alive, and the minimal HTTP echo server it is compared with in the same run.
@main
struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bulwark-load",
        abstract: "Load client and echo baseline for Bulwark's benchmarks.",
        subcommands: [Run.self, Echo.self]
    )

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Sends one request repeatedly over N keep-alive connections; prints JSON.")

        @Option(help: "http://host:port") var endpoint: String
        @Option var method: String = "GET"
        @Option(help: "Path and query, already percent-encoded.") var path: String = "/"
        @Option(help: "A body of this many bytes (a JSON string), unless --body is given.") var bodySize: Int = 0
        @Option(help: "The body, verbatim.") var body: String?
        @Option var contentType: String = "application/json"
        @Option(name: .customLong("header"), help: "A further header, NAME:VALUE, sent and signed (repeatable).")
        var headers: [String] = []
        @Option(help: "Signing name (lambda, iam, sts); omit to send unsigned requests (the echo baseline).") var service: String?
        @Option var region: String = "us-east-1"
        /// The key signs with `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` from the
        /// environment, never from arguments, which every user of the machine can read.
        var accessKey: String { ProcessInfo.processInfo.environment["AWS_ACCESS_KEY_ID"] ?? "" }
        var secretKey: String { ProcessInfo.processInfo.environment["AWS_SECRET_ACCESS_KEY"] ?? "" }
        var sessionToken: String? { ProcessInfo.processInfo.environment["AWS_SESSION_TOKEN"] }
        @Option var connections: Int = 1
        @Option(help: "Seconds measured.") var duration: Double = 5
        @Option(help: "Seconds sent before measuring.") var warmup: Double = 1

        func run() async throws {
            guard let url = URL(string: endpoint), let host = url.host, let port = url.port else {
                throw ValidationError("--endpoint must be http://host:port")
            }
            let payload = Data((body ?? Self.jsonString(bytes: bodySize)).utf8)
            let extraHeaders = try headers.map { header in
                guard let colon = header.firstIndex(of: ":"), HTTPField.Name(String(header[..<colon])) != nil else {
                    throw ValidationError("--header must be NAME:VALUE, not \(header)")
                }
                return (name: String(header[..<colon]), value: String(header[header.index(after: colon)...]))
            }
            let template = SignedRequestTemplate(
                method: method, host: "\(host):\(port)", target: path, body: payload, contentType: contentType,
                headers: extraHeaders,
                signing: service.map {
                    .init(service: $0, region: region, accessKeyID: accessKey, secretAccessKey: secretKey, sessionToken: sessionToken)
                }
            )
            let client = LoadClient(host: host, port: port, template: template)
            let result = try await client.run(connections: connections, warmup: warmup, duration: duration)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
        }

        /// A JSON string literal of exactly `bytes` bytes (at least 2: `""`).
        static func jsonString(bytes: Int) -> String {
            bytes <= 0 ? "" : "\"" + String(repeating: "x", count: max(bytes - 2, 0)) + "\""
        }
    }

    struct Echo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Answers every request with its body, on 127.0.0.1.")

        @Option var port: Int = 0

        func run() async throws {
            let server = try await EchoServer.start(port: port)
            // Unbuffered: benchmarks/run.py reads the port from this line while the server runs.
            FileHandle.standardOutput.write(Data("listening on http://127.0.0.1:\(server.port)\n".utf8))
            try await server.closeFuture.get()
        }
    }
}
