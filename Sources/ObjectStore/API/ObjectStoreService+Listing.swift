import AWSWire
import BulwarkCore
import Foundation

extension ObjectStoreService {
    func listObjectsV2(_ input: S3API.ListObjectsV2Request, context: CallContext) async throws -> S3API.ListObjectsV2Output {
        let bucket = try bucket(context, name: input.bucket, expectedOwner: input.expectedBucketOwner)
        let maxKeys = try Self.pageSize(input.maxKeys, argument: "maxKeys")
        let encode = try Self.listingEncoder(input.encodingType)
        if input.optionalObjectAttributes != nil { throw S3Error.notImplemented("x-amz-optional-object-attributes") }
        let prefix = input.prefix ?? ""
        var marker = input.startAfter
        if let token = input.continuationToken {
            guard let data = Data(base64Encoded: token), let decoded = String(data: data, encoding: .utf8), decoded.hasPrefix("1:") else {
                throw S3Error.invalidArgument("The continuation token provided is incorrect", name: "continuation-token", value: token)
            }
            marker = String(decoded.dropFirst(2))
        }
        let listing = try await repository.listObjects(
            bucket: bucket.name, into: ObjectListing(prefix: prefix, delimiter: input.delimiter, maxKeys: min(maxKeys, 1000)), after: marker
        ).listing
        let owner = input.fetchOwner == true ? S3API.Owner(id: Self.canonicalID(bucket.accountID)) : nil
        let contents = listing.contents.map { Self.listed($0.key, $0.entry, owner: owner, encode: encode) }
        let next = listing.isTruncated ? listing.lastListed.map { Data("1:\($0)".utf8).base64EncodedString() } : nil
        return S3API.ListObjectsV2Output(
            isTruncated: listing.isTruncated,
            contents: contents.isEmpty ? nil : contents,
            name: bucket.name,
            prefix: encode(prefix),
            delimiter: input.delimiter.map(encode),
            maxKeys: maxKeys,
            commonPrefixes: listing.commonPrefixes.isEmpty ? nil : listing.commonPrefixes.map { S3API.CommonPrefix(prefix: encode($0)) },
            encodingType: input.encodingType,
            keyCount: listing.contents.count + listing.commonPrefixes.count,
            continuationToken: input.continuationToken,
            nextContinuationToken: next,
            startAfter: input.startAfter.map(encode)
        )
    }

    /// The first version of the listing (`GET /<bucket>` without `list-type=2`), which older tools
    /// still use (`aws cloudtrail validate-logs`): pages from `marker`; `NextMarker` only with a delimiter.
    func listObjects(_ input: S3API.ListObjectsRequest, context: CallContext) async throws -> S3API.ListObjectsOutput {
        let bucket = try bucket(context, name: input.bucket, expectedOwner: input.expectedBucketOwner)
        let maxKeys = try Self.pageSize(input.maxKeys, argument: "maxKeys")
        let encode = try Self.listingEncoder(input.encodingType)
        if input.optionalObjectAttributes != nil { throw S3Error.notImplemented("x-amz-optional-object-attributes") }
        let prefix = input.prefix ?? ""
        let listing = try await repository.listObjects(
            bucket: bucket.name, into: ObjectListing(prefix: prefix, delimiter: input.delimiter, maxKeys: min(maxKeys, 1000)),
            after: input.marker.flatMap { $0.isEmpty ? nil : $0 }
        ).listing
        let owner = S3API.Owner(id: Self.canonicalID(bucket.accountID))
        let contents = listing.contents.map { Self.listed($0.key, $0.entry, owner: owner, encode: encode) }
        return S3API.ListObjectsOutput(
            isTruncated: listing.isTruncated,
            marker: encode(input.marker ?? ""),
            nextMarker: listing.isTruncated && input.delimiter != nil ? listing.lastListed.map(encode) : nil,
            contents: contents.isEmpty ? nil : contents,
            name: bucket.name,
            prefix: encode(prefix),
            delimiter: input.delimiter.map(encode),
            maxKeys: maxKeys,
            commonPrefixes: listing.commonPrefixes.isEmpty ? nil : listing.commonPrefixes.map { S3API.CommonPrefix(prefix: encode($0)) },
            encodingType: input.encodingType
        )
    }

    /// S3's `encoding-type=url`: every byte but the unreserved characters and `/` percent-encoded.
    static func urlEncoded(_ text: String) -> String {
        PercentEncoding.encode(text, keepSlash: true)
    }

    /// How a listing writes keys and prefixes: as they are, or percent-encoded for `encoding-type=url`,
    /// the only encoding S3 knows.
    /// One object of a ListObjects or ListObjectsV2 page.
    static func listed(_ key: String, _ object: ObjectRecord, owner: S3API.Owner?, encode: (String) -> String) -> S3API.Object {
        let checksums = StoredChecksums(object)
        return S3API.Object(
            key: encode(key), lastModified: object.lastModified, eTag: object.etag,
            checksumAlgorithm: checksums.algorithms.isEmpty ? nil : checksums.algorithms, checksumType: checksums.type,
            size: object.size, storageClass: "STANDARD", owner: owner)
    }

    static func listingEncoder(_ encodingType: String?) throws -> (String) -> String {
        switch encodingType {
        case nil: { $0 }
        case "url": { urlEncoded($0) }
        case let other?: throw S3Error.invalidArgument("Invalid Encoding Method specified in Request", name: "encoding-type", value: other)
        }
    }

    /// A listing's page size (`max-keys`, `max-uploads`): 1,000 when not given, refused when negative.
    static func pageSize(_ value: Int?, argument: String) throws -> Int {
        let size = value ?? 1000
        guard size >= 0 else {
            throw S3Error.invalidArgument("Argument \(argument) must be an integer between 0 and 2147483647", name: argument, value: String(size))
        }
        return size
    }

    /// The condition keys S3 gives a listing's check: `s3:prefix`, `s3:delimiter` when given, `s3:max-keys`.
    static func listingConditionKeys(prefix: String?, delimiter: String?, maxKeys: Int?) -> [String: AuthorizationCheck.Value] {
        var keys: [String: AuthorizationCheck.Value] = ["s3:prefix": .single(prefix ?? ""), "s3:max-keys": .single(String(maxKeys ?? 1000))]
        if let delimiter { keys["s3:delimiter"] = .single(delimiter) }
        return keys
    }
}
