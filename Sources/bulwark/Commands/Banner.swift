import BulwarkServer
import Foundation
import Synchronization

/// What `bulwark serve` tells the operator on standard output. It never shows a secret.
final class Banner: Sendable {
    private let dataDirectory: URL
    private let account = Mutex<(id: String, created: Bool)?>(nil)

    init(dataDirectory: URL) {
        self.dataDirectory = dataDirectory
    }

    func show(_ event: BulwarkServer.Event) {
        switch event {
        case .accountCreated(let accountID, let accessKeyID, let file):
            account.withLock { $0 = (accountID, true) }
            write(
                "Created account \(accountID) with administrator key \(accessKeyID); its secret is in \(file.path) (mode 0600) and is not shown again."
            )
        case .accountLoaded(let accountID, _):
            account.withLock { $0 = (accountID, false) }
        case .listening(let endpoint, let caBundle):
            let accountID = account.withLock { $0?.id } ?? "?"
            var exports =
                "export AWS_ENDPOINT_URL=\(endpoint) AWS_SHARED_CREDENTIALS_FILE=\(dataDirectory.appendingPathComponent("credentials").path) AWS_DEFAULT_REGION=us-east-1"
            if let caBundle { exports += " AWS_CA_BUNDLE=\(caBundle.path)" }
            write("Bulwark is listening on \(endpoint) (account \(accountID)).\nPoint the AWS CLI and SDKs at it with:\n  \(exports)")
        }
    }

    private func write(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
