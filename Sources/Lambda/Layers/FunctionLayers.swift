import AWSWire
import BulwarkCore
import Foundation
import Store

/// A layer version a function uses, as its configuration keeps it: enough to show it (`Layers`) and to
/// mount it, even after the version is deleted (as on AWS, a function keeps the layers it was given).
struct FunctionLayer: Codable, Sendable, Equatable {
    /// The layer version's ARN.
    var arn: String
    var codeSize: Int64
    /// Hex SHA-256 of the archive in the code store.
    var codeSHA256: String
    var unzippedSize: Int64
}

/// The `Layers` of CreateFunction and UpdateFunctionConfiguration: at most five layer versions, each
/// resolved once and asked `lambda:GetLayerVersion` of (its policy decides for another account's).
extension LambdaService {
    /// The most layers a function may use, as AWS's.
    static let maximumLayers = 5
    /// The most a function's code and layers may take unpacked, as AWS's (250 MB).
    static let unzippedLimit: Int64 = 262_144_000

    /// The input member that names the `index`th layer.
    static func layerMember(_ index: Int) -> String { "Layers[\(index)]" }

    /// The layer versions a function's `Layers` names, implied by the operation.
    static func layerReferences(_ layers: [String]?, context: CallContext) throws -> [ResourceReference] {
        guard let layers else { return [] }
        if layers.count > maximumLayers { throw LambdaError.invalidParameter("Cannot reference more than \(maximumLayers) layers.") }
        return try layers.enumerated().map { index, arn in
            try layerVersionReference(layerMember(index), arn, use: .implied, context: context)
        }
    }

    /// `lambda:GetLayerVersion` on each layer version named: Lambda reads them on the caller's behalf.
    static func layerChecks(_ layers: [String]?, _ resolution: Resolution) -> [AuthorizationCheck] {
        (layers ?? []).indices.compactMap { index in
            resolution[layerMember(index)].map { AuthorizationCheck(action: "lambda:GetLayerVersion", resource: $0.arn) }
        }
    }

    /// The layers the resolve stage found, in the order given. - Throws: AWS's answer for a version
    /// that does not exist and for two versions of one layer.
    static func functionLayers(_ layers: [String], context: CallContext) throws -> [FunctionLayer] {
        var found: [(layer: ResolvedLayerVersion, typed: String)] = []
        for (index, typed) in layers.enumerated() {
            guard let resolved = context.resolution[layerMember(index)] else {
                throw AWSError.undeclaredReference(.lambdaLayerVersion, requestID: context.requestID)
            }
            guard let layer = resolved.entity(as: ResolvedLayerVersion.self) else { throw LambdaError.layerVersionMissing(resolved.arn) }
            if let earlier = found.first(where: { $0.layer.reference.layerARN == layer.reference.layerARN }) {
                throw LambdaError.invalidParameter(
                    "Two different versions of the same layer are not allowed to be referenced in the same function. \(earlier.typed) and \(typed) reference the same layer."
                )
            }
            found.append((layer, typed))
        }
        return found.map {
            FunctionLayer(
                arn: $0.layer.versionARN, codeSize: $0.layer.record.codeSize, codeSHA256: $0.layer.record.codeSHA256,
                unzippedSize: $0.layer.record.unzippedSize)
        }
    }

    /// Refuses code and layers that take more than 250 MB unpacked together.
    static func checkUnzippedSize(code: Int64, layers: [FunctionLayer]) throws {
        let total = layers.reduce(code) { $0 + $1.unzippedSize }
        if total > unzippedLimit {
            throw LambdaError.invalidParameter(
                "Function code combined with layers exceeds the maximum allowed size of \(unzippedLimit) bytes. The actual size is \(total) bytes.")
        }
    }

    /// The unpacked size of a version's code: kept in its configuration, or measured from the store
    /// for configurations written before it was kept.
    func unzippedCodeSize(_ state: FunctionState, sha256Hex: String) throws -> Int64 {
        if let size = state.codeUnzippedSize { return size }
        do {
            return Int64(try DeploymentPackage.inspect(try code.read(sha256Hex), limits: .awsFromS3).unzippedSize)
        } catch {
            throw AWSError(code: "ServiceException", message: "The function's code could not be read.", status: 500)
        }
    }

    /// The `Layers` a configuration shows; none when the function uses no layer, as AWS answers.
    static func shownLayers(_ state: FunctionState) -> [LambdaAPI.Layer]? {
        guard let layers = state.layers, !layers.isEmpty else { return nil }
        return layers.map { LambdaAPI.Layer(arn: $0.arn, codeSize: $0.codeSize) }
    }
}
