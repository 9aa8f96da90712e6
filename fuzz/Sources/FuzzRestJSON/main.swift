import AWSWire
import BulwarkCore
import Foundation
import FuzzSupport

/// The rest-json decoder on any raw request (see `RawRequest`), against a model that binds members to
/// every location the protocol has: URI labels (greedy too), query strings (lists, a map of the rest),
/// headers, prefixed header maps, a JSON body and blob and structure payloads. Nothing traps; every
/// refusal is an AWSError with a 4xx status; a routed path is one that normalizes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRestJSON(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let request = RawRequest.parse(FuzzDriver.bytes(start, count))
    _ = codec.recognizesPath(request.rawPath)
    guard let match = codec.match(request) else { return 0 }
    precondition((try? RequestPath.normalized(request.rawPath)) != nil, "routed a path that does not normalize: \(request.rawPath)")
    do {
        let input = try codec.readInput(request, match: match)
        let output = codec.encodeOutput(input, operation: match.operation, requestID: "fuzz")
        precondition(output.status >= 200 && output.status < 300)
    } catch let error as AWSError {
        precondition((400..<500).contains(error.status), "\(error)")
        _ = codec.encodeError(error, requestID: "fuzz")
    } catch {
        fatalError("the decoder threw something else than an AWSError: \(error)")
    }
    return 0
}

private let codec = RestJSONCodec(model: FuzzModel.service)

@_cdecl("FuzzRestJSON_main")
func fuzzRestJSONMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv, fuzzRestJSON)
}
