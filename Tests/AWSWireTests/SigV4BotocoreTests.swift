import AWSWire
import BulwarkCore
import Foundation
import HTTPTypes
import Testing

/// A request signed by botocore (`Fixtures/sigv4/botocore/generate.py`).
struct BotocoreCase: Decodable, Sendable, CustomTestStringConvertible {
    struct Credentials: Decodable, Sendable {
        var access_key_id: String
        var secret_access_key: String
        var token: String?
    }

    struct Request: Decodable, Sendable {
        var method: String
        var path: String
        var query: String
        var headers: [[String]]
        var body_base64: String
    }

    var name: String
    var description: String
    var service: String
    var region: String
    var timestamp: String
    var credentials: Credentials
    var presigned: Bool
    var expires: Int?
    var request: Request
    var canonical_request: String
    var string_to_sign: String
    var signature: String

    var testDescription: String { "\(name): \(description)" }

    var sigV4Credentials: SigV4Credentials {
        SigV4Credentials(accessKeyID: credentials.access_key_id, secretAccessKey: credentials.secret_access_key, sessionToken: credentials.token)
    }

    var date: Date { AWSTimestamp.parseBasic(timestamp)! }
    var endpoint: SigV4Endpoint { SigV4Endpoint(service: service, region: region) }

    var wireRequest: WireRequest {
        var headers = HTTPFields()
        for pair in request.headers {
            headers.append(HTTPField(name: HTTPField.Name(pair[0])!, value: pair[1]))
        }
        return WireRequest(
            method: HTTPRequest.Method(request.method)!,
            rawPath: request.path,
            rawQuery: request.query,
            headers: headers,
            body: Data(base64Encoded: request.body_base64)!
        )
    }

    static let all: [BotocoreCase] = {
        struct File: Decodable { var cases: [BotocoreCase] }
        guard let text = SigV4Fixtures.text("botocore/signed-requests.json"),
            let file = try? JSONDecoder().decode(File.self, from: Data(text.utf8))
        else { return [] }
        return file.cases
    }()
}

@Suite("SigV4: requests signed by botocore")
struct SigV4BotocoreTests {
    /// Twenty seconds after botocore signed: the usual network delay.
    private func verifier(_ botocore: BotocoreCase) -> SigV4Verifier {
        SigV4Verifier(clock: .fixed(botocore.date.addingTimeInterval(20)))
    }

    @Test("the fixtures are present")
    func fixturesArePresent() {
        #expect(BotocoreCase.all.count >= 20)
        #expect(BotocoreCase.all.contains { $0.presigned })
        #expect(BotocoreCase.all.contains { $0.credentials.token != nil })
    }

    @Test("Bulwark accepts the request and rebuilds botocore's canonical request and string to sign", arguments: BotocoreCase.all)
    func accepted(_ botocore: BotocoreCase) async throws {
        let verification = try await verifier(botocore).verify(
            botocore.wireRequest,
            for: botocore.endpoint,
            using: FixedCredentialLookup(botocore.sigV4Credentials)
        )
        #expect(verification.canonicalRequest.text == botocore.canonical_request)
        #expect(verification.stringToSign == botocore.string_to_sign)
        #expect(verification.claims.signature == botocore.signature)
        #expect(verification.claims.isPresigned == botocore.presigned)
        #expect(verification.claims.sessionToken == botocore.credentials.token)
        #expect(verification.isPayloadSigned)
    }

    @Test("Bulwark's signer makes botocore's signature from the same request", arguments: BotocoreCase.all)
    func signerAgrees(_ botocore: BotocoreCase) throws {
        let signer = SigV4Signer(credentials: botocore.sigV4Credentials, region: botocore.region, service: botocore.service)
        var request = botocore.wireRequest
        if botocore.presigned {
            // Strip what the presigner added; keep the operation's own parameters.
            request.rawQuery = request.rawQuery.split(separator: "&").filter { !$0.hasPrefix("X-Amz-") }.joined(separator: "&")
            let presigned = signer.presign(request, at: botocore.date, expires: botocore.expires)
            #expect(presigned.signature == botocore.signature)
        } else {
            // Keep only what botocore signed; the signer adds X-Amz-Date and the session token itself.
            let signed = Set(try #require(verifiedClaims(botocore)).signedHeaders).subtracting(["x-amz-date", "x-amz-security-token"])
            request.headers = HTTPFields(request.headers.filter { signed.contains($0.name.canonicalName) })
            let signature = signer.sign(request, at: botocore.date)
            if request.headers[.date] != nil {
                // botocore signs `Date` instead of `X-Amz-Date` when a request has one; the signer
                // always adds X-Amz-Date, so only the algorithm, time and scope lines can agree.
                let head = { (text: String) in text.split(separator: "\n").prefix(3) }
                #expect(head(signature.stringToSign) == head(botocore.string_to_sign))
            } else {
                #expect(signature.signature == botocore.signature)
            }
        }
    }

    @Test("every one-byte mutation of what the signature covers is refused", arguments: BotocoreCase.all)
    func mutationsRefused(_ botocore: BotocoreCase) async throws {
        let request = botocore.wireRequest
        let claims = try #require(verifiedClaims(botocore))
        var mutations = SigV4Mutation.ofMethod(request) + SigV4Mutation.ofQuery(request) + SigV4Mutation.ofBody(request)
        for name in claims.signedHeaders + ["authorization", "x-amz-security-token"] {
            mutations += SigV4Mutation.ofHeader(name, in: request)
        }
        mutations += SigV4Mutation.ofPath(request).filter {
            botocoreNormalizedPath($0.request.rawPath) != botocoreNormalizedPath(request.rawPath)
        }
        #expect(mutations.count > 100)
        let accepted = await verifier(botocore).acceptedMutations(
            mutations,
            for: botocore.endpoint,
            using: FixedCredentialLookup(botocore.sigV4Credentials)
        )
        #expect(accepted.isEmpty, "accepted mutations: \(accepted)")
    }

    @Test("headers outside SignedHeaders are not covered: changing them is accepted", arguments: BotocoreCase.all)
    func unsignedHeadersAreFree(_ botocore: BotocoreCase) async throws {
        let request = botocore.wireRequest
        let claims = try #require(verifiedClaims(botocore))
        let covered = Set(claims.signedHeaders + ["authorization", "x-amz-security-token"])
        let free = Set(request.headers.map(\.name.canonicalName)).subtracting(covered)
        for name in free {
            let mutations = Array(SigV4Mutation.ofHeader(name, in: request).prefix(3))
            let accepted = await verifier(botocore).acceptedMutations(
                mutations,
                for: botocore.endpoint,
                using: FixedCredentialLookup(botocore.sigV4Credentials)
            )
            #expect(accepted.count == mutations.count, "\(name) should not be covered by the signature")
        }
    }

    @Test("a path that botocore normalized before signing is accepted in every equivalent spelling")
    func equivalentPaths() async throws {
        let botocore = try #require(BotocoreCase.all.first { $0.name == "by-hand-unnormalized-path" })
        let lookup = FixedCredentialLookup(botocore.sigV4Credentials)
        for path in ["/2015-03-31/functions/my-function/configuration", "/2015-03-31/./functions//my-function/x/../configuration"] {
            var request = botocore.wireRequest
            request.rawPath = path
            #expect(await verifier(botocore).failure(of: request, for: botocore.endpoint, using: lookup) == nil)
        }
    }

    private func verifiedClaims(_ botocore: BotocoreCase) -> SigV4Claims? {
        try? verifier(botocore).claims(of: botocore.wireRequest, for: botocore.endpoint)
    }
}
