import AWSWire
import BulwarkCore
import Foundation
import HTTPTypes
import Testing

/// One case of the official SigV4 test suite (`awslabs/aws-c-auth`, `tests/aws-signing-test-suite/v4`).
struct SuiteCase: Sendable, CustomTestStringConvertible {
    struct Context: Decodable, Sendable {
        struct Credentials: Decodable, Sendable {
            var access_key_id: String
            var secret_access_key: String
            var token: String?
        }

        var credentials: Credentials
        var expiration_in_seconds: Int
        var normalize: Bool
        var region: String
        var service: String
        var sign_body: Bool
        var timestamp: String
        var omit_session_token: Bool?
    }

    /// What the suite expects of one signing method.
    struct Expected: Sendable {
        var canonicalRequest: String
        var stringToSign: String
        var signature: String
        var signedRequest: String
    }

    var name: String
    var context: Context
    var request: String
    var header: Expected
    var query: Expected

    var testDescription: String { name }

    var credentials: SigV4Credentials {
        SigV4Credentials(
            accessKeyID: context.credentials.access_key_id,
            secretAccessKey: context.credentials.secret_access_key,
            sessionToken: context.credentials.token
        )
    }

    var date: Date { SigV4Fixtures.date(context.timestamp) }
    var endpoint: SigV4Endpoint { SigV4Endpoint(service: context.service, region: context.region) }
    var signsSessionToken: Bool { !(context.omit_session_token ?? false) }
    var signer: SigV4Signer {
        SigV4Signer(credentials: credentials, region: context.region, service: context.service, normalizesURIPath: context.normalize)
    }
    /// A verifier at the moment of signing; as strict about paths as the case's signer was.
    var verifier: SigV4Verifier {
        SigV4Verifier(clock: .fixed(date), normalizesURIPath: context.normalize)
    }

    static let all: [SuiteCase] = {
        let root = SigV4Fixtures.directory.appendingPathComponent("aws-c-auth/v4")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.sorted().compactMap { name in
            func file(_ file: String) -> String? { SigV4Fixtures.text("aws-c-auth/v4/\(name)/\(file)") }
            func expected(_ kind: String) -> Expected? {
                guard let canonical = file("\(kind)-canonical-request.txt"), let sts = file("\(kind)-string-to-sign.txt"),
                    let signature = file("\(kind)-signature.txt"), let signed = file("\(kind)-signed-request.txt")
                else { return nil }
                return Expected(canonicalRequest: canonical, stringToSign: sts, signature: signature, signedRequest: signed)
            }
            guard let json = file("context.json"), let context = try? JSONDecoder().decode(Context.self, from: Data(json.utf8)),
                let request = file("request.txt"), let header = expected("header"), let query = expected("query")
            else { return nil }
            return SuiteCase(name: name, context: context, request: request, header: header, query: query)
        }
    }()
}

@Suite("SigV4: the official aws-c-auth test suite")
struct SigV4SuiteTests {
    @Test("all 38 cases are present")
    func casesArePresent() {
        #expect(SuiteCase.all.count == 38)
    }

    @Test("smoke vector get-vanilla")
    func getVanilla() throws {
        let vanilla = try #require(SuiteCase.all.first { $0.name == "get-vanilla" })
        let signature = vanilla.signer.sign(SigV4Fixtures.request(vanilla.request), at: vanilla.date)
        #expect(signature.signature == "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
    }

    @Test("header signing: canonical request, string to sign, signature, Authorization", arguments: SuiteCase.all)
    func headerSigning(_ suite: SuiteCase) throws {
        let options = SigV4Signer.Options(addsContentSHA256: suite.context.sign_body, signsSessionToken: suite.signsSessionToken)
        let signature = suite.signer.sign(SigV4Fixtures.request(suite.request), at: suite.date, options: options)

        #expect(signature.canonicalRequest.text == suite.header.canonicalRequest)
        #expect(signature.stringToSign == suite.header.stringToSign)
        #expect(signature.signature == suite.header.signature)
        let expectedRequest = SigV4Fixtures.request(suite.header.signedRequest)
        #expect(signature.authorization == expectedRequest.header("Authorization"))
        #expect(signature.headers[HTTPField.Name("X-Amz-Security-Token")!] == expectedRequest.header("X-Amz-Security-Token"))
    }

    @Test("query signing (presigned URL): canonical request, string to sign, signature, query", arguments: SuiteCase.all)
    func querySigning(_ suite: SuiteCase) {
        let options = SigV4Signer.Options(signsSessionToken: suite.signsSessionToken)
        let presigned = suite.signer.presign(
            SigV4Fixtures.request(suite.request),
            at: suite.date,
            expires: suite.context.expiration_in_seconds,
            options: options
        )

        #expect(presigned.canonicalRequest.text == suite.query.canonicalRequest)
        #expect(presigned.stringToSign == suite.query.stringToSign)
        #expect(presigned.signature == suite.query.signature)
        let expectedQuery = SigV4Fixtures.request(suite.query.signedRequest).rawQuery
        #expect(SigV4Fixtures.parameterSet(presigned.query) == SigV4Fixtures.parameterSet(expectedQuery))
    }

    @Test("the verifier accepts the header-signed request and refuses every one-byte mutation", arguments: SuiteCase.all)
    func verifyHeaderSigned(_ suite: SuiteCase) async throws {
        let request = SigV4Fixtures.request(suite.header.signedRequest)
        let lookup = FixedCredentialLookup(suite.credentials)
        let verification = try await suite.verifier.verify(request, for: suite.endpoint, using: lookup)
        #expect(verification.canonicalRequest.text == suite.header.canonicalRequest)
        #expect(verification.stringToSign == suite.header.stringToSign)
        #expect(verification.identity == "identity of AKIDEXAMPLE")

        var mutations = SigV4Mutation.ofMethod(request) + SigV4Mutation.ofQuery(request) + SigV4Mutation.ofBody(request)
        for name in verification.claims.signedHeaders + ["authorization", "x-amz-security-token"] {
            mutations += SigV4Mutation.ofHeader(name, in: request)
        }
        mutations += pathMutations(of: request, suite)
        let accepted = await suite.verifier.acceptedMutations(mutations, for: suite.endpoint, using: lookup)
        #expect(accepted.isEmpty, "accepted mutations: \(accepted)")
    }

    @Test("the verifier accepts the presigned request and refuses every one-byte mutation", arguments: SuiteCase.all)
    func verifyQuerySigned(_ suite: SuiteCase) async throws {
        let request = SigV4Fixtures.request(suite.query.signedRequest)
        let lookup = FixedCredentialLookup(suite.credentials)
        if !suite.signsSessionToken {
            // post-sts-header-after appends the token to the query after signing, as some IoT clients
            // do. Bulwark requires a presigned URL to sign every parameter it carries.
            await #expect(throws: SigV4Failure.signatureMismatch) {
                try await suite.verifier.verify(request, for: suite.endpoint, using: lookup)
            }
            return
        }
        let verification = try await suite.verifier.verify(request, for: suite.endpoint, using: lookup)
        #expect(verification.canonicalRequest.text == suite.query.canonicalRequest)
        #expect(verification.stringToSign == suite.query.stringToSign)
        #expect(verification.claims.isPresigned)
        #expect(verification.claims.expires == 3600)

        var mutations = SigV4Mutation.ofMethod(request) + SigV4Mutation.ofQuery(request) + SigV4Mutation.ofBody(request)
        for name in verification.claims.signedHeaders {
            mutations += SigV4Mutation.ofHeader(name, in: request)
        }
        mutations += pathMutations(of: request, suite)
        let accepted = await suite.verifier.acceptedMutations(mutations, for: suite.endpoint, using: lookup)
        #expect(accepted.isEmpty, "accepted mutations: \(accepted)")
    }

    @Test(
        "a normalizing server refuses un-normalized signatures of paths that normalization changes",
        arguments: SuiteCase.all.filter { !$0.context.normalize }
    )
    func unnormalizedSignatures(_ suite: SuiteCase) async {
        let request = SigV4Fixtures.request(suite.header.signedRequest)
        let strict = SigV4Verifier(clock: .fixed(suite.date))
        let failure = await strict.failure(of: request, for: suite.endpoint, using: FixedCredentialLookup(suite.credentials))
        if botocoreNormalizedPath(request.rawPath) == request.rawPath {
            #expect(failure == nil)
        } else {
            #expect(failure == .signatureMismatch)
        }
    }

    /// Path mutations the verifier must refuse: all of them, except — when paths are normalized —
    /// those that normalize to the same path (a byte inside a segment that `..` removes), which name
    /// the same resource and so keep the signature valid.
    private func pathMutations(of request: WireRequest, _ suite: SuiteCase) -> [SigV4Mutation] {
        SigV4Mutation.ofPath(request).filter { mutation in
            !suite.context.normalize || botocoreNormalizedPath(mutation.request.rawPath) != botocoreNormalizedPath(request.rawPath)
        }
    }
}
