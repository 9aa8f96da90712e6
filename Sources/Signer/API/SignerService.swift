import AWSWire
import BulwarkCore
import Foundation
import IAM
import KMS
import Store

/// AWS Signer for Lambda (decision 0038): the `AWSLambda-SHA384-ECDSA` platform, signing profiles
/// (one version each, with its own ECDSA P-384 key wrapped by the master key), their permissions
/// and revocation, and signing jobs that read a versioned S3 object and write the signed zip
/// (``SignedPackage``) under a prefix, both with the caller's S3 rights.
///
/// Each operation is declared once below with its IAM action (`signer:<Op>`), the profile or job
/// its input names (resolved once by ``SignerResourceAuthority``), its condition keys and its
/// handler. Operations of the model not declared here answer the pipeline's not-implemented error.
public struct SignerService: AWSService {
    public let model: ServiceModel = .signer
    let database: BulwarkDatabase
    let masterKey: MasterKey
    let reader: any ServiceObjectReader
    let writer: any ServiceObjectWriter
    let clock: WallClock

    public init(
        database: BulwarkDatabase, masterKey: MasterKey, reader: any ServiceObjectReader, writer: any ServiceObjectWriter,
        clock: WallClock = .system
    ) {
        self.database = database
        self.masterKey = masterKey
        self.reader = reader
        self.writer = writer
        self.clock = clock
    }

    public var authorities: [any ResourceAuthority] { [SignerResourceAuthority(database: database)] }

    public var operations: [ServiceOperation] { platformOperations + profileOperations + jobOperations + tagOperations }

    private var platformOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "ListSigningPlatforms", action: "signer:ListSigningPlatforms", readOnly: true, input: SignerAPI.ListSigningPlatformsRequest.self,
                handler: listSigningPlatforms),
            ServiceOperation(
                "GetSigningPlatform", action: "signer:GetSigningPlatform", readOnly: true, input: SignerAPI.GetSigningPlatformRequest.self,
                handler: getSigningPlatform),
        ]
    }

    private var profileOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "PutSigningProfile", action: "signer:PutSigningProfile", readOnly: false,
                input: SignerAPI.PutSigningProfileRequest.self,
                references: { input, _ in [Self.profile("profileName", input.profileName, intent: .creating)] },
                conditionKeys: { input, _, _ in AuthorizationCheck.requestTagKeys(input.tags) },
                furtherChecks: { input, resolution, _ in
                    guard let tags = input.tags, !tags.isEmpty, let profile = resolution["profileName"] else { return [] }
                    return [
                        AuthorizationCheck(
                            action: "signer:TagResource", resource: profile.arn, conditionKeys: AuthorizationCheck.requestTagKeys(tags))
                    ]
                },
                handler: putSigningProfile
            ),
            profileOperation(
                "GetSigningProfile", readOnly: true, SignerAPI.GetSigningProfileRequest.self, { $0.profileName }, handler: getSigningProfile),
            ServiceOperation(
                "ListSigningProfiles", action: "signer:ListSigningProfiles", readOnly: true, input: SignerAPI.ListSigningProfilesRequest.self,
                handler: listSigningProfiles),
            profileOperation(
                "CancelSigningProfile", readOnly: false, SignerAPI.CancelSigningProfileRequest.self, { $0.profileName }, handler: cancelSigningProfile
            ),
            profileOperation(
                "RevokeSigningProfile", readOnly: false, SignerAPI.RevokeSigningProfileRequest.self, { $0.profileName },
                conditionKeys: { input in ["signer:ProfileVersion": .single(input.profileVersion)] }, handler: revokeSigningProfile),
            profileOperation(
                "AddProfilePermission", readOnly: false, SignerAPI.AddProfilePermissionRequest.self, { $0.profileName },
                handler: addProfilePermission),
            profileOperation(
                "RemoveProfilePermission", readOnly: false, SignerAPI.RemoveProfilePermissionRequest.self, { $0.profileName },
                handler: removeProfilePermission),
            profileOperation(
                "ListProfilePermissions", readOnly: true, SignerAPI.ListProfilePermissionsRequest.self, { $0.profileName },
                handler: listProfilePermissions),
        ]
    }

    private var jobOperations: [ServiceOperation] {
        [
            // The signed zip's key is `<prefix><jobId>.zip` and the job's ID is the request's: the
            // caller's s3:PutObject is asked on exactly the object the job writes.
            ServiceOperation(
                "StartSigningJob", action: "signer:StartSigningJob", readOnly: false, maxRequestBytes: 1 << 16,
                input: SignerAPI.StartSigningJobRequest.self,
                references: { input, context in try Self.jobReferences(input, context: context) },
                resources: { _, resolution, _ in [resolution["profileName"]?.arn].compactMap { $0 } },
                conditionKeys: { _, resolution, _ in
                    guard let profile = resolution["profileName"]?.entity(as: SigningProfileRecord.self) else { return [:] }
                    return ["signer:ProfileVersion": .single(profile.profileVersion)]
                },
                furtherChecks: { input, resolution, context in
                    Self.jobObjectChecks(input, resolution, context, readKeys: reader.readConditionKeys(of:))
                },
                handler: startSigningJob
            ),
            ServiceOperation(
                "DescribeSigningJob", action: "signer:DescribeSigningJob", readOnly: true,
                input: SignerAPI.DescribeSigningJobRequest.self,
                references: { input, _ in [ResourceReference(.signerJob, member: "jobId", text: input.jobId)] },
                handler: describeSigningJob
            ),
            ServiceOperation(
                "ListSigningJobs", action: "signer:ListSigningJobs", readOnly: true, input: SignerAPI.ListSigningJobsRequest.self,
                handler: listSigningJobs),
            // The Service Authorization Reference judges RevokeSignature on the job's signing profile.
            ServiceOperation(
                "RevokeSignature", action: "signer:RevokeSignature", readOnly: false,
                input: SignerAPI.RevokeSignatureRequest.self,
                references: { input, _ in [ResourceReference(.signerJob, member: "jobId", text: input.jobId)] },
                resources: { _, resolution, context in
                    guard let job = resolution["jobId"]?.entity(as: SigningJobRecord.self) else { return [resolution["jobId"]?.arn ?? "*"] }
                    return [SigningProfileRecord.arn(accountID: job.accountID, region: job.region, name: job.profileName)]
                },
                handler: revokeSignature
            ),
            ServiceOperation(
                "GetRevocationStatus", action: "signer:GetRevocationStatus", readOnly: true, input: SignerAPI.GetRevocationStatusRequest.self,
                handler: getRevocationStatus),
        ]
    }

    private var tagOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "TagResource", action: "signer:TagResource", readOnly: false,
                input: SignerAPI.TagResourceRequest.self,
                references: { input, _ in [try Self.taggedProfile(input.resourceArn)] },
                conditionKeys: { input, _, _ in AuthorizationCheck.requestTagKeys(input.tags) },
                handler: tagResource
            ),
            ServiceOperation(
                "UntagResource", action: "signer:UntagResource", readOnly: false,
                input: SignerAPI.UntagResourceRequest.self,
                references: { input, _ in [try Self.taggedProfile(input.resourceArn)] },
                conditionKeys: { input, _, _ in AuthorizationCheck.tagKeys(input.tagKeys) },
                handler: untagResource
            ),
            ServiceOperation(
                "ListTagsForResource", action: "signer:ListTagsForResource", readOnly: true,
                input: SignerAPI.ListTagsForResourceRequest.self,
                references: { input, _ in [try Self.taggedProfile(input.resourceArn)] },
                handler: listTagsForResource
            ),
        ]
    }

    /// An operation on one profile named by `profileName`, judged on the profile.
    private func profileOperation<Input: Decodable & Sendable, Output: Encodable & Sendable>(
        _ name: String, readOnly: Bool, _ input: Input.Type, _ profileName: @escaping @Sendable (Input) -> String,
        conditionKeys: (@Sendable (Input) -> [String: AuthorizationCheck.Value])? = nil,
        handler: @escaping @Sendable (Input, CallContext) async throws -> Output
    ) -> ServiceOperation {
        ServiceOperation(
            name, action: "signer:\(name)", readOnly: readOnly,
            input: input,
            references: { input, _ in [Self.profile("profileName", profileName(input))] },
            conditionKeys: { input, _, _ in conditionKeys?(input) ?? [:] },
            handler: handler
        )
    }

    static func profile(_ member: String, _ name: String, intent: ResourceReference.Intent = .existing) -> ResourceReference {
        ResourceReference(.signerProfile, member: member, text: name, intent: intent)
    }

    /// The profile a tagging operation's `resourceArn` names. - Throws: BadRequestException for
    /// what is not a signing profile ARN.
    static func taggedProfile(_ arn: String) throws -> ResourceReference {
        guard let parsed = ARN(arn), parsed.service == "signer", parsed.resource.hasPrefix("/signing-profiles/") else {
            throw SignerError.badRequest("Invalid resource ARN: \(arn)")
        }
        return ResourceReference(.signerProfile, member: "resourceArn", text: arn)
    }

    /// The profile the resolve stage found under `member`, or Signer's not-found error.
    static func resolvedProfile(_ context: CallContext, member: String = "profileName", name: String) throws -> SigningProfileRecord {
        guard let resolved = context.resolution[member] else { throw AWSError.undeclaredReference(.signerProfile, requestID: context.requestID) }
        guard let profile = resolved.entity(as: SigningProfileRecord.self) else { throw SignerError.profileNotFound(name) }
        return profile
    }

    /// The job the resolve stage found, or Signer's not-found error.
    static func resolvedJob(_ context: CallContext, id: String) throws -> SigningJobRecord {
        guard let resolved = context.resolution["jobId"] else { throw AWSError.undeclaredReference(.signerJob, requestID: context.requestID) }
        guard let job = resolved.entity(as: SigningJobRecord.self) else { throw SignerError.jobNotFound(id) }
        return job
    }

    func now() -> Date { clock.now() }

    static func seconds(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970.rounded(.down)) }

    static func date(_ seconds: Int64?) -> Date? { seconds.map { Date(timeIntervalSince1970: TimeInterval($0)) } }
}
