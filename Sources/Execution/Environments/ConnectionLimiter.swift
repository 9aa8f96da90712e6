import NIOCore
import Synchronization

/// Bounds the connections a sandbox holds open to one of its listeners (the Runtime API, the private
/// endpoint): a connection beyond `limit` is closed as soon as it is accepted. Every connection costs
/// the server a descriptor and its buffers, none of them charged to the sandbox's control group, so a
/// function must not be able to take the server's descriptors or memory by opening connections.
final class ConnectionLimiter: ChannelInboundHandler, Sendable {
    typealias InboundIn = any Channel

    let limit: Int
    private let open = Atomic<Int>(0)

    init(limit: Int) {
        self.limit = limit
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let connection = unwrapInboundIn(data)
        // Registered by the bootstrap as any other, then closed: a connection is closed once, on its own loop.
        context.fireChannelRead(data)
        guard open.add(1, ordering: .relaxed).newValue <= limit else {
            open.subtract(1, ordering: .relaxed)
            connection.close(promise: nil)
            return
        }
        connection.closeFuture.whenComplete { [self] _ in open.subtract(1, ordering: .relaxed) }
    }
}
