import Testing

@testable import IAM

@Suite("Service principals IAM knows")
struct ServicePrincipalCatalogTests {
    @Test(arguments: [
        "lambda.amazonaws.com", "Lambda.amazonaws.com", "states.amazonaws.com", "edgelambda.amazonaws.com", "ecs-tasks.amazonaws.com",
        "scheduler.amazonaws.com", "bedrock.amazonaws.com", "codecommit.amazonaws.com", "logs.eu-west-1.amazonaws.com",
        "delivery.logs.amazonaws.com",
    ])
    func known(_ principal: String) {
        #expect(ServicePrincipalCatalog.isKnown(principal))
    }

    @Test(arguments: [
        "lamdba.amazonaws.com", "lambda.amazonaws.co", "amazonaws.com", ".amazonaws.com", "lambda.mars-west-1.amazonaws.com",
        "eu-west-1.amazonaws.com", "example.com", "lambda",
    ])
    func unknown(_ principal: String) {
        #expect(!ServicePrincipalCatalog.isKnown(principal))
    }

    @Test func aTrustPolicyNamesItsFirstUnknownService() throws {
        let document = try PolicyDocument(
            parsing: #"""
                {"Version":"2012-10-17","Statement":[
                  {"Effect":"Allow","Principal":{"Service":["lambda.amazonaws.com","lamdba.amazonaws.com"]},"Action":"sts:AssumeRole"}]}
                """#,
            kind: .trust)
        #expect(ServicePrincipalCatalog.firstUnknown(in: document) == "lamdba.amazonaws.com")
    }
}
