import AWSWire
import BulwarkCore
import GRDB
import Store

extension ResourceKind {
    /// A signing profile, named by name (the caller's account and region) or by its ARN (with or
    /// without its version, for the tagging operations).
    public static let signerProfile = ResourceKind(service: "signer", type: "signing-profile", trailType: "AWS::Signer::SigningProfile")
    /// A signing job, named by its ID.
    public static let signerJob = ResourceKind(service: "signer", type: "signing-job", trailType: "AWS::Signer::SigningJob")
}

/// AWS Signer's authority over profiles and jobs: they belong to an account and a region; one named
/// in another account or region resolves to nothing (judged as the caller's own, absent).
struct SignerResourceAuthority: ResourceAuthority {
    let database: BulwarkDatabase

    var kinds: [ResourceKind] { [.signerProfile, .signerJob] }

    func resolve(_ references: [ResourceReference], context: CallContext) async throws -> [ResolvedResource] {
        try await database.read { db in
            try references.map { reference in
                switch reference.kind {
                case .signerJob:
                    let arn = SigningJobRecord.arn(accountID: context.accountID, region: context.region, jobID: reference.text)
                    guard let job = try SignerRepository.job(db, accountID: context.accountID, region: context.region, jobID: reference.text) else {
                        return .absent(reference, arn: arn, accountID: context.accountID)
                    }
                    return ResolvedResource(reference: reference, arn: job.arn, entity: job, accountID: job.accountID)
                default:
                    let (accountID, region, name) = Self.profileName(reference.text, context: context)
                    let arn = SigningProfileRecord.arn(accountID: accountID, region: region, name: name)
                    guard accountID == context.accountID, region == context.region,
                        let profile = try SignerRepository.profile(db, accountID: accountID, region: region, name: name)
                    else {
                        return .absent(reference, arn: arn, accountID: context.accountID)
                    }
                    let tags = try TagRepository.tags(db, of: profile.arn)
                    return ResolvedResource(reference: reference, arn: profile.arn, entity: profile, accountID: profile.accountID, tags: tags)
                }
            }
        }
    }

    /// The account, region and name a profile reference names: a bare name, or a profile (version) ARN.
    static func profileName(_ text: String, context: CallContext) -> (String, String, String) {
        guard text.hasPrefix("arn:") else { return (context.accountID, context.region, text) }
        guard let arn = ARN(text), arn.partition == "aws", arn.service == "signer", arn.resource.hasPrefix("/signing-profiles/") else {
            return ("", "", text)
        }
        let rest = arn.resource.dropFirst("/signing-profiles/".count)
        return (arn.accountID, arn.region, String(rest.split(separator: "/", maxSplits: 1).first ?? rest))
    }
}
