import BulwarkCore
import Synchronization

/// Counts the invocations running and refuses those over a limit, as Lambda throttles: a function
/// with reserved concurrency may run that many at once; the others share what the account has left.
final class ConcurrencyGate: Sendable {
    private struct Counts {
        var byFunction: [String: Int] = [:]
        /// Invocations of functions without a reservation.
        var unreserved = 0
        var total = 0
        /// Invocations running per account: what its `ConcurrentExecutions` reports.
        var byAccount: [String: Int] = [:]
    }

    private let counts = Mutex(Counts())

    /// A running invocation's place, given back with ``release(_:)``.
    struct Ticket: Sendable {
        let function: String
        let accountID: String
        let reserved: Bool
        /// The invocations of the function, and of all the account's functions, running once this one started.
        let functionConcurrency: Int
        let accountConcurrency: Int
    }

    /// Takes a place for `function`, or throws `TooManyRequestsException` with Lambda's reason.
    ///
    /// - Parameters:
    ///   - accountID: the function's account.
    ///   - reservedConcurrency: the function's reservation, if any.
    ///   - unreservedLimit: the account's limit minus every reservation.
    func acquire(function: String, accountID: String, reservedConcurrency: Int?, unreservedLimit: Int) throws -> Ticket {
        try counts.withLock { counts in
            let running = counts.byFunction[function, default: 0]
            if let reservedConcurrency {
                guard running < reservedConcurrency else { throw Self.throttled("ReservedFunctionConcurrentInvocationLimitExceeded") }
            } else {
                guard counts.unreserved < unreservedLimit else { throw Self.throttled("ConcurrentInvocationLimitExceeded") }
                counts.unreserved += 1
            }
            counts.byFunction[function] = running + 1
            counts.total += 1
            let accountRunning = counts.byAccount[accountID, default: 0] + 1
            counts.byAccount[accountID] = accountRunning
            return Ticket(
                function: function, accountID: accountID, reserved: reservedConcurrency != nil, functionConcurrency: running + 1,
                accountConcurrency: accountRunning)
        }
    }

    func release(_ ticket: Ticket) {
        counts.withLock { counts in
            let remaining = counts.byFunction[ticket.function, default: 1] - 1
            counts.byFunction[ticket.function] = remaining > 0 ? remaining : nil
            if !ticket.reserved { counts.unreserved -= 1 }
            counts.total -= 1
            let accountRemaining = counts.byAccount[ticket.accountID, default: 1] - 1
            counts.byAccount[ticket.accountID] = accountRemaining > 0 ? accountRemaining : nil
        }
    }

    /// The invocations running now.
    var running: Int {
        counts.withLock { $0.total }
    }

    static func throttled(_ reason: String) -> AWSError {
        AWSError(code: "TooManyRequestsException", message: "Rate Exceeded.", status: 429, fields: ["Reason": reason])
    }
}
