import AWSWire
import BulwarkCore
import Foundation
import IAM
import Lambda

/// Lambda assuming a function's execution role for each new environment: a role session named
/// after the function, whose calls carry the function (`lambda:SourceFunctionArn`), as AWS does.
public struct ExecutionRoleCredentials: FunctionCredentialsProvider {
    /// How long a session lasts; environments are retired before their credentials expire.
    public static let sessionDuration: TimeInterval = 12 * 3600

    private let sessions: ServiceRoleSessions

    public init(sessions: ServiceRoleSessions) {
        self.sessions = sessions
    }

    public func credentials(for function: FunctionSnapshot) async throws -> FunctionCredentials {
        let assumption = LambdaService.executionRoleAssumption(role: function.role, functionARN: function.functionARN, accountID: function.accountID)
        do {
            let issued = try await sessions.issue(
                assumption, sessionName: function.name, duration: Self.sessionDuration, sourceFunctionARN: function.functionARN
            )
            return FunctionCredentials(
                accessKeyID: issued.accessKeyID, secretAccessKey: issued.secretAccessKey, sessionToken: issued.sessionToken,
                expiration: issued.expiration
            )
        } catch let refusal as ServiceRoleSessions.Refusal {
            throw LambdaService.executionRoleRefused(refusal, assumption)
        }
    }
}
