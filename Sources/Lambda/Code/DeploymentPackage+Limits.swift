extension DeploymentPackage {
    /// The bounds a deployment package must stay within.
    ///
    /// ``aws`` holds AWS Lambda's quotas and Bulwark's own bounds where AWS publishes none;
    /// tests pass small values to reach every limit cheaply.
    public struct Limits: Sendable, Hashable {
        /// The zip file must be smaller than this many bytes.
        public var zippedSize: Int
        /// The sum of the inflated sizes of all entries must be smaller than this many bytes.
        public var unzippedSize: Int
        /// The most entries the archive may list, and the most files, directories and links the
        /// package may unpack to (counting directories that are implied but not listed).
        public var entryCount: Int
        /// The longest path of an entry, and the longest symbolic link target, in UTF-8 bytes.
        public var pathLength: Int
        /// The longest component of a path, in UTF-8 bytes.
        public var pathComponentLength: Int
        /// The most an entry may expand relative to its compressed size.
        public var compressionRatio: Int
        /// The most the whole package may expand relative to the size of the zip file.
        public var overallCompressionRatio: Int
        /// Entries (and packages) that unzip to at most this many bytes are exempt from the
        /// ratio checks, so that small, very repetitive files pass.
        public var ratioExemptSize: Int

        public init(
            zippedSize: Int,
            unzippedSize: Int,
            entryCount: Int,
            pathLength: Int,
            pathComponentLength: Int,
            compressionRatio: Int,
            overallCompressionRatio: Int,
            ratioExemptSize: Int
        ) {
            self.zippedSize = zippedSize
            self.unzippedSize = unzippedSize
            self.entryCount = entryCount
            self.pathLength = pathLength
            self.pathComponentLength = pathComponentLength
            self.compressionRatio = compressionRatio
            self.overallCompressionRatio = overallCompressionRatio
            self.ratioExemptSize = ratioExemptSize
        }

        /// AWS's quotas (50 MB zipped, 250 MB unzipped) and Bulwark's bounds: 100 000 entries,
        /// paths of 4 000 bytes with components of 255 (Linux's `NAME_MAX`), entries expanding at
        /// most 500 times and packages 200 times once past 1 MiB. Real code compresses 2 to 20
        /// times; only long runs of one byte approach deflate's ceiling of about 1 000.
        public static let aws = Limits(
            zippedSize: 52_428_800,
            unzippedSize: 262_144_000,
            entryCount: 100_000,
            pathLength: 4_000,
            pathComponentLength: 255,
            compressionRatio: 500,
            overallCompressionRatio: 200,
            ratioExemptSize: 1_048_576
        )

        /// AWS's quotas for a package Lambda reads from S3: no 50 MB bound on the zip file, which is
        /// bounded by the 250 MB the package may unzip to (a zip is at most its entries plus headers).
        public static let awsFromS3: Limits = {
            var limits = aws
            limits.zippedSize = aws.unzippedSize
            return limits
        }()
    }
}
