/// S3's naming rules for general purpose buckets ("Bucket naming rules", Amazon S3 User Guide).
enum BucketName {
    /// Whether `name` is a valid bucket name: 3 to 63 characters of lowercase letters, digits, dots
    /// and hyphens; a letter or digit first and last; no two adjacent dots; not an IP address; none of
    /// the prefixes and suffixes AWS reserves.
    static func isValid(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (3...63).contains(bytes.count) else { return false }
        func isLetterOrDigit(_ byte: UInt8) -> Bool { (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) }
        guard bytes.allSatisfy({ isLetterOrDigit($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }),
            isLetterOrDigit(bytes[0]), isLetterOrDigit(bytes[bytes.count - 1]), !name.contains("..")
        else { return false }
        if isIPv4Address(name) { return false }
        let reservedPrefixes = ["xn--", "sthree-", "amzn-s3-demo-"]
        let reservedSuffixes = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"]
        return !reservedPrefixes.contains(where: name.hasPrefix) && !reservedSuffixes.contains(where: name.hasSuffix)
    }

    private static func isIPv4Address(_ name: String) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isNumber) && Int(part)! <= 255 }
    }
}
