extension PolicyParser {
    /// Turns a statement that passed every check into its typed form.
    func build(_ statement: RawStatement, variables: Bool) throws(MalformedPolicyDocument) -> PolicyStatement {
        guard let effectText = statement["Effect"]?.stringValue, let effect = PolicyEffect(rawValue: effectText) else {
            throw .legacyParsing
        }
        let actions: PolicyStatement.Actions
        if let value = statement["Action"] {
            actions = .action(try Self.strings(value).map(ActionPattern.init))
        } else if let value = statement["NotAction"] {
            actions = .notAction(try Self.strings(value).map(ActionPattern.init))
        } else {
            throw .missingActions
        }
        let pattern = { (text: String) in ResourcePattern(text, variables: variables) }
        var resources: PolicyStatement.Resources?
        if let value = statement["Resource"] {
            resources = .resource(try Self.strings(value).map(pattern))
        } else if let value = statement["NotResource"] {
            resources = .notResource(try Self.strings(value).map(pattern))
        }
        var principals: PolicyStatement.Principals?
        if let value = statement["Principal"] {
            principals = .principal(try PolicyPrincipals.parse(value))
        } else if let value = statement["NotPrincipal"] {
            principals = .notPrincipal(try PolicyPrincipals.parse(value))
        }
        var conditions: [PolicyCondition] = []
        for block in statement["Condition"]?.objectMembers ?? [] {
            // An operator IAM does not know is accepted only with nothing under it: it tests nothing.
            guard let op = ConditionOperator(name: block.name) else { continue }
            for entry in block.value.objectMembers ?? [] {
                let values = try Self.conditionValues(entry.value)
                conditions.append(PolicyCondition(operator: op, key: entry.name, values: values, variables: variables))
            }
        }
        return PolicyStatement(
            index: statement.index,
            sid: statement["Sid"]?.stringValue,
            effect: effect,
            actions: actions,
            resources: resources,
            principals: principals,
            conditions: conditions
        )
    }
}
