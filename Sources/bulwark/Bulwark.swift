import ArgumentParser
import Foundation

@main
struct Bulwark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bulwark",
        abstract: "A self-hosted serverless platform that speaks the AWS Lambda API, secure by default.",
        subcommands: [Serve.self, Credentials.self, Doctor.self, IAMCommand.self, Audit.self]
    )

    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            // `bulwark audit` answers like a linter, whose 1 means findings: its usage errors are 2.
            if CommandLine.arguments.dropFirst().first == "audit", exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(Audit.usageExitCode.rawValue)
            }
            Self.exit(withError: error)
        }
    }
}
