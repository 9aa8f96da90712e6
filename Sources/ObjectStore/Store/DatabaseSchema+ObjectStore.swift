import GRDB
import Store

extension DatabaseSchema {
    /// S3's tables: buckets (their names are global, as AWS's are) and the current object of each key.
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
        ]
    )
}
