import CBulwarkSystem
import Foundation

/// Blocking reads and writes on descriptors, kept off the cooperative thread pool.
enum FileDescriptorIO {
    /// Writes every byte, retrying on interruption. Returns false on failure.
    static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = write(descriptor, bytes.baseAddress!.advanced(by: offset), bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
    }

    /// Reads until end of file, `limit` bytes, `timeout` seconds, or until `isComplete` says the bytes
    /// read so far are enough — whichever comes first.
    static func readToEnd(
        _ descriptor: Int32, limit: Int, timeout: Double, isComplete: @escaping @Sendable ([UInt8]) -> Bool = { _ in false }
    ) async -> [UInt8] {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: readBlocking(descriptor, limit: limit, timeout: timeout, isComplete: isComplete))
            }
        }
    }

    /// The descriptors of one `SCM_RIGHTS` message on `socket` (at most `capacity`), waiting at most
    /// `timeout` seconds: empty when the peer closed without sending, or the time ran out.
    static func receiveDescriptors(_ socket: Int32, capacity: Int, timeout: Double) async -> [Int32] {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var descriptors = [Int32](repeating: -1, count: capacity)
                let count = bulwark_receive_descriptors(socket, &descriptors, Int32(capacity), Int32(timeout * 1000))
                continuation.resume(returning: count > 0 ? Array(descriptors[0..<Int(count)]) : [])
            }
        }
    }

    private static func readBlocking(_ descriptor: Int32, limit: Int, timeout: Double, isComplete: ([UInt8]) -> Bool) -> [UInt8] {
        var collected: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = Date().addingTimeInterval(timeout)
        while collected.count < limit {
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { break }
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(remaining * 1000))
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { break }
            let count = read(descriptor, &buffer, min(buffer.count, limit - collected.count))
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            collected.append(contentsOf: buffer[0..<count])
            if isComplete(collected) { break }
        }
        return collected
    }
}
