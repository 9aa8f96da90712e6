import BulwarkCore
import Crypto
import Foundation

/// A `Content-MD5` header: the base64 of the MD5 of the body, checked once the body has arrived.
public struct ContentMD5: Sendable, Hashable {
    /// The header's value as sent.
    public var value: String
    /// The 16 bytes it claims.
    public var digest: [UInt8]

    /// Parses the header's value.
    ///
    /// - Throws: `InvalidDigest` "The Content-MD5 you specified was invalid." when it is not the base64
    ///   of 16 bytes.
    public init(headerValue: String) throws(AWSError) {
        guard let data = Data(base64Encoded: headerValue), data.count == Insecure.MD5.byteCount else {
            throw .invalidContentMD5(headerValue)
        }
        self.value = headerValue
        self.digest = Array(data)
    }

    /// Checks the MD5 computed over the body that arrived.
    ///
    /// - Throws: `BadDigest` "The Content-MD5 you specified did not match what we received."
    public func verify(computed: some Sequence<UInt8>) throws(AWSError) {
        let computed = Array(computed)
        guard computed == digest else {
            throw .contentMD5Mismatch(expected: value, calculated: Data(computed).base64EncodedString())
        }
    }

    /// Checks `body` in one call.
    public func verify(body: some DataProtocol) throws(AWSError) {
        try verify(computed: Insecure.MD5.hash(data: body))
    }
}
