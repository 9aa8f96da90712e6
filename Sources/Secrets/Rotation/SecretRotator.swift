import BulwarkCore
import Foundation
import Logging
import Store

/// Runs rotations (decision 0016): the ones RotateSecret started and the ones whose schedule came
/// due, each by invoking the secret's rotation function with AWS's four steps in order
/// (`createSecret`, `setSecret`, `testSecret`, `finishSecret`), as Secrets Manager does on its
/// own behalf. A rotation succeeds when every step succeeded and its version then holds
/// `AWSCURRENT`; otherwise `AWSPENDING` stays where the function left it, the failure is logged,
/// and a scheduled rotation is reattempted an hour later.
public struct SecretRotator: Sendable {
    /// The steps, in AWS's order.
    public static let steps = ["createSecret", "setSecret", "testSecret", "finishSecret"]
    /// How long after a failed rotation it is reattempted.
    static let retryDelay: TimeInterval = 3_600

    let database: BulwarkDatabase
    let functions: any ServiceFunctionInvoker
    let clock: WallClock
    let logger: Logger

    public init(database: BulwarkDatabase, functions: any ServiceFunctionInvoker, clock: WallClock = .system, logger: Logger) {
        self.database = database
        self.functions = functions
        self.clock = clock
        self.logger = logger
    }

    /// Runs the due rotations every `interval` until the task is cancelled.
    public func run(interval: Duration = .seconds(1)) async {
        while !Task.isCancelled {
            await rotateDue()
            try? await Task.sleep(for: interval)
        }
    }

    /// Runs every rotation due now, one secret after another; answers how many succeeded.
    @discardableResult
    public func rotateDue() async -> Int {
        let due: [SecretRecord]
        do {
            due = try await database.secrets.dueRotations(now: clock.now())
        } catch {
            logger.error("cannot read the secrets due for rotation", metadata: ["error": "\(error)"])
            return 0
        }
        var succeeded = 0
        for secret in due {
            if await rotate(secret) { succeeded += 1 }
        }
        return succeeded
    }

    /// One rotation of `secret`: its pending one, or a new one when its schedule came due.
    func rotate(_ secret: SecretRecord) async -> Bool {
        let metadata: Logger.Metadata = ["secret": "\(secret.arn)"]
        guard let function = secret.rotationLambdaARN else { return false }
        let token: String
        do {
            token = try await begin(secret)
        } catch {
            logger.error("cannot start the rotation of a secret", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            await finish(secret.arn, succeeded: false)
            return false
        }
        let rotationToken = UUID().uuidString.lowercased()
        for step in Self.steps {
            let payload = JSONValue.object([
                "Step": .string(step), "SecretId": .string(secret.arn), "ClientRequestToken": .string(token),
                "RotationToken": .string(rotationToken),
            ])
            let failure: String?
            do {
                let result = try await functions.invoke(
                    ServiceInvocation(
                        functionARN: function, service: SecretsService.servicePrincipal, sourceARN: secret.arn, sourceAccount: secret.accountID,
                        payload: payload.serialized()))
                failure = result.functionError.map { _ in String(decoding: result.payload.prefix(1024), as: UTF8.self) }
            } catch {
                failure = "\(error)"
            }
            if let failure {
                logger.error(
                    "rotation failed: the rotation function failed its step; AWSPENDING stays on the version",
                    metadata: metadata.merging(["step": "\(step)", "version": "\(token)", "function": "\(function)", "error": "\(failure)"]) {
                        $1
                    })
                await finish(secret.arn, succeeded: false)
                return false
            }
        }
        let versions = (try? await database.secrets.secret(secret.arn))?.1 ?? []
        guard versions.contains(where: { $0.versionID == token && $0.stages.contains(StagingLabels.current) }) else {
            logger.error(
                "rotation failed: after finishSecret, AWSCURRENT is not on the rotation's version",
                metadata: metadata.merging(["version": "\(token)", "function": "\(function)"]) { $1 })
            await finish(secret.arn, succeeded: false)
            return false
        }
        await finish(secret.arn, succeeded: true)
        logger.info("rotated a secret", metadata: metadata.merging(["version": "\(token)"]) { $1 })
        return true
    }

    /// The version id of the rotation to run: RotateSecret's, the one still pending from a rotation
    /// that did not finish (reattempted, as AWS does), or a new empty `AWSPENDING` version.
    private func begin(_ secret: SecretRecord) async throws -> String {
        if let token = secret.rotationToken { return token }
        let keyName = secret.kmsKeyARN ?? SecretsService.managedKey
        let (record, _) = try await database.secrets.relabel(secret.arn, now: clock.now(), emptyVersionKey: keyName) { record, labels in
            let current = labels.first { $0.value.contains(StagingLabels.current) }?.key
            if let pending = labels.first(where: { $0.value.contains(StagingLabels.pending) })?.key, pending != current {
                record.rotationToken = pending
                return
            }
            try SecretsService.startRotation(token: UUID().uuidString.lowercased(), record: &record, labels: &labels)
        }
        guard let token = record.rotationToken else { throw StoreError.notFound }
        return token
    }

    /// Records the end of a rotation: on success `LastRotatedDate` and the next date from the schedule.
    private func finish(_ arn: String, succeeded: Bool) async {
        let now = clock.now()
        do {
            try await database.secrets.relabel(arn, now: now) { record, _ in
                record.rotationToken = nil
                let schedule = RotationSchedule.stored(record.rotationRules)
                if succeeded {
                    record.lastRotatedAt = now
                    record.nextRotationAt = schedule?.next(after: now)
                } else if record.rotationEnabled == true, schedule != nil {
                    record.nextRotationAt = max(record.nextRotationAt ?? now, now.addingTimeInterval(Self.retryDelay))
                }
            }
        } catch {
            logger.error("cannot record the end of a rotation", metadata: ["secret": "\(arn)", "error": "\(error)"])
        }
    }
}
