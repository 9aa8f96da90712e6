import AWSWire
import BulwarkCore
import Foundation

extension CloudTrailService {
    @Sendable func listPublicKeys(
        _ input: CloudTrailAPI.ListPublicKeysRequest, _ context: CallContext
    ) async throws -> CloudTrailAPI.ListPublicKeysResponse {
        if input.nextToken != nil { throw CloudTrailError.error("InvalidTokenException", "Invalid token.") }
        let now = clock.now()
        let start = input.startTime ?? now
        let end = input.endTime ?? now
        guard start <= end else { throw CloudTrailError.invalidTimeRange }
        let keys = try await signingKeys.publicKeys(accountID: context.accountID, region: context.region, from: start, to: end)
        // `Value` is the PKCS #1 DER key, a blob (base64 on the wire, which the aws CLI keeps as text
        // and `validate-logs` decodes).
        return CloudTrailAPI.ListPublicKeysResponse(
            publicKeyList: keys.map {
                CloudTrailAPI.PublicKey(
                    value: $0.der, validityStartTime: $0.validFrom, validityEndTime: $0.validTo,
                    fingerprint: $0.fingerprint)
            })
    }
}
