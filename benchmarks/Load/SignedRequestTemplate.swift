import AWSWire
import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1

/// One request of a load run, signed afresh for every send (with the current time), as an SDK does.
struct SignedRequestTemplate: Sendable {
    struct Signing: Sendable {
        let service: String
        let region: String
        let accessKeyID: String
        let secretAccessKey: String
        let sessionToken: String?
    }

    let method: String
    let host: String
    let target: String
    let body: Data
    let contentType: String
    /// Further headers, sent and signed as an SDK does, e.g. the `X-Amz-Target` of a json-protocol call.
    let headers: [(name: String, value: String)]
    /// `nil` for the echo baseline: the same request, unsigned.
    let signing: Signing?

    /// The head of the next request to send.
    func head() -> HTTPRequestHead {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: host)
        headers.add(name: "Content-Length", value: String(body.count))
        if !body.isEmpty { headers.add(name: "Content-Type", value: contentType) }
        headers.add(name: "User-Agent", value: "bulwark-load")
        for header in self.headers { headers.add(name: header.name, value: header.value) }
        if let signing {
            for field in signature(signing) { headers.replaceOrAdd(name: field.name.rawName, value: field.value) }
        }
        return HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: method), uri: target, headers: headers)
    }

    private func signature(_ signing: Signing) -> HTTPFields {
        var fields = HTTPFields()
        fields[HTTPField.Name("Host")!] = host
        if !body.isEmpty { fields[.contentType] = contentType }
        // LoadCommand accepts only valid field names.
        for header in headers { fields[HTTPField.Name(header.name)!] = header.value }
        let request = WireRequest(method: HTTPRequest.Method(method) ?? .get, target: target, headers: fields, body: body)
        let signer = SigV4Signer(
            credentials: SigV4Credentials(
                accessKeyID: signing.accessKeyID, secretAccessKey: signing.secretAccessKey, sessionToken: signing.sessionToken),
            region: signing.region, service: signing.service
        )
        return signer.sign(request, at: Date()).headers
    }
}
