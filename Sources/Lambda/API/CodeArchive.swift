import AWSWire
import Foundation

/// The download behind `GetFunction`'s `Code.Location`.
///
/// AWS hands out a presigned S3 URL; Bulwark hands out a URL to itself, presigned with the caller's
/// own credentials for ten minutes. Fetching it is an ordinary request through the pipeline: it
/// authenticates as that caller and needs `lambda:GetFunction` on the function, and the archive is
/// served only while the function still uses that code.
enum CodeArchive {
    static let operationName = "GetFunctionCodeArchive"
    /// How long a `Code.Location` stays valid, as AWS's.
    static let validity = 600

    struct Request: Codable, Sendable {
        var functionName: String
        var codeSha256: String
        var qualifier: String?

        enum CodingKeys: String, CodingKey {
            case functionName = "FunctionName"
            case codeSha256 = "CodeSha256"
            case qualifier = "Qualifier"
        }
    }

    struct Response: Codable, Sendable {
        var zipFile: Data

        enum CodingKeys: String, CodingKey {
            case zipFile = "ZipFile"
        }
    }

    static let operations: [OperationModel] = [
        OperationModel(
            name: operationName,
            httpMethod: "GET",
            requestURI: "/_bulwark/2015-03-31/functions/{FunctionName}/code/{CodeSha256}",
            responseCode: 200,
            input: "BulwarkGetFunctionCodeArchiveRequest",
            output: "BulwarkGetFunctionCodeArchiveResponse",
            errors: ["ResourceNotFoundException"]
        )
    ]

    static let shapes: [Shape] = [
        Shape(
            name: "BulwarkGetFunctionCodeArchiveRequest",
            kind: .structure,
            members: [
                .init(name: "FunctionName", shape: "NamespacedFunctionName", location: .uri, locationName: "FunctionName"),
                .init(name: "CodeSha256", shape: "BulwarkCodeHash", location: .uri, locationName: "CodeSha256"),
                .init(name: "Qualifier", shape: "NumericLatestPublishedOrAliasQualifier", location: .querystring, locationName: "Qualifier"),
            ],
            required: ["FunctionName", "CodeSha256"]
        ),
        Shape(name: "BulwarkCodeHash", kind: .string, pattern: "[0-9a-f]{64}"),
        Shape(
            name: "BulwarkGetFunctionCodeArchiveResponse",
            kind: .structure,
            members: [.init(name: "ZipFile", shape: "Blob")],
            payload: "ZipFile"
        ),
    ]

    /// The presigned URL of the code `sha256Hex` of `functionName`.
    static func location(functionName: String, qualifier: String?, sha256Hex: String, context: CallContext) -> String {
        let path = "/_bulwark/2015-03-31/functions/\(PercentEncoding.encode(functionName))/code/\(sha256Hex)"
        return context.presigner.url(path: path, query: qualifier.map { [("Qualifier", $0)] } ?? [], expires: validity)
    }
}
