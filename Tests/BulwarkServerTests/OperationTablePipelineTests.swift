import AWSWire
import BulwarkCore
import HTTPTypes
import Testing

/// A few operations of each protocol through the whole pipeline, signed by IAM users: a user
/// without policies gets AWS's access-denied answer in the service's protocol, and the denial is
/// audited; a user allowed the operation's action, as the table declares it, gets past the
/// authorize stage.
@Suite("The operation table through the pipeline")
struct OperationTablePipelineTests {
    typealias Call = SignedStage.Call

    /// Each call, and what a user allowed its action gets (404 for the function that does not exist).
    static let calls: [(Call, allowedStatus: Int)] = [
        (Call(service: .lambda, operation: "ListFunctions", method: .get, target: "/2015-03-31/functions", body: ""), 200),
        (Call(service: .lambda, operation: "GetFunction", method: .get, target: "/2015-03-31/functions/walked", body: ""), 404),
        (Call(service: .lambda, operation: "Invoke", method: .post, target: "/2015-03-31/functions/walked/invocations", body: "{}"), 404),
        (Call(service: .iam, operation: "ListUsers", method: .post, target: "/", body: "Action=ListUsers&Version=2010-05-08"), 200),
        (Call(service: .iam, operation: "CreateUser", method: .post, target: "/", body: "Action=CreateUser&UserName=walked&Version=2010-05-08"), 200),
        (
            Call(
                service: .sts, operation: "AssumeRole", method: .post, target: "/",
                body: "Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A{account}%3Arole%2Fwalked&RoleSessionName=walk&Version=2011-06-15"
            ), 200
        ),
    ]

    @Test(arguments: calls)
    func anUnprivilegedUserIsRefusedAndAnAllowedOneIsNot(_ call: Call, allowedStatus: Int) async throws {
        let stage = try await SignedStage.make()
        let operation = try #require(stage.bench.service(call.service).operations.first { $0.name == call.operation })

        let refusedUser = try await stage.bench.user()
        let refused = await stage.send(call, signedWith: try await stage.keys(of: refusedUser))
        #expect(refused.status == 403)
        #expect(SignedStage.errorCode(refused, of: call.service) == (call.service == .lambda ? "AccessDeniedException" : "AccessDenied"))
        #expect(String(decoding: refused.body, as: UTF8.self).contains("is not authorized to perform: \(operation.action)"))
        let event = try #require(try stage.lastEvent())
        #expect(event["errorCode"]?.stringValue == SignedStage.errorCode(refused, of: call.service))
        #expect(event["eventSource"]?.stringValue == "\(call.service.rawValue).amazonaws.com")
        #expect(event["userIdentity"]?["userName"]?.stringValue == refusedUser.userName)

        let allowedUser = try await stage.bench.user()
        try await stage.bench.grant(WalkPolicy.allowing([operation.action]), to: allowedUser)
        let allowed = await stage.send(call, signedWith: try await stage.keys(of: allowedUser))
        #expect(allowed.status == allowedStatus, "\(String(decoding: allowed.body, as: UTF8.self))")
        #expect(SignedStage.errorCode(allowed, of: call.service).map { !$0.hasPrefix("AccessDenied") } ?? true)
    }

    @Test func theIdentityOperationsOfSTSAnswerAUserWithoutPolicies() async throws {
        let stage = try await SignedStage.make()
        let keys = try await stage.keys(of: try await stage.bench.user())
        for action in ["GetCallerIdentity", "GetSessionToken"] {
            let call = Call(service: .sts, operation: action, method: .post, target: "/", body: "Action=\(action)&Version=2011-06-15")
            let response = await stage.send(call, signedWith: keys)
            #expect(response.status == 200, "\(action): \(String(decoding: response.body, as: UTF8.self))")
        }
    }
}
