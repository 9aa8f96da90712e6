/// A fragment of Swift source laid out on one line when it fits the line width, and broken over
/// several lines, one argument or element per line, when it does not.
indirect enum Code {
    /// The line width generated code keeps to.
    static let width = 120

    /// Literal text that is never broken.
    case text(String)
    /// `head(argument, …)`.
    case call(String, [Code])
    /// `label: value`, inside a call.
    case labeled(String, Code)
    /// `[element, …]`.
    case array([Code])

    /// The fragment on one line.
    var flat: String {
        switch self {
        case .text(let text): text
        case .call(let head, let arguments): "\(head)(\(arguments.map(\.flat).joined(separator: ", ")))"
        case .labeled(let label, let value): "\(label): \(value.flat)"
        case .array(let elements): "[\(elements.map(\.flat).joined(separator: ", "))]"
        }
    }

    /// The fragment starting at `column` of a line indented by `indent` spaces.
    func render(indent: Int, column: Int) -> String {
        let flat = self.flat
        if column + flat.count <= Code.width { return flat }
        let inner = String(repeating: " ", count: indent + 4)
        let closing = String(repeating: " ", count: indent)
        switch self {
        case .text(let text):
            return text
        case .labeled(let label, let value):
            return "\(label): " + value.render(indent: indent, column: column + label.count + 2)
        case .call(let head, let arguments):
            // A single call argument hugs its parentheses: `append(Shape(` … `))`.
            if arguments.count == 1, case .call = arguments[0] {
                return "\(head)(" + arguments[0].render(indent: indent, column: column + head.count + 1) + ")"
            }
            let lines = arguments.map { inner + $0.render(indent: indent + 4, column: indent + 4) }
            return "\(head)(\n" + lines.joined(separator: ",\n") + "\n\(closing))"
        case .array(let elements):
            let lines = elements.map { inner + $0.render(indent: indent + 4, column: indent + 4) + ",\n" }
            return "[\n" + lines.joined() + "\(closing)]"
        }
    }
}
