import Crypto
import Foundation
import Store

/// An AWS managed policy (`arn:aws:iam::aws:policy/...`): owned by AWS, attachable by every account,
/// changeable by none. Its document is read from the catalog only when asked for.
public struct AWSManagedPolicy: Sendable, Equatable {
    public let name: String
    /// `/`, `/service-role/`, `/aws-service-role/`, `/job-function/`...
    public let path: String
    /// The default version's id, as AWS publishes it.
    public let versionID: String
    public let createdAt: Date
    public let updatedAt: Date
    public let arn: String
    /// A stable `ANPA…` id derived from the ARN, so that the id survives restarts and reinstalls.
    public let policyID: String
    /// Where the default version's document lies in the catalog's documents.
    let documentRange: Range<Int>

    init(name: String, path: String, versionID: String, createdAt: Date, updatedAt: Date, documentRange: Range<Int>) {
        self.name = name
        self.path = path
        self.versionID = versionID
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.documentRange = documentRange
        arn = "arn:aws:iam::\(AWSManagedPolicies.owner):policy\(path)\(name)"
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        let digest = SHA256.hash(data: Data(arn.utf8))
        policyID = "ANPA" + String(digest.prefix(17).map { alphabet[Int($0) % alphabet.count] })
    }

    /// Policies of `/aws-service-role/` belong to service-linked roles, which AWS creates: IAM
    /// attaches them to no customer's user, group or role.
    public var isServiceLinkedRolePolicy: Bool { path == "/aws-service-role/" }

    /// The default version's document (JSON).
    public var document: String { AWSManagedPolicies.catalog.document(documentRange) }

    /// The policy as IAM's records describe managed policies. The dataset has no descriptions.
    public var record: ManagedPolicyRecord {
        let number = Int(versionID.dropFirst()) ?? 1
        return ManagedPolicyRecord(
            arn: arn, accountID: AWSManagedPolicies.owner, name: name, policyID: policyID, path: path, description: nil,
            defaultVersion: versionID, nextVersion: number + 1, createdAt: createdAt, updatedAt: updatedAt, tags: []
        )
    }

    /// The default version, created when the policy was last updated.
    public var defaultVersion: PolicyVersionRecord {
        PolicyVersionRecord(policyARN: arn, versionID: versionID, document: document, createdAt: updatedAt)
    }
}
