import Testing

@testable import ObjectStore

@Suite("Bucket naming rules (Amazon S3 User Guide, general purpose buckets)")
struct BucketNameTests {
    @Test(
        "valid names",
        arguments: ["abc", "my-bucket", "my.bucket.name", "a1b2c3", "1bucket", String(repeating: "a", count: 63), "192.168.1.1a", "xn-single"])
    func valid(name: String) {
        #expect(BucketName.isValid(name))
    }

    @Test(
        "invalid names, each for one rule",
        arguments: [
            ("ab", "shorter than 3"),
            (String(repeating: "a", count: 64), "longer than 63"),
            ("Upper", "uppercase"),
            ("under_score", "underscore"),
            ("-start", "hyphen first"),
            ("end-", "hyphen last"),
            (".start", "dot first"),
            ("end.", "dot last"),
            ("a..b", "adjacent dots"),
            ("192.168.1.1", "IPv4 address"),
            ("xn--punycode", "reserved prefix xn--"),
            ("sthree-bucket", "reserved prefix sthree-"),
            ("amzn-s3-demo-bucket", "reserved prefix amzn-s3-demo-"),
            ("bucket-s3alias", "reserved suffix -s3alias"),
            ("bucket--ol-s3", "reserved suffix --ol-s3"),
            ("bucket.mrap", "reserved suffix .mrap"),
            ("bucket--x-s3", "reserved suffix --x-s3"),
            ("bucket--table-s3", "reserved suffix --table-s3"),
            ("spa ce", "space"),
            ("ünicode", "non-ASCII"),
        ]
    )
    func invalid(name: String, rule: String) {
        #expect(!BucketName.isValid(name), "\(rule)")
    }
}
