import ArgumentParser
import Foundation

/// `bulwark iam …`: IAM tools that read the data directory.
struct IAMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "iam", abstract: "IAM tools over the data directory.", subcommands: [Explain.self, OIDCKeys.self]
    )

    /// `bulwark iam explain <event-id>`: why a call was denied, from its audit event.
    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Explain a denied call: the policies considered and what decided, from the audit trail.",
            discussion: "EVENT is the audit event's eventID or the call's requestID (x-amzn-RequestId)."
        )

        @OptionGroup var dataDirectory: DataDirectoryOption
        @Argument(help: "The eventID or requestID of the call.") var event: String

        func run() throws {
            let trail = dataDirectory.url.appendingPathComponent("trail")
            guard let found = try Self.find(event, in: trail) else {
                throw ValidationError("No event \(event) in the trail at \(trail.path).")
            }
            print(Self.describe(found))
        }

        /// The event whose eventID or requestID is `id`, newest files first.
        static func find(_ id: String, in trail: URL) throws -> [String: Any]? {
            let files = (FileManager.default.enumerator(at: trail, includingPropertiesForKeys: nil)?.allObjects as? [URL] ?? [])
                .filter { $0.pathExtension == "jsonl" }
                .sorted { $0.lastPathComponent > $1.lastPathComponent }
            for file in files {
                let text = try String(contentsOf: file, encoding: .utf8)
                for line in text.split(separator: "\n") where line.contains(id) {
                    guard let event = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
                    if event["eventID"] as? String == id || event["requestID"] as? String == id { return event }
                }
            }
            return nil
        }

        static func describe(_ event: [String: Any]) -> String {
            let identity = event["userIdentity"] as? [String: Any] ?? [:]
            var lines = [
                "event:    \(event["eventID"] as? String ?? "?") (request \(event["requestID"] as? String ?? "?"))",
                "time:     \(event["eventTime"] as? String ?? "?")",
                "call:     \(event["eventSource"] as? String ?? "?") \(event["eventName"] as? String ?? "?")",
                "caller:   \(identity["arn"] as? String ?? identity["type"] as? String ?? "?")",
            ]
            if let code = event["errorCode"] as? String {
                lines.append("outcome:  \(code): \(event["errorMessage"] as? String ?? "")")
            } else {
                lines.append("outcome:  allowed and answered")
            }
            let extra = event["additionalEventData"] as? [String: Any]
            if let why = extra?["authorization"] as? String {
                lines.append("why:")
                lines += why.split(separator: "\n").map { "  " + $0 }
            } else if event["errorCode"] as? String == "AccessDenied" || event["errorCode"] as? String == "AccessDeniedException" {
                lines.append("why:      (the event records no evaluation)")
            }
            return lines.joined(separator: "\n")
        }
    }
}
