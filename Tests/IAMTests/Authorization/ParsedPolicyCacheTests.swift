import Foundation
import Testing

@testable import IAM

@Suite("Parsed policy cache")
struct ParsedPolicyCacheTests {
    static let allow = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:Get*","Resource":"*"}]}"#

    @Test func answersTheParseOfTheSameTextAndKind() throws {
        let cache = ParsedPolicyCache(capacity: 8)
        let first = try cache.document(Self.allow, kind: .identity)

        #expect(try cache.document(Self.allow, kind: .identity) == first)
        #expect(first == (try PolicyDocument.parse(Self.allow, kind: .identity)))
        // Another text is another document, however alike.
        let changed = Self.allow.replacingOccurrences(of: "Get*", with: "List*")
        #expect(try cache.document(changed, kind: .identity) != first)
    }

    @Test func theKindIsPartOfTheKey() throws {
        let cache = ParsedPolicyCache(capacity: 8)
        _ = try cache.document(Self.allow, kind: .identity)
        // A resource policy must name a principal: the identity parse must not be reused for it.
        #expect(throws: MalformedPolicyDocument.self) { try cache.document(Self.allow, kind: .resource) }
    }

    @Test func malformedDocumentsAreRefusedEveryTime() {
        let cache = ParsedPolicyCache(capacity: 8)
        for _ in 0..<2 {
            #expect(throws: MalformedPolicyDocument.self) { try cache.document("{not json", kind: .identity) }
        }
    }

    @Test func staysWithinItsCapacity() throws {
        let cache = ParsedPolicyCache(capacity: 4)
        for index in 0..<10 {
            let text = Self.allow.replacingOccurrences(of: "Get*", with: "Get\(index)")
            #expect(try cache.document(text, kind: .identity).statements.count == 1)
            #expect(cache.count <= 4)
        }
    }
}
