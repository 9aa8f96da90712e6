import AWSWire
import BulwarkCore
import Foundation
import Testing

/// The inputs the operation-table walk makes from a model: they satisfy its constraints, and an
/// operation whose required member nothing fits fails loudly instead of being skipped.
@Suite("Inputs synthesized from a model")
struct InputSynthesizerTests {
    static let model = ServiceModel(
        name: "test", serviceID: "Test", apiVersion: "2020-01-01", wireProtocol: .restJSON, signingName: "test", endpointPrefix: "test",
        operations: [
            OperationModel(name: "Count", httpMethod: "POST", requestURI: "/count", input: "CountRequest"),
            OperationModel(name: "Hash", httpMethod: "POST", requestURI: "/hash", input: "HashRequest"),
        ],
        shapes: [
            Shape(
                name: "CountRequest", kind: .structure,
                members: [
                    .init(name: "Label", shape: "Label"), .init(name: "Times", shape: "Times"), .init(name: "Color", shape: "Color"),
                    .init(name: "Note", shape: "Label"), .init(name: "Digest", shape: "Digest"),
                ],
                required: ["Label", "Times", "Color"]
            ),
            Shape(name: "HashRequest", kind: .structure, members: [.init(name: "Digest", shape: "Digest")], required: ["Digest"]),
            Shape(name: "Label", kind: .string, min: 10, max: 20, pattern: "[a-z]+"),
            Shape(name: "Times", kind: .integer, min: 3, max: 9),
            Shape(name: "Color", kind: .string, enumValues: ["Blue", "Green"]),
            Shape(name: "Digest", kind: .string, pattern: "[0-9A-F]{40}"),
        ]
    )
    static let samples = SampleValues(accountID: "123456789012", region: "us-east-1", time: Date())

    @Test func requiredMembersSatisfyTheirConstraints() throws {
        let input = try InputSynthesizer(model: Self.model, samples: Self.samples, extent: .required).input(for: "Count")
        #expect(input == ["Label": "walkedxxxx", "Times": 3, "Color": "Blue"])
    }

    @Test func everyMemberThatAValueFitsIsFilled() throws {
        let input = try InputSynthesizer(model: Self.model, samples: Self.samples, extent: .every).input(for: "Count")
        #expect(input["Note"] == "walkedxxxx")
        // No sample is a SHA-1 in capitals: the optional member is left out.
        #expect(input["Digest"] == nil)
    }

    @Test func aRequiredMemberNothingFitsFailsNamingIt() throws {
        let failure = #expect(throws: InputSynthesizer.Failure.self) {
            try InputSynthesizer(model: Self.model, samples: Self.samples, extent: .required).input(for: "Hash")
        }
        #expect(failure?.description.contains("Hash.Digest") == true)
    }
}
