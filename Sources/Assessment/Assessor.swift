import Foundation
import Lambda

/// Bulwark's Inspector: every deviation from the AWS Lambda security best practices that the
/// inventory shows, most severe first.
public enum Assessor {
    public static func findings(in inventory: AssessmentInventory, now: Date) -> [Finding] {
        var findings = FunctionChecks.credentials(inventory.credentialFindings)
        for function in inventory.functions {
            findings += [
                FunctionChecks.runtime(of: function, now: now), FunctionChecks.environmentKey(of: function),
                FunctionChecks.concurrency(of: function),
            ].compactMap { $0 }
            findings += FunctionPolicyChecks.findings(of: function)
        }
        let functionsByRole = Dictionary(grouping: inventory.functions, by: \.role)
        for (role, functions) in functionsByRole {
            guard let policies = inventory.roles[role] else { continue }
            findings += IdentityChecks.executionRole(arn: role, functions: functions.map(\.key.name).sorted(), policies: policies)
        }
        if let accountID = inventory.accountID {
            findings += IdentityChecks.root(accountID: accountID, accessKeys: inventory.rootAccessKeys)
        }
        findings += inventory.users.flatMap { IdentityChecks.user($0, now: now) }
        findings += inventory.keys.compactMap(RotationChecks.key) + inventory.secrets.compactMap(RotationChecks.secret)
        return findings.sorted { ($1.severity, $0.id) < ($0.severity, $1.id) }
    }
}
