/// One entry of `Action`/`NotAction`: `service:Name` with `*` and `?` wildcards, matched without
/// regard to case (`lambda:invokefunction` is `lambda:InvokeFunction`), or `*` for every action.
public struct ActionPattern: Sendable, Hashable, CustomStringConvertible {
    /// The entry as written in the policy.
    public let text: String
    private let pattern: GlobPattern

    init(_ text: String) {
        self.text = text
        self.pattern = GlobPattern(wildcards: text, lowercasingASCII: true)
    }

    /// Whether `action` (already lowercased, see ``lowercasedASCII(_:)``) is covered.
    func matches(lowercasedAction action: String) -> Bool {
        pattern.matches(action)
    }

    /// ``matches(lowercasedAction:)`` on the action's bytes, read once for every entry.
    func matches(lowercasedBytes action: UnsafeBufferPointer<UInt8>) -> Bool {
        pattern.matches(bytes: action)
    }

    /// Whether `action` is covered by this entry.
    public func matches(_ action: String) -> Bool {
        pattern.matches(Self.lowercasedASCII(action))
    }

    /// Lowercases ASCII letters only: action names are ASCII, and this keeps the hot path cheap.
    static func lowercasedASCII(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else { return text }
        // Written straight into the new string's storage: no intermediate array.
        return String(unsafeUninitializedCapacity: text.utf8.count) { buffer in
            for (index, byte) in text.utf8.enumerated() {
                buffer[index] = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
            }
            return text.utf8.count
        }
    }

    public var description: String { text }
}
