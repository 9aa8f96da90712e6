import Synchronization

/// Stored policy documents already parsed, keyed by their kind and exact text.
///
/// The authorize stage reads a caller's policies on every call; parsing them again each time cost
/// more than the evaluation itself (docs/PERFORMANCE.md). A document's parse depends only on its
/// text and kind, so the cache can never answer a stale policy: a changed policy has a new text.
/// A mutex rather than an actor: lookups are synchronous and short, on the hot path of every call.
final class ParsedPolicyCache: Sendable {
    private struct Key: Hashable {
        let kind: PolicyKind
        let text: String
    }

    private let capacity: Int
    private let entries = Mutex<[Key: PolicyDocument]>([:])

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// How many documents are kept.
    var count: Int { entries.withLock { $0.count } }

    /// The parsed document, from the cache or parsed now (and then kept).
    func document(_ text: String, kind: PolicyKind) throws(MalformedPolicyDocument) -> PolicyDocument {
        let key = Key(kind: kind, text: text)
        if let cached = entries.withLock({ $0[key] }) { return cached }
        let parsed = try PolicyDocument.parse(text, kind: kind)
        entries.withLock { entries in
            // Past its capacity the cache starts over rather than tracking use: policies in use
            // come back at once, and the bound holds whatever documents callers write.
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = parsed
        }
        return parsed
    }
}
