import Foundation

/// The AWS managed policies: every current one, with its path, default version, dates and document,
/// generated from the iam-dataset by `make managed-policies` (docs/decisions/0006-aws-managed-policies-dataset.md).
public enum AWSManagedPolicies {
    /// The account name AWS managed policy ARNs carry.
    public static let owner = "aws"

    /// The catalog, read on first use: its index only; documents stay unparsed bytes until asked for.
    static let catalog = AWSManagedPolicyCatalog.bundled()

    /// Every policy, in ARN order.
    public static var all: [AWSManagedPolicy] { catalog.policies }

    /// The policy with exactly this ARN.
    public static func policy(arn: String) -> AWSManagedPolicy? {
        guard arn.hasPrefix(prefix) else { return nil }
        return catalog.byARN[arn]
    }

    /// `arn:aws:iam::aws:policy/`: what every AWS managed policy's ARN starts with.
    static let prefix = "arn:aws:iam::\(owner):policy/"
}
