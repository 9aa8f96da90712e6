import Foundation
import IAM
import Testing
import ZIPFoundation

/// The PNG is read back the way an image decoder would, with zlib (through ZIPFoundation) for the image data,
/// and its pixels compared with the symbol's modules.
@Suite("QR code PNG")
struct QRCodePNGTests {
    struct Chunk {
        let type: String
        let data: Data
    }

    struct DecodingError: Error, CustomStringConvertible {
        let description: String
    }

    static let uri = OTPAuthURI(
        deviceName: "alice-phone", accountName: "123456789012",
        secret: Data((0..<40).map { UInt8($0 * 37 % 256) })
    )

    /// Splits a PNG into chunks after checking the signature, and every chunk's CRC-32 with zlib's.
    static func chunks(_ png: Data) throws -> [Chunk] {
        let bytes = [UInt8](png)
        guard bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else { throw DecodingError(description: "no PNG signature") }
        func uint32(_ offset: Int) -> UInt32 { bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) } }
        var chunks: [Chunk] = []
        var offset = 8
        while offset < bytes.count {
            guard offset + 12 <= bytes.count else { throw DecodingError(description: "truncated chunk at \(offset)") }
            let length = Int(uint32(offset))
            guard offset + 12 + length <= bytes.count else { throw DecodingError(description: "chunk overruns the file") }
            let typeAndData = Data(bytes[offset + 4..<offset + 8 + length])
            guard typeAndData.crc32(checksum: 0) == uint32(offset + 8 + length) else { throw DecodingError(description: "bad CRC at \(offset)") }
            chunks.append(Chunk(type: String(decoding: typeAndData.prefix(4), as: UTF8.self), data: Data(typeAndData.dropFirst(4))))
            offset += 12 + length
        }
        return chunks
    }

    /// Inflates a zlib stream (RFC 1950) with zlib's raw inflate and checks its header and Adler-32.
    static func inflate(_ stream: Data) throws -> Data {
        let bytes = [UInt8](stream)
        guard bytes.count >= 6, bytes[0] & 0x0F == 8, (Int(bytes[0]) << 8 | Int(bytes[1])) % 31 == 0, bytes[1] & 0x20 == 0 else {
            throw DecodingError(description: "not a zlib header")
        }
        let deflate = Data(bytes[2..<bytes.count - 4])
        var output = Data()
        // ZIPFoundation hands zlib `size` bytes whatever the provider returns, so every chunk is padded to that size
        // with zeros: a stream that did not end would then run into an invalid stored block and fail.
        _ = try Data.decompress(size: Int64(deflate.count), bufferSize: 4096, skipCRC32: true) { position, size in
            let start = min(Int(position), deflate.count)
            let chunk = deflate.subdata(in: start..<min(start + size, deflate.count))
            return chunk + Data(count: size - chunk.count)
        } consumer: {
            output.append($0)
        }
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in output {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        guard bytes.suffix(4).reduce(UInt32(0), { $0 << 8 | UInt32($1) }) == b << 16 | a else { throw DecodingError(description: "bad Adler-32") }
        return output
    }

    /// Decodes a non-interlaced 1-bit grayscale PNG into rows of pixels, `true` for black.
    static func decode(_ png: Data) throws -> [[Bool]] {
        let chunks = try chunks(png)
        #expect(chunks.first?.type == "IHDR")
        #expect(chunks.last?.type == "IEND")
        #expect(chunks.last?.data.isEmpty == true)
        let header = [UInt8](try #require(chunks.first { $0.type == "IHDR" }).data)
        try #require(header.count == 13)
        let width = header[0..<4].reduce(0) { $0 << 8 | Int($1) }
        let height = header[4..<8].reduce(0) { $0 << 8 | Int($1) }
        // Bit depth 1, grayscale, deflate, adaptive filtering, no interlace.
        try #require(Array(header[8...]) == [1, 0, 0, 0, 0])
        let idat = chunks.filter { $0.type == "IDAT" }.reduce(Data()) { $0 + $1.data }
        let scanlines = [UInt8](try inflate(idat))
        let rowBytes = (width + 7) / 8
        try #require(scanlines.count == height * (rowBytes + 1))
        return try (0..<height).map { y in
            let start = y * (rowBytes + 1)
            // Filter type 0 (None) is the only one the writer uses; any other would need unfiltering.
            guard scanlines[start] == 0 else { throw DecodingError(description: "filter \(scanlines[start]) on row \(y)") }
            return (0..<width).map { x in scanlines[start + 1 + x / 8] & (0x80 >> UInt8(x % 8)) == 0 }
        }
    }

    @Test("the PNG decodes to the symbol's modules, scaled, inside a light border", arguments: [(1, 0), (4, 4), (3, 2)])
    func decodesToModules(moduleSize: Int, border: Int) throws {
        let code = try #require(QRCode(encoding: Self.uri.description, errorCorrection: .medium))
        let pixels = try Self.decode(code.pngData(moduleSize: moduleSize, border: border))
        let side = (code.size + 2 * border) * moduleSize
        try #require(pixels.count == side && pixels.allSatisfy { $0.count == side })
        for y in 0..<side {
            for x in 0..<side {
                let row = y / moduleSize - border
                let column = x / moduleSize - border
                let inside = (0..<code.size).contains(row) && (0..<code.size).contains(column)
                guard pixels[y][x] == (inside && code[row, column]) else {
                    Issue.record("pixel (\(x), \(y)) differs from module (\(row), \(column))")
                    return
                }
            }
        }
    }

    @Test("image data larger than one stored block (65535 bytes) still inflates")
    func severalDeflateBlocks() throws {
        let code = try #require(QRCode(encoding: Self.uri.description, errorCorrection: .high))
        let png = code.pngData(moduleSize: 20, border: 4)
        let pixels = try Self.decode(png)
        #expect(pixels.count == (code.size + 8) * 20)
        #expect(pixels.count * ((pixels.count + 7) / 8 + 1) > 65535)
        #expect(pixels[4 * 20][4 * 20] == code[0, 0])
    }

    @Test("a corrupted byte is caught by a chunk CRC")
    func corruptionDetected() throws {
        let code = try #require(QRCode(encoding: "HELLO WORLD", errorCorrection: .low))
        var png = code.pngData()
        #expect(try Self.chunks(png).map(\.type) == ["IHDR", "IDAT", "IEND"])
        png[png.count / 2] ^= 0x01
        #expect(throws: DecodingError.self) { try Self.chunks(png) }
    }
}
