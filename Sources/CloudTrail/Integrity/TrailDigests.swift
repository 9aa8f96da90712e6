import BulwarkCore
import Crypto
import CryptoExtras
import Foundation
import GRDB
import ObjectStore
import Store

/// Log file integrity validation (decision 0040): for each logging trail with it enabled, a digest
/// file per region every digest period, in AWS's format and layout
/// (`[<prefix>/]AWSLogs/<account>/CloudTrail-Digest/<region>/YYYY/MM/DD/<account>_CloudTrail-Digest_<region>_<trail>_<home region>_<YYYYMMDDTHHMMSSZ>.json.gz`):
/// the period, the SHA-256 of each log file delivered in it (of its inflated content), and the
/// previous digest's location, hash and signature; signed SHA256withRSA over AWS's string to sign
/// (`<digestEndTime>\n<bucket>/<key>\n<hex SHA-256 of the digest>\n<previous signature or null>`), the
/// signature in the object's `x-amz-meta-signature`. What `aws cloudtrail validate-logs` checks.
public struct TrailDigests: Sendable {
    let database: BulwarkDatabase
    let buckets: S3DeliveryWriter
    let keys: SigningKeys
    let clock: WallClock

    public init(database: BulwarkDatabase, buckets: S3DeliveryWriter, keys: SigningKeys, clock: WallClock = .system) {
        self.database = database
        self.buckets = buckets
        self.keys = keys
        self.clock = clock
    }

    /// The digest chain's last link of a trail in a region.
    struct Link: Sendable {
        let end: Date
        let bucket: String
        let key: String
        let signature: String
        let hash: String
    }

    struct LogFile: Sendable {
        let id: Int64
        let bucket: String
        let key: String
        let sha256: String
        let oldest: String
        let newest: String
    }

    /// Writes the digests due now; answers their keys.
    @discardableResult
    public func write() async throws -> [String] {
        var written: [String] = []
        let now = clock.now()
        for trail in try await database.trails.loggingTrails() where trail.logFileValidationEnabled {
            for region in try await regions(of: trail) {
                if let key = try await digest(trail, region: region, at: now) { written.append(key) }
            }
        }
        return written
    }

    /// The home region, and every region the trail has delivered files of or digested before.
    private func regions(of trail: TrailRecord) async throws -> [String] {
        try await database.read { db in
            let found = try String.fetchAll(
                db,
                sql: """
                    SELECT region FROM cloudtrailLogFile WHERE trailID = ? UNION SELECT region FROM cloudtrailDigestChain WHERE trailID = ?
                    """,
                arguments: [trail.id, trail.id])
            return Set(found + [trail.homeRegion]).sorted()
        }
    }

    private func digest(_ trail: TrailRecord, region: String, at now: Date) async throws -> String? {
        let (link, files) = try await database.read { db in
            let link = try Row.fetchOne(
                db, sql: "SELECT * FROM cloudtrailDigestChain WHERE trailID = ? AND region = ?", arguments: [trail.id, region]
            ).map {
                Link(
                    end: Date(timeIntervalSince1970: $0["lastEnd"]), bucket: $0["bucket"], key: $0["key"], signature: $0["signature"],
                    hash: $0["hash"])
            }
            let files = try Row.fetchAll(
                db, sql: "SELECT * FROM cloudtrailLogFile WHERE trailID = ? AND region = ? AND digested = 0 ORDER BY id",
                arguments: [trail.id, region]
            ).map {
                LogFile(
                    id: $0["id"], bucket: $0["bucket"], key: $0["key"], sha256: $0["sha256"], oldest: $0["oldestEventTime"],
                    newest: $0["newestEventTime"])
            }
            return (link, files)
        }
        let start = link?.end ?? trail.startLoggingTime ?? trail.createdAt
        // One digest a second at most: its key is named by its end time, to the second.
        guard AWSTimestamp.basic(now) != AWSTimestamp.basic(start) else { return nil }
        guard let bucket = try await buckets.bucket(named: trail.s3BucketName) else { return nil }
        let key = Self.key(trail, region: region, end: now)
        guard DeliveryPermission.allows(bucket, key: key, trailARN: trail.arn, accountID: trail.accountID, now: now) else { return nil }
        let signing = try await keys.current(accountID: trail.accountID, region: region, at: now)
        let end = AWSTimestamp.iso8601(now)
        let document = try Self.document(
            trail: trail, start: AWSTimestamp.iso8601(start), end: end, bucket: bucket.name, key: key, fingerprint: signing.fingerprint,
            previous: link, files: files)
        let hash = SHA256.hash(data: document).map { String(format: "%02x", $0) }.joined()
        let toSign = "\(end)\n\(bucket.name)/\(key)\n\(hash)\n\(link?.signature ?? "null")"
        let signature = try signing.key.signature(for: SHA256.hash(data: Data(toSign.utf8)), padding: .insecurePKCS1v1_5).rawRepresentation
            .map { String(format: "%02x", $0) }.joined()
        do {
            try await buckets.putNew(
                try Gzip.compress(document), in: bucket, key: key, contentType: "application/json", contentEncoding: "gzip",
                metadata: ["signature": signature, "signature-algorithm": "SHA256withRSA"], at: now)
        } catch is S3DeliveryWriter.Refusal {
            return nil
        }
        let ids = files.map(\.id)
        try await database.write { db in
            for id in ids { try db.execute(sql: "UPDATE cloudtrailLogFile SET digested = 1 WHERE id = ?", arguments: [id]) }
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO cloudtrailDigestChain (trailID, region, lastEnd, bucket, key, signature, hash)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [trail.id, region, now.timeIntervalSince1970, bucket.name, key, signature, hash])
        }
        return key
    }

    static func key(_ trail: TrailRecord, region: String, end: Date) -> String {
        let stamp = AWSTimestamp.basic(end)
        let day = "\(stamp.prefix(4))/\(stamp.dropFirst(4).prefix(2))/\(stamp.dropFirst(6).prefix(2))"
        return DeliveryPermission.logPrefix(trail.s3KeyPrefix, accountID: trail.accountID)
            + "CloudTrail-Digest/\(region)/\(day)/\(trail.accountID)_CloudTrail-Digest_\(region)_\(trail.name)_\(trail.homeRegion)_\(stamp).json.gz"
    }

    static func document(
        trail: TrailRecord, start: String, end: String, bucket: String, key: String, fingerprint: String, previous: Link?, files: [LogFile]
    ) throws -> Data {
        let null = NSNull()
        let object: [String: Any] = [
            "awsAccountId": trail.accountID,
            "digestStartTime": start,
            "digestEndTime": end,
            "digestS3Bucket": bucket,
            "digestS3Object": key,
            "digestPublicKeyFingerprint": fingerprint,
            "digestSignatureAlgorithm": "SHA256withRSA",
            "newestEventTime": files.map(\.newest).max() ?? null,
            "oldestEventTime": files.map(\.oldest).min() ?? null,
            "previousDigestS3Bucket": previous?.bucket ?? null,
            "previousDigestS3Object": previous?.key ?? null,
            "previousDigestHashValue": previous?.hash ?? null,
            "previousDigestHashAlgorithm": previous == nil ? null : "SHA-256",
            "previousDigestSignature": previous?.signature ?? null,
            "logFiles": files.map {
                [
                    "s3Bucket": $0.bucket, "s3Object": $0.key, "hashValue": $0.sha256, "hashAlgorithm": "SHA-256", "newestEventTime": $0.newest,
                    "oldestEventTime": $0.oldest,
                ]
            },
        ]
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    }
}
