/// The S3 actions the Service Authorization Reference lists on a bucket or an object: what a bucket
/// policy may name (S3 refuses anything else, "Policy has invalid action"). Matched without regard to
/// case, as IAM matches actions (decision 0031).
enum S3ActionCatalog {
    /// Lowercased `s3:` actions on buckets (`arn:aws:s3:::bucket`).
    static let bucketActions: Set<String> = Set(
        [
            "CreateBucket", "DeleteBucket", "ListBucket", "ListBucketVersions", "ListBucketMultipartUploads", "GetBucketLocation",
            "GetBucketPolicy", "PutBucketPolicy", "DeleteBucketPolicy", "GetBucketPolicyStatus", "GetBucketAcl", "PutBucketAcl",
            "GetBucketCORS", "PutBucketCORS", "GetBucketLogging", "PutBucketLogging", "GetBucketNotification", "PutBucketNotification",
            "GetBucketObjectLockConfiguration", "PutBucketObjectLockConfiguration", "GetBucketOwnershipControls",
            "PutBucketOwnershipControls", "GetBucketPublicAccessBlock", "PutBucketPublicAccessBlock", "GetBucketRequestPayment",
            "PutBucketRequestPayment", "GetBucketTagging", "PutBucketTagging", "GetBucketVersioning", "PutBucketVersioning",
            "GetBucketWebsite", "PutBucketWebsite", "DeleteBucketWebsite", "GetAccelerateConfiguration", "PutAccelerateConfiguration",
            "GetAnalyticsConfiguration", "PutAnalyticsConfiguration", "GetEncryptionConfiguration", "PutEncryptionConfiguration",
            "GetIntelligentTieringConfiguration", "PutIntelligentTieringConfiguration", "GetInventoryConfiguration",
            "PutInventoryConfiguration", "GetLifecycleConfiguration", "PutLifecycleConfiguration", "GetMetricsConfiguration",
            "PutMetricsConfiguration", "GetReplicationConfiguration", "PutReplicationConfiguration", "GetBucketAbac", "PutBucketAbac",
            "CreateBucketMetadataTableConfiguration", "GetBucketMetadataTableConfiguration", "DeleteBucketMetadataTableConfiguration",
            "UpdateBucketMetadataInventoryTableConfiguration", "UpdateBucketMetadataJournalTableConfiguration", "ListTagsForResource",
            "TagResource", "UntagResource",
        ].map { "s3:" + $0.lowercased() })

    /// Lowercased `s3:` actions on objects (`arn:aws:s3:::bucket/key`).
    static let objectActions: Set<String> = Set(
        [
            "GetObject", "GetObjectVersion", "GetObjectAcl", "GetObjectVersionAcl", "GetObjectAttributes", "GetObjectVersionAttributes",
            "GetObjectTagging", "GetObjectVersionTagging", "GetObjectTorrent", "GetObjectVersionTorrent", "GetObjectLegalHold",
            "GetObjectRetention", "GetObjectVersionForReplication", "PutObject", "PutObjectAcl", "PutObjectVersionAcl", "PutObjectTagging",
            "PutObjectVersionTagging", "PutObjectLegalHold", "PutObjectRetention", "DeleteObject", "DeleteObjectVersion",
            "DeleteObjectTagging", "DeleteObjectVersionTagging", "AbortMultipartUpload", "ListMultipartUploadParts", "RestoreObject",
            "BypassGovernanceRetention", "ReplicateObject", "ReplicateDelete", "ReplicateTags", "ObjectOwnerOverrideToBucketOwner",
            "InitiateReplication",
        ].map { "s3:" + $0.lowercased() })

    /// Every action a bucket policy may name.
    static let actions = bucketActions.union(objectActions)
}
