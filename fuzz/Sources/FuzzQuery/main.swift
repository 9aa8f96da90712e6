import AWSWire
import BulwarkCore
import Foundation
import FuzzSupport
import HTTPTypes
import IAM

private let codecs = [QueryCodec(model: .iam), QueryCodec(model: .sts)]
private let formContentType: HTTPFields = [.contentType: "application/x-www-form-urlencoded; charset=utf-8"]

/// The query-protocol decoder (IAM and STS, their real models) on any parameters: the input's first
/// line is the query string, the rest the form body. Nothing traps; every refusal is a 400 with a code
/// and a message; a request the codec matches either reads or is refused, and one it does not match
/// gets the protocol's own error.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzQuery(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = FuzzDriver.bytes(start, count)
    let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
    let rawQuery = String(decoding: UnsafeBufferPointer(rebasing: bytes[..<newline]), as: UTF8.self)
    let body = newline < bytes.count ? Data(UnsafeBufferPointer(rebasing: bytes[(newline + 1)...])) : Data()
    let request = WireRequest(method: .post, rawPath: "/", rawQuery: rawQuery, headers: formContentType, body: body)

    for codec in codecs {
        guard let match = codec.match(request) else {
            guard let error = codec.unknownOperationError(request) else { fatalError("no error for an unknown operation") }
            check(error)
            continue
        }
        do {
            _ = try codec.readInput(request, match: match)
        } catch let error as AWSError {
            check(error)
        } catch {
            fatalError("the decoder threw something else than an AWSError: \(error)")
        }
        let response = codec.encodeError(AWSError(code: "ValidationError", message: rawQuery, status: 400), requestID: "fuzz")
        precondition(response.status == 400)
    }
    return 0
}

private func check(_ error: AWSError) {
    precondition(error.status == 400, "\(error)")
    precondition(!error.code.isEmpty && !error.message.isEmpty, "\(error)")
}

@_cdecl("FuzzQuery_main")
func fuzzQueryMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv, fuzzQuery)
}
