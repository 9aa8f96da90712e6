import BulwarkCore
import Crypto
import Foundation
import Store

/// AWS managed keys: `alias/aws/<service>`, made for a service on its first need, with AWS's
/// description and key policy (decision 0012). The policy lets every principal of the account use the
/// key only through that service (`kms:ViaService`) and read its metadata, so that customers cannot
/// disable, delete or re-police it, as on AWS.
extension KMSKeyUse {
    /// The alias AWS gives the managed key of `service`: `alias/aws/<service>`.
    public static func managedAliasName(service: String) -> String { "alias/aws/\(service)" }

    /// The account's AWS managed key of `service`, created with its alias on first need (a concurrent
    /// first use finds the alias and uses that key).
    func managedKey(service: String, accountID: String, region: String) async throws -> KMSRepository.KeyInUse {
        let alias = Self.managedAliasName(service: service)
        let now = clock.now()
        if let found = try await database.kms.keyInUse(accountID: accountID, region: region, alias: alias, now: now) { return found }
        let id = UUID().uuidString.lowercased()
        let key = KMSKeyRecord(
            id: id, accountID: accountID, region: region, description: Self.managedKeyDescription(service), keyUsage: KMSService.encryptDecrypt,
            keySpec: KMSService.symmetricDefault, origin: "AWS_KMS", keyManager: "AWS", state: .enabled, createdAt: now,
            policy: Self.managedKeyPolicy(service: service, accountID: accountID, region: region), rotationEnabled: true,
            rotationPeriodInDays: KMSService.defaultRotationPeriod,
            nextRotationDate: now.addingTimeInterval(Double(KMSService.defaultRotationPeriod) * 86_400))
        let identifier = SymmetricKey(size: .bits256).withUnsafeBytes { $0.map { String(format: "%02x", $0) }.joined() }
        let record = KMSKeyMaterialRecord(
            keyID: id, version: 1, materialID: identifier, wrapped: try masterKey.wrap(SymmetricKey(size: .bits256), keyID: id, version: 1),
            createdAt: now)
        guard let created = try await database.kms.createManagedKey(key, material: record, alias: alias, now: now) else {
            throw Self.notFound("arn:aws:kms:\(region):\(accountID):\(alias)")
        }
        return created
    }

    /// AWS's description of an AWS managed key.
    static func managedKeyDescription(_ service: String) -> String {
        switch service {
        case "lambda": "Default master key that protects my Lambda functions when no other key is defined"
        case "secretsmanager": "Default key that protects my Secrets Manager data when no other key is defined"
        default: "Default key that protects my \(service) data when no other key is defined"
        }
    }

    /// AWS's key policy of an AWS managed key (`auto-<service>`), in AWS's layout.
    static func managedKeyPolicy(service: String, accountID: String, region: String) -> String {
        """
        {
          "Version" : "2012-10-17",
          "Id" : "auto-\(service)-2",
          "Statement" : [ {
            "Sid" : "Allow access through AWS \(service) for all principals in the account that are authorized to use it",
            "Effect" : "Allow",
            "Principal" : {
              "AWS" : "*"
            },
            "Action" : [ "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey" ],
            "Resource" : "*",
            "Condition" : {
              "StringEquals" : {
                "kms:CallerAccount" : "\(accountID)",
                "kms:ViaService" : "\(service).\(region).amazonaws.com"
              }
            }
          }, {
            "Sid" : "Allow direct access to key metadata to the account",
            "Effect" : "Allow",
            "Principal" : {
              "AWS" : "arn:aws:iam::\(accountID):root"
            },
            "Action" : [ "kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant" ],
            "Resource" : "*"
          } ]
        }
        """
    }
}
