import Foundation
import Store

/// `<data-dir>/credentials`: the administrator key in the AWS shared-credentials format, mode 0600,
/// so that `AWS_SHARED_CREDENTIALS_FILE` points any SDK or the CLI at it.
enum CredentialsFile {
    static func url(in dataDirectory: URL) -> URL {
        dataDirectory.appendingPathComponent("credentials")
    }

    /// Writes the file (replacing an earlier one), readable by its owner only.
    static func write(accessKeyID: String, secretAccessKey: String, in dataDirectory: URL) throws {
        let text = """
            # Bulwark administrator key (the account root). Keep this file private.
            [default]
            aws_access_key_id = \(accessKeyID)
            aws_secret_access_key = \(secretAccessKey)

            """
        let target = url(in: dataDirectory)
        let temporary = dataDirectory.appendingPathComponent(".credentials-\(UUID().uuidString)")
        try DurableFile.write(Data(text.utf8), to: temporary, mode: 0o600)
        try DurableFile.rename(temporary, to: target, directory: dataDirectory)
    }
}
