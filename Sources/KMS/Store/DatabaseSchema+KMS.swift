import GRDB
import Store

extension DatabaseSchema {
    /// KMS's tables: keys, their wrapped key material (one row per version, so that a ciphertext made
    /// under an older version still decrypts once rotation exists), and aliases.
    public static let kms = DatabaseSchema(
        namespace: "kms",
        migrations: [
            Migration("v1-keys-and-aliases") { db in
                try db.execute(
                    sql: """
                        CREATE TABLE kmsKey (
                            id TEXT PRIMARY KEY NOT NULL,
                            accountID TEXT NOT NULL,
                            region TEXT NOT NULL,
                            description TEXT NOT NULL,
                            keyUsage TEXT NOT NULL,
                            keySpec TEXT NOT NULL,
                            origin TEXT NOT NULL,
                            keyManager TEXT NOT NULL,
                            state TEXT NOT NULL,
                            createdAt DOUBLE NOT NULL,
                            deletionDate DOUBLE,
                            pendingWindowInDays INTEGER,
                            policy TEXT NOT NULL,
                            policyPrincipals TEXT,
                            currentVersion INTEGER NOT NULL
                        );
                        CREATE INDEX kmsKeyByAccount ON kmsKey(accountID, region, id);
                        CREATE TABLE kmsKeyMaterial (
                            keyID TEXT NOT NULL REFERENCES kmsKey(id) ON DELETE CASCADE,
                            version INTEGER NOT NULL,
                            materialID TEXT NOT NULL,
                            wrapped BLOB NOT NULL,
                            createdAt DOUBLE NOT NULL,
                            PRIMARY KEY (keyID, version)
                        );
                        CREATE TABLE kmsAlias (
                            accountID TEXT NOT NULL,
                            region TEXT NOT NULL,
                            name TEXT NOT NULL,
                            keyID TEXT NOT NULL REFERENCES kmsKey(id) ON DELETE CASCADE,
                            createdAt DOUBLE NOT NULL,
                            updatedAt DOUBLE NOT NULL,
                            PRIMARY KEY (accountID, region, name)
                        );
                        CREATE INDEX kmsAliasByKey ON kmsAlias(keyID);
                        """)
            },
            Migration("v2-grants", migrate: KMSGrantRecord.createTable),
            // Rotation (decision 0014): a key's schedule and its count of on-demand rotations; each
            // material version says how it came (nil for the first); the public key of an asymmetric
            // key is kept in the clear beside its wrapped private key.
            Migration("v3-rotation-and-key-specs") { db in
                try db.execute(
                    sql: """
                        ALTER TABLE kmsKey ADD COLUMN rotationEnabled INTEGER NOT NULL DEFAULT 0;
                        ALTER TABLE kmsKey ADD COLUMN rotationPeriodInDays INTEGER;
                        ALTER TABLE kmsKey ADD COLUMN nextRotationDate DOUBLE;
                        ALTER TABLE kmsKey ADD COLUMN onDemandRotations INTEGER NOT NULL DEFAULT 0;
                        ALTER TABLE kmsKeyMaterial ADD COLUMN rotationType TEXT;
                        ALTER TABLE kmsKeyMaterial ADD COLUMN publicKey BLOB;
                        CREATE INDEX kmsKeyByRotation ON kmsKey(nextRotationDate) WHERE rotationEnabled = 1;
                        """)
            },
        ]
    )
}
