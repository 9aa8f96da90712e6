import AWSWire
import BulwarkCore
import Crypto
import Foundation

/// The operations of asymmetric and HMAC keys: Sign, Verify, GetPublicKey, GenerateMac, VerifyMac.
extension KMSService {
    var signingOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "Sign", action: "kms:Sign", readOnly: true,
                input: KMSAPI.SignRequest.self,
                references: { input, context in try Self.keyID(input.keyId, grantTokens: input.grantTokens, context) },
                conditionKeys: { input, _, context in
                    var keys = Self.callerKeys(context, keyID: input.keyId)
                    keys["kms:SigningAlgorithm"] = .single(input.signingAlgorithm)
                    keys["kms:MessageType"] = .single(input.messageType ?? "RAW")
                    return keys
                },
                handler: sign
            ),
            ServiceOperation(
                "Verify", action: "kms:Verify", readOnly: true,
                input: KMSAPI.VerifyRequest.self,
                references: { input, context in try Self.keyID(input.keyId, grantTokens: input.grantTokens, context) },
                conditionKeys: { input, _, context in
                    var keys = Self.callerKeys(context, keyID: input.keyId)
                    keys["kms:SigningAlgorithm"] = .single(input.signingAlgorithm)
                    keys["kms:MessageType"] = .single(input.messageType ?? "RAW")
                    return keys
                },
                handler: verify
            ),
            ServiceOperation(
                "GetPublicKey", action: "kms:GetPublicKey", readOnly: true,
                input: KMSAPI.GetPublicKeyRequest.self,
                references: { input, context in try Self.keyID(input.keyId, grantTokens: input.grantTokens, context) },
                conditionKeys: { input, _, context in Self.callerKeys(context, keyID: input.keyId) },
                handler: getPublicKey
            ),
            ServiceOperation(
                "GenerateMac", action: "kms:GenerateMac", readOnly: true,
                input: KMSAPI.GenerateMacRequest.self,
                references: { input, context in try Self.keyID(input.keyId, grantTokens: input.grantTokens, context) },
                conditionKeys: { input, _, context in
                    var keys = Self.callerKeys(context, keyID: input.keyId)
                    keys["kms:MacAlgorithm"] = .single(input.macAlgorithm)
                    return keys
                },
                handler: generateMac
            ),
            ServiceOperation(
                "VerifyMac", action: "kms:VerifyMac", readOnly: true,
                input: KMSAPI.VerifyMacRequest.self,
                references: { input, context in try Self.keyID(input.keyId, grantTokens: input.grantTokens, context) },
                conditionKeys: { input, _, context in
                    var keys = Self.callerKeys(context, keyID: input.keyId)
                    keys["kms:MacAlgorithm"] = .single(input.macAlgorithm)
                    return keys
                },
                handler: verifyMac
            ),
        ]
    }

    @Sendable func sign(_ input: KMSAPI.SignRequest, _ context: CallContext) async throws -> KMSAPI.SignResponse {
        let (key, spec) = try signingKey(context, algorithm: input.signingAlgorithm, operation: "Sign")
        let isDigest = try Self.isDigest(input.messageType, message: input.message, algorithm: input.signingAlgorithm)
        if input.dryRun == true { throw KMSError.dryRun }
        let signature = try Self.cryptography(context) {
            try AsymmetricCryptography.sign(
                secret: try material(key, context), spec: spec, algorithm: input.signingAlgorithm, message: input.message, isDigest: isDigest)
        }
        return KMSAPI.SignResponse(keyId: key.arn, signature: signature, signingAlgorithm: input.signingAlgorithm)
    }

    @Sendable func verify(_ input: KMSAPI.VerifyRequest, _ context: CallContext) async throws -> KMSAPI.VerifyResponse {
        let (key, spec) = try signingKey(context, algorithm: input.signingAlgorithm, operation: "Verify")
        let isDigest = try Self.isDigest(input.messageType, message: input.message, algorithm: input.signingAlgorithm)
        if input.dryRun == true { throw KMSError.dryRun }
        guard let publicKey = key.material?.publicKey else { throw KMSError.materialUnavailable(requestID: context.requestID) }
        let valid = try Self.cryptography(context) {
            try AsymmetricCryptography.verify(
                publicKey: publicKey, spec: spec, algorithm: input.signingAlgorithm, message: input.message, isDigest: isDigest,
                signature: input.signature)
        }
        // KMS answers an invalid signature with an error, never `SignatureValid: false`.
        guard valid else { throw KMSError.invalidSignature }
        return KMSAPI.VerifyResponse(keyId: key.arn, signatureValid: true, signingAlgorithm: input.signingAlgorithm)
    }

    @Sendable func getPublicKey(_ input: KMSAPI.GetPublicKeyRequest, _ context: CallContext) async throws -> KMSAPI.GetPublicKeyResponse {
        let key = try Self.usableKey(context)
        guard let spec = KeySpecification(key.record.keySpec), spec.isAsymmetric, let publicKey = key.material?.publicKey else {
            // Bulwark's wording: AWS answers UnsupportedOperationException for a key with no public key.
            throw KMSError.unsupported("\(key.arn) key spec is \(key.record.keySpec) which is not valid for GetPublicKey.")
        }
        return KMSAPI.GetPublicKeyResponse(
            keyId: key.arn, publicKey: publicKey, customerMasterKeySpec: spec.name, keySpec: spec.name, keyUsage: key.record.keyUsage,
            encryptionAlgorithms: spec.encryptionAlgorithms(usage: key.record.keyUsage),
            signingAlgorithms: spec.signingAlgorithms(usage: key.record.keyUsage))
    }

    @Sendable func generateMac(_ input: KMSAPI.GenerateMacRequest, _ context: CallContext) async throws -> KMSAPI.GenerateMacResponse {
        let key = try macKey(context, algorithm: input.macAlgorithm, operation: "GenerateMac", dryRun: input.dryRun)
        let mac = AsymmetricCryptography.mac(secret: try material(key, context), algorithm: input.macAlgorithm, message: input.message)
        return KMSAPI.GenerateMacResponse(mac: mac, macAlgorithm: input.macAlgorithm, keyId: key.arn)
    }

    @Sendable func verifyMac(_ input: KMSAPI.VerifyMacRequest, _ context: CallContext) async throws -> KMSAPI.VerifyMacResponse {
        let key = try macKey(context, algorithm: input.macAlgorithm, operation: "VerifyMac", dryRun: input.dryRun)
        guard AsymmetricCryptography.isValidMAC(input.mac, secret: try material(key, context), algorithm: input.macAlgorithm, message: input.message)
        else { throw KMSError.invalidMAC }
        return KMSAPI.VerifyMacResponse(keyId: key.arn, macValid: true, macAlgorithm: input.macAlgorithm)
    }

    /// The resolved key, refused unless it is usable, of usage `SIGN_VERIFY`, with `algorithm` among its spec's.
    private func signingKey(_ context: CallContext, algorithm: String, operation: String) throws -> (ResolvedKey, KeySpecification) {
        let key = try Self.usableKey(context)
        try Self.requireUsage(key, KeySpecification.signVerify, operation: operation)
        guard let spec = KeySpecification(key.record.keySpec), spec.signingAlgorithms(usage: key.record.keyUsage)?.contains(algorithm) == true else {
            throw KMSError.incompatibleAlgorithm(algorithm, key.record.keySpec)
        }
        return (key, spec)
    }

    /// The resolved key, refused unless it is usable, of usage `GENERATE_VERIFY_MAC`, with `algorithm` its spec's.
    private func macKey(_ context: CallContext, algorithm: String, operation: String, dryRun: Bool?) throws -> ResolvedKey {
        let key = try Self.usableKey(context)
        try Self.requireUsage(key, KeySpecification.generateVerifyMAC, operation: operation)
        guard KeySpecification(key.record.keySpec)?.macAlgorithms?.contains(algorithm) == true else {
            throw KMSError.incompatibleAlgorithm(algorithm, key.record.keySpec)
        }
        if dryRun == true { throw KMSError.dryRun }
        return key
    }

    /// Refuses a key whose usage is not `usage`, with AWS's InvalidKeyUsageException.
    static func requireUsage(_ key: ResolvedKey, _ usage: String, operation: String) throws {
        guard key.record.keyUsage == usage else {
            throw KMSError.invalidKeyUsage("\(key.arn) key usage is \(key.record.keyUsage) which is not valid for \(operation).")
        }
    }

    /// Whether `message` is a digest (`MessageType` `DIGEST`) of the length `algorithm` signs.
    static func isDigest(_ messageType: String?, message: Data, algorithm: String) throws -> Bool {
        switch messageType ?? "RAW" {
        case "RAW": return false
        case "DIGEST":
            guard message.count == AsymmetricCryptography.digestLength(algorithm) else {
                throw KMSError.validation("Digest is invalid length for algorithm \(algorithm).")
            }
            return true
        default:
            // EXTERNAL_MU is ML-DSA's, which Bulwark does not create.
            throw KMSError.validation("Message type \(messageType ?? "") is incompatible with algorithm \(algorithm).")
        }
    }

    /// Runs an asymmetric operation, answering its failures as KMS does.
    static func cryptography<T>(_ context: CallContext, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let failure as AsymmetricCryptography.Failure {
            switch failure {
            case .digestLength: throw KMSError.validation("Digest is invalid length.")
            case .invalidCiphertext: throw KMSError.invalidCiphertext
            case .plaintextTooLong(let maximum):
                // Bulwark's wording; the limit is AWS's (the key's modulus less OAEP's overhead).
                throw KMSError.validation("Plaintext is longer than the \(maximum) bytes the key spec and algorithm allow.")
            case .unreadableMaterial: throw KMSError.materialUnavailable(requestID: context.requestID)
            }
        }
    }
}
