import FuzzSupport
import IAM

/// The policy document parser on any text, by the rules of each kind of policy: it never traps or
/// hangs, and refuses what it cannot read with a message.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPolicy(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = FuzzDriver.bytes(start, count)
    // The first byte picks the kind, so that one corpus reaches every kind's rules.
    guard let selector = bytes.first else { return 0 }
    let kind = PolicyKind.allCases[Int(selector) % PolicyKind.allCases.count]
    let text = String(decoding: bytes.dropFirst(), as: UTF8.self)
    do {
        let document = try PolicyDocument.parse(text, kind: kind)
        precondition(document.kind == kind)
    } catch {
        precondition(!error.message.isEmpty, "a refusal without a message")
    }
    return 0
}

@_cdecl("FuzzPolicy_main")
func fuzzPolicyMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv, fuzzPolicy)
}
