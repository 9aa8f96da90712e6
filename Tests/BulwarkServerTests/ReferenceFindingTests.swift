import AWSWire
import BulwarkCore
import Foundation
import HTTPTypes
import IAM
import Store
import Testing

@testable import BulwarkServer
@testable import Lambda

/// The reproductions of issue #8's findings, through the whole pipeline with signed requests: each
/// is now refused, and what is refused is what AWS refuses.
@Suite("Issue #8: ARN variants do not pass denies")
struct ReferenceFindingTests {
    typealias Call = SignedStage.Call

    static func urlEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_.~"))) ?? text
    }

    static func policy(_ statements: String...) -> String {
        #"{"Version":"2012-10-17","Statement":[\#(statements.joined(separator: ","))]}"#
    }

    static func trustingTheAccount(_ account: String) -> String {
        policy(#"{"Effect":"Allow","Principal":{"AWS":"\#(account)"},"Action":"sts:AssumeRole"}"#)
    }

    /// A role of the account with AdministratorAccess-like rights that the account's users may assume when allowed.
    static func createRole(_ name: String, path: String = "/", in stage: SignedStage) async throws {
        try await stage.bench.database.iam.create(
            IAMPrincipalRecord(
                kind: .role, accountID: stage.bench.accountID, name: name, uniqueID: "AROA\(name.uppercased())", path: path,
                createdAt: stage.bench.samples.time, trustPolicy: trustingTheAccount(stage.bench.accountID))
        )
    }

    static func assumeRole(_ arn: String) -> Call {
        Call(
            service: .sts, operation: "AssumeRole", method: .post, target: "/",
            body: "Action=AssumeRole&RoleArn=\(urlEncoded(arn))&RoleSessionName=xx&Version=2011-06-15")
    }

    static func body(_ response: WireResponse) -> String { String(decoding: response.body, as: UTF8.self) }

    // MARK: Finding 1 — AssumeRole escalates to any role

    @Test func finding1AssumeRoleThroughAnARNWhereNoRoleIsIsRefused() async throws {
        let stage = try await SignedStage.make()
        let account = stage.bench.accountID
        try await Self.createRole("admin", in: stage)
        let user = try await stage.bench.user()
        try await stage.bench.grant(
            Self.policy(#"{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::\#(account):role/dev/*"}"#), to: user)
        let response = await stage.send(Self.assumeRole("arn:aws:iam::\(account):role/dev/admin"), signedWith: try await stage.keys(of: user))
        #expect(response.status == 403)
        #expect(SignedStage.errorCode(response, of: .sts) == "AccessDenied")
        #expect(!Self.body(response).contains("assumed-role/admin"))
        // The trail names no role: none was found at that ARN.
        let event = try #require(try stage.lastEvent())
        #expect(event["resources"] == nil)
        #expect(event["errorCode"]?.stringValue == "AccessDenied")
    }

    @Test(arguments: ["role/ADMIN", "role/Admin", "role/anything/admin", "role//admin", "role/./admin"])
    func finding1AnExplicitDenyOnTheRoleIsNotPassedByAVariantOfItsPath(_ resource: String) async throws {
        let stage = try await SignedStage.make()
        let account = stage.bench.accountID
        try await Self.createRole("admin", in: stage)
        let user = try await stage.bench.user()
        try await stage.bench.grant(
            Self.policy(
                #"{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}"#,
                #"{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"arn:aws:iam::\#(account):role/admin"}"#), to: user)
        let response = await stage.send(Self.assumeRole("arn:aws:iam::\(account):\(resource)"), signedWith: try await stage.keys(of: user))
        #expect(response.status == 403, "\(Self.body(response))")
        #expect(!Self.body(response).contains("<AccessKeyId>"))
    }

    @Test(arguments: ["awsx", "aws-cn", "aws-us-gov"])
    func finding1AnotherPartitionReachesNoRole(_ partition: String) async throws {
        let stage = try await SignedStage.make()
        let account = stage.bench.accountID
        try await Self.createRole("admin", in: stage)
        let user = try await stage.bench.user()
        try await stage.bench.grant(
            Self.policy(
                #"{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}"#,
                #"{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"arn:aws:iam::\#(account):role/admin"}"#), to: user)
        let response = await stage.send(
            Self.assumeRole("arn:\(partition):iam::\(account):role/admin"), signedWith: try await stage.keys(of: user))
        #expect(response.status == 403, "\(Self.body(response))")
        #expect(!Self.body(response).contains("<AccessKeyId>"))
    }

    @Test func finding1TheTrailNamesTheRoleActuallyAssumed() async throws {
        let stage = try await SignedStage.make()
        let account = stage.bench.accountID
        try await Self.createRole("deploy", path: "/ci/", in: stage)
        let user = try await stage.bench.user()
        try await stage.bench.grant(Self.policy(#"{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}"#), to: user)
        let arn = "arn:aws:iam::\(account):role/ci/deploy"
        let response = await stage.send(Self.assumeRole(arn), signedWith: try await stage.keys(of: user))
        #expect(response.status == 200, "\(Self.body(response))")
        let event = try #require(try stage.lastEvent())
        #expect(event["resources"] == .array([.object(["ARN": .string(arn), "accountId": .string(account), "type": "AWS::IAM::Role"])]))
        let assumed = event["responseElements"]?["assumedRoleUser"]
        #expect(assumed?["arn"]?.stringValue == "arn:aws:sts::\(account):assumed-role/deploy/xx")
        #expect(assumed?["assumedRoleId"]?.stringValue == "AROADEPLOY:xx")
        // The trail never records the secret of the credentials issued.
        let answer = Self.body(response)
        let secret = try #require(
            answer.range(of: "<SecretAccessKey>").flatMap { start in
                answer.range(of: "</SecretAccessKey>").map { String(answer[start.upperBound..<$0.lowerBound]) }
            })
        #expect(!String(decoding: event.serialized(), as: UTF8.self).contains(secret))
    }

    // MARK: Finding 2 — Lambda ARNs with any partition reach the real function

    static func createFunction(_ name: String, tags: [String: String] = [:], in stage: SignedStage) async throws {
        try await stage.bench.createFunction(name, tags: tags)
    }

    static func denyingSecret(_ account: String) -> String {
        policy(
            #"{"Effect":"Allow","Action":"lambda:*","Resource":"*"}"#,
            #"{"Effect":"Deny","Action":"lambda:*","Resource":["arn:aws:lambda:*:*:function:secret","arn:aws:lambda:*:*:function:secret:*"]}"#)
    }

    @Test(arguments: ["awsx", "", "aws-cn", "AWS"])
    func finding2AnotherPartitionReachesNoFunction(_ partition: String) async throws {
        let stage = try await SignedStage.make()
        let account = stage.bench.accountID
        try await Self.createFunction("secret", in: stage)
        let user = try await stage.bench.user()
        try await stage.bench.grant(Self.denyingSecret(account), to: user)
        let keys = try await stage.keys(of: user)
        let arn = Self.urlEncoded("arn:\(partition):lambda:us-east-1:\(account):function:secret")
        let calls = [
            Call(service: .lambda, operation: "GetFunction", method: .get, target: "/2015-03-31/functions/\(arn)", body: ""),
            Call(service: .lambda, operation: "Invoke", method: .post, target: "/2015-03-31/functions/\(arn)/invocations", body: "{}"),
            Call(
                service: .lambda, operation: "UpdateFunctionConfiguration", method: .put,
                target: "/2015-03-31/functions/\(arn)/configuration", body: #"{"Description":"owned"}"#),
            Call(
                service: .lambda, operation: "AddPermission", method: .post, target: "/2015-03-31/functions/\(arn)/policy",
                body: #"{"StatementId":"x","Action":"lambda:InvokeFunction","Principal":"*"}"#),
            Call(service: .lambda, operation: "DeleteFunction", method: .delete, target: "/2015-03-31/functions/\(arn)", body: ""),
        ]
        for call in calls {
            let response = await stage.send(call, signedWith: keys)
            #expect((400..<500).contains(response.status), "\(call): \(response.status) \(Self.body(response))")
            #expect(
                ["ResourceNotFoundException", "ValidationException", "AccessDeniedException"].contains(SignedStage.errorCode(response, of: .lambda)),
                "\(call): \(Self.body(response))")
        }
        // The function is as it was.
        let stored = try #require(
            try await stage.bench.database.functions.version(FunctionKey(accountID: account, region: "us-east-1", name: "secret"), "$LATEST"))
        #expect(stored.revisionID == "r1")
        #expect(try await stage.bench.database.functionPolicies.policy(of: stored.key, qualifier: "$LATEST") == nil)
    }

    @Test func finding2TheCanonicalARNIsDeniedAndTagConditionsSeeTheFunctionsTags() async throws {
        let stage = try await SignedStage.make()
        let account = stage.bench.accountID
        try await Self.createFunction("secret", tags: ["team": "vault"], in: stage)
        let denied = try await stage.bench.user()
        try await stage.bench.grant(Self.denyingSecret(account), to: denied)
        let get = Call(service: .lambda, operation: "GetFunction", method: .get, target: "/2015-03-31/functions/secret", body: "")
        #expect((await stage.send(get, signedWith: try await stage.keys(of: denied))).status == 403)

        let tagged = try await stage.bench.user()
        try await stage.bench.grant(
            Self.policy(
                #"{"Effect":"Allow","Action":"lambda:*","Resource":"*"}"#,
                #"{"Effect":"Deny","Action":"lambda:*","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"vault"}}}"#), to: tagged)
        let taggedKeys = try await stage.keys(of: tagged)
        let qualified = Self.urlEncoded("arn:aws:lambda:us-east-1:\(account):function:secret:$LATEST")
        for target in ["/2015-03-31/functions/secret", "/2015-03-31/functions/\(qualified)"] {
            let response = await stage.send(
                Call(service: .lambda, operation: "GetFunction", method: .get, target: target, body: ""), signedWith: taggedKeys)
            #expect(response.status == 403, "\(target): \(Self.body(response))")
        }
        let event = try #require(try stage.lastEvent())
        #expect(event["resources"]?.arrayValue?.first?["ARN"]?.stringValue == "arn:aws:lambda:us-east-1:\(account):function:secret:$LATEST")
    }

    // MARK: Finding 3 — IAM names matched case-insensitively but judged as typed

    @Test func finding3ANameDifferingInCaseIsJudgedAsTheStoredEntity() async throws {
        let stage = try await SignedStage.make()
        let account = stage.bench.accountID
        try await Self.createRole("admin", in: stage)
        try await stage.bench.database.iam.create(
            IAMPrincipalRecord(kind: .user, accountID: account, name: "ops", uniqueID: "AIDAOPS", path: "/", createdAt: stage.bench.samples.time))
        let user = try await stage.bench.user()
        try await stage.bench.grant(
            Self.policy(
                #"{"Effect":"Allow","Action":"*","Resource":"*"}"#,
                #"{"Effect":"Deny","Action":"iam:*","Resource":["arn:aws:iam::\#(account):role/admin","arn:aws:iam::\#(account):user/ops"]}"#),
            to: user)
        let keys = try await stage.keys(of: user)
        let document = Self.urlEncoded(Self.policy(#"{"Effect":"Allow","Action":"*","Resource":"*"}"#))
        let put = Call(
            service: .iam, operation: "PutRolePolicy", method: .post, target: "/",
            body: "Action=PutRolePolicy&RoleName=Admin&PolicyName=owned&PolicyDocument=\(document)&Version=2010-05-08")
        let putResponse = await stage.send(put, signedWith: keys)
        #expect(putResponse.status == 403, "\(Self.body(putResponse))")
        #expect(Self.body(putResponse).contains("arn:aws:iam::\(account):role/admin"))
        #expect(try await stage.bench.database.iam.inlinePolicies(of: .role, "admin", accountID: account).isEmpty)

        let get = Call(
            service: .iam, operation: "GetUserPolicy", method: .post, target: "/",
            body: "Action=GetUserPolicy&UserName=OPS&PolicyName=x&Version=2010-05-08")
        let getResponse = await stage.send(get, signedWith: keys)
        #expect(getResponse.status == 403, "\(Self.body(getResponse))")
        #expect(Self.body(getResponse).contains("arn:aws:iam::\(account):user/ops"))
    }

    // MARK: The cost of the resolve stage

    @Test func aGetFunctionByAnIAMUserReadsTheStoreAtMostTwice() async throws {
        let stage = try await SignedStage.make()
        try await Self.createFunction("hello", in: stage)
        let user = try await stage.bench.user()
        try await stage.bench.grant(WalkPolicy.allowing(["lambda:GetFunction"]), to: user)
        let keys = try await stage.keys(of: user)
        let get = Call(service: .lambda, operation: "GetFunction", method: .get, target: "/2015-03-31/functions/hello", body: "")
        let before = stage.bench.database.readTransactionCount
        let response = await stage.send(get, signedWith: keys)
        let reads = stage.bench.database.readTransactionCount - before
        #expect(response.status == 200, "\(Self.body(response))")
        #expect(reads <= 2, "GetFunction made \(reads) read transactions")

        // Nothing changed since: the key, its policies and the function are known without a read.
        let again = stage.bench.database.readTransactionCount
        #expect((await stage.send(get, signedWith: keys)).status == 200)
        #expect(stage.bench.database.readTransactionCount == again)
    }

    @Test func aPolicyTakenAwayDeniesTheVeryNextRequest() async throws {
        let stage = try await SignedStage.make()
        try await Self.createFunction("hello", in: stage)
        let user = try await stage.bench.user()
        try await stage.bench.grant(WalkPolicy.allowing(["lambda:GetFunction"]), to: user)
        let keys = try await stage.keys(of: user)
        let get = Call(service: .lambda, operation: "GetFunction", method: .get, target: "/2015-03-31/functions/hello", body: "")
        #expect((await stage.send(get, signedWith: keys)).status == 200)
        #expect((await stage.send(get, signedWith: keys)).status == 200)

        try await stage.bench.grant(WalkPolicy.allowing(["lambda:ListFunctions"]), to: user)

        let denied = await stage.send(get, signedWith: keys)
        #expect(denied.status == 403, "\(Self.body(denied))")
    }

    // MARK: GetAccessKeyLastUsed

    @Test func theUseOfAKeyIsRecordedOffTheRequestPath() async throws {
        let stage = try await SignedStage.make()
        let user = try await stage.bench.user()
        try await stage.bench.grant(WalkPolicy.allowing(["lambda:ListFunctions"]), to: user)
        let keys = try await stage.keys(of: user)
        #expect(try await stage.bench.database.credentials.lastUse(of: keys.accessKeyID)?.date == nil)
        let list = Call(service: .lambda, operation: "ListFunctions", method: .get, target: "/2015-03-31/functions", body: "")
        #expect((await stage.send(list, signedWith: keys)).status == 200)
        await stage.pipeline.keyUses?.flush()
        let use = try #require(try await stage.bench.database.credentials.lastUse(of: keys.accessKeyID))
        #expect(abs((use.date ?? .distantPast).timeIntervalSince(stage.bench.samples.time)) < 0.01)
        #expect(use.service == "lambda" && use.region == "us-east-1")
    }
}

/// Principals named in resource-based policies are bound to the unique ids of the users and roles
/// they name when the policy is saved (found by the attacker's review): a namesake created later is
/// not trusted, a renamed user still is, and a principal that does not exist is refused.
@Suite("Resource policies trust entities, not names")
struct PrincipalBindingTests {
    typealias Call = SignedStage.Call

    static func user(_ name: String, id: String, in stage: SignedStage) async throws -> Principal {
        let record = IAMPrincipalRecord(
            kind: .user, accountID: stage.bench.accountID, name: name, uniqueID: id, path: "/", createdAt: stage.bench.samples.time)
        try await stage.bench.database.iam.create(record)
        return Principal(kind: .iamUser, accountID: record.accountID, arn: record.arn, principalID: id, userName: name)
    }

    /// Runs an operation's handler as the account's root, as the pipeline would after authorization.
    static func asRoot(_ walked: WalkedService, _ operation: String, _ input: JSONValue, in stage: SignedStage) async throws -> BenchCall {
        let service = stage.bench.service(walked)
        let declared = try #require(service.operations.first { $0.name == operation })
        return await stage.bench.call(declared, input: input, by: .root(accountID: stage.bench.accountID), creating: true)
    }

    @Test func aRoleDoesNotTrustANamesakeOfTheUserItsTrustPolicyNamed() async throws {
        let stage = try await SignedStage.make()
        let account = stage.bench.accountID
        let bob = try await Self.user("bob", id: "AIDABOBFIRST", in: stage)
        let trust =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::\#(account):user/bob"},"Action":"sts:AssumeRole"}]}"#
        let created = try await Self.asRoot(.iam, "CreateRole", ["RoleName": "vault", "AssumeRolePolicyDocument": .string(trust)], in: stage)
        guard case .success = created.handled else {
            Issue.record("CreateRole failed: \(String(describing: created.handled))")
            return
        }
        let assume = ReferenceFindingTests.assumeRole("arn:aws:iam::\(account):role/vault")
        let bobsKeys = try await stage.keys(of: bob)
        #expect((await stage.send(assume, signedWith: bobsKeys)).status == 200)

        try await stage.bench.database.credentials.deleteAccessKey(bobsKeys.accessKeyID, userName: "bob", accountID: account)
        try await stage.bench.database.iam.delete(.user, accountID: account, name: "bob")
        let namesake = try await Self.user("bob", id: "AIDABOBSECOND", in: stage)
        let refused = await stage.send(assume, signedWith: try await stage.keys(of: namesake))
        #expect(refused.status == 403, "\(ReferenceFindingTests.body(refused))")
    }

    @Test func aTrustPolicyNamingNobodyIsRefused() async throws {
        let stage = try await SignedStage.make()
        let account = stage.bench.accountID
        let trust =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::\#(account):user/nobody"},"Action":"sts:AssumeRole"}]}"#
        let created = try await Self.asRoot(.iam, "CreateRole", ["RoleName": "vault", "AssumeRolePolicyDocument": .string(trust)], in: stage)
        guard case .failure(let error as AWSError) = created.handled else {
            Issue.record("CreateRole was not refused: \(String(describing: created.handled))")
            return
        }
        #expect(error.code == "MalformedPolicyDocument")
        #expect(error.message == "Invalid principal in policy: \"AWS\":\"arn:aws:iam::\(account):user/nobody\"")
    }

    @Test func aFunctionPolicyFollowsARenamedUserAndNotANewcomerOfItsName() async throws {
        let stage = try await SignedStage.make()
        let account = stage.bench.accountID
        try await stage.bench.createFunction("ledger")
        _ = try await Self.user("carol", id: "AIDACAROLFIRST", in: stage)
        let added = try await Self.asRoot(
            .lambda, "AddPermission",
            [
                "FunctionName": "ledger", "StatementId": "carol", "Action": "lambda:GetPolicy",
                "Principal": .string("arn:aws:iam::\(account):user/carol"),
            ], in: stage)
        guard case .success = added.handled else {
            Issue.record("AddPermission failed: \(String(describing: added.handled))")
            return
        }
        let renamed = try await Self.asRoot(.iam, "UpdateUser", ["UserName": "carol", "NewUserName": "carol-old"], in: stage)
        guard case .success = renamed.handled else {
            Issue.record("UpdateUser failed: \(String(describing: renamed.handled))")
            return
        }
        let carolNow = Principal(
            kind: .iamUser, accountID: account, arn: "arn:aws:iam::\(account):user/carol-old", principalID: "AIDACAROLFIRST", userName: "carol-old")
        let newcomer = try await Self.user("carol", id: "AIDACAROLSECOND", in: stage)
        let getPolicy = Call(service: .lambda, operation: "GetPolicy", method: .get, target: "/2015-03-31/functions/ledger/policy", body: "")
        #expect((await stage.send(getPolicy, signedWith: try await stage.keys(of: carolNow))).status == 200)
        #expect((await stage.send(getPolicy, signedWith: try await stage.keys(of: newcomer))).status == 403)
    }
}
