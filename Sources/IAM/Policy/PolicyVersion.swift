/// The policy language version a document declares in `Version`.
public enum PolicyVersion: String, Sendable, Hashable, CaseIterable {
    /// The original language: no policy variables, `${...}` is literal text.
    case version2008 = "2008-10-17"
    /// The current language, with policy variables.
    case version2012 = "2012-10-17"

    /// Whether `${...}` in the document are policy variables.
    public var supportsVariables: Bool { self == .version2012 }
}
