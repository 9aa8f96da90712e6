import AWSWire
import BulwarkCore
import Foundation
import IAM
import Testing

@Suite("IAM policy simulator")
struct SimulationOperationTests {
    static let account = IAMServiceHarness.accountID
    static let function = "arn:aws:lambda:us-east-1:\(account):function:hello"
    static let aliceARN = "arn:aws:iam::\(account):user/alice"

    static let invokeOnly =
        #"{"Version":"2012-10-17","Statement":[{"Sid":"Invoke","Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*"}]}"#
    static let denyDelete = #"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"lambda:Delete*","Resource":"*"}]}"#
    static let fromTenNet =
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}"#

    static func custom(
        _ policies: [String], actions: [String], resources: [String]? = nil, boundary: [String]? = nil, resourcePolicy: String? = nil,
        owner: String? = nil, caller: String? = nil, context: [IAMAPI.ContextEntry]? = nil, maxItems: Int? = nil, marker: String? = nil
    ) -> IAMAPI.SimulateCustomPolicyRequest {
        IAMAPI.SimulateCustomPolicyRequest(
            policyInputList: policies, permissionsBoundaryPolicyInputList: boundary, actionNames: actions, resourceArns: resources,
            resourcePolicy: resourcePolicy, resourceOwner: owner, callerArn: caller, contextEntries: context, maxItems: maxItems, marker: marker)
    }

    static func principal(
        _ arn: String, actions: [String], resources: [String]? = nil, policies: [String]? = nil, boundary: [String]? = nil,
        resourcePolicy: String? = nil
    ) -> IAMAPI.SimulatePrincipalPolicyRequest {
        IAMAPI.SimulatePrincipalPolicyRequest(
            policySourceArn: arn, policyInputList: policies, permissionsBoundaryPolicyInputList: boundary, actionNames: actions,
            resourceArns: resources, resourcePolicy: resourcePolicy)
    }

    func simulateCustom(_ iam: IAMServiceHarness, _ input: IAMAPI.SimulateCustomPolicyRequest) async throws -> IAMAPI.SimulatePolicyResponse {
        try await iam.call("SimulateCustomPolicy", input, as: IAMAPI.SimulatePolicyResponse.self)
    }

    func simulatePrincipal(_ iam: IAMServiceHarness, _ input: IAMAPI.SimulatePrincipalPolicyRequest) async throws -> IAMAPI.SimulatePolicyResponse {
        try await iam.call("SimulatePrincipalPolicy", input, as: IAMAPI.SimulatePolicyResponse.self)
    }

    func decisions(_ response: IAMAPI.SimulatePolicyResponse) -> [String] {
        (response.evaluationResults ?? []).map(\.evalDecision)
    }

    @Test func customPoliciesAllowDenyExplicitlyAndImplicitly() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        let response = try await simulateCustom(
            iam, Self.custom([Self.invokeOnly, Self.denyDelete], actions: ["lambda:InvokeFunction", "lambda:DeleteFunction", "lambda:GetFunction"]))
        #expect(decisions(response) == ["allowed", "explicitDeny", "implicitDeny"])
        let results = try #require(response.evaluationResults)
        #expect(results.map(\.evalResourceName) == ["*", "*", "*"])
        #expect(response.isTruncated == false)

        let allowed = try #require(results[0].matchedStatements?.first)
        #expect(allowed.sourcePolicyId == "PolicyInputList.1" && allowed.sourcePolicyType == "IAM Policy")
        // From just after the `[` (column 37) to just after the statement's `}`.
        #expect(allowed.startPosition == IAMAPI.Position(line: 1, column: 38))
        #expect(allowed.endPosition == IAMAPI.Position(line: 1, column: Self.invokeOnly.count - 1))
        #expect(results[1].matchedStatements?.map(\.sourcePolicyId) == ["PolicyInputList.2"])
        #expect(results[2].matchedStatements == [])
        #expect(results[0].missingContextValues == [] && results[0].evalDecisionDetails == nil)
    }

    @Test func statementPositionsFollowLinesAndDelimiters() throws {
        let text = """
            {
              "Version": "2012-10-17",
              "Statement": [
                {
                  "Effect": "Allow",
                  "Action": "*",
                  "Resource": "*"
                },
                {"Effect": "Deny", "Action": "iam:*", "Resource": "*"}
              ]
            }
            """
        let spans = try #require(StatementPositions(text)).spans
        #expect(spans.count == 2)
        #expect("\(spans[0].start.line):\(spans[0].start.column)" == "3:17")
        #expect("\(spans[0].end.line):\(spans[0].end.column)" == "8:6")
        #expect("\(spans[1].start.line):\(spans[1].start.column)" == "8:7")
        #expect("\(spans[1].end.line):\(spans[1].end.column)" == "9:59")
        let single = #"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}, "Version": "2012-10-17"}"#
        #expect(try #require(StatementPositions(single)).spans.map(\.start.column) == [14])
    }

    @Test func userPoliciesIncludeGroupsAndManagedPolicies() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        try await iam.call("CreateUser", IAMAPI.CreateUserRequest(userName: "alice"))
        try await iam.call("CreateGroup", IAMAPI.CreateGroupRequest(groupName: "devs"))
        try await iam.call("AddUserToGroup", IAMAPI.AddUserToGroupRequest(groupName: "devs", userName: "alice"))
        try await iam.call("PutUserPolicy", IAMAPI.PutUserPolicyRequest(userName: "alice", policyName: "invoke", policyDocument: Self.invokeOnly))
        try await iam.call(
            "PutGroupPolicy", IAMAPI.PutGroupPolicyRequest(groupName: "devs", policyName: "no-delete", policyDocument: Self.denyDelete))
        try await iam.call(
            "AttachGroupPolicy", IAMAPI.AttachGroupPolicyRequest(groupName: "devs", policyArn: "arn:aws:iam::aws:policy/IAMReadOnlyAccess"))

        let response = try await simulatePrincipal(
            iam, Self.principal(Self.aliceARN, actions: ["lambda:InvokeFunction", "lambda:DeleteFunction", "iam:GetUser", "iam:CreateUser"]))
        #expect(decisions(response) == ["allowed", "explicitDeny", "allowed", "implicitDeny"])
        let results = try #require(response.evaluationResults)
        #expect(results[0].matchedStatements?.map(\.sourcePolicyId) == ["invoke"])
        #expect(results[1].matchedStatements?.map(\.sourcePolicyId) == ["no-delete"])
        #expect(results[2].matchedStatements?.map(\.sourcePolicyId) == ["IAMReadOnlyAccess"])
        #expect(results[2].matchedStatements?.first?.startPosition != nil)

        // A group's simulation holds the group's policies only; input documents add to them.
        let group = try await simulatePrincipal(
            iam,
            Self.principal(
                "arn:aws:iam::\(Self.account):group/devs", actions: ["lambda:InvokeFunction", "iam:ListUsers"], policies: [Self.invokeOnly]))
        #expect(decisions(group) == ["allowed", "allowed"])
        #expect(group.evaluationResults?[0].matchedStatements?.map(\.sourcePolicyId) == ["PolicyInputList.1"])
        #expect(try await iam.resources("SimulatePrincipalPolicy", Self.principal(Self.aliceARN, actions: ["s3:GetObject"])) == [Self.aliceARN])
        #expect(try await iam.resources("SimulateCustomPolicy", Self.custom([Self.invokeOnly], actions: ["s3:GetObject"])) == ["*"])
    }

    @Test func attachedAWSManagedPoliciesEvaluateWithTheirDocuments() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        try await iam.call(
            "CreateRole", IAMAPI.CreateRoleRequest(roleName: "reader", assumeRolePolicyDocument: Documents.trustLambda),
            as: IAMAPI.CreateRoleResponse.self)
        for policy in ["AmazonS3ReadOnlyAccess", "AWSXRayDaemonWriteAccess"] {
            try await iam.call(
                "AttachRolePolicy", IAMAPI.AttachRolePolicyRequest(roleName: "reader", policyArn: "arn:aws:iam::aws:policy/\(policy)"))
        }
        let role = "arn:aws:iam::\(Self.account):role/reader"
        let response = try await simulatePrincipal(
            iam,
            Self.principal(
                role, actions: ["s3:GetObject", "s3:ListBucket", "s3:PutObject", "xray:PutTraceSegments", "xray:DeleteGroup"],
                resources: ["arn:aws:s3:::bucket/key"]))
        #expect(decisions(response) == ["allowed", "allowed", "implicitDeny", "allowed", "implicitDeny"])
        let results = try #require(response.evaluationResults)
        #expect(results[0].matchedStatements?.map(\.sourcePolicyId) == ["AmazonS3ReadOnlyAccess"])
        #expect(results[3].matchedStatements?.map(\.sourcePolicyId) == ["AWSXRayDaemonWriteAccess"])

        // As a permissions boundary, AWSLambdaExecute caps what AdministratorAccess grants.
        try await iam.call(
            "AttachRolePolicy", IAMAPI.AttachRolePolicyRequest(roleName: "reader", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess"))
        try await iam.call(
            "PutRolePermissionsBoundary",
            IAMAPI.PutRolePermissionsBoundaryRequest(roleName: "reader", permissionsBoundary: "arn:aws:iam::aws:policy/AWSLambdaExecute"))
        let cases = [
            ("s3:PutObject", "arn:aws:s3:::bucket/key", "allowed"),
            ("logs:PutLogEvents", "arn:aws:logs:us-east-1:\(Self.account):log-group:g:log-stream:s", "allowed"),
            ("iam:CreateUser", "arn:aws:iam::\(Self.account):user/bob", "implicitDeny"),
        ]
        for (action, resource, decision) in cases {
            let bounded = try await simulatePrincipal(iam, Self.principal(role, actions: [action], resources: [resource]))
            #expect(decisions(bounded) == [decision], "\(action)")
        }
    }

    @Test func boundaryIntersectsAndInputBoundaryReplacesTheStoredOne() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        let readOnly = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:Get*","Resource":"*"}]}"#
        let created = try await iam.call(
            "CreatePolicy", IAMAPI.CreatePolicyRequest(policyName: "lambda-read", policyDocument: readOnly), as: IAMAPI.CreatePolicyResponse.self)
        let boundaryARN = try #require(created.policy?.arn)
        try await iam.call(
            "CreateRole",
            IAMAPI.CreateRoleRequest(roleName: "worker", assumeRolePolicyDocument: Documents.trustLambda, permissionsBoundary: boundaryARN),
            as: IAMAPI.CreateRoleResponse.self)
        try await iam.call("PutRolePolicy", IAMAPI.PutRolePolicyRequest(roleName: "worker", policyName: "all", policyDocument: Documents.allowAll))
        let role = "arn:aws:iam::\(Self.account):role/worker"

        let response = try await simulatePrincipal(iam, Self.principal(role, actions: ["lambda:GetFunction", "lambda:DeleteFunction"]))
        #expect(decisions(response) == ["allowed", "implicitDeny"])
        let results = try #require(response.evaluationResults)
        #expect(results.map { $0.permissionsBoundaryDecisionDetail?.allowedByPermissionsBoundary } == [true, false])
        #expect(results[0].matchedStatements?.map(\.sourcePolicyId) == ["all", "lambda-read"])

        let replaced = try await simulatePrincipal(
            iam, Self.principal(role, actions: ["lambda:GetFunction", "lambda:DeleteFunction"], boundary: [Documents.allowAll]))
        #expect(decisions(replaced) == ["allowed", "allowed"])
        #expect(replaced.evaluationResults?[1].matchedStatements?.map(\.sourcePolicyId) == ["all", "PermissionsBoundaryPolicyInputList.1"])
        let unbounded = try await simulateCustom(iam, Self.custom([Documents.allowAll], actions: ["lambda:GetFunction"]))
        #expect(unbounded.evaluationResults?[0].permissionsBoundaryDecisionDetail == nil)
    }

    @Test func contextEntriesDecideConditionsAndMissingKeysAreReported() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        func simulate(_ context: [IAMAPI.ContextEntry]?, resources: [String]? = nil) async throws -> IAMAPI.EvaluationResult {
            let response = try await simulateCustom(
                iam, Self.custom([Self.fromTenNet], actions: ["lambda:InvokeFunction"], resources: resources, context: context))
            return try #require(response.evaluationResults?.first)
        }
        let inside = try await simulate([IAMAPI.ContextEntry(contextKeyName: "aws:SourceIp", contextKeyValues: ["10.1.2.3"], contextKeyType: "ip")])
        #expect(inside.evalDecision == "allowed" && inside.missingContextValues == [])
        let outside = try await simulate([
            IAMAPI.ContextEntry(contextKeyName: "aws:sourceip", contextKeyValues: ["192.168.0.1"], contextKeyType: "ip")
        ])
        #expect(outside.evalDecision == "implicitDeny" && outside.missingContextValues == [])
        let absent = try await simulate(nil)
        #expect(absent.evalDecision == "implicitDeny" && absent.missingContextValues == ["aws:SourceIp"])

        // With a resource named, missing keys are reported per resource.
        let named = try await simulate(nil, resources: [Self.function])
        #expect(named.evalResourceName == Self.function && named.missingContextValues == [])
        #expect(named.resourceSpecificResults?.first?.missingContextValues == ["aws:SourceIp"])
        #expect(named.resourceSpecificResults?.first?.evalResourceDecision == "implicitDeny")
        #expect(named.evalDecisionDetails == [:])

        let listed =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":["team"]},"NumericLessThan":{"s3:max-keys":"10"}}}]}"#
        let multi = try await simulateCustom(
            iam,
            Self.custom(
                [listed], actions: ["s3:ListBucket"],
                context: [
                    IAMAPI.ContextEntry(contextKeyName: "aws:TagKeys", contextKeyValues: ["env", "team"], contextKeyType: "stringList"),
                    IAMAPI.ContextEntry(contextKeyName: "s3:max-keys", contextKeyValues: ["5"], contextKeyType: "numeric"),
                ]))
        #expect(decisions(multi) == ["allowed"])
    }

    @Test func entriesStandForPrincipalKeysAndSourceUsersSupplyTheirOwn() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        let home =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/${aws:username}/*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"red"}}}]}"#
        let object = "arn:aws:s3:::home/alice/notes.txt"
        let unnamed = try await simulateCustom(iam, Self.custom([home], actions: ["s3:GetObject"], resources: [object]))
        #expect(decisions(unnamed) == ["implicitDeny"])
        // The variable of the resource, then the condition's key.
        #expect(unnamed.evaluationResults?.first?.resourceSpecificResults?.first?.missingContextValues == ["aws:username", "aws:PrincipalTag/team"])
        let named = try await simulateCustom(
            iam,
            Self.custom(
                [home], actions: ["s3:GetObject"], resources: [object],
                context: [
                    IAMAPI.ContextEntry(contextKeyName: "aws:username", contextKeyValues: ["alice"], contextKeyType: "string"),
                    IAMAPI.ContextEntry(contextKeyName: "aws:PrincipalTag/team", contextKeyValues: ["red"], contextKeyType: "string"),
                ]))
        #expect(decisions(named) == ["allowed"])

        try await iam.call("CreateUser", IAMAPI.CreateUserRequest(userName: "alice", tags: [IAMAPI.Tag(key: "team", value: "red")]))
        let own = try await simulatePrincipal(iam, Self.principal(Self.aliceARN, actions: ["s3:GetObject"], resources: [object], policies: [home]))
        #expect(decisions(own) == ["allowed"])
        #expect(own.evaluationResults?.first?.resourceSpecificResults?.first?.missingContextValues == [])
    }

    @Test func resourcePolicyGrantsTheCallerAndCrossAccountNeedsBothSides() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        let grant =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"\#(Self.aliceARN)"},"Action":"lambda:InvokeFunction","Resource":"*"}]}"#
        let sameAccount = try await simulateCustom(
            iam,
            Self.custom(
                [Self.denyDelete], actions: ["lambda:InvokeFunction"], resources: [Self.function], resourcePolicy: grant, caller: Self.aliceARN))
        let result = try #require(sameAccount.evaluationResults?.first)
        #expect(result.evalDecision == "allowed")
        #expect(result.matchedStatements?.map(\.sourcePolicyId) == ["ResourcePolicy"])
        #expect(result.matchedStatements?.first?.sourcePolicyType == "Resource Policy")

        let foreign = "arn:aws:lambda:us-east-1:444455556666:function:theirs"
        let crossAccount = try await simulateCustom(
            iam,
            Self.custom(
                [Self.invokeOnly], actions: ["lambda:InvokeFunction", "lambda:GetFunction"], resources: [foreign], resourcePolicy: grant,
                caller: Self.aliceARN))
        #expect(decisions(crossAccount) == ["allowed", "implicitDeny"])
        #expect(crossAccount.evaluationResults?[0].evalDecisionDetails == ["IAM Policy": "allowed", "Resource Policy": "allowed"])
        #expect(crossAccount.evaluationResults?[1].evalDecisionDetails == ["IAM Policy": "implicitDeny", "Resource Policy": "implicitDeny"])
        #expect(crossAccount.evaluationResults?[0].resourceSpecificResults?.first?.evalDecisionDetails?["Resource Policy"] == "allowed")

        // Without the resource policy, the other account's resource is denied.
        let alone = try await simulateCustom(
            iam, Self.custom([Self.invokeOnly], actions: ["lambda:InvokeFunction"], resources: ["*"], owner: "444455556666", caller: Self.aliceARN))
        #expect(decisions(alone) == ["implicitDeny"])
        // AWS managed policies belong to no other account.
        let managed = try await simulateCustom(
            iam, Self.custom([Documents.allowAll], actions: ["iam:GetPolicy"], resources: ["arn:aws:iam::aws:policy/AdministratorAccess"]))
        #expect(decisions(managed) == ["allowed"] && managed.evaluationResults?.first?.evalDecisionDetails == [:])
    }

    @Test func resultsArePagedInOrder() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        let actions = ["lambda:InvokeFunction", "lambda:GetFunction", "lambda:DeleteFunction"]
        let first = try await simulateCustom(iam, Self.custom([Self.invokeOnly], actions: actions, maxItems: 2))
        #expect(first.evaluationResults?.map(\.evalActionName) == Array(actions.prefix(2)))
        #expect(first.isTruncated == true)
        let marker = try #require(first.marker)
        let second = try await simulateCustom(iam, Self.custom([Self.invokeOnly], actions: actions, maxItems: 2, marker: marker))
        #expect(second.evaluationResults?.map(\.evalActionName) == ["lambda:DeleteFunction"] && second.isTruncated == false)
    }

    @Test func badInputsAreRefusedInIAMsWords() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        try await iam.call(
            "CreateRole", IAMAPI.CreateRoleRequest(roleName: "worker", assumeRolePolicyDocument: Documents.trustLambda),
            as: IAMAPI.CreateRoleResponse.self)
        await expectAWSError("NoSuchEntity", status: 404, message: "The user with name ghost cannot be found.") {
            _ = try await simulatePrincipal(iam, Self.principal("arn:aws:iam::\(Self.account):user/ghost", actions: ["s3:GetObject"]))
        }
        await expectAWSError("InvalidInput", status: 400) {
            _ = try await simulatePrincipal(iam, Self.principal("arn:aws:s3:::not-an-iam-entity", actions: ["s3:GetObject"]))
        }
        await expectAWSError("InvalidInput", status: 400, message: "PolicyInputList.2: Syntax errors in policy.") {
            _ = try await simulateCustom(iam, Self.custom([Self.invokeOnly, "{not json"], actions: ["s3:GetObject"]))
        }
        await expectAWSError("InvalidInput", status: 400, message: "Invalid value ten for context key s3:max-keys of type numeric.") {
            _ = try await simulateCustom(
                iam,
                Self.custom(
                    [Self.invokeOnly], actions: ["s3:GetObject"],
                    context: [IAMAPI.ContextEntry(contextKeyName: "s3:max-keys", contextKeyValues: ["ten"], contextKeyType: "numeric")]))
        }
        // A type the model does not know is refused before the handler runs (the query codec answers it as ValidationError).
        await expectAWSError("ValidationException", status: 400) {
            _ = try await simulateCustom(
                iam,
                Self.custom(
                    [Self.invokeOnly], actions: ["s3:GetObject"],
                    context: [IAMAPI.ContextEntry(contextKeyName: "aws:SourceIp", contextKeyValues: ["10.0.0.1"], contextKeyType: "address")]))
        }
        await expectAWSError("InvalidInput", status: 400, message: "Invalid caller - Caller must be an IAM user in this context.") {
            _ = try await simulatePrincipal(
                iam, Self.principal("arn:aws:iam::\(Self.account):role/worker", actions: ["s3:GetObject"], resourcePolicy: Documents.trustLambda))
        }
        await expectAWSError("InvalidInput", status: 400, message: "The list of Permissions Boundary policies cannot exceed 1 items.") {
            _ = try await simulateCustom(
                iam, Self.custom([Self.invokeOnly], actions: ["s3:GetObject"], boundary: [Documents.allowAll, Documents.allowAll]))
        }
        await expectAWSError("InvalidInput", status: 400) {
            _ = try await simulateCustom(iam, Self.custom([Self.invokeOnly], actions: ["s3:GetObject"], resources: ["bucket"]))
        }
    }

    @Test func simulatingNeedsItsOwnPermission() async throws {
        let iam = try await IAMServiceHarness.make()
        defer { iam.remove() }
        try await iam.call("CreateUser", IAMAPI.CreateUserRequest(userName: "alice"))
        try await iam.call("PutUserPolicy", IAMAPI.PutUserPolicyRequest(userName: "alice", policyName: "invoke", policyDocument: Self.invokeOnly))
        let context = try await iam.asUser("alice")
        let prepared = try iam.operation("SimulatePrincipalPolicy").prepare(
            try iam.document("SimulatePrincipalPolicy", Self.principal(Self.aliceARN, actions: ["s3:GetObject"])), context: context
        )
        let resolution = try await iam.resolver.resolve(prepared.references, context: context)
        let outcome = try await Authorizer().authorize(
            try prepared.checks(given: resolution), identity: try await CallerPolicies.current(of: context.principal, in: iam.database),
            resolution: resolution, context: context)
        #expect(!outcome.isAllowed)
        #expect(outcome.denial?.action == "iam:SimulatePrincipalPolicy" && outcome.denial?.resource == Self.aliceARN)
    }
}
