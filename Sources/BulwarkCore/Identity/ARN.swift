/// An Amazon Resource Name: `arn:partition:service:region:account-id:resource`.
public struct ARN: Sendable, Hashable, CustomStringConvertible {
    public var partition: String
    public var service: String
    public var region: String
    public var accountID: String
    /// Everything after the fifth colon, e.g. `function:hello:1` or `role/path/name`.
    public var resource: String

    public init(partition: String = "aws", service: String, region: String, accountID: String, resource: String) {
        self.partition = partition
        self.service = service
        self.region = region
        self.accountID = accountID
        self.resource = resource
    }

    /// Parses an ARN; returns nil when the text does not have the six colon-separated parts.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", !parts[1].isEmpty, !parts[2].isEmpty else { return nil }
        self.init(
            partition: String(parts[1]),
            service: String(parts[2]),
            region: String(parts[3]),
            accountID: String(parts[4]),
            resource: String(parts[5])
        )
    }

    public var description: String { "arn:\(partition):\(service):\(region):\(accountID):\(resource)" }
}
