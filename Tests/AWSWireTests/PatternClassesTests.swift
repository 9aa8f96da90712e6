import Foundation
import Testing

@testable import AWSWire

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Model patterns are Java regular expressions, whose `\w`, `\d` and `\s` are ASCII only: a Kelvin
/// sign is no `K` and Arabic-Indic digits are no digits, whatever ICU would say.
@Suite("Model patterns read as Java reads them")
struct PatternClassesTests {
    @Test func predefinedClassesAreASCII() {
        let patterns = PatternCache.shared
        #expect(patterns.matches("kate.o+reilly@x", pattern: "[\\w+=,.@-]+"))
        #expect(!patterns.matches("\u{212A}ate", pattern: "[\\w+=,.@-]+"))
        #expect(!patterns.matches("élodie", pattern: "[\\w+=,.@-]+"))
        #expect(patterns.matches("2026", pattern: "\\d+"))
        #expect(!patterns.matches("\u{0661}\u{0662}", pattern: "\\d+"))
        #expect(!patterns.matches("a\u{00A0}b", pattern: "a\\sb"))
        #expect(patterns.matches("x y", pattern: "\\w\\s\\w"))
        #expect(patterns.matches("é", pattern: "\\W"))
    }

    @Test func otherEscapesAndClassesAreKept() {
        #expect(PatternCache.asciiClasses("[\\u0009\\u000A\\u0020-\\u00FF]+") == "[\\u0009\\u000A\\u0020-\\u00FF]+")
        #expect(
            PatternCache.asciiClasses("arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[\\w+=,.@\\-_/]+")
                == "arn:(aws[a-zA-Z-]*)?:iam::[0-9]{12}:role/?[A-Za-z0-9_+=,.@\\-_/]+")
        #expect(PatternCache.asciiClasses("[\\]\\w]") == "[\\]A-Za-z0-9_]")
    }
}

/// A value echoed in an XML answer never makes the answer unreadable.
@Suite("XML text")
struct XMLTextTests {
    @Test func charactersXMLCannotHoldAreReplaced() throws {
        #expect(XMLWriter.escaped("a\u{0}b\u{1}c") == "a\u{FFFD}b\u{FFFD}c")
        #expect(XMLWriter.escaped("tab\tline\nreturn\r&<>") == "tab\tline\nreturn&#xD;&amp;&lt;&gt;")
        #expect(XMLWriter.escaped("role/\u{FFFF}") == "role/\u{FFFD}")
        #expect(XMLWriter.escaped("plain €") == "plain €")
        let document = "<Message>\(XMLWriter.escaped("bad\u{0}value"))</Message>"
        let parser = XMLParser(data: Data(document.utf8))
        #expect(parser.parse())
    }
}
