import AWSWire
import Foundation
import Lambda

/// Temporary credentials of a function's execution role, for one environment.
public struct FunctionCredentials: Sendable, Equatable {
    public let accessKeyID: String
    public let secretAccessKey: String
    public let sessionToken: String
    public let expiration: Date

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String, expiration: Date) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
    }
}

/// Issues the credentials an environment's function runs with (its role, assumed by Lambda).
public protocol FunctionCredentialsProvider: Sendable {
    /// - Throws: `AWSError` when the role cannot be assumed by Lambda.
    func credentials(for function: FunctionSnapshot) async throws -> FunctionCredentials
}

/// What an environment is given when it starts: the function's own variables (opened for it), its
/// role's credentials and the private endpoint through which its SDK calls reach the pipeline.
struct EnvironmentAccess: Sendable {
    var variables: [String: String]
    var credentials: FunctionCredentials?
    var endpoint: PrivateEndpointServer.Handler?

    /// The port the private endpoint listens on inside the sandbox.
    static let endpointAddress = "127.0.0.1:4566"

    /// The variables that point SDKs at the endpoint with the credentials (Lambda's reserved ones).
    var environment: [String: String] {
        var variables: [String: String] = [:]
        if let credentials {
            variables["AWS_ACCESS_KEY_ID"] = credentials.accessKeyID
            variables["AWS_SECRET_ACCESS_KEY"] = credentials.secretAccessKey
            variables["AWS_SESSION_TOKEN"] = credentials.sessionToken
        }
        if endpoint != nil {
            variables["AWS_ENDPOINT_URL"] = "http://\(Self.endpointAddress)"
        }
        return variables
    }
}
