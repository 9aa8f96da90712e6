import GRDB

extension DatabaseSchema {
    /// The migrations released before each module declared its own schema (docs/decisions/0004).
    ///
    /// A released migration is never edited, so these three stay exactly as they shipped, under their
    /// original identifiers, and run before every module's own; every later change of a module's
    /// tables is a migration of that module's schema.
    static let baseline = DatabaseSchema(
        namespace: nil,
        migrations: [
            Migration("v1-accounts-and-lambda") { db in
                try db.execute(
                    sql: """
                        CREATE TABLE account (
                            id TEXT PRIMARY KEY NOT NULL,
                            createdAt DOUBLE NOT NULL
                        );
                        CREATE TABLE accessKey (
                            accessKeyID TEXT PRIMARY KEY NOT NULL,
                            secretAccessKey TEXT NOT NULL,
                            accountID TEXT NOT NULL REFERENCES account(id),
                            userName TEXT,
                            status TEXT NOT NULL,
                            createdAt DOUBLE NOT NULL,
                            lastUsedAt DOUBLE,
                            lastUsedService TEXT,
                            lastUsedRegion TEXT
                        );
                        CREATE TABLE serviceSecret (
                            name TEXT PRIMARY KEY NOT NULL,
                            secret BLOB NOT NULL
                        );
                        CREATE TABLE lambdaFunction (
                            accountID TEXT NOT NULL REFERENCES account(id),
                            region TEXT NOT NULL,
                            name TEXT NOT NULL,
                            createdAt DOUBLE NOT NULL,
                            PRIMARY KEY (accountID, region, name)
                        );
                        CREATE TABLE lambdaFunctionVersion (
                            accountID TEXT NOT NULL,
                            region TEXT NOT NULL,
                            functionName TEXT NOT NULL,
                            version TEXT NOT NULL,
                            configuration BLOB NOT NULL,
                            codeSHA256 TEXT NOT NULL,
                            codeSize INTEGER NOT NULL,
                            revisionID TEXT NOT NULL,
                            PRIMARY KEY (accountID, region, functionName, version),
                            FOREIGN KEY (accountID, region, functionName)
                                REFERENCES lambdaFunction(accountID, region, name) ON DELETE CASCADE
                        );
                        CREATE INDEX lambdaFunctionVersionByCode ON lambdaFunctionVersion(codeSHA256);
                        CREATE TABLE resourceTag (
                            resourceARN TEXT NOT NULL,
                            key TEXT NOT NULL,
                            value TEXT NOT NULL,
                            PRIMARY KEY (resourceARN, key)
                        );
                        """
                )
            },
            Migration("v2-invocation") { db in
                try db.execute(
                    sql: """
                        ALTER TABLE lambdaFunction ADD COLUMN reservedConcurrency INTEGER;
                        CREATE TABLE lambdaEventInvokeConfig (
                            accountID TEXT NOT NULL,
                            region TEXT NOT NULL,
                            functionName TEXT NOT NULL,
                            qualifier TEXT NOT NULL,
                            maximumRetryAttempts INTEGER,
                            maximumEventAgeInSeconds INTEGER,
                            lastModified DOUBLE NOT NULL,
                            PRIMARY KEY (accountID, region, functionName, qualifier),
                            FOREIGN KEY (accountID, region, functionName)
                                REFERENCES lambdaFunction(accountID, region, name) ON DELETE CASCADE
                        );
                        CREATE TABLE lambdaAsyncEvent (
                            requestID TEXT PRIMARY KEY NOT NULL,
                            accountID TEXT NOT NULL,
                            region TEXT NOT NULL,
                            functionName TEXT NOT NULL,
                            qualifier TEXT NOT NULL,
                            invokedARN TEXT NOT NULL,
                            payload BLOB NOT NULL,
                            attempts INTEGER NOT NULL,
                            throttles INTEGER NOT NULL,
                            enqueuedAt DOUBLE NOT NULL,
                            nextAttemptAt DOUBLE NOT NULL,
                            claimed INTEGER NOT NULL
                        );
                        CREATE INDEX lambdaAsyncEventDue ON lambdaAsyncEvent(claimed, nextAttemptAt);
                        """
                )
            },
            Migration("v3-iam") { db in
                try db.execute(
                    sql: """
                        CREATE TABLE iamPrincipal (
                            accountID TEXT NOT NULL,
                            kind TEXT NOT NULL,
                            name TEXT NOT NULL COLLATE NOCASE,
                            uniqueID TEXT NOT NULL UNIQUE,
                            path TEXT NOT NULL,
                            createdAt DOUBLE NOT NULL,
                            document TEXT,
                            description TEXT,
                            maxSessionDuration INTEGER,
                            permissionsBoundary TEXT,
                            tags TEXT NOT NULL,
                            PRIMARY KEY (accountID, kind, name)
                        );
                        CREATE TABLE iamGroupMember (
                            accountID TEXT NOT NULL,
                            groupName TEXT NOT NULL COLLATE NOCASE,
                            userName TEXT NOT NULL COLLATE NOCASE,
                            PRIMARY KEY (accountID, groupName, userName)
                        );
                        CREATE TABLE iamInlinePolicy (
                            accountID TEXT NOT NULL,
                            principalKind TEXT NOT NULL,
                            principalName TEXT NOT NULL COLLATE NOCASE,
                            policyName TEXT NOT NULL COLLATE NOCASE,
                            document TEXT NOT NULL,
                            PRIMARY KEY (accountID, principalKind, principalName, policyName)
                        );
                        CREATE TABLE iamManagedPolicy (
                            arn TEXT PRIMARY KEY NOT NULL,
                            accountID TEXT NOT NULL,
                            name TEXT NOT NULL,
                            policyID TEXT NOT NULL UNIQUE,
                            path TEXT NOT NULL,
                            description TEXT,
                            defaultVersion TEXT NOT NULL,
                            nextVersion INTEGER NOT NULL,
                            createdAt DOUBLE NOT NULL,
                            updatedAt DOUBLE NOT NULL,
                            tags TEXT NOT NULL
                        );
                        CREATE TABLE iamPolicyVersion (
                            policyARN TEXT NOT NULL REFERENCES iamManagedPolicy(arn) ON DELETE CASCADE,
                            versionID TEXT NOT NULL,
                            document TEXT NOT NULL,
                            createdAt DOUBLE NOT NULL,
                            PRIMARY KEY (policyARN, versionID)
                        );
                        CREATE TABLE iamAttachment (
                            accountID TEXT NOT NULL,
                            principalKind TEXT NOT NULL,
                            principalName TEXT NOT NULL COLLATE NOCASE,
                            policyARN TEXT NOT NULL,
                            PRIMARY KEY (accountID, principalKind, principalName, policyARN)
                        );
                        CREATE TABLE iamMFADevice (
                            serialNumber TEXT PRIMARY KEY NOT NULL,
                            accountID TEXT NOT NULL,
                            name TEXT NOT NULL,
                            path TEXT NOT NULL,
                            seed BLOB NOT NULL,
                            userName TEXT COLLATE NOCASE,
                            enabledAt DOUBLE,
                            lastUsedStep INTEGER NOT NULL,
                            createdAt DOUBLE NOT NULL,
                            tags TEXT NOT NULL
                        );
                        CREATE TABLE stsSession (
                            accessKeyID TEXT PRIMARY KEY NOT NULL,
                            secretAccessKey TEXT NOT NULL,
                            sessionTokenHash TEXT NOT NULL,
                            accountID TEXT NOT NULL,
                            kind TEXT NOT NULL,
                            principalName TEXT NOT NULL,
                            sessionName TEXT,
                            sourceAccessKeyID TEXT,
                            issuedAt DOUBLE NOT NULL,
                            expiresAt DOUBLE NOT NULL,
                            mfaAuthenticatedAt DOUBLE,
                            sessionPolicy TEXT,
                            tags TEXT NOT NULL,
                            sourceFunctionARN TEXT
                        );
                        CREATE INDEX stsSessionByExpiry ON stsSession(expiresAt);
                        CREATE TABLE lambdaPolicyStatement (
                            accountID TEXT NOT NULL,
                            region TEXT NOT NULL,
                            functionName TEXT NOT NULL,
                            qualifier TEXT NOT NULL,
                            sid TEXT NOT NULL,
                            statement TEXT NOT NULL,
                            position INTEGER NOT NULL,
                            PRIMARY KEY (accountID, region, functionName, qualifier, sid),
                            FOREIGN KEY (accountID, region, functionName)
                                REFERENCES lambdaFunction(accountID, region, name) ON DELETE CASCADE
                        );
                        ALTER TABLE lambdaFunction ADD COLUMN policyRevision TEXT;
                        """
                )
            },
        ])
}
