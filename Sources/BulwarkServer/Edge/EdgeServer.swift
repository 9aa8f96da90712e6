import AWSWire
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL

/// The HTTP listener (DESIGN §1): HTTP/1.1 with keep-alive, optionally TLS ≥ 1.2, handing every
/// request to the pipeline.
struct EdgeServer: Sendable {
    let host: String
    let port: Int
    let tls: TLSConfiguration?
    let pipeline: Pipeline
    let logger: Logger
    /// Called with the bound address once the listener accepts connections.
    let onListening: @Sendable (_ host: String, _ port: Int) async -> Void

    func makeApplication() throws -> some ApplicationProtocol {
        let pipeline = self.pipeline
        let isSecure = tls != nil
        let responder = CallbackResponder { (request: Request, context: EdgeRequestContext) -> Response in
            let (path, query) = Self.split(request.head.path ?? "/")
            // HTTPTypes keeps `Host` as the request's authority; SigV4 signs it as a header.
            var headers = request.headers
            if let authority = request.head.authority, headers[.hostHeader] == nil { headers[.hostHeader] = authority }
            let head = WireRequest(
                method: request.method,
                rawPath: path,
                rawQuery: query,
                headers: headers,
                sourceIP: context.sourceIP,
                isSecureTransport: isSecure,
                tlsVersion: isSecure ? await context.tlsVersion() : nil
            )
            let answer = await pipeline.handle(head, body: HummingbirdBodyReader(body: request.body))
            var responseHeaders = answer.headers
            // A HEAD answer has no body but tells the length of the GET's (S3's HeadObject).
            if request.method != .head || responseHeaders[.contentLength] == nil {
                responseHeaders[.contentLength] = String(request.method == .head ? 0 : answer.body.count)
            }
            return Response(
                status: HTTPResponse.Status(code: answer.status),
                headers: responseHeaders,
                body: request.method == .head ? ResponseBody() : ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body))
            )
        }
        let refusals = pipeline.audit
        let http1 = HTTPServerBuilder.http1(
            configuration: .init(
                additionalChannelHandlers: [
                    HTTPRefusalHandler { refusal, requestID, sourceIP in
                        refusals.recordRefusal(refusal, requestID: requestID, sourceIP: sourceIP, isSecureTransport: isSecure)
                    }
                ],
                idleTimeout: .seconds(120)
            ))
        let server = try tls.map { try HTTPServerBuilder.tls(http1, tlsConfiguration: $0) } ?? http1
        let onListening = self.onListening
        return Application(
            responder: responder,
            server: server,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                let address = channel.localAddress
                await onListening(address?.ipAddress ?? "127.0.0.1", address?.port ?? 0)
            },
            logger: logger
        )
    }

    /// Splits a request target into its path and query (without `?`).
    static func split(_ target: String) -> (path: String, query: String) {
        guard let mark = target.firstIndex(of: "?") else { return (target, "") }
        return (String(target[..<mark]), String(target[target.index(after: mark)...]))
    }
}

/// The request context of the edge: the peer's address for `aws:SourceIp`.
struct EdgeRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let sourceIP: String
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        sourceIP = source.channel.remoteAddress?.ipAddress ?? "0.0.0.0"
        channel = source.channel
    }

    /// The negotiated TLS version (`TLSv1.2`, `TLSv1.3`) of a TLS connection.
    func tlsVersion() async -> String? {
        guard let version = try? await channel.nioSSL_tlsVersion().get() else { return nil }
        return Self.name(version)
    }

    private static func name(_ version: TLSVersion) -> String {
        switch version {
        case .tlsv1: "TLSv1"
        case .tlsv11: "TLSv1.1"
        case .tlsv12: "TLSv1.2"
        case .tlsv13: "TLSv1.3"
        }
    }
}

/// Reads a Hummingbird request body into memory, up to a limit.
struct HummingbirdBodyReader: RequestBodyReader {
    let body: RequestBody

    func collect(upTo limit: Int) async throws -> Data {
        var collected = Data()
        for try await chunk in body {
            guard collected.count + chunk.readableBytes <= limit else { throw BodyTooLarge() }
            collected.append(contentsOf: chunk.readableBytesView)
        }
        return collected
    }
}
