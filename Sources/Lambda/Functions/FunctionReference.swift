import AWSWire
import BulwarkCore

/// A function as a request names it — `my-function`, `my-function:1`, `123456789012:function:my-function`
/// or its full ARN — resolved against the caller's account and region.
struct FunctionReference: Sendable, Equatable {
    var partition: String
    var region: String
    var accountID: String
    var name: String
    /// The qualifier named in the function name or the `Qualifier` parameter.
    var qualifier: String?

    /// Parses `text` in the context of the request.
    ///
    /// - Parameters:
    ///   - qualifier: the separate `Qualifier` parameter, if the operation has one.
    ///   - allowsQualifier: whether the name may carry a qualifier at all.
    ///   - creating: the name is that of a function to create (a bad name is then a bad parameter,
    ///     not a function that cannot be found).
    init(_ text: String, qualifier: String? = nil, allowsQualifier: Bool = true, creating: Bool = false, context: CallContext) throws {
        partition = "aws"
        region = context.region
        accountID = context.accountID
        var rest: [Substring]
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        if parts.first == "arn" {
            guard parts.count >= 7, parts[2] == "lambda", parts[5] == "function" else { throw Self.invalid(text) }
            partition = String(parts[1])
            region = String(parts[3])
            accountID = String(parts[4])
            rest = Array(parts[6...])
        } else if parts.count >= 3, parts[1] == "function" {
            accountID = String(parts[0])
            rest = Array(parts[2...])
        } else {
            rest = parts
        }
        guard let first = rest.first, !first.isEmpty, rest.count <= 2 else { throw Self.invalid(text) }
        name = String(first)
        let derived = rest.count == 2 ? String(rest[1]) : nil
        if let derived, let qualifier, derived != qualifier {
            throw LambdaError.invalidParameter("The derived qualifier from the function name does not match the specified qualifier.")
        }
        self.qualifier = derived ?? qualifier
        if name.unicodeScalars.count > 64 {
            guard creating else { throw LambdaError.functionNotFound(functionARN) }
            throw LambdaError.invalidParameter(
                "1 validation error detected: Value '\(name)' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 64"
            )
        }
        // Bulwark serves the `aws` partition only: a function is never created in another.
        if creating, partition != "aws" {
            throw LambdaError.invalidParameter("Functions can only be created in the aws partition: \(text)")
        }
        if !allowsQualifier, self.qualifier != nil {
            throw LambdaError.invalidParameter("Qualified ARNs and qualifiers are not allowed for this operation: \(text)")
        }
        if region != context.region {
            throw AWSError(
                code: "ResourceNotFoundException",
                message: "Functions from '\(region)' are not reachable in this region ('\(context.region)')",
                status: 404
            )
        }
    }

    /// The function's unqualified ARN.
    var functionARN: String {
        "arn:\(partition):lambda:\(region):\(accountID):function:\(name)"
    }

    /// The ARN with the qualifier when one was named — the resource IAM authorizes.
    var resourceARN: String {
        qualifier.map { "\(functionARN):\($0)" } ?? functionARN
    }

    private static func invalid(_ text: String) -> AWSError {
        let pattern = LambdaService.currentConstraints.patterns["FunctionName"] ?? ""
        return AWSError.validation(
            "1 validation error detected: Value '\(text)' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: \(pattern)"
        )
    }
}
