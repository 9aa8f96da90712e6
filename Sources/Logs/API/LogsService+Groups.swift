import AWSWire
import BulwarkCore
import Store

extension LogsService {
    /// The retention periods AWS accepts, in days.
    static let retentionDays = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]

    @Sendable func createLogGroup(_ input: LogsAPI.CreateLogGroupRequest, _ context: CallContext) async throws -> EmptyOutput {
        if input.kmsKeyId != nil { throw LogsError.invalidParameter("Bulwark does not support KMS keys for log groups (kmsKeyId) yet.") }
        if let logClass = input.logGroupClass, logClass != "STANDARD" {
            throw LogsError.invalidParameter("Bulwark does not support log group classes other than STANDARD yet.")
        }
        if input.deletionProtectionEnabled == true { throw LogsError.invalidParameter("Bulwark does not support deletion protection yet.") }
        if let tags = input.tags { try Self.checkTags(tags) }
        if (try? Self.resolvedGroup(context)) != nil { throw LogsError.groupExists }
        do {
            try await database.logs.createGroup(
                accountID: context.accountID, region: context.region, name: input.logGroupName, tags: input.tags ?? [:], now: now())
        } catch StoreError.conflict {
            throw LogsError.groupExists
        }
        return EmptyOutput()
    }

    @Sendable func deleteLogGroup(_ input: LogsAPI.DeleteLogGroupRequest, _ context: CallContext) async throws -> EmptyOutput {
        let group = try Self.resolvedGroup(context)
        do {
            try await database.logs.deleteGroup(group.group)
        } catch StoreError.notFound {
            throw LogsError.groupNotFound
        }
        return EmptyOutput()
    }

    @Sendable func describeLogGroups(
        _ input: LogsAPI.DescribeLogGroupsRequest, _ context: CallContext
    ) async throws -> LogsAPI.DescribeLogGroupsResponse {
        if input.logGroupNamePrefix != nil, input.logGroupNamePattern != nil {
            throw LogsError.invalidParameter("LogGroupNamePrefix and LogGroupNamePattern are mutually exclusive parameters.")
        }
        if input.includeLinkedAccounts == true || input.accountIdentifiers?.isEmpty == false || input.logGroupIdentifiers != nil {
            throw LogsError.invalidParameter("Bulwark does not support cross-account observability (accountIdentifiers, logGroupIdentifiers) yet.")
        }
        if let logClass = input.logGroupClass, logClass != "STANDARD" {
            return LogsAPI.DescribeLogGroupsResponse(logGroups: [])
        }
        var after: String?
        if let token = input.nextToken {
            guard token.hasPrefix("g/"), token.count > 2 else { throw LogsError.invalidToken }
            after = String(token.dropFirst(2))
        }
        let limit = input.limit ?? 50
        let found = try await database.logs.groups(
            accountID: context.accountID, region: context.region, prefix: input.logGroupNamePrefix, pattern: input.logGroupNamePattern,
            afterName: after, limit: limit)
        let page = found.prefix(limit)
        let brief = input.logGroupNamePattern != nil
        return LogsAPI.DescribeLogGroupsResponse(
            logGroups: page.map { group, storedBytes in
                // With a pattern AWS answers only the ARN, creation time and name.
                brief
                    ? LogsAPI.LogGroup(logGroupName: group.name, creationTime: group.createdAt, arn: group.arn + ":*")
                    : LogsAPI.LogGroup(
                        logGroupName: group.name, creationTime: group.createdAt, retentionInDays: group.retentionInDays, metricFilterCount: 0,
                        arn: group.arn + ":*", storedBytes: storedBytes, logGroupClass: "STANDARD", logGroupArn: group.arn)
            },
            nextToken: found.count > limit ? page.last.map { "g/" + $0.0.name } : nil
        )
    }

    @Sendable func putRetentionPolicy(_ input: LogsAPI.PutRetentionPolicyRequest, _ context: CallContext) async throws -> EmptyOutput {
        guard Self.retentionDays.contains(input.retentionInDays) else {
            throw LogsError.invalidParameter(
                "1 validation error detected: Value '\(input.retentionInDays)' at 'retentionInDays' failed to satisfy constraint: "
                    + "Member must satisfy enum value set: [\(Self.retentionDays.map(String.init).joined(separator: ", "))]")
        }
        try await setRetention(input.retentionInDays, context)
        return EmptyOutput()
    }

    @Sendable func deleteRetentionPolicy(_ input: LogsAPI.DeleteRetentionPolicyRequest, _ context: CallContext) async throws -> EmptyOutput {
        try await setRetention(nil, context)
        return EmptyOutput()
    }

    private func setRetention(_ days: Int?, _ context: CallContext) async throws {
        let group = try Self.resolvedGroup(context)
        do {
            try await database.logs.setRetention(group.group, days: days, now: now())
        } catch StoreError.notFound {
            throw LogsError.groupNotFound
        }
    }
}
