import AWSWire
import BulwarkCore
import Foundation
import IAM
import Store
import Testing

@testable import Lambda

/// A layer version of another account is used only as its policy allows (decision 0036): the
/// version's statements are its resource policy, judged with the caller's own policies, for the
/// layer operations and for a function that names the version in `Layers`.
@Suite("Layer sharing across accounts")
struct LayerSharingTests {
    static let owner = "210987654321"

    struct Setting {
        let bench: AuthorizationBench
        let caller: Principal
        let layer: LayerKey
        var versionARN: String { "arn:aws:lambda:us-east-1:\(LayerSharingTests.owner):layer:shared:1" }

        /// Whether the caller may GetLayerVersion, GetLayerVersionByArn, and create a function naming it.
        func allowed() async throws -> [Bool] {
            let lambda = bench.service(.lambda)
            let calls: [(String, JSONValue)] = [
                (
                    "GetLayerVersion",
                    .object(["LayerName": .string("arn:aws:lambda:us-east-1:\(LayerSharingTests.owner):layer:shared"), "VersionNumber": .int(1)])
                ),
                ("GetLayerVersionByArn", .object(["Arn": .string(versionARN)])),
                (
                    "CreateFunction",
                    .object([
                        "FunctionName": .string("user"), "Role": .string(bench.samples.roleARN), "Runtime": .string("python3.12"),
                        "Handler": .string("app.handler"), "Code": .object(["ZipFile": .string("UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==")]),
                        "Layers": .array([.string(versionARN)]),
                    ])
                ),
            ]
            var outcomes: [Bool] = []
            for (name, input) in calls {
                let operation = try #require(lambda.operations.first { $0.name == name })
                let call = await bench.call(operation, input: input, by: caller)
                #expect(call.resolution?.resources.contains { $0.arn == versionARN && $0.exists } == true, "\(name) resolved the version")
                outcomes.append(call.outcome?.isAllowed == true)
            }
            return outcomes
        }

        /// The versions ListLayerVersions of the owner's layer shows the caller.
        func listed() async throws -> [Int64] {
            let operation = try #require(bench.service(.lambda).operations.first { $0.name == "ListLayerVersions" })
            let input = JSONValue.object(["LayerName": .string("arn:aws:lambda:us-east-1:\(LayerSharingTests.owner):layer:shared")])
            let call = await bench.call(operation, input: input, by: caller)
            guard case .success(let answer) = call.handled, case .array(let versions)? = answer["LayerVersions"] else {
                Issue.record("ListLayerVersions failed: \(String(describing: call.handled))")
                return []
            }
            return versions.compactMap { if case .int(let number)? = $0["Version"] { number } else { nil } }
        }

        func share(_ sid: String, with principal: String, organization: String? = nil) async throws {
            try await bench.database.layers.add(
                LayerStatementRecord(statementID: sid, action: "lambda:GetLayerVersion", principal: principal, organizationID: organization),
                to: layer, 1, expectedRevision: nil, newRevision: UUID().uuidString)
        }

        func unshare(_ sid: String) async throws {
            try await bench.database.layers.remove(statementID: sid, from: layer, 1, expectedRevision: nil, newRevision: UUID().uuidString)
        }
    }

    static func setting(callerPolicy: String) async throws -> Setting {
        let bench = try await AuthorizationBench.make()
        let caller = try await bench.user()
        try await bench.grant(callerPolicy, to: caller)
        let layer = LayerKey(accountID: owner, region: "us-east-1", name: "shared")
        _ = try await bench.database.layers.publish(layer) { number in
            LayerVersionRecord(
                key: layer, version: number, description: "", licenseInfo: nil, compatibleRuntimes: [], compatibleArchitectures: [],
                codeSHA256: String(repeating: "0", count: 64), codeSize: 0, unzippedSize: 0, createdAt: Date())
        }
        return Setting(bench: bench, caller: caller, layer: layer)
    }

    static let allowEverything = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#

    @Test func anotherAccountsVersionIsUsableOnlyWhenItsPolicyAllowsTheCallersAccount() async throws {
        let setting = try await Self.setting(callerPolicy: Self.allowEverything)
        #expect(try await setting.allowed() == [false, false, false])
        // A statement for yet another account allows nothing here.
        try await setting.share("other", with: "111122223333")
        #expect(try await setting.allowed() == [false, false, false])
        #expect(try await setting.listed() == [])
        try await setting.share("caller", with: setting.bench.accountID)
        #expect(try await setting.allowed() == [true, true, true])
        #expect(try await setting.listed() == [1])
        try await setting.unshare("caller")
        #expect(try await setting.allowed() == [false, false, false])
        try await setting.share("root", with: "arn:aws:iam::\(setting.bench.accountID):root")
        #expect(try await setting.allowed() == [true, true, true])
    }

    @Test func everyoneMeansEveryAccountButAnOrganizationConditionMatchesNone() async throws {
        let setting = try await Self.setting(callerPolicy: Self.allowEverything)
        try await setting.share("org", with: "*", organization: "o-abcdefghij")
        #expect(try await setting.allowed() == [false, false, false])
        try await setting.share("everyone", with: "*")
        #expect(try await setting.allowed() == [true, true, true])
    }

    @Test func theCallersOwnPoliciesMustAllowToo() async throws {
        // Across accounts both sides must allow: a grant to the account does not stand for the user's policies.
        let denyingLayers =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},"#
            + #"{"Effect":"Deny","Action":"lambda:GetLayerVersion","Resource":"*"}]}"#
        let setting = try await Self.setting(callerPolicy: denyingLayers)
        try await setting.share("everyone", with: "*")
        #expect(try await setting.allowed() == [false, false, false])
    }
}
