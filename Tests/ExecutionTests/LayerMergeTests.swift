import Foundation
import Testing

@testable import Execution

/// The layers of a function merged into the one tree mounted at /opt: in the declared order, a later
/// layer's file or link replacing an earlier one's, directories united, files hard-linked, not copied.
@Suite("Layer merge")
struct LayerMergeTests {
    /// A layer's extracted tree: path → content, or `->target` for a link; a path ending in `/` is a directory.
    static func layer(_ entries: [String: String], in root: URL, named name: String) throws -> URL {
        let directory = root.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (path, content) in entries.sorted(by: { $0.key < $1.key }) {
            let url = directory.appendingPathComponent(path)
            if path.hasSuffix("/") {
                try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
                continue
            }
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            if content.hasPrefix("->") {
                try FileManager.default.createSymbolicLink(atPath: url.path, withDestinationPath: String(content.dropFirst(2)))
            } else {
                try Data(content.utf8).write(to: url)
            }
        }
        return directory
    }

    static func scratch() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("layer-merge-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        return root
    }

    static func contents(of url: URL) -> String? {
        (try? Data(contentsOf: url)).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func laterLayersWinAndDirectoriesAreUnited() throws {
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let first = try Self.layer(
            ["python/shared.py": "first", "python/only_first.py": "1", "bin/tool": "first tool", "lib/": ""], in: root, named: "1")
        let second = try Self.layer(
            ["python/shared.py": "second", "python/only_second.py": "2", "bin/tool": "->../python/shared.py"], in: root, named: "2")
        let third = try Self.layer(["python/only_first.py/": "", "lib": "now a file"], in: root, named: "3")
        let merged = root.appendingPathComponent("merged")
        try LayerMerge.merge([first, second, third], into: merged)

        #expect(Self.contents(of: merged.appendingPathComponent("python/shared.py")) == "second")
        #expect(Self.contents(of: merged.appendingPathComponent("python/only_second.py")) == "2")
        // A later directory replaces an earlier file, a later file an earlier directory.
        #expect(FileStatus(path: merged.appendingPathComponent("python/only_first.py").path)?.kind == .directory)
        #expect(Self.contents(of: merged.appendingPathComponent("lib")) == "now a file")
        // A later link replaces an earlier file, and is copied as a link.
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: merged.appendingPathComponent("bin/tool").path) == "../python/shared.py")
        #expect(Self.contents(of: merged.appendingPathComponent("bin/tool")) == "second")
    }

    @Test func theOrderDecides() throws {
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let a = try Self.layer(["python/shared.py": "a"], in: root, named: "a")
        let b = try Self.layer(["python/shared.py": "b"], in: root, named: "b")
        try LayerMerge.merge([a, b], into: root.appendingPathComponent("ab"))
        try LayerMerge.merge([b, a], into: root.appendingPathComponent("ba"))
        #expect(Self.contents(of: root.appendingPathComponent("ab/python/shared.py")) == "b")
        #expect(Self.contents(of: root.appendingPathComponent("ba/python/shared.py")) == "a")
    }

    @Test func filesAreHardLinksOfTheLayersFiles() throws {
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let a = try Self.layer(["bin/tool": "a"], in: root, named: "a")
        let b = try Self.layer(["lib/x.so": "b"], in: root, named: "b")
        try LayerMerge.merge([a, b], into: root.appendingPathComponent("merged"))
        var original = stat()
        var linked = stat()
        #expect(stat(a.appendingPathComponent("bin/tool").path, &original) == 0)
        #expect(stat(root.appendingPathComponent("merged/bin/tool").path, &linked) == 0)
        #expect(original.st_ino == linked.st_ino)
        #expect(linked.st_nlink == 2)
    }

    @Test func theTargetMustNotExist() throws {
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let a = try Self.layer(["x": "a"], in: root, named: "a")
        #expect(throws: SandboxError.self) { try LayerMerge.merge([a], into: a) }
    }

    @Test func theMergedTreeIsNamedByTheListInOrder() {
        let a = String(repeating: "a", count: 64)
        let b = String(repeating: "b", count: 64)
        #expect(ExecutionHost.mergedLayersKey([a]) == nil)
        #expect(ExecutionHost.mergedLayersKey([a, b]) != ExecutionHost.mergedLayersKey([b, a]))
        #expect(ExecutionHost.mergedLayersKey([a, b])?.count == 64)
    }
}
