import AWSWire
import BulwarkCore
import Foundation
import IAM
import Store

/// Amazon CloudWatch Logs (decision 0035): log groups of an account and region, their streams and
/// append-only events, retention, filter patterns and tags; the lines functions write arrive
/// through ``LogIngester``.
///
/// Each operation is declared once below with its IAM action (`logs:<Op>`), the log group its input
/// names (resolved once by ``LogsResourceAuthority``) and the ARN AWS judges it on
/// (``LogGroupForm``), its condition keys and its handler.
public struct LogsService: AWSService {
    public let model: ServiceModel = .logsWithHiddenMessages
    let database: BulwarkDatabase
    let clock: WallClock

    public init(database: BulwarkDatabase, clock: WallClock = .system) {
        self.database = database
        self.clock = clock
    }

    public var codec: (any WireCodec)? { LogsCodec(model: model) }

    public var authorities: [any ResourceAuthority] { [LogsResourceAuthority(database: database)] }

    public var operations: [ServiceOperation] { groupOperations + streamOperations + eventOperations + tagOperations }

    private var groupOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "CreateLogGroup", action: "logs:CreateLogGroup", readOnly: false,
                input: LogsAPI.CreateLogGroupRequest.self,
                references: { input, _ in [ResourceReference(.logsLogGroup, member: "logGroupName", text: input.logGroupName, intent: .creating)] },
                conditionKeys: { input, _, _ in AuthorizationCheck.requestTagKeys(input.tags) },
                furtherChecks: { input, resolution, _ in
                    // Tags given with a group need logs:TagResource too (CreateLogGroup's API reference).
                    guard let tags = input.tags, !tags.isEmpty, let group = resolution["logGroupName"] else { return [] }
                    return [
                        AuthorizationCheck(
                            action: "logs:TagResource", resource: String(group.arn.dropLast(":log-stream:".count)),
                            conditionKeys: AuthorizationCheck.requestTagKeys(tags), resourceAccount: group.accountID)
                    ]
                },
                handler: createLogGroup
            ),
            groupOperation("DeleteLogGroup", readOnly: false, LogsAPI.DeleteLogGroupRequest.self, { $0.logGroupName }, handler: deleteLogGroup),
            ServiceOperation(
                "DescribeLogGroups", action: "logs:DescribeLogGroups", readOnly: true,
                input: LogsAPI.DescribeLogGroupsRequest.self,
                references: { _, _ in [] },
                resources: { _, _, context in
                    [ARN(service: "logs", region: context.region, accountID: context.accountID, resource: "log-group::log-stream:").description]
                },
                handler: describeLogGroups
            ),
            groupOperation(
                "PutRetentionPolicy", readOnly: false, LogsAPI.PutRetentionPolicyRequest.self, { $0.logGroupName }, handler: putRetentionPolicy),
            groupOperation(
                "DeleteRetentionPolicy", readOnly: false, LogsAPI.DeleteRetentionPolicyRequest.self, { $0.logGroupName },
                handler: deleteRetentionPolicy),
        ]
    }

    private var streamOperations: [ServiceOperation] {
        [
            streamOperation(
                "CreateLogStream", readOnly: false, LogsAPI.CreateLogStreamRequest.self, { ($0.logGroupName, $0.logStreamName) },
                handler: createLogStream),
            streamOperation(
                "DeleteLogStream", readOnly: false, LogsAPI.DeleteLogStreamRequest.self, { ($0.logGroupName, $0.logStreamName) },
                handler: deleteLogStream),
            ServiceOperation(
                "DescribeLogStreams", action: "logs:DescribeLogStreams", readOnly: true,
                input: LogsAPI.DescribeLogStreamsRequest.self,
                references: { input, _ in [try Self.groupReference(input.logGroupName, input.logGroupIdentifier)] },
                handler: describeLogStreams
            ),
        ]
    }

    private var eventOperations: [ServiceOperation] {
        [
            // A batch holds up to 1 MB of events, which JSON's escapes may make several times larger.
            ServiceOperation(
                "PutLogEvents", action: "logs:PutLogEvents", readOnly: false, auditsResponse: false, maxRequestBytes: 8 << 20,
                dataEvent: true,
                input: LogsAPI.PutLogEventsRequest.self,
                references: { input, _ in
                    [
                        ResourceReference(
                            .logsLogGroup, member: "logGroupName", text: input.logGroupName, qualifier: LogGroupForm.stream(input.logStreamName))
                    ]
                },
                handler: putLogEvents
            ),
            ServiceOperation(
                "GetLogEvents", action: "logs:GetLogEvents", readOnly: true, dataEvent: true,
                input: LogsAPI.GetLogEventsRequest.self,
                references: { input, _ in
                    [try Self.groupReference(input.logGroupName, input.logGroupIdentifier, qualifier: LogGroupForm.stream(input.logStreamName))]
                },
                handler: getLogEvents
            ),
            ServiceOperation(
                "FilterLogEvents", action: "logs:FilterLogEvents", readOnly: true, dataEvent: true,
                input: LogsAPI.FilterLogEventsRequest.self,
                references: { input, _ in [try Self.groupReference(input.logGroupName, input.logGroupIdentifier)] },
                handler: filterLogEvents
            ),
        ]
    }

    private var tagOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "TagResource", action: "logs:TagResource", readOnly: false,
                input: LogsAPI.TagResourceRequest.self,
                references: { input, _ in [Self.resourceReference(input.resourceArn)] },
                conditionKeys: { input, _, _ in AuthorizationCheck.requestTagKeys(input.tags) },
                handler: tagResource
            ),
            ServiceOperation(
                "UntagResource", action: "logs:UntagResource", readOnly: false,
                input: LogsAPI.UntagResourceRequest.self,
                references: { input, _ in [Self.resourceReference(input.resourceArn)] },
                conditionKeys: { input, _, _ in ["aws:TagKeys": .multiple(input.tagKeys)] },
                handler: untagResource
            ),
            ServiceOperation(
                "ListTagsForResource", action: "logs:ListTagsForResource", readOnly: true,
                input: LogsAPI.ListTagsForResourceRequest.self,
                references: { input, _ in [Self.resourceReference(input.resourceArn)] },
                handler: listTagsForResource
            ),
            ServiceOperation(
                "TagLogGroup", action: "logs:TagLogGroup", readOnly: false,
                input: LogsAPI.TagLogGroupRequest.self,
                references: { input, _ in [ResourceReference(.logsLogGroup, member: "logGroupName", text: input.logGroupName)] },
                conditionKeys: { input, _, _ in AuthorizationCheck.requestTagKeys(input.tags) },
                handler: tagLogGroup
            ),
            ServiceOperation(
                "UntagLogGroup", action: "logs:UntagLogGroup", readOnly: false,
                input: LogsAPI.UntagLogGroupRequest.self,
                references: { input, _ in [ResourceReference(.logsLogGroup, member: "logGroupName", text: input.logGroupName)] },
                conditionKeys: { input, _, _ in ["aws:TagKeys": .multiple(input.tags)] },
                handler: untagLogGroup
            ),
            groupOperation("ListTagsLogGroup", readOnly: true, LogsAPI.ListTagsLogGroupRequest.self, { $0.logGroupName }, handler: listTagsLogGroup),
        ]
    }

    /// An operation on one log group named by `logGroupName`, judged on the group.
    private func groupOperation<Input: Decodable & Sendable, Output: Encodable & Sendable>(
        _ name: String, readOnly: Bool, _ input: Input.Type, _ groupName: @escaping @Sendable (Input) -> String,
        handler: @escaping @Sendable (Input, CallContext) async throws -> Output
    ) -> ServiceOperation {
        ServiceOperation(
            name, action: "logs:\(name)", readOnly: readOnly,
            input: input,
            references: { input, _ in [ResourceReference(.logsLogGroup, member: "logGroupName", text: groupName(input))] },
            handler: handler
        )
    }

    /// An operation on one log stream, judged on the stream.
    private func streamOperation<Input: Decodable & Sendable, Output: Encodable & Sendable>(
        _ name: String, readOnly: Bool, _ input: Input.Type, _ names: @escaping @Sendable (Input) -> (String, String),
        handler: @escaping @Sendable (Input, CallContext) async throws -> Output
    ) -> ServiceOperation {
        ServiceOperation(
            name, action: "logs:\(name)", readOnly: readOnly,
            input: input,
            references: { input, _ in
                let (group, stream) = names(input)
                return [ResourceReference(.logsLogGroup, member: "logGroupName", text: group, qualifier: LogGroupForm.stream(stream))]
            },
            handler: handler
        )
    }

    /// The group named by exactly one of `logGroupName` and `logGroupIdentifier`.
    static func groupReference(_ name: String?, _ identifier: String?, qualifier: String? = LogGroupForm.group) throws -> ResourceReference {
        switch (name, identifier) {
        case (let name?, nil): return ResourceReference(.logsLogGroup, member: "logGroupName", text: name, qualifier: qualifier)
        case (nil, let identifier?):
            return ResourceReference(.logsLogGroup, member: "logGroupIdentifier", text: identifier, qualifier: qualifier)
        case (.some, .some): throw LogsError.nameAndIdentifier
        case (nil, nil): throw LogsError.noGroup
        }
    }

    /// The group a tagging operation's `resourceArn` names, judged on that bare ARN.
    static func resourceReference(_ arn: String) -> ResourceReference {
        ResourceReference(.logsLogGroup, member: "resourceArn", text: arn, qualifier: LogGroupForm.resource)
    }

    /// The group the resolve stage found, or CloudWatch Logs' not-found error.
    static func resolvedGroup(_ context: CallContext) throws -> ResolvedLogGroup {
        guard let resolved = context.resolution.resources.first(where: { $0.reference.kind == .logsLogGroup }) else {
            throw AWSError.undeclaredReference(.logsLogGroup, requestID: context.requestID)
        }
        guard let group = resolved.entity(as: ResolvedLogGroup.self) else { throw LogsError.groupNotFound }
        return group
    }

    /// The group and the stream the call names, or the not-found error of whichever is missing.
    static func resolvedStream(_ context: CallContext) throws -> (LogGroupRecord, LogStreamRecord) {
        let group = try resolvedGroup(context)
        guard let stream = group.stream else { throw LogsError.streamNotFound }
        return (group.group, stream)
    }

    func now() -> Int64 { Int64((clock.now().timeIntervalSince1970 * 1000).rounded(.down)) }
}
