import AWSWire
import BulwarkCore
import Foundation

extension STSService {
    /// `sts:GetAccessKeyInfo`: the account of any access key id — the account Bulwark issued it in,
    /// else the account AWS's key ids encode (AWS answers for any key, issued or not).
    var getAccessKeyInfoOperation: ServiceOperation {
        ServiceOperation(
            "GetAccessKeyInfo", action: "sts:GetAccessKeyInfo", readOnly: true,
            input: STSAPI.GetAccessKeyInfoRequest.self,
            references: { input, _ in [ResourceReference(.stsAccessKeyAccount, member: "AccessKeyId", text: input.accessKeyId).implied] },
            resources: { _, _, _ in ["*"] },
            handler: getAccessKeyInfo
        )
    }

    @Sendable func getAccessKeyInfo(
        _ input: STSAPI.GetAccessKeyInfoRequest, _ context: CallContext
    ) async throws
        -> STSAPI.GetAccessKeyInfoResponse
    {
        if let account = context.resolution["AccessKeyId"]?.entity(as: String.self) {
            return STSAPI.GetAccessKeyInfoResponse(account: account)
        }
        guard let account = AccessKeyAccount.decode(input.accessKeyId) else {
            throw AWSError(code: "InvalidParameterValue", message: "Invalid access key id: \(input.accessKeyId)", status: 400)
        }
        return STSAPI.GetAccessKeyInfoResponse(account: account)
    }
}
