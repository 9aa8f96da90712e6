import BulwarkCore
import Foundation
import Testing

@testable import Lambda

@Suite("Deployment package: limits")
struct DeploymentPackageLimitTests {
    static let text = String(repeating: "exports.handler = async () => 'hello';\n", count: 100)
    static let valid = TestZip([.file("bootstrap", "#!/bin/sh\n", mode: 0o755), .file("index.js", text)])

    static func limits(_ change: (inout DeploymentPackage.Limits) -> Void) -> DeploymentPackage.Limits {
        var limits = DeploymentPackage.Limits.aws
        change(&limits)
        return limits
    }

    @Test func holdsAWSsQuotas() {
        #expect(DeploymentPackage.Limits.aws.zippedSize == 52_428_800)
        #expect(DeploymentPackage.Limits.aws.unzippedSize == 262_144_000)
    }

    @Test func refusesAZipFileAtTheZippedLimit() throws {
        let zip = Self.valid.data
        let refusal = PackageRefusalCase(
            name: "zipped size", zip: zip, message: "Zipped size must be smaller than \(zip.count) bytes", exact: true,
            limits: Self.limits { $0.zippedSize = zip.count }, code: "RequestEntityTooLargeException", status: 413
        )
        refusal.check()
        _ = try DeploymentPackage.inspect(zip, limits: Self.limits { $0.zippedSize = zip.count + 1 })
    }

    @Test func refusesAPackageAtTheUnzippedLimitInAWSsWords() throws {
        let zip = Self.valid.data
        let size = 10 + Self.text.utf8.count
        let refusal = PackageRefusalCase(
            name: "unzipped size", zip: zip, message: "Unzipped size must be smaller than \(size) bytes", exact: true,
            limits: Self.limits { $0.unzippedSize = size }
        )
        refusal.check()
        let package = try DeploymentPackage.inspect(zip, limits: Self.limits { $0.unzippedSize = size + 1 })
        #expect(package.unzippedSize == size)
    }

    @Test func countsEntriesAgainstTheEntryLimit() throws {
        let entries = (0..<4).map { TestZip.Entry.file("f\($0)", "x") }
        let limits = Self.limits { $0.entryCount = 3 }
        PackageRefusalCase(
            name: "4 entries", zip: TestZip(entries).data, message: "more than 3 entries", limits: limits
        ).check()
        _ = try DeploymentPackage.inspect(TestZip(Array(entries.prefix(3))).data, limits: limits)
    }

    @Test func countsImpliedDirectoriesAgainstTheEntryLimit() throws {
        let limits = Self.limits { $0.entryCount = 3 }
        let deep = TestZip([.file("a/b/c/d", "x")]).data
        PackageRefusalCase(name: "deep", zip: deep, message: "more than 3 entries", limits: limits).check()
        _ = try DeploymentPackage.inspect(TestZip([.file("a/b/c", "x")]).data, limits: limits)
    }

    @Test func refusesAnEntryCountThatItDoesNotReadFirst() {
        // The end record claims 11 entries; the directory is never parsed.
        var zip = Self.valid.data
        zip.replaceSubrange((zip.count - 14)..<(zip.count - 10), with: le16(11) + le16(11))
        let limits = Self.limits { $0.entryCount = 10 }
        PackageRefusalCase(name: "claimed", zip: zip, message: "more than 10 entries", limits: limits).check()
    }

    @Test(arguments: [
        ("abcd/efgh/ij", "is longer than 10 bytes"),
        ("ab/cd/ef/gh", "is longer than 10 bytes"),
        ("abcde/f", "has a component longer than 4 bytes"),
    ])
    func appliesPathLimits(name: String, reason: String) throws {
        let limits = Self.limits {
            $0.pathLength = 10
            $0.pathComponentLength = 4
        }
        PackageRefusalCase(name: name, zip: TestZip([.file(name, "x")]).data, message: reason, limits: limits).check()
        _ = try DeploymentPackage.inspect(TestZip([.file("abcd/efgh", "x")]).data, limits: limits)
    }

    @Test func refusesAnEntryThatExpandsPastTheRatio() throws {
        let limits = Self.limits {
            $0.compressionRatio = 10
            $0.ratioExemptSize = 1000
        }
        let repetitive = TestZip([.file("a.txt", String(repeating: "a", count: 5000))]).data
        PackageRefusalCase(
            name: "ratio", zip: repetitive, message: "the entry 'a.txt' expands more than 10 times its compressed size",
            limits: limits
        ).check()
        // The same file below the exemption passes.
        _ = try DeploymentPackage.inspect(
            TestZip([.file("a.txt", String(repeating: "a", count: 1000))]).data, limits: limits)
    }

    @Test func refusesAPackageThatExpandsPastTheOverallRatio() throws {
        let limits = Self.limits {
            $0.overallCompressionRatio = 5
            $0.ratioExemptSize = 1000
        }
        let zip = Self.valid.data
        PackageRefusalCase(
            name: "overall", zip: zip, message: "the archive expands more than 5 times its size", limits: limits
        )
        .check()
        _ = try DeploymentPackage.inspect(zip, limits: Self.limits { $0.overallCompressionRatio = 5 })
    }
}
