import ArgumentParser
import BulwarkServer
import Foundation
import Logging

/// `bulwark doctor`: what this host provides for running functions, and what is missing.
struct Doctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check what this host provides to run functions safely.")

    @OptionGroup var dataDirectory: DataDirectoryOption
    @OptionGroup var execution: ExecutionOptions

    func run() async throws {
        var logger = Logger(label: "bulwark-doctor")
        logger.logLevel = .critical
        let report = try await BulwarkServer.diagnose(dataDirectory: dataDirectory.url, execution: try execution.settings(), logger: logger)
        print(report.text)
        if !report.canRunFunctions { throw ExitCode(1) }
    }
}
