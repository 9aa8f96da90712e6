import ArgumentParser
import Foundation

/// `bulwark credentials`: where the administrator key is. It never prints the secret.
struct Credentials: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the path of the administrator credentials file.")

    @OptionGroup var dataDirectory: DataDirectoryOption

    func run() throws {
        let file = dataDirectory.url.appendingPathComponent("credentials")
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw ValidationError("No credentials file at \(file.path): start `bulwark serve` once with this data directory.")
        }
        print(file.path)
    }
}
