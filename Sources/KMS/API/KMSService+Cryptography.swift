import AWSWire
import BulwarkCore
import Crypto
import Foundation

extension KMSService {
    var cryptographicOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "Encrypt", action: "kms:Encrypt", readOnly: true,
                input: KMSAPI.EncryptRequest.self,
                references: { input, context in try Self.keyID(input.keyId, grantTokens: input.grantTokens, context) },
                conditionKeys: { input, _, context in
                    Self.contextKeys(input.encryptionContext, context, keyID: input.keyId, algorithm: input.encryptionAlgorithm)
                },
                handler: encrypt
            ),
            ServiceOperation(
                "Decrypt", action: "kms:Decrypt", readOnly: true,
                input: KMSAPI.DecryptRequest.self,
                // The ciphertext names its key and material version; a KeyId given too must name the same key.
                references: { input, context in
                    try GrantToken.check(input.grantTokens)
                    // An RSA ciphertext names no key: KeyId does (AWS requires it for asymmetric keys).
                    if Self.isRSAAlgorithm(input.encryptionAlgorithm) {
                        guard let keyID = input.keyId else { throw KMSError.invalidCiphertext }
                        return [try Self.key("KeyId", keyID, context)]
                    }
                    let blob = try Self.ciphertext(input.ciphertextBlob)
                    var references = [try Self.key("CiphertextBlob", blob.keyARN, context, version: blob.version)]
                    if let keyID = input.keyId { references.append(try Self.key("KeyId", keyID, context).implied) }
                    return references
                },
                conditionKeys: { input, _, context in
                    Self.contextKeys(input.encryptionContext, context, keyID: input.keyId, algorithm: input.encryptionAlgorithm)
                },
                handler: decrypt
            ),
            ServiceOperation(
                "ReEncrypt", action: "kms:ReEncryptFrom", readOnly: true, eventName: "ReEncrypt",
                input: KMSAPI.ReEncryptRequest.self,
                references: { input, context in
                    try GrantToken.check(input.grantTokens)
                    let blob = try Self.ciphertext(input.ciphertextBlob)
                    var references = [
                        try Self.key("CiphertextBlob", blob.keyARN, context, version: blob.version),
                        try Self.key("DestinationKeyId", input.destinationKeyId, context).implied,
                    ]
                    if let keyID = input.sourceKeyId { references.append(try Self.key("SourceKeyId", keyID, context).implied) }
                    return references
                },
                resources: { _, resolution, _ in [resolution.resources[0].arn] },
                conditionKeys: { input, resolution, context in
                    var keys = Self.contextKeys(input.sourceEncryptionContext, context, algorithm: input.sourceEncryptionAlgorithm)
                    keys["kms:ReEncryptOnSameKey"] = .single(resolution.resources[0].arn == resolution.resources[1].arn ? "true" : "false")
                    return keys
                },
                furtherChecks: { input, resolution, context in
                    var keys = Self.contextKeys(
                        input.destinationEncryptionContext, context, keyID: input.destinationKeyId, algorithm: input.destinationEncryptionAlgorithm)
                    keys["kms:ReEncryptOnSameKey"] = .single(resolution.resources[0].arn == resolution.resources[1].arn ? "true" : "false")
                    return [AuthorizationCheck(action: "kms:ReEncryptTo", resource: resolution.resources[1].arn, conditionKeys: keys)]
                },
                handler: reEncrypt
            ),
            ServiceOperation(
                "GenerateDataKey", action: "kms:GenerateDataKey", readOnly: true,
                input: KMSAPI.GenerateDataKeyRequest.self,
                references: { input, context in try Self.keyID(input.keyId, grantTokens: input.grantTokens, context) },
                conditionKeys: { input, _, context in Self.contextKeys(input.encryptionContext, context, keyID: input.keyId) },
                handler: generateDataKey
            ),
            ServiceOperation(
                "GenerateDataKeyWithoutPlaintext", action: "kms:GenerateDataKeyWithoutPlaintext", readOnly: true,
                input: KMSAPI.GenerateDataKeyWithoutPlaintextRequest.self,
                references: { input, context in try Self.keyID(input.keyId, grantTokens: input.grantTokens, context) },
                conditionKeys: { input, _, context in Self.contextKeys(input.encryptionContext, context, keyID: input.keyId) },
                handler: generateDataKeyWithoutPlaintext
            ),
            ServiceOperation(
                "GenerateRandom", action: "kms:GenerateRandom", readOnly: true,
                input: KMSAPI.GenerateRandomRequest.self,
                handler: generateRandom
            ),
        ]
    }

    /// The condition keys of a cryptographic operation: `kms:EncryptionContext:<key>` for each pair,
    /// `kms:EncryptionContextKeys`, `kms:EncryptionAlgorithm` (when the operation takes one),
    /// `kms:CallerAccount` and `kms:RequestAlias`.
    static func contextKeys(
        _ encryptionContext: [String: String]?, _ context: CallContext, keyID: String? = nil, algorithm: String? = nil
    ) -> [String: AuthorizationCheck.Value] {
        var keys = callerKeys(context, keyID: keyID)
        let pairs = encryptionContext ?? [:]
        for (key, value) in pairs { keys["kms:EncryptionContext:\(key)"] = .single(value) }
        if !pairs.isEmpty { keys["kms:EncryptionContextKeys"] = .multiple(pairs.keys.sorted()) }
        if let algorithm { keys["kms:EncryptionAlgorithm"] = .single(algorithm) }
        return keys
    }

    /// A `CiphertextBlob` read for the key it names. - Throws: InvalidCiphertextException.
    static func ciphertext(_ bytes: Data?) throws -> CiphertextBlob {
        guard let bytes else { throw KMSError.validation("CiphertextBlob is required.") }
        do {
            return try CiphertextBlob(bytes)
        } catch {
            throw KMSError.invalidCiphertext
        }
    }

    /// The resolved key, refused unless it may be used for cryptography now (enabled).
    static func usableKey(_ context: CallContext, member: String = "KeyId") throws -> ResolvedKey {
        let key = try resolvedKey(context, member: member)
        switch key.record.state {
        case .enabled: break
        case .disabled: throw KMSError.disabled(key.arn)
        case .pendingDeletion: throw KMSError.pendingDeletion(key.arn)
        }
        return key
    }

    /// The usable key of an encryption: usage `ENCRYPT_DECRYPT`, `algorithm` (`SYMMETRIC_DEFAULT` when
    /// not given) among its spec's.
    static func encryptionKey(_ context: CallContext, member: String = "KeyId", algorithm: String?, operation: String) throws -> ResolvedKey {
        let key = try usableKey(context, member: member)
        try requireUsage(key, encryptDecrypt, operation: operation)
        let algorithm = algorithm ?? symmetricDefault
        guard KeySpecification(key.record.keySpec)?.encryptionAlgorithms(usage: key.record.keyUsage)?.contains(algorithm) == true else {
            throw KMSError.incompatibleAlgorithm(algorithm, key.record.keySpec)
        }
        return key
    }

    /// The usable key of an operation only symmetric encryption keys make (data keys, ReEncrypt's destination).
    static func symmetricKey(_ context: CallContext, member: String = "KeyId", operation: String) throws -> ResolvedKey {
        let key = try usableKey(context, member: member)
        try requireUsage(key, encryptDecrypt, operation: operation)
        guard key.record.keySpec == symmetricDefault else {
            // Bulwark's wording: AWS answers InvalidKeyUsageException for an asymmetric key here.
            throw KMSError.invalidKeyUsage("\(key.arn) key spec is \(key.record.keySpec) which is not valid for \(operation).")
        }
        return key
    }

    /// Whether an `EncryptionAlgorithm` is RSA's (`RSAES_OAEP_SHA_1`, `RSAES_OAEP_SHA_256`).
    static func isRSAAlgorithm(_ algorithm: String?) -> Bool { algorithm?.hasPrefix("RSAES_") == true }

    /// Refuses an encryption context with an asymmetric key (KMS supports it with symmetric keys only).
    static func refuseContext(_ encryptionContext: [String: String]?) throws {
        guard encryptionContext?.isEmpty == false else { return }
        // Bulwark's wording.
        throw KMSError.validation("EncryptionContext is supported only with symmetric encryption KMS keys.")
    }

    /// The unwrapped material of the version the resolve stage loaded.
    func material(_ key: ResolvedKey, _ context: CallContext) throws -> SymmetricKey {
        guard let material = key.material else { throw KMSError.invalidCiphertext }
        do {
            return try masterKey.unwrap(material.wrapped, keyID: key.record.id, version: material.version)
        } catch {
            throw KMSError.materialUnavailable(requestID: context.requestID)
        }
    }

    /// Encrypts under the key's current material.
    func seal(_ plaintext: Data, _ key: ResolvedKey, encryptionContext: [String: String]?, _ context: CallContext) throws -> Data {
        guard let material = key.material else { throw KMSError.materialUnavailable(requestID: context.requestID) }
        let blob = try CiphertextBlob.seal(
            plaintext, keyARN: key.arn, version: material.version, material: try self.material(key, context), context: encryptionContext ?? [:])
        return blob.bytes
    }

    /// Decrypts the blob of `CiphertextBlob` with the key it names, checking `KeyId` when given.
    func open(_ bytes: Data?, keyMember: String, encryptionContext: [String: String]?, _ context: CallContext) throws -> (ResolvedKey, Data) {
        let blob = try Self.ciphertext(bytes)
        let key = try Self.symmetricKey(context, member: "CiphertextBlob", operation: keyMember == "KeyId" ? "Decrypt" : "ReEncrypt")
        if context.resolution.resources.contains(where: { $0.reference.member == keyMember }) {
            guard try Self.resolvedKey(context, member: keyMember).record.id == key.record.id else { throw KMSError.incorrectKey }
        }
        do {
            return (key, try blob.open(material: try material(key, context), context: encryptionContext ?? [:]))
        } catch is CiphertextBlob.Malformed {
            throw KMSError.invalidCiphertext
        }
    }

    @Sendable func encrypt(_ input: KMSAPI.EncryptRequest, _ context: CallContext) async throws -> KMSAPI.EncryptResponse {
        let key = try Self.encryptionKey(context, algorithm: input.encryptionAlgorithm, operation: "Encrypt")
        if let algorithm = input.encryptionAlgorithm, Self.isRSAAlgorithm(algorithm) {
            try Self.refuseContext(input.encryptionContext)
            guard let publicKey = key.material?.publicKey else { throw KMSError.materialUnavailable(requestID: context.requestID) }
            let ciphertext = try Self.cryptography(context) {
                try AsymmetricCryptography.encrypt(publicKey: publicKey, algorithm: algorithm, plaintext: input.plaintext)
            }
            return KMSAPI.EncryptResponse(ciphertextBlob: ciphertext, keyId: key.arn, encryptionAlgorithm: algorithm)
        }
        let blob = try seal(input.plaintext, key, encryptionContext: input.encryptionContext, context)
        return KMSAPI.EncryptResponse(ciphertextBlob: blob, keyId: key.arn, encryptionAlgorithm: Self.symmetricDefault)
    }

    @Sendable func decrypt(_ input: KMSAPI.DecryptRequest, _ context: CallContext) async throws -> KMSAPI.DecryptResponse {
        if input.recipient != nil { throw KMSError.unsupported("Bulwark does not support Recipient (Nitro Enclaves attestation).") }
        if let algorithm = input.encryptionAlgorithm, Self.isRSAAlgorithm(algorithm) {
            try Self.refuseContext(input.encryptionContext)
            let key = try Self.encryptionKey(context, algorithm: algorithm, operation: "Decrypt")
            let plaintext = try Self.cryptography(context) {
                try AsymmetricCryptography.decrypt(
                    secret: try material(key, context), algorithm: algorithm, ciphertext: input.ciphertextBlob ?? Data())
            }
            return KMSAPI.DecryptResponse(keyId: key.arn, plaintext: plaintext, encryptionAlgorithm: algorithm)
        }
        if let algorithm = input.encryptionAlgorithm, algorithm != Self.symmetricDefault { throw KMSError.invalidCiphertext }
        let (key, plaintext) = try open(input.ciphertextBlob, keyMember: "KeyId", encryptionContext: input.encryptionContext, context)
        return KMSAPI.DecryptResponse(
            keyId: key.arn, plaintext: plaintext, encryptionAlgorithm: Self.symmetricDefault, keyMaterialId: key.material?.materialID)
    }

    @Sendable func reEncrypt(_ input: KMSAPI.ReEncryptRequest, _ context: CallContext) async throws -> KMSAPI.ReEncryptResponse {
        if let algorithm = input.sourceEncryptionAlgorithm, algorithm != Self.symmetricDefault { throw KMSError.invalidCiphertext }
        let (source, plaintext) = try open(
            input.ciphertextBlob, keyMember: "SourceKeyId", encryptionContext: input.sourceEncryptionContext, context)
        if let algorithm = input.destinationEncryptionAlgorithm, algorithm != Self.symmetricDefault {
            // Bulwark re-encrypts under symmetric encryption keys only.
            throw KMSError.unsupported("Bulwark does not support DestinationEncryptionAlgorithm \(algorithm).")
        }
        let destination = try Self.symmetricKey(context, member: "DestinationKeyId", operation: "ReEncrypt")
        let blob = try seal(plaintext, destination, encryptionContext: input.destinationEncryptionContext, context)
        return KMSAPI.ReEncryptResponse(
            ciphertextBlob: blob, sourceKeyId: source.arn, keyId: destination.arn, sourceEncryptionAlgorithm: Self.symmetricDefault,
            destinationEncryptionAlgorithm: Self.symmetricDefault, sourceKeyMaterialId: source.material?.materialID,
            destinationKeyMaterialId: destination.material?.materialID)
    }

    @Sendable func generateDataKey(
        _ input: KMSAPI.GenerateDataKeyRequest, _ context: CallContext
    ) async throws
        -> KMSAPI.GenerateDataKeyResponse
    {
        if input.recipient != nil { throw KMSError.unsupported("Bulwark does not support Recipient (Nitro Enclaves attestation).") }
        let key = try Self.symmetricKey(context, operation: "GenerateDataKey")
        let dataKey = Self.randomBytes(try Self.dataKeyLength(numberOfBytes: input.numberOfBytes, keySpec: input.keySpec))
        let blob = try seal(dataKey, key, encryptionContext: input.encryptionContext, context)
        return KMSAPI.GenerateDataKeyResponse(ciphertextBlob: blob, plaintext: dataKey, keyId: key.arn, keyMaterialId: key.material?.materialID)
    }

    @Sendable func generateDataKeyWithoutPlaintext(
        _ input: KMSAPI.GenerateDataKeyWithoutPlaintextRequest, _ context: CallContext
    ) async throws
        -> KMSAPI.GenerateDataKeyWithoutPlaintextResponse
    {
        let key = try Self.symmetricKey(context, operation: "GenerateDataKeyWithoutPlaintext")
        let dataKey = Self.randomBytes(try Self.dataKeyLength(numberOfBytes: input.numberOfBytes, keySpec: input.keySpec))
        let blob = try seal(dataKey, key, encryptionContext: input.encryptionContext, context)
        return KMSAPI.GenerateDataKeyWithoutPlaintextResponse(ciphertextBlob: blob, keyId: key.arn, keyMaterialId: key.material?.materialID)
    }

    @Sendable func generateRandom(_ input: KMSAPI.GenerateRandomRequest, _ context: CallContext) async throws -> KMSAPI.GenerateRandomResponse {
        if input.customKeyStoreId != nil { throw KMSError.unsupported("Bulwark has no custom key stores.") }
        if input.recipient != nil { throw KMSError.unsupported("Bulwark does not support Recipient (Nitro Enclaves attestation).") }
        guard let count = input.numberOfBytes else {
            throw KMSError.validation(
                "1 validation error detected: Value null at 'numberOfBytes' failed to satisfy constraint: Member must not be null")
        }
        return KMSAPI.GenerateRandomResponse(plaintext: Self.randomBytes(count))
    }

    /// The length of a data key: `NumberOfBytes` or `KeySpec`, exactly one of them.
    static func dataKeyLength(numberOfBytes: Int?, keySpec: String?) throws -> Int {
        switch (numberOfBytes, keySpec) {
        case (let count?, nil): return count
        case (nil, "AES_256"?): return 32
        case (nil, "AES_128"?): return 16
        default: throw KMSError.validation("Please specify either number of bytes or key spec.")
        }
    }

    /// Bytes from the system's cryptographically secure generator.
    static func randomBytes(_ count: Int) -> Data {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }
}
