import AWSWire
import BulwarkCore
import Foundation
import Store

/// Amazon CloudWatch metrics (decision 0039): PutMetricData, GetMetricStatistics, GetMetricData
/// (metric statistics, no metric math) and ListMetrics over the metrics of an account and region;
/// `AWS/Lambda` metrics arrive through ``LambdaMetricsRecorder``.
///
/// None of these actions has a resource type in the Service Authorization Reference: each is asked
/// on `*`; PutMetricData carries the `cloudwatch:namespace` condition key.
public struct CloudWatchService: AWSService {
    public let model: ServiceModel = .cloudwatch
    let repository: MetricsRepository
    let clock: WallClock

    public init(database: BulwarkDatabase, clock: WallClock = .system) {
        repository = database.metrics
        self.clock = clock
    }

    public var operations: [ServiceOperation] {
        [
            ServiceOperation(
                "PutMetricData", action: "cloudwatch:PutMetricData", readOnly: false, auditsResponse: false,
                input: CloudWatchAPI.PutMetricDataInput.self,
                conditionKeys: { input, _ in ["cloudwatch:namespace": .single(input.namespace)] },
                handler: putMetricData
            ),
            ServiceOperation(
                "GetMetricStatistics", action: "cloudwatch:GetMetricStatistics", readOnly: true,
                input: CloudWatchAPI.GetMetricStatisticsInput.self,
                handler: getMetricStatistics
            ),
            ServiceOperation(
                "GetMetricData", action: "cloudwatch:GetMetricData", readOnly: true,
                input: CloudWatchAPI.GetMetricDataInput.self,
                handler: getMetricData
            ),
            ServiceOperation(
                "ListMetrics", action: "cloudwatch:ListMetrics", readOnly: true,
                input: CloudWatchAPI.ListMetricsInput.self,
                handler: listMetrics
            ),
        ]
    }

    /// Seconds since 1970, now.
    func now() -> Int64 { Int64(clock.now().timeIntervalSince1970.rounded(.down)) }

    /// The identity of a metric the input names by namespace, name and dimensions.
    static func identity(namespace: String, name: String, dimensions: [CloudWatchAPI.Dimension]?) -> MetricIdentity {
        MetricIdentity(namespace: namespace, name: name, dimensions: (dimensions ?? []).map { .init(name: $0.name, value: $0.value) })
    }
}
