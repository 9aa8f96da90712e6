// The cost of one authorization decision (issue #4): the authorize stage of the pipeline for
// typical callers, over a real store, and the policy evaluation alone.
//
//     make bench        # benchmarks/run.py runs it as `bulwark-benchmarks --json <file>`
//
// Numbers are recorded in docs/PERFORMANCE.md.

import AWSWire
import BenchmarkSupport
import BulwarkCore
import CloudWatch
import Foundation
import HTTPTypes
import IAM
import Logs
import Store

let accountID = "111122223333"
let iterations = 5_000

/// What each case measured, for `--json <file>` (benchmarks/run.py collects it).
struct MicroResult: Encodable {
    let name: String
    let latency_us: LatencySummary
}
nonisolated(unsafe) var results: [MicroResult] = []

/// Runs `body` `iterations` times after a warm-up and prints the median and 99th percentile.
func measure(_ name: String, _ body: () async throws -> Bool) async throws {
    for _ in 0..<200 { _ = try await body() }
    var latencies = LatencyRecorder()
    var allowed = 0
    for _ in 0..<iterations {
        let start = monotonicNanoseconds()
        if try await body() { allowed += 1 }
        latencies.record(nanoseconds: monotonicNanoseconds() - start)
    }
    let summary = latencies.summary
    results.append(MicroResult(name: name, latency_us: summary))
    let padded = name.padding(toLength: 58, withPad: " ", startingAt: 0)
    print(
        "\(padded) median \(String(format: "%7.1f", summary.median)) µs   p99 \(String(format: "%7.1f", summary.p99)) µs   (\(allowed)/\(iterations) allowed)"
    )
}

func context(_ principal: Principal) -> CallContext {
    CallContext(
        requestID: "bench", principal: principal, accessKeyID: "AKIABENCHBENCHBENCH0", region: "us-east-1", sourceIP: "10.1.2.3",
        userAgent: "bench", isSecureTransport: true, receivedAt: Date(), presigner: URLPresigner { path, _, _ in path }
    )
}

/// Calls an IAM operation as the pipeline would once authorized: on what its references resolve to.
func call(_ iam: IAMService, _ name: String, _ input: some Encodable, as root: CallContext) async throws {
    guard let operation = iam.operations.first(where: { $0.name == name }) else { fatalError("no \(name)") }
    var context = root
    let prepared = try operation.prepare(ShapeCoding.encode(input), context: context)
    context.resolution = try await ResourceResolver(authorities: iam.authorities).resolve(prepared.references, context: context)
    _ = try await prepared.execute(context)
}

func policy(_ statements: String) -> String { #"{"Version":"2012-10-17","Statement":[\#(statements)]}"# }

/// Every case, set up and measured inside one nonisolated function: the closures it times are then
/// not isolated to the main actor (as closures of top-level code are), so an iteration runs on the
/// executor of the timing loop instead of hopping to the main thread and back, as the pipeline calls
/// the authorizer (decision 0026).
func runMicroBenchmarks() async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-bench-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    let database = try BulwarkDatabase(directory: directory, schemas: [.iam])
    try await database.accounts.bootstrap(
        AccountRecord(id: accountID, createdAt: Date()),
        rootKey: AccessKeyRecord(
            accessKeyID: "AKIABENCHBENCHBENCH0", secretAccessKey: String(repeating: "s", count: 40), accountID: accountID, userName: nil,
            status: .active, createdAt: Date()
        )
    )
    let iam = IAMService(database: database)
    let root = context(.root(accountID: accountID))
    let function = "arn:aws:lambda:us-east-1:\(accountID):function:hello"

    // A developer: two inline policies, one managed policy, a group with its own policy.
    let invokeHello = policy(#"{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"\#(function)"}"#)
    let noDeleteWithoutMFA = policy(
        #"{"Effect":"Deny","Action":"lambda:Delete*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}"#)
    let ownFunctions = policy(
        #"{"Effect":"Allow","Action":["lambda:UpdateFunctionCode","lambda:PublishVersion"],"Resource":"arn:aws:lambda:*:\#(accountID):function:${aws:username}-*"}"#
    )
    try await call(iam, "CreateUser", IAMAPI.CreateUserRequest(userName: "dev"), as: root)
    try await call(iam, "PutUserPolicy", IAMAPI.PutUserPolicyRequest(userName: "dev", policyName: "invoke", policyDocument: invokeHello), as: root)
    try await call(
        iam, "PutUserPolicy", IAMAPI.PutUserPolicyRequest(userName: "dev", policyName: "no-delete", policyDocument: noDeleteWithoutMFA), as: root)
    try await call(
        iam, "AttachUserPolicy", IAMAPI.AttachUserPolicyRequest(userName: "dev", policyArn: "arn:aws:iam::aws:policy/AWSLambda_ReadOnlyAccess"),
        as: root)
    try await call(iam, "CreateGroup", IAMAPI.CreateGroupRequest(groupName: "devs"), as: root)
    try await call(iam, "PutGroupPolicy", IAMAPI.PutGroupPolicyRequest(groupName: "devs", policyName: "own", policyDocument: ownFunctions), as: root)
    try await call(iam, "AddUserToGroup", IAMAPI.AddUserToGroupRequest(groupName: "devs", userName: "dev"), as: root)
    guard let user = try await database.iam.principal(.user, accountID: accountID, name: "dev") else { fatalError("no user") }
    let developer = context(Principal(kind: .iamUser, accountID: accountID, arn: user.arn, principalID: user.uniqueID, userName: "dev"))

    // A function's execution role session: AWSLambdaBasicExecutionRole plus an inline policy.
    let trust = policy(#"{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}"#)
    let listFunctions = policy(#"{"Effect":"Allow","Action":"lambda:ListFunctions","Resource":"*"}"#)
    try await call(iam, "CreateRole", IAMAPI.CreateRoleRequest(roleName: "hello-role", assumeRolePolicyDocument: trust), as: root)
    try await call(
        iam, "AttachRolePolicy",
        IAMAPI.AttachRolePolicyRequest(roleName: "hello-role", policyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"),
        as: root)
    try await call(
        iam, "PutRolePolicy", IAMAPI.PutRolePolicyRequest(roleName: "hello-role", policyName: "list", policyDocument: listFunctions), as: root)
    let sessions = ServiceRoleSessions(database: database, clock: .system)
    let issued = try await sessions.issue(
        ServiceRoleSessions.Assumption(
            service: "lambda.amazonaws.com", roleARN: "arn:aws:iam::\(accountID):role/hello-role", sourceARN: function, sourceAccount: accountID),
        sessionName: "hello", duration: 3600, sourceFunctionARN: function)
    let lookup = try await AccessKeyLookup(database: database, clock: .system).secret(
        forAccessKeyID: issued.accessKeyID, sessionToken: issued.sessionToken)
    guard case .found(_, let owner) = lookup else { fatalError("no session") }
    let roleSession = context(owner.principal)

    // The authorize stage reads nothing: the caller's policies come with its key (read once here, as
    // authentication reads them with the key), the resource's with the resolve stage.
    let authorizer = Authorizer()
    let identities: [String: CallerPolicies] = [
        root.principal.arn: try await CallerPolicies.current(of: root.principal, in: database),
        developer.principal.arn: try await CallerPolicies.current(of: developer.principal, in: database),
        roleSession.principal.arn: owner.policies,
    ]
    func decide(_ action: String, _ resource: String, _ caller: CallContext) async throws -> Bool {
        guard let identity = identities[caller.principal.arn] else { fatalError("no identity") }
        return try await authorizer.authorize(
            [AuthorizationCheck(action: action, resource: resource)], identity: identity, resolution: .none, context: caller
        ).isAllowed
    }

    print("One authorization decision (\(iterations) runs each, after 200 warm-up runs)")
    try await measure("root: lambda:InvokeFunction") { try await decide("lambda:InvokeFunction", function, root) }
    try await measure("user, 4 policies: lambda:InvokeFunction, allowed") { try await decide("lambda:InvokeFunction", function, developer) }
    try await measure("user, 4 policies: lambda:DeleteFunction, explicit deny") { try await decide("lambda:DeleteFunction", function, developer) }
    try await measure("user, 4 policies: iam:CreateUser, implicit deny") { try await decide("iam:CreateUser", "*", developer) }
    try await measure("function role session: lambda:ListFunctions, allowed") { try await decide("lambda:ListFunctions", "*", roleSession) }

    // The reads around the decision: authentication reads a key with its owner's policies, the resolve
    // stage the entities a call names — one read transaction each.
    let developerKey = AccessKeyRecord(
        accessKeyID: "AKIABENCHDEVELOPER00", secretAccessKey: String(repeating: "d", count: 40), accountID: accountID, userName: "dev",
        status: .active, createdAt: Date())
    try await database.credentials.createAccessKey(developerKey, limit: 2)
    let keys = AccessKeyLookup(database: database, clock: .system)
    try await measure("authentication read: key, user and its 4 policies") {
        if case .found = try await keys.secret(forAccessKeyID: developerKey.accessKeyID, sessionToken: nil) { return true }
        return false
    }
    let resolver = ResourceResolver(authorities: iam.authorities)
    let roleReference = ResourceReference(.iamRole, member: "RoleArn", text: "arn:aws:iam::\(accountID):role/hello-role")
    try await measure("resolve stage: one role by ARN (with its tags and trust policy)") {
        try await resolver.resolve([roleReference], context: developer).resources.first?.exists == true
    }

    // The evaluation alone, with the policies already read and parsed.
    let documents = try [
        policy(#"{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"\#(function)"}"#),
        policy(#"{"Effect":"Deny","Action":"lambda:Delete*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}"#),
        policy(#"{"Effect":"Allow","Action":["lambda:Get*","lambda:List*"],"Resource":"*"}"#),
    ].map { AttachedPolicy(try PolicyDocument.parse($0, kind: .identity), name: "p") }
    let evaluator = PolicyEvaluator()
    let request = EvaluationRequest(
        principal: .user(arn: user.arn, userID: user.uniqueID), action: "lambda:InvokeFunction", resource: function,
        context: .request(time: Date(), sourceIP: "10.1.2.3", secureTransport: true), policies: ApplicablePolicies(identity: documents)
    )
    try await measure("evaluation only (3 parsed policies, no store)") { evaluator.evaluate(request).isAllowed }

    // The evaluation as policies grow: 1, 10 and 100 statements, the matching one last.
    for count in [1, 10, 100] {
        let misses = (0..<count - 1).map { index in
            #"{"Sid":"S\#(index)","Effect":"Allow","Action":"lambda:GetFunction","Resource":"arn:aws:lambda:us-east-1:\#(accountID):function:other-\#(index)"}"#
        }
        let statements = (misses + [#"{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"\#(function)"}"#]).joined(separator: ",")
        let grown = EvaluationRequest(
            principal: .user(arn: user.arn, userID: user.uniqueID), action: "lambda:InvokeFunction", resource: function,
            context: .request(time: Date(), sourceIP: "10.1.2.3", secureTransport: true),
            policies: ApplicablePolicies(identity: [AttachedPolicy(try PolicyDocument.parse(policy(statements), kind: .identity), name: "p")])
        )
        try await measure("evaluation only, one policy of \(count) statement(s)") { evaluator.evaluate(grown).isAllowed }
    }

    // Verifying a request's signature as authentication does (the key lookup answered from memory).
    let signingSecret = String(repeating: "k", count: 40)
    let signer = SigV4Signer(
        credentials: SigV4Credentials(accessKeyID: "AKIABENCHSIGV4000000", secretAccessKey: signingSecret), region: "us-east-1",
        service: "lambda")
    var unsigned = WireRequest(method: .get, target: "/2015-03-31/functions/hello", headers: [HTTPField.Name("Host")!: "localhost:4566"])
    for field in signer.sign(unsigned, at: Date()).headers { unsigned.headers[field.name] = field.value }
    let signedRequest = unsigned
    let verifier = SigV4Verifier(clock: .system)
    let lambdaEndpoint = SigV4Endpoint(service: "lambda", region: "us-east-1")
    try await measure("SigV4 verification of a GetFunction request") {
        (try? await verifier.verify(signedRequest, for: lambdaEndpoint, using: FixedSecret(secret: signingSecret))) != nil
    }

    // S3 payloads: the flexible checksums and the aws-chunked decoder over 256 KiB (MB/s = 262144 / median µs).
    let quarterMebibyte = Data((0..<262_144).map { UInt8(truncatingIfNeeded: $0 &* 31) })
    for algorithm in ChecksumAlgorithm.allCases {
        try await measure("\(algorithm.rawValue) of 256 KiB") {
            ChecksumHasher.checksum(algorithm, of: quarterMebibyte).digest.count == algorithm.digestByteCount
        }
    }
    let chunkChain = SigV4ChunkSignatureChain(
        secretAccessKey: signingSecret, scope: SigV4CredentialScope(date: "20250101", region: "us-east-1", service: "s3"),
        amzDate: "20250101T000000Z", seedSignature: String(repeating: "0", count: 64))
    for mode in SigV4StreamingMode.allCases {
        var encoder = AWSChunkedEncoder(mode: mode, chunkSignatures: chunkChain, trailer: mode.hasTrailer ? .crc32 : nil)
        let chunkedBody = encoder.encode(quarterMebibyte, chunkSize: 65_536)
        try await measure("aws-chunked decode of 256 KiB, 64 KiB chunks, \(mode.rawValue)") {
            guard
                var decoder = try? AWSChunkedDecoder(
                    mode: mode, chunkSignatures: chunkChain, decodedContentLength: quarterMebibyte.count, trailer: mode.hasTrailer ? .crc32 : nil)
            else { return false }
            let ranges = try chunkedBody.withUnsafeBytes { try decoder.decode($0) }
            return try decoder.finish().decodedLength == ranges.reduce(0) { $0 + $1.count }
        }
    }

    // Reading a stored document: parsing one policy.
    guard let readOnly = AWSManagedPolicies.policy(arn: "arn:aws:iam::aws:policy/AWSLambda_ReadOnlyAccess") else { fatalError("no policy") }
    try await measure("parse AWSLambda_ReadOnlyAccess (\(readOnly.document.utf8.count) bytes)") {
        (try? PolicyDocument.parse(readOnly.document, kind: .identity)) != nil
    }
    try await measure("parse a one-statement inline policy") { (try? PolicyDocument.parse(invokeHello, kind: .identity)) != nil }
    let hundredStatements = policy(
        (0..<100).map {
            #"{"Sid":"S\#($0)","Effect":"Allow","Action":["lambda:Get*","lambda:List*"],"Resource":"arn:aws:lambda:*:\#(accountID):function:app-\#($0)-*"}"#
        }
        .joined(separator: ","))
    try await measure("parse a 100-statement policy (\(hundredStatements.utf8.count) bytes)") {
        (try? PolicyDocument.parse(hundredStatements, kind: .identity)) != nil
    }

    // One read of the store, the unit the resolve stage and the key lookup are made of.
    try await measure("one store read (a role that does not exist)") {
        try await database.iam.principal(.role, accountID: accountID, name: "nobody") == nil
    }

    // ListPolicies over every AWS managed policy: the catalog filtered, sorted and paged, the usage counted.
    try await measure("ListPolicies Scope=AWS, a page of 100") {
        try await call(iam, "ListPolicies", IAMAPI.ListPoliciesRequest(scope: "AWS", maxItems: 100), as: root)
        return true
    }

    // A function's log line handed to CloudWatch Logs on the invoke path (decision 0035): an append to
    // a buffer under a lock; the store is written in the background.
    let ingester = LogIngester(database: database)
    let line = [FunctionLogEvent(timestamp: 1_765_000_000_000, message: "START RequestId: 6f2a1e0c-8d4b-4b7e-9a51-2f0c3d9e7b11 Version: $LATEST")]
    try await measure("a function's log line handed to CloudWatch Logs") {
        ingester.append(line, group: "/aws/lambda/bench", stream: "2026/12/08/[$LATEST]0123456789abcdef", accountID: accountID, region: "us-east-1")
        return true
    }

    // What an invocation adds for its AWS/Lambda metrics (decision 0039): four metrics under three dimension
    // sets folded into per-minute statistic sets under a lock; the store is written every 2 s in the background.
    let recorder = LambdaMetricsRecorder(database: database)
    let invoked = FunctionMetricEvent(
        .invoked(durationMilliseconds: 12.5, functionError: false, functionConcurrency: 1, accountConcurrency: 1), accountID: accountID,
        region: "us-east-1", functionName: "bench", qualifier: "live", executedVersion: "3", time: Date())
    try await measure("an invocation's AWS/Lambda metrics recorded (through an alias)") {
        recorder.record(invoked)
        return true
    }
    // A log line that is not EMF costs the extractor a prefix test before the ingester's append.
    let extractor = EmbeddedMetricExtractor(forwardingTo: ingester, aggregator: recorder.aggregator)
    try await measure("a function's log line through the embedded-metric-format extractor") {
        extractor.append(
            line, group: "/aws/lambda/bench", stream: "2026/12/08/[$LATEST]0123456789abcdef", accountID: accountID, region: "us-east-1",
            createsGroup: true)
        return true
    }
}

struct FixedSecret: SigV4CredentialLookup {
    let secret: String
    func secret(forAccessKeyID accessKeyID: String, sessionToken: String?) async throws -> SigV4SecretLookup<Bool> {
        .found(secretAccessKey: secret, identity: true)
    }
}

try await runMicroBenchmarks()

if let flag = CommandLine.arguments.firstIndex(of: "--json"), flag + 1 < CommandLine.arguments.count {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try encoder.encode(results).write(to: URL(fileURLWithPath: CommandLine.arguments[flag + 1]))
}
