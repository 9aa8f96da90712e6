import NIOCore
import NIOPosix

/// Checks, before the server creates anything, that it can listen where it is asked to, so that a
/// taken port or an unknown address is reported at once and leaves no half-made data directory.
enum ListenAddressProbe {
    static func check(host: String, port: Int) async throws {
        // Port 0 picks a free port: nothing to check.
        guard port != 0 else { return }
        do {
            let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
                .bind(host: host, port: port).get()
            try await channel.close()
        } catch {
            throw BulwarkServer.StartupError(description: "Cannot listen on \(host):\(port): \(Self.reason(error)).")
        }
    }

    private static func reason(_ error: any Error) -> String {
        if let failure = error as? IOError {
            return switch failure.errnoCode {
            case 98: "the address is already in use (another process listens there; choose another --port)"
            case 99: "the address is not one of this machine's"
            case 13: "permission denied (ports below 1024 need privileges)"
            default: "\(failure)"
            }
        }
        return "\(error)"
    }
}
