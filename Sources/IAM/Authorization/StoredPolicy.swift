/// A policy read from the store: parsed, and its text as stored.
struct StoredPolicy: Sendable {
    let policy: AttachedPolicy
    let text: String

    init(_ policy: AttachedPolicy, text: String) {
        self.policy = policy
        self.text = text
    }
}
