import AWSWire
import BulwarkCore

/// A `SecretId` as typed — a name, a full ARN (with the six-character suffix) or a partial ARN
/// (without it) — parsed without reading the store.
struct SecretReference: Sendable, Equatable {
    let partition: String
    let accountID: String
    let region: String
    /// What follows `secret:` in an ARN, or the name as typed.
    let name: String
    let isARN: Bool

    init(_ text: String, context: CallContext) {
        if text.hasPrefix("arn:"), let arn = ARN(text), arn.service == "secretsmanager", arn.resource.hasPrefix("secret:") {
            partition = arn.partition
            accountID = arn.accountID
            region = arn.region
            name = String(arn.resource.dropFirst("secret:".count))
            isARN = true
        } else {
            partition = "aws"
            accountID = context.accountID
            region = context.region
            name = text
            isARN = false
        }
    }

    /// The ARN it names as typed (a name as a partial ARN).
    var typedARN: String {
        ARN(partition: partition, service: "secretsmanager", region: region, accountID: accountID, resource: "secret:\(name)").description
    }

    /// The ARN of a secret named `name`, with AWS's hyphen and six random letters and digits.
    static func newARN(name: String, context: CallContext) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        let suffix = String((0..<6).map { _ in alphabet.randomElement(using: &generator)! })
        return ARN(service: "secretsmanager", region: context.region, accountID: context.accountID, resource: "secret:\(name)-\(suffix)")
            .description
    }

    /// Whether `name` is a name Secrets Manager accepts: letters, digits and `/_+=.@-`.
    static func isValidName(_ name: String) -> Bool {
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_+=.@-")
        return !name.isEmpty && name.count <= 512 && name.allSatisfy(allowed.contains)
    }
}
