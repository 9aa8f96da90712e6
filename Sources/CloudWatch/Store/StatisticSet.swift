/// The statistics of a set of values that CloudWatch can combine: how many, their sum, the least
/// and the greatest. Sets merge without losing anything the API's statistics need.
public struct StatisticSet: Sendable, Equatable {
    public var sampleCount: Double
    public var sum: Double
    public var minimum: Double
    public var maximum: Double

    public init(sampleCount: Double, sum: Double, minimum: Double, maximum: Double) {
        self.sampleCount = sampleCount
        self.sum = sum
        self.minimum = minimum
        self.maximum = maximum
    }

    /// One value, seen `count` times.
    public init(value: Double, count: Double = 1) {
        self.init(sampleCount: count, sum: value * count, minimum: value, maximum: value)
    }

    public mutating func merge(_ other: StatisticSet) {
        sampleCount += other.sampleCount
        sum += other.sum
        minimum = Swift.min(minimum, other.minimum)
        maximum = Swift.max(maximum, other.maximum)
    }

    public var average: Double { sampleCount == 0 ? 0 : sum / sampleCount }

    /// The value of a statistic as GetMetricStatistics and GetMetricData name it.
    public func value(of statistic: Statistic) -> Double {
        switch statistic {
        case .sampleCount: sampleCount
        case .sum: sum
        case .average: average
        case .minimum: minimum
        case .maximum: maximum
        }
    }
}

/// The statistics Bulwark computes (percentiles and other extended statistics are absent).
public enum Statistic: String, Sendable, CaseIterable {
    case sampleCount = "SampleCount"
    case average = "Average"
    case sum = "Sum"
    case minimum = "Minimum"
    case maximum = "Maximum"
}
