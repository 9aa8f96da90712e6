import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The Lambda Runtime API of one environment, served on the socket listening on `127.0.0.1:9001`
/// inside the sandbox that `bulwark-init` handed over (DESIGN §3).
struct RuntimeAPIServer: Sendable {
    let channel: any Channel

    /// The connections a runtime may hold open at once (a runtime client keeps one or two).
    static let maximumConnections = 8

    /// Accepts the connections of the runtime of `session` on `listener`, which it takes over (closed
    /// with the server).
    static func start(listener: Int32, session: RuntimeSession, group: any EventLoopGroup) async throws -> RuntimeAPIServer {
        var limits = NIOHTTPDecoderLimitConfiguration()
        // awslambdaric sends an X-Ray error cause header of up to 1 MiB with every error.
        limits.maxHeaderFieldSize = 2 << 20
        limits.maxHeaderListSize = 2 << 20
        let decoderLimits = limits
        let limiter = ConnectionLimiter(limit: maximumConnections)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(limiter) }
            }
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                        withPipeliningAssistance: true,
                        withErrorHandling: true,
                        withEncoderConfiguration: .init(),
                        withDecoderLimitConfiguration: decoderLimits
                    )
                    try channel.pipeline.syncOperations.addHandler(RuntimeAPIHandler(session: session))
                }
            }
            .withBoundSocket(listener)
            .get()
        return RuntimeAPIServer(channel: channel)
    }

    func stop() async {
        try? await channel.close()
    }
}

/// Handles the requests of one connection from a runtime.
final class RuntimeAPIHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let session: RuntimeSession
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()
    private var bodyTooLarge = false
    /// The `/next` this connection has parked, withdrawn if the connection closes.
    private var parkedToken: UInt64?

    init(session: RuntimeSession) {
        self.session = session
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
            body.clear()
            bodyTooLarge = false
        case .body(var chunk):
            if body.readableBytes + chunk.readableBytes > RuntimeSession.maximumResponseBytes {
                bodyTooLarge = true
            } else {
                body.writeBuffer(&chunk)
            }
        case .end:
            guard let head else { return }
            self.head = nil
            dispatch(head, context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let token = parkedToken { session.withdraw(token: token) }
        context.fireChannelInactive()
    }

    /// Answers one request on the event loop: the session's state changes under its lock, so only
    /// a parked `/next` waits (for its promise, completed when the invoker hands over work).
    private func dispatch(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let segments = head.uri.split(separator: "?", maxSplits: 1).first.map { $0.split(separator: "/").map(String.init) } ?? []
        let errorType = head.headers.first(name: "Lambda-Runtime-Function-Error-Type")

        switch RuntimeRoute(method: head.method, segments: segments) {
        case .next:
            let token = session.makeToken()
            parkedToken = token
            let invocation = context.eventLoop.makePromise(of: Invocation.self)
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            invocation.futureResult.whenComplete { result in
                let (handler, context) = bound.value
                handler.parkedToken = nil
                switch result {
                case .success(let invocation):
                    handler.write(status: .ok, headers: invocation.headers, body: invocation.payload, context: context)
                case .failure(let refusal as RuntimeAPIRefusal):
                    handler.write(refusal.answer, context: context)
                case .failure:
                    handler.write(.error(500, "InternalServerError", "Internal Server Error"), context: context)
                }
            }
            session.next(token: token) { invocation.completeWith($0) }
        case .response(let id):
            let answer = session.respond(
                id: id, body: Data(body.readableBytesView), contentType: head.headers.first(name: "Content-Type"), tooLarge: bodyTooLarge
            )
            write(answer, context: context)
        case .error(let id):
            let answer =
                bodyTooLarge
                ? .error(413, "RequestEntityTooLarge", "Exceeded maximum allowed payload size (\(RuntimeSession.maximumResponseBytes) bytes).")
                : session.fail(id: id, body: Data(body.readableBytesView), errorTypeHeader: errorType)
            write(answer, context: context)
        case .initError:
            write(session.initError(body: Data(body.readableBytesView), errorTypeHeader: errorType), context: context)
        case .ping:
            write(status: .ok, headers: [("Content-Type", "text/plain")], body: Data("pong".utf8), context: context)
        case .unknown:
            write(status: .notFound, headers: [("Content-Type", "text/plain")], body: Data("404 page not found\n".utf8), context: context)
        }
    }

    private func write(_ answer: RuntimeSession.Answer, context: ChannelHandlerContext) {
        write(
            status: HTTPResponseStatus(statusCode: answer.status),
            headers: [("Content-Type", "application/json")],
            body: Data((answer.body + "\n").utf8),
            context: context
        )
    }

    private func write(status: HTTPResponseStatus, headers: [(String, String)], body: Data, context: ChannelHandlerContext) {
        var fields = HTTPHeaders(headers)
        fields.replaceOrAdd(name: "Content-Length", value: String(body.count))
        let keepAlive = !bodyTooLarge
        if !keepAlive { fields.replaceOrAdd(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
            done.whenComplete { _ in boundContext.value.close(promise: nil) }
        }
    }
}

/// The routes of the Runtime API (`/2018-06-01/...`).
enum RuntimeRoute: Equatable {
    case next
    case response(String)
    case error(String)
    case initError
    case ping
    case unknown

    init(method: HTTPMethod, segments: [String]) {
        guard segments.first == "2018-06-01" else {
            self = .unknown
            return
        }
        let rest = Array(segments.dropFirst())
        switch (method, rest.count) {
        case (.GET, 3) where rest == ["runtime", "invocation", "next"]: self = .next
        case (.POST, 4) where rest[0] == "runtime" && rest[1] == "invocation" && rest[3] == "response": self = .response(rest[2])
        case (.POST, 4) where rest[0] == "runtime" && rest[1] == "invocation" && rest[3] == "error": self = .error(rest[2])
        case (.POST, 3) where rest == ["runtime", "init", "error"]: self = .initError
        case (.GET, 1) where rest == ["ping"]: self = .ping
        default: self = .unknown
        }
    }
}
