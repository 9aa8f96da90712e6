import AWSWire
import BulwarkCore
import GRDB
import Store

extension ResourceKind {
    /// A code signing configuration, by ARN.
    public static let lambdaCodeSigningConfig = ResourceKind(
        service: "lambda", type: "code-signing-config", trailType: "AWS::Lambda::CodeSigningConfig")
}

/// Lambda's authority over code signing configurations (decision 0038): an ARN resolves to the
/// configuration of exactly its partition (`aws`), account, region and ID; anything else to nothing,
/// judged under the ARN typed.
struct CodeSigningConfigAuthority: ResourceAuthority {
    let database: BulwarkDatabase

    var kinds: [ResourceKind] { [.lambdaCodeSigningConfig] }

    func resolve(_ references: [ResourceReference], context: CallContext) async throws -> [ResolvedResource] {
        try await database.read { db in
            try references.map { reference in
                guard let arn = ARN(reference.text), arn.partition == "aws", arn.service == "lambda",
                    arn.accountID == context.accountID, arn.region == context.region, arn.resource.hasPrefix("code-signing-config:")
                else { return .absent(reference, arn: reference.text, accountID: context.accountID) }
                let id = String(arn.resource.dropFirst("code-signing-config:".count))
                guard let config = try CodeSigningRepository.config(db, accountID: arn.accountID, region: arn.region, id: id) else {
                    return .absent(reference, arn: reference.text, accountID: context.accountID)
                }
                let tags = try TagRepository.tags(db, of: config.arn)
                return ResolvedResource(reference: reference, arn: config.arn, entity: config, accountID: config.accountID, tags: tags)
            }
        }
    }
}
