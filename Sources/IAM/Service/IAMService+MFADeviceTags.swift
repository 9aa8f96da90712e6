import AWSWire
import BulwarkCore
import Foundation
import Store

/// Tags of virtual MFA devices, authorized on the device's ARN (its serial number).
extension IAMService {
    var mfaDeviceTagOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "TagMFADevice", action: "iam:TagMFADevice", readOnly: false, input: IAMAPI.TagMFADeviceRequest.self,
                references: { input, _ in [ResourceReference(.iamMFADevice, member: "SerialNumber", text: input.serialNumber)] },
                conditionKeys: { input, _, _ in Self.requestTagKeys(input.tags) },
                handler: tagMFADevice
            ),
            ServiceOperation(
                "UntagMFADevice", action: "iam:UntagMFADevice", readOnly: false, input: IAMAPI.UntagMFADeviceRequest.self,
                references: { input, _ in [ResourceReference(.iamMFADevice, member: "SerialNumber", text: input.serialNumber)] },
                conditionKeys: { input, _, _ in AuthorizationCheck.tagKeys(input.tagKeys) },
                handler: untagMFADevice
            ),
            ServiceOperation(
                "ListMFADeviceTags", action: "iam:ListMFADeviceTags", readOnly: true, input: IAMAPI.ListMFADeviceTagsRequest.self,
                references: { input, _ in [ResourceReference(.iamMFADevice, member: "SerialNumber", text: input.serialNumber)] },
                handler: listMFADeviceTags
            ),
        ]
    }

    @Sendable func tagMFADevice(_ input: IAMAPI.TagMFADeviceRequest, _ context: CallContext) async throws -> EmptyOutput {
        let tags = try Self.checkTags(input.tags)
        let limit = quotas.tagsPerEntity
        try await changeDeviceTags(input.serialNumber, context) { current in try Self.merging(tags, into: current, limit: limit) }
        return EmptyOutput()
    }

    @Sendable func untagMFADevice(_ input: IAMAPI.UntagMFADeviceRequest, _ context: CallContext) async throws -> EmptyOutput {
        let removed = Set(input.tagKeys.map { $0.lowercased() })
        try await changeDeviceTags(input.serialNumber, context) { current in current.filter { !removed.contains($0.key.lowercased()) } }
        return EmptyOutput()
    }

    @Sendable func listMFADeviceTags(
        _ input: IAMAPI.ListMFADeviceTagsRequest, _ context: CallContext
    ) async throws -> IAMAPI.ListMFADeviceTagsResponse {
        let device = try accountDevice(input.serialNumber, context)
        let page = try Self.tagPage(device.tags, marker: input.marker, maxItems: input.maxItems)
        return IAMAPI.ListMFADeviceTagsResponse(tags: page.items, isTruncated: page.isTruncated, marker: page.marker)
    }

    /// Replaces the tags of one of the account's devices in one transaction.
    private func changeDeviceTags(
        _ serialNumber: String, _ context: CallContext, _ change: @escaping @Sendable ([IAMTag]) throws -> [IAMTag]
    ) async throws {
        _ = try accountDevice(serialNumber, context)
        do {
            try await database.credentials.updateMFADevice(serialNumber) { device in device.tags = try change(device.tags) }
        } catch StoreError.notFound {
            throw Self.noSuchDevice(serialNumber)
        }
    }
}
