import GRDB
import Store

extension DatabaseSchema {
    /// Lambda's tables beyond the baseline.
    public static let lambda = DatabaseSchema(
        namespace: "lambda",
        migrations: [
            // A function policy statement's users and roles are bound to their unique ids when it is
            // added. Statements added before have none and are matched by ARN, as they were.
            Migration("v1-statement-principals") { db in
                try db.execute(sql: "ALTER TABLE lambdaPolicyStatement ADD COLUMN principals TEXT")
            }
        ]
    )
}
