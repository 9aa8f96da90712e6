import BulwarkCore
import Crypto
import Foundation

/// A Lambda `.zip` deployment package that has passed every check, with what Lambda reports
/// about it and a safe way to unpack it.
///
/// ``inspect(_:limits:)`` is the only way to get one, so holding a value means: the archive is a
/// well-formed zip within the size limits; every entry is a file, directory or symbolic link
/// with a relative path that stays inside the package; every link resolves inside it; and every
/// byte has been inflated and matched against its CRC. Errors are `AWSError`s, in AWS's words.
public struct DeploymentPackage: Sendable {
    /// The entries, in archive order. An entry naming the package root itself (`./`) is omitted.
    public let entries: [Entry]
    /// The number of entries in the archive's central directory.
    public let entryCount: Int
    /// The sum of the entries' sizes, measured by inflating them.
    public let unzippedSize: Int
    /// The base64-encoded SHA-256 of the zip file, Lambda's `CodeSha256`.
    public let codeSha256: String
    /// The size of the zip file in bytes, Lambda's `CodeSize`.
    public var codeSize: Int { zip.count }

    let zip: Data
    let tree: PackageTree

    /// Validates a zip file as a deployment package and summarises it, without writing anything.
    ///
    /// Refuses, with `InvalidParameterValueException` (or `RequestEntityTooLargeException` for
    /// a zip file over the zipped limit): an empty, truncated or corrupt archive; encrypted
    /// entries and compression other than stored or deflate; absolute paths, `..`, backslashes,
    /// drive letters, NUL bytes, over-long or duplicate paths, entries inside files or links;
    /// devices, FIFOs and sockets; links leading outside the package or looping; more entries
    /// than the limit; overlapping entries, and entries or archives expanding past the size or
    /// ratio limits, stopping inflation as soon as a limit is crossed.
    public static func inspect(_ zip: Data, limits: Limits = .aws) throws -> DeploymentPackage {
        guard !zip.isEmpty else { throw PackageRefusal.empty }
        guard zip.count < limits.zippedSize else { throw PackageRefusal.zippedTooLarge(limit: limits.zippedSize) }
        let scan = try zip.withUnsafeBytes { bytes in
            try PackageScanner(bytes: bytes, limits: limits).scan()
        }
        return DeploymentPackage(
            entries: scan.entries,
            entryCount: scan.entryCount,
            unzippedSize: scan.unzippedSize,
            codeSha256: Data(SHA256.hash(data: zip)).base64EncodedString(),
            zip: zip,
            tree: scan.tree
        )
    }

    /// Unpacks the package into `directory`, which must not exist yet; its parent must.
    ///
    /// Only regular files, directories and symbolic links are created, each relative to a
    /// descriptor of its parent directory opened with `O_NOFOLLOW`, files with `O_EXCL`, and
    /// links last, so no entry can be written through a link or over another file. Modes are
    /// those of ``Entry/mode``. On any failure everything written is removed, `directory`
    /// included. I/O failures throw `ServiceException` (500).
    public func extract(to directory: URL) throws {
        try PackageExtractor(zip: zip, tree: tree).extract(to: directory)
    }
}
