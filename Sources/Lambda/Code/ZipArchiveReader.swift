import BulwarkCore

/// Reads the structure of a zip archive (end of central directory, ZIP64 records, central
/// directory, local headers) and refuses anything inconsistent.
///
/// Written for hostile input: every offset and length is checked against the bytes that exist
/// before it is used, arithmetic cannot overflow, the central directory must exactly fill the
/// space the end record gives it, each local header must agree with its central record, and no
/// two entries may share bytes (the "overlapping files" zip bomb). It reads; it never inflates.
struct ZipArchiveReader {
    let bytes: UnsafeRawBufferPointer
    let maxEntries: Int

    private static let localHeaderSignature: UInt32 = 0x0403_4B50
    private static let centralHeaderSignature: UInt32 = 0x0201_4B50
    private static let endSignature: UInt32 = 0x0605_4B50
    private static let zip64EndSignature: UInt32 = 0x0606_4B50
    private static let zip64LocatorSignature: UInt32 = 0x0706_4B50
    private static let localHeaderSize = 30
    private static let centralHeaderSize = 46
    private static let endSize = 22
    private static let zip64EndSize = 56
    private static let zip64LocatorSize = 20

    /// The entries in central-directory order. Throws `PackageRefusal` errors.
    func entries() throws -> [ZipEntryRecord] {
        let directory = try centralDirectory()
        guard directory.count <= maxEntries else { throw PackageRefusal.tooManyEntries(limit: maxEntries) }
        // Every central header takes at least 46 bytes: a count the directory cannot hold is a lie.
        guard directory.count <= directory.size / Self.centralHeaderSize else { throw PackageRefusal.couldNotUnzip }
        var records: [ZipEntryRecord] = []
        records.reserveCapacity(directory.count)
        var position = directory.offset
        let end = directory.offset + directory.size
        for _ in 0..<directory.count {
            let (record, next) = try centralRecord(at: position, end: end, dataEnd: directory.offset)
            records.append(record)
            position = next
        }
        guard position == end else { throw PackageRefusal.couldNotUnzip }
        try Self.refuseOverlaps(records)
        return records
    }

    // MARK: - End of central directory

    private struct CentralDirectory {
        var count: Int
        var size: Int
        var offset: Int
    }

    private func centralDirectory() throws -> CentralDirectory {
        let end = try endRecordOffset()
        guard u16(end + 4) == 0, u16(end + 6) == 0 else { throw PackageRefusal.couldNotUnzip }  // multi-disk
        var entriesOnDisk = Int(u16(end + 8))
        var count = Int(u16(end + 10))
        var size = Int(u32(end + 12))
        var offset = Int(u32(end + 16))
        var directoryEnd = end

        let locator = end - Self.zip64LocatorSize
        if locator >= 0, u32(locator) == Self.zip64LocatorSignature {
            guard u32(locator + 4) == 0, u32(locator + 16) <= 1 else { throw PackageRefusal.couldNotUnzip }
            let record = try integer(u64(locator + 8))
            guard fits(record, Self.zip64EndSize, within: locator),
                u32(record) == Self.zip64EndSignature,
                try integer(u64(record + 4)) == locator - record - 12,
                u32(record + 16) == 0, u32(record + 20) == 0
            else { throw PackageRefusal.couldNotUnzip }
            // Fields the end record does not saturate must agree, or two readers see two archives.
            func merged(_ short: Int, saturated: Int, _ long: UInt64) throws -> Int {
                let value = try integer(long)
                guard short == saturated || short == value else { throw PackageRefusal.couldNotUnzip }
                return value
            }
            entriesOnDisk = try merged(entriesOnDisk, saturated: 0xFFFF, u64(record + 24))
            count = try merged(count, saturated: 0xFFFF, u64(record + 32))
            size = try merged(size, saturated: 0xFFFF_FFFF, u64(record + 40))
            offset = try merged(offset, saturated: 0xFFFF_FFFF, u64(record + 48))
            directoryEnd = record
        }
        guard entriesOnDisk == count, fits(offset, size, within: directoryEnd), offset + size == directoryEnd else {
            throw PackageRefusal.couldNotUnzip
        }
        return CentralDirectory(count: count, size: size, offset: offset)
    }

    /// The end record is the last signature whose comment reaches exactly the end of the file.
    private func endRecordOffset() throws -> Int {
        guard bytes.count >= Self.endSize else { throw PackageRefusal.couldNotUnzip }
        let last = bytes.count - Self.endSize
        let first = max(0, last - Int(UInt16.max))
        for candidate in stride(from: last, through: first, by: -1)
        where u32(candidate) == Self.endSignature && Int(u16(candidate + 20)) == last - candidate {
            return candidate
        }
        throw PackageRefusal.couldNotUnzip
    }

    // MARK: - Central and local headers

    private func centralRecord(at position: Int, end: Int, dataEnd: Int) throws -> (ZipEntryRecord, Int) {
        guard fits(position, Self.centralHeaderSize, within: end), u32(position) == Self.centralHeaderSignature else {
            throw PackageRefusal.couldNotUnzip
        }
        let nameLength = Int(u16(position + 28))
        let extraLength = Int(u16(position + 30))
        let commentLength = Int(u16(position + 32))
        let nameStart = position + Self.centralHeaderSize
        let next = nameStart + nameLength + extraLength + commentLength
        guard next <= end else { throw PackageRefusal.couldNotUnzip }
        let name = Array(bytes[nameStart..<(nameStart + nameLength)])

        let flags = u16(position + 8)
        let method = u16(position + 10)
        // Bit 0: encrypted; bit 6: strong encryption; bit 13: encrypted central directory; 99: AES.
        guard flags & 0x2041 == 0, method != 99 else { throw PackageRefusal.encrypted(name) }
        guard method == ZipEntryRecord.storedMethod || method == ZipEntryRecord.deflateMethod else {
            throw PackageRefusal.unsupportedMethod(method, name)
        }

        var sizes = Zip64Fields(
            uncompressed: UInt64(u32(position + 24)),
            compressed: UInt64(u32(position + 20)),
            offset: UInt64(u32(position + 42)),
            disk: UInt32(u16(position + 34))
        )
        try readZip64(into: &sizes, extra: (nameStart + nameLength)..<(nameStart + nameLength + extraLength))
        guard sizes.disk == 0 else { throw PackageRefusal.couldNotUnzip }

        var record = ZipEntryRecord(
            name: name,
            versionMadeBy: u16(position + 4),
            flags: flags,
            method: method,
            crc32: u32(position + 16),
            compressedSize: try integer(sizes.compressed),
            uncompressedSize: try integer(sizes.uncompressed),
            externalAttributes: u32(position + 38),
            localHeaderOffset: try integer(sizes.offset),
            dataOffset: 0
        )
        guard method != ZipEntryRecord.storedMethod || record.compressedSize == record.uncompressedSize else {
            throw PackageRefusal.couldNotUnzip
        }
        record.dataOffset = try localDataOffset(of: record, dataEnd: dataEnd)
        return (record, next)
    }

    private struct Zip64Fields {
        var uncompressed: UInt64
        var compressed: UInt64
        var offset: UInt64
        var disk: UInt32
    }

    /// Replaces the saturated 32-bit fields with the ZIP64 extended information (extra field 0x0001),
    /// which lists, in this order, only the fields that are saturated.
    private func readZip64(into fields: inout Zip64Fields, extra: Range<Int>) throws {
        var position = extra.lowerBound
        var found = false
        // Fewer than 4 trailing bytes cannot hold a field header; some writers pad that way.
        while extra.upperBound - position >= 4 {
            let id = u16(position)
            let size = Int(u16(position + 2))
            let body = position + 4
            guard size <= extra.upperBound - body else { throw PackageRefusal.couldNotUnzip }
            if id == 0x0001 {
                guard !found else { throw PackageRefusal.couldNotUnzip }
                found = true
                var cursor = body
                let bodyEnd = body + size
                func next64() throws -> UInt64 {
                    guard bodyEnd - cursor >= 8 else { throw PackageRefusal.couldNotUnzip }
                    defer { cursor += 8 }
                    return u64(cursor)
                }
                if fields.uncompressed == 0xFFFF_FFFF { fields.uncompressed = try next64() }
                if fields.compressed == 0xFFFF_FFFF { fields.compressed = try next64() }
                if fields.offset == 0xFFFF_FFFF { fields.offset = try next64() }
                if fields.disk == 0xFFFF {
                    guard bodyEnd - cursor >= 4 else { throw PackageRefusal.couldNotUnzip }
                    fields.disk = u32(cursor)
                }
            }
            position = body + size
        }
        let saturated = [fields.uncompressed, fields.compressed, fields.offset].contains(0xFFFF_FFFF)
        guard found || !(saturated || fields.disk == 0xFFFF) else { throw PackageRefusal.couldNotUnzip }
    }

    /// Checks the local header against the central record and returns where the data starts.
    private func localDataOffset(of record: ZipEntryRecord, dataEnd: Int) throws -> Int {
        let header = record.localHeaderOffset
        guard fits(header, Self.localHeaderSize, within: dataEnd), u32(header) == Self.localHeaderSignature else {
            throw PackageRefusal.couldNotUnzip
        }
        let flags = u16(header + 6)
        let nameLength = Int(u16(header + 26))
        let extraLength = Int(u16(header + 28))
        let nameStart = header + Self.localHeaderSize
        let dataStart = nameStart + nameLength + extraLength
        guard fits(nameStart, nameLength + extraLength, within: dataEnd) else { throw PackageRefusal.couldNotUnzip }
        guard flags & 0x2041 == 0 else { throw PackageRefusal.encrypted(record.name) }
        // A local name that differs from the central one is how archives show scanners one file
        // and unzippers another.
        guard u16(header + 8) == record.method,
            bytes[nameStart..<(nameStart + nameLength)].elementsEqual(record.name),
            fits(dataStart, record.compressedSize, within: dataEnd)
        else { throw PackageRefusal.couldNotUnzip }
        // Without a data descriptor (bit 3) the local header carries the real CRC and sizes.
        if flags & 0x0008 == 0 {
            let compressed = u32(header + 18)
            let uncompressed = u32(header + 22)
            guard u32(header + 14) == record.crc32,
                compressed == 0xFFFF_FFFF || Int(compressed) == record.compressedSize,
                uncompressed == 0xFFFF_FFFF || Int(uncompressed) == record.uncompressedSize
            else { throw PackageRefusal.couldNotUnzip }
        }
        return dataStart
    }

    /// Refuses entries that share bytes: overlapping spans are how a few kilobytes of archive
    /// name the same compressed kernel thousands of times.
    static func refuseOverlaps(_ records: [ZipEntryRecord]) throws {
        let spans = records.map(\.span).sorted { $0.lowerBound < $1.lowerBound }
        for (previous, next) in zip(spans, spans.dropFirst()) where next.lowerBound < previous.upperBound {
            throw PackageRefusal.overlappingEntries()
        }
    }

    // MARK: - Bytes

    /// Whether `length` bytes from `offset` lie before `end`, without overflowing.
    private func fits(_ offset: Int, _ length: Int, within end: Int) -> Bool {
        offset >= 0 && length >= 0 && offset <= end && length <= end - offset && end <= bytes.count
    }

    private func integer(_ value: UInt64) throws -> Int {
        guard let value = Int(exactly: value) else { throw PackageRefusal.couldNotUnzip }
        return value
    }

    private func u16(_ offset: Int) -> UInt16 {
        UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    private func u32(_ offset: Int) -> UInt32 {
        UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    private func u64(_ offset: Int) -> UInt64 {
        UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
}
