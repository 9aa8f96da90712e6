/// A request with an aws-chunked body whose seed signature has been verified: what the decoder
/// needs to check the rest as it arrives.
public struct SigV4StreamingVerification<Identity: Sendable>: Sendable {
    /// The verification of the request's head (its canonical request hashes ``mode``'s value as payload).
    public var verification: SigV4Verification<Identity>
    public var mode: SigV4StreamingMode
    /// The signing key, scope, time and seed signature the chunk signatures chain from; `nil` for
    /// ``SigV4StreamingMode/unsignedWithTrailer``.
    public var chunkSignatures: SigV4ChunkSignatureChain?

    public init(verification: SigV4Verification<Identity>, mode: SigV4StreamingMode, chunkSignatures: SigV4ChunkSignatureChain?) {
        self.verification = verification
        self.mode = mode
        self.chunkSignatures = chunkSignatures
    }
}
