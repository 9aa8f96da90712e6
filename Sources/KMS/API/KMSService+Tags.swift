import AWSWire
import BulwarkCore
import Foundation
import Store

/// Tags of keys: TagResource, UntagResource, ListResourceTags, and the rules of tags given at
/// CreateKey. A key's tags reach policies as `aws:ResourceTag/<key>` through the resolve stage
/// (``KMSResourceAuthority``); the tags a request sets as `aws:RequestTag/<key>` and `aws:TagKeys`.
extension KMSService {
    /// AWS's quota of tags per KMS key.
    static let tagsPerKey = 50

    var tagOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "TagResource", action: "kms:TagResource", readOnly: false,
                input: KMSAPI.TagResourceRequest.self,
                references: { input, context in [try Self.key("KeyId", input.keyId, context, allowsAlias: false)] },
                conditionKeys: { input, _, context in
                    Self.callerKeys(context).merging(AuthorizationCheck.requestTagKeys(input.tags.map { (key: $0.tagKey, value: $0.tagValue) })) {
                        _, tag in tag
                    }
                },
                handler: tagResource
            ),
            ServiceOperation(
                "UntagResource", action: "kms:UntagResource", readOnly: false,
                input: KMSAPI.UntagResourceRequest.self,
                references: { input, context in [try Self.key("KeyId", input.keyId, context, allowsAlias: false)] },
                conditionKeys: { input, _, context in
                    Self.callerKeys(context).merging(AuthorizationCheck.tagKeys(input.tagKeys)) { _, tag in tag }
                },
                handler: untagResource
            ),
            ServiceOperation(
                "ListResourceTags", action: "kms:ListResourceTags", readOnly: true,
                input: KMSAPI.ListResourceTagsRequest.self,
                references: { input, context in [try Self.key("KeyId", input.keyId, context, allowsAlias: false)] },
                conditionKeys: { _, _, context in Self.callerKeys(context) },
                handler: listResourceTags
            ),
        ]
    }

    /// The tags of a request as a map (a repeated key: the last value), refused when a key uses
    /// the `aws:` prefix AWS reserves.
    static func checkedTags(_ tags: [KMSAPI.Tag]?) throws -> [String: String] {
        let tags = tags ?? []
        if tags.contains(where: { $0.tagKey.lowercased().hasPrefix("aws:") }) { throw KMSError.tag("Tags beginning with aws: are reserved") }
        let map = Dictionary(tags.map { ($0.tagKey, $0.tagValue) }, uniquingKeysWith: { _, last in last })
        guard map.count <= tagsPerKey else { throw tooManyTags }
        return map
    }

    /// Bulwark's wording of AWS's quota of 50 tags per key.
    static let tooManyTags = KMSError.tag("A KMS key can have at most 50 tags.")

    @Sendable func tagResource(_ input: KMSAPI.TagResourceRequest, _ context: CallContext) async throws -> EmptyOutput {
        let key = try Self.resolvedKey(context)
        guard key.record.state != .pendingDeletion else { throw KMSError.pendingDeletion(key.arn) }
        let tags = try Self.checkedTags(input.tags)
        try await database.tags.merge(tags, into: key.arn) { merged in
            guard merged.count <= Self.tagsPerKey else { throw Self.tooManyTags }
        }
        return EmptyOutput()
    }

    @Sendable func untagResource(_ input: KMSAPI.UntagResourceRequest, _ context: CallContext) async throws -> EmptyOutput {
        let key = try Self.resolvedKey(context)
        guard key.record.state != .pendingDeletion else { throw KMSError.pendingDeletion(key.arn) }
        if input.tagKeys.contains(where: { $0.lowercased().hasPrefix("aws:") }) { throw KMSError.tag("Tags beginning with aws: are reserved") }
        try await database.tags.remove(input.tagKeys, from: key.arn)
        return EmptyOutput()
    }

    /// The key's tags by key; the marker is the last key of the page.
    @Sendable func listResourceTags(_ input: KMSAPI.ListResourceTagsRequest, _ context: CallContext) async throws -> KMSAPI.ListResourceTagsResponse {
        let key = try Self.resolvedKey(context)
        let limit = min(input.limit ?? 50, 50)
        let tags = try await database.tags.tags(of: key.arn).sorted { $0.key < $1.key }
        var remaining = tags[...]
        if let marker = input.marker {
            guard tags.contains(where: { $0.key == marker }) else { throw KMSError.invalidMarker }
            remaining = remaining.drop { $0.key <= marker }
        }
        let page = remaining.prefix(limit)
        let truncated = remaining.count > limit
        return KMSAPI.ListResourceTagsResponse(
            tags: page.map { KMSAPI.Tag(tagKey: $0.key, tagValue: $0.value) }, nextMarker: truncated ? page.last?.key : nil, truncated: truncated)
    }
}
