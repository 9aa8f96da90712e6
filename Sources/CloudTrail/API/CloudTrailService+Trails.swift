import AWSWire
import BulwarkCore
import Foundation
import ObjectStore
import Store

extension CloudTrailService {
    @Sendable func createTrail(_ input: CloudTrailAPI.CreateTrailRequest, _ context: CallContext) async throws -> CloudTrailAPI.CreateTrailResponse {
        try Self.refuseUnbuilt(
            sns: input.snsTopicName, logGroup: input.cloudWatchLogsLogGroupArn, logRole: input.cloudWatchLogsRoleArn, kmsKeyID: input.kmsKeyId,
            organization: input.isOrganizationTrail)
        if input.tagsList?.isEmpty == false { throw CloudTrailError.unsupported("tags on trails (TagsList)") }
        if (try? Self.resolvedTrail(context)) != nil { throw CloudTrailError.trailExists(input.name, accountID: context.accountID) }
        let settings = TrailSettings(
            s3BucketName: input.s3BucketName, s3KeyPrefix: input.s3KeyPrefix, includeGlobalServiceEvents: input.includeGlobalServiceEvents ?? true,
            isMultiRegionTrail: input.isMultiRegionTrail ?? false, logFileValidationEnabled: input.enableLogFileValidation ?? false)
        try Self.checkGlobalEvents(settings)
        let arn = TrailRecord.arn(accountID: context.accountID, region: context.region, name: input.name)
        try await checkBucket(settings, trailARN: arn, context)
        let trail: TrailRecord
        do {
            trail = try await database.trails.create(
                accountID: context.accountID, region: context.region, name: input.name, settings: settings, now: clock.now())
        } catch TrailRepository.Refusal.exists {
            throw CloudTrailError.trailExists(input.name, accountID: context.accountID)
        } catch TrailRepository.Refusal.tooMany {
            throw CloudTrailError.tooManyTrails
        }
        return CloudTrailAPI.CreateTrailResponse(
            name: trail.name, s3BucketName: trail.s3BucketName, s3KeyPrefix: trail.s3KeyPrefix,
            includeGlobalServiceEvents: trail.includeGlobalServiceEvents, isMultiRegionTrail: trail.isMultiRegionTrail, trailARN: trail.arn,
            logFileValidationEnabled: trail.logFileValidationEnabled, isOrganizationTrail: false)
    }

    @Sendable func getTrail(_ input: CloudTrailAPI.GetTrailRequest, _ context: CallContext) async throws -> CloudTrailAPI.GetTrailResponse {
        CloudTrailAPI.GetTrailResponse(trail: Self.describe(try Self.resolvedTrail(context)))
    }

    @Sendable func describeTrails(
        _ input: CloudTrailAPI.DescribeTrailsRequest, _ context: CallContext
    ) async throws -> CloudTrailAPI.DescribeTrailsResponse {
        let includeShadows = input.includeShadowTrails ?? true
        let visible = try await database.trails.trails(accountID: context.accountID).filter {
            $0.homeRegion == context.region || (includeShadows && $0.isMultiRegionTrail)
        }
        guard let names = input.trailNameList, !names.isEmpty else { return .init(trailList: visible.map(Self.describe)) }
        for name in names where name.hasPrefix("arn:") {
            _ = try TrailReference(name, accountID: context.accountID)
        }
        return .init(trailList: visible.filter { names.contains($0.name) || names.contains($0.arn) }.map(Self.describe))
    }

    @Sendable func updateTrail(_ input: CloudTrailAPI.UpdateTrailRequest, _ context: CallContext) async throws -> CloudTrailAPI.UpdateTrailResponse {
        try Self.refuseUnbuilt(
            sns: input.snsTopicName, logGroup: input.cloudWatchLogsLogGroupArn, logRole: input.cloudWatchLogsRoleArn, kmsKeyID: input.kmsKeyId,
            organization: input.isOrganizationTrail)
        let trail = try Self.homeTrail(context)
        let prefix = input.s3KeyPrefix.map { $0.isEmpty ? nil : $0 } ?? trail.s3KeyPrefix
        let settings = TrailSettings(
            s3BucketName: input.s3BucketName ?? trail.s3BucketName, s3KeyPrefix: prefix,
            includeGlobalServiceEvents: input.includeGlobalServiceEvents ?? trail.includeGlobalServiceEvents,
            isMultiRegionTrail: input.isMultiRegionTrail ?? trail.isMultiRegionTrail,
            logFileValidationEnabled: input.enableLogFileValidation ?? trail.logFileValidationEnabled)
        try Self.checkGlobalEvents(settings)
        if settings.s3BucketName != trail.s3BucketName || settings.s3KeyPrefix != trail.s3KeyPrefix {
            try await checkBucket(settings, trailARN: trail.arn, context)
        }
        let updated: TrailRecord
        do {
            updated = try await database.trails.update(trail, settings: settings)
        } catch StoreError.notFound {
            throw CloudTrailError.trailNotFound(input.name, accountID: context.accountID)
        }
        return CloudTrailAPI.UpdateTrailResponse(
            name: updated.name, s3BucketName: updated.s3BucketName, s3KeyPrefix: updated.s3KeyPrefix,
            includeGlobalServiceEvents: updated.includeGlobalServiceEvents, isMultiRegionTrail: updated.isMultiRegionTrail, trailARN: updated.arn,
            logFileValidationEnabled: updated.logFileValidationEnabled, isOrganizationTrail: false)
    }

    @Sendable func deleteTrail(_ input: CloudTrailAPI.DeleteTrailRequest, _ context: CallContext) async throws -> CloudTrailAPI.DeleteTrailResponse {
        let trail = try Self.homeTrail(context)
        do {
            try await database.trails.delete(trail)
        } catch StoreError.notFound {
            throw CloudTrailError.trailNotFound(input.name, accountID: context.accountID)
        }
        return CloudTrailAPI.DeleteTrailResponse()
    }

    /// A trail as GetTrail and DescribeTrails show it.
    static func describe(_ trail: TrailRecord) -> CloudTrailAPI.Trail {
        CloudTrailAPI.Trail(
            name: trail.name, s3BucketName: trail.s3BucketName, s3KeyPrefix: trail.s3KeyPrefix,
            includeGlobalServiceEvents: trail.includeGlobalServiceEvents, isMultiRegionTrail: trail.isMultiRegionTrail, homeRegion: trail.homeRegion,
            trailARN: trail.arn, logFileValidationEnabled: trail.logFileValidationEnabled, hasCustomEventSelectors: trail.eventSelectors != nil,
            hasInsightSelectors: false, isOrganizationTrail: false)
    }

    /// The settings of this slice's trails that Bulwark does not implement are refused, not ignored.
    static func refuseUnbuilt(
        sns: String?, logGroup: String?, logRole: String?, kmsKeyID: String?, organization: Bool?
    ) throws {
        if sns?.isEmpty == false { throw CloudTrailError.unsupported("SNS notifications of trails (SnsTopicName)") }
        if logGroup?.isEmpty == false || logRole?.isEmpty == false {
            throw CloudTrailError.unsupported("delivery of trails to CloudWatch Logs (CloudWatchLogsLogGroupArn)")
        }
        if kmsKeyID?.isEmpty == false { throw CloudTrailError.unsupported("SSE-KMS encryption of trail log files (KmsKeyId)") }
        if organization == true { throw CloudTrailError.unsupported("organization trails") }
    }

    /// A multi-region trail must include global service events, as AWS requires.
    static func checkGlobalEvents(_ settings: TrailSettings) throws {
        if settings.isMultiRegionTrail, !settings.includeGlobalServiceEvents {
            throw CloudTrailError.error(
                "InvalidParameterCombinationException", "Multi-Region trail must include global service events.")
        }
    }

    /// Checks the bucket a trail delivers to: a valid name and prefix, a bucket that exists, and a
    /// policy that admits CloudTrail to the trail's keys.
    func checkBucket(_ settings: TrailSettings, trailARN: String, _ context: CallContext) async throws {
        let name = settings.s3BucketName
        let nameCharacters = name.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "." || $0 == "-" }
        guard (3...63).contains(name.count), nameCharacters else { throw CloudTrailError.invalidBucketName(name) }
        if let prefix = settings.s3KeyPrefix, prefix.count > 200 || prefix.hasSuffix("/") { throw CloudTrailError.invalidPrefix }
        guard let bucket = try await buckets.bucket(named: name) else { throw CloudTrailError.bucketDoesNotExist(name) }
        let key = DeliveryPermission.logPrefix(settings.s3KeyPrefix, accountID: context.accountID) + "CloudTrail/\(context.region)/"
        guard DeliveryPermission.allows(bucket, key: key, trailARN: trailARN, accountID: context.accountID, now: clock.now()) else {
            throw CloudTrailError.insufficientBucketPolicy(name)
        }
    }
}
