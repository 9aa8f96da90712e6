import AWSWire
import BulwarkCore
import Foundation
import Store

/// Sessions of roles that an AWS service assumes on a customer's behalf, as Lambda assumes a
/// function's execution role: the role must exist in the resource's account and its trust policy
/// must let the service assume it, decided by the evaluator as any `sts:AssumeRole`.
public struct ServiceRoleSessions: Sendable {
    /// Who assumes the role, for what.
    public struct Assumption: Sendable {
        /// The service principal, e.g. `lambda.amazonaws.com`.
        public var service: String
        /// The role's ARN as the resource names it (with the role's path).
        public var roleARN: String
        /// The ARN of the resource the role is assumed for (`aws:SourceArn`); its account is
        /// `aws:SourceAccount` and must be the role's.
        public var sourceARN: String
        public var sourceAccount: String

        public init(service: String, roleARN: String, sourceARN: String, sourceAccount: String) {
            self.service = service
            self.roleARN = roleARN
            self.sourceARN = sourceARN
            self.sourceAccount = sourceAccount
        }
    }

    /// Why a role cannot be assumed.
    public enum Refusal: Error, Equatable {
        /// No role of that ARN exists in the source account.
        case noSuchRole
        /// The trust policy does not let the service assume the role (with the evaluation).
        case notTrusted(String)

        /// Which of the two it was, for the audit trail: what AWS's message leaves the caller to guess.
        public func explanation(of assumption: Assumption) -> String {
            switch self {
            case .noSuchRole:
                "The role is missing: no role \(assumption.roleARN) exists in account \(assumption.sourceAccount)."
            case .notTrusted(let evaluation):
                "The role does not trust \(assumption.service): its trust policy does not allow sts:AssumeRole by it.\n\(evaluation)"
            }
        }
    }

    private let database: BulwarkDatabase
    private let issuer: SessionIssuer
    private let clock: WallClock

    public init(database: BulwarkDatabase, clock: WallClock) {
        self.database = database
        self.issuer = SessionIssuer(store: database.credentials, clock: clock)
        self.clock = clock
    }

    /// The role, when the service may assume it; the role is the one whose ARN is exactly
    /// `assumption.roleARN` (its partition, account, path and case).
    /// - Throws: ``Refusal`` when it may not.
    @discardableResult
    public func verify(_ assumption: Assumption) async throws -> IAMPrincipalRecord {
        let role = try await database.read { db in
            try IAMResourceAuthority.resolve(
                ResourceReference(.iamRole, member: "Role", text: assumption.roleARN), db, accountID: assumption.sourceAccount)
        }
        return try verify(role.entity(as: IAMPrincipalRecord.self), for: assumption)
    }

    /// Whether the service may assume `role`, a role the resolve stage found (nil: none exists at
    /// the assumption's ARN).
    /// - Throws: ``Refusal`` when it may not.
    @discardableResult
    public func verify(_ role: IAMPrincipalRecord?, for assumption: Assumption) throws -> IAMPrincipalRecord {
        guard let role, role.arn == assumption.roleARN, role.accountID == assumption.sourceAccount else { throw Refusal.noSuchRole }
        var context = RequestContext.request(time: clock.now(), secureTransport: true)
        context["aws:SourceArn"] = .single(assumption.sourceARN)
        context["aws:SourceAccount"] = .single(assumption.sourceAccount)
        var policies = ApplicablePolicies()
        policies.resource = try PolicyDocuments.trustPolicy(of: role)
        let result = PolicyEvaluator().evaluate(
            EvaluationRequest(
                principal: .service(assumption.service), action: "sts:AssumeRole", resource: role.arn, context: context, policies: policies
            )
        )
        guard result.isAllowed else { throw Refusal.notTrusted(result.explanation) }
        return role
    }

    /// Which of `requests` (action, resource ARN) a session of the role, named `sessionName`,
    /// would be allowed: the role's identity-based policies and permissions boundary judged as the
    /// authorizer judges the session's own calls (`lambda:SourceFunctionArn` set when given). The
    /// platform asks this before it acts with the role's permissions on its behalf, as Lambda's
    /// platform writes a function's log lines only when its role allows it (decision 0035).
    /// A role that cannot be assumed is allowed nothing.
    public func sessionAllows(
        _ assumption: Assumption, sessionName: String, sourceFunctionARN: String?, region: String,
        requests: [(action: String, resource: String)]
    ) async throws -> [Bool] {
        let role: IAMPrincipalRecord
        do {
            role = try await verify(assumption)
        } catch is Refusal {
            return requests.map { _ in false }
        }
        let texts = try await database.read { db in try IAMRepository.policyTexts(db, of: role) }
        let stored = try PolicyDocuments.stored(texts)
        let policies = ApplicablePolicies(identity: stored.identity.map(\.policy), permissionsBoundary: stored.boundary?.policy)
        let principal = RequestPrincipal.assumedRole(
            roleARN: role.arn, sessionName: sessionName, roleID: role.uniqueID, tags: CallerPolicies.tags(role.tags))
        var context = RequestContext.request(time: clock.now(), secureTransport: true, requestedRegion: region)
        if let sourceFunctionARN {
            context.set(lowercasedKey: "lambda:sourcefunctionarn", name: "lambda:SourceFunctionArn", .value(.single(sourceFunctionARN)))
        }
        let evaluator = PolicyEvaluator()
        return requests.map { request in
            evaluator.evaluate(
                EvaluationRequest(
                    principal: principal, action: request.action, resource: request.resource, resourceAccount: role.accountID,
                    context: context, policies: policies)
            ).isAllowed
        }
    }

    /// Temporary credentials of the role for the service: a role session named `sessionName`,
    /// whose calls carry `sourceFunctionARN` (`lambda:SourceFunctionArn`) when given.
    public func issue(
        _ assumption: Assumption, sessionName: String, duration: TimeInterval, sourceFunctionARN: String? = nil
    ) async throws
        -> SessionIssuer.Credentials
    {
        let role = try await verify(assumption)
        return try await issuer.issue(
            SessionIssuer.Request(
                accountID: role.accountID, kind: .roleSession, principalName: role.name, principalID: role.uniqueID, sessionName: sessionName,
                duration: duration,
                sourceFunctionARN: sourceFunctionARN
            )
        )
    }
}
