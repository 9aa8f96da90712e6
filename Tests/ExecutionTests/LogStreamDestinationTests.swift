import AWSWire
import BulwarkCore
import Foundation
import Synchronization
import Testing

@testable import Execution

/// A log stream hands its lines to its destination (CloudWatch Logs) as it writes them to its
/// file: complete output lines, platform lines, and a partial line when the invocation ends.
struct LogStreamDestinationTests {
    final class RecordingSink: FunctionLogSink {
        let received = Mutex<[(group: String, stream: String, account: String, region: String, message: String)]>([])

        func append(
            _ events: [FunctionLogEvent], group: String, stream: String, accountID: String, region: String, createsGroup: Bool
        ) {
            received.withLock { received in
                received += events.map { (group, stream, accountID, region, $0.message) }
            }
        }

        var messages: [String] { received.withLock { $0.map(\.message) } }
    }

    @Test func linesGoToTheDestinationAsToTheFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stream-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let sink = RecordingSink()
        let stream = LogStream(
            directory: directory, group: "/aws/lambda/f", version: "$LATEST", date: Date(),
            destination: LogDestination(sink: sink, accountID: "123456789012", region: "eu-west-1"))
        stream.appendPlatformLine("START RequestId: r Version: $LATEST")
        stream.appendOutput(Array("hello\nwor".utf8))
        #expect(sink.messages == ["START RequestId: r Version: $LATEST", "hello"])
        stream.appendOutput(Array("ld\npartial".utf8))
        _ = stream.endCapture()
        stream.appendPlatformLines(["END RequestId: r", nil])
        #expect(sink.messages == ["START RequestId: r Version: $LATEST", "hello", "world", "partial", "END RequestId: r"])
        let first = try #require(sink.received.withLock { $0.first })
        #expect(first.group == "/aws/lambda/f" && first.stream == stream.name && first.account == "123456789012" && first.region == "eu-west-1")

        let file = directory.appendingPathComponent(PercentEncoding.encode("/aws/lambda/f"))
            .appendingPathComponent(PercentEncoding.encode(stream.name) + ".jsonl")
        let written = try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map { line in
            try JSONValue.parse(Array(line.utf8))["message"]?.stringValue ?? ""
        }
        #expect(written == sink.messages)
    }

    @Test func aLineWithoutEndIsCutToAnEventAndTheRestDropped() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stream-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let sink = RecordingSink()
        let stream = LogStream(
            directory: directory, group: "/aws/lambda/f", version: "$LATEST", date: Date(),
            destination: LogDestination(sink: sink, accountID: "123456789012", region: "eu-west-1"))
        // 1 MiB of 4-byte characters with no newline, as a runtime's output arrives (16 KiB reads).
        let chunk = Array(String(repeating: "😀", count: 4096).utf8)
        for _ in 0..<64 { stream.appendOutput(chunk) }
        let cut = try #require(sink.messages.first)
        #expect(sink.messages.count == 1)
        #expect(cut.utf8.count <= FunctionLogEvent.maxMessageBytes && cut.utf8.count > FunctionLogEvent.maxMessageBytes - 4)
        #expect(cut.allSatisfy { $0 == "😀" })
        // The rest of that line is dropped up to its newline; the next line is whole.
        stream.appendOutput(Array("still the long line\nnext\n".utf8))
        #expect(sink.messages.count == 2 && sink.messages.last == "next")

        // A long line that ends at the invocation's end is cut too; what follows is a new line.
        stream.appendOutput(Array(repeating: UInt8(ascii: "a"), count: FunctionLogEvent.maxMessageBytes + 10))
        _ = stream.endCapture()
        stream.appendOutput(Array("after\n".utf8))
        #expect(sink.messages.count == 4 && sink.messages[2].utf8.count == FunctionLogEvent.maxMessageBytes && sink.messages[3] == "after")
    }
}
