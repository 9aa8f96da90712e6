/// Builds compact XML text: elements and escaped character data, nothing else.
struct XMLWriter {
    private(set) var text = ""

    mutating func open(_ name: String, namespace: String? = nil) {
        text += "<" + name
        if let namespace { text += " xmlns=\"" + Self.escaped(namespace) + "\"" }
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
    /// too, which XML parsers would otherwise turn into a line feed.
    static func escaped(_ content: String) -> String {
        guard content.unicodeScalars.contains(where: { "&<>\"'\r".unicodeScalars.contains($0) }) else { return content }
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
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
