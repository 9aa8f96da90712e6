import AWSWire
import BulwarkCore
import Foundation
import Lambda
import Testing

/// The Lambda model and shapes generated from botocore by `bulwark-codegen`.
@Suite("Generated Lambda model")
struct GeneratedModelTests {
    let model = ServiceModel.lambda

    /// The operations `codegen/services.json` lists as implemented.
    static let implemented = [
        "CreateFunction", "GetFunction", "GetFunctionConfiguration", "ListFunctions", "UpdateFunctionCode",
        "UpdateFunctionConfiguration", "DeleteFunction", "TagResource", "UntagResource", "ListTags",
        "GetAccountSettings", "Invoke", "PutFunctionConcurrency", "GetFunctionConcurrency",
        "DeleteFunctionConcurrency", "PutFunctionEventInvokeConfig", "GetFunctionEventInvokeConfig",
        "DeleteFunctionEventInvokeConfig", "PublishVersion", "ListVersionsByFunction", "CreateAlias", "GetAlias",
        "UpdateAlias", "DeleteAlias", "ListAliases",
    ]

    @Test func serviceMetadata() {
        #expect(model.name == "lambda")
        #expect(model.serviceID == "Lambda")
        #expect(model.apiVersion == "2015-03-31")
        #expect(model.wireProtocol == .restJSON)
        #expect(model.signingName == "lambda")
        #expect(model.endpointPrefix == "lambda")
        #expect(model.eventSource == "lambda.amazonaws.com")
        // rest-json routes by method and path: no X-Amz-Target, no query XML namespace.
        #expect(model.targetPrefix == nil)
        #expect(model.jsonVersion == nil)
        #expect(model.xmlNamespace == nil)
        #expect(!model.awsQueryCompatible)
    }

    @Test func createFunctionBinding() throws {
        let operation = try #require(model.operations["CreateFunction"])
        #expect(operation.httpMethod == "POST")
        #expect(operation.requestURI == "/2015-03-31/functions")
        #expect(operation.responseCode == 201)
        #expect(operation.input == "CreateFunctionRequest")
        #expect(operation.output == "FunctionConfiguration")
        #expect(operation.errors.contains("ResourceConflictException"))
        #expect(operation.errors == operation.errors.sorted())
        #expect(!operation.unsigned)
    }

    @Test func createFunctionInputConstraints() throws {
        let input = model.shape("CreateFunctionRequest")
        #expect(input.kind == .structure)
        #expect(Set(input.required) == ["FunctionName", "Role", "Code"])
        // Members keep botocore's order.
        #expect(input.members.prefix(3).map(\.name) == ["FunctionName", "Runtime", "Role"])

        let functionName = model.shape(try #require(input.member(named: "FunctionName")).shape)
        #expect(functionName.kind == .string)
        #expect(functionName.min == 1)
        #expect(functionName.max == 140)
        let pattern = try #require(functionName.pattern)
        #expect(pattern.contains(#"-\d{1}:)?(\d{12}:)?"#))
        #expect(pattern.contains(#"\$LATEST"#))
        // The backslashes survived generation if the pattern still means what AWS means.
        let regex = try Regex(pattern)
        #expect(try regex.wholeMatch(in: "my-function") != nil)
        #expect(try regex.wholeMatch(in: "arn:aws:lambda:us-east-1:123456789012:function:my-function:$LATEST") != nil)
        #expect(try regex.wholeMatch(in: "arn:aws:lambda:us-east-1:12345:function:f") == nil)
        #expect(try regex.wholeMatch(in: "bad name") == nil)

        let memorySize = model.shape(try #require(input.member(named: "MemorySize")).shape)
        #expect(memorySize.kind == .integer)
        #expect(memorySize.min == 128)
        #expect(try #require(memorySize.max) >= 10240)

        let timeout = model.shape(try #require(input.member(named: "Timeout")).shape)
        #expect(timeout.min == 1)

        let runtime = model.shape(try #require(input.member(named: "Runtime")).shape)
        let runtimes = try #require(runtime.enumValues)
        #expect(runtimes.contains("python3.12"))
        #expect(runtimes.contains("provided.al2023"))

        let environment = model.shape(try #require(input.member(named: "Environment")).shape)
        let variables = model.shape(try #require(environment.member(named: "Variables")).shape)
        #expect(variables.name == "EnvironmentVariables")
        #expect(variables.kind == .map)
        #expect(variables.sensitive)
        #expect(!model.shape("FunctionName").sensitive)
    }

    @Test func unimplementedOperationKeepsItsBinding() throws {
        let operation = try #require(model.operations["PutProvisionedConcurrencyConfig"])
        #expect(operation.httpMethod == "PUT")
        #expect(operation.requestURI == "/2019-09-30/functions/{FunctionName}/provisioned-concurrency")
        #expect(operation.responseCode == 202)
        #expect(operation.input == nil)
        #expect(operation.output == nil)
        #expect(operation.errors.contains("ResourceNotFoundException"))
        #expect(model.shapes["PutProvisionedConcurrencyConfigRequest"] == nil)

        let delete = try #require(model.operations["DeleteProvisionedConcurrencyConfig"])
        #expect(delete.httpMethod == "DELETE")
        #expect(delete.responseCode == 204)
        #expect(model.operations.count > Self.implemented.count)
    }

    @Test(arguments: implemented)
    func implementedOperationHasItsShapes(_ name: String) throws {
        let operation = try #require(model.operations[name])
        let input = try #require(operation.input)
        #expect(model.shapes[input]?.kind == .structure)
        if let output = operation.output {
            #expect(model.shapes[output]?.kind == .structure)
        }
    }

    @Test func everyReferenceResolves() {
        var dangling: [String] = []
        func check(_ name: String?, from origin: String) {
            if let name, model.shapes[name] == nil { dangling.append("\(origin) → \(name)") }
        }
        for (name, shape) in model.shapes {
            #expect(shape.name == name)
            for member in shape.members {
                check(member.shape, from: "\(name).\(member.name)")
            }
            for required in shape.required where shape.member(named: required) == nil {
                dangling.append("\(name) requires missing member \(required)")
            }
            check(shape.listMember, from: name)
            check(shape.mapKey, from: name)
            check(shape.mapValue, from: name)
            if let payload = shape.payload, shape.member(named: payload) == nil {
                dangling.append("\(name) payload \(payload)")
            }
        }
        for operation in model.operations.values {
            check(operation.input, from: operation.name)
            check(operation.output, from: operation.name)
            for error in operation.errors {
                check(error, from: operation.name)
                if model.shapes[error]?.error == nil { dangling.append("\(operation.name) error \(error) is no exception") }
            }
        }
        #expect(dangling.isEmpty, "\(dangling.sorted())")
    }

    @Test func exceptionShapesCarryTheirStatus() throws {
        let notFound = try #require(model.shape("ResourceNotFoundException").error)
        #expect(notFound.httpStatus == 404)
        #expect(try #require(model.shape("TooManyRequestsException").error).httpStatus == 429)
        let service = try #require(model.shape("ServiceException").error)
        #expect(service.httpStatus == 500)
        #expect(!service.senderFault)
    }

    @Test func invokeRecordsItsPayloadAndHeaders() throws {
        let request = model.shape("InvocationRequest")
        #expect(request.payload == "Payload")
        let payload = try #require(request.member(named: "Payload"))
        #expect(model.shape(payload.shape).kind == .blob)
        let invocationType = try #require(request.member(named: "InvocationType"))
        #expect(invocationType.location == .header)
        #expect(invocationType.wireName == "X-Amz-Invocation-Type")
        #expect(request.member(named: "FunctionName")?.location == .uri)

        let response = model.shape("InvocationResponse")
        #expect(response.payload == "Payload")
        #expect(response.member(named: "StatusCode")?.location == .statusCode)
        #expect(response.member(named: "FunctionError")?.wireName == "X-Amz-Function-Error")
    }

    @Test func createFunctionRequestRoundTrips() throws {
        let request = LambdaAPI.CreateFunctionRequest(
            functionName: "my-function",
            runtime: "python3.12",
            role: "arn:aws:iam::123456789012:role/lambda-role",
            handler: "app.handler",
            code: LambdaAPI.FunctionCode(zipFile: Data([0x50, 0x4B, 0x03, 0x04])),
            timeout: 30,
            memorySize: 256,
            environment: LambdaAPI.Environment(variables: ["STAGE": "test"]),
            kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/1234",
            tags: ["team": "platform"],
            architectures: ["arm64"],
            ephemeralStorage: LambdaAPI.EphemeralStorage(size: 1024)
        )
        let document = ShapeCoding.encode(request)
        // Keys are the model's member names; blobs travel as base64.
        #expect(document["FunctionName"] == "my-function")
        #expect(document["KMSKeyArn"] == "arn:aws:kms:us-east-1:123456789012:key/1234")
        #expect(document["Code"]?["ZipFile"] == "UEsDBA==")
        #expect(document["Environment"]?["Variables"]?["STAGE"] == "test")
        #expect(document["EphemeralStorage"]?["Size"] == 1024)
        #expect(document["Publish"] == nil)

        let decoded = try ShapeCoding.decode(LambdaAPI.CreateFunctionRequest.self, from: document)
        #expect(decoded == request)
    }

    @Test func timestampsTravelAsSecondsSince1970() throws {
        let config = LambdaAPI.FunctionEventInvokeConfig(
            lastModified: Date(timeIntervalSince1970: 1_700_000_000),
            functionArn: "arn:aws:lambda:us-east-1:123456789012:function:f",
            maximumRetryAttempts: 2,
            destinationConfig: LambdaAPI.DestinationConfig(
                onFailure: LambdaAPI.OnFailure(destination: "arn:aws:sqs:us-east-1:123456789012:dlq")
            )
        )
        let document = ShapeCoding.encode(config)
        #expect(document["LastModified"]?.doubleValue == 1_700_000_000)
        #expect(document["DestinationConfig"]?["OnFailure"]?["Destination"] == "arn:aws:sqs:us-east-1:123456789012:dlq")
        #expect(try ShapeCoding.decode(LambdaAPI.FunctionEventInvokeConfig.self, from: document) == config)
    }

    @Test func requiredMembersAreRequiredWhenDecoding() throws {
        let document: JSONValue = ["FunctionName": "my-function", "Role": "arn:aws:iam::123456789012:role/r"]
        let error = try #require(throws: AWSError.self) {
            try ShapeCoding.decode(LambdaAPI.CreateFunctionRequest.self, from: document)
        }
        #expect(error.code == "ValidationException")
        #expect(error.message.contains("Code"))

        let empty = try ShapeCoding.decode(LambdaAPI.GetAccountSettingsRequest.self, from: [:])
        #expect(empty == LambdaAPI.GetAccountSettingsRequest())
    }
}
