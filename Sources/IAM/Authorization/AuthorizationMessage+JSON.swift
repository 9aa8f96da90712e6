import BulwarkCore

/// The JSON of an ``AuthorizationMessage``, written with its keys in AWS's order (Foundation's encoder
/// does not keep an order on Linux).
extension AuthorizationMessage {
    /// A JSON value whose objects keep their keys' order.
    enum Node {
        case string(String)
        case bool(Bool)
        case array([Node])
        case object([(String, Node?)])

        /// Compact JSON text; object members whose value is nil are left out.
        var text: String {
            var output = ""
            write(to: &output)
            return output
        }

        private func write(to output: inout String) {
            switch self {
            case .string(let value): Self.quote(value, into: &output)
            case .bool(let value): output += value ? "true" : "false"
            case .array(let values):
                output += "["
                for (index, value) in values.enumerated() {
                    if index > 0 { output += "," }
                    value.write(to: &output)
                }
                output += "]"
            case .object(let members):
                output += "{"
                var first = true
                for (key, value) in members {
                    guard let value else { continue }
                    if !first { output += "," }
                    first = false
                    Self.quote(key, into: &output)
                    output += ":"
                    value.write(to: &output)
                }
                output += "}"
            }
        }

        private static func quote(_ text: String, into output: inout String) {
            output += JSONValue.quoted(text)
        }
    }

    var node: Node {
        .object([
            ("allowed", .bool(allowed)),
            ("explicitDeny", .bool(explicitDeny)),
            ("matchedStatements", Self.items(matchedStatements) { $0.node }),
            ("failures", Self.items(failures) { $0.node }),
            (
                "context",
                .object([
                    (
                        "principal",
                        .object([
                            ("id", .string(context.principal.id)), ("name", context.principal.name.map(Node.string)),
                            ("arn", .string(context.principal.arn)),
                        ])
                    ),
                    ("action", .string(context.action)),
                    ("resource", .string(context.resource)),
                    ("conditions", Self.items(context.conditions) { $0.node }),
                ])
            ),
        ])
    }

    static func items<Item>(_ list: Items<Item>, _ node: (Item) -> Node) -> Node {
        .object([("items", .array(list.items.map(node)))])
    }
}

extension AuthorizationMessage.Value {
    var node: AuthorizationMessage.Node { .object([("value", .string(value))]) }
}

extension AuthorizationMessage.Condition {
    var node: AuthorizationMessage.Node { .object([("key", .string(key)), ("values", AuthorizationMessage.items(values) { $0.node })]) }
}

extension AuthorizationMessage.StatementCondition {
    var node: AuthorizationMessage.Node {
        .object([("operator", .string(`operator`)), ("key", .string(key)), ("values", AuthorizationMessage.items(values) { $0.node })])
    }
}

extension AuthorizationMessage.Statement {
    var node: AuthorizationMessage.Node {
        let list = { (items: AuthorizationMessage.Items<AuthorizationMessage.Value>?) in items.map { AuthorizationMessage.items($0) { $0.node } } }
        return .object([
            ("statementId", .string(statementId)),
            ("effect", .string(effect)),
            ("principals", list(principals)),
            ("principalGroups", list(principalGroups)),
            ("actions", list(actions)),
            ("notActions", list(notActions)),
            ("resources", list(resources)),
            ("notResources", list(notResources)),
            ("conditions", AuthorizationMessage.items(conditions) { $0.node }),
        ])
    }
}
