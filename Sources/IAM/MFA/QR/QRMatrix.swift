/// A symbol's grid of modules while it is being built (ISO/IEC 18004 §7.7–7.9): function patterns, the data
/// codewords in their zigzag, a mask, and the format and version information.
struct QRMatrix: Sendable, Hashable {
    let size: Int
    /// Row-major; `true` is dark.
    private(set) var modules: [Bool]
    /// Modules that belong to function patterns or to the format and version information, which data and masks
    /// leave alone.
    private(set) var isFunction: [Bool]

    /// A grid with every function pattern drawn and the format information reserved.
    init(version: QRVersion) {
        size = version.size
        modules = Array(repeating: false, count: size * size)
        isFunction = Array(repeating: false, count: size * size)
        drawTimingPatterns()
        drawFinderPattern(row: 3, column: 3)
        drawFinderPattern(row: 3, column: size - 4)
        drawFinderPattern(row: size - 4, column: 3)
        drawAlignmentPatterns(centers: version.alignmentCenters)
        // Placeholder until the mask is known; it marks the modules as reserved.
        drawFormat(level: .low, mask: 0)
        if version.number >= 7 { drawVersion(version.number) }
    }

    subscript(row: Int, column: Int) -> Bool {
        modules[row * size + column]
    }

    private mutating func setFunction(row: Int, column: Int, dark: Bool) {
        modules[row * size + column] = dark
        isFunction[row * size + column] = true
    }

    // MARK: Function patterns

    private mutating func drawTimingPatterns() {
        for index in 0..<size {
            setFunction(row: 6, column: index, dark: index % 2 == 0)
            setFunction(row: index, column: 6, dark: index % 2 == 0)
        }
    }

    /// A 7×7 finder pattern and the light separator around it (clipped at the symbol's edge).
    private mutating func drawFinderPattern(row: Int, column: Int) {
        for dy in -4...4 {
            for dx in -4...4 {
                let y = row + dy
                let x = column + dx
                guard (0..<size).contains(y), (0..<size).contains(x) else { continue }
                let ring = max(abs(dx), abs(dy))
                setFunction(row: y, column: x, dark: ring != 2 && ring != 4)
            }
        }
    }

    private mutating func drawAlignmentPatterns(centers: [Int]) {
        let last = centers.count - 1
        for (i, row) in centers.enumerated() {
            for (j, column) in centers.enumerated() {
                // The three corners that finder patterns occupy.
                if (i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0) { continue }
                for dy in -2...2 {
                    for dx in -2...2 {
                        setFunction(row: row + dy, column: column + dx, dark: max(abs(dx), abs(dy)) != 1)
                    }
                }
            }
        }
    }

    // MARK: Format and version information

    /// The 15-bit format information of `level` and `mask`: 5 data bits, a BCH(15, 5) remainder, and the XOR
    /// with 101010000010010 that keeps it from ever being all zero (ISO/IEC 18004 §7.9.1).
    static func formatBits(level: QRCode.ErrorCorrection, mask: Int) -> Int {
        let data = level.formatBits << 3 | mask
        return (data << 10 | bchRemainder(data << 10, generator: 0x537)) ^ 0x5412
    }

    /// The 18-bit version information: 6 bits of version number and a BCH(18, 6) remainder (§7.10).
    static func versionBits(_ version: Int) -> Int {
        version << 12 | bchRemainder(version << 12, generator: 0x1F25)
    }

    private static func bchRemainder(_ value: Int, generator: Int) -> Int {
        let degree = generator.bitWidth - generator.leadingZeroBitCount - 1
        var remainder = value
        while remainder.bitWidth - remainder.leadingZeroBitCount - 1 >= degree {
            remainder ^= generator << (remainder.bitWidth - remainder.leadingZeroBitCount - 1 - degree)
        }
        return remainder
    }

    /// Both copies of the format information and the dark module beside the lower-left finder pattern.
    mutating func drawFormat(level: QRCode.ErrorCorrection, mask: Int) {
        let bits = Self.formatBits(level: level, mask: mask)
        func bit(_ index: Int) -> Bool { bits >> index & 1 == 1 }
        // Around the upper-left finder pattern: bits 0–7 down column 8 (skipping the timing pattern's row 6),
        // bits 8–14 leftwards along row 8 (skipping column 6).
        for index in 0...5 { setFunction(row: index, column: 8, dark: bit(index)) }
        setFunction(row: 7, column: 8, dark: bit(6))
        setFunction(row: 8, column: 8, dark: bit(7))
        setFunction(row: 8, column: 7, dark: bit(8))
        for index in 9..<15 { setFunction(row: 8, column: 14 - index, dark: bit(index)) }
        // The second copy: bits 0–7 along row 8 from the right edge, bits 8–14 down column 8 at the bottom.
        for index in 0..<8 { setFunction(row: 8, column: size - 1 - index, dark: bit(index)) }
        for index in 8..<15 { setFunction(row: size - 15 + index, column: 8, dark: bit(index)) }
        setFunction(row: size - 8, column: 8, dark: true)
    }

    /// Both 6×3 copies of the version information, beside the upper-right and lower-left finder patterns.
    private mutating func drawVersion(_ version: Int) {
        let bits = Self.versionBits(version)
        for index in 0..<18 {
            let dark = bits >> index & 1 == 1
            let near = index / 3
            let far = size - 11 + index % 3
            setFunction(row: near, column: far, dark: dark)
            setFunction(row: far, column: near, dark: dark)
        }
    }

    // MARK: Data and masks

    /// Places the codewords' bits, most significant first, in two-module-wide columns from the lower right,
    /// upwards then downwards in turn, skipping function modules and the vertical timing pattern. Modules left
    /// over are the remainder bits, light before masking.
    mutating func place(_ codewords: [UInt8]) {
        var bits = QRBitBuffer()
        for codeword in codewords { bits.append(Int(codeword), count: 8) }
        var next = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            let upward = (right + 1) & 2 == 0
            for step in 0..<size {
                let row = upward ? size - 1 - step : step
                for column in [right, right - 1] where !isFunction[row * size + column] && next < bits.count {
                    modules[row * size + column] = bits.bits[next]
                    next += 1
                }
            }
            right -= 2
        }
        precondition(next == bits.count, "the codewords do not fill the symbol")
    }

    /// Inverts the data modules where mask pattern `mask` (0–7) holds (ISO/IEC 18004 Table 10).
    mutating func applyMask(_ mask: Int) {
        for row in 0..<size {
            for column in 0..<size where !isFunction[row * size + column] && Self.maskHolds(mask, row: row, column: column) {
                modules[row * size + column].toggle()
            }
        }
    }

    static func maskHolds(_ mask: Int, row i: Int, column j: Int) -> Bool {
        switch mask {
        case 0: (i + j) % 2 == 0
        case 1: i % 2 == 0
        case 2: j % 3 == 0
        case 3: (i + j) % 3 == 0
        case 4: (i / 2 + j / 3) % 2 == 0
        case 5: (i * j) % 2 + (i * j) % 3 == 0
        case 6: ((i * j) % 2 + (i * j) % 3) % 2 == 0
        default: ((i + j) % 2 + (i * j) % 3) % 2 == 0
        }
    }
}
