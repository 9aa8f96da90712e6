import Testing

@testable import Lambda

@Suite("Runtime versions")
struct RuntimeVersionTests {
    @Test(arguments: [
        ("python3.12", "python:3.12.v1"), ("nodejs22.x", "nodejs:22.v1"), ("provided.al2023", "provided:al2023.v1"),
        ("java8.al2", "java:8.al2.v1"), ("java21", "java:21.v1"), ("dotnet8", "dotnet:8.v1"),
        ("ruby3.4", "ruby:3.4.v1"),
    ])
    func namesAreTheLanguageThenItsVersion(runtime: String, name: String) {
        #expect(RuntimeVersion.name(of: runtime) == name)
    }

    @Test func arnsDifferByRuntimeAndRegion() {
        let arn = RuntimeVersion.arn(of: "python3.12", region: "us-east-1")
        #expect(arn.hasPrefix("arn:aws:lambda:us-east-1::runtime:") && arn.count == "arn:aws:lambda:us-east-1::runtime:".count + 64)
        #expect(arn != RuntimeVersion.arn(of: "python3.13", region: "us-east-1"))
        #expect(arn.dropFirst(34) == RuntimeVersion.arn(of: "python3.12", region: "eu-west-1").dropFirst(34))
    }
}
