import AWSWire
import BulwarkCore
import Foundation
import Store

/// Layers (decision 0036): published versions of a `.zip` archive, checked as deployment packages
/// are and kept in the code store, that functions mount at `/opt`.
extension LambdaService {
    @Sendable func publishLayerVersion(
        _ input: LambdaAPI.PublishLayerVersionRequest, _ context: CallContext
    ) async throws -> LambdaAPI.PublishLayerVersionResponse {
        let layer = try LayerReference(name: input.layerName, context: context)
        guard layer.accountID == context.accountID, layer.partition == "aws" else {
            throw LambdaError.invalidParameter("Layers can only be published in the caller's account and the aws partition: \(input.layerName)")
        }
        let runtimes = input.compatibleRuntimes ?? []
        for runtime in runtimes { try FunctionRules.checkRuntimeName(runtime, on: clock.now()) }
        let source = try CodeSource.of(
            zipFile: input.content.zipFile, s3Bucket: input.content.s3Bucket, s3Key: input.content.s3Key,
            s3ObjectVersion: input.content.s3ObjectVersion, imageURI: nil)
        let zip = try await package(source, members: .layerContent, context: context)
        let inspected = try DeploymentPackage.inspect(zip, limits: Self.limits(of: source))
        try await checkCodeStorage(adding: zip.count, context: context)
        let blob = try storeCode(zip)
        let now = clock.now()
        let record = try await database.layers.publish(layer.key) { number in
            LayerVersionRecord(
                key: layer.key, version: number, description: input.description ?? "", licenseInfo: input.licenseInfo,
                compatibleRuntimes: runtimes, compatibleArchitectures: input.compatibleArchitectures ?? [], codeSHA256: blob.sha256Hex,
                codeSize: blob.size, unzippedSize: Int64(inspected.unzippedSize), createdAt: now)
        }
        let answer = Self.layerVersion(record, context: context)
        return LambdaAPI.PublishLayerVersionResponse(
            content: answer.content, layerArn: answer.layerArn, layerVersionArn: answer.layerVersionArn, description: answer.description,
            createdDate: answer.createdDate, version: answer.version, compatibleRuntimes: answer.compatibleRuntimes,
            licenseInfo: answer.licenseInfo, compatibleArchitectures: answer.compatibleArchitectures)
    }

    @Sendable func getLayerVersion(
        _ input: LambdaAPI.GetLayerVersionRequest, _ context: CallContext
    ) async throws -> LambdaAPI.GetLayerVersionResponse {
        Self.layerVersion(try resolvedLayerVersion(context).record, context: context)
    }

    @Sendable func getLayerVersionByArn(
        _ input: LambdaAPI.GetLayerVersionByArnRequest, _ context: CallContext
    ) async throws -> LambdaAPI.GetLayerVersionResponse {
        Self.layerVersion(try resolvedLayerVersion(context, member: "Arn").record, context: context)
    }

    @Sendable func deleteLayerVersion(_ input: LambdaAPI.DeleteLayerVersionRequest, _ context: CallContext) async throws -> EmptyOutput {
        // AWS answers 204 for a version that does not exist; nothing is acted on then.
        guard let layer = context.resolution["LayerName"]?.entity(as: ResolvedLayerVersion.self) else { return EmptyOutput() }
        // Functions that use the version keep its archive (CodeCollector) and keep running it, as on AWS.
        try await database.layers.delete(layer.record.key, layer.record.version)
        return EmptyOutput()
    }

    @Sendable func listLayers(_ input: LambdaAPI.ListLayersRequest, _ context: CallContext) async throws -> LambdaAPI.ListLayersResponse {
        if let runtime = input.compatibleRuntime { try FunctionRules.checkRuntimeName(runtime, on: clock.now()) }
        let pageSize = min(input.maxItems ?? Self.maximumPageSize, Self.maximumPageSize)
        let marker = try input.marker.map(ListMarker.decode)
        // One more than a page: whether a next page follows.
        let latest = try await database.layers.latestVersions(
            accountID: context.accountID, region: context.region, runtime: input.compatibleRuntime,
            architecture: input.compatibleArchitecture, after: marker?.name, limit: pageSize + 1)
        let page = latest.prefix(pageSize)
        let next = latest.count > pageSize ? page.last.map { ListMarker(name: $0.key.name, version: "").encoded } : nil
        return LambdaAPI.ListLayersResponse(
            nextMarker: next,
            layers: page.map { record in
                let reference = Self.reference(of: record)
                return LambdaAPI.LayersListItem(
                    layerName: record.key.name, layerArn: reference.layerARN, latestMatchingVersion: Self.listItem(record))
            }
        )
    }

    @Sendable func listLayerVersions(
        _ input: LambdaAPI.ListLayerVersionsRequest, _ context: CallContext
    ) async throws -> LambdaAPI.ListLayerVersionsResponse {
        if let runtime = input.compatibleRuntime { try FunctionRules.checkRuntimeName(runtime, on: clock.now()) }
        let layer = try LayerReference(name: input.layerName, context: context)
        let pageSize = min(input.maxItems ?? Self.maximumPageSize, Self.maximumPageSize)
        let marker = try input.marker.map(ListMarker.decode)
        if let marker, marker.name != layer.name { throw LambdaError.invalidParameter("Invalid marker: \(input.marker ?? "")") }
        guard layer.partition == "aws" else { return LambdaAPI.ListLayerVersionsResponse(layerVersions: []) }
        var versions = try await database.layers.versions(accountID: layer.accountID, region: layer.region, name: layer.name)
        if layer.accountID != context.accountID {
            // Another account's layer: only the versions its policies share with this account (decision 0036).
            let statements = try await database.layers.statements(of: layer.key)
            versions = versions.filter { record in
                (statements[record.version] ?? []).contains { LayerPolicy.grants($0, action: "lambda:GetLayerVersion", to: context.accountID) }
            }
        }
        let last = marker.flatMap { Int64($0.version) }
        let matching = versions.filter { record in
            Self.matches(record, runtime: input.compatibleRuntime, architecture: input.compatibleArchitecture)
                && (last.map { record.version < $0 } ?? true)
        }
        let page = matching.prefix(pageSize)
        let next = matching.count > pageSize ? page.last.map { ListMarker(name: layer.name, version: String($0.version)).encoded } : nil
        return LambdaAPI.ListLayerVersionsResponse(nextMarker: next, layerVersions: page.map(Self.listItem))
    }

    @Sendable func getLayerArchive(_ input: LayerArchive.Request, _ context: CallContext) async throws -> CodeArchive.Response {
        let layer = try resolvedLayerVersion(context)
        return CodeArchive.Response(zipFile: try code.read(layer.record.codeSHA256))
    }

    /// Whether a version is compatible with the runtime and architecture a listing asks for.
    static func matches(_ record: LayerVersionRecord, runtime: String?, architecture: String?) -> Bool {
        (runtime.map(record.compatibleRuntimes.contains) ?? true) && (architecture.map(record.compatibleArchitectures.contains) ?? true)
    }

    static func reference(of record: LayerVersionRecord) -> LayerReference {
        LayerReference(partition: "aws", region: record.key.region, accountID: record.key.accountID, name: record.key.name, version: record.version)
    }

    /// A version as GetLayerVersion answers it; lists that are empty are left out, as AWS leaves them.
    static func layerVersion(_ record: LayerVersionRecord, context: CallContext) -> LambdaAPI.GetLayerVersionResponse {
        let reference = reference(of: record)
        return LambdaAPI.GetLayerVersionResponse(
            content: LambdaAPI.LayerVersionContentOutput(
                location: LayerArchive.location(layerARN: reference.layerARN, version: record.version, context: context),
                codeSha256: record.codeSha256, codeSize: record.codeSize),
            layerArn: reference.layerARN, layerVersionArn: reference.resourceARN, description: record.description,
            createdDate: AWSTimestamp.lambda(record.createdAt), version: record.version,
            compatibleRuntimes: record.compatibleRuntimes.isEmpty ? nil : record.compatibleRuntimes, licenseInfo: record.licenseInfo,
            compatibleArchitectures: record.compatibleArchitectures.isEmpty ? nil : record.compatibleArchitectures)
    }

    static func listItem(_ record: LayerVersionRecord) -> LambdaAPI.LayerVersionsListItem {
        LambdaAPI.LayerVersionsListItem(
            layerVersionArn: reference(of: record).resourceARN, version: record.version, description: record.description,
            createdDate: AWSTimestamp.lambda(record.createdAt),
            compatibleRuntimes: record.compatibleRuntimes.isEmpty ? nil : record.compatibleRuntimes, licenseInfo: record.licenseInfo,
            compatibleArchitectures: record.compatibleArchitectures.isEmpty ? nil : record.compatibleArchitectures)
    }

    /// The package limits of a code source: larger from S3, as AWS's.
    static func limits(of source: CodeSource) -> DeploymentPackage.Limits {
        if case .s3 = source { return .awsFromS3 }
        return .aws
    }
}

extension CodeLocationMembers {
    /// `Content.S3Bucket` and `Content.S3Key` of PublishLayerVersion.
    static let layerContent = CodeLocationMembers(bucket: "Content.S3Bucket", key: "Content.S3Key")
}
