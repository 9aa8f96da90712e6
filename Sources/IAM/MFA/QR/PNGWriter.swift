import Foundation

/// Writes 1-bit grayscale PNG images (PNG specification, ISO/IEC 15948): the signature, then IHDR, IDAT and IEND
/// chunks with their CRC-32. The image data are a zlib stream of stored (uncompressed) deflate blocks, which every
/// decoder reads and which needs no compressor; a QR code image is a few kilobytes either way.
enum PNGWriter {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// An image `width` × `height` pixels whose pixel at (`x`, `y`) is black where `isBlack(x, y)`, white elsewhere.
    static func blackAndWhite(width: Int, height: Int, isBlack: (_ x: Int, _ y: Int) -> Bool) -> Data {
        precondition(width > 0 && height > 0, "an image has at least one pixel")
        let rowBytes = (width + 7) / 8
        var scanlines: [UInt8] = []
        scanlines.reserveCapacity(height * (rowBytes + 1))
        for y in 0..<height {
            scanlines.append(0)  // filter type None
            var row = [UInt8](repeating: 0, count: rowBytes)
            // In grayscale a 1 bit is white; pixels fill each byte from its most significant bit.
            for x in 0..<width where !isBlack(x, y) {
                row[x / 8] |= 0x80 >> UInt8(x % 8)
            }
            scanlines += row
        }

        var header: [UInt8] = []
        header += bigEndian(UInt32(width))
        header += bigEndian(UInt32(height))
        // Bit depth 1, colour type 0 (grayscale), compression 0, filter 0, no interlace.
        header += [1, 0, 0, 0, 0]

        var png = signature
        png += chunk("IHDR", header)
        png += chunk("IDAT", zlibStored(scanlines))
        png += chunk("IEND", [])
        return Data(png)
    }

    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeAndData = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + typeAndData + bigEndian(crc32(typeAndData))
    }

    /// A zlib stream (RFC 1950) of stored deflate blocks (RFC 1951 §3.2.4), each at most 65535 bytes.
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        // CMF: deflate with a 32 KiB window; FLG: no dictionary, check bits making CMF·256 + FLG a multiple of 31.
        var stream: [UInt8] = [0x78, 0x01]
        var start = 0
        repeat {
            let end = min(start + 65535, data.count)
            let length = UInt16(end - start)
            stream.append(end == data.count ? 1 : 0)  // BFINAL, BTYPE 00; stored blocks start byte-aligned
            stream += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8)]
            stream += data[start..<end]
            start = end
        } while start < data.count
        return stream + bigEndian(adler32(data))
    }

    /// CRC-32 of ISO 3309 / ITU-T V.42 (reflected polynomial 0xEDB88320), as PNG chunks carry it.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        return crc ^ 0xFFFF_FFFF
    }

    private static let crcTable: [UInt32] = (0..<256).map { (index: UInt32) in
        (0..<8).reduce(index) { value, _ in value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
    }

    /// Adler-32 (RFC 1950 §8.2).
    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        return b << 16 | a
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }
}
