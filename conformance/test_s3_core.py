"""S3, first slice (issue #12): buckets and objects over S3's rest-xml wire, with boto3 and the aws CLI.

The clients keep their default checksum settings: over this plain-HTTP endpoint botocore sends a CRC32
`x-amz-checksum-crc32` header with a signed payload (over HTTPS, an aws-chunked body with a CRC32
trailer: test_s3_payloads.py).
"""

import base64
import hashlib
import json
import re
import os
import time
from datetime import datetime, timedelta, timezone

import boto3
import botocore.config
import pytest
from botocore.exceptions import ClientError

def s3_client(server, access_key=None, secret_key=None, **extra):
    key, secret = server.admin_key
    return boto3.session.Session().client(
        "s3",
        endpoint_url=server.endpoint,
        region_name="us-east-1",
        aws_access_key_id=access_key or key,
        aws_secret_access_key=secret_key or secret,
        config=botocore.config.Config(
            retries={"max_attempts": 0, "mode": "standard"}, s3={"addressing_style": "path"}, **extra
        ),
    )


@pytest.fixture
def s3(bulwark):
    return s3_client(bulwark)


@pytest.fixture
def bucket(s3, request):
    name = f"b{int(time.time() * 1000000) % 10**12}-{abs(hash(request.node.name)) % 10**6}"
    s3.create_bucket(Bucket=name)
    yield name
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=name):
        for item in page.get("Contents", []):
            s3.delete_object(Bucket=name, Key=item["Key"])
    s3.delete_bucket(Bucket=name)


def error_of(call):
    with pytest.raises(ClientError) as raised:
        call()
    response = raised.value.response
    return response["Error"], response["ResponseMetadata"]["HTTPStatusCode"]


def test_bucket_lifecycle(s3, bulwark):
    name = f"life-{int(time.time() * 1000)}"
    created = s3.create_bucket(Bucket=name)
    assert created["Location"] == f"/{name}"
    assert name in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    listed = s3.list_buckets()
    assert set(listed) == {"Buckets", "Owner", "ResponseMetadata"}
    assert len(listed["Owner"]["ID"]) == 64
    entry = next(b for b in listed["Buckets"] if b["Name"] == name)
    assert set(entry) == {"Name", "CreationDate", "BucketRegion"} and entry["BucketRegion"] == "us-east-1"
    head = s3.head_bucket(Bucket=name)
    assert head["BucketRegion"] == "us-east-1"
    location = s3.get_bucket_location(Bucket=name)
    assert location["LocationConstraint"] is None
    error, status = error_of(lambda: s3.create_bucket(Bucket=name))
    assert (error["Code"], status) == ("BucketAlreadyOwnedByYou", 409)
    assert error["BucketName"] == name
    s3.put_object(Bucket=name, Key="k", Body=b"x")
    error, status = error_of(lambda: s3.delete_bucket(Bucket=name))
    assert (error["Code"], status, error["Message"]) == ("BucketNotEmpty", 409, "The bucket you tried to delete is not empty")
    s3.delete_object(Bucket=name, Key="k")
    assert s3.delete_bucket(Bucket=name)["ResponseMetadata"]["HTTPStatusCode"] == 204
    error, status = error_of(lambda: s3.head_bucket(Bucket=name))
    assert status == 404
    error, status = error_of(lambda: s3.get_bucket_location(Bucket=name))
    assert (error["Code"], status, error["Message"], error["BucketName"]) == (
        "NoSuchBucket", 404, "The specified bucket does not exist", name)


def test_location_constraint(bulwark):
    client = s3_client(bulwark)
    west = boto3.session.Session().client(
        "s3", endpoint_url=bulwark.endpoint, region_name="eu-west-2",
        aws_access_key_id=bulwark.admin_key[0], aws_secret_access_key=bulwark.admin_key[1],
        config=botocore.config.Config(s3={"addressing_style": "path"}))
    name = f"west-{int(time.time() * 1000)}"
    west.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    assert west.get_bucket_location(Bucket=name)["LocationConstraint"] == "eu-west-2"
    assert client.head_bucket(Bucket=name)["BucketRegion"] == "eu-west-2"
    west.delete_bucket(Bucket=name)


@pytest.mark.parametrize("name", ["ab", "Upper-case", "a..b", "192.168.1.1", "-start", "end-", "xn--punycode", "a" * 64, "under_score"])
def test_invalid_bucket_names(s3, name):
    error, status = error_of(lambda: s3.create_bucket(Bucket=name))
    assert (error["Code"], status, error["Message"]) == ("InvalidBucketName", 400, "The specified bucket is not valid.")


def test_put_get_head_with_metadata_and_content_headers(s3, bucket):
    body = os.urandom(3000)
    md5 = hashlib.md5(body)
    put = s3.put_object(
        Bucket=bucket, Key="dir/file.bin", Body=body, Metadata={"Colour": "blue", "n": "1"}, ContentType="image/png",
        ContentEncoding="identity", ContentDisposition="attachment; filename=f.bin", ContentLanguage="en",
        CacheControl="max-age=60", ContentMD5=base64.b64encode(md5.digest()).decode())
    assert put["ETag"] == f'"{md5.hexdigest()}"'
    assert put["ServerSideEncryption"] == "AES256"
    got = s3.get_object(Bucket=bucket, Key="dir/file.bin")
    assert got["Body"].read() == body
    expected = {
        "AcceptRanges": "bytes", "ContentLength": 3000, "ETag": f'"{md5.hexdigest()}"', "ContentType": "image/png",
        "ContentEncoding": "identity", "ContentDisposition": "attachment; filename=f.bin", "ContentLanguage": "en",
        "CacheControl": "max-age=60", "Metadata": {"colour": "blue", "n": "1"}, "ServerSideEncryption": "AES256",
    }
    for key, value in expected.items():
        assert got[key] == value, key
    assert isinstance(got["LastModified"], datetime)
    head = s3.head_object(Bucket=bucket, Key="dir/file.bin")
    volatile = {"ResponseMetadata", "LastModified"}
    assert {k: v for k, v in head.items() if k not in volatile} == expected
    assert head["ResponseMetadata"]["HTTPHeaders"]["content-length"] == "3000"


def test_keys_are_used_exactly_as_sent(s3, bucket):
    for key in ["a//b", "dir/", "./dot", "sp ace+plus%percent", "ünï/çødé"]:
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
        assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == key.encode()
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert keys == sorted(keys, key=lambda k: k.encode())


def test_no_such_key_and_bad_digest(s3, bucket):
    error, status = error_of(lambda: s3.get_object(Bucket=bucket, Key="missing"))
    assert (error["Code"], status, error["Message"], error["Key"]) == ("NoSuchKey", 404, "The specified key does not exist.", "missing")
    error, status = error_of(lambda: s3.head_object(Bucket=bucket, Key="missing"))
    assert status == 404
    error, status = error_of(lambda: s3.put_object(Bucket=bucket, Key="k", Body=b"abc", ContentMD5=base64.b64encode(b"0" * 16).decode()))
    assert (error["Code"], status) == ("BadDigest", 400)
    error, status = error_of(lambda: s3.put_object(Bucket=bucket, Key="k", Body=b"abc", ContentMD5="notbase64"))
    assert (error["Code"], status) == ("InvalidDigest", 400)
    error, status = error_of(lambda: s3.get_object(Bucket=bucket, Key="k"))
    assert error["Code"] == "NoSuchKey"


def test_ranges(s3, bucket):
    body = bytes(range(256)) * 4
    s3.put_object(Bucket=bucket, Key="r", Body=body)
    for header, lower, upper in [("bytes=0-9", 0, 9), ("bytes=1000-", 1000, 1023), ("bytes=-24", 1000, 1023), ("bytes=10-5000", 10, 1023)]:
        got = s3.get_object(Bucket=bucket, Key="r", Range=header)
        assert got["ResponseMetadata"]["HTTPStatusCode"] == 206
        assert got["ContentRange"] == f"bytes {lower}-{upper}/1024"
        assert got["ContentLength"] == upper - lower + 1
        assert got["Body"].read() == body[lower:upper + 1]
    error, status = error_of(lambda: s3.get_object(Bucket=bucket, Key="r", Range="bytes=2000-"))
    assert (error["Code"], status, error["Message"]) == ("InvalidRange", 416, "The requested range is not satisfiable")
    assert error["ActualObjectSize"] == "1024" and error["RangeRequested"] == "bytes=2000-"


def test_conditional_reads_and_writes(s3, bucket):
    etag = s3.put_object(Bucket=bucket, Key="c", Body=b"one")["ETag"]
    assert s3.get_object(Bucket=bucket, Key="c", IfMatch=etag)["Body"].read() == b"one"
    error, status = error_of(lambda: s3.get_object(Bucket=bucket, Key="c", IfMatch='"0000"'))
    assert (error["Code"], status, error["Condition"]) == ("PreconditionFailed", 412, "If-Match")
    error, status = error_of(lambda: s3.get_object(Bucket=bucket, Key="c", IfNoneMatch=etag))
    assert status == 304
    error, status = error_of(lambda: s3.get_object(Bucket=bucket, Key="c", IfModifiedSince=datetime.now(timezone.utc) + timedelta(hours=1)))
    assert status == 304
    error, status = error_of(
        lambda: s3.get_object(Bucket=bucket, Key="c", IfUnmodifiedSince=datetime.now(timezone.utc) - timedelta(hours=1)))
    assert (error["Code"], status) == ("PreconditionFailed", 412)
    assert s3.head_object(Bucket=bucket, Key="c", IfModifiedSince=datetime.now(timezone.utc) - timedelta(hours=1))["ETag"] == etag
    error, status = error_of(lambda: s3.put_object(Bucket=bucket, Key="c", Body=b"two", IfNoneMatch="*"))
    assert (error["Code"], status, error["Condition"]) == ("PreconditionFailed", 412, "If-None-Match")
    s3.put_object(Bucket=bucket, Key="new", Body=b"x", IfNoneMatch="*")
    error, status = error_of(lambda: s3.put_object(Bucket=bucket, Key="c", Body=b"two", IfMatch='"ffff"'))
    assert (error["Code"], status) == ("PreconditionFailed", 412)
    s3.put_object(Bucket=bucket, Key="c", Body=b"two", IfMatch=etag)
    assert s3.get_object(Bucket=bucket, Key="c")["Body"].read() == b"two"


def test_list_objects_v2_paging_and_delimiter(s3, bucket):
    keys = ["a/1", "a/2", "a/b/3", "b/1", "c", "d"]
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=b"")
    everything = s3.list_objects_v2(Bucket=bucket)
    assert [o["Key"] for o in everything["Contents"]] == keys
    assert everything["KeyCount"] == 6 and everything["IsTruncated"] is False and everything["MaxKeys"] == 1000
    item = everything["Contents"][0]
    assert set(item) == {"Key", "LastModified", "ETag", "Size", "StorageClass", "ChecksumAlgorithm", "ChecksumType"}
    assert (item["ChecksumAlgorithm"], item["ChecksumType"]) == (["CRC32"], "FULL_OBJECT")
    assert item["ETag"] == '"d41d8cd98f00b204e9800998ecf8427e"' and item["Size"] == 0
    rolled = s3.list_objects_v2(Bucket=bucket, Delimiter="/")
    assert [p["Prefix"] for p in rolled["CommonPrefixes"]] == ["a/", "b/"]
    assert [o["Key"] for o in rolled["Contents"]] == ["c", "d"]
    assert rolled["KeyCount"] == 4
    nested = s3.list_objects_v2(Bucket=bucket, Prefix="a/", Delimiter="/")
    assert [o["Key"] for o in nested["Contents"]] == ["a/1", "a/2"]
    assert [p["Prefix"] for p in nested["CommonPrefixes"]] == ["a/b/"]
    pages, token = [], None
    while True:
        kwargs = {"Bucket": bucket, "MaxKeys": 2, "Delimiter": "/"}
        if token:
            kwargs["ContinuationToken"] = token
        page = s3.list_objects_v2(**kwargs)
        pages.append([o["Key"] for o in page.get("Contents", [])] + [p["Prefix"] for p in page.get("CommonPrefixes", [])])
        if not page["IsTruncated"]:
            break
        token = page["NextContinuationToken"]
    assert pages == [["a/", "b/"], ["c", "d"]]
    after = s3.list_objects_v2(Bucket=bucket, StartAfter="b/1")
    assert [o["Key"] for o in after["Contents"]] == ["c", "d"] and after["StartAfter"] == "b/1"
    assert s3.list_objects_v2(Bucket=bucket, MaxKeys=0)["KeyCount"] == 0
    error, status = error_of(lambda: s3.list_objects_v2(Bucket=bucket, ContinuationToken="garbage"))
    assert (error["Code"], status) == ("InvalidArgument", 400)


def test_list_objects_version_1_pages_by_marker(s3, bucket):
    """The first version of the listing (no list-type=2), which `aws cloudtrail validate-logs` uses."""
    keys = ["a/1", "a/2", "a/b/3", "b/1", "c", "d"]
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=b"")
    everything = s3.list_objects(Bucket=bucket)
    everything.pop("ResponseMetadata")
    contents = everything.pop("Contents")
    # botocore asks for encoding-type=url on its own (and decodes the keys), as AWS echoes it.
    assert everything == {"IsTruncated": False, "Marker": "", "Name": bucket, "Prefix": "", "MaxKeys": 1000, "EncodingType": "url"}
    assert [o["Key"] for o in contents] == keys
    assert set(contents[0]) == {"Key", "LastModified", "ETag", "Size", "StorageClass", "ChecksumAlgorithm", "ChecksumType", "Owner"}
    assert re.fullmatch(r"[0-9a-f]{64}", contents[0]["Owner"]["ID"])
    page = s3.list_objects(Bucket=bucket, MaxKeys=2, Marker="a/2")
    assert [o["Key"] for o in page["Contents"]] == ["a/b/3", "b/1"] and page["IsTruncated"] is True and "NextMarker" not in page
    assert page["Marker"] == "a/2"
    rolled = s3.list_objects(Bucket=bucket, Delimiter="/", MaxKeys=2)
    assert [p["Prefix"] for p in rolled["CommonPrefixes"]] == ["a/", "b/"] and rolled["NextMarker"] == "b/"
    rest = s3.list_objects(Bucket=bucket, Delimiter="/", Marker=rolled["NextMarker"])
    assert [o["Key"] for o in rest["Contents"]] == ["c", "d"] and rest["IsTruncated"] is False
    assert [o["Key"] for o in s3.list_objects(Bucket=bucket, Prefix="a/b")["Contents"]] == ["a/b/3"]


def test_list_objects_v2_url_encoding(s3, bucket):
    s3.put_object(Bucket=bucket, Key="with space/é", Body=b"")
    # botocore decodes url-encoded members only when it added encoding-type=url itself; asked for, they stay encoded.
    listed = s3.list_objects_v2(Bucket=bucket, EncodingType="url")
    assert listed["Contents"][0]["Key"] == "with%20space/%C3%A9"
    assert listed["EncodingType"] == "url"


def test_delete_objects(s3, bucket):
    for key in ["x", "y", "z"]:
        s3.put_object(Bucket=bucket, Key=key, Body=b"1")
    answer = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "x"}, {"Key": "y"}, {"Key": "absent"}]})
    assert sorted(d["Key"] for d in answer["Deleted"]) == ["absent", "x", "y"]
    assert "Errors" not in answer
    quiet = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "z"}], "Quiet": True})
    assert "Deleted" not in quiet and "Errors" not in quiet
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)


def test_acls_refused_on_bucket_owner_enforced(s3, bucket):
    error, status = error_of(lambda: s3.put_object(Bucket=bucket, Key="k", Body=b"1", ACL="public-read"))
    assert (error["Code"], status, error["Message"]) == ("AccessControlListNotSupported", 400, "The bucket does not allow ACLs")
    s3.put_object(Bucket=bucket, Key="k", Body=b"1", ACL="bucket-owner-full-control")
    error, status = error_of(lambda: s3.create_bucket(Bucket=f"acl-{int(time.time() * 1000)}", ACL="public-read"))
    assert (error["Code"], status) == ("InvalidBucketAclWithObjectOwnership", 400)


def test_unimplemented_operation_answers_not_implemented(s3, bucket):
    error, status = error_of(lambda: s3.get_bucket_lifecycle_configuration(Bucket=bucket))
    assert (error["Code"], status) == ("NotImplemented", 501)
    assert "GetBucketLifecycleConfiguration" in error["Message"]


def test_access_denied_without_s3_permissions(bulwark, s3, bucket):
    iam = bulwark.client("iam")
    user = f"nos3-{int(time.time() * 1000)}"
    iam.create_user(UserName=user)
    key = iam.create_access_key(UserName=user)["AccessKey"]
    denied = s3_client(bulwark, key["AccessKeyId"], key["SecretAccessKey"])
    s3.put_object(Bucket=bucket, Key="k", Body=b"1")
    for call in [
        lambda: denied.list_buckets(),
        lambda: denied.get_object(Bucket=bucket, Key="k"),
        lambda: denied.put_object(Bucket=bucket, Key="k2", Body=b"1"),
        lambda: denied.list_objects_v2(Bucket=bucket),
        lambda: denied.create_bucket(Bucket=f"denied-{int(time.time() * 1000)}"),
    ]:
        error, status = error_of(call)
        assert (error["Code"], status) == ("AccessDenied", 403)
        assert f"user/{user} is not authorized to perform: s3:" in error["Message"]
    answer = denied.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "k"}]})
    assert answer["Errors"] == [{"Key": "k", "Code": "AccessDenied", "Message": "Access Denied"}]
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"1"
    # The trail says which keys were refused inside the answered call.
    request_id = answer["ResponseMetadata"]["RequestId"]
    deadline = time.monotonic() + 10
    while not (events := [e for e in bulwark.trail_events() if e["requestID"] == request_id]) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert events and events[0]["eventName"] == "DeleteObjects" and "errorCode" not in events[0]
    assert events[0]["additionalEventData"]["refusedChecks"] == [
        {"action": "s3:DeleteObject", "resource": f"arn:aws:s3:::{bucket}/k"}
    ]
    error, status = error_of(lambda: s3_client(bulwark, key["AccessKeyId"], "wrong" * 8).list_buckets())
    assert (error["Code"], status) == ("SignatureDoesNotMatch", 403)


def test_data_events_in_the_trail(bulwark, s3, bucket):
    s3.put_object(Bucket=bucket, Key="audited", Body=b"1")
    s3.get_object(Bucket=bucket, Key="audited")
    time.sleep(1.5)
    events = [e for e in bulwark.trail_events() if e["eventSource"] == "s3.amazonaws.com"]
    put = [e for e in events if e["eventName"] == "PutObject" and (e.get("requestParameters") or {}).get("key") == "audited"]
    assert put and put[-1]["managementEvent"] is False and put[-1]["eventCategory"] == "Data"
    assert put[-1]["resources"] == [{"ARN": f"arn:aws:s3:::{bucket}", "accountId": bulwark.account_id, "type": "AWS::S3::Bucket"}]
    got = [e for e in events if e["eventName"] == "GetObject" and (e.get("requestParameters") or {}).get("key") == "audited"]
    assert got and got[-1]["managementEvent"] is False and got[-1]["readOnly"] is True
    assert {"ARN": f"arn:aws:s3:::{bucket}/audited", "accountId": bulwark.account_id, "type": "AWS::S3::Object"} in got[-1]["resources"]
    created = [e for e in events if e["eventName"] == "CreateBucket" and (e.get("requestParameters") or {}).get("bucket") == bucket]
    assert created and created[-1]["managementEvent"] is True and created[-1]["eventCategory"] == "Management"


def _cli(bulwark, *args, check=True):
    return bulwark.aws(*args, check=check)


def test_cli_mb_cp_ls_rm_rb(bulwark, tmp_path):
    name = f"cli-{int(time.time() * 1000)}"
    _cli(bulwark, "s3", "mb", f"s3://{name}")
    source = tmp_path / "up.bin"
    source.write_bytes(os.urandom(5 * 1024 * 1024 + 123))
    _cli(bulwark, "s3", "cp", str(source), f"s3://{name}/dir/up.bin")
    listed = _cli(bulwark, "s3", "ls", f"s3://{name}/dir/").stdout
    assert "up.bin" in listed and str(5 * 1024 * 1024 + 123) in listed
    target = tmp_path / "down.bin"
    _cli(bulwark, "s3", "cp", f"s3://{name}/dir/up.bin", str(target))
    assert hashlib.sha256(target.read_bytes()).hexdigest() == hashlib.sha256(source.read_bytes()).hexdigest()
    head = _cli(bulwark, "s3api", "head-object", "--bucket", name, "--key", "dir/up.bin").json
    assert head["ContentLength"] == 5 * 1024 * 1024 + 123
    _cli(bulwark, "s3", "rm", f"s3://{name}/dir/up.bin")
    assert "Contents" not in (_cli(bulwark, "s3api", "list-objects-v2", "--bucket", name).json or {})
    _cli(bulwark, "s3", "rb", f"s3://{name}")
    missing = _cli(bulwark, "s3api", "head-bucket", "--bucket", name, check=False)
    assert missing.returncode != 0 and "404" in missing.stderr
