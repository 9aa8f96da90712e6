import AWSWire
import BulwarkCore
import Foundation
import Synchronization

/// One log stream — the output of one execution environment and the platform's lines around each
/// invocation — kept as JSON lines `{"timestamp": ms, "message": "..."}` under
/// `<data-dir>/logs/<log group>/<stream>.jsonl` for the Logs API, and captured per invocation for
/// `X-Amz-Log-Result`.
final class LogStream: Sendable {
    /// `2026/11/25/[$LATEST]0123456789abcdef0123456789abcdef`, as AWS names environment streams.
    let name: String
    let group: String
    private let file: URL
    private let destination: LogDestination?
    private let state = Mutex<State>(State())

    private struct State {
        var descriptor: Int32 = -1
        /// The line being written, at most ``lineLimit`` bytes.
        var partialLine: [UInt8] = []
        /// The rest of a line longer than ``lineLimit`` is being dropped, up to its newline.
        var discarding = false
        /// The current invocation's log text, capped to its last `captureLimit` bytes; a new stream
        /// captures from its first line, the environment's init phase.
        var capture: [UInt8]? = []
        /// Events for ``destination``, handed over with each write.
        var outgoing: [FunctionLogEvent] = []
        var forwards = false
    }

    /// The most of an invocation's log kept for its tail.
    static let captureLimit = 64 << 10
    /// The longest line kept: an event's largest message (AWS truncates longer lines to it).
    static let lineLimit = FunctionLogEvent.maxMessageBytes

    /// - Parameter destination: where the events go besides the file (CloudWatch Logs), if anywhere.
    /// - Parameter name: the stream's name; a new one (``newName(version:date:)``) when nil.
    init(directory: URL, group: String, version: String, date: Date, name: String? = nil, destination: LogDestination? = nil) {
        self.name = name ?? Self.newName(version: version, date: date)
        self.group = group
        self.destination = destination
        let groupDirectory = directory.appendingPathComponent(PercentEncoding.encode(group))
        try? FileManager.default.createDirectory(at: groupDirectory, withIntermediateDirectories: true)
        file = groupDirectory.appendingPathComponent(PercentEncoding.encode(self.name) + ".jsonl")
        let descriptor = open(file.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        state.withLock {
            $0.descriptor = descriptor
            $0.forwards = destination != nil
        }
    }

    /// A new stream name for an environment of `version` started at `date`.
    static func newName(version: String, date: Date) -> String {
        let day = AWSTimestamp.iso8601(date).prefix(10).replacingOccurrences(of: "-", with: "/")
        let suffix = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        return "\(day)/[\(version)]\(suffix)"
    }

    deinit {
        state.withLock { state in
            if state.descriptor >= 0 { close(state.descriptor) }
        }
    }

    /// Output of the environment's processes; complete lines become events.
    func appendOutput(_ bytes: some Sequence<UInt8>) {
        state.withLock { state in
            var events: [UInt8] = []
            for byte in bytes {
                if byte == 0x0A {
                    if state.discarding {
                        state.discarding = false
                        continue
                    }
                    state.partialLine.append(byte)
                    Self.emit(&state, state.partialLine, into: &events)
                    state.partialLine.removeAll(keepingCapacity: true)
                } else if !state.discarding {
                    state.partialLine.append(byte)
                    // A line longer than an event may be: its start is the event (cut at a
                    // character's boundary), the rest is dropped up to its newline.
                    if state.partialLine.count > Self.lineLimit {
                        Self.emit(&state, state.partialLine, into: &events)
                        state.partialLine.removeAll(keepingCapacity: true)
                        state.discarding = true
                    }
                }
            }
            write(events, to: &state)
        }
    }

    /// A line of the platform (START, END, REPORT, ...), after any pending partial output line; nil
    /// (a record below the function's system log level) writes nothing.
    func appendPlatformLine(_ line: String?) {
        appendPlatformLines([line])
    }

    /// Lines of the platform, in order, written to the stream's file at once (an invocation's END
    /// and REPORT lines cost one `write`).
    func appendPlatformLines(_ lines: [String?]) {
        let lines = lines.compactMap { $0 }
        guard !lines.isEmpty else { return }
        state.withLock { state in
            var events: [UInt8] = []
            Self.flushPartial(&state, into: &events)
            for line in lines {
                Self.emit(&state, Array((line.hasSuffix("\n") ? line : line + "\n").utf8), into: &events)
            }
            write(events, to: &state)
        }
    }

    /// Starts capturing an invocation's log afresh.
    func beginCapture() {
        state.withLock { $0.capture = [] }
    }

    /// Ends the capture and returns its last `limit` bytes.
    func endCapture(limit: Int = 4096) -> [UInt8] {
        state.withLock { state in
            var events: [UInt8] = []
            Self.flushPartial(&state, into: &events)
            write(events, to: &state)
            let captured = state.capture ?? []
            state.capture = nil
            return Array(captured.suffix(limit))
        }
    }

    private static func flushPartial(_ state: inout State, into events: inout [UInt8]) {
        // What follows starts a new line.
        state.discarding = false
        guard !state.partialLine.isEmpty else { return }
        state.partialLine.append(0x0A)
        emit(&state, state.partialLine, into: &events)
        state.partialLine.removeAll(keepingCapacity: true)
    }

    /// Captures `line` and appends its event to `events`, to be written with ``write(_:to:)``.
    private static func emit(_ state: inout State, _ line: [UInt8], into events: inout [UInt8]) {
        if state.capture != nil {
            state.capture!.append(contentsOf: line)
            if state.capture!.count > captureLimit { state.capture!.removeFirst(state.capture!.count - captureLimit) }
        }
        guard state.descriptor >= 0 || state.forwards else { return }
        // Cut to an event's size before any string is built.
        let message = FunctionLogEvent.message(truncating: line.last == 0x0A ? line.dropLast() : line[...])
        let timestamp = Int64(Date().timeIntervalSince1970 * 1000)
        if state.forwards { state.outgoing.append(FunctionLogEvent(timestamp: timestamp, message: message)) }
        guard state.descriptor >= 0 else { return }
        let event: JSONValue = ["timestamp": .int(timestamp), "message": .string(message)]
        events.append(contentsOf: event.serializedBytes())
        events.append(0x0A)
    }

    /// Writes `events` to the file and hands the same lines to the destination (a buffer append,
    /// no I/O: the invoke path does not wait for CloudWatch Logs' store).
    private func write(_ events: [UInt8], to state: inout State) {
        if let destination, !state.outgoing.isEmpty {
            destination.sink.append(
                state.outgoing, group: group, stream: name, accountID: destination.accountID, region: destination.region,
                createsGroup: destination.createsGroup)
            state.outgoing.removeAll(keepingCapacity: true)
        }
        guard !events.isEmpty, state.descriptor >= 0 else { return }
        _ = events.withUnsafeBytes { FileDescriptorIO.writeAll(state.descriptor, $0) }
    }
}

/// The sink a stream's events also go to, with the account and region of the function's log group,
/// and whether the group may be created when missing.
struct LogDestination: Sendable {
    let sink: any FunctionLogSink
    let accountID: String
    let region: String
    var createsGroup = true
}

/// Moves a sandbox's output into its log stream, on a thread of its own, and lets the invoker drain
/// what is already in the pipe before it writes an invocation's END line.
final class OutputPump: Sendable {
    private let descriptor: Int32
    private let stream: LogStream
    private let lock = Mutex<Bool>(false)

    init(descriptor: Int32, stream: LogStream) {
        self.descriptor = descriptor
        self.stream = stream
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        let pump = self
        let thread = Thread {
            while !pump.isClosed {
                var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                _ = poll(&poller, 1, 200)
                pump.drain()
            }
        }
        thread.stackSize = 64 << 10
        thread.start()
    }

    private var isClosed: Bool { lock.withLock { $0 } }

    /// Reads everything the pipe holds now.
    func drain() {
        lock.withLock { closed in
            guard !closed else { return }
            var buffer = [UInt8](repeating: 0, count: 16 << 10)
            while true {
                let count = read(descriptor, &buffer, buffer.count)
                if count > 0 {
                    stream.appendOutput(buffer[0..<count])
                } else if count == 0 {
                    closed = true
                    close(descriptor)
                    return
                } else {
                    if errno == EINTR { continue }
                    return
                }
            }
        }
    }
}
