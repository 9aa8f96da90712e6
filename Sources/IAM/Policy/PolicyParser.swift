/// Reads a policy document and checks it the way IAM does, in IAM's order, so that a document
/// with several faults is refused with the message IAM would give first.
struct PolicyParser {
    let kind: PolicyKind

    func parse(_ text: String) throws(MalformedPolicyDocument) -> PolicyDocument {
        let (version, id, statements) = try checkSyntax(text)
        if kind.requiresCurrentVersion, version != .version2012 { throw .versionTooOld }
        try checkPrincipalPlacement(statements)
        let resourceError = try checkLegacyParsing(statements)
        try checkSidsAreUnique(statements)
        try checkActionsExist(statements)
        try checkResourcesExist(statements)
        if let resourceError { throw resourceError }
        try checkActionVendors(statements, element: .action)
        try checkActionVendors(statements, element: .notAction)
        if kind == .trust { try checkTrustActions(statements) }
        let variables = version?.supportsVariables ?? false
        var built: [PolicyStatement] = []
        for statement in statements {
            built.append(try build(statement, variables: variables))
        }
        return PolicyDocument(kind: kind, version: version, id: id, statements: built)
    }

    // MARK: Syntax ("Syntax errors in policy.")

    private func checkSyntax(_ text: String) throws(MalformedPolicyDocument) -> (PolicyVersion?, String?, [RawStatement]) {
        // IAM reads trust policies with another parser, which words its refusals differently.
        guard let json = try? PolicyJSON.parse(text), let members = json.objectMembers else {
            throw kind == .trust ? .invalidJSON : .syntax
        }
        var versionValue: PolicyJSON?
        var idValue: PolicyJSON?
        var statementValue: PolicyJSON?
        for member in members {
            switch member.name {
            case "Version": versionValue = member.value
            case "Id": idValue = member.value
            case "Statement": statementValue = member.value
            default: throw .syntax
            }
        }
        var version: PolicyVersion?
        if let value = versionValue {
            guard let text = value.stringValue, let parsed = PolicyVersion(rawValue: text) else { throw .syntax }
            version = parsed
        }
        var id: String?
        if let value = idValue {
            guard let text = value.stringValue else { throw .syntax }
            id = text
        }
        let elements: [PolicyJSON]
        switch statementValue {
        case .object(let members)?: elements = [.object(members)]
        case .array(let list)? where !list.isEmpty: elements = list
        case .array?: throw kind == .trust ? .emptyStatement : .syntax
        default: throw .syntax
        }
        var statements: [RawStatement] = []
        for (index, element) in elements.enumerated() {
            guard let members = element.objectMembers else { throw .syntax }
            var statement = RawStatement(index: index)
            for member in members {
                guard let element = RawStatement.Element(rawValue: member.name) else { throw .syntax }
                statement[element] = member.value
            }
            try checkStatementSyntax(&statement)
            statements.append(statement)
        }
        return (version, id, statements)
    }

    private func checkStatementSyntax(_ statement: inout RawStatement) throws(MalformedPolicyDocument) {
        if statement.has(.action) && statement.has(.notAction) || statement.has(.resource) && statement.has(.notResource)
            || statement.has(.principal) && statement.has(.notPrincipal)
        {
            throw .syntax
        }
        guard let effect = statement.effect?.stringValue, Self.isEffect(effect) else { throw .syntax }
        try statement.readStrings()
        if let sid = statement.sid, sid.stringValue == nil { throw .syntax }
        for value in [statement.principal, statement.notPrincipal] {
            switch value {
            case nil, .string?, .object?: break
            default: throw .syntax
            }
        }
        if let condition = statement.condition {
            guard let blocks = condition.objectMembers else { throw .syntax }
            for block in blocks {
                guard let entries = block.value.objectMembers else { throw .syntax }
                for entry in entries { _ = try Self.conditionValues(entry.value) }
                // IAM tolerates an operator it does not know only when nothing is under it.
                if ConditionOperator(name: block.name) == nil, !entries.isEmpty { throw .syntax }
            }
        }
    }

    /// `Allow` or `Deny` in any case, as the syntax check accepts them (legacy parsing then wants the exact spelling).
    private static func isEffect(_ text: String) -> Bool {
        let lowercased = text.lowercased()
        return lowercased == "allow" || lowercased == "deny"
    }

    // MARK: Principals

    private func checkPrincipalPlacement(_ statements: [RawStatement]) throws(MalformedPolicyDocument) {
        for statement in statements {
            switch kind {
            case .identity, .permissionsBoundary, .session:
                if statement.has(.principal) || statement.has(.notPrincipal) { throw .principalNotAllowed }
            case .trust:
                if statement.has(.notPrincipal) {
                    throw statement.effect?.stringValue == "Allow" ? .allowWithNotPrincipal : .prohibitedField("NotPrincipal")
                }
                if statement.has(.resource) { throw .prohibitedField("Resource") }
                if statement.has(.notResource) { throw .trustResources }
                if !statement.has(.principal) { throw .missingPrincipal }
            case .resource:
                if !statement.has(.principal) && !statement.has(.notPrincipal) { throw .missingPrincipal }
            }
        }
    }

    // MARK: Legacy parsing ("The policy failed legacy parsing")

    /// Checks effects, dates and resource shapes; answers the first resource-format fault, which
    /// IAM reports only after the checks that follow.
    private func checkLegacyParsing(_ statements: [RawStatement]) throws(MalformedPolicyDocument) -> MalformedPolicyDocument? {
        for statement in statements {
            guard let effect = statement.effect?.stringValue, PolicyEffect(rawValue: effect) != nil else { throw .legacyParsing }
            for block in statement.condition?.objectMembers ?? [] {
                guard let op = ConditionOperator(name: block.name), op.base.family == .date else { continue }
                for entry in block.value.objectMembers ?? [] {
                    for value in try Self.conditionValues(entry.value) where PolicyDate.seconds(value) == nil {
                        throw .legacyParsing
                    }
                }
            }
        }
        var resourceError: MalformedPolicyDocument?
        for element in [RawStatement.Element.resource, .notResource] {
            for statement in statements {
                guard let resources = statement.strings(element) else { continue }
                // IAM looks at a list's entries in descending order and reports the last fault it saw.
                let descending =
                    resources.count < 2 ? resources : resources.sorted { $1.unicodeScalars.lexicographicallyPrecedes($0.unicodeScalars) }
                for resource in descending {
                    resourceError = ResourceFormat.check(resource) ?? resourceError
                }
                if resourceError == nil {
                    for resource in resources where !ResourceFormat.passesLegacyParsing(resource) { throw .legacyParsing }
                }
            }
        }
        return resourceError
    }

    // MARK: Required elements

    private func checkSidsAreUnique(_ statements: [RawStatement]) throws(MalformedPolicyDocument) {
        var seen = Set<String>()
        for statement in statements {
            guard let sid = statement.sid?.stringValue, !sid.isEmpty else { continue }
            guard seen.insert(sid).inserted else { throw .duplicateSid }
        }
    }

    private func checkActionsExist(_ statements: [RawStatement]) throws(MalformedPolicyDocument) {
        for statement in statements {
            let actions = statement.strings(.action, or: .notAction)
            guard let actions, !actions.isEmpty else {
                throw kind.namesPrincipals ? MalformedPolicyDocument("Missing required field Action") : .missingActions
            }
        }
    }

    private func checkResourcesExist(_ statements: [RawStatement]) throws(MalformedPolicyDocument) {
        // Resource and trust policies apply to the resource they are attached to.
        guard !kind.namesPrincipals else { return }
        for statement in statements {
            let resources = statement.strings(.resource, or: .notResource)
            guard let resources, !resources.isEmpty else { throw .missingResources }
        }
    }

    private func checkActionVendors(_ statements: [RawStatement], element: RawStatement.Element) throws(MalformedPolicyDocument) {
        for statement in statements {
            for action in statement.strings(element) ?? [] {
                let vendor: Substring
                if action.utf8.allSatisfy({ $0 < 0x80 }) {
                    // A byte is a character: count the colons in place.
                    let colons = action.utf8.count(where: { $0 == UInt8(ascii: ":") })
                    if colons == 0 && action != "*" { throw .missingVendor }
                    if colons > 1 { throw .tooManyColons }
                    vendor = action[..<(action.utf8.firstIndex(of: UInt8(ascii: ":")) ?? action.endIndex)]
                } else {
                    let parts = action.split(separator: ":", omittingEmptySubsequences: false)
                    if parts.count == 1 && action != "*" { throw .missingVendor }
                    if parts.count > 2 { throw .tooManyColons }
                    vendor = parts[0]
                }
                let validVendor = vendor.utf8.allSatisfy { byte in
                    switch byte {
                    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."):
                        true
                    default: false
                    }
                }
                if vendor != "*" && !validVendor { throw .invalidVendor(String(vendor)) }
            }
        }
    }

    private func checkTrustActions(_ statements: [RawStatement]) throws(MalformedPolicyDocument) {
        for statement in statements {
            let actions = statement.strings(.action, or: .notAction) ?? []
            for action in actions where !PolicyKind.trustActions.contains(ActionPattern.lowercasedASCII(action)) {
                throw .trustActions
            }
        }
    }

    // MARK: Values

    /// A string or a list of strings.
    static func strings(_ json: PolicyJSON) throws(MalformedPolicyDocument) -> [String] {
        switch json {
        case .string(let value): return [value]
        case .array(let elements):
            var values: [String] = []
            for element in elements {
                guard let value = element.stringValue else { throw .syntax }
                values.append(value)
            }
            return values
        default: throw .syntax
        }
    }

    /// A condition value or list of values; numbers and booleans count as their JSON text.
    static func conditionValues(_ json: PolicyJSON) throws(MalformedPolicyDocument) -> [String] {
        func scalar(_ json: PolicyJSON) -> String? {
            switch json {
            case .string(let value): value
            case .number(let text): text
            case .bool(let value): value ? "true" : "false"
            default: nil
            }
        }
        if case .array(let elements) = json {
            var values: [String] = []
            for element in elements {
                guard let value = scalar(element) else { throw .syntax }
                values.append(value)
            }
            return values
        }
        guard let value = scalar(json) else { throw .syntax }
        return [value]
    }
}
