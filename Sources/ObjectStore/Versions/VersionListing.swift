import Foundation

/// ListObjectVersions' walk (decision 0034): versions and delete markers in key order, each key's
/// newest first, rolled up into common prefixes by the delimiter as ListObjectsV2 rolls keys
/// (``ObjectListing``: a key may be offered once per version), `maxKeys` entries to a page, and the
/// key and version id the next page starts after.
struct VersionListing: Sendable {
    private var listing: ObjectListing<ObjectRecord>
    /// The `key-marker` of the request: a common prefix listed on the page before swallows every key under it.
    let keyMarker: String?

    init(prefix: String, delimiter: String?, maxKeys: Int, keyMarker: String?) {
        listing = ObjectListing(prefix: prefix, delimiter: delimiter, maxKeys: maxKeys)
        self.keyMarker = keyMarker
    }

    var isComplete: Bool { listing.isComplete }
    var isTruncated: Bool { listing.isTruncated }
    /// The versions and delete markers listed, in order.
    var versions: [ObjectRecord] { listing.contents.map(\.entry) }
    var commonPrefixes: [String] { listing.commonPrefixes }

    /// Offers the next version in order.
    mutating func offer(_ version: ObjectRecord) {
        if let keyMarker, ObjectListing<ObjectRecord>.isCovered(version.key, byMarker: keyMarker, delimiter: listing.delimiter) { return }
        listing.offer(version.key, version)
    }

    /// Where the walk of the store resumes once a version of `key` was offered (``ObjectListing/resumption(after:)``).
    func resumption(after key: String) -> String?? {
        listing.resumption(after: key)
    }

    /// Where the walk of the store starts: past every key under the key marker when that is a common
    /// prefix listed before (``ObjectListing/start(after:)``), else at the prefix; nil when no key is left.
    var start: (from: String, skipsMarker: Bool)? {
        guard let start = listing.start(after: keyMarker) else { return nil }
        return (start.from, keyMarker != nil && start.after == nil)
    }

    /// The versions ran out.
    mutating func finish() {
        listing.finish()
    }

    /// `NextKeyMarker` and `NextVersionIdMarker`: the last entry listed — a version (its key and id)
    /// or a common prefix (no version id).
    var nextMarkers: (key: String, versionID: String?)? {
        guard let last = listing.lastListed else { return nil }
        if let entry = listing.contents.last, entry.key.utf8.elementsEqual(last.utf8) { return (last, entry.entry.versionID) }
        return (last, nil)
    }
}
