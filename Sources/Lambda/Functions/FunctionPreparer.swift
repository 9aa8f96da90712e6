import Crypto
import Foundation
import Store

/// Prepares a function's `$LATEST` after it is created or changed, and only then moves its
/// lifecycle on, as Lambda does: `Pending` → `Active`, an update `InProgress` → `Successful` —
/// or `Failed` with Lambda's reason code when the version cannot run here (a runtime this host does
/// not serve: `InvalidRuntime`; a package that is no longer intact in the code store:
/// `InvalidZipFileException`).
///
/// Each change of state is a new revision of the version, as in AWS. Work is handed over through
/// ``submit(_:)`` and done by ``run()``, which the server runs for its lifetime; versions left
/// unsettled by a stop are found again when it starts.
public struct FunctionPreparer: Sendable {
    let database: BulwarkDatabase
    let code: CodeStore
    let invoker: any FunctionInvoker
    private let work: AsyncStream<FunctionKey>
    private let continuation: AsyncStream<FunctionKey>.Continuation

    init(database: BulwarkDatabase, code: CodeStore, invoker: any FunctionInvoker) {
        self.database = database
        self.code = code
        self.invoker = invoker
        (work, continuation) = AsyncStream.makeStream(of: FunctionKey.self, bufferingPolicy: .unbounded)
    }

    /// Asks for the `$LATEST` of `key` to be prepared.
    func submit(_ key: FunctionKey) {
        continuation.yield(key)
    }

    /// Prepares what a previous run left unsettled, then every version submitted, until cancelled.
    /// A failure to read or write the store is reported to `failure` (the function stays unsettled).
    public func run(failure: @escaping @Sendable (_ function: String, _ error: any Error) -> Void) async {
        do {
            let left = try await database.functions.latestKeys { configuration in
                (try? FunctionStateCoding.decode(configuration))?.currentLifecycle.isUnsettled ?? false
            }
            for key in left { await prepare(key, failure: failure) }
        } catch {
            failure("*", error)
        }
        for await key in work {
            if Task.isCancelled { return }
            await prepare(key, failure: failure)
        }
    }

    /// Prepares the `$LATEST` of `key` if it waits for it, and records the outcome.
    func prepare(_ key: FunctionKey, failure: @Sendable (_ function: String, _ error: any Error) -> Void = { _, _ in }) async {
        do {
            // Whether the host serves the runtime may take until it has prepared its runtimes, which the
            // update cannot wait for: it is asked first, for the runtime read before.
            guard let latest = try await database.functions.version(key, "$LATEST") else { return }
            let runtime = try FunctionStateCoding.decode(latest.configuration).runtime
            let unavailability = await invoker.unavailability(of: runtime)
            _ = try await database.functions.update(key, expectedRevision: nil) { record in
                var state = try FunctionStateCoding.decode(record.configuration)
                // A change of runtime since the read submitted the version again.
                guard state.currentLifecycle.isUnsettled, state.runtime == runtime else { return }
                state.lifecycle = outcome(state, record, unavailability: unavailability)
                record.configuration = try FunctionStateCoding.encode(state)
                record.revisionID = LambdaService.newRevision()
            }
        } catch StoreError.notFound {
            // Deleted before it was prepared: nothing to do.
        } catch {
            failure(key.name, error)
        }
    }

    /// What preparing the version leads to, given why the host cannot serve its runtime (nil when it can).
    func outcome(_ state: FunctionState, _ record: FunctionVersionRecord, unavailability: String?) -> FunctionLifecycle {
        if let reason = unavailability {
            return .failed(reason: Self.invalidRuntimeReason(state.runtime, reason), code: "InvalidRuntime")
        }
        guard let package = try? code.read(record.codeSHA256), Self.hex(SHA256.hash(data: package)) == record.codeSHA256 else {
            return .failed(reason: "The deployment package of the function is missing or damaged in the code store.", code: "InvalidZipFileException")
        }
        return .active
    }

    /// The `StateReason` of a function whose runtime this host cannot serve: what to install.
    static func invalidRuntimeReason(_ runtime: String, _ reason: String) -> String {
        "\(runtime) is not available on this Bulwark host: \(reason)."
    }

    private static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
