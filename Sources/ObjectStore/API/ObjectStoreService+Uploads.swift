import AWSWire
import BulwarkCore
import Foundation

extension ObjectStoreService {
    /// The uploads in progress of a bucket, by key then initiation, in pages of `max-uploads`
    /// entries (uploads and common prefixes alike), after `key-marker` (and `upload-id-marker`).
    /// How many uploads ListMultipartUploads reads from the store at a time.
    static let uploadBatch = 1000

    func listMultipartUploads(
        _ input: S3API.ListMultipartUploadsRequest, context: CallContext
    ) async throws
        -> S3API.ListMultipartUploadsOutput
    {
        let bucket = try bucket(context, name: input.bucket, expectedOwner: input.expectedBucketOwner)
        let maxUploads = try Self.pageSize(input.maxUploads, argument: "max-uploads")
        let encode = try Self.listingEncoder(input.encodingType)
        let prefix = input.prefix ?? ""
        let keyMarker = input.keyMarker.flatMap { $0.isEmpty ? nil : $0 }
        // An upload-id-marker counts only with a key-marker, as S3 reads it.
        let uploadIDMarker = keyMarker == nil ? nil : input.uploadIdMarker.flatMap { $0.isEmpty ? nil : $0 }
        var listing = ObjectListing<UploadRecord>(prefix: prefix, delimiter: input.delimiter, maxKeys: min(maxUploads, 1000))
        var passedMarker = uploadIDMarker == nil
        /// Offers an upload to the listing, past the markers; false once the listing is complete.
        func offer(_ upload: UploadRecord) -> Bool {
            if let keyMarker {
                if upload.key.utf8.lexicographicallyPrecedes(keyMarker.utf8) { return true }
                if upload.key.utf8.elementsEqual(keyMarker.utf8) {
                    // Within the marker's key, the uploads after the marker's upload.
                    if !passedMarker {
                        passedMarker = upload.uploadID == uploadIDMarker
                        return true
                    }
                    if uploadIDMarker == nil { return true }
                } else if ObjectListing<UploadRecord>.isCovered(upload.key, byMarker: keyMarker, delimiter: input.delimiter) {
                    return true
                }
            }
            listing.offer(upload.key, upload)
            return !listing.isComplete
        }
        // Read in batches from the later of the prefix and the marker, until the keys leave the prefix.
        let start = keyMarker.map { prefix.utf8.lexicographicallyPrecedes($0.utf8) ? $0 : prefix } ?? prefix
        var cursor: UploadRecord?
        scan: while true {
            let batch = try await repository.uploads(bucket: bucket.name, from: start, after: cursor, limit: Self.uploadBatch)
            for upload in batch {
                guard upload.key.utf8.starts(with: prefix.utf8) else { break scan }
                guard offer(upload) else { break scan }
            }
            guard batch.count == Self.uploadBatch else { break }
            cursor = batch.last
        }
        listing.finish()
        let owner = S3API.Owner(id: Self.canonicalID(bucket.accountID))
        let uploads = listing.contents.map { item in
            S3API.MultipartUpload(
                uploadId: item.entry.uploadID, key: encode(item.key), initiated: item.entry.initiated, storageClass: "STANDARD", owner: owner,
                initiator: S3API.Initiator(id: item.entry.initiatorARN), checksumAlgorithm: item.entry.checksumAlgorithm,
                checksumType: item.entry.checksumType)
        }
        // The next page starts after the last entry listed: an upload (its key and id) or a common prefix.
        var nextKey: String?
        var nextUploadID: String?
        if listing.isTruncated, let last = listing.lastListed {
            nextKey = last
            if let upload = listing.contents.last, upload.key.utf8.elementsEqual(last.utf8) { nextUploadID = upload.entry.uploadID }
        }
        return S3API.ListMultipartUploadsOutput(
            bucket: bucket.name, keyMarker: encode(input.keyMarker ?? ""), uploadIdMarker: input.uploadIdMarker ?? "",
            nextKeyMarker: nextKey.map(encode), prefix: encode(prefix), delimiter: input.delimiter.map(encode),
            nextUploadIdMarker: nextUploadID, maxUploads: maxUploads, isTruncated: listing.isTruncated,
            uploads: uploads.isEmpty ? nil : uploads,
            commonPrefixes: listing.commonPrefixes.isEmpty ? nil : listing.commonPrefixes.map { S3API.CommonPrefix(prefix: encode($0)) },
            encodingType: input.encodingType)
    }
}
