import GRDB
import Store

extension DatabaseSchema {
    /// CloudTrail's tables (decision 0040): the index of the audit trail's events that LookupEvents
    /// and delivery read (the JSONL files stay the record; the index is rebuilt from them), the cursor
    /// of how far the files have been indexed, and the account's trails.
    public static let cloudTrail = DatabaseSchema(
        namespace: "cloudtrail",
        migrations: [
            Migration("v1-event-index-and-trails") { db in
                try db.execute(
                    sql: """
                        CREATE TABLE cloudtrailEvent (
                            id INTEGER PRIMARY KEY AUTOINCREMENT,
                            accountID TEXT NOT NULL,
                            region TEXT NOT NULL,
                            eventTime INTEGER NOT NULL,
                            eventID TEXT NOT NULL,
                            eventName TEXT NOT NULL,
                            eventSource TEXT NOT NULL,
                            readOnly INTEGER NOT NULL,
                            managementEvent INTEGER NOT NULL,
                            username TEXT,
                            accessKeyID TEXT,
                            record TEXT NOT NULL
                        );
                        CREATE INDEX cloudtrailEventByAccount ON cloudtrailEvent(accountID, eventTime, id);
                        CREATE INDEX cloudtrailEventByTime ON cloudtrailEvent(eventTime);
                        CREATE INDEX cloudtrailEventByName ON cloudtrailEvent(accountID, eventName, eventTime);
                        CREATE INDEX cloudtrailEventByID ON cloudtrailEvent(eventID);
                        CREATE TABLE cloudtrailEventResource (
                            eventRowID INTEGER NOT NULL REFERENCES cloudtrailEvent(id) ON DELETE CASCADE,
                            type TEXT NOT NULL,
                            name TEXT NOT NULL,
                            arn TEXT NOT NULL
                        );
                        CREATE INDEX cloudtrailEventResourceByEvent ON cloudtrailEventResource(eventRowID);
                        CREATE INDEX cloudtrailEventResourceByName ON cloudtrailEventResource(name);
                        CREATE INDEX cloudtrailEventResourceByARN ON cloudtrailEventResource(arn);
                        CREATE INDEX cloudtrailEventResourceByType ON cloudtrailEventResource(type);
                        CREATE TABLE cloudtrailIndexCursor (
                            hour TEXT PRIMARY KEY,
                            offset INTEGER NOT NULL,
                            closed INTEGER NOT NULL
                        );
                        CREATE TABLE cloudtrailTrail (
                            id INTEGER PRIMARY KEY AUTOINCREMENT,
                            accountID TEXT NOT NULL,
                            homeRegion TEXT NOT NULL,
                            name TEXT NOT NULL,
                            s3BucketName TEXT NOT NULL,
                            s3KeyPrefix TEXT,
                            includeGlobalServiceEvents INTEGER NOT NULL,
                            isMultiRegionTrail INTEGER NOT NULL,
                            logFileValidationEnabled INTEGER NOT NULL,
                            eventSelectors TEXT,
                            isLogging INTEGER NOT NULL DEFAULT 0,
                            startLoggingTime REAL,
                            stopLoggingTime REAL,
                            deliveredThrough INTEGER NOT NULL DEFAULT 0,
                            latestDeliveryTime REAL,
                            latestDeliveryAttemptTime REAL,
                            latestDeliveryError TEXT,
                            createdAt REAL NOT NULL
                        );
                        CREATE UNIQUE INDEX cloudtrailTrailByName ON cloudtrailTrail(accountID, homeRegion, name);
                        CREATE TABLE cloudtrailSigningKey (
                            fingerprint TEXT PRIMARY KEY,
                            accountID TEXT NOT NULL,
                            region TEXT NOT NULL,
                            publicKey BLOB NOT NULL,
                            wrappedPrivateKey BLOB NOT NULL,
                            validFrom REAL NOT NULL,
                            validTo REAL NOT NULL
                        );
                        CREATE INDEX cloudtrailSigningKeyByRegion ON cloudtrailSigningKey(accountID, region, validFrom);
                        CREATE TABLE cloudtrailLogFile (
                            id INTEGER PRIMARY KEY AUTOINCREMENT,
                            trailID INTEGER NOT NULL REFERENCES cloudtrailTrail(id) ON DELETE CASCADE,
                            region TEXT NOT NULL,
                            bucket TEXT NOT NULL,
                            key TEXT NOT NULL,
                            sha256 TEXT NOT NULL,
                            oldestEventTime TEXT NOT NULL,
                            newestEventTime TEXT NOT NULL,
                            digested INTEGER NOT NULL DEFAULT 0
                        );
                        CREATE INDEX cloudtrailLogFileUndigested ON cloudtrailLogFile(trailID, digested);
                        CREATE TABLE cloudtrailDigestChain (
                            trailID INTEGER NOT NULL REFERENCES cloudtrailTrail(id) ON DELETE CASCADE,
                            region TEXT NOT NULL,
                            lastEnd REAL NOT NULL,
                            bucket TEXT NOT NULL,
                            key TEXT NOT NULL,
                            signature TEXT NOT NULL,
                            hash TEXT NOT NULL,
                            PRIMARY KEY (trailID, region)
                        );
                        """)
            }
        ]
    )
}
