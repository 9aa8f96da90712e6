/// What ISO/IEC 18004 fixes for one symbol version (1–40): its size, its alignment patterns, and how its codewords
/// divide into data and error correction at each level.
struct QRVersion: Sendable, Hashable {
    let number: Int

    init(_ number: Int) {
        precondition((1...40).contains(number), "QR code versions are 1 to 40")
        self.number = number
    }

    /// Modules per side.
    var size: Int { 4 * number + 17 }

    /// Row and column coordinates of the alignment patterns' centres (ISO/IEC 18004 Annex E); patterns sit at
    /// every pair of them except the three that would overlap a finder pattern.
    var alignmentCenters: [Int] { Self.alignmentCenters[number - 1] }

    /// Codewords in the symbol: every module that no function pattern, format or version information takes, in
    /// eights (the rest, 0 to 7 modules, are remainder bits).
    var totalCodewords: Int {
        let centers = alignmentCenters.count
        // Patterns on row or column 6 share 5 modules each with a timing pattern.
        let alignmentModules = centers == 0 ? 0 : 25 * (centers * centers - 3) - 10 * (centers - 2)
        let functionModules =
            3 * 64  // finder patterns with their separators
            + 2 * (size - 16)  // timing patterns between the separators
            + 2 * 15 + 1  // two copies of the format information and the dark module
            + alignmentModules
            + (number >= 7 ? 2 * 18 : 0)  // two copies of the version information
        return (size * size - functionModules) / 8
    }

    /// Number of error-correction blocks and error-correction codewords in each (ISO/IEC 18004 Table 9).
    func blocks(_ level: QRCode.ErrorCorrection) -> (count: Int, errorCorrectionCodewords: Int) {
        let row =
            switch level {
            case .low: 0
            case .medium: 1
            case .quartile: 2
            case .high: 3
            }
        return (Self.blockCounts[row][number - 1], Self.errorCorrectionCodewordsPerBlock[row][number - 1])
    }

    func dataCodewords(_ level: QRCode.ErrorCorrection) -> Int {
        let blocks = blocks(level)
        return totalCodewords - blocks.count * blocks.errorCorrectionCodewords
    }

    /// Bits of the character count indicator in byte mode.
    var byteCountBits: Int { number <= 9 ? 8 : 16 }

    /// The most bytes that byte mode fits in the symbol at `level`.
    func byteCapacity(_ level: QRCode.ErrorCorrection) -> Int {
        (dataCodewords(level) * 8 - 4 - byteCountBits) / 8
    }

    private static let alignmentCenters: [[Int]] = [
        [], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34], [6, 22, 38], [6, 24, 42], [6, 26, 46], [6, 28, 50],
        [6, 30, 54], [6, 32, 58], [6, 34, 62], [6, 26, 46, 66], [6, 26, 48, 70], [6, 26, 50, 74], [6, 30, 54, 78],
        [6, 30, 56, 82], [6, 30, 58, 86], [6, 34, 62, 90], [6, 28, 50, 72, 94], [6, 26, 50, 74, 98],
        [6, 30, 54, 78, 102], [6, 28, 54, 80, 106], [6, 32, 58, 84, 110], [6, 30, 58, 86, 114], [6, 34, 62, 90, 118],
        [6, 26, 50, 74, 98, 122], [6, 30, 54, 78, 102, 126], [6, 26, 52, 78, 104, 130], [6, 30, 56, 82, 108, 134],
        [6, 34, 60, 86, 112, 138], [6, 30, 58, 86, 114, 142], [6, 34, 62, 90, 118, 146],
        [6, 30, 54, 78, 102, 126, 150], [6, 24, 50, 76, 102, 128, 154], [6, 28, 54, 80, 106, 132, 158],
        [6, 32, 58, 84, 110, 136, 162], [6, 26, 54, 82, 110, 138, 166], [6, 30, 58, 86, 114, 142, 170],
    ]

    // Rows: L, M, Q, H; columns: versions 1 to 40.
    private static let blockCounts: [[Int]] = [
        [1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
        [
            1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45,
            47, 49,
        ],
        [
            1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59,
            62, 65, 68,
        ],
        [
            1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70,
            74, 77, 81,
        ],
    ]

    private static let errorCorrectionCodewordsPerBlock: [[Int]] = [
        [
            7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30,
            30, 30, 30, 30, 30,
        ],
        [
            10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
            28, 28, 28, 28, 28, 28,
        ],
        [
            13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30,
            30, 30, 30, 30, 30, 30,
        ],
        [
            17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
            30, 30, 30, 30, 30, 30,
        ],
    ]
}
