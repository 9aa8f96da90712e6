import GRDB
import Store

extension DatabaseSchema {
    /// AWS Signer's tables (decision 0038): signing profiles of an account and region (one version
    /// each, with its key pair, the private key wrapped by the master key), their permissions, and
    /// signing jobs. Times are seconds since 1970.
    public static let signer = DatabaseSchema(
        namespace: "signer",
        migrations: [
            Migration("v1-profiles-jobs") { db in
                try db.execute(
                    sql: """
                        CREATE TABLE signerProfile (
                            accountID TEXT NOT NULL,
                            region TEXT NOT NULL,
                            name TEXT NOT NULL,
                            profileVersion TEXT NOT NULL,
                            platformID TEXT NOT NULL,
                            validityValue INTEGER NOT NULL,
                            validityType TEXT NOT NULL,
                            signingParameters TEXT NOT NULL,
                            status TEXT NOT NULL,
                            publicKey BLOB NOT NULL,
                            wrappedPrivateKey BLOB NOT NULL,
                            createdAt INTEGER NOT NULL,
                            revokedAt INTEGER,
                            revocationEffectiveFrom INTEGER,
                            revokedBy TEXT,
                            revocationReason TEXT,
                            permissions TEXT NOT NULL,
                            permissionsRevision TEXT,
                            PRIMARY KEY (accountID, region, name)
                        );
                        CREATE TABLE signerJob (
                            jobID TEXT PRIMARY KEY,
                            accountID TEXT NOT NULL,
                            region TEXT NOT NULL,
                            profileName TEXT NOT NULL,
                            profileVersion TEXT NOT NULL,
                            platformID TEXT NOT NULL,
                            signingParameters TEXT NOT NULL,
                            sourceBucket TEXT NOT NULL,
                            sourceKey TEXT NOT NULL,
                            sourceVersion TEXT NOT NULL,
                            destinationBucket TEXT NOT NULL,
                            destinationKey TEXT NOT NULL,
                            clientRequestToken TEXT NOT NULL,
                            requestedBy TEXT NOT NULL,
                            status TEXT NOT NULL,
                            statusReason TEXT,
                            createdAt INTEGER NOT NULL,
                            completedAt INTEGER,
                            expiresAt INTEGER,
                            revokedAt INTEGER,
                            revokedBy TEXT,
                            revocationReason TEXT
                        );
                        CREATE INDEX signerJobByAccount ON signerJob(accountID, region, createdAt);
                        """)
            }
        ]
    )
}
