import Crypto
import Foundation
import Store

/// An AWS managed policy (`arn:aws:iam::aws:policy/...`): owned by AWS, attachable by every account,
/// changeable by none.
public struct AWSManagedPolicy: Sendable, Equatable {
    public let name: String
    /// `/` or `/service-role/`.
    public let path: String
    public let description: String
    /// The default version's id, as AWS publishes it.
    public let versionID: String
    public let createdAt: Date
    public let updatedAt: Date
    /// The default version's document.
    public let document: String

    public var arn: String { "arn:aws:iam::\(AWSManagedPolicies.owner):policy\(path)\(name)" }

    /// A stable `ANPA…` id derived from the ARN, so that the id survives restarts and reinstalls.
    public var policyID: String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        let digest = SHA256.hash(data: Data(arn.utf8))
        return "ANPA" + String(digest.prefix(17).map { alphabet[Int($0) % alphabet.count] })
    }

    /// The store's record of the policy, versions numbered up to its published default.
    var record: ManagedPolicyRecord {
        let number = Int(versionID.dropFirst()) ?? 1
        return ManagedPolicyRecord(
            arn: arn, accountID: AWSManagedPolicies.owner, name: name, policyID: policyID, path: path, description: description,
            defaultVersion: versionID, nextVersion: number + 1, createdAt: createdAt, updatedAt: updatedAt, tags: []
        )
    }

    init(name: String, path: String = "/", description: String, versionID: String, created: String, updated: String, document: String) {
        self.name = name
        self.path = path
        self.description = description
        self.versionID = versionID
        self.createdAt = Self.date(created)
        self.updatedAt = Self.date(updated)
        self.document = document
    }

    private static func date(_ text: String) -> Date {
        (try? Date(text, strategy: .iso8601)) ?? Date(timeIntervalSince1970: 0)
    }
}
