import AWSWire
import BulwarkCore
import Foundation
import Testing

@testable import Lambda

/// A request's code source (decision 0030): exactly one of `ZipFile` and an S3 location, the
/// references the pipeline resolves for a location, and the S3 permissions asked of the caller.
@Suite("Code from S3")
struct CodeSourceTests {
    static let zip = Data("zip".utf8)

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let zipFile: Data?
        let bucket: String?
        let key: String?
        let version: String?
        let image: String?
        /// The source, or the message of the InvalidParameterValueException.
        let expected: Result<CodeSource, MessageOnly>

        var testDescription: String { name }
    }

    struct MessageOnly: Error, Equatable { let message: String }

    static let cases: [Case] = [
        Case(name: "ZipFile", zipFile: zip, bucket: nil, key: nil, version: nil, image: nil, expected: .success(.zipFile(zip))),
        Case(
            name: "S3 location", zipFile: nil, bucket: "b", key: "k.zip", version: nil, image: nil,
            expected: .success(.s3(bucket: "b", key: "k.zip", version: nil))),
        Case(
            name: "S3 location with version", zipFile: nil, bucket: "b", key: "k.zip", version: "null", image: nil,
            expected: .success(.s3(bucket: "b", key: "k.zip", version: "null"))),
        Case(
            name: "ZipFile and S3Bucket", zipFile: zip, bucket: "b", key: nil, version: nil, image: nil,
            expected: .failure(.init(message: "Please do not provide other FunctionCode parameters when providing a ZipFile."))),
        Case(
            name: "ZipFile and S3ObjectVersion", zipFile: zip, bucket: nil, key: nil, version: "null", image: nil,
            expected: .failure(.init(message: "Please do not provide other FunctionCode parameters when providing a ZipFile."))),
        Case(
            name: "S3Bucket without S3Key", zipFile: nil, bucket: "b", key: nil, version: nil, image: nil,
            expected: .failure(.init(message: "S3 Bucket and Key are required for uploading with S3 parameters."))),
        Case(
            name: "S3Key without S3Bucket", zipFile: nil, bucket: nil, key: "k.zip", version: nil, image: nil,
            expected: .failure(.init(message: "S3 Bucket and Key are required for uploading with S3 parameters."))),
        Case(
            name: "S3ObjectVersion alone", zipFile: nil, bucket: nil, key: nil, version: "null", image: nil,
            expected: .failure(.init(message: "S3 Bucket and Key are required for uploading with S3 parameters."))),
        Case(
            name: "nothing", zipFile: nil, bucket: nil, key: nil, version: nil, image: nil,
            expected: .failure(.init(message: "Please provide a source for function code."))),
        Case(
            name: "ImageUri", zipFile: nil, bucket: nil, key: nil, version: nil, image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/f:1",
            expected: .failure(.init(message: "Bulwark does not support container image functions (ImageUri) yet."))),
    ]

    @Test(arguments: cases)
    func takesExactlyOneCompleteSource(_ test: Case) {
        let parsed = Result {
            try CodeSource.of(zipFile: test.zipFile, s3Bucket: test.bucket, s3Key: test.key, s3ObjectVersion: test.version, imageURI: test.image)
        }
        switch (parsed, test.expected) {
        case (.success(let source), .success(let expected)):
            #expect(source == expected)
        case (.failure(let error as AWSError), .failure(let expected)):
            #expect(error.code == "InvalidParameterValueException" && error.status == 400)
            #expect(error.message == expected.message)
        default:
            Issue.record("\(test.name): got \(parsed), expected \(test.expected)")
        }
        // Only a complete source is declared to the resolve stage; the handler refuses the rest.
        let declared = CodeSource.declared(
            zipFile: test.zipFile, s3Bucket: test.bucket, s3Key: test.key, s3ObjectVersion: test.version, imageURI: test.image)
        #expect(declared == (try? parsed.get()))
    }

    @Test func anS3LocationNamesItsBucketAndObjectAsImpliedReferences() {
        let references = LambdaService.codeLocation(.s3(bucket: "b", key: "dir/k.zip", version: nil), members: .creating)
        #expect(
            references == [
                ResourceReference(.s3Bucket, member: "Code.S3Bucket", text: "b", use: .implied),
                ResourceReference(.s3Object, member: "Code.S3Key", text: "b/dir/k.zip", use: .implied),
            ])
        #expect(LambdaService.codeLocation(.zipFile(Self.zip), members: .creating).isEmpty)
        #expect(LambdaService.codeLocation(nil, members: .updating).isEmpty)
    }

    @Test func theCallerIsAskedGetObjectAndForAVersionGetObjectVersionOnTheResolvedObject() throws {
        let arn = "arn:aws:s3:::b/k.zip"
        let object = ResolvedResource.absent(
            ResourceReference(.s3Object, member: "S3Key", text: "b/k.zip", use: .implied), arn: arn, accountID: "123456789012")
        let resolution = Resolution([object])
        let refusal =
            "Your access has been denied by S3, please make sure your request credentials have permission to GetObject for b/k.zip. "
            + "S3 Error Code: AccessDenied. S3 Error Message: Access Denied"

        let current = LambdaService.codeLocationChecks(.s3(bucket: "b", key: "k.zip", version: nil), members: .updating, resolution)
        #expect(current == [AuthorizationCheck(action: "s3:GetObject", resource: arn, refusalMessage: refusal)])

        let versioned = LambdaService.codeLocationChecks(.s3(bucket: "b", key: "k.zip", version: "null"), members: .updating, resolution)
        #expect(
            versioned == [
                AuthorizationCheck(action: "s3:GetObject", resource: arn, refusalMessage: refusal),
                AuthorizationCheck(
                    action: "s3:GetObjectVersion", resource: arn, conditionKeys: ["s3:versionid": .single("null")], refusalMessage: refusal),
            ])
        #expect(LambdaService.codeLocationChecks(.zipFile(Self.zip), members: .updating, resolution).isEmpty)
    }

    @Test func failuresOfS3AreWordedAsLambdaWordsThem() {
        let error = LambdaService.getObjectFailed(ServiceObjectFailure(code: "NoSuchKey", message: "The specified key does not exist."))
        #expect(error.code == "InvalidParameterValueException" && error.status == 400)
        #expect(error.message == "Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist.")
    }

    /// A package from S3 is not held to the 50 MB of a direct upload: to the 250 MB it unzips to.
    @Test func aPackageFromS3MayBeLargerThanAnUploadedZipFile() throws {
        var generator = SystemRandomNumberGenerator()
        let size = DeploymentPackage.Limits.aws.zippedSize + 1024
        // Random bytes, stored: no compression to shrink them below the limit.
        var content = [UInt8](repeating: 0, count: size)
        content.withUnsafeMutableBytes { bytes in
            for offset in stride(from: 0, to: size, by: 8) { bytes.storeBytes(of: generator.next(), toByteOffset: offset, as: UInt64.self) }
        }
        let zip = TestZip([.file("app.bin", bytes: content, method: 0)]).data
        #expect(throws: AWSError.self) { try DeploymentPackage.inspect(zip) }
        let package = try DeploymentPackage.inspect(zip, limits: .awsFromS3)
        #expect(package.unzippedSize == content.count)
        #expect(DeploymentPackage.Limits.awsFromS3.zippedSize == DeploymentPackage.Limits.aws.unzippedSize)
        #expect(DeploymentPackage.Limits.awsFromS3.unzippedSize == 262_144_000)
    }
}
