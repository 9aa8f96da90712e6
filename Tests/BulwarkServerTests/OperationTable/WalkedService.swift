/// A service whose whole operation table the tests walk, with what AWS documents about its actions
/// (the Service Authorization Reference, SAR, and the API references) where the table cannot say it.
enum WalkedService: String, CaseIterable, Sendable, CustomStringConvertible {
    case lambda
    case iam
    case sts
    case kms

    var description: String { rawValue }

    /// The IAM service prefix of its actions.
    var actionPrefix: String { rawValue }

    /// The operations authorized by an action not named after them; every other operation's action
    /// is `<prefix>:<operation name>`, as in the SAR.
    var actionsNamedOtherwise: [String: String] {
        switch self {
        case .lambda:
            [
                // The Lambda API reference: Invoke "requires permission for the lambda:InvokeFunction action".
                "Invoke": "lambda:InvokeFunction",
                // Bulwark's own download behind GetFunction's Code.Location (AWS presigns an S3 URL
                // instead): whoever may read the function may fetch its code.
                "GetFunctionCodeArchive": "lambda:GetFunction",
                // The Lambda API reference: GetLayerVersionByArn needs lambda:GetLayerVersion; Bulwark's
                // download behind its Content.Location too.
                "GetLayerVersionByArn": "lambda:GetLayerVersion",
                "GetLayerVersionContentArchive": "lambda:GetLayerVersion",
            ]
        case .kms:
            // ReEncrypt is authorized as kms:ReEncryptFrom on the source key and kms:ReEncryptTo on the
            // destination (KMS Developer Guide, "Permissions reference").
            ["ReEncrypt": "kms:ReEncryptFrom"]
        case .iam, .sts:
            [:]
        }
    }

    /// The actions an operation needs beyond its own when its input sets every member, as AWS
    /// documents them; none for the operations not listed.
    var furtherActionsWithEveryMember: [String: Set<String>] {
        switch self {
        case .lambda:
            [
                // The execution role is passed to Lambda (SAR: iam:PassRole with iam:PassedToService), and
                // tags given on creation need lambda:TagResource (Lambda guide, "Using tags on Lambda functions").
                "CreateFunction": ["iam:PassRole", "lambda:TagResource"],
                "UpdateFunctionConfiguration": ["iam:PassRole"],
            ]
        case .iam:
            // Tags given on creation need the entity's tagging action too (IAM guide, "Create new users
            // only with specific tags" allows iam:CreateUser with iam:TagUser).
            [
                "CreateUser": ["iam:TagUser"],
                "CreateRole": ["iam:TagRole"],
                "CreateInstanceProfile": ["iam:TagInstanceProfile"],
                "AddRoleToInstanceProfile": ["iam:PassRole"],
                "CreatePolicy": ["iam:TagPolicy"],
                "CreateVirtualMFADevice": ["iam:TagMFADevice"],
                "CreateOpenIDConnectProvider": ["iam:TagOpenIDConnectProvider"],
            ]
        case .sts:
            // Session tags need sts:TagSession too (IAM guide, "Permissions required to add session tags").
            [
                "AssumeRole": ["sts:TagSession"],
                "GetFederationToken": ["sts:TagSession"],
            ]
        case .kms:
            // Tags given on creation need kms:TagResource (KMS Developer Guide, "Tagging keys").
            [
                "CreateKey": ["kms:TagResource"],
                "ReEncrypt": ["kms:ReEncryptTo"],
            ]
        }
    }

    /// The operations that need no permission (decision 0003); every other one is judged by policies.
    var operationsForAnyCaller: Set<String> {
        switch self {
        case .lambda, .iam, .kms: []
        case .sts: ["GetCallerIdentity", "GetSessionToken"]
        }
    }

    /// How a refusal of the authorize stage travels: the protocol's code and status (the json
    /// protocol's `AccessDeniedException` is a 400, as KMS answers it).
    var accessDenied: (code: String, status: Int) {
        switch self {
        case .lambda: ("AccessDeniedException", 403)
        case .iam, .sts: ("AccessDenied", 403)
        case .kms: ("AccessDeniedException", 400)
        }
    }

    /// Whether its ARNs name a region.
    var isRegional: Bool { self == .lambda || self == .kms }

    /// The services of the ARNs an action of `prefix` acts on: STS acts on IAM roles and on its own
    /// federated users.
    static func resourceServices(ofActionPrefix prefix: Substring) -> Set<String> {
        prefix == "sts" ? ["iam", "sts"] : [String(prefix)]
    }
}
