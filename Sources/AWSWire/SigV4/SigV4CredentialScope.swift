import Foundation

/// The part of a credential after the access key id: `20150830/us-east-1/lambda/aws4_request`.
///
/// It binds a signature to one day, one region and one service.
public struct SigV4CredentialScope: Sendable, Hashable, CustomStringConvertible {
    /// The terminator every SigV4 scope ends with.
    public static let terminator = "aws4_request"

    /// The day, `yyyyMMdd`, in UTC.
    public var date: String
    public var region: String
    public var service: String

    public init(date: String, region: String, service: String) {
        self.date = date
        self.region = region
        self.service = service
    }

    /// The scope of a signature made at `instant`.
    public init(instant: Date, region: String, service: String) {
        self.init(date: String(SigV4Timestamp.basic(instant).prefix(8)), region: region, service: service)
    }

    /// `date/region/service/aws4_request`, as in the string to sign.
    public var description: String { "\(date)/\(region)/\(service)/\(Self.terminator)" }
}
