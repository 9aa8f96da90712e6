import GRDB

/// The schema, as an ordered list of migrations. A released migration is never edited: changes are
/// new migrations.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-accounts-and-lambda") { db in
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
        }
        migrator.registerMigration("v2-invocation") { db in
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
        }
        return migrator
    }
}
