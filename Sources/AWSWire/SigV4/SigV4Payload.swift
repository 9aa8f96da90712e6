import Foundation

/// What a signature says about the body.
public enum SigV4Payload: Sendable, Hashable {
    /// The SHA-256 of these bytes.
    case body(Data)
    /// A SHA-256 computed beforehand, as lowercase hex.
    case sha256(String)
    /// `UNSIGNED-PAYLOAD`: the body is not covered by the signature.
    case unsigned
    /// An aws-chunked body (S3): the signature covers the mode's name; the chunks carry their own
    /// signatures (or, unsigned, a trailing checksum).
    case streaming(SigV4StreamingMode)

    /// The value that goes into the canonical request (and `x-amz-content-sha256`).
    public var canonicalHash: String {
        switch self {
        case .body(let data): SigV4Crypto.sha256Hex(data)
        case .sha256(let hash): hash
        case .unsigned: SigV4Crypto.unsignedPayload
        case .streaming(let mode): mode.rawValue
        }
    }
}
