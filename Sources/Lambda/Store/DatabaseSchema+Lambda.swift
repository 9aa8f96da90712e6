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
            },
            // What the credential scan found (decision 0016): where, and what it looked like — never the value.
            Migration("v2-credential-findings") { db in
                try db.execute(
                    sql: """
                        CREATE TABLE lambdaCredentialFinding (
                            functionARN TEXT NOT NULL,
                            source TEXT NOT NULL,
                            location TEXT NOT NULL,
                            kind TEXT NOT NULL,
                            foundAt DOUBLE NOT NULL
                        );
                        CREATE INDEX lambdaCredentialFindingByFunction ON lambdaCredentialFinding(functionARN, source);
                        """)
            },
            // Published versions take the next number of their function, never one used before
            // (a deleted version's number stays spent); aliases name one version, or two with a weight.
            Migration("v3-versions-and-aliases") { db in
                try db.execute(
                    sql: """
                        ALTER TABLE lambdaFunction ADD COLUMN lastVersion INTEGER NOT NULL DEFAULT 0;
                        CREATE TABLE lambdaAlias (
                            accountID TEXT NOT NULL,
                            region TEXT NOT NULL,
                            functionName TEXT NOT NULL,
                            name TEXT NOT NULL,
                            functionVersion TEXT NOT NULL,
                            description TEXT NOT NULL,
                            additionalVersion TEXT,
                            additionalWeight DOUBLE,
                            revisionID TEXT NOT NULL,
                            PRIMARY KEY (accountID, region, functionName, name),
                            FOREIGN KEY (accountID, region, functionName)
                                REFERENCES lambdaFunction(accountID, region, name) ON DELETE CASCADE
                        );
                        """)
            },
        ]
    )
}
