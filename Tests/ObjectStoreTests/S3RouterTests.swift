import AWSWire
import Foundation
import HTTPTypes
import Testing

@testable import ObjectStore

@Suite("S3 addressing and operation routing")
struct S3RouterTests {
    static let router = S3Router(baseDomain: "s3.localhost")

    static func request(
        _ method: HTTPRequest.Method, _ target: String, host: String = "127.0.0.1:4566", headers: [String: String] = [:]
    ) -> WireRequest {
        var request = WireRequest(method: method, target: target)
        request.headers[.hostHeader] = host
        for (name, value) in headers { request.headers[HTTPField.Name(name)!] = value }
        return request
    }

    @Test(
        "path style: /<bucket>/<key>, the key exactly as sent (decoded once)",
        arguments: [
            ("/", nil, nil),
            ("/bucket", "bucket", nil),
            ("/bucket/", "bucket", nil),
            ("/bucket/key", "bucket", "key"),
            ("/bucket/dir/", "bucket", "dir/"),
            ("/bucket/a//b", "bucket", "a//b"),
            ("/bucket/./dot", "bucket", "./dot"),
            ("/bucket/sp%20ace%2Bplus+", "bucket", "sp ace+plus+"),
            ("/bucket/%C3%BC", "bucket", "ü"),
        ] as [(String, String?, String?)]
    )
    func pathStyle(path: String, bucket: String?, key: String?) throws {
        let address = try #require(Self.router.address(Self.request(.get, path)))
        #expect(address.bucket == bucket)
        #expect(address.key == key)
    }

    @Test(
        "virtual-hosted style: the bucket is the host's labels before the base domain, with or without a port",
        arguments: [
            ("photos.s3.localhost:4566", "/", "photos", nil),
            ("photos.s3.localhost", "/a/b", "photos", "a/b"),
            ("PHOTOS.S3.LOCALHOST:4566", "/k", "photos", "k"),
            ("my.dotted.bucket.s3.localhost", "/k", "my.dotted.bucket", "k"),
            ("s3.localhost:4566", "/bucket/k", "bucket", "k"),
            ("other.example:4566", "/bucket/k", "bucket", "k"),
            ("evils3.localhost", "/bucket/k", "bucket", "k"),
        ] as [(String, String, String?, String?)]
    )
    func virtualHosted(host: String, path: String, bucket: String?, key: String?) throws {
        let address = try #require(Self.router.address(Self.request(.get, path, host: host)))
        #expect(address.bucket == bucket)
        #expect(address.key == key)
    }

    @Test("a request is recognised as S3 by a host under the base domain only")
    func recognizes() {
        #expect(Self.router.recognizes(Self.request(.get, "/", host: "s3.localhost:4566")))
        #expect(Self.router.recognizes(Self.request(.get, "/", host: "b.s3.localhost")))
        #expect(!Self.router.recognizes(Self.request(.get, "/", host: "evils3.localhost")))
        #expect(!Self.router.recognizes(Self.request(.get, "/", host: "127.0.0.1:4566")))
    }

    @Test(
        "operations sharing a method and path are told apart by subresources, parameters and headers",
        arguments: [
            (HTTPRequest.Method.get, "/", [:], "ListBuckets"),
            (.put, "/b", [:], "CreateBucket"),
            (.delete, "/b", [:], "DeleteBucket"),
            (.head, "/b", [:], "HeadBucket"),
            (.get, "/b", [:], "ListObjects"),
            (.get, "/b?list-type=2", [:], "ListObjectsV2"),
            (.get, "/b?list-type=2&prefix=a%2F&delimiter=%2F", [:], "ListObjectsV2"),
            (.get, "/b?location", [:], "GetBucketLocation"),
            (.get, "/b?versioning", [:], "GetBucketVersioning"),
            (.get, "/b?lifecycle", [:], "GetBucketLifecycleConfiguration"),
            (.get, "/b?acl", [:], "GetBucketAcl"),
            (.get, "/b?versions", [:], "ListObjectVersions"),
            (.get, "/b?uploads", [:], "ListMultipartUploads"),
            (.get, "/b?analytics&id=x", [:], "GetBucketAnalyticsConfiguration"),
            (.get, "/b?analytics", [:], "ListBucketAnalyticsConfigurations"),
            (.post, "/b?delete", [:], "DeleteObjects"),
            (.put, "/b/k", [:], "PutObject"),
            (.put, "/b/k", ["x-amz-copy-source": "/b/src"], "CopyObject"),
            (.put, "/b/k?partNumber=1&uploadId=u", [:], "UploadPart"),
            (.put, "/b/k?partNumber=1&uploadId=u", ["x-amz-copy-source": "/b/src"], "UploadPartCopy"),
            (.get, "/b/k", [:], "GetObject"),
            (.get, "/b/k?acl", [:], "GetObjectAcl"),
            (.get, "/b/k?tagging", [:], "GetObjectTagging"),
            (.get, "/b/k?uploadId=u", [:], "ListParts"),
            (.head, "/b/k", [:], "HeadObject"),
            (.delete, "/b/k", [:], "DeleteObject"),
            (.delete, "/b/k?uploadId=u", [:], "AbortMultipartUpload"),
            (.post, "/b/k?uploads", [:], "CreateMultipartUpload"),
            (.post, "/b/k?uploadId=u", [:], "CompleteMultipartUpload"),
        ] as [(HTTPRequest.Method, String, [String: String], String)]
    )
    func operation(method: HTTPRequest.Method, target: String, headers: [String: String], expected: String) throws {
        let match = try #require(Self.router.match(Self.request(method, target, headers: headers), model: .s3))
        #expect(match.operation.name == expected)
    }

    @Test("the same operations, virtual-hosted: the bucket comes from the host")
    func virtualHostedOperations() throws {
        let list = try #require(Self.router.match(Self.request(.get, "/?list-type=2", host: "b.s3.localhost:4566"), model: .s3))
        #expect(list.operation.name == "ListObjectsV2")
        #expect(list.labels == ["Bucket": "b"])
        let get = try #require(Self.router.match(Self.request(.get, "/dir/k%20ey", host: "b.s3.localhost:4566"), model: .s3))
        #expect(get.operation.name == "GetObject")
        #expect(get.labels == ["Bucket": "b", "Key": "dir/k ey"])
    }

    @Test("a request no operation binds is not routed")
    func unrouted() {
        #expect(Self.router.match(Self.request(.post, "/"), model: .s3) == nil)
        #expect(Self.router.match(Self.request(.patch, "/b/k"), model: .s3) == nil)
        #expect(Self.router.address(Self.request(.get, "*")) == nil)
    }
}
