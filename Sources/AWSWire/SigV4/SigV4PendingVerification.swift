import Foundation
import HTTPTypes

/// A request whose head passed SigV4 verification up to the key (steps 1–15): what remains is step
/// 16, the payload hash and the signature, once the body has been read.
public struct SigV4PendingVerification<Identity: Sendable>: Sendable {
    let head: WireRequest
    public let claims: SigV4Claims
    let uri: String
    let query: [SigV4Canonicalization.QueryParameter]
    let secretAccessKey: String
    /// What the ``SigV4CredentialLookup`` attached to the key; not to be trusted before ``complete(body:)``.
    public let identity: Identity
    let acceptsUnsignedPayload: Bool
    let acceptsStreamingPayloads: Bool
    let presignsUnsignedPayload: Bool

    /// The aws-chunked mode the request announces in `x-amz-content-sha256`, when the verifier
    /// accepts streaming payloads (S3); `nil` otherwise, and then ``completeStreaming()`` refuses.
    public var streamingMode: SigV4StreamingMode? {
        guard acceptsStreamingPayloads, let claimed = claims.contentSHA256 else { return nil }
        return SigV4StreamingMode(rawValue: claimed)
    }

    /// Step 16: the payload hash, then the signature, compared in constant time.
    ///
    /// A `STREAMING-*` payload hash never matches a body here: such a request goes through
    /// ``completeStreaming()``.
    ///
    /// - Throws: ``SigV4Failure/payloadHashMismatch`` or ``SigV4Failure/signatureMismatch``.
    public func complete(body: Data) throws(SigV4Failure) -> SigV4Verification<Identity> {
        let payloadHash = try payloadHash(claimed: claims.contentSHA256, body: body)
        return try verifySignature(payloadHash: payloadHash).verification
    }

    /// Step 16 for an aws-chunked body, before any of it is read: the seed signature over the
    /// canonical request whose payload hash is the streaming mode's name. The chunks (and trailer)
    /// are checked as they arrive, by an ``AWSChunkedDecoder`` built from the result.
    ///
    /// - Throws: ``SigV4Failure/payloadHashMismatch`` when the request announces no streaming mode or
    ///   the verifier does not accept streaming payloads; ``SigV4Failure/signatureMismatch``.
    public func completeStreaming() throws(SigV4Failure) -> SigV4StreamingVerification<Identity> {
        guard let mode = streamingMode else { throw .payloadHashMismatch }
        let (verification, seedSignature) = try verifySignature(payloadHash: mode.rawValue)
        let chain =
            mode.chunksAreSigned
            ? SigV4ChunkSignatureChain(
                secretAccessKey: secretAccessKey, scope: claims.scope, amzDate: claims.amzDate, seedSignature: seedSignature)
            : nil
        return SigV4StreamingVerification(verification: verification, mode: mode, chunkSignatures: chain)
    }

    /// The canonical request with `payloadHash`, and its signature checked; returns the signature as
    /// computed (lowercase hex).
    private func verifySignature(payloadHash: String) throws(SigV4Failure) -> (verification: SigV4Verification<Identity>, signature: String) {
        let canonical = SigV4CanonicalRequest(
            method: head.method.rawValue,
            uri: uri,
            query: SigV4Canonicalization.query(query, excluding: claims.isPresigned ? "X-Amz-Signature" : nil),
            // Every signed header was found present in step 8.
            headers: SigV4Canonicalization.headers(head.headers, names: claims.signedHeaders) ?? "",
            signedHeaders: claims.signedHeaders.joined(separator: ";"),
            payloadHash: payloadHash
        )
        let stringToSign = canonical.stringToSign(amzDate: claims.amzDate, scope: claims.scope)
        let expected = SigV4Crypto.signature(stringToSign: stringToSign, secretAccessKey: secretAccessKey, scope: claims.scope)
        guard SigV4Crypto.constantTimeEquals(expected, claims.signature) else { throw .signatureMismatch }
        let verification = SigV4Verification(
            claims: claims,
            identity: identity,
            canonicalRequest: canonical,
            stringToSign: stringToSign,
            isPayloadSigned: payloadHash != SigV4Crypto.unsignedPayload && payloadHash != SigV4StreamingMode.unsignedWithTrailer.rawValue
        )
        return (verification, expected)
    }
    /// The hash that goes into the canonical request: the claimed `x-amz-content-sha256` when there is
    /// one, which must then be `UNSIGNED-PAYLOAD` or the hash of the body that arrived.
    private func payloadHash(claimed: String?, body: Data) throws(SigV4Failure) -> String {
        guard let claimed else {
            return claims.isPresigned && presignsUnsignedPayload ? SigV4Crypto.unsignedPayload : SigV4Crypto.sha256Hex(body)
        }
        let bodyHash = SigV4Crypto.sha256Hex(body)
        if claimed == SigV4Crypto.unsignedPayload && acceptsUnsignedPayload { return claimed }
        guard claimed.lowercased() == bodyHash else { throw .payloadHashMismatch }
        return claimed
    }
}
