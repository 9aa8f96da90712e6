import BulwarkCore
import Foundation
import Testing
import ZIPFoundation

@testable import Lambda

@Suite("Deployment package: zip bombs")
struct DeploymentPackageBombTests {
    /// 300 MB of zeros deflate to about 300 KB: a classic single-entry bomb.
    static let zeros = 300 * 1024 * 1024
    static let kernel = TestZip.deflatedZeros(zeros)

    static func bomb(declaredSize: Int) -> Data {
        var entry = TestZip.Entry.file("zeros.bin", bytes: [])
        entry.data = kernel
        entry.declaredSize = declaredSize
        entry.crc = 0  // never reached: the size check comes first
        return TestZip([.file("bootstrap", "#!/bin/sh\n", mode: 0o755), entry]).data
    }

    @Test func refusesAnHonestBombFromItsDeclaredSizeWithoutInflatingIt() {
        let zip = Self.bomb(declaredSize: Self.zeros)
        let started = ContinuousClock.now
        PackageRefusalCase(
            name: "honest bomb", zip: zip, message: "Unzipped size must be smaller than 262144000 bytes", exact: true
        ).check()
        print("DeploymentPackage: 300 MB bomb (\(zip.count) bytes zipped) refused in \(ContinuousClock.now - started)")
    }

    @Test func refusesAnHonestBombBelowTheSizeLimitByItsRatio() {
        var entry = TestZip.Entry.file("zeros.bin", bytes: [])
        entry.data = TestZip.deflatedZeros(20 * 1024 * 1024)
        entry.declaredSize = 20 * 1024 * 1024
        entry.crc = 0
        PackageRefusalCase(
            name: "ratio bomb", zip: TestZip([entry]).data,
            message: "the entry 'zeros.bin' expands more than 500 times its compressed size"
        ).check()
    }

    /// A header claiming 1 000 bytes: inflation stops at the first chunk that goes past it.
    @Test func stopsInflatingABombWhoseHeaderLies() {
        let zip = Self.bomb(declaredSize: 1000)
        let started = ContinuousClock.now
        PackageRefusalCase.corrupt("lying bomb", zip).check()
        print("DeploymentPackage: 300 MB bomb declaring 1000 bytes refused in \(ContinuousClock.now - started)")
    }

    @Test func theInflaterStopsBeforeTheFirstChunkPastItsLimit() throws {
        var delivered = 0
        let error = try #require(throws: AWSError.self) {
            try Self.kernel.withUnsafeBytes { bytes in
                _ = try ZipInflater().inflate(bytes, method: 8, limit: 100_000) { delivered += $0.count }
            }
        }
        #expect(error.message == PackageRefusalCase.couldNotUnzip)
        #expect(delivered == ZipInflater.chunkSize)
    }

    /// What inspection and extraction both rely on: an entry is held to its declared size.
    @Test(arguments: [0, 1000, 65_536, 1_000_000])
    func inflatingAnEntryStopsAtItsDeclaredSize(declared: Int) throws {
        var delivered = 0
        let location = ZipEntryLocation(
            dataOffset: 0, compressedSize: Self.kernel.count, method: 8, size: declared, crc32: 0
        )
        let error = try #require(throws: AWSError.self) {
            try Self.kernel.withUnsafeBytes { bytes in
                try ZipInflater().inflate(location, in: bytes) { delivered += $0.count }
            }
        }
        #expect(error.message == PackageRefusalCase.couldNotUnzip)
        #expect(delivered <= declared)
        #expect(delivered > declared - ZipInflater.chunkSize)
    }

    @Test func theInflaterStopsAtTheFirstChunkTheConsumerRefuses() throws {
        struct Enough: Error {}
        var chunks = 0
        #expect(throws: Enough.self) {
            try Self.kernel.withUnsafeBytes { bytes in
                _ = try ZipInflater().inflate(bytes, method: 8, limit: .max) { _ in
                    chunks += 1
                    throw Enough()
                }
            }
        }
        #expect(chunks == 1)
    }

    @Test func theInflaterMeasuresTheWholeKernel() throws {
        var nonZero = false
        let output = try Self.kernel.withUnsafeBytes { bytes in
            try ZipInflater().inflate(bytes, method: 8, limit: Self.zeros) { chunk in
                nonZero = nonZero || chunk.contains { $0 != 0 }
            }
        }
        #expect(output.size == Self.zeros)
        #expect(output.crc32 == Data(count: Self.zeros).crc32(checksum: 0))
        #expect(!nonZero)
    }

    // MARK: - Overlapping entries

    /// David Fifield's "better zip bomb": each entry's deflate stream starts with a stored block
    /// that quotes the next entry's local header, then continues into that entry's data, so every
    /// entry ends in the same compressed kernel and the output grows quadratically.
    static func overlappingBomb(files: Int, kernelSize: Int) -> (zip: Data, entries: [TestZip.Entry]) {
        let writer = TestZip([])
        let kernel = TestZip.deflatedZeros(kernelSize)
        var entries: [TestZip.Entry] = []
        var headers: [[UInt8]] = []
        for index in stride(from: files - 1, through: 0, by: -1) {
            var entry = TestZip.Entry.file("file\(index)", bytes: [])
            if let next = entries.first, let nextHeader = headers.first {
                let length = UInt16(nextHeader.count)
                entry.data = [0x00] + le16(length) + le16(~length) + nextHeader + next.stored
                entry.content = nextHeader + next.content
            } else {
                entry.data = kernel
                entry.content = [UInt8](repeating: 0, count: kernelSize)
            }
            entries.insert(entry, at: 0)
            headers.insert(writer.localHeader(entry, stored: entry.stored), at: 0)
        }
        var archive = headers[0] + entries[0].stored
        var directory: [UInt8] = []
        var offset = 0
        for (entry, header) in zip(entries, headers) {
            directory += writer.centralHeader(entry, stored: entry.stored, offset: offset)
            offset += header.count + 5
        }
        let directoryOffset = archive.count
        archive += directory + writer.end(count: files, size: directory.count, offset: directoryOffset)
        return (Data(archive), entries)
    }

    @Test func refusesOverlappingEntriesThatShareOneKernel() throws {
        let (zip, entries) = Self.overlappingBomb(files: 20, kernelSize: 1 << 20)
        PackageRefusalCase(name: "overlap", zip: zip, message: "entries overlap in the archive").check()

        // The bomb is real: the first entry inflates to every later header and the whole kernel,
        // and the twenty entries together to twenty times the kernel, from one copy of it.
        let first = entries[0]
        var produced: [UInt8] = []
        let output = try Data(first.stored).withUnsafeBytes { bytes in
            try ZipInflater().inflate(bytes, method: 8, limit: .max) { produced += $0 }
        }
        #expect(produced == first.content)
        #expect(output.crc32 == TestZip.crc32(first.content))
        #expect(entries.map(\.content.count).reduce(0, +) > 20 << 20)
        #expect(zip.count < first.stored.count + 2048)
    }

    @Test func refusesTwoCentralRecordsForOneLocalHeader() {
        let entry = TestZip.Entry.file("a", "content")
        let writer = TestZip([])
        let local = writer.localHeader(entry, stored: entry.stored) + entry.stored
        let record = writer.centralHeader(entry, stored: entry.stored, offset: 0)
        let zip = Data(local + record + record + writer.end(count: 2, size: 2 * record.count, offset: local.count))
        PackageRefusalCase(name: "shared header", zip: zip, message: "entries overlap in the archive").check()
    }
}
