import BulwarkCore
import Crypto
import Foundation
import IAM
import Store
import Testing

@testable import Lambda

/// A host that serves the runtimes it is told, and says why not for the others.
private struct RuntimesOnHost: FunctionInvoker {
    let served: Set<String>

    func invoke(_ request: InvokeRequest) async throws -> InvokeResult {
        throw AWSError(code: "ServiceException", message: "no function runs in these tests", status: 500)
    }

    func unavailability(of runtime: String) -> String? {
        served.contains(runtime) ? nil : "no \(runtime) interpreter on this host (uv python install, then make runtimes)"
    }

    func eventEnqueued() {}
}

@Suite("Function states: the preparer moves a version on when its package is prepared")
struct FunctionPreparerTests {
    let database: BulwarkDatabase
    let code: CodeStore
    let key = FunctionKey(accountID: "123456789012", region: "us-east-1", name: "hello")

    init() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-preparer-\(UUID().uuidString)")
        database = try BulwarkDatabase(directory: directory, schemas: [.iam, .lambda])
        code = try CodeStore(directory: directory.appendingPathComponent("code"), key: SymmetricKey(size: .bits256))
    }

    private func store(runtime: String, lifecycle: FunctionLifecycle, package: Data = Data("PK package".utf8)) async throws -> String {
        try await database.accounts.bootstrap(
            AccountRecord(id: key.accountID, createdAt: Date()),
            rootKey: AccessKeyRecord(
                accessKeyID: "AKIAPREPARER0000001", secretAccessKey: "s", accountID: key.accountID, userName: nil, status: .active,
                createdAt: Date())
        )
        let blob = try code.put(package)
        let state = FunctionState(
            name: key.name, runtime: runtime, role: "arn:aws:iam::123456789012:role/r", handler: "app.handler", description: "",
            timeout: 3, memorySize: 128, ephemeralStorageSize: 512, environment: [:], architectures: ["x86_64"],
            tracingMode: "PassThrough", logging: LambdaService.logging(nil, functionName: key.name, current: nil),
            lastModified: Date(), codeSha256: blob.sha256Base64, lifecycle: lifecycle
        )
        let record = FunctionVersionRecord(
            key: key, version: "$LATEST", configuration: try FunctionStateCoding.encode(state), codeSHA256: blob.sha256Hex,
            codeSize: blob.size, revisionID: "r1"
        )
        try await database.functions.create(record, createdAt: Date(), tags: [:], tagResource: "arn:aws:lambda:us-east-1:123456789012:function:hello")
        return blob.sha256Hex
    }

    private func stored() async throws -> (FunctionLifecycle, String) {
        let record = try #require(try await database.functions.version(key, "$LATEST"))
        return (try FunctionStateCoding.decode(record.configuration).currentLifecycle, record.revisionID)
    }

    private func preparer(serving runtimes: Set<String> = ["python3.12"]) -> FunctionPreparer {
        FunctionPreparer(database: database, code: code, invoker: RuntimesOnHost(served: runtimes))
    }

    @Test func aCreatedFunctionIsPendingUntilPreparedThenActiveUnderANewRevision() async throws {
        _ = try await store(runtime: "python3.12", lifecycle: .creating)
        let (before, _) = try await stored()
        #expect(before == FunctionLifecycle(state: "Pending", stateReason: "The function is being created.", stateReasonCode: "Creating"))

        await preparer().prepare(key)

        let (after, revision) = try await stored()
        #expect(after == FunctionLifecycle(state: "Active", lastUpdateStatus: "Successful"))
        #expect(revision != "r1")
    }

    @Test func anUpdateIsInProgressUntilPreparedThenSuccessful() async throws {
        _ = try await store(runtime: "python3.12", lifecycle: FunctionLifecycle.active.updating)
        #expect(try await stored().0.lastUpdateStatus == "InProgress")
        #expect(try await stored().0.lastUpdateStatusReasonCode == "Creating")

        await preparer().prepare(key)

        #expect(try await stored().0 == .active)
    }

    @Test func aRuntimeThisHostCannotServeFailsTheFunctionWithWhatToInstall() async throws {
        _ = try await store(runtime: "python3.13", lifecycle: .creating)

        await preparer().prepare(key)

        let reason =
            "python3.13 is not available on this Bulwark host: no python3.13 interpreter on this host (uv python install, then make runtimes)."
        #expect(try await stored().0 == .failed(reason: reason, code: "InvalidRuntime"))
        #expect(try await stored().0.lastUpdateStatus == "Failed")
    }

    @Test func aDamagedPackageFailsTheFunction() async throws {
        let hash = try await store(runtime: "python3.12", lifecycle: .creating)
        try Data("tampered".utf8).write(to: code.url(for: hash))

        await preparer().prepare(key)

        #expect(try await stored().0.stateReasonCode == "InvalidZipFileException")
        #expect(try await stored().0.state == "Failed")
    }

    @Test func aSettledVersionIsLeftAsItIs() async throws {
        _ = try await store(runtime: "python3.12", lifecycle: .active)

        await preparer(serving: []).prepare(key)

        let (lifecycle, revision) = try await stored()
        #expect(lifecycle == FunctionLifecycle.active)
        #expect(revision == "r1")
    }

    @Test func runPreparesWhatAPreviousRunLeftAndWhatIsSubmitted() async throws {
        _ = try await store(runtime: "python3.12", lifecycle: .creating)
        let preparer = preparer()
        let running = Task { await preparer.run { _, _ in } }
        defer { running.cancel() }
        for _ in 0..<500 where try await stored().0.state == "Pending" {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(try await stored().0 == .active)
    }

    @Test func changesAreRefusedWhilePendingOrWhileAnUpdateIsInProgress() throws {
        let arn = "arn:aws:lambda:us-east-1:123456789012:function:hello"
        var state = FunctionState(
            name: "hello", runtime: "python3.12", role: "r", handler: "h", description: "", timeout: 3, memorySize: 128,
            ephemeralStorageSize: 512, environment: [:], architectures: ["x86_64"], tracingMode: "PassThrough",
            logging: LambdaService.logging(nil, functionName: "hello", current: nil), lastModified: Date(), codeSha256: "",
            lifecycle: .creating
        )
        #expect(throws: LambdaError.notReady(state: "Pending")) { try LambdaService.checkChangeable(state, functionARN: arn) }
        #expect(
            LambdaError.notReady(state: "Pending").message
                == "The operation cannot be performed at this time. The function is currently in the following state: Pending")
        state.lifecycle = FunctionLifecycle.active.updating
        #expect(throws: LambdaError.updateInProgress(arn)) { try LambdaService.checkChangeable(state, functionARN: arn) }
        #expect(
            LambdaError.updateInProgress(arn).message
                == "The operation cannot be performed at this time. An update is in progress for resource: \(arn)")
        #expect(LambdaError.updateInProgress(arn).status == 409 && LambdaError.updateInProgress(arn).code == "ResourceConflictException")
        state.lifecycle = .failed(reason: "x", code: "InvalidRuntime")
        try LambdaService.checkChangeable(state, functionARN: arn)
    }
}
