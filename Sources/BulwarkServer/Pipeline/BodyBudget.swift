import AWSWire
import BulwarkCore
import Foundation
import Synchronization

/// The bytes of large request bodies (an S3 object, a deployment package) the server holds at once.
///
/// A body is held in memory from the read until the answer, a few times over while it is decoded and
/// stored, so that without a bound a handful of concurrent 64 MiB uploads would exhaust the machine.
/// A body above ``threshold`` is admitted only while the admitted total stays within ``capacity``;
/// beyond, the request is refused as AWS refuses a request rate it cannot take (S3's 503 `SlowDown`,
/// Lambda's 429), which the SDKs retry with backoff.
final class BodyBudget: Sendable {
    /// Bodies up to this size are not counted: every operation may read one (the pipeline's default limit).
    let threshold: Int
    let capacity: Int
    private let admitted = Mutex(0)

    init(capacity: Int, threshold: Int = 1 << 20) {
        self.capacity = capacity
        self.threshold = threshold
    }

    /// One sixteenth of the machine's memory, within 128 MiB and 1 GiB: room for two of the largest
    /// bodies on a small machine, and the copies of each.
    static func forThisMachine() -> BodyBudget {
        BodyBudget(capacity: min(max(Int(ProcessInfo.processInfo.physicalMemory / 16), 128 << 20), 1 << 30))
    }

    /// The bytes to count for a body that may be up to `limit` long: what it declares, else the limit.
    func bytes(declared: Int?, limit: Int) -> Int {
        guard limit > threshold else { return 0 }
        return min(declared ?? limit, limit)
    }

    /// Admits `bytes` more, or answers false when the total would exceed the capacity.
    func admit(_ bytes: Int) -> Bool {
        guard bytes > threshold else { return true }
        return admitted.withLock { total in
            guard total + bytes <= capacity else { return false }
            total += bytes
            return true
        }
    }

    /// Returns what ``admit(_:)`` admitted, once the call has been answered.
    func release(_ bytes: Int) {
        guard bytes > threshold else { return }
        admitted.withLock { $0 -= bytes }
    }

    /// The refusal of a body the budget cannot admit now, in the protocol's words.
    static func refusal(_ wireProtocol: WireProtocol) -> AWSError {
        switch wireProtocol {
        case .restXML:
            AWSError(code: "SlowDown", message: "Please reduce your request rate.", status: 503, headers: ["Retry-After": "1"])
        case .restJSON:
            AWSError(
                code: "TooManyRequestsException", message: "Rate exceeded", status: 429, fields: ["Reason": "CallerRateLimitExceeded"],
                headers: ["Retry-After": "1"])
        case .json, .query, .rpcV2CBOR:
            AWSError(code: "ThrottlingException", message: "Rate exceeded", status: 400)
        }
    }
}
