import Crypto
import Foundation
import KMS
import Store

/// Object bodies on disk under `<data-dir>/objects/`, encrypted at rest (SSE-S3): each body under a
/// data key of its own (AES-256-GCM, the object's file name as additional data), the data key
/// wrapped by the master key for that object, as KMS wraps key material (decision 0010).
///
/// A body is written to a temporary file, flushed, renamed into place and the directory flushed
/// before the caller commits the row that names it; so an acknowledged PUT survives a crash, and a
/// failed one leaves at most an unnamed file, removed at once.
public struct ObjectBodyStore: Sendable {
    public let directory: URL
    let masterKey: MasterKey

    public init(directory: URL, masterKey: MasterKey) throws {
        self.directory = directory
        self.masterKey = masterKey
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        removeUnfinishedWrites()
    }

    /// Removes the temporary files of writes a crash interrupted (`kill -9` during an upload): at
    /// start no write is under way, and no row names a temporary file.
    private func removeUnfinishedWrites() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in names where name.hasPrefix(Self.temporaryPrefix) {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
        }
    }

    private static let temporaryPrefix = ".upload-"

    /// A stored body: the file it is in and its wrapped data key.
    struct StoredBody: Sendable {
        let objectID: String
        let wrappedKey: Data
    }

    /// Encrypts and stores `body` under a new object id; durable when it returns.
    func write(_ body: Data) throws -> StoredBody {
        let objectID = UUID().uuidString.lowercased()
        let dataKey = SymmetricKey(size: .bits256)
        let sealed = try AES.GCM.seal(body, using: dataKey, authenticating: Self.binding(objectID))
        guard let combined = sealed.combined else { throw StoreError.unavailable("cannot seal object \(objectID)") }
        let wrappedKey = try masterKey.wrap(dataKey, keyID: Self.keyID(objectID), version: 1)
        let temporary = directory.appendingPathComponent(Self.temporaryPrefix + objectID)
        do {
            try DurableFile.write(combined, to: temporary)
            try DurableFile.rename(temporary, to: url(for: objectID), directory: directory)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw StoreError.unavailable("cannot store object \(objectID): \(error)")
        }
        return StoredBody(objectID: objectID, wrappedKey: wrappedKey)
    }

    /// The plaintext of a stored body. - Throws: ``StoreError`` when the file is missing or does not
    /// open under its key (another master key, or a damaged file).
    func read(objectID: String, wrappedKey: Data) throws -> Data {
        guard Self.isObjectID(objectID) else { throw StoreError.notFound }
        let combined: Data
        do {
            combined = try Data(contentsOf: url(for: objectID))
        } catch {
            throw StoreError.notFound
        }
        do {
            let dataKey = try masterKey.unwrap(wrappedKey, keyID: Self.keyID(objectID), version: 1)
            return try AES.GCM.open(AES.GCM.SealedBox(combined: combined), using: dataKey, authenticating: Self.binding(objectID))
        } catch {
            throw StoreError.unavailable("object \(objectID) does not decrypt under its key")
        }
    }

    /// The bytes `range` (lower and upper bound, inclusive) of an object's body, or all of it: for
    /// a multipart object only the parts the range overlaps are read and decrypted, one at a time.
    func read(_ object: ObjectRecord, range: (lower: Int64, upper: Int64)? = nil) throws -> Data {
        guard !object.parts.isEmpty else {
            let whole = try read(objectID: object.objectID, wrappedKey: object.wrappedKey)
            guard let range else { return whole }
            return whole.subdata(in: Int(range.lower)..<Int(range.upper + 1))
        }
        let (lower, upper) = range ?? (0, object.size - 1)
        var body = Data()
        body.reserveCapacity(Int(max(0, upper - lower + 1)))
        var start: Int64 = 0
        for part in object.parts {
            defer { start += part.size }
            let end = start + part.size - 1
            guard end >= lower, start <= upper, part.size > 0 else { continue }
            let bytes = try read(objectID: part.objectID, wrappedKey: part.wrappedKey)
            guard bytes.count == part.size else { throw StoreError.unavailable("part \(part.objectID) has another size than recorded") }
            body.append(bytes.subdata(in: Int(max(lower, start) - start)..<Int(min(upper, end) - start + 1)))
        }
        return body
    }

    /// Removes the files of an object's body (its parts', for a multipart object).
    func remove(_ object: ObjectRecord) {
        for objectID in object.bodyIDs { remove(objectID: objectID) }
    }

    /// Removes a body that no row names any more.
    func remove(objectID: String) {
        guard Self.isObjectID(objectID) else { return }
        try? FileManager.default.removeItem(at: url(for: objectID))
    }

    func url(for objectID: String) -> URL {
        directory.appendingPathComponent(objectID)
    }

    private static func keyID(_ objectID: String) -> String { "s3-object/\(objectID)" }

    private static func binding(_ objectID: String) -> Data { Data("bulwark-s3-object/v1/\(objectID)".utf8) }

    static func isObjectID(_ text: String) -> Bool {
        UUID(uuidString: text) != nil && text == text.lowercased()
    }
}
