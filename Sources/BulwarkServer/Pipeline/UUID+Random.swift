import Foundation

extension UUID {
    /// A random (version 4) UUID from the system's generator (`getrandom`): Foundation's `UUID()`
    /// opens and reads /dev/urandom for each one, and every call through the pipeline makes two
    /// (its request id and its trail event's id).
    static func random() -> UUID {
        var generator = SystemRandomNumberGenerator()
        var bytes = (generator.next() as UInt64, generator.next() as UInt64)
        return withUnsafeMutableBytes(of: &bytes) { raw in
            raw[6] = (raw[6] & 0x0f) | 0x40
            raw[8] = (raw[8] & 0x3f) | 0x80
            return UUID(uuid: raw.loadUnaligned(as: uuid_t.self))
        }
    }
}
