import AWSWire
import BulwarkCore
import Foundation
import Store

/// Environment variables are kept encrypted — always — under the function's `KMSKeyArn` or the
/// account's AWS managed key `aws/lambda`, with the function name as encryption context
/// (`LambdaFunctionName`, as Lambda's own context), and decrypted only to answer a caller allowed to
/// read the function or to start an execution environment (decision 0012).
extension LambdaService {
    static let managedKeyService = "lambda"

    /// The encryption context of a function's variables.
    static func encryptionContext(functionName: String) -> [String: String] {
        ["LambdaFunctionName": functionName]
    }

    /// The variables sealed for storage; nil when there is nothing to seal and no customer key.
    ///
    /// - Parameters:
    ///   - keyARN: the customer key as the caller named it; nil for the AWS managed key.
    ///   - key: what the resolve stage found at `keyARN` (the key the caller was judged on); nil when
    ///     `keyARN` names no KMS key at all.
    /// - Throws: InvalidParameterValueException naming KMS's error when the key cannot encrypt.
    func sealEnvironment(
        _ variables: [String: String], keyARN: String?, key: ResolvedResource?, functionName: String, accountID: String, region: String
    )
        async throws -> Data?
    {
        guard !variables.isEmpty || keyARN != nil else { return nil }
        let plaintext = JSONValue.object(variables.mapValues(JSONValue.string)).serialized()
        do {
            if let keyARN, key == nil {
                // KMS's CreateGrant, which Lambda calls with the key, takes no alias.
                throw ServiceEncryptionFailure(
                    .notFound, kmsCode: "InvalidArnException",
                    kmsMessage: Self.isAliasARN(keyARN)
                        ? "Key Aliases are not supported for this operation." : "ARN '\(keyARN)' is not a valid KMS key or alias ARN")
            }
            return try await encryption.encrypt(
                plaintext, under: key, service: Self.managedKeyService, accountID: accountID, region: region,
                context: Self.encryptionContext(functionName: functionName)
            ).blob
        } catch let failure as ServiceEncryptionFailure {
            throw LambdaError.invalidParameter(
                "Lambda was unable to configure access to your environment variables because the KMS key is invalid for CreateGrant. Please check your KMS key settings. KMS Exception: \(failure.kmsCode)KMS Message: \(failure.kmsMessage)"
            )
        }
    }

    /// The plaintext variables of a version. With `launching`, they are opened to start an
    /// execution environment: Lambda's own use of the key, recorded in the trail as CloudTrail
    /// records it (decision 0013). - Throws: the `KMS*Exception` Lambda answers (502).
    func openEnvironment(_ state: FunctionState, accountID: String, region: String, launching: Bool = false) async throws -> [String: String] {
        guard let sealed = state.sealedEnvironment else { return state.environment }
        let plaintext: Data
        do {
            plaintext = try await encryption.decrypt(
                sealed, accountID: accountID, region: region, context: Self.encryptionContext(functionName: state.name),
                auditedFor: launching ? Self.servicePrincipal : nil)
        } catch let failure as ServiceEncryptionFailure {
            throw Self.decryptionRefused(failure)
        }
        guard case .object(let members)? = try? JSONValue.parse(plaintext) else {
            throw AWSError(code: "ServiceException", message: "A stored function configuration cannot be read.", status: 500)
        }
        return members.compactMapValues { member -> String? in
            guard case .string(let value) = member else { return nil }
            return value
        }
    }

    /// `Environment` as a function's configuration shows it to the caller: the variables, or the error
    /// when the caller may not decrypt with the function's customer key (the authorize stage denied
    /// `kms:Decrypt` on `judgedKey`), when the variables are under another key than the one the caller
    /// was judged on (an alias ARN stored before decision 0017, since moved or deleted), or when the
    /// key cannot decrypt them now.
    func shownEnvironment(
        _ state: FunctionState, accountID: String, region: String, judgedKey: JudgedKey?
    ) async throws -> LambdaAPI.EnvironmentResponse? {
        guard state.sealedEnvironment != nil || !state.environment.isEmpty || state.environmentGiven == true else { return nil }
        // Variables under `aws/lambda` (also after a call that leaves the customer key) need no judgement.
        if state.kmsKeyArn != nil, let callerRefusal = judgedKey?.refusal {
            return LambdaAPI.EnvironmentResponse(
                error: LambdaAPI.EnvironmentError(
                    errorCode: "AccessDeniedException",
                    message:
                        "Lambda was unable to decrypt the environment variables because KMS access was denied. Please check the function's KMS key settings. KMS Exception: AccessDeniedExceptionKMS Message: \(callerRefusal)"
                ))
        }
        do {
            if state.kmsKeyArn != nil, let sealed = state.sealedEnvironment, encryption.keyARN(ofBlob: sealed) != judgedKey?.arn {
                throw Self.decryptionRefused(ServiceEncryptionFailure(.notFound, kmsCode: "NotFoundException", kmsMessage: ""))
            }
            return LambdaAPI.EnvironmentResponse(variables: try await openEnvironment(state, accountID: accountID, region: region))
        } catch let refusal as AWSError where refusal.code.hasPrefix("KMS") {
            return LambdaAPI.EnvironmentResponse(error: LambdaAPI.EnvironmentError(errorCode: refusal.code, message: refusal.message))
        }
    }

    /// The configuration as Lambda answers it, with the variables decrypted when the caller was
    /// judged on their customer key (`judgedKey`; none is needed under `aws/lambda`).
    func configuration(
        _ state: FunctionState, _ record: FunctionVersionRecord, functionARN: String, listed: Bool = false, judgedKey: JudgedKey?
    ) async throws -> LambdaAPI.FunctionConfiguration {
        let environment = try await shownEnvironment(
            state, accountID: record.key.accountID, region: record.key.region, judgedKey: judgedKey)
        return Self.configuration(state, record, functionARN: functionARN, environment: environment, listed: listed)
    }

    /// Lambda's answer when the key of a function's variables cannot decrypt them (botocore's
    /// documentation of each error).
    static func decryptionRefused(_ failure: ServiceEncryptionFailure) -> AWSError {
        switch failure.reason {
        case .notFound:
            AWSError(
                code: "KMSNotFoundException",
                message:
                    "Lambda couldn't decrypt the environment variables because the KMS key was not found. Check the function's KMS key settings.",
                status: 502)
        case .disabled:
            AWSError(
                code: "KMSDisabledException",
                message:
                    "Lambda couldn't decrypt the environment variables because the KMS key used is disabled. Check the Lambda function's KMS key settings.",
                status: 502)
        case .invalidState:
            AWSError(
                code: "KMSInvalidStateException",
                message:
                    "Lambda couldn't decrypt the environment variables because the state of the KMS key used is not valid for Decrypt. Check the function's KMS key settings.",
                status: 502)
        case .unavailable:
            AWSError(
                code: "KMSAccessDeniedException",
                message:
                    "Lambda couldn't decrypt the environment variables because KMS access was denied. Check the Lambda function's KMS permissions. KMS Exception: \(failure.kmsCode)",
                status: 502)
        }
    }
}

// MARK: - Migration

extension LambdaService {
    /// Encrypts the variables of versions stored before environments were encrypted, under the
    /// account's `aws/lambda` key, and rewrites their configuration without a new revision; then
    /// truncates the database's log so that no page with the plaintext remains. Runs at start-up,
    /// before any request is served. - Returns: how many versions it sealed.
    @discardableResult
    public func sealStoredEnvironments() async throws -> Int {
        let legacy = try await database.functions.versions { data in
            guard let state = try? FunctionStateCoding.decode(data) else { return false }
            return state.sealedEnvironment == nil && !state.environment.isEmpty
        }
        for record in legacy {
            let state = try FunctionStateCoding.decode(record.configuration)
            let sealed = try await sealEnvironment(
                state.environment, keyARN: nil, key: nil, functionName: state.name, accountID: record.key.accountID, region: record.key.region)
            _ = try await database.functions.update(record.key, version: record.version, expectedRevision: nil) { stored in
                var current = try FunctionStateCoding.decode(stored.configuration)
                guard current.sealedEnvironment == nil, current.environment == state.environment else { return }
                current.environment = [:]
                current.sealedEnvironment = sealed
                stored.configuration = try FunctionStateCoding.encode(current)
            }
        }
        if !legacy.isEmpty { try await database.checkpoint() }
        return legacy.count
    }
}
