import Crypto
import Foundation

/// The chained signatures of an aws-chunked body: each chunk's signature covers its data and the
/// previous signature, starting from the request's (seed) signature, so chunks can be neither
/// changed, dropped nor reordered.
///
/// String to sign of a chunk (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD`):
/// `AWS4-HMAC-SHA256-PAYLOAD\n<amzDate>\n<scope>\n<previous signature>\n<sha256("")>\n<sha256(data)>`;
/// of the trailer: `AWS4-HMAC-SHA256-TRAILER\n<amzDate>\n<scope>\n<previous signature>\n<sha256(trailer)>`
/// where the trailer is `name:value\n` for each trailing header, sorted by name.
public struct SigV4ChunkSignatureChain: Sendable {
    static let chunkAlgorithm = "AWS4-HMAC-SHA256-PAYLOAD"
    static let trailerAlgorithm = "AWS4-HMAC-SHA256-TRAILER"
    static let emptySHA256 = SigV4Crypto.sha256Hex(Data())

    private let signingKey: SymmetricKey
    /// The request time as it entered the seed signature (`20130524T000000Z`).
    public let amzDate: String
    public let scope: SigV4CredentialScope
    /// The signature the next chunk's signature chains from: the seed signature at first.
    public private(set) var previousSignature: String

    /// The chain of a request signed with `secretAccessKey` for `scope` at `amzDate`, whose
    /// `Authorization` signature is `seedSignature`.
    public init(secretAccessKey: String, scope: SigV4CredentialScope, amzDate: String, seedSignature: String) {
        self.signingKey = SigV4Crypto.signingKey(secretAccessKey: secretAccessKey, scope: scope)
        self.amzDate = amzDate
        self.scope = scope
        self.previousSignature = seedSignature
    }

    /// The signature of the next chunk, whose data has the SHA-256 `dataSHA256` (lowercase hex).
    public func chunkSignature(dataSHA256: String) -> String {
        sign("\(Self.chunkAlgorithm)\n\(amzDate)\n\(scope)\n\(previousSignature)\n\(Self.emptySHA256)\n\(dataSHA256)")
    }

    /// The signature of the trailer `canonicalTrailer` (`name:value\n` lines, sorted), after the last chunk.
    public func trailerSignature(canonicalTrailer: String) -> String {
        sign("\(Self.trailerAlgorithm)\n\(amzDate)\n\(scope)\n\(previousSignature)\n\(SigV4Crypto.sha256Hex(canonicalTrailer))")
    }

    /// Moves the chain past a chunk whose signature is `signature`.
    public mutating func advance(to signature: String) {
        previousSignature = signature
    }

    /// Checks `claimed` against the next chunk's signature in constant time and, when it matches,
    /// moves the chain past it.
    public mutating func verifyChunk(dataSHA256: String, claimed: String) -> Bool {
        let expected = chunkSignature(dataSHA256: dataSHA256)
        guard SigV4Crypto.constantTimeEquals(expected, claimed) else { return false }
        previousSignature = expected
        return true
    }

    /// Checks the trailer's signature in constant time.
    public func verifyTrailer(canonicalTrailer: String, claimed: String) -> Bool {
        SigV4Crypto.constantTimeEquals(trailerSignature(canonicalTrailer: canonicalTrailer), claimed)
    }

    private func sign(_ stringToSign: String) -> String {
        SigV4Crypto.hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: signingKey))
    }
}
