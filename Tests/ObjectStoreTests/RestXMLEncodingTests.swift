import AWSWire
import Foundation
import HTTPTypes
import Testing

@testable import ObjectStore

/// S3's rest-xml answers, shape kind by shape kind, as the codec writes them for the operations served.
@Suite("rest-xml encoding of S3's answers")
struct RestXMLEncodingTests {
    static let namespace = "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\""

    @Test("a structure with a flattened list of structures, strings, integers, booleans, timestamps and a flattened list of enums")
    func listing() async throws {
        let s3 = try S3Harness()
        #expect(await s3.send(.put, "/bkt").status == 200)
        #expect(await s3.send(.put, "/bkt/k1", body: Data("12345".utf8)).status == 200)
        let listed = await s3.send(.get, "/bkt?list-type=2&max-keys=1")
        #expect(listed.status == 200)
        #expect(listed.header("Content-Type") == "application/xml")
        let text = listed.text
        #expect(text.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult \(Self.namespace)>"))
        #expect(text.contains("<Name>bkt</Name>"))
        #expect(text.contains("<Prefix></Prefix>") || text.contains("<Prefix/>"))
        #expect(text.contains("<MaxKeys>1</MaxKeys>"))
        #expect(text.contains("<KeyCount>1</KeyCount>"))
        #expect(text.contains("<IsTruncated>false</IsTruncated>"))
        // Flattened: <Contents> repeats with no wrapper; the enum list inside it is flattened too.
        let contents = try #require(text.range(of: "<Contents>").map { text[$0.lowerBound...] })
        #expect(contents.hasPrefix("<Contents><Key>k1</Key><LastModified>"))
        #expect(text.contains("<ETag>&quot;827ccb0eea8a706c4c34a16891f84e7b&quot;</ETag>"))
        #expect(text.contains("<ChecksumAlgorithm>CRC64NVME</ChecksumAlgorithm><ChecksumType>FULL_OBJECT</ChecksumType>"))
        #expect(text.contains("<Size>5</Size><StorageClass>STANDARD</StorageClass></Contents>"))
        // Timestamps: ISO 8601 in UTC with milliseconds, as S3 writes them.
        let stamp = try #require(text.range(of: "<LastModified>").map { String(text[$0.upperBound...].prefix(24)) })
        #expect(stamp.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"#, options: .regularExpression) != nil, "\(stamp)")
    }

    @Test("XML's special characters are escaped in every element; characters XML 1.0 cannot carry are replaced")
    func escaping() async throws {
        let s3 = try S3Harness()
        _ = await s3.send(.put, "/bkt")
        #expect(await s3.send(.put, "/bkt/a%3C%26%3E%22%27b%0Dc").status == 200)
        let listed = await s3.send(.get, "/bkt?list-type=2&prefix=a%3C")
        #expect(listed.text.contains("<Key>a&lt;&amp;&gt;&quot;&apos;b&#xD;c</Key>"))
        #expect(listed.text.contains("<Prefix>a&lt;</Prefix>"))
        #expect(XMLTree.parse(listed.body)?.children(named: "Contents").first?.children(named: "Key").first?.text == "a<&>\"'b\rc")
        #expect(await s3.send(.put, "/bkt/x%01y").status == 200)
        #expect(await s3.send(.get, "/bkt?list-type=2&prefix=x").text.contains("<Key>x\u{FFFD}y</Key>"))
        // With encoding-type=url the key travels percent-encoded instead.
        #expect(await s3.send(.get, "/bkt?list-type=2&prefix=x&encoding-type=url").text.contains("<Key>x%01y</Key>"))
    }

    @Test("nested (wrapped) lists and structures: ListBuckets")
    func wrappedList() async throws {
        let s3 = try S3Harness()
        _ = await s3.send(.put, "/bkt-b")
        _ = await s3.send(.put, "/bkt-a")
        let text = await s3.send(.get, "/").text
        #expect(text.contains("<ListAllMyBucketsResult \(Self.namespace)><Buckets><Bucket><Name>bkt-a</Name><CreationDate>"))
        #expect(text.contains("</CreationDate><BucketRegion>us-east-1</BucketRegion></Bucket><Bucket><Name>bkt-b</Name>"))
        #expect(text.contains("</Buckets><Owner><ID>"))
    }

    @Test("a document that is one scalar: GetBucketLocation, empty for us-east-1")
    func scalarRoot() async throws {
        let s3 = try S3Harness()
        _ = await s3.send(.put, "/bkt")
        #expect(await s3.send(.get, "/bkt?location").text == "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LocationConstraint \(Self.namespace)/>")
    }

    @Test("headers: strings, integers, timestamps (RFC 7231), a prefixed map; the blob payload as the body")
    func headersAndPayload() async throws {
        let s3 = try S3Harness()
        _ = await s3.send(.put, "/bkt")
        let put = await s3.send(
            .put, "/bkt/k", headers: ["x-amz-meta-Colour": "blue", "Content-Type": "text/plain", "Cache-Control": "max-age=5"],
            body: Data("hello world".utf8))
        #expect(put.header("ETag") == "\"5eb63bbbe01eeed093cb22bb8f5acdc3\"")
        #expect(put.header("x-amz-server-side-encryption") == "AES256")
        #expect(put.header("x-amz-checksum-crc64nvme") != nil)
        #expect(put.header("x-amz-checksum-type") == "FULL_OBJECT")
        #expect(put.body.isEmpty)
        let got = await s3.send(.get, "/bkt/k")
        #expect(got.body == Data("hello world".utf8))
        #expect(got.header("Content-Length") == "11")
        #expect(got.header("x-amz-meta-colour") == "blue")
        #expect(got.header("Content-Type") == "text/plain")
        #expect(got.header("Cache-Control") == "max-age=5")
        #expect(got.header("Accept-Ranges") == "bytes")
        let modified = try #require(got.header("Last-Modified"))
        #expect(modified.range(of: #"^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$"#, options: .regularExpression) != nil)
        // Checksums only when asked for.
        #expect(got.header("x-amz-checksum-crc64nvme") == nil)
        #expect(
            await s3.send(.get, "/bkt/k", headers: ["x-amz-checksum-mode": "ENABLED"]).header("x-amz-checksum-crc64nvme")
                == put.header("x-amz-checksum-crc64nvme"))
        let ranged = await s3.send(.get, "/bkt/k", headers: ["Range": "bytes=6-", "x-amz-checksum-mode": "ENABLED"])
        #expect(ranged.status == 206)
        #expect(ranged.body == Data("world".utf8))
        #expect(ranged.header("Content-Range") == "bytes 6-10/11")
        #expect(ranged.header("x-amz-checksum-crc64nvme") == nil)
        let head = await s3.send(.head, "/bkt/k")
        #expect(head.status == 200 && head.body.isEmpty && head.header("Content-Length") == "11")
    }

    @Test("the error shape: Code, Message, S3's extra members, RequestId, HostId; escaped")
    func errors() async throws {
        let s3 = try S3Harness()
        _ = await s3.send(.put, "/bkt")
        let missing = await s3.send(.get, "/bkt/no%3Csuch")
        #expect(missing.status == 404)
        #expect(missing.header("Content-Type") == "application/xml")
        #expect(missing.header("x-amz-request-id") == "req-1")
        let hostID = try #require(missing.header("x-amz-id-2"))
        #expect(
            missing.text
                == "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>"
                + "<Key>no&lt;such</Key><RequestId>req-1</RequestId><HostId>\(hostID)</HostId></Error>")
        let range = await s3.send(.put, "/bkt/k", body: Data("abc".utf8))
        #expect(range.status == 200)
        let unsatisfiable = await s3.send(.get, "/bkt/k", headers: ["Range": "bytes=10-"])
        #expect(unsatisfiable.status == 416)
        #expect(unsatisfiable.text.contains("<ActualObjectSize>3</ActualObjectSize><RangeRequested>bytes=10-</RangeRequested>"))
        // 304 carries no body.
        let etag = try #require(range.header("ETag"))
        let notModified = await s3.send(.get, "/bkt/k", headers: ["If-None-Match": etag])
        #expect(notModified.status == 304 && notModified.body.isEmpty)
    }
}
