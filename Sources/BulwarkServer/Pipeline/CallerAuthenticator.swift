import AWSWire
import BulwarkCore

/// The caller a request was authenticated as.
struct AuthenticatedCaller: Sendable {
    let principal: Principal
    let accessKeyID: String
    /// The region of the credential scope.
    let region: String
    /// Presigns URLs that this server answers, with the caller's own credentials.
    let presigner: URLPresigner
}

/// The pipeline's authenticate stage.
protocol CallerAuthenticator: Sendable {
    /// Verifies the request's signature and finds its principal.
    ///
    /// - Throws: `AWSError` in the form the service's protocol reports authentication failures.
    func authenticate(_ request: WireRequest, service: ServiceModel) async throws -> AuthenticatedCaller
}
