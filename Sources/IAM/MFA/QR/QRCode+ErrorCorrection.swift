extension QRCode {
    /// How much of a symbol may be damaged and still read: about 7 % (L), 15 % (M), 25 % (Q) or 30 % (H).
    public enum ErrorCorrection: String, Sendable, Hashable, CaseIterable {
        case low = "L"
        case medium = "M"
        case quartile = "Q"
        case high = "H"

        /// The two bits that stand for the level in the format information (ISO/IEC 18004 Table 12).
        var formatBits: Int {
            switch self {
            case .low: 0b01
            case .medium: 0b00
            case .quartile: 0b11
            case .high: 0b10
            }
        }
    }
}
