"""S3 bucket versioning (issue #12, decision 0034): Put/GetBucketVersioning, version ids on every write, delete
markers, reads and deletes of a version, ListObjectVersions and its paging, copies and Lambda packages from an
older version, and the version actions of the Service Authorization Reference on every path.

AWS's behaviour (S3 API reference and user guide, "Working with objects in a versioning-enabled bucket"):
- A bucket that never had versioning answers an empty VersioningConfiguration; Status is Enabled or Suspended.
- In an Enabled bucket each write gets a new version id (`x-amz-version-id`); a DELETE without a version id
  adds a delete marker (`x-amz-delete-marker: true` and its id); a GET of the key is then 404 NoSuchKey with the
  marker's headers, a GET of the marker's version id 405 MethodNotAllowed; DELETE of a version id removes it.
- In a Suspended bucket writes and deletes make the `null` version, replacing the previous `null` version.
- ListObjectVersions lists versions and markers by key, newest first, with IsLatest; ListObjectsV2 only the
  current objects.
- s3:GetObjectVersion (with s3:versionid) is what a read of a named version is judged on.
"""

from __future__ import annotations

import hashlib
import json
import time

import pytest
from botocore.exceptions import ClientError

from support.functions import invoke, wait_until_ready
from support.lam import RUNTIME, role_arn
from test_lambda_code_from_s3 import package
from test_s3_core import error_of, s3_client

VOLATILE = {"ResponseMetadata", "LastModified"}


def answer(response: dict) -> dict:
    """The response without its volatile members."""
    return {name: value for name, value in response.items() if name not in VOLATILE}


def headers_of(call):
    with pytest.raises(ClientError) as raised:
        call()
    response = raised.value.response
    return response["Error"], response["ResponseMetadata"]["HTTPStatusCode"], response["ResponseMetadata"]["HTTPHeaders"]


@pytest.fixture
def s3(bulwark):
    return s3_client(bulwark)


def remove_everything(s3, name):
    listed = s3.list_object_versions(Bucket=name)
    entries = [{"Key": v["Key"], "VersionId": v["VersionId"]} for v in listed.get("Versions", []) + listed.get("DeleteMarkers", [])]
    if entries:
        s3.delete_objects(Bucket=name, Delete={"Objects": entries, "Quiet": True})
    s3.delete_bucket(Bucket=name)


@pytest.fixture
def bucket(s3, request):
    name = f"v{int(time.time() * 1000000) % 10**12}-{abs(hash(request.node.name)) % 10**6}"
    s3.create_bucket(Bucket=name)
    yield name
    remove_everything(s3, name)


def enable(s3, bucket, status="Enabled"):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": status})


def test_the_versioning_configuration(s3, bucket):
    assert answer(s3.get_bucket_versioning(Bucket=bucket)) == {}
    # A bucket never versioned writes the null version and answers no version id.
    assert "VersionId" not in s3.put_object(Bucket=bucket, Key="k", Body=b"0")
    enable(s3, bucket)
    assert answer(s3.get_bucket_versioning(Bucket=bucket)) == {"Status": "Enabled"}
    enable(s3, bucket, "Suspended")
    assert answer(s3.get_bucket_versioning(Bucket=bucket)) == {"Status": "Suspended"}

    error, status = error_of(lambda: s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "On"}))
    assert (error["Code"], status) == ("MalformedXML", 400)
    # MFA delete needs the root's MFA device in x-amz-mfa, as S3 refuses it without.
    error, status = error_of(lambda: s3.put_bucket_versioning(
        Bucket=bucket, VersioningConfiguration={"Status": "Enabled", "MFADelete": "Enabled"}))
    assert (error["Code"], error["Message"], status) == ("AccessDenied", "Mfa Authentication must be used for this request", 403)
    assert answer(s3.get_bucket_versioning(Bucket=bucket)) == {"Status": "Suspended"}
    error, status = error_of(lambda: s3.get_bucket_versioning(Bucket=bucket + "-none"))
    assert (error["Code"], status) == ("NoSuchBucket", 404)


def test_versions_delete_markers_and_reads_of_each_version(s3, bucket):
    enable(s3, bucket)
    first = s3.put_object(Bucket=bucket, Key="doc.txt", Body=b"first")
    second = s3.put_object(Bucket=bucket, Key="doc.txt", Body=b"second!")
    v1, v2 = first["VersionId"], second["VersionId"]
    assert v1 != v2 and len(v1) == 32 and len(v2) == 32 and v1 != "null"
    assert answer(second) == {"ETag": f'"{hashlib.md5(b"second!").hexdigest()}"', "ServerSideEncryption": "AES256",
                              "VersionId": v2, "ChecksumCRC32": second["ChecksumCRC32"], "ChecksumType": "FULL_OBJECT", "Size": 7}

    listed = s3.list_object_versions(Bucket=bucket)
    owner = listed["Versions"][0]["Owner"]
    assert set(owner) == {"ID"} and len(owner["ID"]) == 64
    versions = [{name: value for name, value in v.items() if name != "LastModified"} for v in listed["Versions"]]
    assert answer(listed) | {"Versions": versions} == {
        # botocore asks for url encoding on its own (and decodes the keys).
        "IsTruncated": False, "KeyMarker": "", "VersionIdMarker": "", "Name": bucket, "Prefix": "", "MaxKeys": 1000, "EncodingType": "url",
        "Versions": [
            {"ETag": second["ETag"], "ChecksumAlgorithm": ["CRC32"], "ChecksumType": "FULL_OBJECT", "Size": 7, "StorageClass": "STANDARD",
             "Key": "doc.txt", "VersionId": v2, "IsLatest": True, "Owner": owner},
            {"ETag": first["ETag"], "ChecksumAlgorithm": ["CRC32"], "ChecksumType": "FULL_OBJECT", "Size": 5, "StorageClass": "STANDARD",
             "Key": "doc.txt", "VersionId": v1, "IsLatest": False, "Owner": owner},
        ],
    }
    assert all("LastModified" in v for v in listed["Versions"])

    # Each version reads as it was written.
    assert s3.get_object(Bucket=bucket, Key="doc.txt")["Body"].read() == b"second!"
    old = s3.get_object(Bucket=bucket, Key="doc.txt", VersionId=v1)
    assert (old["Body"].read(), old["VersionId"], old["ContentLength"], old["ETag"]) == (b"first", v1, 5, first["ETag"])
    assert s3.head_object(Bucket=bucket, Key="doc.txt", VersionId=v1)["VersionId"] == v1
    assert s3.head_object(Bucket=bucket, Key="doc.txt")["VersionId"] == v2

    # A delete without a version id adds a delete marker.
    deleted = s3.delete_object(Bucket=bucket, Key="doc.txt")
    marker = deleted["VersionId"]
    assert answer(deleted) == {"DeleteMarker": True, "VersionId": marker}
    error, status, headers = headers_of(lambda: s3.get_object(Bucket=bucket, Key="doc.txt"))
    assert (error["Code"], error["Message"], error["Key"], status) == ("NoSuchKey", "The specified key does not exist.", "doc.txt", 404)
    assert (headers["x-amz-delete-marker"], headers["x-amz-version-id"]) == ("true", marker)
    error, status, headers = headers_of(lambda: s3.get_object(Bucket=bucket, Key="doc.txt", VersionId=marker))
    assert (error["Code"], error["Message"], status) == ("MethodNotAllowed", "The specified method is not allowed against this resource.", 405)
    assert (error["Method"], error["ResourceType"]) == ("GET", "DeleteMarker")
    assert (headers["x-amz-delete-marker"], headers["x-amz-version-id"], headers["allow"]) == ("true", marker, "DELETE")
    error, status, headers = headers_of(lambda: s3.head_object(Bucket=bucket, Key="doc.txt"))
    assert (status, headers["x-amz-delete-marker"]) == (404, "true")
    # The old versions stay readable; ListObjectsV2 shows the key no more.
    assert s3.get_object(Bucket=bucket, Key="doc.txt", VersionId=v2)["Body"].read() == b"second!"
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)
    listed = s3.list_object_versions(Bucket=bucket)
    assert [(m["Key"], m["VersionId"], m["IsLatest"]) for m in listed["DeleteMarkers"]] == [("doc.txt", marker, True)]
    assert set(listed["DeleteMarkers"][0]) == {"Owner", "Key", "VersionId", "IsLatest", "LastModified"}
    assert [(v["VersionId"], v["IsLatest"]) for v in listed["Versions"]] == [(v2, False), (v1, False)]

    # The bucket keeps its versions: it cannot be deleted.
    error, status = error_of(lambda: s3.delete_bucket(Bucket=bucket))
    assert (error["Code"], status) == ("BucketNotEmpty", 409)

    # Deleting the marker brings the object back; deleting a version removes it for good.
    assert answer(s3.delete_object(Bucket=bucket, Key="doc.txt", VersionId=marker)) == {"DeleteMarker": True, "VersionId": marker}
    assert s3.get_object(Bucket=bucket, Key="doc.txt")["Body"].read() == b"second!"
    assert answer(s3.delete_object(Bucket=bucket, Key="doc.txt", VersionId=v2)) == {"VersionId": v2}
    current = s3.get_object(Bucket=bucket, Key="doc.txt")
    assert (current["Body"].read(), current["VersionId"]) == (b"first", v1)
    error, status = error_of(lambda: s3.get_object(Bucket=bucket, Key="doc.txt", VersionId=v2))
    assert (error["Code"], error["Message"], error["Key"], error["VersionId"], status) == (
        "NoSuchVersion", "The specified version does not exist.", "doc.txt", v2, 404)
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["doc.txt"]


def test_tags_belong_to_each_version(s3, bucket):
    enable(s3, bucket)
    v1 = s3.put_object(Bucket=bucket, Key="t", Body=b"1", Tagging="stage=one")["VersionId"]
    v2 = s3.put_object(Bucket=bucket, Key="t", Body=b"2")["VersionId"]
    assert answer(s3.get_object_tagging(Bucket=bucket, Key="t", VersionId=v1)) == {"VersionId": v1, "TagSet": [{"Key": "stage", "Value": "one"}]}
    assert answer(s3.get_object_tagging(Bucket=bucket, Key="t")) == {"VersionId": v2, "TagSet": []}
    assert answer(s3.put_object_tagging(Bucket=bucket, Key="t", VersionId=v1, Tagging={"TagSet": [{"Key": "a", "Value": "b"}]})) == {
        "VersionId": v1}
    assert s3.get_object_tagging(Bucket=bucket, Key="t", VersionId=v1)["TagSet"] == [{"Key": "a", "Value": "b"}]
    assert s3.get_object_tagging(Bucket=bucket, Key="t")["TagSet"] == []
    assert answer(s3.delete_object_tagging(Bucket=bucket, Key="t", VersionId=v1)) == {"VersionId": v1}
    assert s3.get_object_tagging(Bucket=bucket, Key="t", VersionId=v1)["TagSet"] == []


def test_a_suspended_bucket_writes_the_null_version(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"before")  # the null version of a bucket never versioned
    enable(s3, bucket)
    kept = s3.put_object(Bucket=bucket, Key="k", Body=b"kept")["VersionId"]
    listed = s3.list_object_versions(Bucket=bucket)["Versions"]
    assert [(v["VersionId"], v["IsLatest"], v["Size"]) for v in listed] == [(kept, True, 4), ("null", False, 6)]
    assert s3.get_object(Bucket=bucket, Key="k", VersionId="null")["Body"].read() == b"before"

    enable(s3, bucket, "Suspended")
    written = s3.put_object(Bucket=bucket, Key="k", Body=b"suspended")
    assert written["VersionId"] == "null"
    # The null version was replaced, the Enabled-era version kept.
    listed = s3.list_object_versions(Bucket=bucket)["Versions"]
    assert [(v["VersionId"], v["IsLatest"], v["Size"]) for v in listed] == [("null", True, 9), (kept, False, 4)]
    got = s3.get_object(Bucket=bucket, Key="k")
    assert (got["Body"].read(), got["VersionId"]) == (b"suspended", "null")

    # A delete makes a null delete marker, which removes the null version.
    assert answer(s3.delete_object(Bucket=bucket, Key="k")) == {"DeleteMarker": True, "VersionId": "null"}
    listed = s3.list_object_versions(Bucket=bucket)
    assert [(m["VersionId"], m["IsLatest"]) for m in listed["DeleteMarkers"]] == [("null", True)]
    assert [(v["VersionId"], v["IsLatest"]) for v in listed["Versions"]] == [(kept, False)]
    s3.put_object(Bucket=bucket, Key="k", Body=b"again")
    listed = s3.list_object_versions(Bucket=bucket)
    assert "DeleteMarkers" not in listed
    assert [(v["VersionId"], v["IsLatest"]) for v in listed["Versions"]] == [("null", True), (kept, False)]


def test_delete_objects_with_versions(s3, bucket):
    enable(s3, bucket)
    a1 = s3.put_object(Bucket=bucket, Key="a", Body=b"a1")["VersionId"]
    a2 = s3.put_object(Bucket=bucket, Key="a", Body=b"a2")["VersionId"]
    s3.put_object(Bucket=bucket, Key="b", Body=b"b")
    result = s3.delete_objects(Bucket=bucket, Delete={"Objects": [
        {"Key": "a", "VersionId": a1}, {"Key": "b"}, {"Key": "c", "VersionId": "bad"}]})
    marker = result["Deleted"][1]["DeleteMarkerVersionId"]
    assert answer(result) == {
        "Deleted": [{"Key": "a", "VersionId": a1}, {"Key": "b", "DeleteMarker": True, "DeleteMarkerVersionId": marker}],
        "Errors": [{"Key": "c", "VersionId": "bad", "Code": "InvalidArgument", "Message": "Invalid version id specified"}],
    }
    # Removing a delete marker by its id answers DeleteMarker too.
    result = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "b", "VersionId": marker}]})
    assert answer(result) == {"Deleted": [{"Key": "b", "VersionId": marker, "DeleteMarker": True, "DeleteMarkerVersionId": marker}]}
    assert s3.get_object(Bucket=bucket, Key="b")["Body"].read() == b"b"
    assert [v["VersionId"] for v in s3.list_object_versions(Bucket=bucket, Prefix="a")["Versions"]] == [a2]


def test_list_object_versions_pages_across_key_and_version_markers(s3, bucket):
    enable(s3, bucket)
    written = []  # (key, version) in the order ListObjectVersions answers: by key, newest first
    for key in ["a", "b/1", "b/2", "c"]:
        ids = [s3.put_object(Bucket=bucket, Key=key, Body=key.encode() * n)["VersionId"] for n in (1, 2)]
        written += [(key, ids[1]), (key, ids[0])]
    marker = s3.delete_object(Bucket=bucket, Key="c")["VersionId"]
    expected = written[:6] + [("c", marker)] + written[6:]

    # boto3 splits a page into Versions and DeleteMarkers: each page is compared as a set, its next markers with
    # the last entry of the page in S3's order.
    params, previous = {"Bucket": bucket, "MaxKeys": 3}, ("", "")
    for number, chunk in enumerate([expected[0:3], expected[3:6], expected[6:9]]):
        page = s3.list_object_versions(**params)
        entries = {(v["Key"], v["VersionId"]) for v in page.get("Versions", []) + page.get("DeleteMarkers", [])}
        assert entries == set(chunk), number
        assert (page["KeyMarker"], page["VersionIdMarker"], page["MaxKeys"]) == (*previous, 3)
        previous = chunk[-1]
        if number == 2:
            assert page["IsTruncated"] is False and "NextKeyMarker" not in page and "NextVersionIdMarker" not in page
            break
        assert (page["IsTruncated"], page["NextKeyMarker"], page["NextVersionIdMarker"]) == (True, *chunk[-1])
        params = {"Bucket": bucket, "MaxKeys": 3, "KeyMarker": page["NextKeyMarker"], "VersionIdMarker": page["NextVersionIdMarker"]}
    # A page that ends inside a key's versions resumes inside it.
    page = s3.list_object_versions(Bucket=bucket, MaxKeys=1, KeyMarker="a", VersionIdMarker=written[0][1])
    assert [(v["Key"], v["VersionId"]) for v in page["Versions"]] == [written[1]]

    # A key marker alone starts after every version of that key.
    after = s3.list_object_versions(Bucket=bucket, KeyMarker="b/1")
    assert [(v["Key"], v["VersionId"]) for v in after["Versions"]] == [e for e in expected if e[0] > "b/1" and e[1] != marker]
    assert (after["KeyMarker"], after["VersionIdMarker"]) == ("b/1", "")

    # The delimiter rolls keys (and all their versions) up into common prefixes, counted once.
    rolled = s3.list_object_versions(Bucket=bucket, Delimiter="/", MaxKeys=3)
    assert [(v["Key"], v["VersionId"]) for v in rolled["Versions"]] == written[:2]
    assert [p["Prefix"] for p in rolled["CommonPrefixes"]] == ["b/"]
    assert (rolled["IsTruncated"], rolled["NextKeyMarker"]) == (True, "b/")
    rest = s3.list_object_versions(Bucket=bucket, Delimiter="/", KeyMarker="b/")
    assert "CommonPrefixes" not in rest
    assert [v["Key"] for v in rest["Versions"]] == ["c", "c"] and [m["Key"] for m in rest["DeleteMarkers"]] == ["c"]

    # Prefix, url encoding.
    s3.put_object(Bucket=bucket, Key="d e+f", Body=b"x")
    encoded = s3.list_object_versions(Bucket=bucket, Prefix="d", EncodingType="url")
    # Asked for explicitly, the encoding is left to the caller to decode.
    assert [v["Key"] for v in encoded["Versions"]] == ["d%20e%2Bf"]
    assert [v["Key"] for v in s3.list_object_versions(Bucket=bucket, Prefix="d")["Versions"]] == ["d e+f"]
    assert encoded["EncodingType"] == "url"

    error, status = error_of(lambda: s3.list_object_versions(Bucket=bucket, VersionIdMarker=marker))
    assert (error["Code"], error["Message"], status) == ("InvalidArgument", "A version-id marker cannot be specified without a key marker.", 400)
    error, status = error_of(lambda: s3.list_object_versions(Bucket=bucket, KeyMarker="a", VersionIdMarker="nope"))
    assert (error["Code"], error["Message"], status) == ("InvalidArgument", "Invalid version id specified", 400)
    assert s3.list_object_versions(Bucket=bucket, MaxKeys=0)["IsTruncated"] is False


def test_copies_read_the_version_they_name(s3, bucket):
    enable(s3, bucket)
    old = s3.put_object(Bucket=bucket, Key="src", Body=b"old body", Metadata={"era": "old"})["VersionId"]
    s3.put_object(Bucket=bucket, Key="src", Body=b"new body")
    copied = s3.copy_object(Bucket=bucket, Key="restored", CopySource={"Bucket": bucket, "Key": "src", "VersionId": old})
    assert copied["CopySourceVersionId"] == old and len(copied["VersionId"]) == 32
    got = s3.get_object(Bucket=bucket, Key="restored")
    assert (got["Body"].read(), got["Metadata"], got["VersionId"]) == (b"old body", {"era": "old"}, copied["VersionId"])
    # Copying an older version onto its own key restores it, without a change of metadata.
    restored = s3.copy_object(Bucket=bucket, Key="src", CopySource=f"{bucket}/src?versionId={old}")
    assert s3.get_object(Bucket=bucket, Key="src")["Body"].read() == b"old body"
    assert len(s3.list_object_versions(Bucket=bucket, Prefix="src")["Versions"]) == 3
    assert restored["CopySourceVersionId"] == old

    # UploadPartCopy from the old version.
    upload = s3.create_multipart_upload(Bucket=bucket, Key="assembled")["UploadId"]
    part = s3.upload_part_copy(Bucket=bucket, Key="assembled", UploadId=upload, PartNumber=1,
                               CopySource={"Bucket": bucket, "Key": "src", "VersionId": old})
    assert part["CopySourceVersionId"] == old
    done = s3.complete_multipart_upload(Bucket=bucket, Key="assembled", UploadId=upload, MultipartUpload={"Parts": [
        {"PartNumber": 1, "ETag": part["CopyPartResult"]["ETag"]}]})
    assert len(done["VersionId"]) == 32
    assert s3.get_object(Bucket=bucket, Key="assembled", VersionId=done["VersionId"])["Body"].read() == b"old body"

    marker = s3.delete_object(Bucket=bucket, Key="src")["VersionId"]
    error, status = error_of(lambda: s3.copy_object(Bucket=bucket, Key="x", CopySource={"Bucket": bucket, "Key": "src", "VersionId": marker}))
    assert (error["Code"], error["Message"], status) == (
        "InvalidRequest", "The source of a copy request may not specifically refer to a delete marker by version id.", 400)
    error, status = error_of(lambda: s3.copy_object(Bucket=bucket, Key="x", CopySource={"Bucket": bucket, "Key": "src"}))
    assert (error["Code"], status) == ("NoSuchKey", 404)
    error, status = error_of(lambda: s3.copy_object(Bucket=bucket, Key="x", CopySource={"Bucket": bucket, "Key": "src", "VersionId": "A" * 32}))
    assert (error["Code"], status) == ("NoSuchVersion", 404)


def test_bad_version_ids(s3, bucket):
    enable(s3, bucket)
    s3.put_object(Bucket=bucket, Key="k", Body=b"1")
    for call, value in [
        (lambda: s3.get_object(Bucket=bucket, Key="k", VersionId="not-an-id"), "not-an-id"),
        (lambda: s3.delete_object(Bucket=bucket, Key="k", VersionId="not-an-id"), "not-an-id"),
        (lambda: s3.get_object_tagging(Bucket=bucket, Key="k", VersionId="short"), "short"),
    ]:
        error, status = error_of(call)
        assert (error, status) == ({"Code": "InvalidArgument", "Message": "Invalid version id specified", "ArgumentName": "versionId",
                                    "ArgumentValue": value}, 400)
    # A HEAD answer has no body: the status says it.
    error, status = error_of(lambda: s3.head_object(Bucket=bucket, Key="k", VersionId="x"))
    assert status == 400
    error, status = error_of(lambda: s3.get_object(Bucket=bucket, Key="k", VersionId="B" * 32))
    assert (error["Code"], error["VersionId"], status) == ("NoSuchVersion", "B" * 32, 404)
    error, status = error_of(lambda: s3.head_object(Bucket=bucket, Key="k", VersionId="B" * 32))
    assert status == 404
    # A version that is not there deletes as S3 answers it: nothing to do.
    assert answer(s3.delete_object(Bucket=bucket, Key="k", VersionId="B" * 32)) == {"VersionId": "B" * 32}


def _user_client(bulwark, name, statements, service="s3"):
    iam = bulwark.client("iam")
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    if service == "s3":
        return s3_client(bulwark, key["AccessKeyId"], key["SecretAccessKey"])
    return bulwark.client(service, access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])


def _eventually(call):
    deadline = time.monotonic() + 10
    while True:
        try:
            return call()
        except ClientError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_a_policy_denying_get_object_version_holds_on_every_path(bulwark, s3, bucket, lambda_client, unique_name):
    enable(s3, bucket)
    account = bulwark.account_id
    old = s3.put_object(Bucket=bucket, Key="app.zip", Body=package("old"))["VersionId"]
    s3.put_object(Bucket=bucket, Key="app.zip", Body=package("new"))
    statements = [
        {"Effect": "Allow", "Action": ["s3:*", "lambda:*"], "Resource": "*"},
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": role_arn(account)},
        {"Effect": "Deny", "Action": "s3:GetObjectVersion", "Resource": f"arn:aws:s3:::{bucket}/*"},
    ]
    reader = _user_client(bulwark, f"{unique_name}-r", statements)
    assert _eventually(lambda: reader.get_object(Bucket=bucket, Key="app.zip"))["Body"].read() == package("new")
    for call in [
        lambda: reader.get_object(Bucket=bucket, Key="app.zip", VersionId=old),
        lambda: reader.get_object(Bucket=bucket, Key="app.zip", VersionId="null"),
        lambda: reader.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "app.zip", "VersionId": old}),
    ]:
        error, status = error_of(call)
        assert (error["Code"], status) == ("AccessDenied", 403)
    error, status, _ = headers_of(lambda: reader.head_object(Bucket=bucket, Key="app.zip", VersionId=old))
    assert status == 403
    # The copy wrote nothing.
    assert "Versions" not in s3.list_object_versions(Bucket=bucket, Prefix="copy")
    deployer = _user_client(bulwark, f"{unique_name}-l", statements, service="lambda")
    with pytest.raises(ClientError) as raised:
        _eventually(lambda: deployer.create_function(
            FunctionName=unique_name, Runtime=RUNTIME, Role=role_arn(account), Handler="app.handler",
            Code={"S3Bucket": bucket, "S3Key": "app.zip", "S3ObjectVersion": old}))
    assert (raised.value.response["Error"]["Code"], raised.value.response["ResponseMetadata"]["HTTPStatusCode"]) == (
        "AccessDeniedException", 403)

    # A condition on s3:versionid: only this version may be read.
    pinned = _user_client(bulwark, f"{unique_name}-p", [
        {"Effect": "Allow", "Action": "s3:GetObjectVersion", "Resource": f"arn:aws:s3:::{bucket}/*",
         "Condition": {"StringEquals": {"s3:versionid": old}}}])
    assert _eventually(lambda: pinned.get_object(Bucket=bucket, Key="app.zip", VersionId=old))["Body"].read() == package("old")
    error, status = error_of(lambda: pinned.get_object(Bucket=bucket, Key="app.zip", VersionId="null"))
    assert (error["Code"], status) == ("AccessDenied", 403)
    # s3:GetObjectVersion is no s3:GetObject: the current object needs its own grant.
    error, status = error_of(lambda: pinned.get_object(Bucket=bucket, Key="app.zip"))
    assert (error["Code"], status) == ("AccessDenied", 403)

    # Listing versions is s3:ListBucketVersions, deleting one s3:DeleteObjectVersion.
    lister = _user_client(bulwark, f"{unique_name}-s", [
        {"Effect": "Allow", "Action": ["s3:ListBucket", "s3:DeleteObject"], "Resource": "*"}])
    _eventually(lambda: lister.list_objects_v2(Bucket=bucket))
    for call in [lambda: lister.list_object_versions(Bucket=bucket),
                 lambda: lister.delete_object(Bucket=bucket, Key="app.zip", VersionId=old),
                 lambda: lister.get_bucket_versioning(Bucket=bucket),
                 lambda: lister.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})]:
        error, status = error_of(call)
        assert (error["Code"], status) == ("AccessDenied", 403)
    result = lister.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "app.zip", "VersionId": old}]})
    assert answer(result) == {"Errors": [{"Key": "app.zip", "VersionId": old, "Code": "AccessDenied", "Message": "Access Denied"}]}
    assert s3.get_object(Bucket=bucket, Key="app.zip", VersionId=old)["Body"].read() == package("old")


def test_lambda_deploys_exactly_the_version_it_names(bulwark, s3, bucket, lambda_client, unique_name):
    enable(s3, bucket)
    old = s3.put_object(Bucket=bucket, Key="app.zip", Body=package("one"))["VersionId"]
    s3.put_object(Bucket=bucket, Key="app.zip", Body=package("two"))
    created = bulwark.aws(
        "lambda", "create-function", "--function-name", unique_name, "--runtime", RUNTIME, "--handler", "app.handler",
        "--role", role_arn(bulwark.account_id), "--code", f"S3Bucket={bucket},S3Key=app.zip,S3ObjectVersion={old}").json
    assert created["CodeSize"] == len(package("one"))
    wait_until_ready(lambda_client, unique_name)
    assert invoke(lambda_client, unique_name, {}).json["marker"] == "one"
    marker = s3.delete_object(Bucket=bucket, Key="app.zip")["VersionId"]
    with pytest.raises(ClientError) as raised:
        lambda_client.update_function_code(FunctionName=unique_name, S3Bucket=bucket, S3Key="app.zip")
    assert raised.value.response["Error"]["Message"] == (
        "Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist.")
    with pytest.raises(ClientError) as raised:
        lambda_client.update_function_code(FunctionName=unique_name, S3Bucket=bucket, S3Key="app.zip", S3ObjectVersion=marker)
    assert raised.value.response["Error"]["Message"].startswith("Error occurred while GetObject. S3 Error Code: MethodNotAllowed.")
    lambda_client.delete_function(FunctionName=unique_name)


def test_the_cli_versions_a_bucket(bulwark, s3, bucket, tmp_path):
    bulwark.aws("s3api", "put-bucket-versioning", "--bucket", bucket, "--versioning-configuration", "Status=Enabled")
    assert bulwark.aws("s3api", "get-bucket-versioning", "--bucket", bucket).json == {"Status": "Enabled"}
    path = tmp_path / "f.txt"
    for text in ("one", "two"):
        path.write_text(text)
        bulwark.aws("s3", "cp", str(path), f"s3://{bucket}/f.txt")
    listed = bulwark.aws("s3api", "list-object-versions", "--bucket", bucket).json
    assert [(v["Key"], v["IsLatest"], v["Size"]) for v in listed["Versions"]] == [("f.txt", True, 3), ("f.txt", False, 3)]
    old = listed["Versions"][1]["VersionId"]
    out = tmp_path / "out.txt"
    bulwark.aws("s3api", "get-object", "--bucket", bucket, "--key", "f.txt", "--version-id", old, str(out))
    assert out.read_text() == "one"
    bulwark.aws("s3", "rm", f"s3://{bucket}/f.txt")
    assert bulwark.aws("s3", "ls", f"s3://{bucket}/", check=False).stdout == ""
    listed = bulwark.aws("s3api", "list-object-versions", "--bucket", bucket).json
    assert len(listed["DeleteMarkers"]) == 1 and len(listed["Versions"]) == 2


def test_a_bucket_policy_denying_get_object_version_holds_for_everyone(bulwark, s3, bucket, lambda_client, unique_name):
    enable(s3, bucket)
    old = s3.put_object(Bucket=bucket, Key="app.zip", Body=package("old"))["VersionId"]
    s3.put_object(Bucket=bucket, Key="app.zip", Body=package("new"))
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObjectVersion", "Resource": f"arn:aws:s3:::{bucket}/*"}]}))
    try:
        # The account's root reads the current object, and no version of it by any path.
        assert s3.get_object(Bucket=bucket, Key="app.zip")["Body"].read() == package("new")
        upload = s3.create_multipart_upload(Bucket=bucket, Key="parts")["UploadId"]
        for call in [
            lambda: s3.get_object(Bucket=bucket, Key="app.zip", VersionId=old),
            lambda: s3.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "app.zip", "VersionId": old}),
            lambda: s3.upload_part_copy(Bucket=bucket, Key="parts", UploadId=upload, PartNumber=1,
                                        CopySource={"Bucket": bucket, "Key": "app.zip", "VersionId": old}),
        ]:
            error, status = error_of(call)
            assert (error["Code"], error["Message"], status) == (
                "AccessDenied", f"User: arn:aws:iam::{bulwark.account_id}:root is not authorized to perform: s3:GetObjectVersion on "
                f"resource: \"arn:aws:s3:::{bucket}/app.zip\" with an explicit deny in a resource-based policy", 403)
        s3.abort_multipart_upload(Bucket=bucket, Key="parts", UploadId=upload)
        with pytest.raises(ClientError) as raised:
            lambda_client.create_function(FunctionName=unique_name, Runtime=RUNTIME, Role=role_arn(bulwark.account_id),
                                          Handler="app.handler", Code={"S3Bucket": bucket, "S3Key": "app.zip", "S3ObjectVersion": old})
        assert (raised.value.response["Error"]["Code"], raised.value.response["ResponseMetadata"]["HTTPStatusCode"]) == (
            "AccessDeniedException", 403)
    finally:
        s3.delete_bucket_policy(Bucket=bucket)
