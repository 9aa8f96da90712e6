import BulwarkCore
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Appends audit events to `<data-dir>/trail/`, one JSON object per line, one file per UTC hour:
/// `trail/2026/11/25/bulwark-trail-20261125T15Z.jsonl`.
///
/// Files are opened append-only and never rewritten. Each event is written with one `write(2)` before
/// the API answers, so it survives a crash of the server; ``flush()`` (called periodically and at
/// shutdown) makes the files durable against a crash of the machine.
public final class TrailWriter: Sendable {
    private struct OpenFile {
        var hour: String
        var descriptor: Int32
    }

    public let directory: URL
    private let state = Mutex<OpenFile?>(nil)

    public init(directory: URL) throws {
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit {
        state.withLock { file in
            if let file { close(file.descriptor) }
        }
    }

    /// Appends one event.
    public func append(_ event: AuditEvent, at date: Date) throws {
        // The bytes JSONEncoder gives with sorted keys, without its cost on every call.
        var line = try JSONValueEncoder.encode(event).serializedBytes()
        line.append(0x0A)
        let hour = Self.hourStamp(date)
        try state.withLock { file in
            if file?.hour != hour {
                if let open = file { close(open.descriptor) }
                file = OpenFile(hour: hour, descriptor: try openFile(for: hour))
            }
            try Self.writeAll(line, to: file!.descriptor)
        }
    }

    /// Flushes the current file to disk. The `fsync` runs on a duplicate of the descriptor, outside
    /// the lock, so that appends never wait for the disk.
    public func flush() {
        let descriptor = state.withLock { file in file.map { dup($0.descriptor) } ?? -1 }
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    /// The file that holds events of the hour `hour` (`yyyyMMddTHH`).
    public func url(forHour hour: String) -> URL {
        let year = hour.prefix(4)
        let month = hour.dropFirst(4).prefix(2)
        let day = hour.dropFirst(6).prefix(2)
        return directory.appendingPathComponent("\(year)/\(month)/\(day)/bulwark-trail-\(hour)Z.jsonl")
    }

    private func openFile(for hour: String) throws -> Int32 {
        let url = url(forHour: hour)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        return descriptor
    }

    private static func writeAll(_ data: [UInt8], to descriptor: Int32) throws {
        try data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress!.advanced(by: offset), buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
                }
                offset += written
            }
        }
    }

    /// The stamp (`yyyyMMddTHH`) of the hour file that holds events recorded at `date`.
    public static func hourStamp(_ date: Date) -> String {
        String(AWSTimestamp.basic(date).prefix(11))
    }
}
