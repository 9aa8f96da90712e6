import BulwarkCore
import Foundation
import Testing

@testable import Lambda

/// One archive that must be refused, and how.
struct PackageRefusalCase: Sendable, CustomTestStringConvertible {
    var name: String
    var zip: Data
    /// The whole message for AWS's own errors, a fragment for Bulwark's.
    var message: String
    var exact = false
    var limits = DeploymentPackage.Limits.aws
    var code = "InvalidParameterValueException"
    var status = 400

    var testDescription: String { name }

    static let couldNotUnzip = "Could not unzip uploaded file. Please check your file, then try to upload again."

    static func corrupt(_ name: String, _ zip: Data) -> Self {
        Self(name: name, zip: zip, message: couldNotUnzip, exact: true)
    }

    static func refused(_ name: String, _ entries: [TestZip.Entry], _ message: String) -> Self {
        Self(name: name, zip: TestZip(entries).data, message: message)
    }

    func check() {
        let error = #expect(throws: AWSError.self) { try DeploymentPackage.inspect(zip, limits: limits) }
        guard let error else { return }
        #expect(error.code == code)
        #expect(error.status == status)
        if exact {
            #expect(error.message == message)
        } else {
            #expect(error.message.contains(message), "\(error.message)")
            #expect(error.message.hasPrefix("Could not unzip uploaded file: "))
        }
    }
}

/// Writes `bytes` over `data` at `offset`.
func patched(_ data: Data, at offset: Int, _ bytes: [UInt8]) -> Data {
    var data = data
    data.replaceSubrange(offset..<(offset + bytes.count), with: bytes)
    return data
}

@Suite("Deployment package: refusals")
struct DeploymentPackageRefusalTests {
    static let text = String(repeating: "exports.handler = async () => 'hello';\n", count: 20)
    static let valid = TestZip([.file("bootstrap", "#!/bin/sh\n", mode: 0o755), .file("index.js", text)])

    static func with(_ change: (inout TestZip.Entry) -> Void) -> Data {
        var zip = valid
        change(&zip.entries[1])
        return zip.data
    }

    /// `valid` with its second entry stored rather than deflated, then changed.
    static func stored(_ change: (inout TestZip.Entry) -> Void) -> Data {
        with {
            $0.method = 0
            change(&$0)
        }
    }

    /// `valid` with its second entry's bytes labelled with another compression method.
    static func method(_ method: UInt16) -> Data {
        with {
            $0.method = method
            $0.data = $0.content
        }
    }

    @Test func theBaseArchiveOfTheseCasesIsValid() throws {
        _ = try DeploymentPackage.inspect(Self.valid.data)
    }

    static let valid64: Data = {
        var zip = valid
        zip.zip64 = true
        return zip.data
    }()

    /// Offset of the end of central directory record in `valid` (no comment), whose central
    /// directory is two headers of 46 bytes plus the names `bootstrap` and `index.js`: 109 bytes.
    static let end = valid.data.count - 22

    static let directoryWithContent: TestZip.Entry = {
        var entry = TestZip.Entry.directory("e")
        entry.content = [1]
        return entry
    }()

    @Test(arguments: [
        PackageRefusalCase.corrupt("text, not a zip", Data("this is not a zip file".utf8)),
        .corrupt("a lone signature", Data([0x50, 0x4B, 0x05, 0x06])),
        .corrupt("cut in half", valid.data.prefix(valid.data.count / 2)),
        .corrupt("last byte missing", valid.data.dropLast()),
        .corrupt("junk after the end record", valid.data + Data([0])),
        .corrupt("junk before the archive", Data([0]) + valid.data),
        .corrupt("wrong CRC", with { $0.crc = 0xDEAD_BEEF }),
        .corrupt("a stored byte changed", stored { $0.data = Array("X".utf8) + $0.content.dropFirst() }),
        .corrupt("not a deflate stream", with { $0.data = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] }),
        .corrupt("truncated deflate stream", with { $0.data = TestZip.deflate($0.content).dropLast(3) }),
        .corrupt("bytes after the deflate stream", with { $0.data = TestZip.deflate($0.content) + [0, 0, 0] }),
        .corrupt("declared size too large", with { $0.declaredSize = $0.content.count + 1 }),
        .corrupt("declared size too small", with { $0.declaredSize = $0.content.count - 1 }),
        .corrupt("stored sizes that differ", stored { $0.declaredSize = $0.content.count + 1 }),
        .corrupt("local name differs from central name", with { $0.localName = Array("other.js".utf8) }),
        .corrupt("directory with content", TestZip([.directory("d"), directoryWithContent]).data),
        .corrupt("multi-disk archive", patched(valid.data, at: end + 4, le16(1))),
        .corrupt("entry count too high", patched(valid.data, at: end + 8, le16(3) + le16(3))),
        .corrupt("entry count too low", patched(valid.data, at: end + 8, le16(1) + le16(1))),
        .corrupt("entries on disk differ from total", patched(valid.data, at: end + 8, le16(1))),
        .corrupt("central directory offset off by one", patched(valid.data, at: end + 16, le32(UInt32(end - 109 + 1)))),
        .corrupt("comment length beyond the end", patched(valid.data, at: end + 20, le16(1))),
        .corrupt("local header offset beyond the data", patched(valid.data, at: end - 46 - 8 + 42, le32(0xFFFF))),
        .corrupt("ZIP64 locator pointing nowhere", patched(valid64, at: valid64.count - 22 - 20 + 8, le64(3))),
        .corrupt(
            "ZIP64 record disagreeing with the end record", patched(valid64, at: valid64.count - 22 + 10, le16(1))),
    ])
    func refusesWhatIsNotAReadableZip(_ refusal: PackageRefusalCase) {
        refusal.check()
    }

    @Test(arguments: [
        PackageRefusalCase(name: "traditional encryption", zip: with { $0.flags |= 0x0001 }, message: "is encrypted"),
        .init(name: "strong encryption", zip: with { $0.flags |= 0x0040 }, message: "is encrypted"),
        .init(name: "encrypted central directory", zip: with { $0.flags |= 0x2000 }, message: "is encrypted"),
        .init(name: "AES (method 99)", zip: method(99), message: "is encrypted"),
        .init(name: "bzip2", zip: method(12), message: "uses compression method 12"),
        .init(name: "LZMA", zip: method(14), message: "uses compression method 14"),
        .init(name: "Zstandard", zip: method(93), message: "uses compression method 93"),
        .init(name: "shrink", zip: method(1), message: "uses compression method 1;"),
    ])
    func refusesEncryptionAndUnsupportedCompression(_ refusal: PackageRefusalCase) {
        refusal.check()
    }

    @Test(arguments: [
        ("/etc/passwd", "is absolute"),
        ("../evil", "contains '..'"),
        ("a/../../evil", "contains '..'"),
        ("a/../b", "contains '..'"),
        ("a/..", "contains '..'"),
        ("..\\evil", "contains a backslash"),
        ("a\\b", "contains a backslash"),
        ("C:/Windows/evil", "starts with a drive letter"),
        ("c:evil", "starts with a drive letter"),
        ("a\0b", "contains a NUL byte"),
        ("", "is empty"),
        (".", "names the package root"),
        (String(repeating: "x", count: 256), "has a component longer than 255 bytes"),
        (String(repeating: "abcdefg/", count: 500) + "end", "is longer than 4000 bytes"),
    ])
    func refusesPathsThatCouldLeaveThePackage(name: String, reason: String) {
        // "." is a file here: as a directory it is the package root, which is allowed.
        PackageRefusalCase.refused(name, [.file(name, "x")], reason).check()
    }

    @Test(arguments: [
        ("invalid UTF-8", [0x66, 0xFF, 0x66] as [UInt8], "is not valid UTF-8"),
        ("a NUL at the end", [0x66, 0x00], "contains a NUL byte"),
    ])
    func refusesRawNames(_ description: String, name: [UInt8], reason: String) {
        var entry = TestZip.Entry.file("x", "x")
        entry.name = name
        PackageRefusalCase.refused(description, [entry], reason).check()
    }

    @Test(arguments: [
        ("a file twice", [TestZip.Entry.file("a", "1"), .file("a", "2")], "the path 'a' appears more than once"),
        ("a directory twice", [.directory("a"), .directory("a")], "the path 'a' appears more than once"),
        ("a file and a directory", [.file("a", "1"), .directory("a")], "the path 'a' appears more than once"),
        (
            "an implied directory, then a file", [.file("a/b", "1"), .file("a", "2")],
            "the path 'a' appears more than once"
        ),
        ("the same path spelt with ./", [.file("./a", "1"), .file("a", "2")], "the path 'a' appears more than once"),
        (
            "the same path spelt with //", [.file("d//a", "1"), .file("d/a", "2")],
            "the path 'd/a' appears more than once"
        ),
        (
            "a file, then an entry inside it", [.file("a", "1"), .file("a/b", "2")],
            "'a/b' is inside 'a', which is not a directory"
        ),
        (
            "an entry inside a link", [.directory("d"), .symlink("l", to: "d"), .file("l/x", "2")],
            "'l/x' is inside 'l', which is not a directory"
        ),
        (
            "an entry through an outside link", [.symlink("l", to: "/tmp"), .file("l/x", "2")],
            "'l/x' is inside 'l', which is not a directory"
        ),
    ])
    func refusesDuplicatesAndEntriesInsideNonDirectories(
        _ description: String, entries: [TestZip.Entry], message: String
    ) {
        PackageRefusalCase.refused(description, entries, message).check()
    }

    @Test(arguments: [
        ("absolute", ["l": "/etc/passwd"], "the symbolic link 'l' to '/etc/passwd' is absolute"),
        ("up from the root", ["l": "../x"], "leads outside the package"),
        ("up from a directory", ["d/l": "../../x"], "leads outside the package"),
        ("up and back in", ["l": "../task/x"], "leads outside the package"),
        ("up through a missing name", ["d/l": "missing/../../.."], "leads outside the package"),
        ("up through another link", ["d/up": "..", "l": "d/up/.."], "leads outside the package"),
        (
            "through a link that escapes", ["d/out": "../..", "l": "d/out/x"],
            "the symbolic link 'd/out' to '../..' leads outside"
        ),
        ("into a loop", ["a": "b", "b": "a"], "forms a loop"),
        ("to itself", ["self": "self"], "forms a loop"),
        ("through itself", ["d/self": "self/x"], "forms a loop"),
        ("with a NUL byte", ["l": "d\0x"], "contains a NUL byte, a backslash or invalid UTF-8"),
        ("with a backslash", ["l": "..\\x"], "contains a NUL byte, a backslash or invalid UTF-8"),
        ("with an empty target", ["l": ""], "has a target that is empty or longer than 4000 bytes"),
        (
            "with a long target", ["l": String(repeating: "./", count: 2001)],
            "has a target that is empty or longer than 4000 bytes"
        ),
    ])
    func refusesLinksThatLeaveThePackage(_ description: String, links: [String: String], message: String) {
        var entries: [TestZip.Entry] = [.directory("d"), .file("d/f", "x")]
        for (path, target) in links.sorted(by: { $0.key < $1.key }) { entries.append(.symlink(path, to: target)) }
        PackageRefusalCase.refused(description, entries, message).check()
    }

    @Test func refusesLinkChainsLongerThanTheKernelFollows() throws {
        let chain =
            (0...40).map { TestZip.Entry.symlink("l\($0)", to: $0 == 40 ? "f" : "l\($0 + 1)") } + [.file("f", "x")]
        PackageRefusalCase.refused("41 links", chain, "passes through too many links").check()
        _ = try DeploymentPackage.inspect(TestZip(Array(chain.dropFirst())).data)
    }

    @Test(arguments: [
        ("character device", 0o020644 as UInt32), ("block device", 0o060644), ("FIFO", 0o010644),
        ("socket", 0o140644), ("unknown type", 0o170644),
    ])
    func refusesSpecialFiles(_ description: String, mode: UInt32) {
        var entry = TestZip.Entry.file("dev", "")
        entry.mode = mode
        PackageRefusalCase.refused(description, [entry], "is a device, FIFO or socket").check()
    }

    @Test(arguments: [("file", 0o100644 as UInt32), ("link", 0o120777)])
    func refusesANonDirectoryNamedLikeADirectory(_ description: String, mode: UInt32) {
        var entry = TestZip.Entry.file("x/", "target")
        entry.mode = mode
        PackageRefusalCase.refused(description, [entry], "ends with '/' but is not a directory").check()
    }
}
