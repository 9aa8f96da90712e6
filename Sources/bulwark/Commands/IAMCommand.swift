import ArgumentParser
import Foundation

/// `bulwark iam …`: IAM tools that read the data directory.
struct IAMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "iam", abstract: "IAM tools over the data directory.", subcommands: [Explain.self, OIDCKeys.self]
    )

    /// `bulwark iam explain`: why a call was denied or refused, from its audit event.
    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Explain a denied call: the policies considered and what decided, from the audit trail.",
            discussion: """
                EVENT is the audit event's eventID or the call's requestID (x-amzn-RequestId). Without one, \
                --last explains the most recent denied or refused call and --denied lists the recent ones. \
                A denial's encoded authorization failure message decodes with \
                `aws sts decode-authorization-message --encoded-message <message>`.
                """
        )

        @OptionGroup var dataDirectory: DataDirectoryOption
        @Argument(help: "The eventID or requestID of the call.") var event: String?
        @Flag(help: "Explain the most recent denied or refused call.") var last = false
        @Flag(help: "List the most recent denied or refused calls, newest first.") var denied = false
        @Option(help: "How many calls --denied lists.") var limit = 10

        func validate() throws {
            let modes = [event != nil, last, denied].filter { $0 }.count
            guard modes == 1 else { throw ValidationError("Give an EVENT id, --last or --denied (one of them).") }
            guard limit > 0 else { throw ValidationError("--limit must be positive.") }
        }

        func run() throws {
            let trail = AuditTrailReader(directory: dataDirectory.url.appendingPathComponent("trail"))
            if denied {
                let found = try trail.newest(limit: limit, where: Self.isRefusal)
                guard !found.isEmpty else { return print("No denied or refused call in the trail at \(trail.directory.path).") }
                print(found.map(Self.summarize).joined(separator: "\n"))
                return
            }
            let match: ([String: Any]) -> Bool =
                if let event { { $0["eventID"] as? String == event || $0["requestID"] as? String == event } } else { Self.isRefusal }
            guard let found = try trail.newest(limit: 1, where: match, mentioning: event).first else {
                let what = event.map { "event \($0)" } ?? "denied or refused call"
                throw ValidationError("No \(what) in the trail at \(trail.directory.path).")
            }
            print(Self.describe(found))
        }

        static let accessDeniedCodes: Set<String> = ["AccessDenied", "AccessDeniedException"]

        /// A call the authorizer denied, or that failed with Bulwark's own account of why.
        static func isRefusal(_ event: [String: Any]) -> Bool {
            if let code = event["errorCode"] as? String, accessDeniedCodes.contains(code) { return true }
            let facts = event["additionalEventData"] as? [String: Any]
            return facts?["authorization"] != nil || facts?["reason"] != nil
        }

        /// One line: when, who, what, the outcome and the id to explain it by.
        static func summarize(_ event: [String: Any]) -> String {
            let identity = event["userIdentity"] as? [String: Any] ?? [:]
            let fields = [
                event["eventTime"] as? String ?? "?",
                event["requestID"] as? String ?? "?",
                "\(event["eventSource"] as? String ?? "?") \(event["eventName"] as? String ?? "?")",
                identity["arn"] as? String ?? identity["type"] as? String ?? "?",
                event["errorCode"] as? String ?? "-",
            ]
            return fields.joined(separator: "  ")
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
            let facts = event["additionalEventData"] as? [String: Any]
            let why = [facts?["reason"] as? String, facts?["authorization"] as? String].compactMap { $0 }
            if !why.isEmpty {
                lines.append("why:")
                lines += why.flatMap { $0.split(separator: "\n") }.map { "  " + $0 }
            } else if let code = event["errorCode"] as? String, accessDeniedCodes.contains(code) {
                lines.append("why:      (the event records no evaluation)")
            }
            if let encoded = facts?["encodedAuthorizationMessage"] as? String {
                // As AWS words it in the denials that carry one; `aws sts decode-authorization-message` reads it.
                lines.append("Encoded authorization failure message: \(encoded)")
            }
            return lines.joined(separator: "\n")
        }
    }
}

/// Reads the audit trail's files (`trail/YYYY/MM/DD/bulwark-trail-…Z.jsonl`), newest event first.
struct AuditTrailReader {
    let directory: URL

    /// Up to `limit` events that satisfy `match`, newest first; `mentioning` skips, without parsing
    /// them, lines that do not contain that text.
    func newest(limit: Int, where match: ([String: Any]) -> Bool, mentioning text: String? = nil) throws -> [[String: Any]] {
        let files = (FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)?.allObjects as? [URL] ?? [])
            .filter { $0.pathExtension == "jsonl" }
            .sorted { $0.path > $1.path }
        var found: [[String: Any]] = []
        for file in files {
            let content = try String(contentsOf: file, encoding: .utf8)
            for line in content.split(separator: "\n").reversed() where text.map(line.contains) ?? true {
                guard let event = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], match(event) else { continue }
                found.append(event)
                if found.count == limit { return found }
            }
        }
        return found
    }
}
