import AWSWire
import BulwarkCore
import Foundation

/// What the pipeline learnt about one call, stage by stage, for the audit event at its end.
struct CallRecord: Sendable {
    let requestID: String
    let receivedAt: Date
    let request: WireRequest
    private(set) var entry: ServiceRegistry.Entry?
    private(set) var operationModel: OperationModel?
    private(set) var operation: ServiceOperation?
    var caller: AuthenticatedCaller?
    var input: JSONValue?
    /// What the resolve stage found for the entities the input names.
    var resolution: Resolution?
    var output: JSONValue?
    var error: AWSError?
    /// Why the authorizer refused the call: the policies it considered and what decided.
    var authorization: String?
    /// The denial's account sealed for `sts:DecodeAuthorizationMessage` (AWS's "encoded authorization
    /// failure message"); the trail keeps it, the answer does not carry it (docs/decisions/0009).
    var encodedAuthorizationMessage: String?
    /// Bulwark's account of a failure beyond AWS's message (``AWSError/auditNote``).
    var failureNote: String?
    /// What the handler warned of on a call that succeeded (``AuditWarnings``).
    var warnings: [String] = []
    /// The contingent checks the authorizer refused (a DeleteObjects key, a function's KMS key): the call
    /// went on without what they guard, and the trail says what was withheld.
    var refusedChecks: [RefusedCheck] = []

    init(requestID: String, receivedAt: Date, request: WireRequest) {
        self.requestID = requestID
        self.receivedAt = receivedAt
        self.request = request
    }

    /// The operation's model name, once routed.
    var operationName: String? { operationModel?.name }

    mutating func route(_ route: ServiceRegistry.Route) {
        switch route {
        case .implemented(let entry, let match, let operation):
            self.entry = entry
            self.operationModel = match.operation
            self.operation = operation
        case .unimplemented(let entry, let model):
            self.entry = entry
            self.operationModel = model
            self.operation = nil
        case .unknown(let entry, _):
            self.entry = entry
            self.operationModel = nil
            self.operation = nil
        }
    }
}
