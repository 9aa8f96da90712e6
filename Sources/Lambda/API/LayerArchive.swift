import AWSWire
import Foundation

/// The download behind `GetLayerVersion`'s `Content.Location`, as ``CodeArchive`` is for functions: a
/// URL to Bulwark itself, presigned with the caller's credentials for ten minutes, served through the
/// pipeline to a caller allowed `lambda:GetLayerVersion` on the version while the version exists.
enum LayerArchive {
    static let operationName = "GetLayerVersionContentArchive"

    struct Request: Codable, Sendable {
        var layerName: String
        var versionNumber: Int64

        enum CodingKeys: String, CodingKey {
            case layerName = "LayerName"
            case versionNumber = "VersionNumber"
        }
    }

    static let operations: [OperationModel] = [
        OperationModel(
            name: operationName,
            httpMethod: "GET",
            requestURI: "/_bulwark/2018-10-31/layers/{LayerName}/versions/{VersionNumber}/content",
            responseCode: 200,
            input: "BulwarkGetLayerVersionContentArchiveRequest",
            output: "BulwarkGetFunctionCodeArchiveResponse",
            errors: ["ResourceNotFoundException"]
        )
    ]

    static let shapes: [Shape] = [
        Shape(
            name: "BulwarkGetLayerVersionContentArchiveRequest",
            kind: .structure,
            members: [
                .init(name: "LayerName", shape: "LayerName", location: .uri, locationName: "LayerName"),
                .init(name: "VersionNumber", shape: "LayerVersionNumber", location: .uri, locationName: "VersionNumber"),
            ],
            required: ["LayerName", "VersionNumber"]
        )
    ]

    /// The presigned URL of a layer version's archive.
    static func location(layerARN: String, version: Int64, context: CallContext) -> String {
        let path = "/_bulwark/2018-10-31/layers/\(PercentEncoding.encode(layerARN))/versions/\(version)/content"
        return context.presigner.url(path: path, query: [], expires: CodeArchive.validity)
    }
}
