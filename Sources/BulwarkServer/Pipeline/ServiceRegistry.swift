import AWSWire
import BulwarkCore
import Foundation
import HTTPTypes

/// The services the pipeline serves, and how a request finds its service and operation.
///
/// Routing uses, in order: `X-Amz-Target` for the json protocol, the service of the SigV4 credential
/// scope, the REST path templates of the rest-json services, and the `Action` and `Version` of the
/// query services (IAM and STS share one endpoint; an unsigned request names its API only there).
struct ServiceRegistry: Sendable {
    /// A service with its codec and its implemented operations by name.
    struct Entry: Sendable {
        let service: any AWSService
        let codec: any WireCodec
        let operations: [String: ServiceOperation]

        var model: ServiceModel { service.model }

        /// This entry with the codec of the protocol `request` speaks.
        func answering(_ request: WireRequest) -> Entry {
            Entry(service: service, codec: codec.answering(request), operations: operations)
        }
    }

    /// Where a request goes.
    enum Route: Sendable {
        /// An operation Bulwark implements.
        case implemented(Entry, OperationMatch, ServiceOperation)
        /// An operation of the AWS model that Bulwark does not implement.
        case unimplemented(Entry, OperationModel)
        /// No operation; the service when one was recognised (for the error's shape).
        case unknown(Entry?, detail: String)
    }

    let entries: [Entry]
    /// Whether some operation takes requests without an AWS signature.
    var hasUnsignedOperations: Bool { entries.contains { $0.operations.values.contains { $0.access.acceptsUnsignedRequests } } }

    init(services: [any AWSService]) {
        entries = services.map { service in
            Entry(
                service: service,
                codec: service.codec ?? Self.codec(for: service.model),
                operations: Dictionary(service.operations.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            )
        }
    }

    /// The service a request addresses, from its credential scope, target header or path.
    func service(for request: WireRequest) -> Entry? {
        if let target = request.header("X-Amz-Target"), let dot = target.lastIndex(of: ".") {
            let prefix = target[..<dot]
            if let entry = entries.first(where: { $0.model.targetPrefix == String(prefix) }) { return entry }
        }
        if let scope = CredentialScopeHint(request),
            let entry = entries.first(where: { entry in
                entry.model.signingName == scope.service
                    && (entry.model.wireProtocol != .restJSON || (entry.codec as? RestJSONCodec)?.recognizesPath(request.rawPath) == true)
            })
        {
            return entry
        }
        if let entry = entries.first(where: { ($0.codec as? RestJSONCodec)?.recognizesPath(request.rawPath) == true }) {
            return entry
        }
        if let entry = entries.first(where: { ($0.codec as? RestXMLCodec)?.recognizes(request) == true }) {
            return entry
        }
        return entries.first { $0.model.wireProtocol == .query && $0.codec.match(request) != nil }
    }

    /// The AWS services served, by their service ids (not Bulwark's own API).
    var awsServiceIDs: [String] {
        entries.map(\.model).filter { $0.signingName != ServiceModel.bulwark.signingName }.map(\.serviceID)
    }

    /// Whether a service Bulwark serves signs with `signingName` (`lambda`, `iam`, `sts`).
    func servesSigningName(_ signingName: String) -> Bool {
        entries.contains { $0.model.signingName == signingName }
    }

    /// The operation a request addresses. For the query protocol the body must have been read: the
    /// `Action` travels in it (the pipeline routes the head first only to size the body it reads).
    func route(_ request: WireRequest) -> Route {
        route(request, in: service(for: request))
    }

    /// The operation `request` addresses in `entry`, the service ``service(for:)`` found for it.
    func route(_ request: WireRequest, in addressed: Entry?) -> Route {
        // A service of several protocols reads and answers each request in the one it speaks.
        guard let entry = addressed?.answering(request) else {
            return .unknown(nil, detail: "No AWS service that Bulwark serves matches \(request.method.rawValue) \(request.rawPath).")
        }
        guard let match = entry.codec.match(request) else {
            return .unknown(entry, detail: "The \(entry.model.serviceID) API has no operation for \(request.method.rawValue) \(request.rawPath).")
        }
        guard let operation = entry.operations[match.operation.name] else {
            return .unimplemented(entry, match.operation)
        }
        return .implemented(entry, match, operation)
    }

    private static func codec(for model: ServiceModel) -> any WireCodec {
        switch model.wireProtocol {
        case .restJSON: RestJSONCodec(model: model)
        case .query: QueryCodec(model: model)
        case .json: JSONCodec(model: model)
        case .rpcV2CBOR: NegotiatedCodec.forModel(model)
        // A rest-xml service routes by rules of its own (S3's addressing): it brings its codec.
        case .restXML: preconditionFailure("the rest-xml service \(model.name) must bring its codec")
        }
    }
}

/// The credential scope a request claims (`AKID/20150830/us-east-1/lambda/aws4_request`), read
/// without verification — only to find the service. Authentication verifies it later.
struct CredentialScopeHint: Sendable, Equatable {
    let accessKeyID: String
    let region: String
    let service: String

    init?(_ request: WireRequest) {
        let credential: Substring
        if let authorization = request.header("Authorization"), let range = authorization.range(of: "Credential=") {
            credential = authorization[range.upperBound...].prefix { $0 != "," && $0 != " " }
        } else if let value = request.queryItems.first(where: { $0.name == "X-Amz-Credential" })?.value {
            credential = value[...]
        } else {
            return nil
        }
        let parts = credential.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 5 else { return nil }
        accessKeyID = String(parts[0])
        region = String(parts[2])
        service = String(parts[3])
    }
}
