import AWSWire
import BulwarkCore
import Foundation
import HTTPTypes
import IAM

/// Authentication by AWS Signature Version 4, with the keys of the store.
struct SigV4CallerAuthenticator: CallerAuthenticator {
    let verifier: SigV4Verifier
    let lookup: AccessKeyLookup
    let clock: WallClock

    func authenticate(head request: WireRequest, service: ServiceModel) async throws -> PendingCaller {
        let family = Self.family(of: service)
        // S3 signs the path as sent, without normalizing it, alone takes aws-chunked bodies and
        // refuses unsigned x-amz-* headers.
        var verifier = self.verifier
        verifier.normalizesURIPath = service.wireProtocol != .restXML
        verifier.acceptsStreamingPayloads = service.wireProtocol == .restXML
        verifier.presignsUnsignedPayload = service.wireProtocol == .restXML
        verifier.requiresSignedAmzHeaders = service.wireProtocol == .restXML
        // Bulwark serves every region: a request is scoped to the region it claims, if that is a
        // well-formed region name.
        let region = CredentialScopeHint(request)?.region ?? ""
        let endpoint = SigV4Endpoint(service: service.signingName, regions: Self.isRegionName(region) ? [region] : [])
        let pending: SigV4PendingVerification<KeyOwner>
        do {
            pending = try await verifier.verifyHead(request, for: endpoint, using: lookup)
        } catch let failure as SigV4Failure {
            throw failure.awsError(for: family)
        }
        let presigner = self.presigner(for: request, claims: pending.claims, owner: pending.identity, service: service)
        let conditionKeys =
            service.wireProtocol == .restXML
            ? Self.s3ConditionKeys(of: pending.claims, tlsVersion: request.tlsVersion, isSecure: request.isSecureTransport, now: clock.now())
            : [:]
        let caller: @Sendable (SigV4Verification<KeyOwner>) throws -> AuthenticatedCaller = { verification in
            // Federated user sessions cannot call IAM through the API: IAM does not accept their token.
            if verification.identity.principal.kind == .federatedUser, service.signingName == "iam" {
                throw SigV4Failure.invalidSessionToken.awsError(for: family)
            }
            return AuthenticatedCaller(
                principal: verification.identity.principal,
                accessKeyID: verification.claims.accessKeyID,
                region: verification.claims.scope.region,
                presigner: presigner,
                policies: verification.identity.policies,
                conditionKeys: conditionKeys
            )
        }
        var pendingCaller = PendingCaller { body in
            let verification: SigV4Verification<KeyOwner>
            do throws(SigV4Failure) {
                verification = try pending.complete(body: body)
            } catch {
                throw error.awsError(for: family)
            }
            return try caller(verification)
        }
        if pending.streamingMode != nil {
            let headers = request.headers
            pendingCaller.completeStreaming = {
                let streaming: SigV4StreamingVerification<KeyOwner>
                do throws(SigV4Failure) {
                    streaming = try pending.completeStreaming()
                } catch {
                    throw error.awsError(for: family)
                }
                return (try caller(streaming.verification), try AWSChunkedDecoder(streaming: streaming, headers: headers))
            }
        }
        return pendingCaller
    }

    /// The condition keys S3 sets from the signature of every request (Service Authorization
    /// Reference, Amazon S3): `s3:authType` (`REST-HEADER`, `REST-QUERY-STRING`),
    /// `s3:signatureversion`, `s3:signatureAge` (milliseconds since the signing time),
    /// `s3:x-amz-content-sha256` (a presigned URL's payload is `UNSIGNED-PAYLOAD` unless it names
    /// one) and, over TLS, `s3:TlsVersion` as a number (`1.2`, `1.3`).
    static func s3ConditionKeys(of claims: SigV4Claims, tlsVersion: String?, isSecure: Bool, now: Date) -> [String: AuthorizationCheck.Value] {
        var keys: [String: AuthorizationCheck.Value] = [
            "s3:authType": .single(claims.isPresigned ? "REST-QUERY-STRING" : "REST-HEADER"),
            "s3:signatureversion": .single("AWS4-HMAC-SHA256"),
            "s3:signatureAge": .single(String(max(0, Int((now.timeIntervalSince(claims.date) * 1000).rounded(.down))))),
        ]
        if let hash = claims.contentSHA256 ?? (claims.isPresigned ? SigV4Payload.unsigned.canonicalHash : nil) {
            keys["s3:x-amz-content-sha256"] = .single(hash)
        }
        if isSecure, let tlsVersion, tlsVersion.hasPrefix("TLSv") {
            keys["s3:TlsVersion"] = .single(String(tlsVersion.dropFirst(4)))
        }
        return keys
    }

    /// The shape of the protocol's authentication errors.
    static func family(of service: ServiceModel) -> SigV4Failure.ProtocolFamily {
        switch service.wireProtocol {
        case .restXML: .s3
        case .query: .query
        case .json, .restJSON, .rpcV2CBOR: .json
        }
    }

    /// Presigns URLs to this server with the caller's own credentials and scope.
    private func presigner(for request: WireRequest, claims: SigV4Claims, owner: KeyOwner, service: ServiceModel) -> URLPresigner {
        let host = request.header("Host") ?? "127.0.0.1"
        let scheme = request.isSecureTransport ? "https" : "http"
        let signer = SigV4Signer(
            credentials: SigV4Credentials(
                accessKeyID: claims.accessKeyID,
                secretAccessKey: owner.secretAccessKey,
                sessionToken: owner.sessionToken
            ),
            region: claims.scope.region,
            service: service.signingName
        )
        let clock = self.clock
        return URLPresigner { path, query, expires in
            var target = WireRequest(method: .get, rawPath: path, rawQuery: QueryString.build(query))
            target.headers[.hostHeader] = host
            let presigned = signer.presign(target, at: clock.now(), expires: expires)
            return "\(scheme)://\(host)\(path)?\(presigned.query)"
        }
    }

    /// `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`, ...
    static func isRegionName(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard (3...4).contains(parts.count), parts.allSatisfy({ !$0.isEmpty }),
            parts[0].count == 2, parts.dropLast().allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isLowercase } }),
            let last = parts.last, last.count == 1, last.allSatisfy(\.isNumber)
        else { return false }
        return true
    }
}
