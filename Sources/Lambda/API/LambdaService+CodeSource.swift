import AWSWire
import BulwarkCore
import Foundation

/// Where a request's deployment package comes from: exactly one of `ZipFile` and an S3 location
/// (`S3Bucket` and `S3Key`, with `S3ObjectVersion` optionally), as Lambda takes them.
enum CodeSource: Sendable, Equatable {
    case zipFile(Data)
    case s3(bucket: String, key: String, version: String?)

    /// The request's one code source. - Throws: Lambda's InvalidParameterValueException for a
    /// mixed or partial one, and for none.
    static func of(zipFile: Data?, s3Bucket: String?, s3Key: String?, s3ObjectVersion: String?, imageURI: String?) throws -> CodeSource {
        let namesS3 = s3Bucket != nil || s3Key != nil || s3ObjectVersion != nil
        if let zipFile {
            guard !namesS3, imageURI == nil else {
                throw LambdaError.invalidParameter("Please do not provide other FunctionCode parameters when providing a ZipFile.")
            }
            return .zipFile(zipFile)
        }
        if imageURI != nil { throw LambdaError.unsupported("container image functions (ImageUri)") }
        guard namesS3 else { throw LambdaError.invalidParameter("Please provide a source for function code.") }
        guard let s3Bucket, let s3Key else {
            throw LambdaError.invalidParameter("S3 Bucket and Key are required for uploading with S3 parameters.")
        }
        return .s3(bucket: s3Bucket, key: s3Key, version: s3ObjectVersion)
    }

    /// The request's code source when it is a complete one; nil when the handler will refuse it.
    static func declared(zipFile: Data?, s3Bucket: String?, s3Key: String?, s3ObjectVersion: String?, imageURI: String?) -> CodeSource? {
        try? of(zipFile: zipFile, s3Bucket: s3Bucket, s3Key: s3Key, s3ObjectVersion: s3ObjectVersion, imageURI: imageURI)
    }
}

/// The input members that name a package's S3 location: `Code.S3Bucket` in CreateFunction, `S3Bucket`
/// in UpdateFunctionCode.
struct CodeLocationMembers: Sendable {
    let bucket: String
    let key: String

    static let creating = CodeLocationMembers(bucket: "Code.S3Bucket", key: "Code.S3Key")
    static let updating = CodeLocationMembers(bucket: "S3Bucket", key: "S3Key")
}

/// A package in S3 passes the pipeline like the execution role does (decision 0030): the resolve
/// stage finds its bucket and object (S3's authority), the authorize stage asks the caller
/// `s3:GetObject` on the object (and `s3:GetObjectVersion` for a version), as Lambda reads it with
/// the caller's permissions on AWS, and the handler reads exactly the object that was judged.
extension LambdaService {
    /// The bucket and object an S3 code source names, implied by the operation (its action is asked
    /// on the function); none for a ZipFile or an incomplete location.
    static func codeLocation(_ source: CodeSource?, members: CodeLocationMembers) -> [ResourceReference] {
        guard case .s3(let bucket, let key, let version) = source else { return [] }
        // A version is the object reference's qualifier: the resolve stage finds exactly that version.
        return [
            ResourceReference(.s3Bucket, member: members.bucket, text: bucket).implied,
            ResourceReference(.s3Object, member: members.key, text: "\(bucket)/\(key)", qualifier: version).implied,
        ]
    }

    /// `s3:GetObject` on the package's object, and `s3:GetObjectVersion` (with `s3:versionid`) when
    /// a version is named; refused as Lambda answers S3's AccessDenied.
    /// Each check carries the keys S3 sets on a read of the object (its tags), so that a Deny on them
    /// applies to Lambda's read as to the caller's own GetObject.
    static func codeLocationChecks(
        _ source: CodeSource?, members: CodeLocationMembers, _ resolution: Resolution,
        readKeys: (ResolvedResource) -> [String: AuthorizationCheck.Value]
    ) -> [AuthorizationCheck] {
        guard case .s3(let bucket, let key, let version) = source, let object = resolution[members.key] else { return [] }
        let refusal =
            "Your access has been denied by S3, please make sure your request credentials have permission to GetObject for "
            + "\(bucket)/\(key). S3 Error Code: AccessDenied. S3 Error Message: Access Denied"
        let keys = readKeys(object)
        var checks = [AuthorizationCheck(action: "s3:GetObject", resource: object.arn, conditionKeys: keys, refusalMessage: refusal)]
        if let version {
            checks.append(
                AuthorizationCheck(
                    action: "s3:GetObjectVersion", resource: object.arn, conditionKeys: keys.merging(["s3:versionid": .single(version)]) { $1 },
                    refusalMessage: refusal))
        }
        return checks
    }

    /// The package a checked code source names: the ZipFile, or the body of the object the resolve
    /// stage found, read through ObjectStore. - Throws: Lambda's wording of S3's failure.
    func package(_ source: CodeSource, members: CodeLocationMembers, context: CallContext) async throws -> Data {
        guard case .s3(_, _, let version) = source else {
            if case .zipFile(let zip) = source { return zip }
            throw LambdaError.invalidParameter("Please provide a source for function code.")
        }
        guard let bucket = context.resolution[members.bucket], let object = context.resolution[members.key] else {
            throw AWSError.undeclaredReference(.s3Object, requestID: context.requestID)
        }
        do {
            let limit = DeploymentPackage.Limits.awsFromS3.zippedSize
            return try await objects.body(of: object, in: bucket, version: version, region: context.region, maxBytes: limit)
        } catch let failure as ServiceObjectFailure {
            throw Self.getObjectFailed(failure)
        } catch is ServiceObjectTooLarge {
            throw PackageRefusal.zippedTooLarge(limit: DeploymentPackage.Limits.awsFromS3.zippedSize)
        }
    }

    /// Lambda's answer when reading a package from S3 fails.
    static func getObjectFailed(_ failure: ServiceObjectFailure) -> AWSError {
        LambdaError.invalidParameter("Error occurred while GetObject. S3 Error Code: \(failure.code). S3 Error Message: \(failure.message)")
    }
}
