import Foundation

/// The generated catalog (Resources/aws-managed-policies*.json): an index of the policies and, apart,
/// their documents, which are sliced out by byte range when one is read.
struct AWSManagedPolicyCatalog: Sendable {
    /// The policies in ARN order.
    let policies: [AWSManagedPolicy]
    let byARN: [String: AWSManagedPolicy]
    private let documents: Data

    /// The index file's form: `[name, path, version, created, updated, offset, length]` per policy.
    private struct Index: Decodable {
        let policies: [Entry]

        struct Entry: Decodable {
            let name: String
            let path: String
            let version: String
            let created: Int
            let updated: Int
            let offset: Int
            let length: Int

            init(from decoder: any Decoder) throws {
                var fields = try decoder.unkeyedContainer()
                name = try fields.decode(String.self)
                path = try fields.decode(String.self)
                version = try fields.decode(String.self)
                created = try fields.decode(Int.self)
                updated = try fields.decode(Int.self)
                offset = try fields.decode(Int.self)
                length = try fields.decode(Int.self)
            }
        }
    }

    init(index: Data, documents: Data) throws {
        let entries = try JSONDecoder().decode(Index.self, from: index).policies
        policies = try entries.map { entry in
            guard entry.offset >= 0, entry.length >= 0, entry.offset + entry.length <= documents.count else {
                throw CocoaError(.fileReadCorruptFile)
            }
            return AWSManagedPolicy(
                name: entry.name, path: entry.path, versionID: entry.version,
                createdAt: Date(timeIntervalSince1970: TimeInterval(entry.created)),
                updatedAt: Date(timeIntervalSince1970: TimeInterval(entry.updated)),
                documentRange: entry.offset..<entry.offset + entry.length
            )
        }
        byARN = Dictionary(policies.map { ($0.arn, $0) }) { first, _ in first }
        self.documents = documents
    }

    /// The catalog shipped in the IAM module's resources. Its absence is a broken installation.
    static func bundled() -> AWSManagedPolicyCatalog {
        let directory = "Resources"
        guard let index = Bundle.module.url(forResource: "aws-managed-policies", withExtension: "json", subdirectory: directory),
            let documents = Bundle.module.url(forResource: "aws-managed-policies-documents", withExtension: "json", subdirectory: directory)
        else { fatalError("The AWS managed policy catalog is missing from \(Bundle.module.bundlePath)") }
        do {
            return try AWSManagedPolicyCatalog(index: Data(contentsOf: index), documents: Data(contentsOf: documents, options: .alwaysMapped))
        } catch {
            fatalError("The AWS managed policy catalog at \(index.path) is unreadable: \(error)")
        }
    }

    func document(_ range: Range<Int>) -> String {
        String(decoding: documents[documents.startIndex + range.lowerBound..<documents.startIndex + range.upperBound], as: UTF8.self)
    }
}
