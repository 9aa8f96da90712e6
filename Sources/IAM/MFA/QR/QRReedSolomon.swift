/// Reed–Solomon error correction over GF(2⁸) with the field polynomial x⁸ + x⁴ + x³ + x² + 1 (0x11D) and the
/// generator polynomials (x − α⁰)(x − α¹)…(x − αⁿ⁻¹) that QR codes use.
enum QRReedSolomon {
    /// αⁱ for i in 0..<255.
    private static let exponents: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 255)
        var value = 1
        for index in 0..<255 {
            table[index] = UInt8(value)
            value <<= 1
            if value & 0x100 != 0 { value ^= 0x11D }
        }
        return table
    }()

    /// log_α(v) for v in 1...255 (index 0 unused).
    private static let logarithms: [Int] = {
        var table = [Int](repeating: 0, count: 256)
        for (index, value) in exponents.enumerated() { table[Int(value)] = index }
        return table
    }()

    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        guard a != 0, b != 0 else { return 0 }
        return exponents[(logarithms[Int(a)] + logarithms[Int(b)]) % 255]
    }

    /// The coefficients of the generator polynomial of degree `degree`, highest power first (the first is 1).
    static func generator(degree: Int) -> [UInt8] {
        var polynomial: [UInt8] = [1]
        for power in 0..<degree {
            // Multiplying by (x + αᵖ): subtraction is addition, and addition is XOR, in GF(2⁸).
            let root = exponents[power]
            var product = polynomial + [0]
            for index in 1..<product.count {
                product[index] ^= multiply(polynomial[index - 1], root)
            }
            polynomial = product
        }
        return polynomial
    }

    /// The `count` error-correction codewords of `data`: the remainder of data(x)·xⁿ divided by the generator.
    static func errorCorrection(for data: [UInt8], count: Int) -> [UInt8] {
        let generator = generator(degree: count)
        var remainder = [UInt8](repeating: 0, count: count)
        for byte in data {
            let factor = byte ^ remainder[0]
            remainder.removeFirst()
            remainder.append(0)
            for index in 0..<count {
                remainder[index] ^= multiply(generator[index + 1], factor)
            }
        }
        return remainder
    }
}
