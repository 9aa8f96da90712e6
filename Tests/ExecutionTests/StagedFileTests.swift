import Foundation
import Testing

@testable import Execution

@Suite("Staged copies")
struct StagedFileTests {
    /// A copied tree keeps its files' modification times, down to the nanosecond, in subdirectories too: the
    /// interpreter trusts a compiled module only while its source has the time the cache recorded.
    @Test func aCopiedTreeKeepsModificationTimes() throws {
        let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("staged-\(UUID().uuidString)")
        let source = root.appendingPathComponent("source")
        try FileManager.default.createDirectory(at: source.appendingPathComponent("package/__pycache__"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let files = ["package/module.py", "package/__pycache__/module.cpython-311.pyc", "top.txt"]
        let recorded = Date(timeIntervalSince1970: 1_700_000_000.123456)
        for file in files {
            try Data(file.utf8).write(to: source.appendingPathComponent(file))
            try FileManager.default.setAttributes([.modificationDate: recorded], ofItemAtPath: source.appendingPathComponent(file).path)
        }

        let target = root.appendingPathComponent("target")
        try StagedFile.copyTree(source, to: target)

        for file in files {
            let copied = try FileManager.default.attributesOfItem(atPath: target.appendingPathComponent(file).path)
            let time = try #require(copied[.modificationDate] as? Date)
            #expect(abs(time.timeIntervalSince(recorded)) < 0.000_01, "\(file)")
            #expect(try Data(contentsOf: target.appendingPathComponent(file)) == Data(file.utf8))
        }
    }
}
