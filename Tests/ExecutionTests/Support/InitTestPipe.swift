import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The read end of a pipe from a child process, read without blocking past a deadline.
final class InitTestPipe {
    let fd: Int32
    private(set) var bytes: [UInt8] = []
    private(set) var atEOF = false
    private var consumed = 0

    init(fd: Int32) {
        self.fd = fd
    }

    deinit {
        close(fd)
    }

    /// A pipe whose both ends are closed on exec, so that other children never hold them open (Glibc's module
    /// does not offer pipe2).
    static func make() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else {
            throw InitTestProcess.Failure(description: "pipe: \(String(cString: strerror(errno)))")
        }
        for fd in fds {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        return (fds[0], fds[1])
    }

    /// Seconds of a monotonic clock (CLOCK_MONOTONIC on Linux).
    static func now() -> Double {
        ProcessInfo.processInfo.systemUptime
    }

    var text: String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// Waits up to `milliseconds` for any of `pipes` to be readable, then reads what is there.
    static func pump(_ pipes: [InitTestPipe], milliseconds: Int32) {
        let open = pipes.filter { !$0.atEOF }
        var polls = open.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
        if polls.isEmpty {
            usleep(UInt32(milliseconds) * 1000)
            return
        }
        guard poll(&polls, nfds_t(polls.count), milliseconds) > 0 else { return }
        for (pipe, polled) in zip(open, polls) where polled.revents != 0 {
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = read(pipe.fd, &chunk, chunk.count)
            if count > 0 {
                pipe.bytes += chunk[..<count]
            } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                pipe.atEOF = true
            }
        }
    }

    /// The next line (without its newline), waiting for it up to `seconds`.
    func line(within seconds: Double = 20) throws -> String {
        let deadline = Self.now() + seconds
        while true {
            if let newline = bytes[consumed...].firstIndex(of: UInt8(ascii: "\n")) {
                defer { consumed = newline + 1 }
                return String(decoding: bytes[consumed..<newline], as: UTF8.self)
            }
            guard !atEOF, Self.now() < deadline else {
                throw InitTestProcess.Failure(
                    description: "no line within \(seconds) s; got \"\(text)\"\(atEOF ? " and EOF" : "")")
            }
            Self.pump([self], milliseconds: 10)
        }
    }
}
