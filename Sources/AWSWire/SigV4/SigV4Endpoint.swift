/// The service and regions a request must be scoped to, as the router determined them.
///
/// IAM and STS are global: clients sign them for `us-east-1` whatever region they are configured for,
/// so the router passes the regions each service accepts.
public struct SigV4Endpoint: Sendable, Hashable {
    /// The signing name of the service (`lambda`, `iam`, `sts`).
    public var service: String
    public var regions: Set<String>

    public init(service: String, regions: Set<String>) {
        self.service = service
        self.regions = regions
    }

    public init(service: String, region: String) {
        self.init(service: service, regions: [region])
    }
}
