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
            // Layers (decision 0036): a layer's row keeps the last number given, so that a deleted
            // version's number is never given again; statements are deleted with their version.
            Migration("v4-layers") { db in
                try db.execute(
                    sql: """
                        CREATE TABLE lambdaLayer (
                            accountID TEXT NOT NULL,
                            region TEXT NOT NULL,
                            name TEXT NOT NULL,
                            lastVersion INTEGER NOT NULL,
                            PRIMARY KEY (accountID, region, name)
                        );
                        CREATE TABLE lambdaLayerVersion (
                            accountID TEXT NOT NULL,
                            region TEXT NOT NULL,
                            layerName TEXT NOT NULL,
                            version INTEGER NOT NULL,
                            description TEXT NOT NULL,
                            licenseInfo TEXT,
                            compatibleRuntimes TEXT NOT NULL,
                            compatibleArchitectures TEXT NOT NULL,
                            codeSHA256 TEXT NOT NULL,
                            codeSize INTEGER NOT NULL,
                            unzippedSize INTEGER NOT NULL,
                            createdAt DOUBLE NOT NULL,
                            policyRevision TEXT,
                            PRIMARY KEY (accountID, region, layerName, version),
                            FOREIGN KEY (accountID, region, layerName) REFERENCES lambdaLayer(accountID, region, name)
                        );
                        CREATE INDEX lambdaLayerVersionByCode ON lambdaLayerVersion(codeSHA256);
                        CREATE TABLE lambdaLayerStatement (
                            accountID TEXT NOT NULL,
                            region TEXT NOT NULL,
                            layerName TEXT NOT NULL,
                            version INTEGER NOT NULL,
                            statementID TEXT NOT NULL,
                            action TEXT NOT NULL,
                            principal TEXT NOT NULL,
                            organizationID TEXT,
                            position INTEGER NOT NULL,
                            PRIMARY KEY (accountID, region, layerName, version, statementID),
                            FOREIGN KEY (accountID, region, layerName, version)
                                REFERENCES lambdaLayerVersion(accountID, region, layerName, version) ON DELETE CASCADE
                        );
                        """)
            },
            // Code signing configurations (decision 0038); a function names at most one, and keeps the
            // count of deployments its `Warn` policy let through (SignatureValidationErrors).
            Migration("v5-code-signing") { db in
                try db.execute(
                    sql: """
                        CREATE TABLE lambdaCodeSigningConfig (
                            accountID TEXT NOT NULL,
                            region TEXT NOT NULL,
                            id TEXT NOT NULL,
                            description TEXT NOT NULL,
                            allowedPublishers TEXT NOT NULL,
                            untrustedArtifactOnDeployment TEXT NOT NULL,
                            lastModified DOUBLE NOT NULL,
                            PRIMARY KEY (accountID, region, id)
                        );
                        CREATE TABLE lambdaFunctionCodeSigning (
                            accountID TEXT NOT NULL,
                            region TEXT NOT NULL,
                            functionName TEXT NOT NULL,
                            configID TEXT NOT NULL,
                            PRIMARY KEY (accountID, region, functionName),
                            FOREIGN KEY (accountID, region, functionName)
                                REFERENCES lambdaFunction(accountID, region, name) ON DELETE CASCADE,
                            FOREIGN KEY (accountID, region, configID) REFERENCES lambdaCodeSigningConfig(accountID, region, id)
                        );
                        CREATE INDEX lambdaFunctionCodeSigningByConfig ON lambdaFunctionCodeSigning(accountID, region, configID);
                        CREATE TABLE lambdaSignatureValidationErrors (
                            accountID TEXT NOT NULL,
                            region TEXT NOT NULL,
                            functionName TEXT NOT NULL,
                            count INTEGER NOT NULL,
                            PRIMARY KEY (accountID, region, functionName),
                            FOREIGN KEY (accountID, region, functionName)
                                REFERENCES lambdaFunction(accountID, region, name) ON DELETE CASCADE
                        );
                        """)
            },
        ]
    )
}
