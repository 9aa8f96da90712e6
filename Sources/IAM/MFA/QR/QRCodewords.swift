/// The codeword sequence of a symbol (ISO/IEC 18004 §7.4–7.6): byte-mode data bits, terminator and padding,
/// split into blocks, each followed by its Reed–Solomon codewords, then interleaved.
enum QRCodewords {
    /// The final sequence of codewords for `bytes`, which must fit `version` at `level`.
    static func encode(_ bytes: [UInt8], version: QRVersion, level: QRCode.ErrorCorrection) -> [UInt8] {
        let data = dataCodewords(bytes, version: version, level: level)
        return interleave(data, version: version, level: level)
    }

    /// Mode indicator, character count, the bytes, terminator, zero bits up to a byte boundary, then the pad
    /// codewords 0xEC and 0x11 in turn until the symbol's data capacity is full.
    static func dataCodewords(_ bytes: [UInt8], version: QRVersion, level: QRCode.ErrorCorrection) -> [UInt8] {
        let capacity = version.dataCodewords(level)
        precondition(bytes.count <= version.byteCapacity(level), "the data do not fit the version")
        var bits = QRBitBuffer()
        bits.append(0b0100, count: 4)
        bits.append(bytes.count, count: version.byteCountBits)
        for byte in bytes { bits.append(Int(byte), count: 8) }
        bits.append(0, count: min(4, capacity * 8 - bits.count))
        bits.append(0, count: (8 - bits.count % 8) % 8)
        var codewords = bits.bytes
        var pad: UInt8 = 0xEC
        while codewords.count < capacity {
            codewords.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        return codewords
    }

    /// Splits the data codewords into blocks (the shorter blocks first, the longer ones one codeword longer),
    /// computes each block's error correction, and interleaves: the i-th data codeword of every block in
    /// turn, then the i-th error-correction codeword of every block in turn.
    static func interleave(_ data: [UInt8], version: QRVersion, level: QRCode.ErrorCorrection) -> [UInt8] {
        let (blockCount, errorCount) = version.blocks(level)
        let shortLength = data.count / blockCount
        let longBlocks = data.count % blockCount
        var dataBlocks: [[UInt8]] = []
        var start = 0
        for index in 0..<blockCount {
            let length = shortLength + (index >= blockCount - longBlocks ? 1 : 0)
            dataBlocks.append(Array(data[start..<start + length]))
            start += length
        }
        let errorBlocks = dataBlocks.map { QRReedSolomon.errorCorrection(for: $0, count: errorCount) }

        var result: [UInt8] = []
        result.reserveCapacity(version.totalCodewords)
        for position in 0...shortLength {
            for block in dataBlocks where position < block.count { result.append(block[position]) }
        }
        for position in 0..<errorCount {
            for block in errorBlocks { result.append(block[position]) }
        }
        return result
    }
}
