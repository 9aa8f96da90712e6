import CFuzzDriver

/// Runs libFuzzer over `target` with the process's arguments (`-runs=`, corpus directories, ...).
///
/// Each fuzz target's `<Target>_main` (the entry point SwiftPM links as `main`) calls this, so the
/// targets build as ordinary SwiftPM executables.
public enum FuzzDriver {
    public typealias Target = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

    public static func run(
        _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ target: Target
    ) -> CInt {
        var argc = argc
        var argv = argv
        return LLVMFuzzerRunDriver(&argc, &argv, target)
    }

    /// The input as a buffer; libFuzzer passes no pointer for an empty input.
    public static func bytes(_ start: UnsafePointer<UInt8>?, _ count: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: count > 0 ? start : nil, count: count)
    }
}
