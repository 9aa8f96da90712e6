/// Where a function version is in its life (`State`) and in its last change (`LastUpdateStatus`),
/// with Lambda's reasons: a version is `Pending` from its creation until its package is prepared,
/// an update is `InProgress` until the changed version is prepared again.
///
/// Stored with the version's configuration; the function preparer moves it on when the work is done.
struct FunctionLifecycle: Codable, Sendable, Equatable {
    var state: String
    var stateReason: String?
    var stateReasonCode: String?
    /// Absent until the creation is complete, as in AWS.
    var lastUpdateStatus: String?
    var lastUpdateStatusReason: String?
    var lastUpdateStatusReasonCode: String?

    /// Lambda's words while a version is being created — and, as AWS answers it, while it is being updated.
    static let creatingReason = "The function is being created."
    static let creatingCode = "Creating"

    /// A version just created, not yet prepared.
    static let creating = FunctionLifecycle(state: "Pending", stateReason: creatingReason, stateReasonCode: creatingCode)

    /// A version prepared and ready to run.
    static let active = FunctionLifecycle(state: "Active", lastUpdateStatus: "Successful")

    /// A version whose preparation failed, for `reason` (Lambda's `StateReasonCode`, e.g. `InvalidRuntime`).
    static func failed(reason: String, code: String) -> FunctionLifecycle {
        FunctionLifecycle(
            state: "Failed", stateReason: reason, stateReasonCode: code,
            lastUpdateStatus: "Failed", lastUpdateStatusReason: reason, lastUpdateStatusReasonCode: code
        )
    }

    /// The same version with an update under way: its state stays as it was until the update is done.
    var updating: FunctionLifecycle {
        var next = self
        next.lastUpdateStatus = "InProgress"
        next.lastUpdateStatusReason = Self.creatingReason
        next.lastUpdateStatusReasonCode = Self.creatingCode
        return next
    }

    /// Whether the version waits for the preparer (created or updated, not yet prepared).
    var isUnsettled: Bool { state == "Pending" || lastUpdateStatus == "InProgress" }
}
