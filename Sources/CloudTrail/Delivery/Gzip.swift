import Foundation
import ZIPFoundation

/// gzip (RFC 1952) of a body: CloudTrail's log files are `.json.gz`. The deflate stream and its
/// CRC-32 come from zlib through ZIPFoundation.
enum Gzip {
    static func compress(_ data: Data) throws -> Data {
        var output = Data([0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF])
        var deflated = Data()
        let crc = try Data.compress(
            size: Int64(data.count), bufferSize: 64 * 1024,
            provider: { position, size in data.subdata(in: Int(position)..<min(Int(position) + size, data.count)) },
            consumer: { deflated.append($0) })
        output.append(deflated)
        for value in [crc, UInt32(truncatingIfNeeded: data.count)] {
            withUnsafeBytes(of: value.littleEndian) { output.append(contentsOf: $0) }
        }
        return output
    }
}
