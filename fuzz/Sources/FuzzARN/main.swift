import BulwarkCore
import FuzzSupport

/// The ARN parser on any text: it never traps, and what it accepts prints back to itself and parses
/// to the same ARN.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzARN(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let text = String(decoding: FuzzDriver.bytes(start, count), as: UTF8.self)
    guard let arn = ARN(text) else { return 0 }
    guard arn.description == text, ARN(arn.description) == arn else {
        fatalError("ARN round trip failed for \(text.debugDescription): \(arn)")
    }
    return 0
}

@_cdecl("FuzzARN_main")
func fuzzARNMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv, fuzzARN)
}
