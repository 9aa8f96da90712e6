import AWSWire
import Crypto
import Foundation
import GRDB
import HTTPTypes
import IAM
import KMS
import Store
import Testing

@testable import ObjectStore

/// Versions of a key (decision 0034): their order, which one is latest, the `null` version's
/// replacement, what a delete leaves, and ListObjectVersions' walk and paging.
@Suite("Object versions: order, latest, null version, paging")
struct ObjectVersionTests {
    static let enable = Data(
        "<VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Status>Enabled</Status></VersioningConfiguration>".utf8)
    static let suspend = Data(
        "<VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Status>Suspended</Status></VersioningConfiguration>".utf8)

    /// A store with the bucket `bkt`, versioning as `status` says (nil: never set).
    static func store(_ status: Data? = enable) async throws -> S3Harness {
        let s3 = try S3Harness()
        _ = await s3.send(.put, "/bkt")
        if let status { #expect(await s3.send(.put, "/bkt?versioning", body: status).status == 200) }
        return s3
    }

    /// Every version of `bucket`, as ListObjectVersions walks them (pages of `limit`, resumed at their markers).
    static func walk(_ s3: S3Harness, bucket: String = "bkt", limit: Int) async throws -> [ObjectRecord] {
        var all: [ObjectRecord] = []
        var markers: (key: String, versionID: String?)?
        while true {
            let listing = try await s3.service.repository.listVersions(
                bucket: bucket, into: VersionListing(prefix: "", delimiter: nil, maxKeys: limit, keyMarker: markers?.key),
                versionIDMarker: markers?.versionID
            ).listing
            all += listing.versions
            guard listing.isTruncated, let next = listing.nextMarkers else { return all }
            markers = next
        }
    }

    @Test("each write is a new version, newest first; only the newest is latest; every body is kept")
    func ordering() async throws {
        let s3 = try await Self.store()
        var ids: [String] = []
        for body in ["one", "two", "three"] {
            let answer = await s3.send(.put, "/bkt/k", body: Data(body.utf8))
            ids.append(try #require(answer.header("x-amz-version-id")))
        }
        _ = await s3.send(.put, "/bkt/j", body: Data("j".utf8))
        let versions = try await Self.walk(s3, limit: 1000)
        #expect(versions.map(\.key) == ["j", "k", "k", "k"])
        #expect(versions.filter { $0.key == "k" }.map(\.versionID) == ids.reversed())
        #expect(versions.map(\.isLatest) == [true, true, false, false])
        #expect(Set(ids).count == 3 && ids.allSatisfy { $0.count == VersionID.length && VersionID.isWellFormed($0) })
        #expect(try s3.files().count == 4)
        #expect(await s3.send(.get, "/bkt/k?versionId=\(ids[0])").body == Data("one".utf8))
    }

    @Test("pages of any size walk the same versions in the same order", arguments: [1, 2, 3, 1000])
    func batches(limit: Int) async throws {
        let s3 = try await Self.store()
        for key in ["a", "b", "a", "c", "b", "a"] { _ = await s3.send(.put, "/bkt/\(key)", body: Data(key.utf8)) }
        _ = await s3.send(.delete, "/bkt/b")
        let whole = try await Self.walk(s3, limit: 1000)
        #expect(whole.map(\.key) == ["a", "a", "a", "b", "b", "b", "c"])
        #expect(whole.map(\.isDeleteMarker) == [false, false, false, true, false, false, false])
        let batched = try await Self.walk(s3, limit: limit)
        #expect(batched.map(\.versionID) == whole.map(\.versionID))
    }

    @Test("removing the latest version makes the next newest latest; a delete marker keeps every body")
    func removal() async throws {
        let s3 = try await Self.store()
        let first = try #require(await s3.send(.put, "/bkt/k", body: Data("1".utf8)).header("x-amz-version-id"))
        let second = try #require(await s3.send(.put, "/bkt/k", body: Data("2".utf8)).header("x-amz-version-id"))
        let deleted = await s3.send(.delete, "/bkt/k")
        #expect(deleted.status == 204 && deleted.header("x-amz-delete-marker") == "true")
        #expect(try s3.files().count == 2)
        let hidden = await s3.send(.get, "/bkt/k")
        #expect(hidden.status == 404 && hidden.header("x-amz-delete-marker") == "true")
        let marker = try #require(deleted.header("x-amz-version-id"))
        #expect(await s3.send(.delete, "/bkt/k?versionId=\(marker)").header("x-amz-delete-marker") == "true")
        #expect(await s3.send(.delete, "/bkt/k?versionId=\(second)").status == 204)
        #expect(try s3.files().count == 1)
        let current = await s3.send(.get, "/bkt/k")
        #expect(current.body == Data("1".utf8) && current.header("x-amz-version-id") == first)
        #expect(try await Self.walk(s3, limit: 10).map(\.isLatest) == [true])
    }

    @Test("a bucket that does not keep versions replaces the null version and removes its body")
    func nullVersion() async throws {
        for status in [nil, Self.suspend] {
            let s3 = try await Self.store(status)
            _ = await s3.send(.put, "/bkt/k", body: Data("1".utf8))
            _ = await s3.send(.put, "/bkt/k", body: Data("2".utf8))
            let versions = try await Self.walk(s3, limit: 10)
            #expect(versions.map(\.versionID) == [VersionID.null])
            #expect(try s3.files().count == 1)
            let deleted = await s3.send(.delete, "/bkt/k")
            #expect(try s3.files().isEmpty)
            // Suspended: a null delete marker; never versioned: nothing left at all.
            #expect(try await Self.walk(s3, limit: 10).map(\.isDeleteMarker) == (status == nil ? [] : [true]))
            #expect(deleted.header("x-amz-delete-marker") == (status == nil ? nil : "true"))
        }
    }

    @Test("ListObjectVersions pages end inside a key's versions and resume there")
    func listingPages() {
        func version(_ key: String, _ id: String, latest: Bool = false) -> ObjectRecord {
            var record = ObjectRecord(
                bucket: "b", key: key, objectID: id, size: 1, etag: "\"e\"", lastModified: Date(), headers: .init(), metadata: [:],
                checksums: [:], wrappedKey: Data())
            record.versionID = id
            record.isLatest = latest
            return record
        }
        let all = [version("a", "a2", latest: true), version("a", "a1"), version("p/x", "x1", latest: true), version("p/y", "y1", latest: true)]
        var listing = VersionListing(prefix: "", delimiter: nil, maxKeys: 1, keyMarker: nil)
        for entry in all where !listing.isComplete { listing.offer(entry) }
        #expect(listing.versions.map(\.versionID) == ["a2"] && listing.isTruncated)
        #expect(listing.nextMarkers?.key == "a" && listing.nextMarkers?.versionID == "a2")

        var rolled = VersionListing(prefix: "", delimiter: "/", maxKeys: 2, keyMarker: nil)
        for entry in all where !rolled.isComplete { rolled.offer(entry) }
        rolled.finish()
        #expect(rolled.versions.map(\.versionID) == ["a2", "a1"] && rolled.isTruncated)
        #expect(rolled.nextMarkers?.key == "a" && rolled.nextMarkers?.versionID == "a1")

        var resumed = VersionListing(prefix: "", delimiter: "/", maxKeys: 2, keyMarker: "a")
        for entry in all.dropFirst(2) where !resumed.isComplete { resumed.offer(entry) }
        resumed.finish()
        // Both keys under p/ are one common prefix, counted once; it is the page's last entry.
        #expect(resumed.versions.isEmpty && resumed.commonPrefixes == ["p/"] && !resumed.isTruncated)
        #expect(resumed.nextMarkers?.key == "p/" && resumed.nextMarkers?.versionID == nil)

        // A page after the common prefix `p/` skips every key under it.
        var after = VersionListing(prefix: "", delimiter: "/", maxKeys: 5, keyMarker: "p/")
        for entry in all.dropFirst(2) { after.offer(entry) }
        #expect(after.versions.isEmpty && after.commonPrefixes.isEmpty)
    }

    /// Writes `count` versions of each key of `bkt` straight into the store (the walks read rows, not bodies).
    static func seed(_ s3: S3Harness, _ keys: [(String, Int)], versioned: Bool = true) async throws {
        try await s3.database.write { db in
            for (key, count) in keys {
                for _ in 0..<count {
                    var record = ObjectRecord(
                        bucket: "bkt", key: key, objectID: UUID().uuidString, size: 1, etag: "\"e\"", lastModified: Date(), headers: .init(),
                        metadata: [:], checksums: [:], wrappedKey: Data())
                    record.versionID = versioned ? VersionID.make() : VersionID.null
                    _ = try ObjectStoreRepository.addVersion(db, &record)
                }
            }
        }
    }

    /// One ListObjectVersions page as the handler walks the store: the listing and the rows read.
    static func versionsPage(
        _ s3: S3Harness, prefix: String, delimiter: String?, maxKeys: Int, marker: (key: String, versionID: String?)?
    ) async throws -> (listing: VersionListing, rowsRead: Int) {
        try await s3.service.repository.listVersions(
            bucket: "bkt", into: VersionListing(prefix: prefix, delimiter: delimiter, maxKeys: maxKeys, keyMarker: marker?.key),
            versionIDMarker: marker?.versionID)
    }

    /// The same page offered every version in order (the walk before common prefixes were skipped).
    static func everyVersionPage(
        _ all: [ObjectRecord], prefix: String, delimiter: String?, maxKeys: Int, marker: (key: String, versionID: String?)?
    ) -> VersionListing {
        var listing = VersionListing(prefix: prefix, delimiter: delimiter, maxKeys: maxKeys, keyMarker: marker?.key)
        var rest = all[...]
        if let marker {
            if let id = marker.versionID, let index = all.firstIndex(where: { $0.key == marker.key && $0.versionID == id }) {
                rest = all[(index + 1)...]
            } else {
                rest = rest.drop { !marker.key.utf8.lexicographicallyPrecedes($0.key.utf8) }
            }
        }
        for version in rest where !version.key.utf8.lexicographicallyPrecedes(prefix.utf8) {
            listing.offer(version)
            if listing.isComplete { break }
        }
        listing.finish()
        return listing
    }

    /// Every page of a listing, as (versions, common prefixes, truncated, next markers) lines, and the most rows a page read.
    static func versionPages(
        _ s3: S3Harness, _ all: [ObjectRecord], prefix: String, delimiter: String?, maxKeys: Int
    ) async throws -> (walked: [String], expected: [String], mostRowsRead: Int) {
        var walked: [String] = []
        var expected: [String] = []
        var mostRowsRead = 0
        var marker: (key: String, versionID: String?)?
        func line(_ listing: VersionListing) -> String {
            "\(listing.versions.map(\.versionID)) \(listing.commonPrefixes) \(listing.isTruncated) \(String(describing: listing.nextMarkers))"
        }
        repeat {
            let page = try await Self.versionsPage(s3, prefix: prefix, delimiter: delimiter, maxKeys: maxKeys, marker: marker)
            walked.append(line(page.listing))
            expected.append(line(Self.everyVersionPage(all, prefix: prefix, delimiter: delimiter, maxKeys: maxKeys, marker: marker)))
            mostRowsRead = max(mostRowsRead, page.rowsRead)
            marker = page.listing.isTruncated ? page.listing.nextMarkers : nil
        } while marker != nil && walked.count < 100
        return (walked, expected, mostRowsRead)
    }

    @Test("a common prefix is walked past, not read: 5 000 versions under a/ cost a page one row")
    func commonPrefixSkipped() async throws {
        let s3 = try await Self.store()
        try await Self.seed(s3, [("0", 1), ("a/k", 2500), ("a/l", 2500), ("b", 1), ("c/x", 3), ("d", 2)])
        let all = try await Self.walk(s3, limit: 1000)
        #expect(all.count == 5007)
        let whole = try await Self.versionsPage(s3, prefix: "", delimiter: "/", maxKeys: 1000, marker: nil)
        #expect(whole.listing.versions.map(\.key) == ["0", "b", "d", "d"] && whole.listing.commonPrefixes == ["a/", "c/"])
        // One row of each common prefix and every version listed.
        #expect(whole.rowsRead == 6)
        // Page by page (each page starting past the common prefix before it), as the full walk lists.
        for maxKeys in [1, 2, 3] {
            let pages = try await Self.versionPages(s3, all, prefix: "", delimiter: "/", maxKeys: maxKeys)
            #expect(pages.walked == pages.expected)
            #expect(pages.mostRowsRead <= maxKeys + 2)
        }
        let nested = try await Self.versionsPage(s3, prefix: "a/", delimiter: "/", maxKeys: 1000, marker: nil)
        #expect(nested.listing.versions.count == 1000 && nested.listing.isTruncated && nested.rowsRead == 1001)
    }

    @Test(
        "skipping common prefixes lists what offering every version lists",
        arguments: [("", "/"), ("", nil), ("a/", "/"), ("a/", "b"), ("c", "/"), ("", "--"), ("a/b", "/")])
    func skippingListsTheSame(prefix: String, delimiter: String?) async throws {
        let s3 = try await Self.store()
        try await Self.seed(
            s3,
            [
                ("0", 1), ("a/b/1", 3), ("a/b/2", 1), ("a/b--3", 2), ("a/c", 2), ("a/d/e/f", 2), ("b--1", 2), ("b--2", 1), ("c/x", 3),
                ("c\u{10FFFF}/", 1), ("d", 2),
            ])
        _ = await s3.send(.delete, "/bkt/a/c")
        let all = try await Self.walk(s3, limit: 1000)
        for maxKeys in [1, 2, 5, 1000] {
            let pages = try await Self.versionPages(s3, all, prefix: prefix, delimiter: delimiter, maxKeys: maxKeys)
            #expect(pages.walked == pages.expected, "maxKeys \(maxKeys)")
            #expect(!pages.walked.isEmpty)
        }
    }

    @Test("ListObjectsV2 walks past a common prefix: 5 000 keys under a/ cost a page one row, and it lists the same")
    func objectsCommonPrefixSkipped() async throws {
        let s3 = try await Self.store(nil)
        let under: [(String, Int)] = (0..<5000).map { (String(format: "a/%04d", $0), 1) }
        try await Self.seed(s3, [("0", 1)] + under + [("b", 1), ("c/x", 1), ("c/y", 1), ("d", 1)], versioned: false)
        let current = try await Self.walk(s3, limit: 1000).filter { $0.isLatest && !$0.isDeleteMarker }
        #expect(current.count == 5005)
        func page(prefix: String, delimiter: String?, maxKeys: Int, after marker: String?) async throws -> (ObjectListing<ObjectRecord>, Int) {
            try await s3.service.repository.listObjects(
                bucket: "bkt", into: ObjectListing(prefix: prefix, delimiter: delimiter, maxKeys: maxKeys), after: marker)
        }
        func everyKeyPage(prefix: String, delimiter: String?, maxKeys: Int, after marker: String?) -> ObjectListing<ObjectRecord> {
            var listing = ObjectListing<ObjectRecord>(prefix: prefix, delimiter: delimiter, maxKeys: maxKeys)
            for object in current where !object.key.utf8.lexicographicallyPrecedes(prefix.utf8) {
                if let marker {
                    guard marker.utf8.lexicographicallyPrecedes(object.key.utf8) else { continue }
                    if ObjectListing<ObjectRecord>.isCovered(object.key, byMarker: marker, delimiter: delimiter) { continue }
                }
                listing.offer(object.key, object)
                if listing.isComplete { break }
            }
            listing.finish()
            return listing
        }
        let (whole, rowsRead) = try await page(prefix: "", delimiter: "/", maxKeys: 1000, after: nil)
        #expect(whole.contents.map(\.key) == ["0", "b", "d"] && whole.commonPrefixes == ["a/", "c/"] && rowsRead == 5)
        for (prefix, delimiter) in [("", "/"), ("a/", "/"), ("", "0"), ("c", "/"), ("", nil)] as [(String, String?)] {
            for maxKeys in [1, 2, 1000] where delimiter != nil || maxKeys == 1000 {
                var marker: String?
                var pages = 0
                repeat {
                    let (walked, rowsRead) = try await page(prefix: prefix, delimiter: delimiter, maxKeys: maxKeys, after: marker)
                    let expected = everyKeyPage(prefix: prefix, delimiter: delimiter, maxKeys: maxKeys, after: marker)
                    #expect(walked.contents.map(\.key) == expected.contents.map(\.key) && walked.commonPrefixes == expected.commonPrefixes)
                    #expect(walked.isTruncated == expected.isTruncated && walked.lastListed == expected.lastListed)
                    if delimiter == "/" && prefix == "" { #expect(rowsRead <= maxKeys + 2) }
                    marker = walked.isTruncated ? walked.lastListed : nil
                    pages += 1
                } while marker != nil && pages < 100
            }
        }
    }

    @Test("a named version is judged under the version action with s3:versionid, instead of the object action")
    func versionActions() async throws {
        let s3 = try await Self.store()
        let id = try #require(await s3.send(.put, "/bkt/k", headers: ["x-amz-tagging": "t=1"], body: Data("1".utf8)).header("x-amz-version-id"))
        let arn = "arn:aws:s3:::bkt/k"
        let tag: [String: AuthorizationCheck.Value] = ["s3:ExistingObjectTag/t": .single("1")]
        let version = tag.merging(["s3:versionid": .single(id)]) { $1 }
        let cases: [(HTTPRequest.Method, String, [String: String], [(String, [String: AuthorizationCheck.Value])])] = [
            (.get, "/bkt/k", [:], [("s3:GetObject", tag)]),
            (.get, "/bkt/k?versionId=\(id)", [:], [("s3:GetObjectVersion", version)]),
            (.head, "/bkt/k?versionId=\(id)", [:], [("s3:GetObjectVersion", version)]),
            (.delete, "/bkt/k", [:], [("s3:DeleteObject", [:])]),
            (.delete, "/bkt/k?versionId=\(id)", [:], [("s3:DeleteObjectVersion", ["s3:versionid": .single(id)])]),
            (.get, "/bkt/k?tagging&versionId=\(id)", [:], [("s3:GetObjectVersionTagging", version)]),
            (.delete, "/bkt/k?tagging&versionId=\(id)", [:], [("s3:DeleteObjectVersionTagging", version)]),
        ]
        for (method, target, headers, expected) in cases {
            let checks = try await s3.checks(method, target, headers: headers)
            #expect(checks.map(\.action) == expected.map(\.0), "\(method) \(target)")
            #expect(checks.map(\.conditionKeys) == expected.map(\.1), "\(method) \(target)")
            #expect(checks.allSatisfy { $0.resource == arn })
        }
        // A copy's source: GetObjectVersion on the version it names, besides PutObject on the target.
        let copy = try await s3.checks(.put, "/bkt/copy", headers: ["x-amz-copy-source": "/bkt/k?versionId=\(id)"])
        #expect(copy.map(\.action) == ["s3:PutObject", "s3:GetObjectVersion"])
        #expect(copy.last?.conditionKeys == version && copy.last?.resource == arn)
        #expect(try await s3.checks(.get, "/bkt?versions").map(\.action) == ["s3:ListBucketVersions"])
        #expect(try await s3.checks(.get, "/bkt?versioning").map(\.action) == ["s3:GetBucketVersioning"])
    }

    @Test("a bucket never versioned answers an empty configuration; the listing is S3's ListVersionsResult")
    func documents() async throws {
        let s3 = try await Self.store(nil)
        let empty = await s3.send(.get, "/bkt?versioning")
        #expect(empty.status == 200)
        #expect(empty.text.contains("<VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\""))
        #expect(!empty.text.contains("<Status>"))
        _ = await s3.send(.put, "/bkt?versioning", body: Self.enable)
        #expect(await s3.send(.get, "/bkt?versioning").text.contains("<Status>Enabled</Status>"))
        let bad = await s3.send(
            .put, "/bkt?versioning", body: Data("<VersioningConfiguration><Status>On</Status></VersioningConfiguration>".utf8))
        #expect(bad.status == 400 && bad.errorCode == "MalformedXML")
        _ = await s3.send(.put, "/bkt/k", body: Data("1".utf8))
        _ = await s3.send(.delete, "/bkt/k")
        let listed = await s3.send(.get, "/bkt?versions")
        #expect(listed.text.contains("<ListVersionsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\""))
        #expect(listed.text.contains("<DeleteMarker>") && listed.text.contains("<Version>"))
        #expect(listed.text.contains("<IsLatest>true</IsLatest>") && listed.text.contains("<IsLatest>false</IsLatest>"))
    }

    @Test("objects stored before versioning existed become their keys' null versions, with their bodies and tags")
    func migration() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("s3-migration-\(UUID().uuidString)")
        let masterKey = MasterKey(SymmetricKey(size: .bits256))
        let bodies = try ObjectBodyStore(directory: directory.appendingPathComponent("objects"), masterKey: masterKey)
        let stored = try bodies.write(Data("kept".utf8))
        do {
            let before = DatabaseSchema(namespace: "s3", migrations: Array(DatabaseSchema.objectStore.migrations.prefix(3)))
            let database = try BulwarkDatabase(directory: directory, schemas: [.iam, .kms, before])
            try await database.write { db in
                try db.execute(
                    sql:
                        "INSERT INTO s3Bucket (name, accountID, region, createdAt, objectOwnership) VALUES ('old', ?, 'us-east-1', 0, 'BucketOwnerEnforced')",
                    arguments: [S3Harness.accountID])
                try db.execute(
                    sql: """
                        INSERT INTO s3Object (bucket, key, objectID, size, etag, lastModified, metadata, wrappedKey, contentType)
                        VALUES ('old', 'k', ?, 4, '"e"', 0, '{}', ?, 'text/plain')
                        """, arguments: [stored.objectID, stored.wrappedKey])
                try db.execute(sql: "INSERT INTO s3ObjectTags (objectID, tags) VALUES (?, '{\"t\":\"1\"}')", arguments: [stored.objectID])
            }
        }
        let database = try BulwarkDatabase(directory: directory, schemas: [.iam, .kms, .objectStore])
        let service = ObjectStoreService(database: database, bodies: bodies)
        let versions = try await service.repository.listVersions(
            bucket: "old", into: VersionListing(prefix: "", delimiter: nil, maxKeys: 10, keyMarker: nil), versionIDMarker: nil
        ).listing.versions
        #expect(versions.map(\.versionID) == [VersionID.null] && versions.map(\.isLatest) == [true])
        #expect(versions.first?.headers.contentType == "text/plain")
        #expect(try bodies.read(try #require(versions.first)) == Data("kept".utf8))
        let tags = try await database.read { db in try ObjectStoreRepository.objectTags(db, objectID: stored.objectID) }
        #expect(tags == ["t": "1"])
    }

    @Test(
        "version ids S3 could have issued",
        arguments: [
            ("null", true), (String(repeating: "a", count: 32), true), ("3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY", true), ("v1", false),
            ("", false), ("NULL", false), (String(repeating: "a", count: 31), false), (String(repeating: "a", count: 31) + " ", false),
            (String(repeating: "é", count: 32), false), (String(repeating: "a", count: 1025), false),
        ])
    func wellFormed(id: String, expected: Bool) {
        #expect(VersionID.isWellFormed(id) == expected)
    }

    @Test("generated ids are 32 URL-safe characters and do not repeat")
    func generated() {
        let ids = (0..<200).map { _ in VersionID.make() }
        #expect(Set(ids).count == ids.count)
        #expect(
            ids.allSatisfy { $0.count == 32 && VersionID.isWellFormed($0) && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" } })
    }
}
