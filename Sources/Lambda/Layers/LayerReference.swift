import AWSWire
import BulwarkCore

/// A layer, or one version of it, as a request names it: `my-layer` or its ARN
/// (`arn:aws:lambda:us-east-1:123456789012:layer:my-layer`) with a separate version number, or a
/// layer version ARN (`…:layer:my-layer:3`) — resolved against the caller's account and region.
struct LayerReference: Sendable, Equatable {
    var partition: String
    var region: String
    var accountID: String
    var name: String
    /// The version number, when one is named.
    var version: Int64?

    /// The longest layer name Lambda takes.
    static let maximumNameLength = 64

    /// A `LayerName` member (a name or a layer ARN) with the version number of its own member, if any.
    init(name text: String, version: Int64? = nil, context: CallContext) throws {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        if parts.first == "arn" {
            guard parts.count == 7 else { throw Self.invalidName(text) }
            try self.init(arnParts: parts, version: version, text: text, context: context)
        } else {
            guard parts.count == 1 else { throw Self.invalidName(text) }
            self.init(partition: "aws", region: context.region, accountID: context.accountID, name: text, version: version)
            try checkName(text)
        }
    }

    /// A layer version ARN (`Layers` of a function, `Arn` of GetLayerVersionByArn).
    init(versionARN text: String, context: CallContext) throws {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 8, let version = Int64(parts[7]), version > 0, parts[7].allSatisfy(\.isASCII) else {
            throw Self.invalidVersionARN(text)
        }
        try self.init(arnParts: Array(parts[0..<7]), version: version, text: text, context: context)
    }

    init(partition: String, region: String, accountID: String, name: String, version: Int64?) {
        self.partition = partition
        self.region = region
        self.accountID = accountID
        self.name = name
        self.version = version
    }

    private init(arnParts parts: [Substring], version: Int64?, text: String, context: CallContext) throws {
        guard parts[0] == "arn", parts[2] == "lambda", parts[5] == "layer", !parts[1].isEmpty, !parts[3].isEmpty,
            parts[4].count == 12, parts[4].allSatisfy({ $0.isASCII && $0.isNumber })
        else { throw Self.invalidName(text) }
        self.init(partition: String(parts[1]), region: String(parts[3]), accountID: String(parts[4]), name: String(parts[6]), version: version)
        try checkName(text)
        if region != context.region {
            throw AWSError(
                code: "ResourceNotFoundException", message: "Layers from '\(region)' are not reachable in this region ('\(context.region)')",
                status: 404)
        }
    }

    private func checkName(_ text: String) throws {
        guard !name.isEmpty, name.unicodeScalars.allSatisfy(Self.isNameCharacter) else { throw Self.invalidName(text) }
        if name.unicodeScalars.count > Self.maximumNameLength {
            throw LambdaError.invalidParameter(
                "1 validation error detected: Value '\(name)' at 'layerName' failed to satisfy constraint: Member must have length less than or equal to \(Self.maximumNameLength)"
            )
        }
    }

    private static func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_"
    }

    /// The layer's ARN (`LayerArn`).
    var layerARN: String { "arn:\(partition):lambda:\(region):\(accountID):layer:\(name)" }

    /// The version's ARN (`LayerVersionArn`), the resource IAM authorizes; the layer's when no version is named.
    var resourceARN: String { version.map { "\(layerARN):\($0)" } ?? layerARN }

    var key: LayerKey { LayerKey(accountID: accountID, region: region, name: name) }

    private static func invalidName(_ text: String) -> AWSError {
        let pattern = LambdaService.currentConstraints.patterns["LayerName"] ?? ""
        return AWSError.validation(
            "1 validation error detected: Value '\(text)' at 'layerName' failed to satisfy constraint: Member must satisfy regular expression pattern: \(pattern)"
        )
    }

    private static func invalidVersionARN(_ text: String) -> AWSError {
        LambdaError.invalidParameter("Layer version arn \(text) is not valid.")
    }
}
