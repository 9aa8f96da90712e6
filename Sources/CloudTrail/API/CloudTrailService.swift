import AWSWire
import BulwarkCore
import Foundation
import ObjectStore
import Store

/// AWS CloudTrail (decision 0040): LookupEvents over the audit trail's index, the account's trails
/// and their event selectors, and delivery of a logging trail's events to its S3 bucket
/// (``TrailDelivery``).
///
/// Each operation is declared once below with its IAM action (`cloudtrail:<Op>`), the trail its
/// input names (resolved once by ``TrailResourceAuthority``) and its handler.
public struct CloudTrailService: AWSService {
    public let model: ServiceModel = .cloudTrail
    let database: BulwarkDatabase
    let indexer: EventIndexer
    let buckets: S3DeliveryWriter
    let signingKeys: SigningKeys
    let clock: WallClock

    public init(
        database: BulwarkDatabase, indexer: EventIndexer, buckets: S3DeliveryWriter, signingKeys: SigningKeys, clock: WallClock = .system
    ) {
        self.database = database
        self.indexer = indexer
        self.buckets = buckets
        self.signingKeys = signingKeys
        self.clock = clock
    }

    public var authorities: [any ResourceAuthority] { [TrailResourceAuthority(database: database)] }

    public var operations: [ServiceOperation] {
        [
            ServiceOperation(
                "LookupEvents", action: "cloudtrail:LookupEvents", readOnly: true, input: CloudTrailAPI.LookupEventsRequest.self,
                handler: lookupEvents),
            ServiceOperation(
                "CreateTrail", action: "cloudtrail:CreateTrail", readOnly: false,
                input: CloudTrailAPI.CreateTrailRequest.self,
                references: { input, context in [try Self.trailReference(input.name, member: "Name", context, intent: .creating)] },
                handler: createTrail
            ),
            trailOperation("GetTrail", readOnly: true, CloudTrailAPI.GetTrailRequest.self, { $0.name }, handler: getTrail),
            ServiceOperation(
                "DescribeTrails", action: "cloudtrail:DescribeTrails", readOnly: true, input: CloudTrailAPI.DescribeTrailsRequest.self,
                handler: describeTrails),
            trailOperation("UpdateTrail", readOnly: false, CloudTrailAPI.UpdateTrailRequest.self, { $0.name }, handler: updateTrail),
            trailOperation("DeleteTrail", readOnly: false, CloudTrailAPI.DeleteTrailRequest.self, { $0.name }, handler: deleteTrail),
            trailOperation("StartLogging", readOnly: false, CloudTrailAPI.StartLoggingRequest.self, { $0.name }, handler: startLogging),
            trailOperation("StopLogging", readOnly: false, CloudTrailAPI.StopLoggingRequest.self, { $0.name }, handler: stopLogging),
            trailOperation("GetTrailStatus", readOnly: true, CloudTrailAPI.GetTrailStatusRequest.self, { $0.name }, handler: getTrailStatus),
            trailOperation(
                "GetEventSelectors", readOnly: true, CloudTrailAPI.GetEventSelectorsRequest.self, { $0.trailName }, member: "TrailName",
                handler: getEventSelectors),
            trailOperation(
                "PutEventSelectors", readOnly: false, CloudTrailAPI.PutEventSelectorsRequest.self, { $0.trailName }, member: "TrailName",
                handler: putEventSelectors),
            ServiceOperation(
                "ListPublicKeys", action: "cloudtrail:ListPublicKeys", readOnly: true, input: CloudTrailAPI.ListPublicKeysRequest.self,
                handler: listPublicKeys),
        ]
    }

    /// An operation on one trail, named by name or ARN, judged on the trail's ARN.
    private func trailOperation<Input: Decodable & Sendable, Output: Encodable & Sendable>(
        _ name: String, readOnly: Bool, _ input: Input.Type, _ trailName: @escaping @Sendable (Input) -> String, member: String = "Name",
        handler: @escaping @Sendable (Input, CallContext) async throws -> Output
    ) -> ServiceOperation {
        ServiceOperation(
            name, action: "cloudtrail:\(name)", readOnly: readOnly,
            input: input,
            references: { input, context in [try Self.trailReference(trailName(input), member: member, context)] },
            handler: handler
        )
    }

    /// The trail a name or ARN names; a malformed one is refused before anything is resolved.
    static func trailReference(
        _ text: String, member: String, _ context: CallContext, intent: ResourceReference.Intent = .existing
    ) throws -> ResourceReference {
        if intent == .creating, text.hasPrefix("arn:") { try TrailName.validate(text) }
        _ = try TrailReference(text, accountID: context.accountID)
        return ResourceReference(.cloudTrailTrail, member: member, text: text, intent: intent)
    }

    /// The trail the resolve stage found, or CloudTrail's not-found error for the name as given.
    static func resolvedTrail(_ context: CallContext) throws -> TrailRecord {
        guard let resolved = context.resolution.resources.first(where: { $0.reference.kind == .cloudTrailTrail }) else {
            throw AWSError.undeclaredReference(.cloudTrailTrail, requestID: context.requestID)
        }
        guard let trail = resolved.entity(as: ResolvedTrail.self)?.trail else {
            throw CloudTrailError.trailNotFound(resolved.reference.text, accountID: context.accountID)
        }
        return trail
    }

    /// The trail, which a change may be made to only in its home region.
    static func homeTrail(_ context: CallContext) throws -> TrailRecord {
        let trail = try resolvedTrail(context)
        guard trail.homeRegion == context.region else { throw CloudTrailError.invalidHomeRegion(trail.arn, region: trail.homeRegion) }
        return trail
    }
}
