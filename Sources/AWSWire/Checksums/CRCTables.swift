/// The reflected CRCs of S3's flexible checksums, computed eight bytes at a time ("slicing-by-8").
///
/// Each algorithm has eight tables of 256 entries, flattened: table `k` gives the CRC contribution of a
/// byte followed by `k` zero bytes, so one 8-byte load costs eight lookups instead of eight rounds of
/// the byte-wise loop.
enum CRCTables {
    /// CRC-32 (ISO-HDLC, zlib): reflected polynomial 0x04C11DB7.
    static let crc32 = tables32(polynomial: 0xEDB8_8320)
    /// CRC-32C (Castagnoli, iSCSI): reflected polynomial 0x1EDC6F41.
    static let crc32c = tables32(polynomial: 0x82F6_3B78)
    /// CRC-64/NVME: reflected polynomial 0xAD93D23594C93659.
    static let crc64nvme = tables64(polynomial: 0x9A6C_9329_AC4B_C9B5)

    private static func tables32(polynomial: UInt32) -> [UInt32] {
        var table = [UInt32](repeating: 0, count: 8 * 256)
        for byte in 0..<256 {
            var crc = UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ polynomial : crc >> 1 }
            table[byte] = crc
        }
        for slice in 1..<8 {
            for byte in 0..<256 {
                let previous = table[(slice - 1) * 256 + byte]
                table[slice * 256 + byte] = (previous >> 8) ^ table[Int(previous & 0xFF)]
            }
        }
        return table
    }

    private static func tables64(polynomial: UInt64) -> [UInt64] {
        var table = [UInt64](repeating: 0, count: 8 * 256)
        for byte in 0..<256 {
            var crc = UInt64(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ polynomial : crc >> 1 }
            table[byte] = crc
        }
        for slice in 1..<8 {
            for byte in 0..<256 {
                let previous = table[(slice - 1) * 256 + byte]
                table[slice * 256 + byte] = (previous >> 8) ^ table[Int(previous & 0xFF)]
            }
        }
        return table
    }

    /// Continues a 32-bit CRC register (already inverted, as between updates) over `bytes`.
    static func update(_ register: UInt32, _ bytes: UnsafeRawBufferPointer, table: [UInt32]) -> UInt32 {
        guard var pointer = bytes.baseAddress else { return register }
        var crc = register
        var count = bytes.count
        table.withUnsafeBufferPointer { t in
            while count >= 8 {
                let low = UInt32(littleEndian: pointer.loadUnaligned(as: UInt32.self)) ^ crc
                let high = UInt32(littleEndian: pointer.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
                crc =
                    t[7 * 256 + Int(low & 0xFF)] ^ t[6 * 256 + Int((low >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((low >> 16) & 0xFF)] ^ t[4 * 256 + Int(low >> 24)]
                    ^ t[3 * 256 + Int(high & 0xFF)] ^ t[2 * 256 + Int((high >> 8) & 0xFF)]
                    ^ t[256 + Int((high >> 16) & 0xFF)] ^ t[Int(high >> 24)]
                pointer += 8
                count -= 8
            }
            while count > 0 {
                crc = t[Int((crc ^ UInt32(pointer.load(as: UInt8.self))) & 0xFF)] ^ (crc >> 8)
                pointer += 1
                count -= 1
            }
        }
        return crc
    }

    /// Continues a 64-bit CRC register (already inverted, as between updates) over `bytes`.
    static func update(_ register: UInt64, _ bytes: UnsafeRawBufferPointer, table: [UInt64]) -> UInt64 {
        guard var pointer = bytes.baseAddress else { return register }
        var crc = register
        var count = bytes.count
        table.withUnsafeBufferPointer { t in
            while count >= 8 {
                let word = UInt64(littleEndian: pointer.loadUnaligned(as: UInt64.self)) ^ crc
                crc =
                    t[7 * 256 + Int(word & 0xFF)] ^ t[6 * 256 + Int((word >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((word >> 16) & 0xFF)] ^ t[4 * 256 + Int((word >> 24) & 0xFF)]
                    ^ t[3 * 256 + Int((word >> 32) & 0xFF)] ^ t[2 * 256 + Int((word >> 40) & 0xFF)]
                    ^ t[256 + Int((word >> 48) & 0xFF)] ^ t[Int(word >> 56)]
                pointer += 8
                count -= 8
            }
            while count > 0 {
                crc = t[Int((crc ^ UInt64(pointer.load(as: UInt8.self))) & 0xFF)] ^ (crc >> 8)
                pointer += 1
                count -= 1
            }
        }
        return crc
    }
}
