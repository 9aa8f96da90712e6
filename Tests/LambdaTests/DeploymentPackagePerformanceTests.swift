import Foundation
import Testing

@testable import Lambda

@Suite("Deployment package: a realistic package")
struct DeploymentPackagePerformanceTests {
    static let bootstrap = "#!/bin/sh\nexec python3 -m awslambdaric app.handler\n"

    /// A package shaped like a Python function with its dependencies: 1 000 source files of
    /// varied text (deflated) and 15 incompressible 1 MiB native libraries (stored, as `zip`
    /// stores what deflate cannot shrink). About 30 MB zipped, 65 MB unzipped.
    static func realisticPackage() -> TestZip {
        var random = SystemRandomNumberGenerator()
        let words = (0..<2000).map { index in
            String((0..<(3 + index % 9)).map { _ in "abcdefghijklmnopqrstuvwxyz_".randomElement(using: &random)! })
        }
        var text = ""
        while text.utf8.count < 2 * 1024 * 1024 {
            text += "    " + (0..<10).map { _ in words.randomElement(using: &random)! }.joined(separator: " ") + "\n"
        }
        let source = Array(text.utf8)
        var entries: [TestZip.Entry] = [.file("bootstrap", bootstrap, mode: 0o755)]
        for index in 0..<1000 {
            let start = (index * 7919) % (source.count - 60_000)
            entries.append(
                .file("python/pkg\(index / 50)/module\(index).py", bytes: Array(source[start..<(start + 50_000)])))
        }
        for index in 0..<15 {
            var library = [UInt8](repeating: 0, count: 1 << 20)
            library.withUnsafeMutableBytes { bytes in
                for offset in stride(from: 0, to: bytes.count, by: 8) {
                    bytes.storeBytes(of: random.next(), toByteOffset: offset, as: UInt64.self)
                }
            }
            entries.append(.file("python/lib/native\(index).so", bytes: library, mode: 0o755, method: 0))
        }
        return TestZip(entries)
    }

    /// Logs how long inspection and extraction take; timing is reported, never asserted.
    @Test func inspectsAndExtractsARealisticPackage() throws {
        let zip = Self.realisticPackage().data
        let started = ContinuousClock.now
        let package = try DeploymentPackage.inspect(zip)
        let inspected = ContinuousClock.now
        #expect(package.entryCount == 1016)
        #expect(package.unzippedSize == 1000 * 50_000 + 15 * (1 << 20) + Self.bootstrap.utf8.count)

        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-zip-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        try package.extract(to: scratch)
        let extracted = ContinuousClock.now
        print(
            "DeploymentPackage: \(zip.count) bytes zipped, \(package.unzippedSize) unzipped, \(package.entryCount) entries:"
                + " inspect \(inspected - started), extract \(extracted - inspected)"
        )
    }
}
