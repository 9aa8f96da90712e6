"""S3 multipart uploads (issue #12, decision 0029): the seven operations with boto3, `aws s3 cp` and boto3's
`upload_file`/`download_file` above their multipart thresholds, every refusal with S3's code, status and message,
paging of ListParts and ListMultipartUploads, GetObject/HeadObject by part number, and an upload that survives
kill -9 of the server and then completes or aborts leaving no file behind.
"""

import base64
import hashlib
import json
import os
import time
from pathlib import Path

import boto3
import boto3.s3.transfer
import botocore.config
import pytest
from botocore.exceptions import ClientError

from support.s3payload import checksum

MiB = 1024 * 1024
VOLATILE = {"ResponseMetadata", "UploadId", "LastModified", "Initiated"}


def s3_client(server):
    key, secret = server.admin_key
    return boto3.session.Session().client(
        "s3", endpoint_url=server.endpoint, region_name="us-east-1", aws_access_key_id=key, aws_secret_access_key=secret,
        config=botocore.config.Config(retries={"max_attempts": 0, "mode": "standard"}, s3={"addressing_style": "path"}))


@pytest.fixture
def s3(bulwark):
    return s3_client(bulwark)


def new_bucket(client) -> str:
    name = f"mpu{time.time_ns() % 10**15}"
    client.create_bucket(Bucket=name)
    return name


@pytest.fixture
def bucket(s3):
    return new_bucket(s3)


def error_of(call):
    with pytest.raises(ClientError) as raised:
        call()
    response = raised.value.response
    return response["Error"], response["ResponseMetadata"]["HTTPStatusCode"]


def stable(answer: dict) -> dict:
    return {k: v for k, v in answer.items() if k not in VOLATILE}


def md5_hex(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def multipart_etag(parts: list[bytes]) -> str:
    return '"' + hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest() + f'-{len(parts)}"'


def composite(algorithm: str, parts: list[bytes]) -> str:
    digests = b"".join(base64.b64decode(checksum(algorithm, p)) for p in parts)
    return checksum(algorithm, digests) + f"-{len(parts)}"


def object_files(server) -> set[str]:
    return {p.name for p in (server.data_dir / "objects").iterdir()}


def canonical_id(s3) -> str:
    return s3.list_buckets()["Owner"]["ID"]


# -- the whole flow, answer by answer ---------------------------------------------------------------------------


def test_multipart_upload_with_crc32_parts(s3, bucket, bulwark):
    owner = canonical_id(s3)
    caller_arn = bulwark.client("sts").get_caller_identity()["Arn"]
    created = s3.create_multipart_upload(
        Bucket=bucket, Key="big/file.bin", ContentType="application/x-test", Metadata={"Colour": "blue"},
        CacheControl="max-age=9", ChecksumAlgorithm="CRC32")
    upload_id = created["UploadId"]
    assert stable(created) == {
        "Bucket": bucket, "Key": "big/file.bin", "ServerSideEncryption": "AES256", "ChecksumAlgorithm": "CRC32",
        "ChecksumType": "COMPOSITE"}
    parts = [os.urandom(5 * MiB), os.urandom(5 * MiB + 3), os.urandom(1000)]
    answers = []
    for number, body in enumerate(parts, start=1):
        answer = s3.upload_part(Bucket=bucket, Key="big/file.bin", UploadId=upload_id, PartNumber=number, Body=body,
                                ChecksumAlgorithm="CRC32")
        assert stable(answer) == {"ETag": f'"{md5_hex(body)}"', "ServerSideEncryption": "AES256",
                                  "ChecksumCRC32": checksum("CRC32", body)}
        answers.append(answer)
    listed = s3.list_parts(Bucket=bucket, Key="big/file.bin", UploadId=upload_id)
    assert [set(p) for p in listed["Parts"]] == [{"PartNumber", "LastModified", "ETag", "Size", "ChecksumCRC32"}] * 3
    assert stable(listed) | {"Parts": [{k: v for k, v in p.items() if k != "LastModified"} for p in listed["Parts"]]} == {
        "Bucket": bucket, "Key": "big/file.bin", "PartNumberMarker": 0, "NextPartNumberMarker": 3, "MaxParts": 1000,
        "IsTruncated": False, "StorageClass": "STANDARD", "ChecksumAlgorithm": "CRC32", "ChecksumType": "COMPOSITE",
        "Initiator": {"ID": caller_arn},
        "Owner": {"ID": owner},
        "Parts": [{"PartNumber": n, "ETag": f'"{md5_hex(b)}"', "Size": len(b), "ChecksumCRC32": checksum("CRC32", b)}
                  for n, b in enumerate(parts, start=1)]}
    uploads = s3.list_multipart_uploads(Bucket=bucket)
    assert [stable(u) for u in uploads["Uploads"]] == [{
        "Key": "big/file.bin", "StorageClass": "STANDARD", "Owner": {"ID": owner}, "Initiator": listed["Initiator"],
        "ChecksumAlgorithm": "CRC32", "ChecksumType": "COMPOSITE"}]
    assert uploads["Uploads"][0]["UploadId"] == upload_id
    completed = s3.complete_multipart_upload(
        Bucket=bucket, Key="big/file.bin", UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": n, "ETag": a["ETag"], "ChecksumCRC32": a["ChecksumCRC32"]}
                                   for n, a in enumerate(answers, start=1)]})
    assert stable(completed) == {
        "Location": f"/{bucket}/big/file.bin", "Bucket": bucket, "Key": "big/file.bin", "ETag": multipart_etag(parts),
        "ChecksumCRC32": composite("CRC32", parts), "ChecksumType": "COMPOSITE", "ServerSideEncryption": "AES256"}
    whole = b"".join(parts)
    got = s3.get_object(Bucket=bucket, Key="big/file.bin")
    assert got["Body"].read() == whole
    assert (got["ContentLength"], got["ETag"], got["ContentType"], got["Metadata"], got["CacheControl"]) == (
        len(whole), multipart_etag(parts), "application/x-test", {"colour": "blue"}, "max-age=9")
    head = s3.head_object(Bucket=bucket, Key="big/file.bin", ChecksumMode="ENABLED")
    assert (head["ChecksumCRC32"], head["ChecksumType"]) == (composite("CRC32", parts), "COMPOSITE")
    ranged = s3.get_object(Bucket=bucket, Key="big/file.bin", Range=f"bytes={5 * MiB - 10}-{5 * MiB + 9}")
    assert ranged["Body"].read() == whole[5 * MiB - 10:5 * MiB + 10]
    second = s3.get_object(Bucket=bucket, Key="big/file.bin", PartNumber=2)
    assert second["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert (second["PartsCount"], second["ContentLength"], second["ContentRange"]) == (
        3, len(parts[1]), f"bytes {5 * MiB}-{10 * MiB + 2}/{len(whole)}")
    assert second["Body"].read() == parts[1]
    head = s3.head_object(Bucket=bucket, Key="big/file.bin", PartNumber=3)
    assert (head["PartsCount"], head["ContentLength"]) == (3, 1000)
    error, status = error_of(lambda: s3.head_object(Bucket=bucket, Key="big/file.bin", PartNumber=4))
    assert status == 416
    error, status = error_of(lambda: s3.get_object(Bucket=bucket, Key="big/file.bin", PartNumber=4))
    assert (error["Code"], status, error["Message"], error["PartNumberRequested"], error["ActualPartCount"]) == (
        "InvalidPartNumber", 416, "The requested partnumber is not satisfiable", "4", "3")
    listed = s3.list_objects_v2(Bucket=bucket)["Contents"][0]
    assert (listed["ETag"], listed["Size"], listed["ChecksumAlgorithm"], listed["ChecksumType"]) == (
        multipart_etag(parts), len(whole), ["CRC32"], "COMPOSITE")
    assert "Uploads" not in s3.list_multipart_uploads(Bucket=bucket)
    error, status = error_of(lambda: s3.list_parts(Bucket=bucket, Key="big/file.bin", UploadId=upload_id))
    assert (error["Code"], status) == ("NoSuchUpload", 404)
    s3.delete_object(Bucket=bucket, Key="big/file.bin")
    s3.delete_bucket(Bucket=bucket)


def test_upload_without_a_checksum_algorithm_gets_a_full_object_crc64nvme(s3, bucket):
    created = s3.create_multipart_upload(Bucket=bucket, Key="k")
    assert stable(created) == {"Bucket": bucket, "Key": "k", "ServerSideEncryption": "AES256"}
    body = os.urandom(4000)
    part = s3.upload_part(Bucket=bucket, Key="k", UploadId=created["UploadId"], PartNumber=1, Body=body)
    # botocore sends its default CRC32 with the part; S3 verifies it and answers it.
    assert part["ChecksumCRC32"] == checksum("CRC32", body)
    completed = s3.complete_multipart_upload(
        Bucket=bucket, Key="k", UploadId=created["UploadId"], MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
    assert stable(completed) == {
        "Location": f"/{bucket}/k", "Bucket": bucket, "Key": "k", "ETag": multipart_etag([body]),
        "ChecksumCRC64NVME": checksum("CRC64NVME", body), "ChecksumType": "FULL_OBJECT", "ServerSideEncryption": "AES256"}
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == body


def test_full_object_crc32_checksum_is_verified_on_completion(s3, bucket):
    parts = [os.urandom(5 * MiB), os.urandom(10)]
    created = s3.create_multipart_upload(Bucket=bucket, Key="f", ChecksumAlgorithm="CRC32", ChecksumType="FULL_OBJECT")
    assert (created["ChecksumAlgorithm"], created["ChecksumType"]) == ("CRC32", "FULL_OBJECT")
    etags = [s3.upload_part(Bucket=bucket, Key="f", UploadId=created["UploadId"], PartNumber=n, Body=b,
                            ChecksumAlgorithm="CRC32")["ETag"] for n, b in enumerate(parts, start=1)]
    listing = {"Parts": [{"PartNumber": n, "ETag": e} for n, e in enumerate(etags, start=1)]}
    error, status = error_of(lambda: s3.complete_multipart_upload(
        Bucket=bucket, Key="f", UploadId=created["UploadId"], MultipartUpload=listing, ChecksumCRC32=checksum("CRC32", b"other"),
        ChecksumType="FULL_OBJECT"))
    assert (error["Code"], status, error["Message"]) == ("BadDigest", 400, "The CRC32 you specified did not match the calculated checksum.")
    whole = b"".join(parts)
    completed = s3.complete_multipart_upload(
        Bucket=bucket, Key="f", UploadId=created["UploadId"], MultipartUpload=listing, ChecksumCRC32=checksum("CRC32", whole),
        ChecksumType="FULL_OBJECT")
    assert (completed["ChecksumCRC32"], completed["ChecksumType"]) == (checksum("CRC32", whole), "FULL_OBJECT")


# -- the real clients ---------------------------------------------------------------------------------------------


def test_aws_s3_cp_of_20_mb_up_and_down(bulwark, tmp_path):
    name = f"cli-mpu-{time.time_ns() % 10**12}"
    bulwark.aws("s3", "mb", f"s3://{name}")
    source = tmp_path / "up.bin"
    source.write_bytes(os.urandom(20 * 1000 * 1000))
    bulwark.aws("s3", "cp", str(source), f"s3://{name}/up.bin")
    head = bulwark.aws("s3api", "head-object", "--bucket", name, "--key", "up.bin").json
    # The CLI's multipart threshold and chunk size are 8 MiB: three parts.
    assert head["ETag"].endswith('-3"') and head["ContentLength"] == 20 * 1000 * 1000
    target = tmp_path / "down.bin"
    bulwark.aws("s3", "cp", f"s3://{name}/up.bin", str(target))
    assert hashlib.sha256(target.read_bytes()).hexdigest() == hashlib.sha256(source.read_bytes()).hexdigest()
    assert bulwark.aws("s3api", "list-multipart-uploads", "--bucket", name).json is None or \
        "Uploads" not in bulwark.aws("s3api", "list-multipart-uploads", "--bucket", name).json


def test_boto3_upload_file_and_download_file(s3, bucket, tmp_path):
    config = boto3.s3.transfer.TransferConfig(multipart_threshold=5 * MiB, multipart_chunksize=5 * MiB, max_concurrency=4)
    source = tmp_path / "up.bin"
    source.write_bytes(os.urandom(12 * MiB + 5))
    s3.upload_file(str(source), bucket, "via/boto3", Config=config)
    head = s3.head_object(Bucket=bucket, Key="via/boto3", ChecksumMode="ENABLED")
    data = source.read_bytes()
    chunks = [data[i:i + 5 * MiB] for i in range(0, len(data), 5 * MiB)]
    assert (head["ETag"], head["ChecksumCRC32"], head["ChecksumType"]) == (
        multipart_etag(chunks), composite("CRC32", chunks), "COMPOSITE")
    target = tmp_path / "down.bin"
    s3.download_file(bucket, "via/boto3", str(target), Config=config)
    assert hashlib.sha256(target.read_bytes()).digest() == hashlib.sha256(data).digest()


# -- refusals -----------------------------------------------------------------------------------------------------


def test_unknown_uploads_are_no_such_upload(s3, bucket):
    message = "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed."
    calls = [
        lambda: s3.upload_part(Bucket=bucket, Key="k", UploadId="nope", PartNumber=1, Body=b"x"),
        lambda: s3.list_parts(Bucket=bucket, Key="k", UploadId="nope"),
        lambda: s3.abort_multipart_upload(Bucket=bucket, Key="k", UploadId="nope"),
        lambda: s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId="nope",
                                             MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": '"x"'}]}),
    ]
    for call in calls:
        error, status = error_of(call)
        assert (error["Code"], status, error["Message"], error["UploadId"]) == ("NoSuchUpload", 404, message, "nope")
    # An upload id names its key: the same id under another key is no upload.
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="real")["UploadId"]
    error, status = error_of(lambda: s3.list_parts(Bucket=bucket, Key="other", UploadId=upload_id))
    assert (error["Code"], status) == ("NoSuchUpload", 404)
    error, status = error_of(lambda: s3.create_multipart_upload(Bucket=bucket + "-none", Key="k"))
    assert (error["Code"], status) == ("NoSuchBucket", 404)
    s3.abort_multipart_upload(Bucket=bucket, Key="real", UploadId=upload_id)


def test_part_numbers_run_from_1_to_10000(s3, bucket):
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    for number in (0, 10001):
        error, status = error_of(lambda: s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=number, Body=b"x"))
        assert (error["Code"], status, error["Message"], error["ArgumentName"], error["ArgumentValue"]) == (
            "InvalidArgument", 400, "Part number must be an integer between 1 and 10000, inclusive", "partNumber", str(number))
    assert s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=10000, Body=b"x")["ETag"] == f'"{md5_hex(b"x")}"'


def test_completion_refusals(s3, bucket):
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    small = [os.urandom(100), os.urandom(200)]
    etags = [s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=n, Body=b)["ETag"]
             for n, b in enumerate(small, start=1)]

    def complete(parts):
        return lambda: s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id, MultipartUpload={"Parts": parts})

    error, status = error_of(complete([{"PartNumber": 2, "ETag": etags[1]}, {"PartNumber": 1, "ETag": etags[0]}]))
    assert (error["Code"], status, error["Message"], error["UploadId"]) == (
        "InvalidPartOrder", 400, "The list of parts was not in ascending order. Parts must be ordered by part number.", upload_id)
    error, status = error_of(complete([{"PartNumber": 1, "ETag": '"0123456789abcdef0123456789abcdef"'}]))
    assert (error["Code"], status, error["PartNumber"], error["ETag"]) == ("InvalidPart", 400, "1", '"0123456789abcdef0123456789abcdef"')
    assert error["Message"] == ("One or more of the specified parts could not be found.  The part may not have been uploaded, "
                                "or the specified entity tag may not match the part's entity tag.")
    error, status = error_of(complete([{"PartNumber": 3, "ETag": etags[0]}]))
    assert (error["Code"], status) == ("InvalidPart", 400)
    error, status = error_of(complete([{"PartNumber": 1, "ETag": etags[0]}, {"PartNumber": 2, "ETag": etags[1]}]))
    assert (error["Code"], status, error["Message"]) == (
        "EntityTooSmall", 400, "Your proposed upload is smaller than the minimum allowed object size.")
    assert (error["ProposedSize"], error["MinSizeAllowed"], error["PartNumber"]) == ("100", str(5 * MiB), "1")
    error, status = error_of(complete([]))
    assert (error["Code"], status) == ("MalformedXML", 400)
    # Every refusal left the upload as it was: a single small part completes.
    completed = s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id,
                                             MultipartUpload={"Parts": [{"PartNumber": 2, "ETag": etags[1]}]})
    assert completed["ETag"] == multipart_etag([small[1]])
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == small[1]


def test_checksum_settings_that_s3_refuses(s3, bucket):
    error, status = error_of(lambda: s3.create_multipart_upload(Bucket=bucket, Key="k", ChecksumAlgorithm="CRC64NVME",
                                                                ChecksumType="COMPOSITE"))
    assert (error["Code"], status, error["Message"]) == (
        "InvalidRequest", 400, "The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.")
    error, status = error_of(lambda: s3.create_multipart_upload(Bucket=bucket, Key="k", ChecksumAlgorithm="SHA256",
                                                                ChecksumType="FULL_OBJECT"))
    assert (error["Code"], status, error["Message"]) == (
        "InvalidRequest", 400, "The FULL_OBJECT checksum type cannot be used with the sha256 checksum algorithm.")
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="k", ChecksumAlgorithm="SHA256")["UploadId"]
    error, status = error_of(lambda: s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=1, Body=b"x",
                                                    ChecksumAlgorithm="CRC32"))
    assert (error["Code"], status, error["Message"]) == (
        "InvalidRequest", 400, "Checksum Type mismatch occurred, expected checksum Type: sha256, actual checksum Type: crc32")
    error, status = error_of(lambda: s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=1, Body=b"x",
                                                    ChecksumSHA256=checksum("SHA256", b"y")))
    assert (error["Code"], status) == ("BadDigest", 400)
    part = s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=1, Body=b"x", ChecksumAlgorithm="SHA256")
    assert part["ChecksumSHA256"] == checksum("SHA256", b"x")
    error, status = error_of(lambda: s3.complete_multipart_upload(
        Bucket=bucket, Key="k", UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"], "ChecksumSHA256": checksum("SHA256", b"z")}]}))
    assert (error["Code"], status) == ("InvalidPart", 400)
    s3.abort_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id)


def test_conditional_completion(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"old")
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    etag = s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=1, Body=b"new")["ETag"]
    listing = {"Parts": [{"PartNumber": 1, "ETag": etag}]}
    error, status = error_of(lambda: s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id, MultipartUpload=listing,
                                                                  IfNoneMatch="*"))
    assert (error["Code"], status, error["Condition"]) == ("PreconditionFailed", 412, "If-None-Match")
    error, status = error_of(lambda: s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id, MultipartUpload=listing,
                                                                  IfMatch='"ffff"'))
    assert (error["Code"], status, error["Condition"]) == ("PreconditionFailed", 412, "If-Match")
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"old"
    s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id, MultipartUpload=listing,
                                 IfMatch=f'"{md5_hex(b"old")}"')
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"new"


def test_upload_part_copy(s3, bucket):
    source = os.urandom(6 * MiB)
    s3.put_object(Bucket=bucket, Key="src", Body=source)
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="dst", ChecksumAlgorithm="CRC32")["UploadId"]
    copied = s3.upload_part_copy(Bucket=bucket, Key="dst", UploadId=upload_id, PartNumber=1, CopySource={"Bucket": bucket, "Key": "src"},
                                 CopySourceRange=f"bytes=0-{5 * MiB - 1}")
    assert set(copied) == {"CopyPartResult", "ServerSideEncryption", "ResponseMetadata"}
    assert {k: v for k, v in copied["CopyPartResult"].items() if k != "LastModified"} == {
        "ETag": f'"{md5_hex(source[:5 * MiB])}"', "ChecksumCRC32": checksum("CRC32", source[:5 * MiB])}
    second = s3.upload_part_copy(Bucket=bucket, Key="dst", UploadId=upload_id, PartNumber=2, CopySource=f"{bucket}/src")
    s3.complete_multipart_upload(Bucket=bucket, Key="dst", UploadId=upload_id, MultipartUpload={"Parts": [
        {"PartNumber": 1, "ETag": copied["CopyPartResult"]["ETag"]}, {"PartNumber": 2, "ETag": second["CopyPartResult"]["ETag"]}]})
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == source[:5 * MiB] + source
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="dst2")["UploadId"]
    error, status = error_of(lambda: s3.upload_part_copy(Bucket=bucket, Key="dst2", UploadId=upload_id, PartNumber=1,
                                                         CopySource={"Bucket": bucket, "Key": "missing"}))
    assert (error["Code"], status) == ("NoSuchKey", 404)
    error, status = error_of(lambda: s3.upload_part_copy(Bucket=bucket, Key="dst2", UploadId=upload_id, PartNumber=1,
                                                         CopySource={"Bucket": bucket + "-none", "Key": "src"}))
    assert (error["Code"], status) == ("NoSuchBucket", 404)
    error, status = error_of(lambda: s3.upload_part_copy(Bucket=bucket, Key="dst2", UploadId=upload_id, PartNumber=1,
                                                         CopySource={"Bucket": bucket, "Key": "src"}, CopySourceRange="bytes=0-7000000"))
    assert (error["Code"], status, error["Message"]) == (
        "InvalidArgument", 400, f"Range specified is not valid for source object of size: {6 * MiB}")
    error, status = error_of(lambda: s3.upload_part_copy(Bucket=bucket, Key="dst2", UploadId=upload_id, PartNumber=1,
                                                         CopySource={"Bucket": bucket, "Key": "src", "VersionId": "v1"}))
    assert (error["Code"], status, error["Message"]) == ("InvalidArgument", 400, "Invalid version id specified")
    error, status = error_of(lambda: s3.upload_part_copy(Bucket=bucket, Key="dst2", UploadId=upload_id, PartNumber=1,
                                                         CopySource={"Bucket": bucket, "Key": "src", "VersionId": "A" * 32}))
    assert (error["Code"], status, error["Message"]) == ("NoSuchVersion", 404, "The specified version does not exist.")
    error, status = error_of(lambda: s3.upload_part_copy(Bucket=bucket, Key="dst2", UploadId=upload_id, PartNumber=1,
                                                         CopySource={"Bucket": bucket, "Key": "src"}, CopySourceIfMatch='"abc"'))
    assert (error["Code"], status) == ("PreconditionFailed", 412)
    s3.abort_multipart_upload(Bucket=bucket, Key="dst2", UploadId=upload_id)


def test_upload_part_copy_needs_get_object_on_the_source(bulwark, s3, bucket):
    iam = bulwark.client("iam")
    user = f"mpu-copier-{time.time_ns() % 10**9}"
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="p", PolicyDocument=(
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:PutObject"],"Resource":"*"},'
        f'{{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::{bucket}/open/*"}}]}}'))
    key = iam.create_access_key(UserName=user)["AccessKey"]
    s3.put_object(Bucket=bucket, Key="secret/src", Body=b"secret")
    s3.put_object(Bucket=bucket, Key="open/src", Body=b"public")
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="dst")["UploadId"]
    client = boto3.session.Session().client(
        "s3", endpoint_url=bulwark.endpoint, region_name="us-east-1", aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"], config=botocore.config.Config(s3={"addressing_style": "path"}))
    for _ in range(30):
        try:
            client.upload_part_copy(Bucket=bucket, Key="dst", UploadId=upload_id, PartNumber=1, CopySource=f"{bucket}/open/src")
            break
        except ClientError:
            time.sleep(0.2)
    error, status = error_of(lambda: client.upload_part_copy(Bucket=bucket, Key="dst", UploadId=upload_id, PartNumber=2,
                                                             CopySource=f"{bucket}/secret/src"))
    assert (error["Code"], status) == ("AccessDenied", 403)
    parts = s3.list_parts(Bucket=bucket, Key="dst", UploadId=upload_id)["Parts"]
    assert [p["PartNumber"] for p in parts] == [1]
    s3.abort_multipart_upload(Bucket=bucket, Key="dst", UploadId=upload_id)


# -- paging -------------------------------------------------------------------------------------------------------


def test_list_parts_paging(s3, bucket):
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    for number in range(1, 6):
        s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=number, Body=bytes([number]))
    first = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id, MaxParts=2)
    assert ([p["PartNumber"] for p in first["Parts"]], first["IsTruncated"], first["NextPartNumberMarker"], first["MaxParts"]) == (
        [1, 2], True, 2, 2)
    second = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id, MaxParts=2, PartNumberMarker=2)
    assert ([p["PartNumber"] for p in second["Parts"]], second["IsTruncated"], second["PartNumberMarker"]) == ([3, 4], True, 2)
    last = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id, MaxParts=2, PartNumberMarker=4)
    assert ([p["PartNumber"] for p in last["Parts"]], last["IsTruncated"], last["NextPartNumberMarker"]) == ([5], False, 5)
    paged = [p["PartNumber"] for page in s3.get_paginator("list_parts").paginate(
        Bucket=bucket, Key="k", UploadId=upload_id, PaginationConfig={"PageSize": 2}) for p in page["Parts"]]
    assert paged == [1, 2, 3, 4, 5]
    s3.abort_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id)


def test_list_multipart_uploads_paging_prefix_and_delimiter(s3, bucket):
    started = []
    for key in ["a/1", "a/2", "b", "b", "c/d/e", "c/x"]:
        started.append((key, s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]))
    everything = s3.list_multipart_uploads(Bucket=bucket)
    assert [(u["Key"], u["UploadId"]) for u in everything["Uploads"]] == started
    assert (everything["IsTruncated"], everything["MaxUploads"], everything["KeyMarker"], everything["UploadIdMarker"]) == (
        False, 1000, "", "")
    first = s3.list_multipart_uploads(Bucket=bucket, MaxUploads=3)
    assert [(u["Key"], u["UploadId"]) for u in first["Uploads"]] == started[:3]
    assert (first["IsTruncated"], first["NextKeyMarker"], first["NextUploadIdMarker"]) == (True, "b", started[2][1])
    second = s3.list_multipart_uploads(Bucket=bucket, MaxUploads=3, KeyMarker="b", UploadIdMarker=started[2][1])
    assert [(u["Key"], u["UploadId"]) for u in second["Uploads"]] == started[3:]
    assert second["IsTruncated"] is False
    after_key = s3.list_multipart_uploads(Bucket=bucket, KeyMarker="b")
    assert [u["Key"] for u in after_key["Uploads"]] == ["c/d/e", "c/x"]
    rolled = s3.list_multipart_uploads(Bucket=bucket, Delimiter="/")
    assert [p["Prefix"] for p in rolled["CommonPrefixes"]] == ["a/", "c/"]
    assert [u["Key"] for u in rolled["Uploads"]] == ["b", "b"]
    under = s3.list_multipart_uploads(Bucket=bucket, Prefix="c/", Delimiter="/")
    assert ([p["Prefix"] for p in under["CommonPrefixes"]], [u["Key"] for u in under["Uploads"]], under["Prefix"]) == (
        ["c/d/"], ["c/x"], "c/")
    paged = [(u["Key"], u["UploadId"]) for page in s3.get_paginator("list_multipart_uploads").paginate(
        Bucket=bucket, PaginationConfig={"PageSize": 2}) for u in page.get("Uploads", [])]
    assert paged == started
    error, status = error_of(lambda: s3.list_multipart_uploads(Bucket=bucket, EncodingType="base64"))
    assert (error["Code"], status) == ("InvalidArgument", 400)
    for key, upload_id in started:
        s3.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id)
    assert "Uploads" not in s3.list_multipart_uploads(Bucket=bucket)


# -- nothing left behind --------------------------------------------------------------------------------------------


def test_abort_and_replace_leave_no_files(s3, bulwark):
    bucket = new_bucket(s3)
    before = object_files(bulwark)
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    for number in (1, 2, 2):
        s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=number, Body=os.urandom(1000))
    assert len(object_files(bulwark) - before) == 2
    answer = s3.abort_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id)
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert object_files(bulwark) - before == set()
    error, status = error_of(lambda: s3.abort_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id))
    assert (error["Code"], status) == ("NoSuchUpload", 404)
    # A completed object's parts are its body: overwriting or deleting it removes them all.
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    etags = [s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=n, Body=os.urandom(5 * MiB if n == 1 else 10))["ETag"]
             for n in (1, 2, 3)]
    s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id, MultipartUpload={"Parts": [
        {"PartNumber": 1, "ETag": etags[0]}, {"PartNumber": 3, "ETag": etags[2]}]})
    assert len(object_files(bulwark) - before) == 2
    s3.put_object(Bucket=bucket, Key="k", Body=b"small")
    assert len(object_files(bulwark) - before) == 1
    s3.delete_object(Bucket=bucket, Key="k")
    assert object_files(bulwark) - before == set()
    # Uploads in progress go with their bucket.
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=1, Body=b"x")
    s3.delete_bucket(Bucket=bucket)
    assert object_files(bulwark) - before == set()


def test_kill_9_mid_upload_then_complete_or_abort(fresh_bulwark):
    server = fresh_bulwark().start()
    s3 = s3_client(server)
    bucket = new_bucket(s3)
    first = os.urandom(5 * MiB)
    kept = s3.create_multipart_upload(Bucket=bucket, Key="kept")["UploadId"]
    kept_etag = s3.upload_part(Bucket=bucket, Key="kept", UploadId=kept, PartNumber=1, Body=first)["ETag"]
    dropped = s3.create_multipart_upload(Bucket=bucket, Key="dropped")["UploadId"]
    s3.upload_part(Bucket=bucket, Key="dropped", UploadId=dropped, PartNumber=1, Body=os.urandom(2000))
    server.kill9()
    server.start()
    s3 = s3_client(server)
    assert sorted(u["Key"] for u in s3.list_multipart_uploads(Bucket=bucket)["Uploads"]) == ["dropped", "kept"]
    second = os.urandom(1234)
    second_etag = s3.upload_part(Bucket=bucket, Key="kept", UploadId=kept, PartNumber=2, Body=second)["ETag"]
    s3.complete_multipart_upload(Bucket=bucket, Key="kept", UploadId=kept, MultipartUpload={"Parts": [
        {"PartNumber": 1, "ETag": kept_etag}, {"PartNumber": 2, "ETag": second_etag}]})
    s3.abort_multipart_upload(Bucket=bucket, Key="dropped", UploadId=dropped)
    assert s3.get_object(Bucket=bucket, Key="kept")["Body"].read() == first + second
    # The only files left are the completed object's two parts.
    assert len(object_files(server)) == 2
    server.kill9()
    server.start()
    assert s3_client(server).get_object(Bucket=bucket, Key="kept")["Body"].read() == first + second


def test_each_operation_is_judged_on_its_own_action(bulwark, s3, bucket):
    iam = bulwark.client("iam")
    user = f"mpu-writer-{time.time_ns() % 10**9}"
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="p", PolicyDocument=(
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject",'
        f'"Resource":"arn:aws:s3:::{bucket}/*"}}]}}'))
    key = iam.create_access_key(UserName=user)["AccessKey"]
    client = boto3.session.Session().client(
        "s3", endpoint_url=bulwark.endpoint, region_name="us-east-1", aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"], config=botocore.config.Config(s3={"addressing_style": "path"}))
    for _ in range(30):
        try:
            upload_id = client.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
            break
        except ClientError:
            time.sleep(0.2)
    etag = client.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=1, Body=b"x")["ETag"]
    for call in [
        lambda: client.list_parts(Bucket=bucket, Key="k", UploadId=upload_id),
        lambda: client.list_multipart_uploads(Bucket=bucket),
        lambda: client.abort_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id),
    ]:
        error, status = error_of(call)
        assert (error["Code"], status) == ("AccessDenied", 403)
    client.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id,
                                     MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"
    events = [e for e in bulwark.trail_events() if e.get("eventSource") == "s3.amazonaws.com"
              and (e.get("requestParameters") or {}).get("bucketName", bucket) == bucket]
    names = {e["eventName"] for e in events if (e.get("userIdentity") or {}).get("userName") == user}
    assert {"CreateMultipartUpload", "UploadPart", "ListParts", "AbortMultipartUpload", "CompleteMultipartUpload"} <= names
    assert all(e["managementEvent"] is False and e["eventCategory"] == "Data" for e in events
               if e["eventName"] in {"UploadPart", "CompleteMultipartUpload"})


def test_a_copy_is_judged_under_the_sources_tags_and_its_copy_source_key(bulwark, s3, bucket):
    """UploadPartCopy reads its source as GetObject does (`s3:ExistingObjectTag/…`) and writes with `s3:x-amz-copy-source`."""
    s3.put_object(Bucket=bucket, Key="secret", Body=b"s" * 10, Tagging="classification=secret")
    s3.put_object(Bucket=bucket, Key="open", Body=b"o" * 10)
    iam = bulwark.client("iam")
    user = f"mpu-copier-{time.time_ns() % 10**9}"
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="p", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*",
         "Condition": {"StringEquals": {"s3:ExistingObjectTag/classification": "secret"}}},
        {"Effect": "Deny", "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/copies/*",
         "Condition": {"StringLike": {"s3:x-amz-copy-source": f"{bucket}/open*"}}},
    ]}))
    key = iam.create_access_key(UserName=user)["AccessKey"]
    client = boto3.session.Session().client(
        "s3", endpoint_url=bulwark.endpoint, region_name="us-east-1", aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"], config=botocore.config.Config(s3={"addressing_style": "path"}))
    for _ in range(30):
        try:
            upload_id = client.create_multipart_upload(Bucket=bucket, Key="copies/k")["UploadId"]
            break
        except ClientError:
            time.sleep(0.2)
    for source in ["secret", "open"]:
        error, status = error_of(lambda: client.upload_part_copy(
            Bucket=bucket, Key="copies/k", UploadId=upload_id, PartNumber=1, CopySource=f"{bucket}/{source}"))
        assert (error["Code"], status) == ("AccessDenied", 403), source
    upload_id2 = client.create_multipart_upload(Bucket=bucket, Key="elsewhere")["UploadId"]
    copied = client.upload_part_copy(Bucket=bucket, Key="elsewhere", UploadId=upload_id2, PartNumber=1, CopySource=f"{bucket}/open")
    assert copied["CopyPartResult"]["ETag"]
    client.abort_multipart_upload(Bucket=bucket, Key="elsewhere", UploadId=upload_id2)
    s3.abort_multipart_upload(Bucket=bucket, Key="copies/k", UploadId=upload_id)
