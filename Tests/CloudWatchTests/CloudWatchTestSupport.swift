import AWSWire
import BulwarkCore
import Foundation
import Store
import Synchronization

@testable import CloudWatch

/// A service over a fresh database, with a clock the test sets.
struct CloudWatchHarness {
    static let account = "123456789012"
    /// 2026-01-02T03:04:00Z: a minute boundary.
    static let start = Date(timeIntervalSince1970: 1_767_323_040)
    let database: BulwarkDatabase
    let service: CloudWatchService
    let time: ManualTime

    init() throws {
        database = try BulwarkDatabase(
            directory: FileManager.default.temporaryDirectory.appendingPathComponent("cloudwatch-\(UUID().uuidString)"), schemas: [.cloudWatch])
        let time = ManualTime(Self.start)
        self.time = time
        service = CloudWatchService(database: database, clock: WallClock { time.now })
    }

    var context: CallContext {
        CallContext(
            requestID: "test",
            principal: Principal(kind: .root, accountID: Self.account, arn: "arn:aws:iam::\(Self.account):root", principalID: Self.account),
            accessKeyID: "AKIATEST", region: "us-east-1", sourceIP: "192.0.2.1", userAgent: "tests", isSecureTransport: true,
            receivedAt: Date(), presigner: URLPresigner { path, _, _ in path })
    }

    func put(_ namespace: String, _ data: [CloudWatchAPI.MetricDatum]) async throws {
        _ = try await service.putMetricData(CloudWatchAPI.PutMetricDataInput(namespace: namespace, metricData: data), context)
    }

    func statistics(
        _ namespace: String, _ name: String, dimensions: [CloudWatchAPI.Dimension]? = nil, from start: Date = start,
        to end: Date = start.addingTimeInterval(3600), period: Int = 60,
        statistics: [String] = ["Sum", "SampleCount", "Minimum", "Maximum", "Average"],
        unit: String? = nil
    ) async throws -> [CloudWatchAPI.Datapoint] {
        try await service.getMetricStatistics(
            CloudWatchAPI.GetMetricStatisticsInput(
                namespace: namespace, metricName: name, dimensions: dimensions, startTime: start, endTime: end, period: period,
                statistics: statistics, unit: unit),
            context
        ).datapoints ?? []
    }
}

/// A clock a test moves by hand.
final class ManualTime: Sendable {
    private let current: Mutex<Date>
    init(_ date: Date) { current = Mutex(date) }
    var now: Date { current.withLock { $0 } }
    func set(_ date: Date) { current.withLock { $0 = date } }
}

/// The code and message of what `body` throws, when it is an `AWSError`.
func awsError(_ body: () async throws -> Void) async -> AWSError? {
    do {
        try await body()
        return nil
    } catch {
        return error as? AWSError
    }
}
