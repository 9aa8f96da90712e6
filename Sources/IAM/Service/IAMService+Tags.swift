import AWSWire
import BulwarkCore
import Foundation
import Store

/// Tags of users, roles and virtual MFA devices. IAM treats tag keys case-insensitively: a key given twice in any case is
/// refused, and tagging with an existing key replaces its value.
extension IAMService {
    static func checkTags(_ tags: [IAMAPI.Tag]?) throws -> [IAMTag] {
        guard let tags else { return [] }
        var seen = Set<String>()
        for tag in tags where !seen.insert(tag.key.lowercased()).inserted {
            throw IAMError.invalidInput("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
        }
        return tags.map { IAMTag(key: $0.key, value: $0.value) }
    }

    static func merging(_ tags: [IAMTag], into current: [IAMTag], limit: Int) throws -> [IAMTag] {
        var merged = current
        for tag in tags {
            if let index = merged.firstIndex(where: { $0.key.lowercased() == tag.key.lowercased() }) {
                merged[index] = tag
            } else {
                merged.append(tag)
            }
        }
        guard merged.count <= limit else {
            throw IAMError.limitExceeded("The number of tags has reached the maximum limit.")
        }
        return merged
    }

    func tagEntity(_ kind: IAMPrincipalKind, _ name: String, _ tags: [IAMAPI.Tag], _ context: CallContext) async throws {
        let checked = try Self.checkTags(tags)
        let limit = quotas.tagsPerEntity
        do {
            try await database.iam.update(kind, accountID: context.accountID, name: name) { record in
                record.tags = try Self.merging(checked, into: record.tags, limit: limit)
            }
        } catch StoreError.notFound {
            throw Self.noSuch(kind, name)
        }
    }

    func untagEntity(_ kind: IAMPrincipalKind, _ name: String, _ keys: [String], _ context: CallContext) async throws {
        let removed = Set(keys.map { $0.lowercased() })
        do {
            try await database.iam.update(kind, accountID: context.accountID, name: name) { record in
                record.tags.removeAll { removed.contains($0.key.lowercased()) }
            }
        } catch StoreError.notFound {
            throw Self.noSuch(kind, name)
        }
    }

    func listEntityTags(
        _ kind: IAMPrincipalKind, _ name: String, marker: String?, maxItems: Int?, _ context: CallContext
    ) async throws -> IAMPage<IAMAPI.Tag> {
        try Self.tagPage(try existing(kind, name, context).tags, marker: marker, maxItems: maxItems)
    }

    /// One page of tags. Tags keep the order they were given in; the marker is the position.
    static func tagPage(_ tags: [IAMTag], marker: String?, maxItems: Int?) throws -> IAMPage<IAMAPI.Tag> {
        let tags = tags.map { IAMAPI.Tag(key: $0.key, value: $0.value) }
        let positions = tags.indices.map { String(format: "%05d", $0) }
        let page = try IAMPage(Array(zip(positions, tags)), key: \.0, marker: marker, maxItems: maxItems)
        return IAMPage(items: page.items.map(\.1), isTruncated: page.isTruncated, marker: page.marker)
    }
}

extension IAMPage {
    init(items: [Item], isTruncated: Bool, marker: String?) {
        self.items = items
        self.isTruncated = isTruncated
        self.marker = marker
    }
}
