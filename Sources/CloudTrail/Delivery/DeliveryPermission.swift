import Foundation
import IAM
import ObjectStore

/// Whether a bucket's policy admits CloudTrail (`cloudtrail.amazonaws.com`) to deliver a trail's
/// files, judged as S3 judges the service's own requests: `s3:GetBucketAcl` on the bucket and
/// `s3:PutObject` on the key, with the `aws:SourceArn`, `aws:SourceAccount` and `s3:x-amz-acl`
/// (`bucket-owner-full-control`) that CloudTrail's requests carry. A bucket without a policy, or
/// with one that does not name the service, admits nothing.
enum DeliveryPermission {
    static let servicePrincipal = "cloudtrail.amazonaws.com"

    static func allows(_ bucket: S3DeliveryWriter.Bucket, key: String, trailARN: String, accountID: String, now: Date) -> Bool {
        guard let policy = bucket.policy, let document = try? PolicyDocument(parsing: policy, kind: .resource) else { return false }
        let policies = ApplicablePolicies(resource: AttachedPolicy(document, name: "bucket policy"))
        var context = RequestContext([
            "aws:SourceArn": .single(trailARN), "aws:SourceAccount": .single(accountID), "s3:x-amz-acl": .single("bucket-owner-full-control"),
            "aws:PrincipalServiceName": .single(servicePrincipal),
        ])
        context.setTime(now)
        let checks = [("s3:GetBucketAcl", "arn:aws:s3:::\(bucket.name)"), ("s3:PutObject", "arn:aws:s3:::\(bucket.name)/\(key)")]
        return checks.allSatisfy { action, resource in
            PolicyEvaluator().evaluate(
                EvaluationRequest(
                    principal: .service(servicePrincipal), action: action, resource: resource, resourceAccount: bucket.accountID, context: context,
                    policies: policies)
            ).isAllowed
        }
    }

    /// The prefix of every key a trail delivers: `[<prefix>/]AWSLogs/<account>/`.
    static func logPrefix(_ keyPrefix: String?, accountID: String) -> String {
        (keyPrefix.map { $0 + "/" } ?? "") + "AWSLogs/\(accountID)/"
    }
}
