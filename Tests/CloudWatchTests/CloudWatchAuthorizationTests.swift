import AWSWire
import BulwarkCore
import Foundation
import Testing

@testable import CloudWatch

/// CloudWatch's metric actions have no resource type (Service Authorization Reference): each is
/// asked on `*`; PutMetricData carries `cloudwatch:namespace`.
@Suite("CloudWatch operations, authorized")
struct CloudWatchAuthorizationTests {
    let harness: CloudWatchHarness
    init() throws { harness = try CloudWatchHarness() }

    @Test(
        arguments: [
            ("PutMetricData", ["Namespace": "App", "MetricData": [["MetricName": "M", "Value": 1]]], "cloudwatch:PutMetricData *"),
            (
                "GetMetricStatistics",
                ["Namespace": "App", "MetricName": "M", "StartTime": 0, "EndTime": 60, "Period": 60, "Statistics": ["Sum"]],
                "cloudwatch:GetMetricStatistics *"
            ),
            ("GetMetricData", ["MetricDataQueries": [], "StartTime": 0, "EndTime": 60], "cloudwatch:GetMetricData *"),
            ("ListMetrics", [:], "cloudwatch:ListMetrics *"),
        ] as [(String, JSONValue, String)])
    func eachOperationAsksItsActionOnStar(_ name: String, _ input: JSONValue, _ expected: String) async throws {
        let operation = try #require(harness.service.operations.first { $0.name == name })
        let prepared = try operation.prepare(input, context: harness.context)
        let resolution = try await ResourceResolver(authorities: harness.service.authorities).resolve(prepared.references, context: harness.context)
        let checks = try prepared.checks(given: resolution)
        #expect(checks.map { "\($0.action) \($0.resource)" } == [expected])
        if name == "PutMetricData" {
            #expect(checks.first?.conditionKeys["cloudwatch:namespace"] == .single("App"))
        }
    }

    @Test func everyOperationOfTheTableIsCovered() {
        #expect(Set(harness.service.operations.map(\.name)) == ["PutMetricData", "GetMetricStatistics", "GetMetricData", "ListMetrics"])
    }
}
