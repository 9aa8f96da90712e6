import Foundation

/// The `ContextEntries` of a policy simulation as the request context of the simulated calls.
///
/// Each value is checked against its `ContextKeyType`; a single-valued type takes exactly one value,
/// a list type (`stringList`, `ipList`, …) any number, and the key is then multivalued. Only what
/// the entries say is in the context: the simulator adds no time, address or transport of its own,
/// so a condition on a key nobody supplied is reported as a missing context value. An entry also
/// stands for a key of the principal (`aws:username`, `aws:PrincipalTag/team`), as AWS's simulator
/// lets it.
enum SimulationContext {
    static func requestContext(_ entries: [IAMAPI.ContextEntry]?) throws -> RequestContext {
        var context = RequestContext()
        context.suppliesPrincipalKeys = true
        for entry in entries ?? [] {
            guard let name = entry.contextKeyName else { throw IAMError.invalidInput("A context entry must have a ContextKeyName.") }
            let type = entry.contextKeyType ?? "string"
            let values = entry.contextKeyValues ?? []
            let isList = type.hasSuffix("List")
            let valueType = isList ? String(type.dropLast(4)) : type
            guard isList || values.count == 1 else {
                throw IAMError.invalidInput("Context key \(name) of type \(type) takes exactly one value, \(values.count) given.")
            }
            for value in values where !isValid(value, as: valueType) {
                throw IAMError.invalidInput("Invalid value \(value) for context key \(name) of type \(type).")
            }
            context[name] = isList ? .multiple(values) : .single(values[0])
        }
        return context
    }

    /// Whether `value` is a well-formed value of a `ContextKeyType` without its `List` suffix.
    private static func isValid(_ value: String, as type: String) -> Bool {
        switch type {
        case "string": true
        case "numeric": PolicyCondition.parseNumber(value) != nil
        case "boolean": ["true", "false"].contains(value.lowercased())
        case "ip": IPAddress(value) != nil || IPAddressRange(value) != nil
        case "binary": Data(base64Encoded: value) != nil
        case "date": PolicyDate.seconds(value) != nil
        default: false
        }
    }
}
