import AWSWire
import BulwarkCore
import Crypto
import Foundation
import IAM
import KMS
import Store
import Testing

@testable import Lambda

/// The adversarial reference suite (issue #8): for every operation of the Lambda, IAM, STS and KMS
/// tables that names an entity, every variant of each reference is tried by a caller allowed
/// everything but the real entities, which a policy denies by their canonical ARNs. None may reach a
/// real entity unless the deny on that entity was asked — and then it refuses.
@Suite("No variant of a reference reaches a denied entity")
struct ReferenceResolutionTests {
    /// Operations that AWS documents as succeeding when the entity does not exist (DeleteLayerVersion's
    /// model lists no not-found error; AWS answers 204, decision 0036).
    static let idempotentOnAbsentEntities: Set<String> = ["DeleteOpenIDConnectProvider", "DeleteLayerVersion"]

    @Test(arguments: WalkedService.allCases)
    func noVariantOfAReferenceReachesADeniedEntity(_ walked: WalkedService) async throws {
        let bench = try await AuthorizationBench.make()
        let real = try await RealEntities.create(in: bench)
        let attacker = try await bench.user()
        try await bench.grant(real.denyingPolicy, to: attacker)
        let service = bench.service(walked)
        var tried = 0
        for operation in service.operations {
            let synthesizer = InputSynthesizer(model: service.model, samples: bench.samples, extent: .every)
            guard let input = try? synthesizer.input(for: operation.name) else { continue }
            let references = try operation.prepare(input, context: bench.context(attacker)).references
            // An access key id is an opaque id, not a name with variants.
            for reference in references where reference.kind != .iamAccessKey && reference.kind != .stsAccessKeyAccount {
                let canonical = try #require(real.canonicalARN(of: reference.kind), "\(operation.name): no real \(reference.kind)")
                for variant in ReferenceVariants.of(reference.text, canonical: canonical) {
                    tried += 1
                    let call = await bench.call(operation, input: input.replacing(reference.member, with: variant), by: attacker)
                    call.expectNoRealEntityReached(
                        real, name: "\(operation.name) \(reference.member)=\(variant)",
                        absentIsSuccess: Self.idempotentOnAbsentEntities.contains(operation.name))
                }
            }
        }
        #expect(tried > 0)
    }

    @Test func theRealEntitiesAreReachedByTheirOwnNamesAndDenied() async throws {
        // The suite's control: the canonical references do reach the entities, and the deny refuses them.
        let bench = try await AuthorizationBench.make()
        let real = try await RealEntities.create(in: bench)
        let attacker = try await bench.user()
        try await bench.grant(real.denyingPolicy, to: attacker)
        let iam = bench.service(.iam)
        let getRole = try #require(iam.operations.first { $0.name == "GetRole" })
        let call = await bench.call(getRole, input: .object(["RoleName": .string(SampleValues.name)]), by: attacker)
        #expect(call.resolution?["RoleName"]?.arn == real.roleARN)
        #expect(call.outcome?.isAllowed == false)
        #expect(call.outcome?.denial?.accessDeniedMessage?.contains("with an explicit deny") == true)

        // A version and an alias, by every way of qualifying the function, are reached and denied too.
        let lambda = bench.service(.lambda)
        let invoke = try #require(lambda.operations.first { $0.name == "Invoke" })
        let qualified: [(JSONValue, String)] = [
            (.object(["FunctionName": .string("\(SampleValues.name):1")]), real.functionVersionARN),
            (.object(["FunctionName": .string(SampleValues.name), "Qualifier": .string("1")]), real.functionVersionARN),
            (.object(["FunctionName": .string("\(real.functionARN):\(SampleValues.name)")]), real.functionAliasARN),
            (.object(["FunctionName": .string(SampleValues.name), "Qualifier": .string(SampleValues.name)]), real.functionAliasARN),
        ]
        for (input, arn) in qualified {
            let call = await bench.call(invoke, input: input, by: attacker)
            #expect(call.resolution?["FunctionName"]?.arn == arn)
            #expect(call.resolution?["FunctionName"]?.exists == true)
            #expect(call.outcome?.isAllowed == false)
        }
    }
}

/// One entity of each kind, named as the synthesized inputs name everything, and a policy that
/// allows everything but denies every action on each of them.
struct RealEntities {
    let accountID: String
    let region: String

    var userARN: String { "arn:aws:iam::\(accountID):user/\(SampleValues.name)" }
    var groupARN: String { "arn:aws:iam::\(accountID):group/\(SampleValues.name)" }
    var roleARN: String { "arn:aws:iam::\(accountID):role/\(SampleValues.name)" }
    var policyARN: String { "arn:aws:iam::\(accountID):policy/\(SampleValues.name)" }
    var mfaARN: String { "arn:aws:iam::\(accountID):mfa/\(SampleValues.name)" }
    var functionARN: String { "arn:aws:lambda:\(region):\(accountID):function:\(SampleValues.name)" }
    var instanceProfileARN: String { "arn:aws:iam::\(accountID):instance-profile/\(SampleValues.name)" }
    var oidcProviderARN: String { "arn:aws:iam::\(accountID):oidc-provider/\(SampleValues.name)" }
    /// A service-specific credential id as synthesized inputs name one (the name padded to the
    /// model's minimum length).
    static let serviceSpecificCredentialID = SampleValues.name.padding(toLength: 20, withPad: "x", startingAt: 0)
    /// A signing certificate id likewise (its minimum is 24).
    static let signingCertificateID = SampleValues.name.padding(toLength: 24, withPad: "x", startingAt: 0)

    var keyARN: String { "arn:aws:kms:\(region):\(accountID):key/\(SampleValues.keyID)" }
    var aliasARN: String { "arn:aws:kms:\(region):\(accountID):alias/\(SampleValues.name)" }

    /// The function's published version 1 and its alias, named as the function is.
    var functionVersionARN: String { "\(functionARN):1" }
    var functionAliasARN: String { "\(functionARN):\(SampleValues.name)" }
    /// Version 1 of the layer named as everything is.
    var layerVersionARN: String { "arn:aws:lambda:\(region):\(accountID):layer:\(SampleValues.name):1" }
    /// A code signing configuration with the synthesized inputs' ID.
    var codeSigningConfigARN: String { "arn:aws:lambda:\(region):\(accountID):code-signing-config:\(SampleValues.codeSigningConfigID)" }

    var all: [String] {
        [
            userARN, groupARN, roleARN, policyARN, mfaARN, functionARN, functionVersionARN, functionAliasARN, instanceProfileARN, oidcProviderARN,
            keyARN, aliasARN, layerVersionARN, codeSigningConfigARN,
        ]
    }

    func canonicalARN(of kind: ResourceKind) -> String? {
        switch kind {
        case .iamUser: userARN
        case .iamGroup: groupARN
        case .iamRole: roleARN
        case .iamPolicy: policyARN
        case .iamMFADevice: mfaARN
        case .lambdaFunction: functionARN
        case .lambdaLayerVersion: layerVersionARN
        case .lambdaCodeSigningConfig: codeSigningConfigARN
        case .kmsKey: keyARN
        case .kmsAlias: aliasARN
        // A grant is judged under its key's ARN.
        case .kmsGrant: keyARN
        case .iamInstanceProfile: instanceProfileARN
        case .iamOIDCProvider: oidcProviderARN
        // A service-specific credential is judged as its user.
        case .iamServiceSpecificCredential: userARN
        // So is an SSH public key.
        case .iamSSHPublicKey: userARN
        // And a user's signing certificate.
        case .iamSigningCertificate: userARN
        default: nil
        }
    }

    var denyingPolicy: String {
        let denied = (all + [functionARN + ":*"]).map { "\"\($0)\"" }.joined(separator: ",")
        return #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},"#
            + #"{"Effect":"Deny","Action":"*","Resource":[\#(denied)]}]}"#
    }

    static func create(in bench: AuthorizationBench) async throws -> RealEntities {
        let real = RealEntities(accountID: bench.accountID, region: bench.samples.region)
        let database = bench.database
        let now = bench.samples.time
        let name = SampleValues.name
        let trust = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"\#(real.accountID)"},"Action":"sts:AssumeRole"}]}"#
        for (kind, prefix) in [(IAMPrincipalKind.user, "AIDA"), (.group, "AGPA"), (.role, "AROA")] {
            try await database.iam.create(
                IAMPrincipalRecord(
                    kind: kind, accountID: real.accountID, name: name, uniqueID: "\(prefix)REALWALKED", path: "/", createdAt: now,
                    trustPolicy: kind == .role ? trust : nil)
            )
        }
        try await database.managedPolicies.create(
            ManagedPolicyRecord(
                arn: real.policyARN, accountID: real.accountID, name: name, policyID: "ANPAREALWALKED", path: "/", description: nil,
                defaultVersion: "v1", nextVersion: 2, createdAt: now, updatedAt: now, tags: []
            ),
            document: SampleValues.identityPolicy
        )
        try await database.credentials.createMFADevice(
            MFADeviceRecord(
                serialNumber: real.mfaARN, accountID: real.accountID, name: name, path: "/", seed: Data(repeating: 7, count: 20), userName: nil,
                enabledAt: nil, lastUsedStep: 0, createdAt: now, tags: []
            )
        )
        try await database.instanceProfiles.create(
            InstanceProfileRecord(accountID: real.accountID, name: name, uniqueID: "AIPAREALWALKED", path: "/", createdAt: now))
        try await database.oidcProviders.create(
            OIDCProviderRecord(
                arn: real.oidcProviderARN, accountID: real.accountID, url: "https://\(name)", clientIDs: ["walked"], thumbprints: [],
                createdAt: now, tags: []))
        try await database.serviceSpecificCredentials.create(
            ServiceSpecificCredentialRecord(
                credentialID: serviceSpecificCredentialID, accountID: real.accountID, userID: "AIDAREALWALKED",
                serviceName: "codecommit.amazonaws.com", serviceUserName: "\(name)-at-\(real.accountID)", secretHash: Data(), salt: Data(),
                status: "Active", createdAt: now, expiresAt: nil),
            limit: 2)
        try await database.sshPublicKeys.create(
            SSHPublicKeyRecord(
                keyID: serviceSpecificCredentialID, accountID: real.accountID, userID: "AIDAREALWALKED", body: "ssh-rsa walked",
                fingerprint: "walked", status: "Active", uploadedAt: now),
            limit: 5)
        try await database.signingCertificates.create(
            SigningCertificateRecord(
                certificateID: signingCertificateID, accountID: real.accountID, ownerID: "AIDAREALWALKED", body: "walked", digest: "walked",
                status: "Active", uploadedAt: now),
            limit: 2)
        try await bench.createFunction(name, tags: ["team": "secret"])
        // Its version 1 and an alias of it: qualified references must resolve to them exactly, or to nothing.
        let function = FunctionKey(accountID: real.accountID, region: real.region, name: name)
        _ = try await database.functions.publish(function, expectedRevision: nil) { latest, _, number in
            FunctionVersionRecord(
                key: latest.key, version: number, configuration: latest.configuration, codeSHA256: latest.codeSHA256, codeSize: latest.codeSize,
                revisionID: "r-published")
        }
        try await database.aliases.create(
            AliasRecord(key: function, name: name, functionVersion: "1", description: "", routing: nil, revisionID: "r-alias"))
        // Version 1 of a layer: a layer version reference must resolve to it exactly, or to nothing.
        let layer = LayerKey(accountID: real.accountID, region: real.region, name: name)
        _ = try await database.layers.publish(layer) { number in
            LayerVersionRecord(
                key: layer, version: number, description: "", licenseInfo: nil, compatibleRuntimes: [], compatibleArchitectures: [],
                codeSHA256: String(repeating: "0", count: 64), codeSize: 0, unzippedSize: 0, createdAt: now)
        }
        // A code signing configuration: a reference to it must resolve to it exactly, or to nothing.
        try await database.codeSigning.insert(
            CodeSigningConfigRecord(
                accountID: real.accountID, region: real.region, id: SampleValues.codeSigningConfigID, description: "",
                allowedPublishers: "[]", untrustedArtifactOnDeployment: "Enforce", lastModified: now),
            tags: [:])
        // A KMS key with the default key policy (the account may use it through IAM policies) and its alias.
        let keyID = SampleValues.keyID
        try await database.kms.create(
            KMSKeyRecord(
                id: keyID, accountID: real.accountID, region: real.region, description: "", keyUsage: "ENCRYPT_DECRYPT",
                keySpec: "SYMMETRIC_DEFAULT", origin: "AWS_KMS", keyManager: "CUSTOMER", state: .enabled, createdAt: now,
                policy: KMSService.defaultKeyPolicy(accountID: real.accountID)),
            material: KMSKeyMaterialRecord(
                keyID: keyID, version: 1, materialID: String(repeating: "0", count: 64),
                wrapped: try bench.masterKey.wrap(.init(size: .bits256), keyID: keyID, version: 1), createdAt: now),
            tags: [:], now: now)
        try await database.kms.createAlias(
            KMSAliasRecord(accountID: real.accountID, region: real.region, name: "alias/\(name)", keyID: keyID, createdAt: now, updatedAt: now),
            now: now)
        return real
    }
}
