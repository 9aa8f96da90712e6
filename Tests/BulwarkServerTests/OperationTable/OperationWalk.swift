import AWSWire
import BulwarkCore
import IAM
import Testing

/// One operation of a table with an input synthesized from its model, asked of the authorizer by
/// fresh users holding different policies. Each check records issues that name the operation.
struct OperationWalk {
    let operation: ServiceOperation
    let extent: InputSynthesizer.Extent
    let input: JSONValue
    let bench: AuthorizationBench

    /// How issues name the walk.
    var name: String { "\(operation.name) with \(extent)" }

    /// The checks a caller's call asks, as the pipeline prepares them.
    func checks(by caller: Principal) async throws -> AskedChecks {
        try await bench.checks(of: operation, input: input, by: caller)
    }

    /// The operation's own action comes first; every resource is `*` or an ARN of the caller's
    /// account, of the service the action belongs to (IAM for STS), in the region for Lambda, that
    /// names what the input names (or the caller itself).
    func expectWellFormed(_ checks: [AuthorizationCheck], caller: Principal) {
        #expect(checks.first?.action == operation.action, "\(name): the first check is not the operation's action \(operation.action)")
        for check in checks where check.resource != "*" {
            guard let arn = ARN(check.resource) else {
                Issue.record("\(name): \(check.action) is asked on \(check.resource), which is not an ARN")
                continue
            }
            let services = WalkedService.resourceServices(ofActionPrefix: check.action.prefix { $0 != ":" })
            #expect(services.contains(arn.service), "\(name): \(check.action) acts on \(check.resource), not on a resource of \(services)")
            let service = arn.service
            #expect(arn.accountID == bench.accountID, "\(name): \(check.resource) is not in the caller's account")
            let region = WalkedService(rawValue: service)?.isRegional == true ? bench.samples.region : ""
            #expect(arn.region == region, "\(name): \(check.resource) is not in the region '\(region)'")
            // A layer version's ARN ends with its number, after the layer's name.
            let parts = arn.resource.split { $0 == "/" || $0 == ":" }.map(String.init)
            let named = parts.first == "layer" && parts.count == 3 ? parts[1] : parts.last
            #expect(
                named == SampleValues.name || named == SampleValues.keyID || named == SampleValues.codeSigningConfigID
                    || check.resource == caller.arn,
                "\(name): \(check.resource) is neither what the input names (\(SampleValues.name)) nor the caller"
            )
        }
    }

    /// Without any policy the call is refused, on the first check, by implicit deny.
    func expectRefusedWithoutPolicy() async throws {
        let caller = try await bench.user()
        let asked = try await checks(by: caller)
        let checks = asked.checks
        let outcome = try await bench.authorize(asked, by: caller)
        #expect(!outcome.isAllowed, "\(name): allowed to a user without policies")
        #expect(outcome.denial?.decision == .implicitDeny, "\(name): not refused by implicit deny")
        #expect(outcome.denial?.action == checks.first?.action, "\(name): the denial does not name \(checks.first?.action ?? "its action")")
        #expect(
            outcome.denial?.accessDeniedMessage?.contains("is not authorized to perform: \(operation.action)") == true,
            "\(name): the access-denied message does not name \(operation.action)"
        )
    }

    /// Allowed with exactly the actions of its checks on `*`; refused when any one is missing, and
    /// with everything but the operation's own action.
    func expectAllowedWithExactlyItsActions(_ actions: [String]) async throws {
        let allowed = try await decision { _ in WalkPolicy.allowing(actions) }
        #expect(allowed.isAllowed, "\(name): refused with \(actions) allowed: \(allowed.explanation)")
        for missing in actions {
            let rest = actions.filter { $0 != missing }
            let outcome = try await decision { _ in rest.isEmpty ? nil : WalkPolicy.allowing(rest) }
            #expect(!outcome.isAllowed, "\(name): allowed without \(missing)")
            #expect(outcome.denial?.action == missing, "\(name): without \(missing), the denial names \(outcome.denial?.action ?? "nothing")")
        }
        let allButOwn = try await decision { _ in WalkPolicy.allowingAllBut(operation.action) }
        #expect(!allButOwn.isAllowed, "\(name): allowed by a policy allowing everything but \(operation.action)")
        #expect(allButOwn.denial?.action == operation.action, "\(name): the denial does not name \(operation.action)")
    }

    /// Allowed with each action on exactly its resource; refused when the resources are others.
    func expectAllowedOnExactlyItsResources() async throws {
        let exact = try await decision { WalkPolicy.allowing(exactly: $0) }
        #expect(exact.isAllowed, "\(name): refused with each action allowed on exactly its resource: \(exact.explanation)")
        let elsewhere = try await decision { checks in
            WalkPolicy.allowing(
                exactly: checks.map { check in
                    let other = check.resource == "*" ? "*" : check.resource + "-elsewhere"
                    return AuthorizationCheck(action: check.action, resource: other, conditionKeys: check.conditionKeys)
                }
            )
        }
        let named = try await checks(by: try await bench.user()).checks.first { $0.resource != "*" }
        #expect(elsewhere.isAllowed == (named == nil), "\(name): the resources of the policy do not decide")
        if let named {
            #expect(elsewhere.denial?.action == named.action, "\(name): the denial does not name \(named.action) on \(named.resource)")
        }
    }

    /// A new user holding the policy `policy` makes of the checks of its own call (none for nil),
    /// and the decision on that call.
    private func decision(granting policy: ([AuthorizationCheck]) -> String?) async throws -> AuthorizationOutcome {
        let caller = try await bench.user()
        let asked = try await checks(by: caller)
        if let document = policy(asked.checks) { try await bench.grant(document, to: caller) }
        return try await bench.authorize(asked, by: caller)
    }
}
