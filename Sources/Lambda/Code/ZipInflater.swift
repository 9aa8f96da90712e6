import BulwarkCore

#if canImport(zlib)
    private import zlib
#else
    // ZIPFoundation links the system zlib on Linux through this module.
    private import CZlib
#endif

/// Streams the content of one zip entry through a consumer, 64 KiB at a time, and measures it.
///
/// zlib is driven directly, rather than through ZIPFoundation, so that the input handed to zlib
/// is exactly the entry's compressed bytes, the stream must end exactly at their end (a stream
/// that is truncated or followed by extra bytes is refused), and inflation stops at the first
/// chunk that would take the output past its limit. Nothing is ever sized from a declared size.
final class ZipInflater {
    static let chunkSize = 64 * 1024

    private let stream: UnsafeMutablePointer<z_stream>
    private let buffer: UnsafeMutableRawBufferPointer

    init() throws {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        buffer = .allocate(byteCount: Self.chunkSize, alignment: 16)
        // Negative window bits: a raw deflate stream, as zip stores it (no zlib header).
        let status = inflateInit2_(stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            buffer.deallocate()
            throw AWSError.internalFailure()
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
        buffer.deallocate()
    }

    /// What an entry inflated to.
    struct Output: Equatable {
        var size: Int
        var crc32: UInt32
    }

    /// Inflates the entry at `location` in `archive` into `consume`, holding it to its declared
    /// size and CRC: the consumer never sees a byte past the declared size, and an entry that
    /// produces less, or other bytes, is refused once inflated.
    func inflate(
        _ location: ZipEntryLocation,
        in archive: UnsafeRawBufferPointer,
        into consume: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        let end = location.dataOffset + location.compressedSize
        let data = UnsafeRawBufferPointer(rebasing: archive[location.dataOffset..<end])
        let output = try inflate(data, method: location.method, limit: location.size, into: consume)
        guard output == Output(size: location.size, crc32: location.crc32) else { throw PackageRefusal.couldNotUnzip }
    }

    /// Inflates (or, for stored entries, copies) `compressed` into `consume`, chunk by chunk.
    ///
    /// Throws ``PackageRefusal/couldNotUnzip`` for a corrupt stream or as soon as the output
    /// would exceed `limit` bytes (the consumer never sees more than `limit`), or whatever
    /// `consume` throws.
    func inflate(
        _ compressed: UnsafeRawBufferPointer,
        method: UInt16,
        limit: Int,
        into consume: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> Output {
        var output = Output(size: 0, crc32: 0)
        func deliver(_ chunk: UnsafeRawBufferPointer) throws {
            guard chunk.count <= limit - output.size else { throw PackageRefusal.couldNotUnzip }
            output.size += chunk.count
            let bytes = chunk.baseAddress!.assumingMemoryBound(to: Bytef.self)
            output.crc32 = UInt32(truncatingIfNeeded: crc32(UInt(output.crc32), bytes, UInt32(chunk.count)))
            try consume(chunk)
        }
        // An empty deflated entry is not a valid deflate stream, but writers emit it for empty
        // files and directories; it means no content.
        if method == ZipEntryRecord.storedMethod || compressed.isEmpty {
            var offset = 0
            while offset < compressed.count {
                let end = offset + min(Self.chunkSize, compressed.count - offset)
                try deliver(UnsafeRawBufferPointer(rebasing: compressed[offset..<end]))
                offset = end
            }
            return output
        }
        guard inflateReset(stream) == Z_OK else { throw AWSError.internalFailure() }
        // inflateReset leaves the input fields alone; an earlier entry stopped part way must not
        // leave a pointer into its bytes behind.
        stream.pointee.next_in = nil
        stream.pointee.avail_in = 0
        var remaining = compressed
        while true {
            if stream.pointee.avail_in == 0 {
                // zlib counts input in 32 bits; feed large entries in slices.
                let slice = UnsafeRawBufferPointer(rebasing: remaining.prefix(Int(UInt32.max)))
                remaining = UnsafeRawBufferPointer(rebasing: remaining.dropFirst(slice.count))
                // zlib never writes through next_in; its C type is just not const.
                stream.pointee.next_in = UnsafeMutablePointer(
                    mutating: slice.baseAddress?.assumingMemoryBound(to: Bytef.self))
                stream.pointee.avail_in = UInt32(slice.count)
            }
            stream.pointee.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = UInt32(Self.chunkSize)
            let status = zlibInflate(stream, Z_NO_FLUSH)
            let produced = Self.chunkSize - Int(stream.pointee.avail_out)
            if produced > 0 {
                try deliver(UnsafeRawBufferPointer(rebasing: buffer[0..<produced]))
            }
            switch status {
            case Z_STREAM_END:
                // The stream must use every compressed byte and nothing beyond.
                guard stream.pointee.avail_in == 0, remaining.isEmpty else { throw PackageRefusal.couldNotUnzip }
                return output
            case Z_OK:
                continue
            case Z_BUF_ERROR where stream.pointee.avail_in == 0 && !remaining.isEmpty:
                continue
            case Z_BUF_ERROR:
                // No progress with fresh output space: the input is used up and the stream has
                // not ended, so it is truncated.
                throw PackageRefusal.couldNotUnzip
            case Z_MEM_ERROR:
                throw AWSError.internalFailure()
            default:
                throw PackageRefusal.couldNotUnzip
            }
        }
    }
}

/// zlib's `inflate`, under a name that cannot be confused with ``ZipInflater/inflate(_:method:limit:into:)``.
private func zlibInflate(_ stream: UnsafeMutablePointer<z_stream>, _ flush: Int32) -> Int32 {
    inflate(stream, flush)
}
