import Foundation
import Histogram

/// Latencies of one benchmark case in an HDR histogram (nanoseconds, three significant digits), and
/// the figures every table of docs/PERFORMANCE.md reports.
public struct LatencyRecorder: Sendable {
    private var histogram = Histogram<UInt64>(numberOfSignificantValueDigits: .three)

    public init() {}

    public mutating func record(nanoseconds: UInt64) {
        _ = histogram.record(max(nanoseconds, 1))
    }

    public mutating func merge(_ other: LatencyRecorder) {
        histogram.add(other.histogram)
    }

    public var count: UInt64 { histogram.totalCount }

    /// Min, median, p99, p99.9 and max in microseconds.
    public var summary: LatencySummary {
        func micros(_ nanoseconds: UInt64) -> Double { (Double(nanoseconds) / 1_000 * 10).rounded() / 10 }
        guard histogram.totalCount > 0 else { return LatencySummary(count: 0, min: 0, median: 0, p99: 0, p999: 0, max: 0) }
        return LatencySummary(
            count: histogram.totalCount,
            min: micros(histogram.min),
            median: micros(histogram.valueAtPercentile(50)),
            p99: micros(histogram.valueAtPercentile(99)),
            p999: micros(histogram.valueAtPercentile(99.9)),
            max: micros(histogram.max)
        )
    }
}

/// The figures of one latency distribution, in microseconds.
public struct LatencySummary: Codable, Sendable {
    public let count: UInt64
    public let min: Double
    public let median: Double
    public let p99: Double
    public let p999: Double
    public let max: Double

    enum CodingKeys: String, CodingKey {
        case count, min, median, p99
        case p999 = "p99_9"
        case max
    }
}

/// Monotonic nanoseconds, for timing.
public func monotonicNanoseconds() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
