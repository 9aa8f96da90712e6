/// One entry of a zip archive as its central directory and local header describe it, after the
/// two have been checked against each other.
///
/// Sizes and the CRC are *claims*: nothing is allocated from them, and inflation checks every
/// one of them against the bytes it actually produces.
struct ZipEntryRecord: Sendable, Hashable {
    /// The raw bytes of the entry's name.
    var name: [UInt8]
    var versionMadeBy: UInt16
    var flags: UInt16
    var method: UInt16
    var crc32: UInt32
    var compressedSize: Int
    var uncompressedSize: Int
    var externalAttributes: UInt32
    var localHeaderOffset: Int
    /// Where the compressed data starts, just after the local header.
    var dataOffset: Int

    /// The host system that wrote the entry (the high byte of "version made by").
    var hostSystem: UInt8 { UInt8(versionMadeBy >> 8) }

    /// The Unix `st_mode` in the external attributes, when a Unix-like host wrote one.
    var unixMode: UInt32? {
        // 3 is Unix, 19 is OS X; both store st_mode in the high 16 bits.
        guard hostSystem == 3 || hostSystem == 19 else { return nil }
        let mode = externalAttributes >> 16
        return mode == 0 ? nil : mode
    }

    /// Whether an MS-DOS host marked the entry as a directory.
    var dosDirectory: Bool { hostSystem == 0 && externalAttributes & 0x10 != 0 }

    /// The bytes the entry occupies in the archive: its local header and its data.
    var span: Range<Int> { localHeaderOffset..<(dataOffset + compressedSize) }
}

extension ZipEntryRecord {
    static let storedMethod: UInt16 = 0
    static let deflateMethod: UInt16 = 8
}

/// Where an entry's content lies in the archive, and what inflating it must give.
struct ZipEntryLocation: Sendable, Hashable {
    var dataOffset: Int
    var compressedSize: Int
    var method: UInt16
    var size: Int
    var crc32: UInt32
}

extension ZipEntryRecord {
    var location: ZipEntryLocation {
        ZipEntryLocation(
            dataOffset: dataOffset,
            compressedSize: compressedSize,
            method: method,
            size: uncompressedSize,
            crc32: crc32
        )
    }
}
