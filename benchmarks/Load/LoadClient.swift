import BenchmarkSupport
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// Sends one request template over `connections` HTTP/1.1 keep-alive connections, each waiting for
/// its answer before the next send (closed loop), and records every latency after the warm-up.
struct LoadClient: Sendable {
    let host: String
    let port: Int
    let template: SignedRequestTemplate

    /// What a run measured.
    struct Result: Encodable {
        let connections: Int
        let seconds: Double
        let requests: UInt64
        let throughput: Double
        /// Answers by HTTP status, e.g. `{"200": 51234}`; a benchmark whose calls fail measures nothing.
        let statuses: [String: UInt64]
        let latency_us: LatencySummary
    }

    func run(connections: Int, warmup: Double, duration: Double) async throws -> Result {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let start = monotonicNanoseconds()
        let measureFrom = start + UInt64(warmup * 1e9)
        let stopAt = measureFrom + UInt64(duration * 1e9)
        let outcomes = try await withThrowingTaskGroup(of: ConnectionOutcome.self) { tasks in
            for _ in 0..<connections {
                tasks.addTask { try await self.drive(group: group, measureFrom: measureFrom, stopAt: stopAt) }
            }
            var all: [ConnectionOutcome] = []
            for try await outcome in tasks { all.append(outcome) }
            return all
        }
        try await group.shutdownGracefully()
        var latencies = LatencyRecorder()
        var statuses: [String: UInt64] = [:]
        for outcome in outcomes {
            latencies.merge(outcome.latencies)
            statuses.merge(outcome.statuses, uniquingKeysWith: +)
        }
        return Result(
            connections: connections, seconds: duration, requests: latencies.count,
            throughput: (Double(latencies.count) / duration).rounded(), statuses: statuses, latency_us: latencies.summary
        )
    }

    private struct ConnectionOutcome: Sendable {
        var latencies = LatencyRecorder()
        var statuses: [String: UInt64] = [:]
    }

    /// One closed-loop client: requests back to back on one connection, reconnecting when the server
    /// closes it (moto's server answers `Connection: close`); a request sent on a new connection is
    /// timed from the start of the connect, as its client waits for it.
    private func drive(group: MultiThreadedEventLoopGroup, measureFrom: UInt64, stopAt: UInt64) async throws -> ConnectionOutcome {
        var outcome = ConnectionOutcome()
        while monotonicNanoseconds() < stopAt {
            let connecting = monotonicNanoseconds()
            let channel = try await ClientBootstrap(group: group)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                    }
                }
            outcome = try await channel.executeThenClose { inbound, outbound in
                var outcome = outcome
                var responses = inbound.makeAsyncIterator()
                var sent = connecting
                while sent < stopAt {
                    try await outbound.write(.head(template.head()))
                    if !template.body.isEmpty { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: template.body)))) }
                    try await outbound.write(.end(nil))
                    var status = 0
                    var keepsAlive = true
                    reading: while let part = try await responses.next() {
                        switch part {
                        case .head(let head): (status, keepsAlive) = (Int(head.status.code), head.isKeepAlive)
                        case .body: continue
                        case .end: break reading
                        }
                    }
                    guard status != 0 else { throw LoadError.connectionClosed }
                    if sent >= measureFrom {
                        outcome.latencies.record(nanoseconds: monotonicNanoseconds() - sent)
                        outcome.statuses[String(status), default: 0] += 1
                    }
                    if !keepsAlive { break }
                    sent = monotonicNanoseconds()
                }
                return outcome
            }
        }
        return outcome
    }
}

enum LoadError: Error, CustomStringConvertible {
    case connectionClosed

    var description: String { "the server closed the connection before answering" }
}
