import BulwarkCore
import Foundation
import Testing
import ZIPFoundation

@testable import CloudTrail

@Suite struct DeliveryLayoutTests {
    @Test func gzipIsReadByAnIndependentInflater() throws {
        let body = Data(String(repeating: "{\"Records\":[]} ", count: 500).utf8)
        let compressed = try Gzip.compress(body)
        #expect(compressed.prefix(3) == Data([0x1F, 0x8B, 0x08]))
        // The deflate stream between the 10-byte header and the 8-byte trailer inflates back.
        var inflated = Data()
        let deflated = compressed.dropFirst(10).dropLast(8)
        let crc = try Data.decompress(
            size: Int64(deflated.count), bufferSize: 4096, skipCRC32: false,
            provider: { position, size in Data(deflated.dropFirst(Int(position)).prefix(size)) }, consumer: { inflated.append($0) })
        #expect(inflated == body)
        let trailer = [UInt8](compressed.suffix(8))
        #expect(UInt32(trailer[0]) | UInt32(trailer[1]) << 8 | UInt32(trailer[2]) << 16 | UInt32(trailer[3]) << 24 == crc)
        #expect(Int(trailer[4]) | Int(trailer[5]) << 8 | Int(trailer[6]) << 16 | Int(trailer[7]) << 24 == body.count)
    }

    @Test(arguments: [
        ("arn:aws:iam::123456789012:role/path/deploy", "deploy"),
        ("arn:aws:lambda:us-east-1:123456789012:function:hello:3", "hello"),
        ("arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/x:log-stream:", "/aws/lambda/x"),
        ("arn:aws:s3:::bucket", "bucket"),
        ("arn:aws:kms:us-east-1:123456789012:key/1234abcd", "1234abcd"),
    ])
    func resourceNamesAreWhatLookupEventsShows(_ arn: String, _ name: String) {
        #expect(IndexedEvent.resourceName(arn) == name)
    }

    @Test func publishedRecordsLeaveOutTheOperatorsFacts() throws {
        let line = Data(
            #"{"additionalEventData":{"authorization":"policy p denied","reason":"r","refusedChecks":[]},"eventName":"GetUser","requestParameters":{"path":"/a/b"}}"#
                .utf8)
        #expect(IndexedEvent.published(line) == #"{"eventName":"GetUser","requestParameters":{"path":"/a/b"}}"#)
        let other = Data(#"{"additionalEventData":{"bytesTransferredIn":3,"reason":"r"},"eventName":"PutObject"}"#.utf8)
        #expect(IndexedEvent.published(other) == #"{"additionalEventData":{"bytesTransferredIn":3},"eventName":"PutObject"}"#)
    }
}
