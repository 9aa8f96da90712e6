import AWSWire
import BulwarkCore
import Foundation
import FuzzSupport
import HTTPTypes

private let date = Date(timeIntervalSince1970: 1_440_938_160)  // 20150830T123600Z
private let endpoint = SigV4Endpoint(service: "service", region: "us-east-1")
private let verifier = SigV4Verifier(clock: .fixed(date))
private let signer = SigV4Signer(
    credentials: SigV4Credentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
    region: "us-east-1", service: "service")

/// SigV4 canonicalization and the checks that need no secret, on any raw request (see `RawRequest`):
/// nothing traps, path normalization is idempotent and is what the canonical URI encodes, S3's canonical
/// path and the canonical query are fixed points, and a request the signer signs passes the verifier's checks.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSigV4(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let request = RawRequest.parse(FuzzDriver.bytes(start, count))

    let uri = try? SigV4Canonicalization.uri(rawPath: request.rawPath, normalizing: true)
    let normalized = try? RequestPath.normalized(request.rawPath)
    precondition((uri == nil) == (normalized == nil), "the router and the signature disagree on \(request.rawPath.debugDescription)")
    if let normalized, let uri {
        precondition((try? RequestPath.normalized(normalized)) == normalized, "normalizing \(normalized.debugDescription) again changes it")
        precondition((try? SigV4Canonicalization.uri(rawPath: normalized, normalizing: true)) == uri, "\(normalized) is not what was signed")
    }
    // S3's form (encoded once) is a fixed point: it decodes to the bytes it encodes.
    if let s3 = try? SigV4Canonicalization.uri(rawPath: request.rawPath, normalizing: false) {
        precondition(
            (try? SigV4Canonicalization.uri(rawPath: s3, normalizing: false)) == s3, "S3's canonical path \(s3.debugDescription) is no fixed point")
    }

    let query = try? SigV4Canonicalization.query(rawQuery: request.rawQuery)
    if let query {
        precondition((try? SigV4Canonicalization.query(rawQuery: query)) == query, "canonical query \(query.debugDescription) is no fixed point")
    }

    _ = try? SigV4Authorization(request: request)
    _ = try? verifier.claims(of: request, for: endpoint)

    let signature = signer.sign(request, at: date)
    var signed = request
    for field in signature.headers { signed.headers[field.name] = field.value }
    if let uri, query != nil {
        precondition(signature.canonicalRequest.uri == uri)
        let presigned = request.queryItems.contains { $0.name == "X-Amz-Algorithm" }
        if request.header("Host") != nil && !presigned {
            do {
                _ = try verifier.claims(of: signed, for: endpoint)
            } catch {
                fatalError("a request the signer signed fails the verifier's checks: \(error)")
            }
        }
    }
    _ = signer.presign(request, at: date, expires: 60)
    return 0
}

@_cdecl("FuzzSigV4_main")
func fuzzSigV4Main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv, fuzzSigV4)
}
