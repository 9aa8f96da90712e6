import Foundation
import Lambda

/// Functions and dates the checks' tests share.
enum Fixtures {
    static let account = "123456789012"

    /// 2026-12-07T00:00:00Z: python3.9 deprecated (2025-12-15), nodejs22.x within 180 days of 2027-04-30.
    static let now = Date(timeIntervalSince1970: 1_796_601_600)

    static func function(
        _ name: String = "hello", runtime: String = "python3.12", role: String = "arn:aws:iam::123456789012:role/hello-role",
        hasEnvironment: Bool = false, kmsKeyArn: String? = nil, reservedConcurrency: Int? = 10,
        statements: [FunctionInventoryEntry.PolicyStatement] = []
    ) -> FunctionInventoryEntry {
        let key = FunctionKey(accountID: account, region: "us-east-1", name: name)
        return FunctionInventoryEntry(
            key: key, arn: "arn:aws:lambda:us-east-1:\(account):function:\(name)", runtime: runtime, role: role, hasEnvironment: hasEnvironment,
            kmsKeyArn: kmsKeyArn, reservedConcurrency: reservedConcurrency, policyStatements: statements)
    }

    static func statement(_ sid: String, _ json: String, qualifier: String = "$LATEST") -> FunctionInventoryEntry.PolicyStatement {
        FunctionInventoryEntry.PolicyStatement(qualifier: qualifier, sid: sid, statement: json)
    }
}
