import Assessment
import Testing

@Suite("Resource policy and permission checks")
struct PolicyChecksTests {
    @Test(
        "function policy statements",
        arguments: [
            (#"{"Sid":"p","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"*"}"#, "lambda-policy-public"),
            (#"{"Sid":"p","Effect":"Allow","Principal":{"AWS":"*"},"Action":"lambda:InvokeFunction","Resource":"*"}"#, "lambda-policy-public"),
            (
                #"{"Sid":"p","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"*"}"#,
                "lambda-policy-service-without-source"
            ),
            (
                #"{"Sid":"p","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"*","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::b"}}}"#,
                nil
            ),
            (
                #"{"Sid":"p","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}}"#,
                nil
            ),
            (#"{"Sid":"p","Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"lambda:InvokeFunction","Resource":"*"}"#, nil),
            (#"{"Sid":"p","Effect":"Deny","Principal":"*","Action":"lambda:InvokeFunction","Resource":"*"}"#, nil),
        ] as [(String, String?)])
    func functionPolicy(statement: String, check: String?) {
        let findings = FunctionPolicyChecks.findings(of: Fixtures.function(statements: [Fixtures.statement("p", statement)]))
        #expect(findings.map(\.check) == (check.map { [$0] } ?? []))
    }

    @Test func removalNamesTheQualifier() {
        let function = Fixtures.function(statements: [
            Fixtures.statement(
                "p", #"{"Sid":"p","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"*"}"#, qualifier: "live")
        ])
        #expect(
            FunctionPolicyChecks.findings(of: function).map(\.command) == [
                "aws lambda remove-permission --function-name hello --statement-id p --qualifier live"
            ])
    }

    @Test(
        "over-broad grants",
        arguments: [
            (#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#, ["*"]),
            (#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:*","logs:PutLogEvents"],"Resource":["*"]}}"#, ["s3:*"]),
            (#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}}"#, []),
            (#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b/*"}}"#, []),
            (#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}"#, []),
            (#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}}"#, []),
            ("not json", []),
        ] as [(String, [String])])
    func breadth(document: String, actions: [String]) {
        #expect(PermissionBreadth.grants(in: document).map(\.action) == actions)
    }
}
