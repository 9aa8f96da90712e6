/// An `Allow` statement that took no part in a denied request, and the first part of it that did
/// not match — what `bulwark iam explain` shows for an implicit deny.
public struct UnmatchedStatement: Sendable, Hashable, CustomStringConvertible {
    /// The part of the statement that did not match, in the order a statement is read.
    public enum Part: Sendable, Hashable {
        case action
        case resource
        /// A resource policy statement whose `Principal` does not name the requester.
        case principal
        /// The conditions that did not hold, as `operator key` (`IpAddress aws:SourceIp`).
        case conditions([String])
    }

    public let statement: StatementReference
    public let part: Part

    public var description: String {
        let why =
            switch part {
            case .action: "the action does not match"
            case .resource: "the resource does not match"
            case .principal: "the principal does not name the caller"
            case .conditions(let failed): "condition not met: " + failed.joined(separator: ", ")
            }
        return "\(statement): \(why)"
    }
}
