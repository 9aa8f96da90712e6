import Foundation

/// The credential report's CSV, column for column and value for value as IAM writes it (the file
/// auditors such as Prowler read): one row for the root (`<root_account>`), then one per user.
struct CredentialReport {
    static let columns = [
        "user", "arn", "user_creation_time", "password_enabled", "password_last_used", "password_last_changed",
        "password_next_rotation", "mfa_active",
        "access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date", "access_key_1_last_used_region",
        "access_key_1_last_used_service",
        "access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date", "access_key_2_last_used_region",
        "access_key_2_last_used_service",
        "cert_1_active", "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated",
    ]

    /// A key as the report shows it.
    struct Key {
        var active: Bool
        var createdAt: Date
        var lastUsed: (date: Date, region: String?, service: String?)?
    }

    /// A signing certificate as the report shows it: whether it is active and when it was uploaded.
    struct Certificate {
        var active: Bool
        var uploadedAt: Date
    }

    /// One identity's row.
    struct Identity {
        var name: String
        var arn: String
        var createdAt: Date
        /// nil for the root, whose console password is none of IAM's business ("not_supported").
        var password: Password?
        var mfaActive: Bool
        var keys: [Key]
        var certificates: [Certificate] = []
    }

    struct Password {
        var enabled: Bool
        var changedAt: Date?
        var nextRotation: Date?
    }

    var rows: [Identity]

    var csv: String {
        ([Self.columns.joined(separator: ",")] + rows.map(Self.line)).joined(separator: "\n")
    }

    private static func line(_ identity: Identity) -> String {
        var fields = [identity.name, identity.arn, timestamp(identity.createdAt)]
        if let password = identity.password {
            fields += [
                String(password.enabled),
                // Bulwark serves no console sign-in: a password exists but has no recorded use.
                password.enabled ? "no_information" : "N/A",
                password.changedAt.map(timestamp) ?? "N/A",
                password.nextRotation.map(timestamp) ?? "N/A",
            ]
        } else {
            fields += ["not_supported", "no_information", "not_supported", "not_supported"]
        }
        fields.append(String(identity.mfaActive))
        for index in 0..<2 {
            guard index < identity.keys.count else {
                fields += ["false", "N/A", "N/A", "N/A", "N/A"]
                continue
            }
            let key = identity.keys[index]
            fields += [
                String(key.active), timestamp(key.createdAt), key.lastUsed.map { timestamp($0.date) } ?? "N/A",
                key.lastUsed?.region ?? "N/A", key.lastUsed?.service ?? "N/A",
            ]
        }
        for index in 0..<2 {
            guard index < identity.certificates.count else {
                fields += ["false", "N/A"]
                continue
            }
            let certificate = identity.certificates[index]
            fields += [String(certificate.active), timestamp(certificate.uploadedAt)]
        }
        return fields.joined(separator: ",")
    }

    /// `2024-05-01T12:34:56+00:00`, as IAM writes times in the report.
    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!)).replacingOccurrences(of: "Z", with: "+00:00")
    }
}
