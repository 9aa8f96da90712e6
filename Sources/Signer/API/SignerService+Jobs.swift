import AWSWire
import BulwarkCore
import Crypto
import Foundation
import KMS
import Store

/// Signing jobs: the source is an S3 object version (its bucket must keep versions, as AWS
/// requires), the signed zip goes to `<prefix><jobId>.zip` in the destination bucket; both with the
/// caller's S3 rights (decision 0038).
extension SignerService {
    /// The input members that name the job's S3 objects.
    enum JobMember {
        static let sourceBucket = "source.s3.bucketName"
        static let sourceKey = "source.s3.key"
        static let destinationBucket = "destination.s3.bucketName"
        static let destinationKey = "destination.s3.prefix"
    }

    /// The largest package the platform signs (its `maxSizeInMB`).
    static let maxPackageBytes = 250 << 20

    /// The key of the signed zip of job `jobID`.
    static func destinationKey(_ input: SignerAPI.StartSigningJobRequest, jobID: String) -> String {
        (input.destination.s3?.prefix ?? "") + jobID + ".zip"
    }

    /// A job's ID: the request's (a random UUID), so that the object the job writes is known when
    /// the caller's right to write it is judged.
    static func jobID(_ context: CallContext) -> String { context.requestID.lowercased() }

    static func jobReferences(_ input: SignerAPI.StartSigningJobRequest, context: CallContext) throws -> [ResourceReference] {
        guard let source = input.source.s3 else { throw SignerError.validation("Source S3 location must be specified.") }
        guard let destination = input.destination.s3?.bucketName else {
            throw SignerError.validation("Destination S3 bucket name must be specified.")
        }
        return [
            profile("profileName", input.profileName),
            ResourceReference(.s3Bucket, member: JobMember.sourceBucket, text: source.bucketName).implied,
            ResourceReference(.s3Object, member: JobMember.sourceKey, text: "\(source.bucketName)/\(source.key)", qualifier: source.version).implied,
            ResourceReference(.s3Bucket, member: JobMember.destinationBucket, text: destination).implied,
            // The signed zip's key, resolved as PutObject resolves it: with its bucket's owner and policy,
            // so that writing into another account's bucket needs that bucket's policy too.
            ResourceReference(.s3Object, member: JobMember.destinationKey, text: "\(destination)/\(destinationKey(input, jobID: jobID(context)))")
                .implied,
        ]
    }

    /// The caller's rights on the job's objects, as Signer uses them on AWS: `s3:GetObject` and
    /// `s3:GetObjectVersion` on the source version, `s3:PutObject` on the signed zip's key.
    static func jobObjectChecks(
        _ input: SignerAPI.StartSigningJobRequest, _ resolution: Resolution, _ context: CallContext,
        readKeys: (ResolvedResource) -> [String: AuthorizationCheck.Value]
    ) -> [AuthorizationCheck] {
        guard let source = input.source.s3, let object = resolution[JobMember.sourceKey],
            let destination = resolution[JobMember.destinationKey]
        else { return [] }
        let keys = readKeys(object)
        return [
            AuthorizationCheck(action: "s3:GetObject", resource: object.arn, conditionKeys: keys),
            AuthorizationCheck(
                action: "s3:GetObjectVersion", resource: object.arn, conditionKeys: keys.merging(["s3:versionid": .single(source.version)]) { $1 }),
            AuthorizationCheck(action: "s3:PutObject", resource: destination.arn),
        ]
    }

    @Sendable func startSigningJob(
        _ input: SignerAPI.StartSigningJobRequest, _ context: CallContext
    ) async throws -> SignerAPI.StartSigningJobResponse {
        if let owner = input.profileOwner, owner != context.accountID { throw SignerError.profileNotFound(input.profileName) }
        let profile = try Self.resolvedProfile(context, name: input.profileName)
        // "All calls after the first that use this token return the same response as the first call."
        if let earlier = try await database.signer.job(
            accountID: context.accountID, region: context.region, clientRequestToken: input.clientRequestToken)
        {
            return SignerAPI.StartSigningJobResponse(jobId: earlier.jobID, jobOwner: earlier.accountID)
        }
        guard profile.status == "Active" else {
            throw SignerError.validation("The signing profile \(input.profileName) is \(profile.status.lowercased()) and cannot sign.")
        }
        guard let source = input.source.s3, let sourceBucket = context.resolution[JobMember.sourceBucket],
            let sourceObject = context.resolution[JobMember.sourceKey],
            let destinationBucket = context.resolution[JobMember.destinationBucket]
        else { throw AWSError.undeclaredReference(.s3Object, requestID: context.requestID) }
        guard sourceBucket.exists else { throw SignerError.validation("The source bucket \(source.bucketName) does not exist.") }
        guard writer.keepsVersions(sourceBucket) else {
            throw SignerError.validation("The source bucket \(source.bucketName) must have versioning enabled.")
        }
        guard destinationBucket.exists else {
            throw SignerError.validation("The destination bucket \(input.destination.s3?.bucketName ?? "") does not exist.")
        }
        let jobID = Self.jobID(context)
        let key = Self.destinationKey(input, jobID: jobID)
        let started = now()
        var job = SigningJobRecord(
            jobID: jobID, accountID: context.accountID, region: context.region, profileName: profile.name,
            profileVersion: profile.profileVersion, platformID: profile.platformID, signingParameters: profile.signingParameters,
            sourceBucket: source.bucketName, sourceKey: source.key, sourceVersion: source.version,
            destinationBucket: destinationBucket.reference.text, destinationKey: key, clientRequestToken: input.clientRequestToken,
            requestedBy: context.principal.arn, status: "InProgress", createdAt: Self.seconds(started))
        // The job exists from here on; how the signing ends is its status, as on AWS.
        do {
            let package = try await reader.body(
                of: sourceObject, in: sourceBucket, version: source.version, region: context.region, maxBytes: Self.maxPackageBytes)
            let expires = Self.expiry(of: started, value: profile.validityValue, type: profile.validityType)
            let statement = SignedPackage.Statement(
                profileVersionArn: profile.versionARN, jobArn: job.arn, signedAt: started, expiresAt: expires, packageSHA384: "",
                publicKey: profile.publicKey)
            let signed = try SignedPackage.sign(package, statement: statement, key: try signingKey(profile))
            _ = try await writer.write(
                signed, key: key, contentType: "application/zip", in: destinationBucket, region: context.region, at: started)
            job.status = "Succeeded"
            job.statusReason = "Signing Succeeded"
            job.expiresAt = Self.seconds(expires)
        } catch let failure as ServiceObjectFailure {
            job.status = "Failed"
            job.statusReason = "S3 Error Code: \(failure.code). S3 Error Message: \(failure.message)"
        } catch is ServiceObjectTooLarge {
            job.status = "Failed"
            job.statusReason = "The source object exceeds the platform's maximum size of 250 MB."
        } catch SignedPackage.SigningFailure.notZip {
            job.status = "Failed"
            job.statusReason = "The source object is not a ZIP archive."
        }
        job.completedAt = Self.seconds(now())
        try await database.signer.insert(job)
        return SignerAPI.StartSigningJobResponse(jobId: jobID, jobOwner: context.accountID)
    }

    /// The profile version's private key, unwrapped.
    func signingKey(_ profile: SigningProfileRecord) throws -> P384.Signing.PrivateKey {
        do {
            let raw = try masterKey.unwrap(profile.wrappedPrivateKey, keyID: profile.keyID, version: 1)
            return try raw.withUnsafeBytes { try P384.Signing.PrivateKey(rawRepresentation: Data($0)) }
        } catch {
            throw AWSError(code: "InternalServiceErrorException", message: "The signing key could not be read.", status: 500)
        }
    }

    @Sendable func describeSigningJob(
        _ input: SignerAPI.DescribeSigningJobRequest, _ context: CallContext
    ) async throws -> SignerAPI.DescribeSigningJobResponse {
        let job = try Self.resolvedJob(context, id: input.jobId)
        let parameters = Self.parameters(job.signingParameters)
        return SignerAPI.DescribeSigningJobResponse(
            jobId: job.jobID, source: Self.source(job), platformId: job.platformID, platformDisplayName: Self.platformDisplayName,
            profileName: job.profileName, profileVersion: job.profileVersion, overrides: SignerAPI.SigningPlatformOverrides(),
            signingParameters: parameters.isEmpty ? nil : parameters, createdAt: Self.date(job.createdAt),
            completedAt: Self.date(job.completedAt), signatureExpiresAt: Self.date(job.expiresAt), requestedBy: job.requestedBy,
            status: job.status, statusReason: job.statusReason,
            revocationRecord: job.revokedAt.map { _ in
                SignerAPI.SigningJobRevocationRecord(reason: job.revocationReason, revokedAt: Self.date(job.revokedAt), revokedBy: job.revokedBy)
            },
            signedObject: job.status == "Succeeded" ? Self.signedObject(job) : nil, jobOwner: job.accountID, jobInvoker: job.accountID)
    }

    @Sendable func listSigningJobs(
        _ input: SignerAPI.ListSigningJobsRequest, _ context: CallContext
    ) async throws -> SignerAPI.ListSigningJobsResponse {
        let all = try await database.signer.jobs(accountID: context.accountID, region: context.region)
        let listed = all.filter { job in
            let expires = Self.date(job.expiresAt)
            return (input.status.map { $0 == job.status } ?? true) && (input.platformId.map { $0 == job.platformID } ?? true)
                && (input.requestedBy.map { $0 == job.requestedBy } ?? true) && (input.isRevoked.map { $0 == (job.revokedAt != nil) } ?? true)
                && (input.jobInvoker.map { $0 == job.accountID } ?? true)
                && (input.signatureExpiresBefore.map { limit in expires.map { $0 < limit } ?? false } ?? true)
                && (input.signatureExpiresAfter.map { limit in expires.map { $0 > limit } ?? false } ?? true)
        }
        let page = try Self.page(listed, after: input.nextToken, limit: input.maxResults, key: \.jobID)
        let jobs = page.items.map { job in
            SignerAPI.SigningJob(
                jobId: job.jobID, source: Self.source(job), signedObject: job.status == "Succeeded" ? Self.signedObject(job) : nil,
                createdAt: Self.date(job.createdAt), status: job.status, isRevoked: job.revokedAt != nil, profileName: job.profileName,
                profileVersion: job.profileVersion, platformId: job.platformID, platformDisplayName: Self.platformDisplayName,
                signatureExpiresAt: Self.date(job.expiresAt), jobOwner: job.accountID, jobInvoker: job.accountID)
        }
        return SignerAPI.ListSigningJobsResponse(jobs: jobs, nextToken: page.nextToken)
    }

    @Sendable func revokeSignature(_ input: SignerAPI.RevokeSignatureRequest, _ context: CallContext) async throws -> EmptyOutput {
        if let owner = input.jobOwner, owner != context.accountID { throw SignerError.jobNotFound(input.jobId) }
        var job = try Self.resolvedJob(context, id: input.jobId)
        guard job.revokedAt == nil else { throw SignerError.validation("The signature of job \(input.jobId) is already revoked.") }
        guard job.status == "Succeeded" else { throw SignerError.validation("Job \(input.jobId) did not produce a signature.") }
        job.revokedAt = Self.seconds(now())
        job.revokedBy = context.principal.arn
        job.revocationReason = input.reason
        try await database.signer.save(job)
        return EmptyOutput()
    }

    /// The entities that make a signature made at `signatureTimestamp` untrusted: the profile
    /// version when it was revoked with an effective time at or before the signature, the job when
    /// its signature was revoked.
    @Sendable func getRevocationStatus(
        _ input: SignerAPI.GetRevocationStatusRequest, _ context: CallContext
    ) async throws -> SignerAPI.GetRevocationStatusResponse {
        guard input.platformId == SignedPackage.platformID else { throw SignerError.validation("Invalid platform ID: \(input.platformId)") }
        guard ARN(input.profileVersionArn)?.service == "signer" else {
            throw SignerError.validation("Invalid profile version ARN: \(input.profileVersionArn)")
        }
        guard ARN(input.jobArn)?.service == "signer" else { throw SignerError.validation("Invalid job ARN: \(input.jobArn)") }
        var revoked: [String] = []
        if let profile = try await database.signer.profile(versionARN: input.profileVersionArn),
            let from = profile.revocationEffectiveDate, input.signatureTimestamp >= from
        {
            revoked.append(input.profileVersionArn)
        }
        if let job = try await database.signer.job(arn: input.jobArn), job.revokedAt != nil {
            revoked.append(input.jobArn)
        }
        return SignerAPI.GetRevocationStatusResponse(revokedEntities: revoked)
    }

    static func source(_ job: SigningJobRecord) -> SignerAPI.Source {
        SignerAPI.Source(s3: SignerAPI.S3Source(bucketName: job.sourceBucket, key: job.sourceKey, version: job.sourceVersion))
    }

    static func signedObject(_ job: SigningJobRecord) -> SignerAPI.SignedObject {
        SignerAPI.SignedObject(s3: SignerAPI.S3SignedObject(bucketName: job.destinationBucket, key: job.destinationKey))
    }

    static func parameters(_ json: String) -> [String: String] {
        (try? JSONDecoder().decode([String: String].self, from: Data(json.utf8))) ?? [:]
    }
}
