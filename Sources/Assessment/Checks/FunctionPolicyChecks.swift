import IAM
import Lambda

/// The checks of a function's resource-based policy (`AddPermission`): who may invoke it.
public enum FunctionPolicyChecks {
    /// The condition keys that tie a service's permission to the caller's own resource or account
    /// (the confused-deputy guard AWS asks for with `--source-arn` / `--source-account`).
    static let sourceKeys: Set<String> = ["aws:sourcearn", "aws:sourceaccount", "aws:sourceowner", "aws:principalorgid"]

    /// Allow statements whose principal is everyone, or a service with no source condition.
    public static func findings(of function: FunctionInventoryEntry) -> [Finding] {
        function.policyStatements.flatMap { stored -> [Finding] in
            guard
                let document = try? PolicyDocument(
                    parsing: #"{"Version":"2012-10-17","Statement":["# + stored.statement + "]}", kind: .resource),
                let statement = document.statements.first, statement.effect == .allow,
                case .principal(let principals)? = statement.principals
            else { return [] }
            let scoped = statement.conditions.contains { sourceKeys.contains($0.key.lowercased()) }
            let qualifier = stored.qualifier == "$LATEST" ? "" : " --qualifier \(stored.qualifier)"
            let command = "aws lambda remove-permission --function-name \(function.key.name) --statement-id \(stored.sid)\(qualifier)"
            if principals.entries.contains(.everyone), !scoped {
                return [
                    Finding(
                        check: .publicFunctionPolicy, resource: function.arn, detail: stored.sid,
                        explanation: "Policy statement \(stored.sid) lets any principal (\"*\") call the function.",
                        remediation: "Remove the statement and grant the callers that need it by account, ARN or service with a source condition.",
                        command: command)
                ]
            }
            let services = principals.entries.compactMap { entry -> String? in
                if case .service(let name) = entry { return name }
                return nil
            }
            guard !services.isEmpty, !scoped else { return [] }
            return [
                Finding(
                    check: .unscopedServicePermission, resource: function.arn, detail: stored.sid,
                    explanation:
                        "Policy statement \(stored.sid) lets \(services.joined(separator: ", ")) call the function on behalf of any account or resource.",
                    remediation:
                        "Replace the statement with one limited by --source-arn or --source-account, so only your own resources can invoke it.",
                    command: command)
            ]
        }
    }
}
