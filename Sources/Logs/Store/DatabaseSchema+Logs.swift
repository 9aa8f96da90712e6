import GRDB
import Store

extension DatabaseSchema {
    /// CloudWatch Logs' tables (decision 0035): log groups of an account and region, their streams
    /// and the streams' events, append-only (events go only by their stream's or group's deletion,
    /// or by the group's retention). Times are milliseconds since 1970, as the API carries them.
    public static let logs = DatabaseSchema(
        namespace: "logs",
        migrations: [
            Migration("v1-groups-streams-events") { db in
                try db.execute(
                    sql: """
                        CREATE TABLE logsGroup (
                            id INTEGER PRIMARY KEY AUTOINCREMENT,
                            accountID TEXT NOT NULL,
                            region TEXT NOT NULL,
                            name TEXT NOT NULL,
                            createdAt INTEGER NOT NULL,
                            retentionInDays INTEGER
                        );
                        CREATE UNIQUE INDEX logsGroupByName ON logsGroup(accountID, region, name);
                        CREATE TABLE logsStream (
                            id INTEGER PRIMARY KEY AUTOINCREMENT,
                            groupID INTEGER NOT NULL REFERENCES logsGroup(id) ON DELETE CASCADE,
                            name TEXT NOT NULL,
                            createdAt INTEGER NOT NULL,
                            firstEventAt INTEGER,
                            lastEventAt INTEGER,
                            lastIngestionAt INTEGER,
                            storedBytes INTEGER NOT NULL DEFAULT 0
                        );
                        CREATE UNIQUE INDEX logsStreamByName ON logsStream(groupID, name);
                        CREATE TABLE logsEvent (
                            id INTEGER PRIMARY KEY AUTOINCREMENT,
                            streamID INTEGER NOT NULL REFERENCES logsStream(id) ON DELETE CASCADE,
                            timestamp INTEGER NOT NULL,
                            ingestionTime INTEGER NOT NULL,
                            message TEXT NOT NULL
                        );
                        CREATE INDEX logsEventByStream ON logsEvent(streamID, timestamp, id);
                        CREATE INDEX logsEventByTime ON logsEvent(timestamp);
                        """)
            }
        ]
    )
}
