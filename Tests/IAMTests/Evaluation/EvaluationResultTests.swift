import BulwarkCore
import IAM
import Testing

@Suite("Evaluation results")
struct EvaluationResultTests {
    private func evaluate(_ policies: ApplicablePolicies, principal: RequestPrincipal = Principals.alice) -> EvaluationResult {
        PolicyEvaluator().evaluate(
            EvaluationRequest(principal: principal, action: "lambda:DeleteFunction", resource: Resources.function, policies: policies))
    }

    private func managed(_ text: String, name: String, arn: String) throws -> AttachedPolicy {
        AttachedPolicy(try PolicyDocument.parse(text, kind: .identity), name: name, arn: arn)
    }

    @Test("An explicit deny in a customer managed policy of the account names its ARN")
    func namesManagedPolicy() throws {
        let arn = "arn:aws:iam::111111111111:policy/NoDelete"
        let result = evaluate(
            ApplicablePolicies(identity: [
                try managed(Policy.allow("*"), name: "All", arn: "arn:aws:iam::111111111111:policy/All"),
                try managed(Policy.deny("lambda:Delete*", sid: "NoDelete"), name: "NoDelete", arn: arn),
            ]))
        #expect(
            result.accessDeniedMessage
                == "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: lambda:DeleteFunction on resource: "
                + "arn:aws:lambda:us-east-1:111111111111:function:f with an explicit deny in an identity-based policy: \(arn)")
        #expect(result.denyingStatements.map(\.policy.arn) == [arn])
        #expect(result.denyingStatements.first?.sid == "NoDelete")
        #expect(result.evaluatedPolicies.map(\.name) == ["All", "NoDelete"])
    }

    @Test("An explicit deny in an inline or AWS managed policy names no ARN")
    func inlineDeny() throws {
        let inline = AttachedPolicy(try PolicyDocument.parse(Policy.deny("*"), kind: .identity), name: "inline")
        let awsManaged = try managed(Policy.deny("*"), name: "AWSDeny", arn: "arn:aws:iam::aws:policy/AWSDeny")
        for policy in [inline, awsManaged] {
            let message = evaluate(ApplicablePolicies(identity: [policy])).accessDeniedMessage
            #expect(message?.hasSuffix("with an explicit deny in an identity-based policy") == true)
        }
    }

    @Test("The denial converts to the service's AccessDenied error")
    func accessDeniedError() throws {
        let result = evaluate(ApplicablePolicies())
        let error = try #require(result.accessDeniedError())
        #expect(error.code == "AccessDeniedException")
        #expect(error.status == 403)
        #expect(error.message.hasSuffix("because no identity-based policy allows the lambda:DeleteFunction action"))
        #expect(result.accessDeniedError(code: "AccessDenied")?.code == "AccessDenied")
        let allowed = evaluate(ApplicablePolicies(identity: [try managed(Policy.allow("*"), name: "All", arn: "arn:aws:iam::1:policy/A")]))
        #expect(allowed.accessDeniedError() == nil)
    }

    @Test("The report names the decision, the policies considered and the deciding statements")
    func report() throws {
        let boundary = AttachedPolicy(try PolicyDocument.parse(Policy.allow("s3:*"), kind: .permissionsBoundary), name: "Boundary")
        let identity = AttachedPolicy(try PolicyDocument.parse(Policy.allow("lambda:*", sid: "Lambda"), kind: .identity), name: "Dev")
        let result = evaluate(ApplicablePolicies(identity: [identity], permissionsBoundary: boundary))
        #expect(result.decision == .implicitDeny)
        let lines = result.report.split(separator: "\n").map(String.init)
        #expect(lines.first == "ImplicitDeny: arn:aws:iam::111111111111:user/alice lambda:DeleteFunction \(Resources.function)")
        #expect(lines.contains("  basis: no permissions boundary allows the action"))
        #expect(lines.contains("  considered: identity-based policy Dev"))
        #expect(lines.contains("  considered: permissions boundary Boundary"))
        #expect(lines.contains("  allows, not enough: Allow Lambda of identity-based policy Dev"))
        #expect(result.explanation.hasPrefix("ImplicitDeny: no permissions boundary allows lambda:DeleteFunction"))
    }

    @Test("An implicit deny names, per Allow statement, the part that did not match")
    func unmatchedStatements() throws {
        let text = """
            {"Version": "2012-10-17", "Statement": [
              {"Sid": "Invoke", "Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "*"},
              {"Sid": "Other", "Effect": "Allow", "Action": "lambda:*", "Resource": "arn:aws:lambda:us-east-1:111111111111:function:g"},
              {"Sid": "Office", "Effect": "Allow", "Action": "lambda:*", "Resource": "*",
               "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}, "Bool": {"aws:SecureTransport": "true"}}},
              {"Sid": "NoDeny", "Effect": "Deny", "Action": "s3:*", "Resource": "*"}
            ]}
            """
        let policy = AttachedPolicy(try PolicyDocument.parse(text, kind: .identity), name: "Dev")
        let result = evaluate(ApplicablePolicies(identity: [policy]))
        #expect(result.decision == .implicitDeny)
        #expect(
            result.unmatchedStatements.map(\.description) == [
                "Allow Invoke of identity-based policy Dev: the action does not match",
                "Allow Other of identity-based policy Dev: the resource does not match",
                "Allow Office of identity-based policy Dev: condition not met: IpAddress aws:SourceIp, Bool aws:SecureTransport",
            ])
        #expect(result.explanation.contains("\n  not applied: Allow Office of identity-based policy Dev: condition not met"))
        #expect(result.report.contains("  not applied: Allow Invoke of identity-based policy Dev: the action does not match"))
    }

    @Test("Unmatched statements are listed policy by policy in the order they were evaluated")
    func unmatchedStatementsInEvaluationOrder() throws {
        let resource = AttachedPolicy(
            try PolicyDocument.parse(
                Policy.grant(Policy.aws("arn:aws:iam::111111111111:user/team/bob"), "lambda:DeleteFunction", sid: "Bob"), kind: .resource),
            name: "function policy")
        let identity = AttachedPolicy(try PolicyDocument.parse(Policy.allow("lambda:GetFunction", sid: "Get"), kind: .identity), name: "Dev")
        let boundary = AttachedPolicy(try PolicyDocument.parse(Policy.allow("s3:*", sid: "S3"), kind: .permissionsBoundary), name: "Boundary")
        let session = AttachedPolicy(try PolicyDocument.parse(Policy.allow("sqs:*", sid: "SQS"), kind: .session), name: "session policy")
        let result = evaluate(ApplicablePolicies(identity: [identity], permissionsBoundary: boundary, session: [session], resource: resource))
        #expect(result.decision == .implicitDeny)
        #expect(
            result.unmatchedStatements.map(\.description) == [
                "Allow Bob of resource-based policy function policy: the principal does not name the caller",
                "Allow Get of identity-based policy Dev: the action does not match",
                "Allow S3 of permissions boundary Boundary: the action does not match",
                "Allow SQS of session policy session policy: the action does not match",
            ])
        // Equal results compare equal, the statements worked out on both sides.
        let again = evaluate(ApplicablePolicies(identity: [identity], permissionsBoundary: boundary, session: [session], resource: resource))
        #expect(result == again)
        #expect(result.hashValue == again.hashValue)
        let withoutSession = evaluate(ApplicablePolicies(identity: [identity], permissionsBoundary: boundary, resource: resource))
        #expect(result != withoutSession)
    }

    @Test("Allowed and explicitly denied requests carry no unmatched statements")
    func noUnmatchedUnlessImplicit() throws {
        let allow = AttachedPolicy(try PolicyDocument.parse(Policy.allow("lambda:*"), kind: .identity), name: "All")
        let invoke = AttachedPolicy(try PolicyDocument.parse(Policy.allow("lambda:InvokeFunction"), kind: .identity), name: "Invoke")
        #expect(evaluate(ApplicablePolicies(identity: [allow, invoke])).unmatchedStatements.isEmpty)
        let deny = AttachedPolicy(try PolicyDocument.parse(Policy.deny("*"), kind: .identity), name: "Deny")
        #expect(evaluate(ApplicablePolicies(identity: [invoke, deny])).unmatchedStatements.isEmpty)
    }

    @Test("The explanation lists the first 20 statements that did not apply, then how many more")
    func unmatchedStatementsAreCapped() throws {
        let statements = (1...25).map { #"{"Effect": "Allow", "Action": "s3:GetObject\#($0)", "Resource": "*"}"# }
        let text = #"{"Version": "2012-10-17", "Statement": ["# + statements.joined(separator: ",") + "]}"
        let policy = AttachedPolicy(try PolicyDocument.parse(text, kind: .identity), name: "Wide")
        let result = evaluate(ApplicablePolicies(identity: [policy]))
        #expect(result.unmatchedStatements.count == 25)
        let lines = result.explanation.split(separator: "\n")
        #expect(lines.count == 1 + 20 + 1)
        #expect(lines.last == "  not applied: 5 more statements")
    }
}
