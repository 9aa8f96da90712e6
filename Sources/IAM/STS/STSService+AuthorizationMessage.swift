import AWSWire
import BulwarkCore
import Foundation

extension STSService {
    /// `sts:DecodeAuthorizationMessage`: the account of a denial that Bulwark sealed into the trail
    /// record of the denied call (`additionalEventData.encodedAuthorizationMessage`, shown by
    /// `bulwark iam explain`). A caller needs the permission; a message opens only in the account it
    /// was made for.
    var decodeAuthorizationMessageOperation: ServiceOperation {
        ServiceOperation(
            "DecodeAuthorizationMessage", action: "sts:DecodeAuthorizationMessage", readOnly: true,
            input: STSAPI.DecodeAuthorizationMessageRequest.self,
            handler: decodeAuthorizationMessage
        )
    }

    @Sendable func decodeAuthorizationMessage(
        _ input: STSAPI.DecodeAuthorizationMessageRequest, _ context: CallContext
    ) async throws
        -> STSAPI.DecodeAuthorizationMessageResponse
    {
        guard let decoded = authorizationMessages.open(input.encodedMessage, account: context.accountID) else {
            throw AWSError(code: "InvalidAuthorizationMessageException", message: "The message is invalid.", status: 400)
        }
        return STSAPI.DecodeAuthorizationMessageResponse(decodedMessage: decoded)
    }
}
