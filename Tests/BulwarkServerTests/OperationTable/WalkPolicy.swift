import AWSWire
import BulwarkCore
import Foundation

/// The identity policies the operation-table walk gives its users.
enum WalkPolicy {
    /// Allows `actions` on every resource.
    static func allowing(_ actions: [String]) -> String {
        document([statement(["Action": .array(actions.map(JSONValue.string)), "Resource": "*"])])
    }

    /// Allows each check's action on its resource only, under the condition keys the check carries.
    static func allowing(exactly checks: [AuthorizationCheck]) -> String {
        document(
            checks.map { check in
                var members: [String: JSONValue] = ["Action": .string(check.action), "Resource": .string(check.resource)]
                if !check.conditionKeys.isEmpty { members["Condition"] = condition(check.conditionKeys) }
                return statement(members)
            }
        )
    }

    /// Allows everything but `action`.
    static func allowingAllBut(_ action: String) -> String {
        document([statement(["NotAction": .string(action), "Resource": "*"])])
    }

    /// `StringEquals` on single values; every value of a multivalued key must be among the request's.
    private static func condition(_ keys: [String: AuthorizationCheck.Value]) -> JSONValue {
        var equals: [String: JSONValue] = [:]
        var allEqual: [String: JSONValue] = [:]
        for (key, value) in keys {
            switch value {
            case .single(let text): equals[key] = .string(text)
            case .multiple(let texts): allEqual[key] = .array(texts.map(JSONValue.string))
            }
        }
        var condition: [String: JSONValue] = [:]
        if !equals.isEmpty { condition["StringEquals"] = .object(equals) }
        if !allEqual.isEmpty { condition["ForAllValues:StringEquals"] = .object(allEqual) }
        return .object(condition)
    }

    private static func statement(_ members: [String: JSONValue]) -> JSONValue {
        .object(members.merging(["Effect": "Allow"]) { own, _ in own })
    }

    private static func document(_ statements: [JSONValue]) -> String {
        String(decoding: JSONValue.object(["Version": "2012-10-17", "Statement": .array(statements)]).serialized(), as: UTF8.self)
    }
}
