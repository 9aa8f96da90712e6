/// A CIDR block from an `IpAddress`/`NotIpAddress` condition (`203.0.113.0/24`,
/// `2001:DB8:1234:5678::/64`); an address without a prefix is a single host (`/32`, `/128`).
public struct IPAddressRange: Sendable, Hashable, CustomStringConvertible {
    /// The block's address.
    public let address: IPAddress
    /// The number of leading bits that must match.
    public let prefixLength: Int

    public init?(_ text: String) {
        let pieces = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(String(pieces[0])) else { return nil }
        let maximum = address.isIPv6 ? 128 : 32
        var prefixLength = maximum
        if pieces.count == 2 {
            guard (1...3).contains(pieces[1].count), pieces[1].utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                let value = Int(pieces[1]), value <= maximum
            else { return nil }
            prefixLength = value
        }
        self.address = address
        self.prefixLength = prefixLength
    }

    /// Whether `candidate` lies in the block; an address of the other family never does.
    public func contains(_ candidate: IPAddress) -> Bool {
        guard candidate.bytes.count == address.bytes.count else { return false }
        var remaining = prefixLength
        for index in 0..<address.bytes.count where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if address.bytes[index] & mask != candidate.bytes[index] & mask { return false }
            remaining -= bits
        }
        return true
    }

    public var description: String { "\(address)/\(prefixLength)" }
}
