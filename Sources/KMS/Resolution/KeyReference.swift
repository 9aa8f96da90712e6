import AWSWire
import BulwarkCore

/// A `KeyId` as typed — a key id, a key ARN, an alias name or an alias ARN — parsed without reading
/// the store: the resolve stage finds what it names.
struct KeyReference: Sendable, Equatable {
    enum Form: Sendable, Equatable {
        case keyID
        case keyARN
        case aliasName
        case aliasARN
    }

    let form: Form
    let partition: String
    let accountID: String
    let region: String
    /// The key id (`1234abcd-…`) for the key forms, the alias name (`alias/app`) for the alias forms.
    let name: String

    /// - Throws: KMS's `NotFoundException` for a bare name that is no key id, `InvalidArnException`
    ///   for an ARN that names no key or alias.
    init(_ text: String, context: CallContext) throws {
        if text.hasPrefix("arn:") {
            guard let arn = ARN(text), arn.service == "kms", !arn.accountID.isEmpty, !arn.region.isEmpty else {
                throw KMSError.invalidARN(text)
            }
            partition = arn.partition
            accountID = arn.accountID
            region = arn.region
            if arn.resource.hasPrefix("key/"), Self.isKeyID(String(arn.resource.dropFirst(4))) {
                form = .keyARN
                name = String(arn.resource.dropFirst(4))
            } else if arn.resource.hasPrefix("alias/"), arn.resource.count > 6 {
                form = .aliasARN
                name = arn.resource
            } else {
                throw KMSError.invalidARN(text)
            }
            return
        }
        partition = "aws"
        accountID = context.accountID
        region = context.region
        if text.hasPrefix("alias/"), text.count > 6 {
            form = .aliasName
        } else if Self.isKeyID(text) {
            form = .keyID
        } else {
            throw KMSError.invalidKeyID(text)
        }
        name = text
    }

    /// Whether `text` is a key id: a UUID, or `mrk-` and 32 hexadecimal digits (multi-Region keys).
    static func isKeyID(_ text: String) -> Bool {
        let hex = Set("0123456789abcdefABCDEF")
        if text.hasPrefix("mrk-") {
            let rest = text.dropFirst(4)
            return rest.count == 32 && rest.allSatisfy(hex.contains)
        }
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        return groups.map(\.count) == [8, 4, 4, 4, 12] && groups.allSatisfy { $0.allSatisfy(hex.contains) }
    }

    var isAlias: Bool { form == .aliasName || form == .aliasARN }

    /// The ARN it names as typed: the key's or the alias's.
    var typedARN: String {
        ARN(partition: partition, service: "kms", region: region, accountID: accountID, resource: isAlias ? name : "key/\(name)").description
    }
}
