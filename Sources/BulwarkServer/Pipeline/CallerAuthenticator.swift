import AWSWire
import BulwarkCore
import Foundation
import IAM

/// The caller a request was authenticated as.
struct AuthenticatedCaller: Sendable {
    let principal: Principal
    let accessKeyID: String
    /// The region of the credential scope.
    let region: String
    /// Presigns URLs that this server answers, with the caller's own credentials.
    let presigner: URLPresigner
    /// The caller's identity-based policies, read with its key (the authorize stage needs no
    /// further read for them).
    let policies: CallerPolicies
    /// Service condition keys of the signature (S3's `s3:authType`, ...), for every check of the call.
    var conditionKeys: [String: AuthorizationCheck.Value] = [:]
}

/// A caller whose request head was authenticated up to its key; the body is still to be checked.
struct PendingCaller: Sendable {
    /// Checks the body against the signature and yields the caller.
    let complete: @Sendable (_ body: Data) throws -> AuthenticatedCaller
    /// For an aws-chunked body its service takes (S3's `STREAMING-*` modes): checks the seed
    /// signature and yields the caller with the decoder that checks the chunks and trailer as it
    /// decodes them. `nil` when the service takes no aws-chunked body or the request announces none.
    var completeStreaming: (@Sendable () throws -> (caller: AuthenticatedCaller, decoder: AWSChunkedDecoder))? = nil
}

/// The pipeline's authenticate stage, in two steps: the head before the body is read (so that a
/// request without a valid key never makes the server buffer a body), then the body.
protocol CallerAuthenticator: Sendable {
    /// Verifies everything of the signature but the payload and finds the key's principal.
    ///
    /// - Throws: `AWSError` in the form the service's protocol reports authentication failures;
    ///   the pending caller's `complete` throws the same way.
    func authenticate(head request: WireRequest, service: ServiceModel) async throws -> PendingCaller
}
