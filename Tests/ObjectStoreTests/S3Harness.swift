import AWSWire
import BulwarkCore
import Crypto
import Foundation
import GRDB
import HTTPTypes
import IAM
import KMS
import Store
import Testing

@testable import ObjectStore

/// S3 over a real store, driven by wire requests as the pipeline drives it after authentication:
/// route (``S3Router``), decode (the rest-xml codec), resolve, handle, encode — the answer as the
/// client reads it, errors included.
struct S3Harness {
    let service: ObjectStoreService
    let codec: any WireCodec
    let database: BulwarkDatabase
    let objects: URL
    let bodies: ObjectBodyStore
    static let accountID = "123456789012"

    init() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("s3-\(UUID().uuidString)")
        database = try BulwarkDatabase(directory: directory, schemas: [.iam, .kms, .objectStore])
        objects = directory.appendingPathComponent("objects")
        bodies = try ObjectBodyStore(directory: objects, masterKey: MasterKey(SymmetricKey(size: .bits256)))
        service = ObjectStoreService(database: database, bodies: bodies, baseDomain: "s3.localhost")
        guard let codec = service.codec else { throw StoreError.unavailable("S3 has no codec") }
        self.codec = codec
    }

    var context: CallContext {
        CallContext(
            requestID: "req-1",
            principal: Principal(kind: .root, accountID: Self.accountID, arn: "arn:aws:iam::\(Self.accountID):root", principalID: Self.accountID),
            accessKeyID: "AKIATEST", region: "us-east-1", sourceIP: "192.0.2.1", userAgent: "tests", isSecureTransport: false,
            receivedAt: Date(), presigner: URLPresigner { path, _, _ in path })
    }

    /// One request, answered as the edge would answer it.
    func send(
        _ method: HTTPRequest.Method, _ target: String, headers: [String: String] = [:], body: Data = Data(), host: String = "127.0.0.1:4566"
    ) async -> WireResponse {
        var request = WireRequest(method: method, target: target, body: body)
        request.headers[.hostHeader] = host
        for (name, value) in headers { request.headers[HTTPField.Name(name)!] = value }
        do {
            guard let match = codec.match(request), let operation = service.operations.first(where: { $0.name == match.operation.name }) else {
                return codec.encodeError(AWSError(code: "MethodNotAllowed", message: "no operation", status: 405), requestID: "req-1")
            }
            var context = context
            let prepared = try operation.prepare(try codec.readInput(request, match: match), context: context)
            context.resolution = try await ResourceResolver(authorities: service.authorities).resolve(prepared.references, context: context)
            return codec.encodeOutput(try await prepared.execute(context), operation: match.operation, requestID: "req-1")
        } catch let error as AWSError {
            return codec.encodeError(error, requestID: "req-1")
        } catch {
            return codec.encodeError(AWSError(code: "InternalError", message: "\(error)", status: 500), requestID: "req-1")
        }
    }

    /// The checks the authorize stage would ask of a request, on what the resolve stage finds.
    func checks(_ method: HTTPRequest.Method, _ target: String, headers: [String: String] = [:]) async throws -> [AuthorizationCheck] {
        var request = WireRequest(method: method, target: target, body: Data())
        request.headers[.hostHeader] = "127.0.0.1:4566"
        for (name, value) in headers { request.headers[HTTPField.Name(name)!] = value }
        let match = try #require(codec.match(request))
        let operation = try #require(service.operations.first { $0.name == match.operation.name })
        let prepared = try operation.prepare(try codec.readInput(request, match: match), context: context)
        let resolution = try await ResourceResolver(authorities: service.authorities).resolve(prepared.references, context: context)
        return try prepared.checks(given: resolution)
    }

    /// The files under the object directory (bodies and any left-over upload).
    func files() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: objects.path).sorted()
    }

    /// The rows of `s3Object`, as (bucket, key, objectID).
    func rows() async throws -> [[String]] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT bucket, key, objectID FROM s3Object ORDER BY bucket, key").map {
                [$0["bucket"], $0["key"], $0["objectID"]]
            }
        }
    }
}

extension WireResponse {
    var text: String { String(decoding: body, as: UTF8.self) }

    /// The error code of an S3 `<Error>` document.
    var errorCode: String? {
        XMLTree.parse(body).flatMap { $0.name == "Error" ? $0.children(named: "Code").first?.text : nil }
    }
}
