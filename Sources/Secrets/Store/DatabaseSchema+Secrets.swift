import GRDB
import Store

extension DatabaseSchema {
    /// Secrets Manager's tables: secrets, and their versions, whose values are stored only sealed
    /// (decision 0011): a data key from the secret's KMS key, encrypted by KMS, and the value under it.
    public static let secrets = DatabaseSchema(
        namespace: "secrets",
        migrations: [
            Migration("v1-secrets-and-versions") { db in
                try db.execute(
                    sql: """
                        CREATE TABLE secretsSecret (
                            arn TEXT PRIMARY KEY NOT NULL,
                            accountID TEXT NOT NULL,
                            region TEXT NOT NULL,
                            name TEXT NOT NULL,
                            description TEXT,
                            kmsKeyARN TEXT,
                            createdAt DOUBLE NOT NULL,
                            lastChangedAt DOUBLE NOT NULL,
                            deletedAt DOUBLE,
                            deletionDate DOUBLE,
                            policy TEXT,
                            policyPrincipals TEXT
                        );
                        CREATE UNIQUE INDEX secretsSecretByName ON secretsSecret(accountID, region, name);
                        CREATE TABLE secretsVersion (
                            secretARN TEXT NOT NULL REFERENCES secretsSecret(arn) ON DELETE CASCADE,
                            versionID TEXT NOT NULL,
                            createdAt DOUBLE NOT NULL,
                            kmsKeyARN TEXT NOT NULL,
                            encryptedDataKey BLOB NOT NULL,
                            sealedValue BLOB NOT NULL,
                            isBinary INTEGER NOT NULL,
                            stages TEXT NOT NULL,
                            PRIMARY KEY (secretARN, versionID)
                        );
                        """)
            },
            // Rotation (RotateSecret): the function, the schedule as given (JSON), when the secret last
            // rotated and is next due, and the version id of a rotation waiting to run.
            Migration("v2-rotation") { db in
                try db.execute(
                    sql: """
                        ALTER TABLE secretsSecret ADD COLUMN rotationEnabled INTEGER;
                        ALTER TABLE secretsSecret ADD COLUMN rotationLambdaARN TEXT;
                        ALTER TABLE secretsSecret ADD COLUMN rotationRules TEXT;
                        ALTER TABLE secretsSecret ADD COLUMN lastRotatedAt DOUBLE;
                        ALTER TABLE secretsSecret ADD COLUMN nextRotationAt DOUBLE;
                        ALTER TABLE secretsSecret ADD COLUMN rotationToken TEXT;
                        """)
            },
        ]
    )
}
