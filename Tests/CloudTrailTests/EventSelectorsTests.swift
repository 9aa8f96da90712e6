import BulwarkCore
import Foundation
import Testing

@testable import CloudTrail

@Suite struct EventSelectorsTests {
    func event(readOnly: Bool, management: Bool, source: String = "iam.amazonaws.com", resources: [IndexedEvent.Resource] = []) -> IndexedEvent {
        IndexedEvent(
            accountID: "123456789012", region: "us-east-1", eventTime: 0, eventID: "e", eventName: "N", eventSource: source, readOnly: readOnly,
            managementEvent: management, username: nil, accessKeyID: nil, resources: resources, record: "{}")
    }

    @Test func theDefaultSelectsEveryManagementEventAndNoDataEvent() {
        #expect(EventSelectors.default.selects(event(readOnly: true, management: true)))
        #expect(EventSelectors.default.selects(event(readOnly: false, management: true)))
        let object = IndexedEvent.Resource(type: "AWS::S3::Object", name: "b/k", arn: "arn:aws:s3:::b/k")
        #expect(!EventSelectors.default.selects(event(readOnly: true, management: false, resources: [object])))
    }

    @Test func dataResourcesSelectByPrefixAndFunctionARN() {
        let selectors = EventSelectors(selectors: [
            .init(
                readWriteType: "WriteOnly", includeManagementEvents: false,
                dataResources: [
                    .init(type: "AWS::S3::Object", values: ["arn:aws:s3:::logs/app/"]),
                    .init(type: "AWS::Lambda::Function", values: ["arn:aws:lambda:us-east-1:123456789012:function:hello"]),
                ])
        ])
        let inPrefix = IndexedEvent.Resource(type: "AWS::S3::Object", name: "", arn: "arn:aws:s3:::logs/app/x")
        let outside = IndexedEvent.Resource(type: "AWS::S3::Object", name: "", arn: "arn:aws:s3:::logs/other")
        let function = IndexedEvent.Resource(type: "AWS::Lambda::Function", name: "", arn: "arn:aws:lambda:us-east-1:123456789012:function:hello")
        let other = IndexedEvent.Resource(type: "AWS::Lambda::Function", name: "", arn: "arn:aws:lambda:us-east-1:123456789012:function:hello2")
        #expect(selectors.selects(event(readOnly: false, management: false, resources: [inPrefix])))
        #expect(!selectors.selects(event(readOnly: true, management: false, resources: [inPrefix])))
        #expect(!selectors.selects(event(readOnly: false, management: false, resources: [outside])))
        #expect(selectors.selects(event(readOnly: false, management: false, resources: [function])))
        #expect(!selectors.selects(event(readOnly: false, management: false, resources: [other])))
        #expect(!selectors.selects(event(readOnly: false, management: true)))
    }

    @Test func excludedSourcesAreNotSelected() {
        let selectors = EventSelectors(selectors: [.init(excludeManagementEventSources: ["kms.amazonaws.com"])])
        #expect(!selectors.selects(event(readOnly: false, management: true, source: "kms.amazonaws.com")))
        #expect(selectors.selects(event(readOnly: false, management: true)))
    }

    @Test func storedSelectorsRoundTrip() {
        let selectors = EventSelectors(selectors: [.init(readWriteType: "ReadOnly")])
        #expect(EventSelectors(stored: selectors.stored) == selectors)
        #expect(EventSelectors(stored: nil) == .default)
    }

    @Test(arguments: [
        ("AWS::DynamoDB::Table", "arn:aws:dynamodb"),
        ("AWS::S3::Object", "arn:aws:s3:::bucket"),
        ("AWS::Lambda::Function", "arn:aws:lambda:us-east-1:123:function:f"),
    ])
    func refusesWhatAWSRefuses(_ type: String, _ value: String) {
        #expect {
            try EventSelectors.validate([.init(dataResources: [.init(type: type, values: [value])])])
        } throws: { ($0 as? AWSError)?.code == "InvalidEventSelectorsException" }
    }
}
