import AWSWire
import BulwarkCore
import Foundation
import IAM
import Store
import Testing

/// The service condition keys of the operations (issue #4), decided by policies that name them as
/// AWS's documentation does: each operation's input through its declaration, the store through the
/// authorizer, the whole authorize stage over a real store.
@Suite("The service condition keys of each operation")
struct ConditionKeyTests {
    let bench: AuthorizationBench

    init() async throws {
        bench = try await AuthorizationBench.make()
    }

    var boundary: String { "arn:aws:iam::\(bench.accountID):policy/DeveloperBoundary" }

    // MARK: - IAM

    @Test("iam:PolicyARN allows attaching only the policy it names", arguments: [("ReadOnlyAccess", true), ("AdministratorAccess", false)])
    func policyARN(_ policy: String, allowed: Bool) async throws {
        let document = Self.allow(
            "iam:AttachUserPolicy", condition: ["StringEquals": ["iam:PolicyARN": "arn:aws:iam::aws:policy/ReadOnlyAccess"]])
        let outcome = try await decide(
            .iam, "AttachUserPolicy", ["UserName": "intern", "PolicyArn": .string("arn:aws:iam::aws:policy/\(policy)")], granting: document)
        #expect(outcome.isAllowed == allowed, "\(outcome.explanation)")
    }

    /// AWS's "delegate user creation with a permissions boundary": a user may be created only with the boundary.
    @Test("iam:PermissionsBoundary forces CreateUser to set the boundary", arguments: [("DeveloperBoundary", true), ("Other", false), (nil, false)])
    func createUserWithBoundary(_ boundaryName: String?, allowed: Bool) async throws {
        let document = Self.allow("iam:CreateUser", condition: ["StringEquals": ["iam:PermissionsBoundary": .string(boundary)]])
        var input: [String: JSONValue] = ["UserName": "delegated"]
        if let boundaryName { input["PermissionsBoundary"] = .string("arn:aws:iam::\(bench.accountID):policy/\(boundaryName)") }
        let outcome = try await decide(.iam, "CreateUser", .object(input), granting: document)
        #expect(outcome.isAllowed == allowed, "\(outcome.explanation)")
    }

    @Test("iam:PermissionsBoundary is the boundary a user has now when its policies change")
    func currentBoundary() async throws {
        try await createUser("bounded", boundary: boundary)
        try await createUser("unbounded")
        let document = Self.allow(
            ["iam:AttachUserPolicy", "iam:PutUserPolicy", "iam:DeleteUserPermissionsBoundary"],
            condition: ["StringEquals": ["iam:PermissionsBoundary": .string(boundary)]]
        )
        for user in ["bounded", "unbounded"] {
            let attach: JSONValue = ["UserName": .string(user), "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"]
            let put: JSONValue = ["UserName": .string(user), "PolicyName": "p", "PolicyDocument": .string(Self.allow("s3:GetObject"))]
            for (operation, input) in [
                ("AttachUserPolicy", attach), ("PutUserPolicy", put), ("DeleteUserPermissionsBoundary", ["UserName": .string(user)]),
            ] {
                let outcome = try await decide(.iam, operation, input, granting: document)
                #expect(outcome.isAllowed == (user == "bounded"), "\(operation) on \(user): \(outcome.explanation)")
            }
        }
    }

    @Test("CreateUser with tags also needs iam:TagUser, under aws:RequestTag and aws:TagKeys", arguments: ["blue", "red"])
    func createUserWithTags(_ team: String) async throws {
        let document = Self.allow(
            ["iam:CreateUser", "iam:TagUser"],
            condition: ["StringEquals": ["aws:RequestTag/team": "blue"], "ForAllValues:StringEquals": ["aws:TagKeys": ["team"]]]
        )
        let input: JSONValue = ["UserName": "tagged", "Tags": [["Key": "team", "Value": .string(team)]]]
        let outcome = try await decide(.iam, "CreateUser", input, granting: document)
        #expect(outcome.isAllowed == (team == "blue"), "\(outcome.explanation)")
        let withoutTagUser = try await decide(.iam, "CreateUser", input, granting: Self.allow("iam:CreateUser"))
        #expect(withoutTagUser.denial?.action == "iam:TagUser")
    }

    @Test("aws:ResourceTag and iam:ResourceTag are a user's tags, for every action on it", arguments: ["aws", "iam"])
    func userResourceTags(_ prefix: String) async throws {
        try await createUser("blue-user", tags: ["team": "blue"])
        try await createUser("red-user", tags: ["team": "red"])
        let document = Self.allow(
            ["iam:ListUserTags", "iam:AttachUserPolicy"], condition: ["StringEquals": .object(["\(prefix):ResourceTag/team": "blue"])])
        for user in ["blue-user", "red-user", "nobody"] {
            let list = try await decide(.iam, "ListUserTags", ["UserName": .string(user)], granting: document)
            #expect(list.isAllowed == (user == "blue-user"), "ListUserTags on \(user)")
            let attach = try await decide(
                .iam, "AttachUserPolicy", ["UserName": .string(user), "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"], granting: document)
            #expect(attach.isAllowed == (user == "blue-user"), "AttachUserPolicy on \(user)")
        }
    }

    // MARK: - Lambda

    @Test(
        "aws:RequestTag and aws:TagKeys decide TagResource",
        arguments: [(["team": "blue"], true), (["team": "red"], false), (["owner": "me"], false)])
    func tagResource(_ tags: [String: String], allowed: Bool) async throws {
        let document = Self.allow(
            "lambda:TagResource",
            condition: ["StringEquals": ["aws:RequestTag/team": "blue"], "ForAllValues:StringEquals": ["aws:TagKeys": ["team"]]]
        )
        let input: JSONValue = ["Resource": .string(functionARN("hello")), "Tags": .object(tags.mapValues(JSONValue.string))]
        let outcome = try await decide(.lambda, "TagResource", input, granting: document)
        #expect(outcome.isAllowed == allowed, "\(outcome.explanation)")
    }

    @Test("aws:TagKeys decides UntagResource", arguments: [(["scratch"], true), (["scratch", "team"], false)])
    func untagResource(_ keys: [String], allowed: Bool) async throws {
        let document = Self.allow("lambda:UntagResource", condition: ["ForAllValues:StringEquals": ["aws:TagKeys": ["scratch"]]])
        let input: JSONValue = ["Resource": .string(functionARN("hello")), "TagKeys": .array(keys.map(JSONValue.string))]
        let outcome = try await decide(.lambda, "UntagResource", input, granting: document)
        #expect(outcome.isAllowed == allowed, "\(outcome.explanation)")
    }

    @Test("CreateFunction with tags is decided by aws:RequestTag, on itself and on lambda:TagResource", arguments: ["blue", "red"])
    func createFunctionWithTags(_ team: String) async throws {
        let role = "arn:aws:iam::\(bench.accountID):role/runner"
        let document = Self.policy([
            Self.statement(["lambda:CreateFunction", "lambda:TagResource"], condition: ["StringEquals": ["aws:RequestTag/team": "blue"]]),
            Self.statement(["iam:PassRole"]),
        ])
        let input: JSONValue = ["FunctionName": "tagged", "Role": .string(role), "Code": [:], "Tags": ["team": .string(team)]]
        let outcome = try await decide(.lambda, "CreateFunction", input, granting: document)
        #expect(outcome.isAllowed == (team == "blue"), "\(outcome.explanation)")
    }

    @Test("aws:ResourceTag is the function's tags, whichever version the call names")
    func functionResourceTags() async throws {
        try await bench.createFunction("blue-fn", tags: ["team": "blue"])
        try await bench.createFunction("red-fn", tags: ["team": "red"])
        try await bench.createFunction("untagged-fn")
        let document = Self.allow(
            ["lambda:InvokeFunction", "lambda:GetFunction"], condition: ["StringEquals": ["aws:ResourceTag/team": "blue"]])
        for function in ["blue-fn", "red-fn", "untagged-fn"] {
            for (operation, input) in [
                ("Invoke", ["FunctionName": .string(function)]), ("GetFunction", ["FunctionName": .string(function), "Qualifier": "$LATEST"]),
            ] as [(String, JSONValue)] {
                let outcome = try await decide(.lambda, operation, input, granting: document)
                #expect(outcome.isAllowed == (function == "blue-fn"), "\(operation) on \(function): \(outcome.explanation)")
            }
        }
    }

    // MARK: - Helpers

    /// The decision on `operation` of `service` called with `input` by a new user holding `document`.
    private func decide(
        _ service: WalkedService, _ name: String, _ input: JSONValue, granting document: String
    ) async throws
        -> AuthorizationOutcome
    {
        let caller = try await bench.user()
        try await bench.grant(document, to: caller)
        let operation = try #require(bench.service(service).operations.first { $0.name == name })
        return try await bench.authorize(try await bench.checks(of: operation, input: input, by: caller), by: caller)
    }

    private func createUser(_ name: String, boundary: String? = nil, tags: [String: String] = [:]) async throws {
        try await bench.database.iam.create(
            IAMPrincipalRecord(
                kind: .user, accountID: bench.accountID, name: name, uniqueID: "AIDA\(name.uppercased())", path: "/",
                createdAt: bench.samples.time, permissionsBoundary: boundary,
                tags: tags.map { IAMTag(key: $0.key, value: $0.value) }
            )
        )
    }

    private func functionARN(_ name: String) -> String {
        "arn:aws:lambda:\(bench.samples.region):\(bench.accountID):function:\(name)"
    }

    private static func allow(_ action: String, condition: JSONValue? = nil) -> String {
        allow([action], condition: condition)
    }

    private static func allow(_ actions: [String], condition: JSONValue? = nil) -> String {
        policy([statement(actions, condition: condition)])
    }

    private static func statement(_ actions: [String], condition: JSONValue? = nil) -> JSONValue {
        var members: [String: JSONValue] = ["Effect": "Allow", "Action": .array(actions.map(JSONValue.string)), "Resource": "*"]
        if let condition { members["Condition"] = condition }
        return .object(members)
    }

    private static func policy(_ statements: [JSONValue]) -> String {
        String(decoding: JSONValue.object(["Version": "2012-10-17", "Statement": .array(statements)]).serialized(), as: UTF8.self)
    }
}
