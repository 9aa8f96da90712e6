import BulwarkCore
import Testing

@testable import AWSWire

@Suite("Model-driven validation")
struct ShapeValidatorTests {
    let validator = ShapeValidator(model: TestModel.service)

    private func message(_ document: JSONValue) -> String? {
        do {
            try validator.validate(document, as: "CreateWidgetRequest")
            return nil
        } catch let error as AWSError {
            #expect(error.code == "ValidationException")
            #expect(error.status == 400)
            return error.message
        } catch {
            return "\(error)"
        }
    }

    @Test func acceptsAValidDocument() {
        #expect(message(["Name": "ok-1", "Size": 3, "Color": "red", "Labels": ["a"], "Tags": ["k": "v"], "Options": ["Depth": 2]]) == nil)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let document: JSONValue
        let expected: String
        var testDescription: String { expected }
    }

    static let cases: [Case] = [
        Case(document: ["Size": 3], expected: "Value null at 'name' failed to satisfy constraint: Member must not be null"),
        Case(
            document: ["Name": "abcdefghi"],
            expected: "Value 'abcdefghi' at 'name' failed to satisfy constraint: Member must have length less than or equal to 8"
        ),
        Case(
            document: ["Name": "Bad"],
            expected: "Value 'Bad' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-z][a-z0-9-]*"
        ),
        Case(
            document: ["Name": "ok", "Size": 0],
            expected: "Value '0' at 'size' failed to satisfy constraint: Member must have value greater than or equal to 1"
        ),
        Case(
            document: ["Name": "ok", "Size": 11],
            expected: "Value '11' at 'size' failed to satisfy constraint: Member must have value less than or equal to 10"
        ),
        Case(
            document: ["Name": "ok", "Color": "blue"],
            expected: "Value 'blue' at 'color' failed to satisfy constraint: Member must satisfy enum value set: [red, green]"
        ),
        Case(
            document: ["Name": "ok", "Labels": ["a", "b", "c"]],
            expected: "Value '[a, b, c]' at 'labels' failed to satisfy constraint: Member must have length less than or equal to 2"
        ),
        Case(
            document: ["Name": "ok", "Labels": ["long"]],
            expected: "Value 'long' at 'labels.1.member' failed to satisfy constraint: Member must have length less than or equal to 3"
        ),
        Case(
            document: ["Name": "ok", "Options": [:]],
            expected: "Value null at 'options.depth' failed to satisfy constraint: Member must not be null"
        ),
        Case(
            document: ["Name": "ok", "Tags": ["K1": "v"]],
            expected:
                "Value '{K1=v}' at 'tags' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-z]+]"
        ),
    ]

    @Test("Each constraint with AWS's wording", arguments: cases)
    func reportsConstraint(_ testCase: Case) {
        #expect(message(testCase.document) == "1 validation error detected: \(testCase.expected)")
    }

    @Test func sensitiveValuesAreNotEchoed() {
        let text = message(["Name": "ok", "Secret": "hunter2"])
        #expect(
            text == "1 validation error detected: Value at 'secret' failed to satisfy constraint: Member must have length less than or equal to 4")
        #expect(text?.contains("hunter2") == false)
    }

    @Test func anEmptyNameBreaksLengthAndPattern() {
        #expect(
            message(["Name": ""])
                == "2 validation errors detected: Value '' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 1; "
                + "Value '' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-z][a-z0-9-]*"
        )
    }

    @Test func countsEveryViolation() {
        let text = message(["Name": "Bad!", "Size": 99])
        #expect(text?.hasPrefix("2 validation errors detected: ") == true)
        #expect(text?.contains("; ") == true)
    }

    @Test("A pattern must match the whole value", arguments: ["ok\nBAD", "ok BAD", "-x"])
    func patternsAreAnchored(name: String) {
        #expect(message(["Name": .string(name)]) != nil)
    }

    static let mismatches: [JSONValue] = [
        ["Name": 5], ["Name": "ok", "Size": "3"], ["Name": "ok", "Labels": "a"], ["Name": "ok", "Size": 3_000_000_000],
    ]

    @Test("Wrong JSON types are type mismatches, not constraint messages", arguments: mismatches)
    func typeMismatch(document: JSONValue) {
        #expect(throws: ShapeValidator.TypeMismatch.self) { try validator.validate(document, as: "CreateWidgetRequest") }
    }

    @Test("A violation quotes at most 16,384 characters of the value, and builds no more of it")
    func quotesAreBounded() {
        let huge = JSONValue.array((0..<200_000).map { .object(["message": .string("event \($0)"), "timestamp": .int(Int64($0))]) })
        let quoted = ShapeValidator.quoted(huge)
        #expect(quoted.count == ShapeValidator.quotedLimit + 3 && quoted.hasSuffix("...") && quoted.hasPrefix("[{message=event 0, timestamp=0}, "))
        let small: JSONValue = ["b": [1, "x"], "a": true]
        #expect(ShapeValidator.quoted(small) == ShapeValidator.describe(small))
    }

    @Test("A timestamp names an instant of years 1 to 9999: beyond, or not finite, it is no timestamp")
    func timestampRange() throws {
        let model = ServiceModel(
            name: "clock", serviceID: "Clock", apiVersion: "2026-12-08", wireProtocol: .json, signingName: "clock", endpointPrefix: "clock",
            operations: [],
            shapes: [
                Shape(name: "Request", kind: .structure, members: [.init(name: "At", shape: "Time")]), Shape(name: "Time", kind: .timestamp),
            ])
        let validator = ShapeValidator(model: model)
        for seconds in [0, -62_135_596_800, 253_402_300_799, 1_796_697_363.874] {
            try validator.validate(["At": .double(seconds)], as: "Request")
        }
        for seconds in [1e300, -1e300, 253_402_300_800, -62_135_596_801, .infinity, .nan] {
            #expect(throws: ShapeValidator.TypeMismatch.self) { try validator.validate(["At": .double(seconds)], as: "Request") }
        }
        #expect(throws: ShapeValidator.TypeMismatch.self) { try validator.validate(["At": .int(Int64.max)], as: "Request") }
    }
}
