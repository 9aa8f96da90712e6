import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// A parsed XML element: its local name, its attributes, its text and its child elements, in order.
/// Enough for the request bodies of the rest-xml protocol (S3's `CreateBucketConfiguration`,
/// `Delete`, the `xsi:type` of an ACL's grantee), which carry no mixed content.
public struct XMLTree: Sendable, Equatable {
    public var name: String
    /// The attributes by qualified name (`xsi:type`), as the document wrote them.
    public var attributes: [String: String]
    public var text: String
    public var children: [XMLTree]

    public init(name: String, attributes: [String: String] = [:], text: String = "", children: [XMLTree] = []) {
        self.name = name
        self.attributes = attributes
        self.text = text
        self.children = children
    }

    /// The attribute of a qualified name (`xsi:type`), whatever prefix the document bound to its namespace.
    public func attribute(_ qualifiedName: String) -> String? {
        if let value = attributes[qualifiedName] { return value }
        let local = qualifiedName.split(separator: ":").last.map(String.init) ?? qualifiedName
        return attributes.first { $0.key == local || $0.key.hasSuffix(":" + local) }?.value
    }

    /// The children named `name`.
    public func children(named name: String) -> [XMLTree] {
        children.filter { $0.name == name }
    }

    /// Parses a document; nil when it is not well-formed XML. External entities and DTDs are not
    /// resolved, so a body cannot make the server read files or expand entities.
    public static func parse(_ data: Data) -> XMLTree? {
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = true
        let builder = Builder()
        parser.delegate = builder
        guard parser.parse(), builder.failed == false, let root = builder.root else { return nil }
        return root
    }

    private final class Builder: NSObject, XMLParserDelegate {
        var stack: [XMLTree] = []
        var root: XMLTree?
        var failed = false

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            stack.append(XMLTree(name: elementName, attributes: attributes))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard !stack.isEmpty else { return }
            stack[stack.count - 1].text += string
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            guard var element = stack.popLast() else {
                failed = true
                return
            }
            if !element.children.isEmpty { element.text = element.text.trimmingCharacters(in: .whitespacesAndNewlines) }
            if stack.isEmpty {
                root = element
            } else {
                stack[stack.count - 1].children.append(element)
            }
        }

        func parser(_ parser: XMLParser, foundExternalEntityDeclarationWithName name: String, publicID: String?, systemID: String?) {
            failed = true
            parser.abortParsing()
        }

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
            failed = true
        }
    }
}
