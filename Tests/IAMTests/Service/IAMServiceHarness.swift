import AWSWire
import BulwarkCore
import Foundation
import IAM
import Store
import Testing

/// An IAM service over a fresh temporary database, called the way the pipeline calls it: the input
/// document is validated against the model, then decoded, its references resolved, and the handler
/// run on what they resolved to.
struct IAMServiceHarness {
    static let accountID = "111122223333"

    let service: IAMService
    let database: BulwarkDatabase
    let directory: URL
    let context: CallContext

    static func make(clock: WallClock = .system) async throws -> IAMServiceHarness {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("iam-service-\(UUID().uuidString)")
        let database = try BulwarkDatabase(directory: directory, schemas: [.iam])
        let now = Date()
        try await database.accounts.bootstrap(
            AccountRecord(id: accountID, createdAt: now),
            rootKey: AccessKeyRecord(
                accessKeyID: "AKIAROOTROOTROOTROOT", secretAccessKey: String(repeating: "s", count: 40), accountID: accountID,
                userName: nil, status: .active, createdAt: now
            )
        )
        let service = IAMService(database: database, clock: clock)
        return IAMServiceHarness(service: service, database: database, directory: directory, context: context(.root(accountID: accountID)))
    }

    static func context(_ principal: Principal) -> CallContext {
        CallContext(
            requestID: UUID().uuidString, principal: principal, accessKeyID: "AKIAROOTROOTROOTROOT", region: "us-east-1",
            sourceIP: "127.0.0.1", userAgent: "tests", isSecureTransport: false, receivedAt: Date(),
            presigner: URLPresigner { path, _, _ in path }
        )
    }

    /// The context of a call made by the IAM user `name` of the account.
    func asUser(_ name: String) async throws -> CallContext {
        let user = try #require(try await database.iam.principal(.user, accountID: Self.accountID, name: name))
        return Self.context(
            Principal(kind: .iamUser, accountID: Self.accountID, arn: user.arn, principalID: user.uniqueID, userName: user.name))
    }

    func operation(_ name: String) throws -> ServiceOperation {
        try #require(service.operations.first { $0.name == name }, "no operation \(name)")
    }

    /// The validated input document of a call.
    func document(_ name: String, _ input: some Encodable) throws -> JSONValue {
        let document = ShapeCoding.encode(input)
        let shape = try #require(service.model.operations[name]?.input)
        try ShapeValidator(model: service.model).validate(document, as: shape)
        return document
    }

    @discardableResult
    func call<Output: Decodable>(
        _ name: String, _ input: some Encodable, as output: Output.Type = EmptyOutput.self, context: CallContext? = nil
    ) async throws -> Output {
        var context = context ?? self.context
        let prepared = try operation(name).prepare(try document(name, input), context: context)
        context.resolution = try await resolver.resolve(prepared.references, context: context)
        return try ShapeCoding.decode(Output.self, from: try await prepared.execute(context))
    }

    /// The resolve stage over IAM's entities.
    var resolver: ResourceResolver { ResourceResolver(authorities: service.authorities) }

    /// The resources a call's own action is authorized on.
    func resources(_ name: String, _ input: some Encodable, context: CallContext? = nil) async throws -> [String] {
        let context = context ?? self.context
        let operation = try operation(name)
        let prepared = try operation.prepare(try document(name, input), context: context)
        let resolution = try await resolver.resolve(prepared.references, context: context)
        return try prepared.checks(given: resolution).filter { $0.action == operation.action }.map(\.resource)
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Expects an AWS error with this code and status (and, when given, message).
func expectAWSError(
    _ code: String, status: Int, message: String? = nil, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> Void
) async {
    do {
        try await body()
        Issue.record("expected \(code), got success", sourceLocation: sourceLocation)
    } catch let error as AWSError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        #expect(error.status == status, sourceLocation: sourceLocation)
        if let message { #expect(error.message == message, sourceLocation: sourceLocation) }
    } catch {
        Issue.record("expected \(code), got \(error)", sourceLocation: sourceLocation)
    }
}

/// Policy documents for the tests.
enum Documents {
    static let allowAll = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
    static let readLambda = #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "lambda:Get*", "Resource": "*"}]}"#
    static let trustLambda =
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#
    static let noResource = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]}"#

    /// The document IAM answered, decoded as SDKs decode it.
    static func decoded(_ text: String?) -> String? {
        text?.removingPercentEncoding
    }

    /// A valid identity document of just over `size` non-blank characters.
    static func padded(over size: Int) -> String {
        var resources: [String] = []
        var document = ""
        repeat {
            resources.append(#""arn:aws:s3:::bucket-\#(String(format: "%08d", resources.count))/*""#)
            document =
                #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":[\#(resources.joined(separator: ","))]}]}"#
        } while PolicySizeLimit.size(of: document) <= size
        return document
    }
}
