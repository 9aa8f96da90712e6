/// A request that passed SigV4 verification, and who signed it.
public struct SigV4Verification<Identity: Sendable>: Sendable {
    public var claims: SigV4Claims
    /// What the ``SigV4CredentialLookup`` attached to the access key.
    public var identity: Identity
    /// The canonical request the signature was checked against.
    public var canonicalRequest: SigV4CanonicalRequest
    public var stringToSign: String
    /// `false` when the request said `UNSIGNED-PAYLOAD`: the body is then not covered by the signature,
    /// which only TLS makes acceptable.
    public var isPayloadSigned: Bool

    public init(
        claims: SigV4Claims,
        identity: Identity,
        canonicalRequest: SigV4CanonicalRequest,
        stringToSign: String,
        isPayloadSigned: Bool
    ) {
        self.claims = claims
        self.identity = identity
        self.canonicalRequest = canonicalRequest
        self.stringToSign = stringToSign
        self.isPayloadSigned = isPayloadSigned
    }
}
