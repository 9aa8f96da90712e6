import Foundation

/// The generator's configuration (`codegen/services.json`): which botocore services to generate, into
/// which Swift module and names, and which of their operations Bulwark implements.
struct CodegenConfig: Decodable {
    var services: [ServiceConfig]

    static func load(from path: String) throws -> CodegenConfig {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw CodegenError("cannot read the configuration \(path): \(error.localizedDescription)")
        }
        do {
            return try JSONDecoder().decode(CodegenConfig.self, from: data)
        } catch {
            throw CodegenError("invalid configuration \(path): \(error)")
        }
    }
}

/// One service entry of the configuration.
struct ServiceConfig: Decodable {
    /// botocore's service name, e.g. `lambda`.
    var service: String
    /// The model version directory, e.g. `2015-03-31`.
    var apiVersion: String
    /// The Swift module the files belong to, e.g. `Lambda`.
    var module: String
    /// The caseless enum that holds the typed shapes, e.g. `LambdaAPI`.
    var namespace: String
    /// The static property on `ServiceModel`, e.g. `lambda` for `ServiceModel.lambda`.
    var modelProperty: String
    /// The operations Bulwark implements; their shapes are generated.
    var operations: [String]
    /// The stem of the generated file names; the namespace without its `API` suffix by default.
    var filePrefix: String?
    /// Where the files go, relative to the output root; `Sources/<module>/Generated` by default.
    var outputDirectory: String?
    /// The protocol to serve when the service accepts several; botocore's preference by default.
    var wireProtocol: String?

    var resolvedFilePrefix: String {
        if let filePrefix { return filePrefix }
        return namespace.hasSuffix("API") ? String(namespace.dropLast(3)) : namespace
    }

    var resolvedOutputDirectory: String {
        outputDirectory ?? "Sources/\(module)/Generated"
    }

    enum CodingKeys: String, CodingKey {
        case service, apiVersion, module, namespace, modelProperty, operations, filePrefix, outputDirectory
        case wireProtocol = "protocol"
    }
}
