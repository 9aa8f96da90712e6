import AWSWire
import BulwarkCore
import Crypto
import Foundation
import Testing

@testable import ObjectStore

/// How parts become an object: which parts a completion names, the ETag and the composite checksum
/// S3 gives the result, and the copy source of UploadPartCopy.
@Suite("Multipart assembly")
struct MultipartAssemblyTests {
    static func part(_ number: Int, _ body: Data, checksum: ChecksumAlgorithm? = nil) -> PartRecord {
        PartRecord(
            uploadID: "u", partNumber: number, objectID: UUID().uuidString.lowercased(), size: Int64(body.count),
            etag: "\"" + MultipartAssembly.hex(Insecure.MD5.hash(data: body)) + "\"", lastModified: Date(),
            checksums: checksum.map { [$0.rawValue: ChecksumHasher.checksum($0, of: body).base64] } ?? [:], wrappedKey: Data())
    }

    static let big = Data(repeating: 7, count: Int(MultipartAssembly.minPartSize))

    @Test("the ETag is the MD5 of the parts' binary MD5s, then the number of parts")
    func etag() {
        // `printf 'a' | md5sum` and `printf 'b' | md5sum`; the result is S3's for two parts "a" and "b".
        let etags = ["\"0cc175b9c0f1b6a831c399e269772661\"", "\"92eb5ffee6ae2fec3ad71c777531578f\""]
        var digests = Data()
        for text in ["a", "b"] { digests.append(contentsOf: Insecure.MD5.hash(data: Data(text.utf8))) }
        let expected = "\"" + MultipartAssembly.hex(Insecure.MD5.hash(data: digests)) + "-2\""
        #expect(MultipartAssembly.etag(ofPartETags: etags) == expected)
        // Python: hashlib.md5(hashlib.md5(b"a").digest() + hashlib.md5(b"b").digest()).hexdigest()
        #expect(expected == "\"96e024ba2074fe77e8e965ba43a704be-2\"")
        #expect(MultipartAssembly.etag(ofPartETags: [etags[0]]).hasSuffix("-1\""))
    }

    @Test(
        "a composite checksum is the algorithm over the parts' digests, then the number of parts",
        arguments: [ChecksumAlgorithm.crc32, .crc32c, .sha1, .sha256])
    func composite(algorithm: ChecksumAlgorithm) {
        let bodies = [Data("first part".utf8), Data("second".utf8), Data("3".utf8)]
        let parts = bodies.map { ChecksumHasher.checksum(algorithm, of: $0) }
        let joined = parts.flatMap(\.digest)
        let expected = ChecksumHasher.checksum(algorithm, of: joined).base64 + "-3"
        #expect(MultipartAssembly.compositeChecksum(algorithm, ofPartChecksums: parts) == expected)
        // Not the checksum of the whole body.
        #expect(!expected.hasPrefix(ChecksumHasher.checksum(algorithm, of: bodies.reduce(Data(), +)).base64))
    }

    @Test("the CRC32 composite of two known parts")
    func knownCRC32Composite() {
        // CRC32("a") = e8b7be43, CRC32("b") = 71beeff9; CRC32 of those 8 bytes, base64, "-2".
        let parts = ["a", "b"].map { ChecksumHasher.checksum(.crc32, of: Data($0.utf8)) }
        #expect(parts.map { MultipartAssembly.hex($0.digest) } == ["e8b7be43", "71beeff9"])
        let joined: [UInt8] = [0xe8, 0xb7, 0xbe, 0x43, 0x71, 0xbe, 0xef, 0xf9]
        #expect(MultipartAssembly.compositeChecksum(.crc32, ofPartChecksums: parts) == ChecksumHasher.checksum(.crc32, of: joined).base64 + "-2")
        // Python: base64.b64encode(struct.pack(">I", zlib.crc32(joined)))
        #expect(MultipartAssembly.compositeChecksum(.crc32, ofPartChecksums: parts) == "7pJxdw==-2")
    }

    @Test("a completion picks the named parts in order, skipping others")
    func select() throws {
        let uploaded = [Self.part(1, Self.big), Self.part(2, Data("unused".utf8)), Self.part(3, Data("last".utf8))]
        let named = [uploaded[0], uploaded[2]].map { MultipartAssembly.Named(partNumber: $0.partNumber, etag: $0.etag) }
        #expect(try MultipartAssembly.select(named, from: uploaded, uploadID: "u") == [uploaded[0], uploaded[2]])
        // ETags match with or without their quotes.
        let unquoted = named.map { MultipartAssembly.Named(partNumber: $0.partNumber, etag: MultipartAssembly.unquoted($0.etag)) }
        #expect(try MultipartAssembly.select(unquoted, from: uploaded, uploadID: "u").count == 2)
    }

    static func code(_ call: () throws -> Any) -> String? {
        do {
            _ = try call()
            return nil
        } catch let error as AWSError {
            return error.code
        } catch {
            return "\(error)"
        }
    }

    @Test("refusals: order, unknown part, other ETag, other checksum, a small part before the last")
    func refusals() {
        let uploaded = [
            Self.part(1, Data("small".utf8), checksum: .crc32), Self.part(2, Self.big, checksum: .crc32),
            Self.part(3, Data("x".utf8), checksum: .crc32),
        ]
        let named = uploaded.map { MultipartAssembly.Named(partNumber: $0.partNumber, etag: $0.etag) }
        let select = { (list: [MultipartAssembly.Named]) in { try MultipartAssembly.select(list, from: uploaded, uploadID: "u") } }
        #expect(Self.code(select([named[1], named[0]])) == "InvalidPartOrder")
        #expect(Self.code(select([named[1], named[1]])) == "InvalidPartOrder")
        #expect(Self.code(select([.init(partNumber: 4, etag: named[0].etag)])) == "InvalidPart")
        #expect(Self.code(select([.init(partNumber: 1, etag: named[2].etag)])) == "InvalidPart")
        let wrongChecksum = MultipartAssembly.Named(
            partNumber: 3, etag: named[2].etag, checksum: ChecksumHasher.checksum(.crc32, of: Data("y".utf8)))
        #expect(Self.code(select([named[1], wrongChecksum])) == "InvalidPart")
        #expect(Self.code(select([named[0], named[1]])) == "EntityTooSmall")
        // The last part may be small; a small first part alone is the whole object.
        #expect(Self.code(select([named[1], named[2]])) == nil)
        #expect(Self.code(select([named[0]])) == nil)
    }

    @Test(
        "checksum types by algorithm, as S3 allows them",
        arguments: [
            (ChecksumAlgorithm.crc32, nil, "COMPOSITE"), (.crc32, "FULL_OBJECT", "FULL_OBJECT"), (.crc32c, "COMPOSITE", "COMPOSITE"),
            (.crc64nvme, nil, "FULL_OBJECT"), (.crc64nvme, "COMPOSITE", nil), (.sha1, nil, "COMPOSITE"), (.sha256, "FULL_OBJECT", nil),
        ] as [(ChecksumAlgorithm, String?, String?)])
    func checksumTypes(algorithm: ChecksumAlgorithm, requested: String?, expected: String?) {
        #expect((try? MultipartAssembly.checksumType(requested, algorithm: algorithm)) == expected)
    }

    @Test("copy sources: bucket and url-encoded key, with or without a leading slash and a version")
    func copySources() throws {
        let plain = try CopySource("bkt/dir/a%20key%3F")
        #expect([plain.bucket, plain.key] == ["bkt", "dir/a key?"] && plain.versionID == nil)
        let slashed = try CopySource("/bkt/k?versionId=v%2B1")
        #expect([slashed.bucket, slashed.key, slashed.versionID] == ["bkt", "k", "v+1"])
        for bad in ["bkt", "bkt/", "/k", "bkt/k?other=1"] {
            #expect(Self.code { try CopySource(bad) } == "InvalidArgument", "\(bad)")
        }
    }

    @Test("copy source ranges: bytes=first-last within the object")
    func copyRanges() throws {
        #expect(try CopySource.range(nil, size: 10) == nil)
        #expect(try CopySource.range("bytes=0-9", size: 10).map { [$0.lower, $0.upper] } == [0, 9])
        #expect(try CopySource.range("bytes=3-3", size: 10).map { [$0.lower, $0.upper] } == [3, 3])
        for bad in ["bytes=0-10", "bytes=5-4", "bytes=-4", "bytes=4-", "0-4", "bytes=a-b", "bytes=1-2,4-5"] {
            #expect(Self.code { try CopySource.range(bad, size: 10) as Any } == "InvalidArgument", "\(bad)")
        }
    }
}
