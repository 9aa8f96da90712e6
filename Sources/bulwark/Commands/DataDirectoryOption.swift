import ArgumentParser
import Foundation

/// `--data-dir`, shared by the commands that read the data directory.
struct DataDirectoryOption: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "The data directory (default: $BULWARK_DATA_DIR or ./.bulwark).")
    var path: String?

    var url: URL {
        let chosen = path ?? ProcessInfo.processInfo.environment["BULWARK_DATA_DIR"] ?? ".bulwark"
        return URL(fileURLWithPath: chosen).standardizedFileURL
    }
}
