import AWSWire
import BulwarkCore
import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers requests that the HTTP layer cannot read — a malformed request line or header, headers
/// over the limit, `Transfer-Encoding` with `Content-Length` — before any service sees them: in
/// AWS's shape (a rest-json error with its request id) rather than a bare 400, with one audit event
/// holding what could be read (the peer, the reason), and the connection closed.
final class HTTPRefusalHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    private let record: @Sendable (_ refusal: AWSError, _ requestID: String, _ sourceIP: String) -> Void
    private var answered = false

    init(record: @escaping @Sendable (_ refusal: AWSError, _ requestID: String, _ sourceIP: String) -> Void) {
        self.record = record
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        guard !answered else { return }
        answered = true
        let refusal = Self.refusal(parserError)
        let requestID = UUID().uuidString.lowercased()
        record(refusal, requestID, context.channel.remoteAddress?.ipAddress ?? "0.0.0.0")
        let answer = RestJSONCodec.errorResponse(refusal, requestID: requestID)
        var fields = answer.headers
        fields[.contentLength] = String(answer.body.count)
        fields[.connection] = "close"
        context.write(wrapOutboundOut(.head(HTTPResponse(status: HTTPResponse.Status(code: answer.status), headerFields: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(ByteBuffer(bytes: answer.body))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }

    /// AWS's answer to a request its front door cannot read.
    static func refusal(_ error: HTTPParserError) -> AWSError {
        switch error {
        case .headerOverflow:
            AWSError(code: "RequestHeaderSectionTooLarge", message: "Your request header section exceeds the maximum allowed size.", status: 400)
        case .unexpectedContentLength:
            AWSError(
                code: "BadRequestException", message: "A request may not carry both Transfer-Encoding and Content-Length.", status: 400)
        case .unknown:
            // llhttp reports a request with both Transfer-Encoding and Content-Length this way.
            AWSError(code: "BadRequestException", message: "The request could not be read as HTTP/1.1.", status: 400)
        default:
            AWSError(code: "BadRequestException", message: "The request could not be read as HTTP/1.1: \(error).", status: 400)
        }
    }
}
