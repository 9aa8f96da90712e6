import BulwarkCore

/// How much of STS's packed allowance a new session's policies and tags take, in percent.
///
/// AWS packs the session policies, the managed policies' ARNs and the session tags into a binary
/// form whose size it does not document. Bulwark counts the policy as IAM counts policy sizes
/// (without white space) plus the ARNs, and the tags by the bytes of their keys and values, each
/// against 2,048 — the plaintext quota of session policies AWS documents.
struct PackedSessionSize: Equatable {
    /// The share the inline and managed session policies take.
    let policies: Int
    /// The share the session tags take.
    let tags: Int

    private static let allowance = PolicySizeLimit.sessionPolicy

    init(policy: String?, policyARNs: [String], tags: [IAMTag]) {
        let policyBytes = (policy.map(PolicySizeLimit.size(of:)) ?? 0) + policyARNs.reduce(0) { $0 + $1.utf8.count }
        let tagBytes = tags.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count }
        self.policies = Self.percent(policyBytes)
        self.tags = Self.percent(tagBytes)
    }

    /// `PackedPolicySize` of the answer: the larger share, when anything was packed.
    var reported: Int? {
        policies == 0 && tags == 0 ? nil : max(policies, tags)
    }

    /// - Throws: `PackedPolicyTooLarge` in AWS's words when either share is over 100%.
    func check() throws {
        if policies > 100 {
            throw AWSError(
                code: "PackedPolicyTooLarge", message: "Packed policy consumes \(policies)% of allotted space, please use smaller policy.",
                status: 400)
        }
        if tags > 100 {
            throw AWSError(code: "PackedPolicyTooLarge", message: "Packed size of session tags consumes \(tags)% of allotted space.", status: 400)
        }
    }

    private static func percent(_ bytes: Int) -> Int {
        (bytes * 100 + allowance - 1) / allowance
    }
}
