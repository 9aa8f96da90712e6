import AWSWire
import BulwarkCore
import Foundation
import Store
import Testing

@testable import IAM

/// The authorize stage over the caller's policies as stored and what the resolve stage found: what
/// applies to each kind of caller, and the request keys it sets.
@Suite("The authorizer over the store")
struct AuthorizerTests {
    let database: BulwarkDatabase
    let authorizer: Authorizer
    static let account = "123456789012"
    static let function = "arn:aws:lambda:us-east-1:123456789012:function:hello"

    init() throws {
        database = try BulwarkDatabase(
            directory: FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-authorizer-\(UUID().uuidString)"), schemas: [.iam])
        authorizer = Authorizer()
    }

    static func allow(_ action: String, _ resource: String = "*", condition: String = "") -> String {
        let when = condition.isEmpty ? "" : #", "Condition": \#(condition)"#
        return #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"\#(action)","Resource":"\#(resource)"\#(when)}]}"#
    }

    static func context(_ principal: Principal, sourceIP: String = "10.1.2.3", secure: Bool = false) -> CallContext {
        CallContext(
            requestID: "r", principal: principal, accessKeyID: "AKIA", region: "us-east-1", sourceIP: sourceIP, userAgent: "t",
            isSecureTransport: secure, receivedAt: Date(), presigner: URLPresigner { path, _, _ in path }
        )
    }

    func makeUser(_ name: String, boundary: String? = nil) async throws -> Principal {
        let record = IAMPrincipalRecord(
            kind: .user, accountID: Self.account, name: name, uniqueID: "AIDA\(name.uppercased())", path: "/", createdAt: Date(),
            permissionsBoundary: boundary
        )
        try await database.iam.create(record)
        return Principal(kind: .iamUser, accountID: Self.account, arn: record.arn, principalID: record.uniqueID, userName: name)
    }

    func makeManagedPolicy(_ name: String, document: String) async throws -> String {
        let arn = "arn:aws:iam::\(Self.account):policy/\(name)"
        try await database.managedPolicies.create(
            ManagedPolicyRecord(
                arn: arn, accountID: Self.account, name: name, policyID: "ANPA\(name.uppercased())", path: "/", description: nil,
                defaultVersion: "v1", nextVersion: 2, createdAt: Date(), updatedAt: Date(), tags: []
            ),
            document: document
        )
        return arn
    }

    func decide(
        _ principal: Principal, _ action: String, _ resource: String, context: CallContext? = nil, resolution: Resolution = .none
    ) async throws -> AuthorizationOutcome {
        try await authorizer.authorize(
            [AuthorizationCheck(action: action, resource: resource)], identity: try await CallerPolicies.current(of: principal, in: database),
            resolution: resolution, context: context ?? Self.context(principal))
    }

    @Test func theRootMayDoAnythingInItsAccount() async throws {
        let outcome = try await decide(.root(accountID: Self.account), "lambda:DeleteFunction", Self.function)
        #expect(outcome.isAllowed)
    }

    @Test func aUserWithoutPoliciesIsDeniedWithAWSsMessage() async throws {
        let dev = try await makeUser("dev")
        let outcome = try await decide(dev, "lambda:DeleteFunction", Self.function)
        #expect(!outcome.isAllowed)
        #expect(
            outcome.denial?.accessDeniedMessage
                == "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: lambda:DeleteFunction on resource: \(Self.function) because no identity-based policy allows the lambda:DeleteFunction action"
        )
        #expect(outcome.explanation.contains("no identity-based policy allows lambda:DeleteFunction"))
    }

    @Test func inlineUserPoliciesAllowExactlyWhatTheyName() async throws {
        let dev = try await makeUser("dev")
        try await database.iam.putInlinePolicy(
            Self.allow("lambda:InvokeFunction", Self.function), named: "invoke", of: .user, "dev", accountID: Self.account)
        #expect(try await decide(dev, "lambda:InvokeFunction", Self.function).isAllowed)
        #expect(try await decide(dev, "lambda:invokefunction", Self.function).isAllowed)
        #expect(try await !decide(dev, "lambda:DeleteFunction", Self.function).isAllowed)
        #expect(try await !decide(dev, "lambda:InvokeFunction", Self.function + "-other").isAllowed)
    }

    @Test func groupAndAttachedManagedPoliciesCount() async throws {
        let dev = try await makeUser("dev")
        try await database.iam.create(
            IAMPrincipalRecord(kind: .group, accountID: Self.account, name: "ops", uniqueID: "AGPAOPS", path: "/", createdAt: Date()))
        try await database.iam.addUser("dev", toGroup: "ops", accountID: Self.account)
        try await database.iam.putInlinePolicy(Self.allow("lambda:GetFunction"), named: "read", of: .group, "ops", accountID: Self.account)
        let managed = try await makeManagedPolicy("list", document: Self.allow("lambda:ListFunctions"))
        try await database.iam.attach(managed, to: .user, "dev", accountID: Self.account, limit: 10)
        #expect(try await decide(dev, "lambda:GetFunction", Self.function).isAllowed)
        #expect(try await decide(dev, "lambda:ListFunctions", "*").isAllowed)
        #expect(try await !decide(dev, "lambda:UpdateFunctionCode", Self.function).isAllowed)
    }

    @Test func anExplicitDenyWinsOverAnAllow() async throws {
        let dev = try await makeUser("dev")
        try await database.iam.putInlinePolicy(Self.allow("lambda:*"), named: "all", of: .user, "dev", accountID: Self.account)
        let deny = #"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"lambda:DeleteFunction","Resource":"*"}]}"#
        try await database.iam.putInlinePolicy(deny, named: "no-delete", of: .user, "dev", accountID: Self.account)
        let outcome = try await decide(dev, "lambda:DeleteFunction", Self.function)
        #expect(!outcome.isAllowed)
        #expect(outcome.denial?.accessDeniedMessage?.hasSuffix("with an explicit deny in an identity-based policy") == true)
        #expect(try await decide(dev, "lambda:GetFunction", Self.function).isAllowed)
    }

    @Test func aPermissionsBoundaryLimitsTheUser() async throws {
        let boundary = try await makeManagedPolicy("boundary", document: Self.allow("lambda:Get*"))
        let dev = try await makeUser("dev", boundary: boundary)
        try await database.iam.putInlinePolicy(Self.allow("lambda:*"), named: "all", of: .user, "dev", accountID: Self.account)
        #expect(try await decide(dev, "lambda:GetFunction", Self.function).isAllowed)
        let outcome = try await decide(dev, "lambda:DeleteFunction", Self.function)
        #expect(outcome.denial?.accessDeniedMessage?.hasSuffix("because no permissions boundary allows the lambda:DeleteFunction action") == true)
    }

    @Test func requestKeysReachConditions() async throws {
        let dev = try await makeUser("dev")
        let onlyFromTheOffice = Self.allow("lambda:GetFunction", condition: #"{"IpAddress":{"aws:SourceIp":"10.1.0.0/16"}}"#)
        try await database.iam.putInlinePolicy(onlyFromTheOffice, named: "office", of: .user, "dev", accountID: Self.account)
        #expect(try await decide(dev, "lambda:GetFunction", Self.function, context: Self.context(dev, sourceIP: "10.1.9.9")).isAllowed)
        #expect(try await !decide(dev, "lambda:GetFunction", Self.function, context: Self.context(dev, sourceIP: "192.0.2.1")).isAllowed)
    }

    @Test("the keys the authentication established (S3's s3:authType) apply to every check of the call")
    func authenticationKeysReachConditions() async throws {
        let dev = try await makeUser("dev")
        try await database.iam.putInlinePolicy(Self.allow("s3:*"), named: "all", of: .user, "dev", accountID: Self.account)
        let noPresigned =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"s3:authType":"REST-QUERY-STRING"}}}]}"#
        try await database.iam.putInlinePolicy(noPresigned, named: "no-presigned", of: .user, "dev", accountID: Self.account)
        var presigned = Self.context(dev)
        presigned.authenticationConditionKeys = ["s3:authType": .single("REST-QUERY-STRING")]
        var header = Self.context(dev)
        header.authenticationConditionKeys = ["s3:authType": .single("REST-HEADER")]
        let object = "arn:aws:s3:::bkt/k"
        #expect(try await !decide(dev, "s3:GetObject", object, context: presigned).isAllowed)
        #expect(try await decide(dev, "s3:GetObject", object, context: header).isAllowed)
        #expect(try await decide(dev, "s3:PutObject", object, context: presigned).isAllowed)
    }

    @Test("a check on an unresolved resource of another account (a key of another account's bucket) is judged cross-account")
    func checkOwnerOfUnresolvedResource() async throws {
        let dev = try await makeUser("dev")
        try await database.iam.putInlinePolicy(Self.allow("s3:*"), named: "all", of: .user, "dev", accountID: Self.account)
        let policies = try await CallerPolicies.current(of: dev, in: database)
        func decide(owner: String?) async throws -> AuthorizationOutcome {
            try await authorizer.authorize(
                [AuthorizationCheck(action: "s3:DeleteObject", resource: "arn:aws:s3:::bkt/k", resourceAccount: owner)], identity: policies,
                resolution: .none, context: Self.context(dev))
        }
        #expect(try await decide(owner: nil).isAllowed)
        #expect(try await decide(owner: Self.account).isAllowed)
        // Another account's bucket without a bucket policy that allows the caller: the identity policy alone allows nothing.
        #expect(try await !decide(owner: "111122223333").isAllowed)
    }

    @Test func mfaKeysFollowTheCredentials() async throws {
        var dev = try await makeUser("dev")
        let mfaOnly = Self.allow("lambda:DeleteFunction", condition: #"{"Bool":{"aws:MultiFactorAuthPresent":"true"}}"#)
        try await database.iam.putInlinePolicy(mfaOnly, named: "mfa", of: .user, "dev", accountID: Self.account)
        #expect(try await !decide(dev, "lambda:DeleteFunction", Self.function).isAllowed)
        dev.session = Principal.Session(
            issuerARN: nil, issuerName: nil, sessionName: nil, issuedAt: Date(), expiresAt: Date().addingTimeInterval(900),
            mfaAuthenticatedAt: nil, policy: nil, tags: [:], sourceFunctionARN: nil
        )
        #expect(try await !decide(dev, "lambda:DeleteFunction", Self.function).isAllowed)
        dev.session?.mfaAuthenticatedAt = Date()
        #expect(try await decide(dev, "lambda:DeleteFunction", Self.function).isAllowed)
    }

    @Test func roleSessionsAreJudgedByTheRoleAndTheirSessionPolicy() async throws {
        let trust =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#
        let role = IAMPrincipalRecord(
            kind: .role, accountID: Self.account, name: "hello-role", uniqueID: "AROAHELLO", path: "/", createdAt: Date(), trustPolicy: trust)
        try await database.iam.create(role)
        try await database.iam.putInlinePolicy(Self.allow("lambda:*"), named: "all", of: .role, "hello-role", accountID: Self.account)
        func session(policy: String?) -> Principal {
            Principal(
                kind: .assumedRole, accountID: Self.account, arn: "arn:aws:sts::\(Self.account):assumed-role/hello-role/hello",
                principalID: "AROAHELLO:hello",
                session: Principal.Session(
                    issuerARN: role.arn, issuerName: role.name, sessionName: "hello", issuedAt: Date(), expiresAt: Date().addingTimeInterval(3600),
                    mfaAuthenticatedAt: nil, policy: policy, tags: [:], sourceFunctionARN: Self.function
                )
            )
        }
        #expect(try await decide(session(policy: nil), "lambda:DeleteFunction", Self.function).isAllowed)
        let narrowed = session(policy: Self.allow("lambda:GetFunction"))
        #expect(try await decide(narrowed, "lambda:GetFunction", Self.function).isAllowed)
        let outcome = try await decide(narrowed, "lambda:DeleteFunction", Self.function)
        #expect(outcome.denial?.accessDeniedMessage?.hasSuffix("because no session policy allows the lambda:DeleteFunction action") == true)
        // The function the credentials belong to is a request key.
        let ownFunctionOnly = Self.allow("lambda:ListFunctions", condition: #"{"ArnEquals":{"lambda:SourceFunctionArn":"\#(Self.function)"}}"#)
        try await database.iam.putInlinePolicy(ownFunctionOnly, named: "all", of: .role, "hello-role", accountID: Self.account)
        #expect(try await decide(session(policy: nil), "lambda:ListFunctions", "*").isAllowed)
    }

    @Test func functionPoliciesAllowOtherAccountsToInvoke() async throws {
        let other = Principal.root(accountID: "210987654321")
        #expect(try await !decide(other, "lambda:InvokeFunction", Self.function).isAllowed)
        let statement =
            #"{"Sid":"other","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":"lambda:InvokeFunction","Resource":"\#(Self.function)"}"#
        // The function as Lambda's authority resolves it: its policy comes with it.
        let function = ResolvedResource(
            reference: ResourceReference(ResourceKind(service: "lambda", type: "function"), member: "FunctionName", text: "hello"),
            arn: Self.function, entity: "hello", accountID: Self.account,
            policy: ResourcePolicy(
                document: #"{"Version":"2012-10-17","Id":"default","Statement":[\#(statement)]}"#, name: "function policy", kind: .resource,
                governedService: "lambda")
        )
        let resolution = Resolution([function])
        #expect(try await decide(other, "lambda:InvokeFunction", Self.function, resolution: resolution).isAllowed)
        #expect(try await !decide(other, "lambda:DeleteFunction", Self.function, resolution: resolution).isAllowed)
        // The policy is the resolved function's: an ARN the resolution did not find has none.
        #expect(try await !decide(other, "lambda:InvokeFunction", Self.function + "-other", resolution: resolution).isAllowed)
    }

    @Test func privateEndpointRequestsNameTheirFunction() async throws {
        let dev = try await makeUser("dev")
        let fromTheFunction = Self.allow("lambda:ListFunctions", condition: #"{"ArnEquals":{"lambda:SourceFunctionArn":"\#(Self.function)"}}"#)
        try await database.iam.putInlinePolicy(fromTheFunction, named: "sandbox", of: .user, "dev", accountID: Self.account)
        let base = Self.context(dev)
        let viaEndpoint = CallContext(
            requestID: "r", principal: dev, accessKeyID: "AKIA", region: "us-east-1", sourceIP: "", userAgent: "t", isSecureTransport: true,
            receivedAt: Date(), presigner: base.presigner, sourceFunctionARN: Self.function
        )
        #expect(try await !decide(dev, "lambda:ListFunctions", "*").isAllowed)
        #expect(try await decide(dev, "lambda:ListFunctions", "*", context: viaEndpoint).isAllowed)
    }

    @Test func awsManagedPoliciesBelongToNoAccount() async throws {
        let managed = "arn:aws:iam::aws:policy/ReadOnlyAccess"
        #expect(try await decide(.root(accountID: Self.account), "iam:GetPolicy", managed).isAllowed)
        let dev = try await makeUser("dev")
        #expect(try await !decide(dev, "iam:GetPolicy", managed).isAllowed)
        try await database.iam.putInlinePolicy(Self.allow("iam:GetPolicy"), named: "read", of: .user, "dev", accountID: Self.account)
        #expect(try await decide(dev, "iam:GetPolicy", managed).isAllowed)
    }

    /// KMS's lockout safety check: a proposed key policy is judged in place of the stored one, in
    /// KMS's mode (the account's IAM policies count only when the key policy allows the account).
    @Test func aProposedKeyPolicyIsJudgedInPlaceOfTheStoredOne() async throws {
        let dev = try await makeUser("dev")
        try await database.iam.putInlinePolicy(Self.allow("kms:*"), named: "kms", of: .user, "dev", accountID: Self.account)
        let key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        func proposing(_ principal: String) -> AuthorizationCheck {
            let document =
                #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"\#(principal)"},"Action":"kms:*","Resource":"*"}]}"#
            return AuthorizationCheck(
                action: "kms:PutKeyPolicy", resource: key,
                proposedPolicy: ResourcePolicy(document: document, name: "new key policy", kind: .keyPolicy, governedService: "kms"))
        }
        let identity = try await CallerPolicies.current(of: dev, in: database)
        let delegating = try await authorizer.authorize(
            [proposing("arn:aws:iam::123456789012:root")], identity: identity, resolution: .none, context: Self.context(dev))
        #expect(delegating.isAllowed)
        let other = try await authorizer.authorize(
            [proposing("arn:aws:iam::123456789012:user/other")], identity: identity, resolution: .none, context: Self.context(dev))
        #expect(!other.isAllowed)
        #expect(other.denial?.accessDeniedMessage?.hasSuffix("because no resource-based policy allows the kms:PutKeyPolicy action") == true)
        // Without a proposed policy, a key the resolution did not find has none: the identity policy alone decides.
        #expect(try await decide(dev, "kms:PutKeyPolicy", key).isAllowed)
    }

    @Test func aCallThatAsksNothingIsRefused() async throws {
        let root = Principal.root(accountID: Self.account)
        let outcome = try await authorizer.authorize([], identity: .none(for: root), resolution: .none, context: Self.context(root))
        #expect(!outcome.isAllowed)
    }
}
