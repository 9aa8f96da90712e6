import AWSWire
import BulwarkCore
import Foundation

extension CloudWatchService {
    /// ListMetrics answers up to 500 metrics a page.
    static let listPageSize = 500
    /// Metrics without data for two weeks are no longer listed; `RecentlyActive` narrows it to three hours.
    static let listedFor: Int64 = 14 * 86_400
    static let recentlyActiveFor: Int64 = 3 * 3_600

    @Sendable func listMetrics(_ input: CloudWatchAPI.ListMetricsInput, _ context: CallContext) async throws -> CloudWatchAPI.ListMetricsOutput {
        let afterID = try input.nextToken.map(Self.listPosition) ?? 0
        let includeAccounts = input.includeLinkedAccounts == true
        // Bulwark has no monitoring accounts: the only owning account is the caller's.
        if let owner = input.owningAccount, owner != context.accountID {
            return CloudWatchAPI.ListMetricsOutput(metrics: [], owningAccounts: includeAccounts ? [] : nil)
        }
        let filters = input.dimensions ?? []
        let now = now()
        let records = try await repository.metrics(
            accountID: context.accountID, region: context.region, namespace: input.namespace, name: input.metricName,
            activeSince: now - (input.recentlyActive == "PT3H" ? Self.recentlyActiveFor : Self.listedFor),
            afterID: afterID, limit: Self.listPageSize + 1,
            matches: { metric in
                filters.allSatisfy { filter in
                    metric.dimensions.contains { $0.name == filter.name && (filter.value == nil || $0.value == filter.value) }
                }
            })
        let page = records.prefix(Self.listPageSize)
        let metrics = page.map { record in
            CloudWatchAPI.Metric(
                namespace: record.metric.namespace, metricName: record.metric.name,
                dimensions: record.metric.dimensions.map { CloudWatchAPI.Dimension(name: $0.name, value: $0.value) })
        }
        let nextToken = records.count > Self.listPageSize ? page.last.map { Self.listToken(after: $0.id) } : nil
        return CloudWatchAPI.ListMetricsOutput(
            metrics: metrics, nextToken: nextToken, owningAccounts: includeAccounts ? metrics.map { _ in context.accountID } : nil)
    }

    static func listToken(after id: Int64) -> String {
        Data("lm:\(id)".utf8).base64EncodedString()
    }

    static func listPosition(_ token: String) throws -> Int64 {
        guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8), text.hasPrefix("lm:"),
            let id = Int64(text.dropFirst(3)), id >= 0
        else { throw CloudWatchError.invalid(token, parameter: "NextToken") }
        return id
    }
}
