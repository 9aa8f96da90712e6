import AWSWire
import BulwarkCore
import GRDB
import Store

extension ResourceKind {
    /// A log group, named by name or ARN (with or without the trailing `:*`); its ``LogGroupForm``
    /// qualifier says which ARN its checks are asked on.
    public static let logsLogGroup = ResourceKind(service: "logs", type: "log-group", trailType: "AWS::Logs::LogGroup")
}

/// The ARN a log group reference is judged on, as AWS judges it: the group's actions on
/// `log-group:<name>:log-stream:` (which a policy's `log-group:<name>:*` covers), a stream's on
/// `log-group:<name>:log-stream:<stream>`, and the tagging actions on the bare `log-group:<name>`.
enum LogGroupForm {
    static let group: String? = nil
    static let resource = "resource"

    static func stream(_ name: String) -> String { "stream:\(name)" }

    static func arn(group: String, qualifier: String?) -> String {
        switch qualifier {
        case nil: group + ":log-stream:"
        case resource: group
        case let qualifier?: group + ":log-stream:" + qualifier.dropFirst("stream:".count)
        }
    }

    static func streamName(_ qualifier: String?) -> String? {
        guard let qualifier, qualifier.hasPrefix("stream:") else { return nil }
        return String(qualifier.dropFirst("stream:".count))
    }
}

/// A log group as the resolve stage found it, with the stream the call names (when it names one and
/// it exists).
struct ResolvedLogGroup: Sendable {
    let group: LogGroupRecord
    let stream: LogStreamRecord?
    let tags: [String: String]
}

/// A log group reference as typed: a name (the caller's account, the request's region) or an ARN.
struct LogGroupReference: Equatable {
    let partition: String
    let accountID: String
    let region: String
    let name: String

    init?(_ text: String, context: CallContext) {
        if text.hasPrefix("arn:") {
            guard let arn = ARN(text), arn.service == "logs", arn.resource.hasPrefix("log-group:") else { return nil }
            var name = arn.resource.dropFirst("log-group:".count)
            if name.hasSuffix(":*") { name = name.dropLast(2) }
            guard !name.isEmpty, !name.contains(":") else { return nil }
            partition = arn.partition
            accountID = arn.accountID
            region = arn.region
            self.name = String(name)
        } else {
            partition = "aws"
            accountID = context.accountID
            region = context.region
            name = text
        }
    }

    var arn: String {
        ARN(partition: partition, service: "logs", region: region, accountID: accountID, resource: "log-group:\(name)").description
    }
}

/// CloudWatch Logs' authority over log groups (decision 0035): a group belongs to an account and a
/// region; a name or ARN naming another account's or region's group resolves to nothing.
struct LogsResourceAuthority: ResourceAuthority {
    let database: BulwarkDatabase

    var kinds: [ResourceKind] { [.logsLogGroup] }

    func resolve(_ references: [ResourceReference], context: CallContext) async throws -> [ResolvedResource] {
        try await database.read { db in
            try references.map { reference in
                guard let typed = LogGroupReference(reference.text, context: context) else {
                    return .absent(reference, arn: reference.text, accountID: context.accountID)
                }
                let judged = LogGroupForm.arn(group: typed.arn, qualifier: reference.qualifier)
                guard typed.partition == "aws", typed.accountID == context.accountID, typed.region == context.region,
                    let group = try LogsRepository.group(db, accountID: typed.accountID, region: typed.region, name: typed.name)
                else {
                    // Another account's group is not this caller's to find: judged as the caller's
                    // own, absent, and answered as not found (never the other account's AccessDenied).
                    return .absent(reference, arn: judged, accountID: context.accountID)
                }
                let stream = try LogGroupForm.streamName(reference.qualifier).flatMap { try LogsRepository.stream(db, groupID: group.id, name: $0) }
                let tags = try TagRepository.tags(db, of: group.arn)
                return ResolvedResource(
                    reference: reference, arn: judged, entity: ResolvedLogGroup(group: group, stream: stream, tags: tags),
                    accountID: group.accountID, tags: tags)
            }
        }
    }
}
