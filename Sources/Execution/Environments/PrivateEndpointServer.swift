import AWSWire
import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOPosix

/// The private endpoint of one environment (DESIGN §4, the PrivateLink analogue): the function's SDK
/// calls `AWS_ENDPOINT_URL` inside the sandbox, on the listening socket `bulwark-init` handed over, and
/// the requests enter Bulwark's one pipeline marked with the function they came from.
struct PrivateEndpointServer: Sendable {
    /// Answers one request through the pipeline.
    typealias Handler = @Sendable (WireRequest) async -> WireResponse

    let channel: any Channel

    /// The largest request body read; the pipeline then applies each operation's own limit.
    static let bodyLimit = 72 << 20
    /// The connections a function may hold open at once (an SDK client pools up to 10).
    static let maximumConnections = 32

    static func start(
        listener: Int32, functionARN: String, handler: @escaping Handler, group: any EventLoopGroup
    ) async throws
        -> PrivateEndpointServer
    {
        let limiter = ConnectionLimiter(limit: maximumConnections)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(limiter) }
            }
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withPipeliningAssistance: true, withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(PrivateEndpointHandler(functionARN: functionARN, handler: handler))
                }
            }
            .withBoundSocket(listener)
            .get()
        return PrivateEndpointServer(channel: channel)
    }

    func stop() async {
        try? await channel.close()
    }
}

/// Collects one request at a time and hands it to the pipeline.
final class PrivateEndpointHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let functionARN: String
    private let handler: PrivateEndpointServer.Handler
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()
    private var tooLarge = false

    init(functionARN: String, handler: @escaping PrivateEndpointServer.Handler) {
        self.functionARN = functionARN
        self.handler = handler
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
            body.clear()
            tooLarge = false
        case .body(var chunk):
            if body.readableBytes + chunk.readableBytes > PrivateEndpointServer.bodyLimit {
                tooLarge = true
            } else if !tooLarge {
                body.writeBuffer(&chunk)
            }
        case .end:
            guard let head else { return }
            self.head = nil
            respond(to: head, context: context)
        }
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        var fields = HTTPFields()
        for (name, value) in head.headers {
            if let field = HTTPField.Name(name) { fields.append(HTTPField(name: field, value: value)) }
        }
        if tooLarge { fields[.contentLength] = String(PrivateEndpointServer.bodyLimit + 1) }
        let (path, query) = Self.split(head.uri)
        var request = WireRequest(
            method: HTTPRequest.Method(head.method.rawValue) ?? .get,
            rawPath: path,
            rawQuery: query,
            headers: fields,
            body: tooLarge ? Data() : Data(body.readableBytesView),
            sourceIP: "",
            // The request never leaves the machine: like a PrivateLink endpoint, it counts as secure.
            isSecureTransport: true
        )
        request.sourceFunctionARN = functionARN
        let call = request
        let handler = self.handler
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        let keepAlive = head.isKeepAlive
        let promise = context.eventLoop.makePromise(of: WireResponse.self)
        promise.completeWithTask { await handler(call) }
        promise.futureResult.whenSuccess { answer in
            let context = bound.value
            var headers = HTTPHeaders()
            for field in answer.headers { headers.add(name: field.name.rawName, value: field.value) }
            headers.replaceOrAdd(name: "Content-Length", value: String(answer.body.count))
            if !keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
            let status = HTTPResponseStatus(statusCode: answer.status)
            context.write(
                NIOAny(HTTPServerResponsePart.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
            context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(bytes: answer.body)))), promise: nil)
            let done = context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)))
            if !keepAlive { done.whenComplete { _ in bound.value.close(promise: nil) } }
        }
    }

    static func split(_ target: String) -> (String, String) {
        guard let mark = target.firstIndex(of: "?") else { return (target, "") }
        return (String(target[..<mark]), String(target[target.index(after: mark)...]))
    }
}
