import AWSWire
import BulwarkCore
import Foundation
import Testing

@testable import ObjectStore

/// Bucket notification configurations as S3 checks them, which events reach which function, and the
/// event record's key encoding (decision 0042).
@Suite("Bucket notifications")
struct BucketNotificationTests {
    typealias Destination = BucketNotification.FunctionDestination
    static let arn = "arn:aws:lambda:us-east-1:123456789012:function:f"

    static func entry(_ events: [String], prefix: String? = nil, suffix: String? = nil, id: String? = nil) -> S3API.LambdaFunctionConfiguration {
        let rules =
            (prefix.map { [S3API.FilterRule(name: "prefix", value: $0)] } ?? [])
            + (suffix.map { [S3API.FilterRule(name: "Suffix", value: $0)] } ?? [])
        return S3API.LambdaFunctionConfiguration(
            id: id, lambdaFunctionArn: arn, events: events,
            filter: rules.isEmpty ? nil : S3API.NotificationConfigurationFilter(key: S3API.S3KeyFilter(filterRules: rules)))
    }

    static func parse(_ entries: [S3API.LambdaFunctionConfiguration]) throws -> BucketNotification {
        var counter = 0
        return try BucketNotification.parse(S3API.NotificationConfiguration(lambdaFunctionConfigurations: entries)) {
            counter += 1
            return "id-\(counter)"
        }
    }

    @Test("Events reach the destinations whose types and key filters they pass")
    func matching() throws {
        let notification = try Self.parse([
            Self.entry(["s3:ObjectCreated:*"], prefix: "in/", suffix: ".jpg"), Self.entry(["s3:ObjectRemoved:Delete"], id: "gone"),
        ])
        #expect(notification.functions.map(\.id) == ["id-1", "gone"])
        #expect(notification.destinations(of: "s3:ObjectCreated:Put", key: "in/a.jpg").map(\.id) == ["id-1"])
        #expect(notification.destinations(of: "s3:ObjectCreated:CompleteMultipartUpload", key: "in/b/c.jpg").map(\.id) == ["id-1"])
        #expect(notification.destinations(of: "s3:ObjectCreated:Put", key: "in/a.png").isEmpty)
        #expect(notification.destinations(of: "s3:ObjectCreated:Put", key: "out/a.jpg").isEmpty)
        #expect(notification.destinations(of: "s3:ObjectRemoved:Delete", key: "anything").map(\.id) == ["gone"])
        #expect(notification.destinations(of: "s3:ObjectRemoved:DeleteMarkerCreated", key: "anything").isEmpty)
    }

    @Test(
        "Configurations that one event could reach twice overlap",
        arguments: [
            (["s3:ObjectCreated:*"], nil, nil, ["s3:ObjectCreated:Put"], nil, nil, true),
            (["s3:ObjectCreated:Put"], "a/", nil, ["s3:ObjectCreated:Put"], "a/b/", nil, true),
            (["s3:ObjectCreated:Put"], "a/", nil, ["s3:ObjectCreated:Put"], "b/", nil, false),
            (["s3:ObjectCreated:Put"], nil, ".jpg", ["s3:ObjectCreated:Put"], nil, "x.jpg", true),
            (["s3:ObjectCreated:Put"], nil, ".jpg", ["s3:ObjectCreated:Put"], nil, ".png", false),
            (["s3:ObjectCreated:*"], nil, nil, ["s3:ObjectRemoved:*"], nil, nil, false),
        ] as [([String], String?, String?, [String], String?, String?, Bool)])
    func overlaps(
        _ firstEvents: [String], _ firstPrefix: String?, _ firstSuffix: String?, _ secondEvents: [String], _ secondPrefix: String?,
        _ secondSuffix: String?, _ expected: Bool
    ) {
        let first = Destination(id: "1", functionARN: Self.arn, events: firstEvents, prefix: firstPrefix, suffix: firstSuffix)
        let second = Destination(id: "2", functionARN: Self.arn, events: secondEvents, prefix: secondPrefix, suffix: secondSuffix)
        #expect(first.overlaps(second) == expected)
        #expect(second.overlaps(first) == expected)
    }

    @Test("What S3 refuses in a configuration")
    func refusals() {
        func code(_ entries: [S3API.LambdaFunctionConfiguration]) -> String? {
            do {
                _ = try Self.parse(entries)
                return nil
            } catch {
                return (error as? AWSError).map { "\($0.code): \($0.message)" }
            }
        }
        #expect(
            code([Self.entry(["s3:ObjectCreated:*"]), Self.entry(["s3:ObjectCreated:Copy"])])?.hasPrefix("InvalidArgument: Configurations overlap")
                == true)
        #expect(
            code([Self.entry(["s3:ObjectCreated:*"], id: "x"), Self.entry(["s3:ObjectRemoved:*"], id: "x")])
                == "InvalidArgument: Same ID used for multiple configurations")
        #expect(code([Self.entry([])])?.hasPrefix("MalformedXML") == true)
        let twoPrefixes = S3API.LambdaFunctionConfiguration(
            lambdaFunctionArn: Self.arn, events: ["s3:ObjectCreated:*"],
            filter: S3API.NotificationConfigurationFilter(
                key: S3API.S3KeyFilter(filterRules: [S3API.FilterRule(name: "prefix", value: "a"), S3API.FilterRule(name: "PREFIX", value: "b")])))
        #expect(code([twoPrefixes]) == "InvalidArgument: Cannot specify more than one prefix rule in a filter.")
        #expect(throws: AWSError.self) {
            try BucketNotification.parse(
                S3API.NotificationConfiguration(queueConfigurations: [
                    S3API.QueueConfiguration(queueArn: "arn:aws:sqs:us-east-1:1:q", events: ["s3:ObjectCreated:*"])
                ])
            ) { "id" }
        }
    }

    @Test("Event records write keys form-encoded, keeping slashes")
    func eventKeys() {
        #expect(ObjectStoreService.eventKey("in/my photo(1).jpg") == "in/my+photo%281%29.jpg")
        #expect(ObjectStoreService.eventKey("a-b_c.d*e/f") == "a-b_c.d*e/f")
        #expect(ObjectStoreService.eventKey("é+~") == "%C3%A9%2B%7E")
    }
}
