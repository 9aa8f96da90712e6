import AWSWire
import BulwarkCore
import Foundation
import Testing

@testable import BulwarkServer

@Suite("The operator's metrics (GET /metrics)")
struct ServerMetricsTests {
    @Test("Only the operator's token, or an opening the operator made, admits an unsigned scrape")
    func scrapeAccess() {
        let token = String(repeating: "k", count: 40)
        let guarded = MetricsScrapeAccess(token: token)
        #expect(guarded.admits(authorization: "Bearer \(token)", sourceIP: "203.0.113.9"))
        #expect(!guarded.admits(authorization: "Bearer \(token)x", sourceIP: "127.0.0.1"))
        #expect(!guarded.admits(authorization: "bearer \(token)", sourceIP: "127.0.0.1"))
        #expect(!guarded.admits(authorization: nil, sourceIP: "127.0.0.1"))
        #expect(!MetricsScrapeAccess().admits(authorization: "Bearer ", sourceIP: "127.0.0.1"))

        let loopback = MetricsScrapeAccess(openTo: .loopback)
        for address in ["127.0.0.1", "127.255.0.3", "::1", "::ffff:127.0.0.1"] {
            #expect(loopback.admits(authorization: nil, sourceIP: address), "\(address)")
        }
        for address in ["10.0.0.1", "::2", "127.0.0", "127.0.0.1.5", "1127.0.0.1", "::ffff:10.0.0.1", "0.0.0.0"] {
            #expect(!loopback.admits(authorization: nil, sourceIP: address), "\(address)")
        }
        #expect(MetricsScrapeAccess(openTo: .anyone).admits(authorization: nil, sourceIP: "198.51.100.7"))
        // With a token configured, a wrong one is refused even where scraping is open.
        #expect(!MetricsScrapeAccess(token: token, openTo: .anyone).admits(authorization: "Bearer wrong", sourceIP: "127.0.0.1"))
    }

    @Test("Calls are counted by service, operation and outcome, with their latency")
    func countsCalls() throws {
        let metrics = ServerMetrics()
        metrics.record(service: "lambda", operation: "GetFunction", outcome: .success, duration: .milliseconds(2))
        metrics.record(service: "lambda", operation: "GetFunction", outcome: .success, duration: .milliseconds(30))
        metrics.record(service: "lambda", operation: "GetFunction", outcome: .denied, duration: .microseconds(400))
        let text = String(decoding: metrics.exposition(.init(idleEnvironments: 3, runningInvocations: 2, queuedEvents: 7)), as: UTF8.self)
        let lines = Set(text.split(separator: "\n").map(String.init))
        #expect(lines.contains(#"bulwark_api_requests_total{service="lambda",operation="GetFunction",outcome="success"} 2"#))
        #expect(lines.contains(#"bulwark_api_requests_total{service="lambda",operation="GetFunction",outcome="denied"} 1"#))
        #expect(lines.contains(#"bulwark_api_request_duration_seconds_count{service="lambda",operation="GetFunction"} 3"#))
        #expect(lines.contains(#"bulwark_api_request_duration_seconds_bucket{service="lambda",operation="GetFunction",le="0.0025"} 2"#))
        #expect(lines.contains(#"bulwark_environments{state="idle"} 3.0"#))
        #expect(lines.contains(#"bulwark_environments{state="busy"} 2.0"#))
        #expect(lines.contains(#"bulwark_async_queue_depth 7.0"#))
    }

    @Test("The invoker's counters land in the same registry")
    func executionCounters() {
        let metrics = ServerMetrics()
        _ = metrics.execution
        let text = String(decoding: metrics.exposition(.init(idleEnvironments: 0, runningInvocations: 0, queuedEvents: 0)), as: UTF8.self)
        #expect(text.contains(#"bulwark_invocations_total{outcome="success"} 0"#))
        #expect(text.contains("bulwark_cold_starts_total 0"))
    }
}
