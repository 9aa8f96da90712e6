import Foundation
import Glibc

/// Which process a staging directory belongs to: the `owner` file written when the directory is
/// claimed, naming the process and the data directory of the server the directory is for (none for
/// a one-off staging such as `bulwark doctor`'s).
///
/// A server removes its staging directory when it stops. One that was killed cannot; its staging
/// directory is reused when a server starts again over the same data directory, and reclaimed by the
/// next server to start once nothing can use it any more (``isAbandoned``).
struct StagingOwner: Sendable, Equatable {
    static let fileName = "owner"

    let processID: pid_t
    let dataDirectory: String?

    init(processID: pid_t, dataDirectory: String?) {
        self.processID = processID
        self.dataDirectory = dataDirectory
    }

    /// The owner recorded in `staging`, or nil when there is no readable record of this user's.
    init?(recordedIn staging: URL) {
        let file = staging.appendingPathComponent(Self.fileName)
        guard let status = FileStatus(path: file.path), status.kind == .regularFile, status.ownerID == geteuid(),
            let text = try? String(contentsOf: file, encoding: .utf8),
            let newline = text.firstIndex(of: "\n"), let processID = pid_t(text[..<newline]), processID > 0
        else { return nil }
        let path = text[text.index(after: newline)...]
        guard path == "\n" || (path.hasPrefix("/") && path.hasSuffix("\n")) else { return nil }
        self.init(processID: processID, dataDirectory: path == "\n" ? nil : String(path.dropLast()))
    }

    /// Records this owner in `staging`, readable by this user only.
    func record(in staging: URL) throws {
        let file = staging.appendingPathComponent(Self.fileName)
        let text = "\(processID)\n\(dataDirectory ?? "")\n"
        guard FileManager.default.createFile(atPath: file.path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw SandboxError.unavailable("cannot record the owner of the sandbox directory in \(file.path)")
        }
    }

    /// Whether nothing can use the staging directory any more: its process has ended, and it was a
    /// one-off or its data directory — from which a server's staging directory is named — is gone.
    var isAbandoned: Bool {
        guard kill(processID, 0) != 0 && errno == ESRCH else { return false }
        guard let dataDirectory else { return true }
        return !FileManager.default.fileExists(atPath: dataDirectory)
    }
}
