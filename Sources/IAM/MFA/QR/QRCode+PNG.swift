import Foundation

extension QRCode {
    /// The symbol as a black-and-white PNG image: each module `moduleSize` × `moduleSize` pixels, inside a light quiet zone
    /// `border` modules wide (the standard asks for 4).
    public func pngData(moduleSize: Int = 4, border: Int = 4) -> Data {
        precondition(moduleSize >= 1 && border >= 0, "moduleSize must be positive and border not negative")
        let side = (size + 2 * border) * moduleSize
        return PNGWriter.blackAndWhite(width: side, height: side) { x, y in
            let row = y / moduleSize - border
            let column = x / moduleSize - border
            return (0..<size).contains(row) && (0..<size).contains(column) && self[row, column]
        }
    }
}
