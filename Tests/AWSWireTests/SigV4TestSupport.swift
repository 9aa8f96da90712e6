import AWSWire
import BulwarkCore
import Foundation
import HTTPTypes
import Testing

/// Shared helpers of the SigV4 tests: fixtures, a request parser, credential lookups, mutations.
enum SigV4Fixtures {
    static let directory = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/sigv4")

    static func text(_ relativePath: String) -> String? {
        try? String(contentsOf: directory.appendingPathComponent(relativePath), encoding: .utf8)
    }

    /// `2015-08-30T12:36:00Z` → `Date`.
    static func date(_ iso8601: String) -> Date {
        AWSTimestamp.parseISO8601(iso8601)!
    }

    /// Parses an HTTP/1.1 request in the suite's text form: a request line whose target may contain
    /// spaces, `Name:value` lines (continuation lines are folded into the value), a blank line, a body.
    static func request(_ text: String) -> WireRequest {
        let (head, body) =
            text.range(of: "\n\n").map { (String(text[..<$0.lowerBound]), String(text[$0.upperBound...])) }
            ?? (text, "")
        var lines = head.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let requestLine = lines.removeFirst()
        let method = String(requestLine.prefix { $0 != " " })
        let target = String(requestLine.dropFirst(method.count + 1).dropLast(" HTTP/1.1".count))

        var fields: [(String, String)] = []
        for line in lines where !line.isEmpty {
            if line.first == " " || line.first == "\t" {
                fields[fields.count - 1].1 += " " + line.trimmingCharacters(in: .whitespaces)
            } else if let colon = line.firstIndex(of: ":") {
                fields.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
            }
        }
        var headers = HTTPFields()
        for (name, value) in fields {
            headers.append(HTTPField(name: HTTPField.Name(name)!, value: value))
        }
        var request = WireRequest(method: HTTPRequest.Method(method)!, target: target, headers: headers, body: Data(body.utf8))
        if request.rawPath.isEmpty { request.rawPath = "/" }
        return request
    }

    /// The query parameters of a raw query, decoded, sorted: for comparing two queries as sets.
    static func parameterSet(_ rawQuery: String) -> [String] {
        rawQuery.split(separator: "&").map { PercentEncoding.decode(String($0)) }.sorted()
    }
}

/// A lookup over a fixed set of credentials; the identity is the access key id. A session token must
/// be exactly the one issued with the key.
struct FixedCredentialLookup: SigV4CredentialLookup {
    var credentials: [SigV4Credentials]

    init(_ credentials: SigV4Credentials...) {
        self.credentials = credentials
    }

    func secret(forAccessKeyID accessKeyID: String, sessionToken: String?) async throws -> SigV4SecretLookup<String> {
        guard let found = credentials.first(where: { $0.accessKeyID == accessKeyID }) else {
            return sessionToken == nil ? .unknownAccessKey : .invalidSessionToken
        }
        guard found.sessionToken == sessionToken else { return .invalidSessionToken }
        return .found(secretAccessKey: found.secretAccessKey, identity: "identity of \(accessKeyID)")
    }
}

/// A lookup that always gives the same answer and remembers whether it was asked.
final class ScriptedLookup: SigV4CredentialLookup, @unchecked Sendable {
    let answer: SigV4SecretLookup<String>
    private let lock = NSLock()
    private var asked = 0

    init(_ answer: SigV4SecretLookup<String>) {
        self.answer = answer
    }

    var wasAsked: Bool { lock.withLock { asked > 0 } }

    func secret(forAccessKeyID accessKeyID: String, sessionToken: String?) async throws -> SigV4SecretLookup<String> {
        lock.withLock { asked += 1 }
        return answer
    }
}

/// A one-byte change of a request, named for the report.
struct SigV4Mutation {
    var label: String
    var request: WireRequest

    /// The byte that replaces `byte`: the next letter or digit of the same kind, else `x` (or `y` for
    /// `x`). Never white space, so folding cannot undo the change.
    static func replacement(for byte: UInt8) -> UInt8 {
        switch byte {
        case UInt8(ascii: "z"): UInt8(ascii: "a")
        case UInt8(ascii: "Z"): UInt8(ascii: "A")
        case UInt8(ascii: "9"): UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "y"), UInt8(ascii: "A")...UInt8(ascii: "Y"), UInt8(ascii: "0")...UInt8(ascii: "8"):
            byte + 1
        case UInt8(ascii: "x"): UInt8(ascii: "y")
        default: UInt8(ascii: "x")
        }
    }

    /// Every one-byte variant of `text`.
    static func variants(of text: String) -> [(index: Int, text: String)] {
        let bytes = Array(text.utf8)
        return bytes.indices.map { index in
            var changed = bytes
            changed[index] = replacement(for: bytes[index])
            return (index, String(decoding: changed, as: UTF8.self))
        }
    }

    static func ofMethod(_ request: WireRequest) -> [SigV4Mutation] {
        variants(of: request.method.rawValue).compactMap { index, text in
            guard let method = HTTPRequest.Method(text) else { return nil }
            var changed = request
            changed.method = method
            return SigV4Mutation(label: "method[\(index)]", request: changed)
        }
    }

    static func ofPath(_ request: WireRequest) -> [SigV4Mutation] {
        variants(of: request.rawPath).map { index, text in
            var changed = request
            changed.rawPath = text
            return SigV4Mutation(label: "path[\(index)] \(text)", request: changed)
        }
    }

    static func ofQuery(_ request: WireRequest) -> [SigV4Mutation] {
        variants(of: request.rawQuery).map { index, text in
            var changed = request
            changed.rawQuery = text
            return SigV4Mutation(label: "query[\(index)]", request: changed)
        }
    }

    /// Mutations of the values of the header fields named `name` (each field, each byte).
    static func ofHeader(_ name: String, in request: WireRequest) -> [SigV4Mutation] {
        let fieldName = HTTPField.Name(name)!
        let values = request.headers[values: fieldName]
        return values.indices.flatMap { fieldIndex in
            variants(of: values[fieldIndex]).map { index, text in
                var changed = request
                var newValues = values
                newValues[fieldIndex] = text
                changed.headers[values: fieldName] = newValues
                return SigV4Mutation(label: "\(name)#\(fieldIndex)[\(index)]", request: changed)
            }
        }
    }

    static func ofBody(_ request: WireRequest) -> [SigV4Mutation] {
        request.body.indices.map { index in
            var changed = request
            changed.body[index] = replacement(for: request.body[index])
            return SigV4Mutation(label: "body[\(index)]", request: changed)
        }
    }
}

/// The normalization botocore applies before signing (`remove_dot_segments` plus collapsing `//`),
/// written independently of Bulwark's so that path mutations have an outside judge.
func botocoreNormalizedPath(_ path: String) -> String {
    var output: [Substring] = []
    for segment in path.split(separator: "/", omittingEmptySubsequences: false) where !segment.isEmpty && segment != "." {
        if segment == ".." {
            _ = output.popLast()
        } else {
            output.append(segment)
        }
    }
    let joined = (path.hasPrefix("/") ? "/" : "") + output.joined(separator: "/")
    return path.hasSuffix("/") && !output.isEmpty ? joined + "/" : joined
}

extension SigV4Verifier {
    /// The labels of the mutations this verifier accepts; `accepts` says which may pass.
    func acceptedMutations(
        _ mutations: [SigV4Mutation],
        for endpoint: SigV4Endpoint,
        using lookup: some SigV4CredentialLookup
    ) async -> [String] {
        var accepted: [String] = []
        for mutation in mutations {
            if (try? await verify(mutation.request, for: endpoint, using: lookup)) != nil {
                accepted.append(mutation.label)
            }
        }
        return accepted
    }

    /// The failure of `request`, or `nil` when it is accepted.
    func failure(of request: WireRequest, for endpoint: SigV4Endpoint, using lookup: some SigV4CredentialLookup) async -> SigV4Failure? {
        do {
            _ = try await verify(request, for: endpoint, using: lookup)
            return nil
        } catch let failure as SigV4Failure {
            return failure
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }
}

extension HTTPField.Name {
    /// `Host`: HTTPTypes hides it behind `HTTPRequest.authority`, but on an HTTP/1.1 wire request it is
    /// an ordinary field, and the one SigV4 signs.
    static let hostHeader = HTTPField.Name("Host")!
}
