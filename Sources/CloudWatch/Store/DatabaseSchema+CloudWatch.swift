import GRDB
import Store

extension DatabaseSchema {
    /// CloudWatch metrics' tables (decision 0039): each metric of an account and region (namespace,
    /// name and its exact set of dimensions) and its datapoints, one row per metric, unit and
    /// resolution bucket (a minute, or a second for high-resolution data) holding the bucket's
    /// statistic set — so storage grows with time and metrics, never with the number of values put.
    /// Times are seconds since 1970.
    public static let cloudWatch = DatabaseSchema(
        namespace: "cloudwatch",
        migrations: [
            Migration("v1-metrics-datapoints") { db in
                try db.execute(
                    sql: """
                        CREATE TABLE cwMetric (
                            id INTEGER PRIMARY KEY AUTOINCREMENT,
                            accountID TEXT NOT NULL,
                            region TEXT NOT NULL,
                            namespace TEXT NOT NULL,
                            name TEXT NOT NULL,
                            dimensions TEXT NOT NULL,
                            lastPutAt INTEGER NOT NULL
                        );
                        CREATE UNIQUE INDEX cwMetricByIdentity ON cwMetric(accountID, region, namespace, name, dimensions);
                        CREATE TABLE cwDatapoint (
                            metricID INTEGER NOT NULL REFERENCES cwMetric(id) ON DELETE CASCADE,
                            unit TEXT NOT NULL,
                            timestamp INTEGER NOT NULL,
                            sampleCount REAL NOT NULL,
                            sum REAL NOT NULL,
                            minimum REAL NOT NULL,
                            maximum REAL NOT NULL,
                            PRIMARY KEY (metricID, timestamp, unit)
                        ) WITHOUT ROWID;
                        """)
            }
        ]
    )
}
