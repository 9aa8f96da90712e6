import BulwarkCore
import IAM
import Testing

/// A document IAM refuses and the message it refuses it with.
struct MalformedCase: Sendable, CustomTestStringConvertible {
    var name: String
    var kind: PolicyKind
    var text: String
    var message: String

    var testDescription: String { "\(kind.rawValue): \(name)" }

    init(_ name: String, _ kind: PolicyKind, _ text: String, _ message: String) {
        self.name = name
        self.kind = kind
        self.text = text
        self.message = message
    }

    /// An identity-based document.
    init(_ name: String, _ text: String, _ message: String) {
        self.init(name, .identity, text, message)
    }

    /// A `2012-10-17` document of the given statement members.
    static func statement(_ members: String) -> String {
        #"{"Version":"2012-10-17","Statement":[{\#(members)}]}"#
    }

    static let syntax = "Syntax errors in policy."

    static let all: [MalformedCase] = [
        MalformedCase("not JSON", "{", syntax),
        MalformedCase("empty object", "{}", syntax),
        MalformedCase("a list", "[]", syntax),
        MalformedCase("trailing text", statement(#""Effect":"Allow","Action":"*","Resource":"*""#) + "x", syntax),
        MalformedCase("unknown top-level element", #"{"Version":"2012-10-17","Statement":[],"Extra":1}"#, syntax),
        MalformedCase("empty statement list", #"{"Version":"2012-10-17","Statement":[]}"#, syntax),
        MalformedCase("statement is a string", #"{"Version":"2012-10-17","Statement":"x"}"#, syntax),
        MalformedCase("unknown statement element", statement(#""Effect":"Allow","Action":"*","Resource":"*","Foo":"x""#), syntax),
        MalformedCase("duplicate member", statement(#""Effect":"Allow","Effect":"Deny","Action":"*","Resource":"*""#), syntax),
        MalformedCase("missing Effect", statement(#""Action":"*","Resource":"*""#), syntax),
        MalformedCase("Effect not allow or deny", statement(#""Effect":"Maybe","Action":"*","Resource":"*""#), syntax),
        MalformedCase("Action and NotAction", statement(#""Effect":"Allow","Action":"*","NotAction":"s3:*","Resource":"*""#), syntax),
        MalformedCase("Resource and NotResource", statement(#""Effect":"Allow","Action":"*","Resource":"*","NotResource":"*""#), syntax),
        MalformedCase(
            "Principal and NotPrincipal", .resource,
            statement(#""Effect":"Allow","Principal":"*","NotPrincipal":{"AWS":"*"},"Action":"lambda:*","Resource":"*""#), syntax),
        MalformedCase(
            "duplicate member in a large object",
            statement(
                #""Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"#
                    + (0..<17).map { #""a:k\#($0)":"v","# }.joined() + #""a:k0":"w"}}"#), syntax),
        MalformedCase("Effect in small letters", statement(#""Effect":"allow","Action":"*","Resource":"*""#), "The policy failed legacy parsing"),
        MalformedCase(
            "several faulty resources: the last in descending order",
            statement(#""Effect":"Allow","Action":"*","Resource":["bucket","arn:aws:iam:us-east-1:111111111111:user/a"]"#),
            "IAM resource arn:aws:iam:us-east-1:111111111111:user/a cannot contain region information."),
        MalformedCase("Action is a number", statement(#""Effect":"Allow","Action":1,"Resource":"*""#), syntax),
        MalformedCase("Sid is a number", statement(#""Sid":1,"Effect":"Allow","Action":"*","Resource":"*""#), syntax),
        MalformedCase("unknown Version", #"{"Version":"2020-01-01","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#, syntax),
        MalformedCase(
            "unknown condition operator", statement(#""Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringFuzzy":{"a:b":"c"}}"#), syntax),
        MalformedCase(
            "condition value is an object", statement(#""Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"a:b":{}}}"#),
            syntax),
        MalformedCase(
            "no Version", #"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
            "Policy document must be version 2012-10-17 or greater."),
        MalformedCase(
            "old Version", #"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
            "Policy document must be version 2012-10-17 or greater."),
        MalformedCase(
            "Principal in an identity policy", statement(#""Effect":"Allow","Principal":"*","Action":"*","Resource":"*""#),
            "Policy document should not specify a principal."),
        MalformedCase(
            "NotPrincipal in a boundary", .permissionsBoundary,
            statement(#""Effect":"Allow","NotPrincipal":{"AWS":"*"},"Action":"*","Resource":"*""#),
            "Policy document should not specify a principal."),
        MalformedCase("missing Action", statement(#""Effect":"Allow","Resource":"*""#), "Policy statement must contain actions."),
        MalformedCase("empty Action list", statement(#""Effect":"Allow","Action":[],"Resource":"*""#), "Policy statement must contain actions."),
        MalformedCase("missing Resource", statement(#""Effect":"Allow","Action":"s3:*""#), "Policy statement must contain resources."),
        MalformedCase(
            "action without vendor", statement(#""Effect":"Allow","Action":"InvokeFunction","Resource":"*""#),
            "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."),
        MalformedCase(
            "action with two colons", statement(#""Effect":"Allow","Action":"lambda:a:b","Resource":"*""#),
            "Actions/Condition can contain only one colon."),
        MalformedCase("invalid vendor", statement(#""Effect":"Allow","Action":"lam bda:x","Resource":"*""#), "Vendor lam bda is not valid"),
        MalformedCase(
            "resource not an ARN", statement(#""Effect":"Allow","Action":"s3:*","Resource":"bucket""#),
            #"Resource bucket must be in ARN format or "*"."#),
        MalformedCase(
            "IAM resource with a region", statement(#""Effect":"Allow","Action":"iam:*","Resource":"arn:aws:iam:us-east-1:111111111111:user/a""#),
            "IAM resource arn:aws:iam:us-east-1:111111111111:user/a cannot contain region information."),
        MalformedCase(
            "S3 bucket with a region", statement(#""Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:us-east-1::bucket""#),
            "Resource arn:aws:s3:us-east-1::bucket can not contain region information."),
        MalformedCase(
            "IAM resource of no type", statement(#""Effect":"Allow","Action":"iam:*","Resource":"arn:aws:iam::111111111111:thing/a""#),
            #"IAM resource path must either be "*" or start with user/, federated-user/, role/, group/, instance-profile/, mfa/, "#
                + "server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/."),
        MalformedCase(
            "duplicate Sid",
            #"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"A","Effect":"Deny","Action":"*","Resource":"*"}]}"#,
            "Statement IDs (SID) in a single policy must be unique."),
        MalformedCase(
            "invalid date", statement(#""Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"soon"}}"#),
            "The policy failed legacy parsing"),
        MalformedCase(
            "trust policy with Resource", .trust,
            statement(#""Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*""#),
            "Has prohibited field Resource"),
        MalformedCase(
            "trust policy denying with NotPrincipal", .trust, statement(#""Effect":"Deny","NotPrincipal":{"AWS":"*"},"Action":"sts:AssumeRole""#),
            "Has prohibited field NotPrincipal"),
        MalformedCase(
            "trust policy with NotResource", .trust,
            statement(#""Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","NotResource":"*""#),
            "AssumeRole policy must not contain resources."),
        MalformedCase(
            "trust policy allowing with NotPrincipal", .trust, statement(#""Effect":"Allow","NotPrincipal":{"AWS":"*"},"Action":"sts:AssumeRole""#),
            "Allow with NotPrincipal is not allowed."),
        MalformedCase(
            "trust policy with an empty Principal", .trust, statement(#""Effect":"Allow","Principal":{},"Action":"sts:AssumeRole""#),
            "Missing required field Principal cannot be empty!"),
        MalformedCase("trust policy that is not JSON", .trust, "{invalid", "This policy contains invalid Json"),
        MalformedCase(
            "trust policy without statements", .trust, #"{"Version":"2012-10-17","Statement":[]}"#, "Could not parse the policy: Statement is empty!"),
        MalformedCase(
            "trust policy without Principal", .trust, statement(#""Effect":"Allow","Action":"sts:AssumeRole""#), "Missing required field Principal"),
        MalformedCase(
            "trust policy granting another action", .trust, statement(#""Effect":"Allow","Principal":{"AWS":"*"},"Action":"lambda:*""#),
            "AssumeRole policy may only specify STS AssumeRole actions."),
        MalformedCase(
            "resource policy without Principal", .resource, statement(#""Effect":"Allow","Action":"lambda:*","Resource":"*""#),
            "Missing required field Principal"),
        MalformedCase(
            "principal that is not an ARN", .resource, statement(#""Effect":"Allow","Principal":{"AWS":"bob"},"Action":"lambda:*","Resource":"*""#),
            #"Invalid principal in policy: "AWS":"bob""#),
        MalformedCase(
            "principal with a wildcard", .resource,
            statement(#""Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/*"},"Action":"lambda:*","Resource":"*""#),
            #"Invalid principal in policy: "AWS":"arn:aws:iam::111111111111:user/*""#),
        MalformedCase(
            "service principal that is not a host name", .resource,
            statement(#""Effect":"Allow","Principal":{"Service":"lambda"},"Action":"lambda:*","Resource":"*""#),
            #"Invalid principal in policy: "SERVICE":"lambda""#),
        MalformedCase(
            "unknown principal type", .resource, statement(#""Effect":"Allow","Principal":{"Robot":"x"},"Action":"lambda:*","Resource":"*""#), syntax),
    ]
}

@Suite("Policy parser")
struct PolicyParserTests {
    @Test("Malformed documents are refused with IAM's message", arguments: MalformedCase.all)
    func refuses(_ row: MalformedCase) {
        #expect(throws: MalformedPolicyDocument(row.message)) { try PolicyDocument.parse(row.text, kind: row.kind) }
    }

    @Test("The refusal is IAM's MalformedPolicyDocument error")
    func awsError() throws {
        let error = try #require(throws: MalformedPolicyDocument.self) { try PolicyDocument.parse("{", kind: .identity) }
        #expect(error.awsError.code == "MalformedPolicyDocument")
        #expect(error.awsError.status == 400)
        #expect(error.awsError.message == "Syntax errors in policy.")
    }

    @Test("A statement may be an object or a list")
    func statementForms() throws {
        let single = try PolicyDocument.parse(
            #"{"Version":"2012-10-17","Statement":{"Sid":"One","Effect":"Allow","Action":"lambda:*","Resource":"*"}}"#, kind: .identity)
        #expect(single.statements.count == 1)
        #expect(single.statements[0].sid == "One")
        #expect(single.statements[0].effect == .allow)
        #expect(single.version == .version2012)
        let list = try PolicyDocument.parse(
            #"{"Version":"2012-10-17","Id":"p","Statement":[{"Effect":"Allow","Action":"a:b","Resource":"*"},{"Effect":"Deny","NotAction":["c:d"],"NotResource":"*"}]}"#,
            kind: .identity)
        #expect(list.id == "p")
        #expect(list.statements.map(\.index) == [0, 1])
        #expect(list.statements[1].label == "statement 2")
        guard case .notAction(let actions) = list.statements[1].actions else {
            Issue.record("NotAction was not kept")
            return
        }
        #expect(actions.map(\.text) == ["c:d"])
    }

    @Test("Principals are read in all their forms")
    func principals() throws {
        let text = #"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*","Principal":{
              "AWS":["111111111111","arn:aws:iam::222222222222:root","arn:aws:iam::111111111111:user/a",
                     "arn:aws:iam::111111111111:role/r","arn:aws:sts::111111111111:assumed-role/r/s","*"],
              "Service":"Lambda.amazonaws.com","Federated":"cognito-identity.amazonaws.com"}}]}
            """#
        let document = try PolicyDocument.parse(text, kind: .resource)
        guard case .principal(let principals)? = document.statements[0].principals else {
            Issue.record("no Principal")
            return
        }
        #expect(
            principals.entries == [
                .account("111111111111"), .account("222222222222"), .arn("arn:aws:iam::111111111111:user/a"),
                .arn("arn:aws:iam::111111111111:role/r"), .arn("arn:aws:sts::111111111111:assumed-role/r/s"), .everyone,
                .service("lambda.amazonaws.com"), .federated("cognito-identity.amazonaws.com"),
            ])
    }

    @Test("Condition operators are read with their qualifiers")
    func operators() throws {
        let document = try PolicyDocument.parse(
            MalformedCase.statement(
                #""Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAnyValue:StringLikeIfExists":{"aws:TagKeys":["a*","b"]},"NumericLessThan":{"s3:max-keys":10}}"#
            ), kind: .identity)
        let conditions = document.statements[0].conditions
        #expect(conditions.map(\.operator.description) == ["ForAnyValue:StringLikeIfExists", "NumericLessThan"])
        #expect(conditions[0].operator.qualifier == .forAnyValue)
        #expect(conditions[0].operator.ifExists)
        #expect(conditions[0].operator.base == .stringLike)
        #expect(conditions[0].values == ["a*", "b"])
        #expect(conditions[1].values == ["10"])
    }

    @Test("Resource and trust policies may be of version 2008-10-17")
    func oldVersion() throws {
        let document = try PolicyDocument.parse(
            #"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
            kind: .trust)
        #expect(document.version == .version2008)
    }

    @Test("Size is counted without white space")
    func size() {
        #expect(PolicySizeLimit.size(of: "{ \"a\" :\n\t1 }") == 7)
        #expect(PolicySizeLimit.managedPolicy == 6144)
        #expect(PolicySizeLimit.userInlinePolicies == 2048)
        #expect(PolicySizeLimit.roleInlinePolicies == 10240)
        #expect(PolicySizeLimit.groupInlinePolicies == 5120)
        #expect(PolicySizeLimit.trustPolicy == 2048)
        #expect(PolicySizeLimit.managedPolicyExceeded().message == "Cannot exceed quota for PolicySize: 6144")
        #expect(PolicySizeLimit.managedPolicyExceeded().code == "LimitExceeded")
        #expect(
            PolicySizeLimit.inlinePoliciesExceeded(owner: .user, name: "alice").message
                == "Maximum policy size of 2048 bytes exceeded for user alice")
        #expect(PolicySizeLimit.trustPolicyExceeded().message == "Cannot exceed quota for ACLSizePerRole: 2048")
    }

    @Test(
        "Resources AWS accepts, as its own managed policies use them",
        arguments: [
            "arn:aws:s3:us-east-1:111111111111:accesspoint/reports", "arn:aws:s3:*:*:accesspoint/*",
            "arn:aws:s3:us-west-2:111111111111:access-grants/default", "arn:aws:iam::*:root", "arn:aws:iam::111111111111:root",
            "arn:aws:iam::*:*",
        ])
    func acceptedResources(_ resource: String) throws {
        let text = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"\#(resource)"}]}"#
        #expect(try PolicyDocument.parse(text, kind: .identity).statements.count == 1)
    }
}
