/// A shape of a service model: a type with its constraints, as botocore describes it.
public struct Shape: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case structure, list, map, string, integer, long, float, double, boolean, blob, timestamp
    }

    /// Where a member travels in a request or an answer.
    public enum Location: String, Sendable, Hashable {
        case body
        case uri
        case querystring
        case header
        /// A map of headers sharing a prefix (`locationName` is the prefix).
        case headers
        case statusCode
    }

    /// A member of a structure.
    public struct Member: Sendable, Hashable {
        public let name: String
        /// The name of the member's shape.
        public let shape: String
        public let location: Location
        /// The wire name when it differs from ``name`` (URI label, header, query key, XML element).
        public let locationName: String?
        /// A list or map member written without a wrapper element (query/XML protocols).
        public let flattened: Bool
        /// Overrides the shape's timestamp format for this member.
        public let timestampFormat: String?
        /// A string member that carries JSON, base64-encoded in a header (botocore `jsonvalue`).
        public let jsonValue: Bool
        /// A member written as an attribute of its structure's element (rest-xml: S3's `xsi:type`).
        public let xmlAttribute: Bool

        public init(
            name: String,
            shape: String,
            location: Location = .body,
            locationName: String? = nil,
            flattened: Bool = false,
            timestampFormat: String? = nil,
            jsonValue: Bool = false,
            xmlAttribute: Bool = false
        ) {
            self.name = name
            self.shape = shape
            self.location = location
            self.locationName = locationName
            self.flattened = flattened
            self.timestampFormat = timestampFormat
            self.jsonValue = jsonValue
            self.xmlAttribute = xmlAttribute
        }

        /// The name on the wire.
        public var wireName: String { locationName ?? name }
    }

    /// The error binding of an exception shape.
    public struct ErrorInfo: Sendable, Hashable {
        /// The error code when it differs from the shape name (query protocol).
        public let code: String?
        public let httpStatus: Int
        public let senderFault: Bool

        public init(code: String? = nil, httpStatus: Int, senderFault: Bool) {
            self.code = code
            self.httpStatus = httpStatus
            self.senderFault = senderFault
        }
    }

    public let name: String
    public let kind: Kind
    /// Structure members, in model order.
    public let members: [Member]
    /// Names of required structure members.
    public let required: [String]
    /// The element shape of a list; the key and value shapes of a map.
    public let listMember: String?
    public let mapKey: String?
    public let mapValue: String?
    /// XML element names of list entries and map keys and values when the model renames them
    /// (query protocol; the defaults are `member`, `key` and `value`).
    public let listMemberLocationName: String?
    public let mapKeyLocationName: String?
    public let mapValueLocationName: String?
    /// A list or map written without a wrapper element wherever it is used (query/XML protocols).
    public let flattened: Bool
    /// Minimum length (strings, blobs, lists, maps) or value (numbers).
    public let min: Double?
    /// Maximum length (strings, blobs, lists, maps) or value (numbers).
    public let max: Double?
    /// A regular expression the whole string must match.
    public let pattern: String?
    /// The allowed values of a string enum.
    public let enumValues: [String]?
    /// Values of this shape are left out of logs and audit events.
    public let sensitive: Bool
    /// A structure of which exactly one member is set (botocore `union`).
    public let isUnion: Bool
    /// A structure that holds any JSON value rather than members (botocore `document`).
    public let isDocument: Bool
    /// The member that is the whole HTTP body (rest protocols).
    public let payload: String?
    public let timestampFormat: String?
    /// Set for exception shapes.
    public let error: ErrorInfo?

    public init(
        name: String,
        kind: Kind,
        members: [Member] = [],
        required: [String] = [],
        listMember: String? = nil,
        mapKey: String? = nil,
        mapValue: String? = nil,
        listMemberLocationName: String? = nil,
        mapKeyLocationName: String? = nil,
        mapValueLocationName: String? = nil,
        flattened: Bool = false,
        min: Double? = nil,
        max: Double? = nil,
        pattern: String? = nil,
        enumValues: [String]? = nil,
        sensitive: Bool = false,
        isUnion: Bool = false,
        isDocument: Bool = false,
        payload: String? = nil,
        timestampFormat: String? = nil,
        error: ErrorInfo? = nil
    ) {
        self.name = name
        self.kind = kind
        self.members = members
        self.required = required
        self.listMember = listMember
        self.mapKey = mapKey
        self.mapValue = mapValue
        self.listMemberLocationName = listMemberLocationName
        self.mapKeyLocationName = mapKeyLocationName
        self.mapValueLocationName = mapValueLocationName
        self.flattened = flattened
        self.min = min
        self.max = max
        self.pattern = pattern
        self.enumValues = enumValues
        self.sensitive = sensitive
        self.isUnion = isUnion
        self.isDocument = isDocument
        self.payload = payload
        self.timestampFormat = timestampFormat
        self.error = error
    }

    public func member(named name: String) -> Member? {
        members.first { $0.name == name }
    }
}
