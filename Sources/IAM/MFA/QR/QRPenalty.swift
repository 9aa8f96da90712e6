/// The penalty of a masked symbol by the rules of ISO/IEC 18004 §7.8.3.1 (Table 11); the mask with the lowest
/// total is the one to use, because it leaves the fewest patterns that confuse a reader.
struct QRPenalty: Sendable, Hashable {
    /// N1: 3 + (n − 5) for every run of n ≥ 5 modules of one colour in a row or column.
    let runs: Int
    /// N2: 3 for every 2×2 block of one colour (overlapping blocks each count).
    let blocks: Int
    /// N3: 40 for every dark–light–dark–dark–dark–light–dark pattern in a row or column with 4 light modules on
    /// at least one side. The quiet zone around the symbol is light, so it counts as light here.
    let finderLike: Int
    /// N4: 10 for every full 5 % by which the proportion of dark modules departs from 50 %.
    let balance: Int

    var total: Int { runs + blocks + finderLike + balance }

    init(_ matrix: QRMatrix) {
        let size = matrix.size
        var runs = 0
        var finderLike = 0
        for index in 0..<size {
            let row = (0..<size).map { matrix[index, $0] }
            let column = (0..<size).map { matrix[$0, index] }
            for line in [row, column] {
                runs += Self.runPenalty(line)
                finderLike += 40 * Self.finderLikeCount(line)
            }
        }

        var blocks = 0
        for row in 0..<size - 1 {
            for column in 0..<size - 1 {
                let color = matrix[row, column]
                if matrix[row, column + 1] == color && matrix[row + 1, column] == color && matrix[row + 1, column + 1] == color {
                    blocks += 3
                }
            }
        }

        let dark = matrix.modules.count { $0 }
        let total = size * size
        // ⌊|100·dark/total − 50| / 5⌋ in integers, so no rounding can move a symbol across a 5 % boundary.
        let steps = abs(20 * dark - 10 * total) / total

        self.runs = runs
        self.blocks = blocks
        self.finderLike = finderLike
        self.balance = 10 * steps
    }

    private static func runPenalty(_ line: [Bool]) -> Int {
        var penalty = 0
        var length = 0
        for (index, module) in line.enumerated() {
            length = index > 0 && module == line[index - 1] ? length + 1 : 1
            let runEnds = index == line.count - 1 || line[index + 1] != module
            if runEnds && length >= 5 { penalty += length - 2 }
        }
        return penalty
    }

    /// Counts patterns that do not share modules: once one is counted the search resumes after it, as segno does
    /// (ISO/IEC 18004 does not say; zxing also counts overlapping ones). Only the choice of mask could differ.
    private static func finderLikeCount(_ line: [Bool]) -> Int {
        let pattern = [true, false, true, true, true, false, true]
        func isLight(_ range: Range<Int>) -> Bool {
            range.allSatisfy { !line.indices.contains($0) || !line[$0] }
        }
        var count = 0
        var start = 0
        while start + pattern.count <= line.count {
            if line[start..<start + pattern.count].elementsEqual(pattern)
                && (isLight(start - 4..<start) || isLight(start + 7..<start + 11))
            {
                count += 1
                start += pattern.count
            } else {
                start += 1
            }
        }
        return count
    }
}
