import Foundation
import ZIPFoundation

/// A zip writer for tests, with a say over every field so that malformed and hostile archives
/// can be built byte by byte. Deflate and CRC-32 come from ZIPFoundation (that is, from zlib).
struct TestZip {
    struct Entry {
        /// The raw name, in the central directory and (unless `localName` is set) the local header.
        var name: [UInt8]
        var content: [UInt8]
        var method: UInt16 = 8
        /// The Unix `st_mode` stored in the external attributes; nil writes an MS-DOS entry.
        var mode: UInt32? = 0o100644
        var dosAttributes: UInt32 = 0
        var flags: UInt16 = 0x0800
        /// Raw entry data to store instead of compressing `content`.
        var data: [UInt8]?
        var crc: UInt32?
        var declaredSize: Int?
        var localName: [UInt8]?

        static func file(_ name: String, _ content: String, mode: UInt32 = 0o644) -> Entry {
            file(name, bytes: Array(content.utf8), mode: mode)
        }

        static func file(_ name: String, bytes: [UInt8], mode: UInt32 = 0o644, method: UInt16 = 8) -> Entry {
            Entry(name: Array(name.utf8), content: bytes, method: method, mode: 0o100000 | mode)
        }

        static func directory(_ name: String, mode: UInt32 = 0o755) -> Entry {
            let name = name.hasSuffix("/") ? name : name + "/"
            return Entry(name: Array(name.utf8), content: [], method: 0, mode: 0o040000 | mode)
        }

        static func symlink(_ name: String, to target: String) -> Entry {
            Entry(name: Array(name.utf8), content: Array(target.utf8), method: 0, mode: 0o120777)
        }

        /// The bytes stored for the entry.
        var stored: [UInt8] {
            if let data { return data }
            return method == 8 ? TestZip.deflate(content) : content
        }

        var checksum: UInt32 { crc ?? TestZip.crc32(content) }
        var size: Int { declaredSize ?? content.count }
    }

    var entries: [Entry]
    /// Writes ZIP64 extra fields, a ZIP64 end record and its locator.
    var zip64 = false
    var comment: [UInt8] = []

    init(_ entries: [Entry], zip64: Bool = false) {
        self.entries = entries
        self.zip64 = zip64
    }

    var data: Data {
        var archive: [UInt8] = []
        var directory: [UInt8] = []
        for entry in entries {
            let stored = entry.stored
            let offset = archive.count
            archive += localHeader(entry, stored: stored) + stored
            directory += centralHeader(entry, stored: stored, offset: offset)
        }
        let directoryOffset = archive.count
        archive += directory
        if zip64 {
            let recordOffset = archive.count
            archive += zip64End(count: entries.count, size: directory.count, offset: directoryOffset)
            archive += zip64Locator(recordOffset: recordOffset)
            archive += end(count: 0xFFFF, size: 0xFFFF_FFFF, offset: 0xFFFF_FFFF)
        } else {
            archive += end(count: entries.count, size: directory.count, offset: directoryOffset)
        }
        return Data(archive)
    }

    func localHeader(_ entry: Entry, stored: [UInt8]) -> [UInt8] {
        let name = entry.localName ?? entry.name
        var extra: [UInt8] = []
        if zip64 { extra = le16(1) + le16(16) + le64(UInt64(entry.size)) + le64(UInt64(stored.count)) }
        var header = le32(0x0403_4B50) + le16(zip64 ? 45 : 20) + le16(entry.flags) + le16(entry.method)
        header += le16(0) + le16(0x21) + le32(entry.checksum)
        header += zip64 ? le32(0xFFFF_FFFF) + le32(0xFFFF_FFFF) : le32(UInt32(stored.count)) + le32(UInt32(entry.size))
        return header + le16(UInt16(name.count)) + le16(UInt16(extra.count)) + name + extra
    }

    func centralHeader(_ entry: Entry, stored: [UInt8], offset: Int) -> [UInt8] {
        var extra: [UInt8] = []
        if zip64 {
            extra = le16(1) + le16(24) + le64(UInt64(entry.size)) + le64(UInt64(stored.count)) + le64(UInt64(offset))
        }
        let madeBy: UInt16 = entry.mode == nil ? 0x0014 : 0x031E
        let attributes = (entry.mode ?? 0) << 16 | entry.dosAttributes
        var header = le32(0x0201_4B50) + le16(madeBy) + le16(zip64 ? 45 : 20) + le16(entry.flags) + le16(entry.method)
        header += le16(0) + le16(0x21) + le32(entry.checksum)
        header += zip64 ? le32(0xFFFF_FFFF) + le32(0xFFFF_FFFF) : le32(UInt32(stored.count)) + le32(UInt32(entry.size))
        header += le16(UInt16(entry.name.count)) + le16(UInt16(extra.count)) + le16(0) + le16(0) + le16(0)
        header += le32(attributes) + (zip64 ? le32(0xFFFF_FFFF) : le32(UInt32(offset)))
        return header + entry.name + extra
    }

    func end(count: Int, size: Int, offset: Int) -> [UInt8] {
        le32(0x0605_4B50) + le16(0) + le16(0) + le16(UInt16(count)) + le16(UInt16(count))
            + le32(UInt32(size)) + le32(UInt32(offset)) + le16(UInt16(comment.count)) + comment
    }

    func zip64End(count: Int, size: Int, offset: Int) -> [UInt8] {
        le32(0x0606_4B50) + le64(44) + le16(45) + le16(45) + le32(0) + le32(0)
            + le64(UInt64(count)) + le64(UInt64(count)) + le64(UInt64(size)) + le64(UInt64(offset))
    }

    func zip64Locator(recordOffset: Int) -> [UInt8] {
        le32(0x0706_4B50) + le32(0) + le64(UInt64(recordOffset)) + le32(1)
    }

    // MARK: - Helpers

    static func deflate(_ bytes: [UInt8]) -> [UInt8] {
        let input = Data(bytes)
        var output = Data()
        _ = try! Data.compress(
            size: Int64(input.count), bufferSize: 64 * 1024,
            provider: { position, size in
                input.subdata(in: Int(position)..<(Int(position) + size))
            }, consumer: { output.append($0) })
        return Array(output)
    }

    /// Raw deflate of `size` zero bytes, produced without holding them in memory.
    static func deflatedZeros(_ size: Int) -> [UInt8] {
        let chunk = Data(count: 1 << 20)
        var output = Data()
        _ = try! Data.compress(
            size: Int64(size), bufferSize: 1 << 20,
            provider: { _, size in
                chunk.prefix(size)
            }, consumer: { output.append($0) })
        return Array(output)
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        Data(bytes).crc32(checksum: 0)
    }
}

func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> ($0 * 8)) & 0xFF) } }
func le64(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8((value >> ($0 * 8)) & 0xFF) } }
