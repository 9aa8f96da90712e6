/// Builds compact XML text: elements, their attributes and escaped character data, nothing else.
struct XMLWriter {
    private(set) var text = ""

    /// The namespace of the `xsi:` attributes (S3's `xsi:type` of a grantee).
    static let schemaInstanceNamespace = "http://www.w3.org/2001/XMLSchema-instance"

    /// `<name>`, with `attributes` in order; an `xsi:` attribute brings the declaration of its prefix.
    mutating func open(_ name: String, namespace: String? = nil, attributes: [(name: String, value: String)] = []) {
        text += "<" + name
        if let namespace { text += " xmlns=\"" + Self.escaped(namespace) + "\"" }
        if attributes.contains(where: { $0.name.hasPrefix("xsi:") }) {
            text += " xmlns:xsi=\"" + Self.schemaInstanceNamespace + "\""
        }
        for attribute in attributes { text += " " + attribute.name + "=\"" + Self.escaped(attribute.value) + "\"" }
        text += ">"
    }

    mutating func close(_ name: String) {
        text += "</" + name + ">"
    }

    /// `<name>text</name>`, with the text escaped.
    mutating func element(_ name: String, _ content: String) {
        open(name)
        text += Self.escaped(content)
        close(name)
    }

    /// The text with every character that XML reserves replaced by its reference; a carriage return
    /// too, which XML parsers would otherwise turn into a line feed. Characters XML 1.0 cannot hold at
    /// all (a NUL echoed from a request, other C0 controls, U+FFFE, U+FFFF) become U+FFFD, so that
    /// the answer stays a document clients can parse.
    static func escaped(_ content: String) -> String {
        guard content.unicodeScalars.contains(where: { "&<>\"'\r".unicodeScalars.contains($0) || !isXMLCharacter($0) }) else {
            return content
        }
        var result = ""
        result.reserveCapacity(content.utf8.count + 16)
        for scalar in content.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            case "\r": result += "&#xD;"
            case _ where !isXMLCharacter(scalar): result.unicodeScalars.append("\u{FFFD}")
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// XML 1.0's `Char` production.
    private static func isXMLCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }
}
