import AWSWire
import BulwarkCore
import GRDB
import Store

extension ResourceKind {
    /// A trail, named by name or ARN (`arn:aws:cloudtrail:<region>:<account>:trail/<name>`).
    public static let cloudTrailTrail = ResourceKind(service: "cloudtrail", type: "trail", trailType: "AWS::CloudTrail::Trail")
}

/// A trail reference as typed: a name (the caller's account, the request's region, or a
/// multi-region trail of another home region) or an ARN.
struct TrailReference: Equatable {
    let partition: String
    let accountID: String
    /// The ARN's region; nil for a bare name.
    let region: String?
    let name: String

    /// - Throws: `CloudTrailARNInvalidException` for a malformed ARN, `InvalidTrailNameException`
    ///   for a name AWS would not accept.
    init(_ text: String, accountID: String) throws {
        if text.hasPrefix("arn:") {
            guard let arn = ARN(text), arn.service == "cloudtrail", arn.resource.hasPrefix("trail/"), !arn.region.isEmpty,
                arn.accountID.count == 12, arn.accountID.allSatisfy(\.isNumber)
            else { throw CloudTrailError.invalidARN(text) }
            let name = String(arn.resource.dropFirst("trail/".count))
            try TrailName.validate(name)
            partition = arn.partition
            self.accountID = arn.accountID
            region = arn.region
            self.name = name
        } else {
            try TrailName.validate(text)
            partition = "aws"
            self.accountID = accountID
            region = nil
            self.name = text
        }
    }
}

/// A trail as the resolve stage found it.
struct ResolvedTrail: Sendable {
    let trail: TrailRecord
}

/// CloudTrail's authority over trails: a trail belongs to an account and its home region; a name
/// finds the trail of the request's region, else a multi-region trail of that name (its shadow in
/// this region); another account's trail resolves to nothing.
struct TrailResourceAuthority: ResourceAuthority {
    let database: BulwarkDatabase

    var kinds: [ResourceKind] { [.cloudTrailTrail] }

    func resolve(_ references: [ResourceReference], context: CallContext) async throws -> [ResolvedResource] {
        try await database.read { db in
            try references.map { reference in
                guard let typed = try? TrailReference(reference.text, accountID: context.accountID) else {
                    return .absent(reference, arn: reference.text, accountID: context.accountID)
                }
                let judged = TrailRecord.arn(accountID: context.accountID, region: typed.region ?? context.region, name: typed.name)
                guard typed.partition == "aws", typed.accountID == context.accountID,
                    let trail = try Self.find(db, typed, context: context)
                else {
                    return .absent(reference, arn: judged, accountID: context.accountID)
                }
                return ResolvedResource(reference: reference, arn: trail.arn, entity: ResolvedTrail(trail: trail), accountID: trail.accountID)
            }
        }
    }

    private static func find(_ db: Database, _ typed: TrailReference, context: CallContext) throws -> TrailRecord? {
        if let region = typed.region {
            return try TrailRepository.trail(db, accountID: typed.accountID, region: region, name: typed.name)
        }
        if let own = try TrailRepository.trail(db, accountID: typed.accountID, region: context.region, name: typed.name) { return own }
        return try Row.fetchOne(
            db, sql: "SELECT * FROM cloudtrailTrail WHERE accountID = ? AND name = ? AND isMultiRegionTrail = 1 ORDER BY id LIMIT 1",
            arguments: [typed.accountID, typed.name]
        ).map(TrailRecord.init(row:))
    }
}
