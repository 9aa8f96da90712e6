"""S3 CopyObject (issue #12): within and across buckets, the metadata and tagging directives, the copy's
conditions, its errors, and the CLI's `aws s3 cp`/`mv` between buckets (CopyObject below 8 MB, UploadPartCopy
above)."""

import hashlib
import json
import os
import time

import pytest

from test_s3_core import error_of, s3_client


@pytest.fixture
def s3(bulwark):
    return s3_client(bulwark)


def make_bucket(s3, tag):
    name = f"c{int(time.time() * 1000000) % 10**12}-{tag}"
    s3.create_bucket(Bucket=name)
    return name


def test_copy_keeps_or_replaces_metadata_and_tags(s3):
    source, target = make_bucket(s3, "src"), make_bucket(s3, "dst")
    s3.put_object(Bucket=source, Key="a.txt", Body=b"hello copy", ContentType="text/plain", Metadata={"owner": "team"},
                  Tagging="stage=raw")
    copied = s3.copy_object(Bucket=target, Key="b.txt", CopySource={"Bucket": source, "Key": "a.txt"})
    etag = hashlib.md5(b"hello copy").hexdigest()
    result = copied["CopyObjectResult"]
    # The copy keeps the source's checksum algorithm (botocore sent a CRC32 with the upload).
    assert set(result) == {"ETag", "LastModified", "ChecksumCRC32", "ChecksumType"}
    assert result["ETag"] == f'"{etag}"' and result["ChecksumType"] == "FULL_OBJECT"
    assert result["ChecksumCRC32"] == s3.head_object(Bucket=source, Key="a.txt", ChecksumMode="ENABLED")["ChecksumCRC32"]
    assert copied["ServerSideEncryption"] == "AES256"
    head = s3.head_object(Bucket=target, Key="b.txt")
    assert (head["ContentType"], head["Metadata"], head["ContentLength"]) == ("text/plain", {"owner": "team"}, 10)
    assert s3.get_object_tagging(Bucket=target, Key="b.txt")["TagSet"] == [{"Key": "stage", "Value": "raw"}]
    assert s3.get_object(Bucket=target, Key="b.txt")["Body"].read() == b"hello copy"

    s3.copy_object(Bucket=target, Key="c.txt", CopySource=f"{source}/a.txt", MetadataDirective="REPLACE",
                   ContentType="application/json", Metadata={"fresh": "1"}, TaggingDirective="REPLACE", Tagging="stage=cooked")
    head = s3.head_object(Bucket=target, Key="c.txt")
    assert (head["ContentType"], head["Metadata"]) == ("application/json", {"fresh": "1"})
    assert s3.get_object_tagging(Bucket=target, Key="c.txt")["TagSet"] == [{"Key": "stage", "Value": "cooked"}]

    # Onto itself: only with something changed.
    error, status = error_of(lambda: s3.copy_object(Bucket=source, Key="a.txt", CopySource=f"{source}/a.txt"))
    assert (error["Code"], status) == ("InvalidRequest", 400)
    assert error["Message"].startswith("This copy request is illegal because it is trying to copy an object to itself")
    s3.copy_object(Bucket=source, Key="a.txt", CopySource=f"{source}/a.txt", MetadataDirective="REPLACE", Metadata={"v": "2"})
    assert s3.head_object(Bucket=source, Key="a.txt")["Metadata"] == {"v": "2"}


def test_copy_errors_and_conditions(s3):
    bucket = make_bucket(s3, "err")
    s3.put_object(Bucket=bucket, Key="k", Body=b"1")
    etag = s3.head_object(Bucket=bucket, Key="k")["ETag"]
    cases = [
        (lambda: s3.copy_object(Bucket=bucket, Key="x", CopySource=f"{bucket}/absent"), "NoSuchKey", 404),
        (lambda: s3.copy_object(Bucket=bucket, Key="x", CopySource="no-such-bucket-zz/k"), "NoSuchBucket", 404),
        (lambda: s3.copy_object(Bucket=bucket, Key="x", CopySource=f"{bucket}/k", CopySourceIfMatch='"0000"'), "PreconditionFailed", 412),
        (lambda: s3.copy_object(Bucket=bucket, Key="x", CopySource=f"{bucket}/k", CopySourceIfNoneMatch=etag), "PreconditionFailed", 412),
        (lambda: s3.copy_object(Bucket=bucket, Key="x", CopySource=f"{bucket}/k", MetadataDirective="MOVE"), "InvalidArgument", 400),
        (lambda: s3.copy_object(Bucket=bucket, Key="k", CopySource=f"{bucket}/k", MetadataDirective="REPLACE", IfNoneMatch="*"),
         "PreconditionFailed", 412),
    ]
    for call, code, expected in cases:
        error, status = error_of(call)
        assert (error["Code"], status) == (code, expected), code
    assert s3.copy_object(Bucket=bucket, Key="x", CopySource=f"{bucket}/k", CopySourceIfMatch=etag)["CopyObjectResult"]["ETag"] == etag


def test_copy_is_judged_on_the_source_and_the_target(bulwark, s3):
    bucket = make_bucket(s3, "authz")
    s3.put_object(Bucket=bucket, Key="open", Body=b"o")
    s3.put_object(Bucket=bucket, Key="secret", Body=b"s", Tagging="classification=secret")
    iam = bulwark.client("iam")
    user = f"copier-{time.time_ns() % 10**9}"
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="p", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": f"arn:aws:s3:::{bucket}/*"},
        {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*",
         "Condition": {"StringEquals": {"s3:ExistingObjectTag/classification": "secret"}}},
        {"Effect": "Deny", "Action": "s3:PutObject", "Resource": "*",
         "Condition": {"StringEquals": {"s3:x-amz-metadata-directive": "REPLACE"}}},
    ]}))
    key = iam.create_access_key(UserName=user)["AccessKey"]
    client = s3_client(bulwark, key["AccessKeyId"], key["SecretAccessKey"])
    deadline = time.monotonic() + 10
    while True:
        try:
            client.copy_object(Bucket=bucket, Key="copy", CopySource=f"{bucket}/open")
            break
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    for call in [
        lambda: client.copy_object(Bucket=bucket, Key="copy2", CopySource=f"{bucket}/secret"),
        lambda: client.copy_object(Bucket=bucket, Key="copy3", CopySource=f"{bucket}/open", MetadataDirective="REPLACE"),
    ]:
        error, status = error_of(call)
        assert (error["Code"], status) == ("AccessDenied", 403)
    error, status = error_of(lambda: client.head_object(Bucket=bucket, Key="copy2"))
    assert status == 404


def test_cli_copies_and_moves_between_buckets(bulwark, s3, tmp_path):
    source, target = make_bucket(s3, "clis"), make_bucket(s3, "clit")
    small, large = tmp_path / "small.bin", tmp_path / "large.bin"
    small.write_bytes(os.urandom(1000))
    large.write_bytes(os.urandom(12 * 1024 * 1024))
    for path in (small, large):
        bulwark.aws("s3", "cp", str(path), f"s3://{source}/{path.name}")
    bulwark.aws("s3", "cp", f"s3://{source}/small.bin", f"s3://{target}/small.bin")
    bulwark.aws("s3", "mv", f"s3://{source}/large.bin", f"s3://{target}/large.bin")
    for path in (small, large):
        got = s3.get_object(Bucket=target, Key=path.name)["Body"].read()
        assert hashlib.sha256(got).hexdigest() == hashlib.sha256(path.read_bytes()).hexdigest()
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=source)["Contents"]] == ["small.bin"]
