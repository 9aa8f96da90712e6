import IAM

/// The Allow statements of identity-based policies that grant every action, or every action of a
/// service, on every resource — judged on the parsed policy, not on its text.
public enum PermissionBreadth {
    /// One over-broad grant: the action pattern (`*` or `service:*`) and the statement that gives it.
    public struct Grant: Sendable, Equatable {
        public var action: String
        public var statement: String

        /// Whether it is every action of every service.
        public var isEverything: Bool { action == "*" }
    }

    /// The over-broad grants of `document`; a document that does not parse grants nothing here (the
    /// authorizer refuses to use it).
    public static func grants(in document: String) -> [Grant] {
        guard let parsed = try? PolicyDocument(parsing: document, kind: .identity) else { return [] }
        return parsed.statements.flatMap { statement -> [Grant] in
            guard statement.effect == .allow, case .action(let actions) = statement.actions, coversEverything(statement.resources) else {
                return []
            }
            return actions.filter { isBroad($0.text) }.map { Grant(action: $0.text, statement: statement.label) }
        }
    }

    /// `*`, or `service:*` (a service prefix with no other wildcard).
    static func isBroad(_ action: String) -> Bool {
        if action == "*" { return true }
        let parts = action.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count == 2 && parts[1] == "*" && !parts[0].isEmpty && !parts[0].contains { $0 == "*" || $0 == "?" }
    }

    private static func coversEverything(_ resources: PolicyStatement.Resources?) -> Bool {
        guard case .resource(let patterns)? = resources else { return false }
        return patterns.contains { $0.text == "*" }
    }
}
