import GRDB
import Store

extension DatabaseSchema {
    /// S3's tables: buckets (their names are global, as AWS's are) and the versions of each key,
    /// with what controls access to them and their tags.
    /// An object row names the file of its body (`objectID`) and the body's data key, wrapped by the
    /// master key; the row is written only once the file is on disk.
    public static let objectStore = DatabaseSchema(
        namespace: "s3",
        migrations: [
            Migration("v1-buckets-and-objects") { db in
                try db.execute(
                    sql: """
                        CREATE TABLE s3Bucket (
                            name TEXT PRIMARY KEY NOT NULL,
                            accountID TEXT NOT NULL,
                            region TEXT NOT NULL,
                            createdAt DOUBLE NOT NULL,
                            objectOwnership TEXT NOT NULL
                        );
                        CREATE TABLE s3Object (
                            bucket TEXT NOT NULL REFERENCES s3Bucket(name),
                            key TEXT NOT NULL,
                            objectID TEXT NOT NULL,
                            size INTEGER NOT NULL,
                            etag TEXT NOT NULL,
                            lastModified DOUBLE NOT NULL,
                            contentType TEXT,
                            contentEncoding TEXT,
                            contentDisposition TEXT,
                            contentLanguage TEXT,
                            cacheControl TEXT,
                            expires TEXT,
                            metadata TEXT NOT NULL,
                            checksums TEXT,
                            wrappedKey BLOB NOT NULL,
                            PRIMARY KEY (bucket, key)
                        );
                        """)
            },
            // Multipart uploads (decision 0029): an upload keeps the headers and metadata of the object it
            // will make; each part is a body file of its own. A completed object keeps its parts' files
            // and names them, in order, in `parts`; `checksumType` is `COMPOSITE` for a checksum of its
            // parts' checksums (nil: `FULL_OBJECT`).
            Migration("v2-multipart-uploads") { db in
                try db.execute(
                    sql: """
                        CREATE TABLE s3Upload (
                            uploadID TEXT PRIMARY KEY NOT NULL,
                            bucket TEXT NOT NULL REFERENCES s3Bucket(name),
                            key TEXT NOT NULL,
                            initiated DOUBLE NOT NULL,
                            initiatorARN TEXT NOT NULL,
                            contentType TEXT,
                            contentEncoding TEXT,
                            contentDisposition TEXT,
                            contentLanguage TEXT,
                            cacheControl TEXT,
                            expires TEXT,
                            metadata TEXT NOT NULL,
                            checksumAlgorithm TEXT,
                            checksumType TEXT
                        );
                        CREATE INDEX s3UploadByKey ON s3Upload(bucket, key, initiated, uploadID);
                        CREATE TABLE s3Part (
                            uploadID TEXT NOT NULL REFERENCES s3Upload(uploadID),
                            partNumber INTEGER NOT NULL,
                            objectID TEXT NOT NULL,
                            size INTEGER NOT NULL,
                            etag TEXT NOT NULL,
                            lastModified DOUBLE NOT NULL,
                            checksums TEXT,
                            wrappedKey BLOB NOT NULL,
                            PRIMARY KEY (uploadID, partNumber)
                        );
                        ALTER TABLE s3Object ADD COLUMN parts TEXT;
                        ALTER TABLE s3Object ADD COLUMN checksumType TEXT;
                        """)
            },
            // Decision 0031: a bucket's policy, Block Public Access settings and tags (no row: none
            // written yet — the defaults of a new bucket); the tags of each object body.
            Migration("v3-bucket-controls-and-object-tags") { db in
                try db.execute(
                    sql: """
                        CREATE TABLE s3BucketControls (
                            bucket TEXT PRIMARY KEY NOT NULL REFERENCES s3Bucket(name) ON DELETE CASCADE,
                            policy TEXT,
                            policyPrincipals TEXT,
                            blockPublicAcls INTEGER,
                            ignorePublicAcls INTEGER,
                            blockPublicPolicy INTEGER,
                            restrictPublicBuckets INTEGER,
                            tags TEXT
                        );
                        CREATE TABLE s3ObjectTags (
                            objectID TEXT PRIMARY KEY NOT NULL,
                            tags TEXT NOT NULL
                        );
                        """)
            },
            // Decision 0034: every version of a key is a row — its version id (`null` for an object
            // written while the bucket was never versioned or suspended), its place among the key's
            // versions (`sequence`, newest highest), whether it is the key's latest, and whether it is
            // a delete marker (no body: `objectID` empty). The objects so far become `null` versions.
            // A bucket's versioning status (nil: never enabled) is one of its controls.
            Migration("v4-object-versions") { db in
                try db.execute(
                    sql: """
                        CREATE TABLE s3ObjectVersion (
                            bucket TEXT NOT NULL REFERENCES s3Bucket(name),
                            key TEXT NOT NULL,
                            versionID TEXT NOT NULL,
                            sequence INTEGER NOT NULL,
                            isLatest INTEGER NOT NULL,
                            isDeleteMarker INTEGER NOT NULL,
                            objectID TEXT NOT NULL,
                            size INTEGER NOT NULL,
                            etag TEXT NOT NULL,
                            lastModified DOUBLE NOT NULL,
                            contentType TEXT,
                            contentEncoding TEXT,
                            contentDisposition TEXT,
                            contentLanguage TEXT,
                            cacheControl TEXT,
                            expires TEXT,
                            metadata TEXT NOT NULL,
                            checksums TEXT,
                            wrappedKey BLOB NOT NULL,
                            parts TEXT,
                            checksumType TEXT,
                            PRIMARY KEY (bucket, key, versionID)
                        );
                        INSERT INTO s3ObjectVersion
                            SELECT bucket, key, 'null', 1, 1, 0, objectID, size, etag, lastModified, contentType, contentEncoding,
                                contentDisposition, contentLanguage, cacheControl, expires, metadata, checksums, wrappedKey, parts,
                                checksumType
                            FROM s3Object;
                        DROP TABLE s3Object;
                        ALTER TABLE s3ObjectVersion RENAME TO s3Object;
                        CREATE UNIQUE INDEX s3ObjectLatest ON s3Object(bucket, key) WHERE isLatest = 1;
                        CREATE INDEX s3ObjectVersionOrder ON s3Object(bucket, key, sequence);
                        ALTER TABLE s3BucketControls ADD COLUMN versioning TEXT;
                        """)
            },
            // Decision 0042: a bucket's notification configuration, as JSON (nil: none).
            Migration("v5-bucket-notifications") { db in
                try db.execute(sql: "ALTER TABLE s3BucketControls ADD COLUMN notification TEXT;")
            },
        ]
    )
}
