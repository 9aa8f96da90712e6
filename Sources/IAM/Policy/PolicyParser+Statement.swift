extension PolicyParser {
    /// Turns a statement that passed every check into its typed form.
    func build(_ statement: RawStatement, variables: Bool) throws(MalformedPolicyDocument) -> PolicyStatement {
        guard let effectText = statement.effect?.stringValue, let effect = PolicyEffect(rawValue: effectText) else {
            throw .legacyParsing
        }
        let actions: PolicyStatement.Actions
        if let values = statement.strings(.action) {
            actions = .action(values.map(ActionPattern.init))
        } else if let values = statement.strings(.notAction) {
            actions = .notAction(values.map(ActionPattern.init))
        } else {
            throw .missingActions
        }
        let pattern = { (text: String) in ResourcePattern(text, variables: variables) }
        var resources: PolicyStatement.Resources?
        if let values = statement.strings(.resource) {
            resources = .resource(values.map(pattern))
        } else if let values = statement.strings(.notResource) {
            resources = .notResource(values.map(pattern))
        }
        var principals: PolicyStatement.Principals?
        if let value = statement.principal {
            principals = .principal(try PolicyPrincipals.parse(value))
        } else if let value = statement.notPrincipal {
            principals = .notPrincipal(try PolicyPrincipals.parse(value))
        }
        var conditions: [PolicyCondition] = []
        for block in statement.condition?.objectMembers ?? [] {
            // An operator IAM does not know is accepted only with nothing under it: it tests nothing.
            guard let op = ConditionOperator(name: block.name) else { continue }
            for entry in block.value.objectMembers ?? [] {
                let values = try Self.conditionValues(entry.value)
                conditions.append(PolicyCondition(operator: op, key: entry.name, values: values, variables: variables))
            }
        }
        return PolicyStatement(
            index: statement.index,
            sid: statement.sid?.stringValue,
            effect: effect,
            actions: actions,
            resources: resources,
            principals: principals,
            conditions: conditions
        )
    }
}
