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

extension ExecutionRoleCredentials: FunctionLogPermissions {
    /// Judges the actions Lambda's platform performs with the role to deliver an environment's
    /// lines: `logs:CreateLogStream` and `logs:PutLogEvents` on the stream's ARN, and
    /// `logs:CreateLogGroup` on the group's (`…:log-group:<name>:log-stream:`, as decision 0035).
    public func logDelivery(for function: FunctionSnapshot, stream: String) async throws -> LogDelivery {
        let group = ARN(service: "logs", region: function.region, accountID: function.accountID, resource: "log-group:\(function.logGroup)")
            .description
        let streamARN = group + ":log-stream:" + stream
        let allowed = try await sessions.sessionAllows(
            LambdaService.executionRoleAssumption(role: function.role, functionARN: function.functionARN, accountID: function.accountID),
            sessionName: function.name, sourceFunctionARN: function.functionARN, region: function.region,
            requests: [
                (action: "logs:CreateLogStream", resource: streamARN), (action: "logs:PutLogEvents", resource: streamARN),
                (action: "logs:CreateLogGroup", resource: group + ":log-stream:"),
            ]
        )
        guard allowed[0], allowed[1] else { return .refused }
        return allowed[2] ? .allowed : .toExistingGroup
    }
}
