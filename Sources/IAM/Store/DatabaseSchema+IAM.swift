import GRDB
import Store

extension DatabaseSchema {
    /// IAM's and STS's tables beyond the baseline.
    public static let iam = DatabaseSchema(
        namespace: "iam",
        migrations: [
            // Sessions are bound to their role's or user's unique id. Sessions issued before have none
            // and are refused from now on: they could otherwise pass to a namesake created later.
            Migration("v1-session-principal-id") { db in
                try db.execute(sql: "ALTER TABLE stsSession ADD COLUMN principalID TEXT")
            }
        ]
    )
}
