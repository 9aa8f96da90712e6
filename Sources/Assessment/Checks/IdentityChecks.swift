import Foundation
import IAM

/// The checks of execution roles and of the account's users and root.
public enum IdentityChecks {
    static let administratorAccess = "arn:aws:iam::aws:policy/AdministratorAccess"
    /// How old a password or an access key may grow before it is reported (CIS AWS 1.14).
    static let maximumCredentialAge: TimeInterval = 90 * 86_400

    /// An execution role's over-broad grants, one finding per policy and grant; `functions` names
    /// the functions that run with it.
    public static func executionRole(arn: String, functions: [String], policies: EntityPolicyTexts) -> [Finding] {
        let roleName = String(arn.split(separator: "/").last ?? Substring(arn))
        let users = "used by \(functions.joined(separator: ", "))"
        return policies.identity.flatMap { policy -> [Finding] in
            let command =
                if let policyARN = policy.arn {
                    "aws iam detach-role-policy --role-name \(roleName) --policy-arn \(policyARN)"
                } else {
                    "aws iam put-role-policy --role-name \(roleName) --policy-name \(policy.name) --policy-document file://<least-privilege policy>.json"
                }
            if policy.arn == administratorAccess {
                return [
                    Finding(
                        check: .roleAdministrator, resource: arn, detail: "AdministratorAccess",
                        explanation: "Execution role \(users) has AdministratorAccess attached.",
                        remediation: "Give the role only the actions and resources its functions call.", command: command)
                ]
            }
            return PermissionBreadth.grants(in: policy.document).map { grant in
                Finding(
                    check: grant.isEverything ? .roleAdministrator : .roleServiceWildcard, resource: arn,
                    detail: "\(policy.name)/\(grant.statement)/\(grant.action)",
                    explanation: "Execution role \(users) is allowed \(grant.action) on every resource by \(policy.name) (\(grant.statement)).",
                    remediation: "Give the role only the actions and resources its functions call.", command: command)
            }
        }
    }

    /// What `bulwark audit` knows of one IAM user.
    public struct User: Sendable {
        public var name: String
        public var arn: String
        public var mfaEnabled: Bool
        /// When the console password was last set; nil without one.
        public var passwordChangedAt: Date?
        public var accessKeys: [AccessKey]
        public var policies: EntityPolicyTexts

        public init(name: String, arn: String, mfaEnabled: Bool, passwordChangedAt: Date?, accessKeys: [AccessKey], policies: EntityPolicyTexts) {
            self.name = name
            self.arn = arn
            self.mfaEnabled = mfaEnabled
            self.passwordChangedAt = passwordChangedAt
            self.accessKeys = accessKeys
            self.policies = policies
        }
    }

    /// An access key's id, status and age; never its secret.
    public struct AccessKey: Sendable {
        public var id: String
        public var active: Bool
        public var createdAt: Date

        public init(id: String, active: Bool, createdAt: Date) {
            self.id = id
            self.active = active
            self.createdAt = createdAt
        }
    }

    /// The root's active access keys: AWS asks that the root have none.
    public static func root(accountID: String, accessKeys: [AccessKey]) -> [Finding] {
        accessKeys.filter(\.active).map { key in
            Finding(
                check: .rootAccessKey, resource: "arn:aws:iam::\(accountID):root", detail: key.id,
                explanation: "The account root has an active access key (\(key.id)), which no policy can limit.",
                remediation: "Create an IAM user or role with the permissions needed, move to its keys, then delete the root's key.",
                command: "aws iam delete-access-key --access-key-id \(key.id)")
        }
    }

    /// A user's old credentials, and privileged permissions without MFA.
    public static func user(_ user: User, now: Date) -> [Finding] {
        var findings: [Finding] = []
        for key in user.accessKeys where key.active && now.timeIntervalSince(key.createdAt) > maximumCredentialAge {
            findings.append(
                Finding(
                    check: .accessKeyAge, resource: user.arn, detail: key.id,
                    explanation: "Access key \(key.id) is \(days(now.timeIntervalSince(key.createdAt))) days old.",
                    remediation: "Create a new key, move its users to it, then deactivate and delete the old one.",
                    command: "aws iam update-access-key --user-name \(user.name) --access-key-id \(key.id) --status Inactive"))
        }
        if let changed = user.passwordChangedAt, now.timeIntervalSince(changed) > maximumCredentialAge {
            findings.append(
                Finding(
                    check: .passwordAge, resource: user.arn,
                    explanation: "The console password was last changed \(days(now.timeIntervalSince(changed))) days ago.",
                    remediation: "Have the user choose a new password, and set a password policy with a maximum age.",
                    command: "aws iam update-login-profile --user-name \(user.name) --password-reset-required"))
        }
        let privileged = user.policies.identity.contains { policy in
            policy.arn == administratorAccess || !PermissionBreadth.grants(in: policy.document).isEmpty
        }
        if privileged, !user.mfaEnabled {
            findings.append(
                Finding(
                    check: .privilegedUserWithoutMFA, resource: user.arn,
                    explanation: "User \(user.name) has privileged permissions (a service's or every action on every resource) and no MFA device.",
                    remediation: "Enable an MFA device for the user, and require aws:MultiFactorAuthPresent for privileged actions.",
                    command:
                        "aws iam enable-mfa-device --user-name \(user.name) --serial-number <device ARN> --authentication-code1 <code> --authentication-code2 <next code>"
                ))
        }
        return findings
    }

    private static func days(_ interval: TimeInterval) -> Int { Int(interval / 86_400) }
}
