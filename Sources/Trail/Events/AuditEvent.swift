import BulwarkCore
import Foundation

/// One audited API call, in the shape of a CloudTrail record (`eventVersion` 1.08).
public struct AuditEvent: Codable, Sendable, Equatable {
    /// CloudTrail's `userIdentity`.
    public struct UserIdentity: Codable, Sendable, Equatable {
        public var type: String
        public var principalId: String?
        public var arn: String?
        public var accountId: String?
        public var accessKeyId: String?
        public var userName: String?
        /// Set for temporary credentials: when they were issued, whether with MFA, and the role.
        public var sessionContext: SessionContext?
        /// The AWS service that made the call (`lambda.amazonaws.com`) for `AWSService` identities.
        public var invokedBy: String?

        public init(
            type: String, principalId: String? = nil, arn: String? = nil, accountId: String? = nil, accessKeyId: String? = nil,
            userName: String? = nil, sessionContext: SessionContext? = nil, invokedBy: String? = nil
        ) {
            self.type = type
            self.principalId = principalId
            self.arn = arn
            self.accountId = accountId
            self.accessKeyId = accessKeyId
            self.userName = userName
            self.sessionContext = sessionContext
            self.invokedBy = invokedBy
        }

        /// The identity of an authenticated principal.
        public init(principal: Principal, accessKeyID: String) {
            self.init(
                type: principal.kind.rawValue,
                principalId: principal.principalID,
                arn: principal.arn,
                accountId: principal.accountID,
                accessKeyId: accessKeyID,
                userName: principal.userName,
                sessionContext: principal.session.map { SessionContext($0, of: principal) }
            )
        }

        /// A caller that did not authenticate; the access key it claimed, if any.
        public static func unauthenticated(accessKeyID: String?) -> UserIdentity {
            UserIdentity(type: "Unknown", accessKeyId: accessKeyID)
        }
    }

    /// CloudTrail's `userIdentity.sessionContext`.
    public struct SessionContext: Codable, Sendable, Equatable {
        /// The role a role session was issued for, or the IAM user of a federated user session.
        public struct Issuer: Codable, Sendable, Equatable {
            public var type: String
            public var principalId: String
            public var arn: String
            public var accountId: String
            public var userName: String
        }

        public struct Attributes: Codable, Sendable, Equatable {
            public var creationDate: String
            /// `"true"` or `"false"`, as CloudTrail writes it.
            public var mfaAuthenticated: String
        }

        public var sessionIssuer: Issuer?
        public var attributes: Attributes

        init(_ session: Principal.Session, of principal: Principal) {
            if let arn = session.issuerARN, let name = session.issuerName {
                let issuerID = session.issuerID ?? principal.principalID.split(separator: ":").first.map(String.init) ?? principal.principalID
                let type = principal.kind == .federatedUser ? "IAMUser" : "Role"
                sessionIssuer = Issuer(type: type, principalId: issuerID, arn: arn, accountId: principal.accountID, userName: name)
            }
            attributes = Attributes(
                creationDate: AWSTimestamp.iso8601(session.issuedAt), mfaAuthenticated: session.mfaAuthenticatedAt == nil ? "false" : "true"
            )
        }
    }

    /// CloudTrail's `tlsDetails`.
    public struct TLSDetails: Codable, Sendable, Equatable {
        public var tlsVersion: String
        public var clientProvidedHostHeader: String?

        public init(tlsVersion: String, clientProvidedHostHeader: String?) {
            self.tlsVersion = tlsVersion
            self.clientProvidedHostHeader = clientProvidedHostHeader
        }
    }

    /// A resource the call acted on, as CloudTrail lists it in `resources`.
    public struct Resource: Codable, Sendable, Equatable {
        public var arn: String
        public var accountId: String
        /// CloudTrail's resource type, e.g. `AWS::IAM::Role`.
        public var type: String

        public init(arn: String, accountId: String, type: String) {
            self.arn = arn
            self.accountId = accountId
            self.type = type
        }

        enum CodingKeys: String, CodingKey {
            case arn = "ARN"
            case accountId
            case type
        }
    }

    public var eventVersion: String = "1.08"
    public var userIdentity: UserIdentity
    /// `2026-11-25T15:39:23Z`.
    public var eventTime: String
    /// e.g. `lambda.amazonaws.com`.
    public var eventSource: String
    public var eventName: String
    public var awsRegion: String
    public var sourceIPAddress: String
    public var userAgent: String
    public var requestParameters: JSONValue?
    public var responseElements: JSONValue?
    public var errorCode: String?
    public var errorMessage: String?
    public var requestID: String
    public var eventID: String
    public var readOnly: Bool
    /// The stored entities the call named, by their canonical ARNs (absent when it named none).
    public var resources: [Resource]?
    public var eventType: String = "AwsApiCall"
    public var managementEvent: Bool
    public var recipientAccountId: String?
    public var eventCategory: String
    public var tlsDetails: TLSDetails?
    /// Bulwark's own facts about the call: for a denial, `authorization` says which policies were
    /// considered and what decided (read by `bulwark iam explain`).
    public var additionalEventData: JSONValue?

    public init(
        userIdentity: UserIdentity,
        eventTime: Date,
        eventSource: String,
        eventName: String,
        awsRegion: String,
        sourceIPAddress: String,
        userAgent: String,
        requestParameters: JSONValue?,
        responseElements: JSONValue?,
        errorCode: String?,
        errorMessage: String?,
        requestID: String,
        eventID: String,
        readOnly: Bool,
        managementEvent: Bool,
        recipientAccountId: String?,
        tlsDetails: TLSDetails?
    ) {
        self.userIdentity = userIdentity
        self.eventTime = AWSTimestamp.iso8601(eventTime)
        self.eventSource = eventSource
        self.eventName = eventName
        self.awsRegion = awsRegion
        self.sourceIPAddress = sourceIPAddress
        self.userAgent = userAgent
        self.requestParameters = requestParameters
        self.responseElements = responseElements
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.requestID = requestID
        self.eventID = eventID
        self.readOnly = readOnly
        self.managementEvent = managementEvent
        self.recipientAccountId = recipientAccountId
        self.eventCategory = managementEvent ? "Management" : "Data"
        self.tlsDetails = tlsDetails
    }

    /// Encodes optional members as JSON `null`, as CloudTrail writes `requestParameters: null`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(eventVersion, forKey: .eventVersion)
        try container.encode(userIdentity, forKey: .userIdentity)
        try container.encode(eventTime, forKey: .eventTime)
        try container.encode(eventSource, forKey: .eventSource)
        try container.encode(eventName, forKey: .eventName)
        try container.encode(awsRegion, forKey: .awsRegion)
        try container.encode(sourceIPAddress, forKey: .sourceIPAddress)
        try container.encode(userAgent, forKey: .userAgent)
        try container.encode(requestParameters ?? .null, forKey: .requestParameters)
        try container.encode(responseElements ?? .null, forKey: .responseElements)
        try container.encodeIfPresent(errorCode, forKey: .errorCode)
        try container.encodeIfPresent(errorMessage, forKey: .errorMessage)
        try container.encode(requestID, forKey: .requestID)
        try container.encode(eventID, forKey: .eventID)
        try container.encode(readOnly, forKey: .readOnly)
        try container.encodeIfPresent(resources, forKey: .resources)
        try container.encode(eventType, forKey: .eventType)
        try container.encode(managementEvent, forKey: .managementEvent)
        try container.encodeIfPresent(recipientAccountId, forKey: .recipientAccountId)
        try container.encode(eventCategory, forKey: .eventCategory)
        try container.encodeIfPresent(tlsDetails, forKey: .tlsDetails)
        try container.encodeIfPresent(additionalEventData, forKey: .additionalEventData)
    }
}
