"""S3's payload modes and integrity checks (issue #12): aws-chunked bodies (unsigned with a checksum
trailer — what boto3 and the CLI send over HTTPS — and signed chunks with and without a signed
trailer), flexible checksums in a header or a trailer, Content-MD5, checksums returned with
`x-amz-checksum-mode: ENABLED`, presigned URLs (boto3's `generate_presigned_url`, `aws s3 presign`),
and virtual-hosted addressing.
"""

import base64
import hashlib
import json
import os
import socket
import time
import urllib.parse
import xml.etree.ElementTree as ET
from unittest import mock

import boto3
import botocore.config
import pytest
from botocore.exceptions import ClientError

from conftest import BulwarkServer
from support.s3payload import SIGNED, SIGNED_TRAILER, UNSIGNED_TRAILER, checksum, chunked_put
from support.wire import fetch_url, send


def s3_client(server, **config):
    key, secret = server.admin_key
    return boto3.session.Session().client(
        "s3", endpoint_url=server.endpoint, region_name="us-east-1", aws_access_key_id=key, aws_secret_access_key=secret,
        verify=server.ca_bundle,
        config=botocore.config.Config(retries={"max_attempts": 0, "mode": "standard"}, **{"s3": {"addressing_style": "path"}, **config}))


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    server = BulwarkServer(tmp_path_factory.mktemp("s3-tls-data"), ["--tls", "self-signed"], execution_roles=False).start()
    try:
        yield server
    finally:
        server.stop()


def new_bucket(client) -> str:
    name = f"p{time.time_ns() % 10**15}"
    client.create_bucket(Bucket=name)
    return name


def error_of(call):
    with pytest.raises(ClientError) as raised:
        call()
    response = raised.value.response
    return response["Error"], response["ResponseMetadata"]["HTTPStatusCode"]


def xml_error(answer) -> tuple[str, int, str]:
    root = ET.fromstring(answer.body)
    assert root.tag == "Error", answer.body
    return root.findtext("Code"), answer.status, root.findtext("Message")


def sent_headers(client) -> list[dict]:
    """Records the headers of every request `client` sends."""
    seen: list[dict] = []
    client.meta.events.register("before-send.s3.*", lambda request, **_: seen.append(dict(request.headers.items())))
    return seen


def header(headers: dict, name: str):
    value = next((v for k, v in headers.items() if k.lower() == name.lower()), None)
    return value.decode() if isinstance(value, bytes) else value


# -- what boto3 sends by default -------------------------------------------------------------------------------


def test_default_https_upload_is_aws_chunked_with_a_crc32_trailer(tls_server):
    s3 = s3_client(tls_server)
    bucket = new_bucket(s3)
    seen = sent_headers(s3)
    body = os.urandom(100_000)
    put = s3.put_object(Bucket=bucket, Key="k", Body=body)
    assert header(seen[-1], "x-amz-content-sha256") == UNSIGNED_TRAILER
    assert header(seen[-1], "x-amz-trailer") == "x-amz-checksum-crc32"
    assert put["ChecksumCRC32"] == checksum("CRC32", body) and put["ChecksumType"] == "FULL_OBJECT"
    assert put["ETag"] == f'"{hashlib.md5(body).hexdigest()}"'
    got = s3.get_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert got["Body"].read() == body
    assert (got["ChecksumCRC32"], got["ChecksumType"], got["ContentLength"]) == (checksum("CRC32", body), "FULL_OBJECT", 100_000)
    # aws-chunked is the transfer's encoding, not the object's.
    assert "ContentEncoding" not in got
    head = s3.head_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert head["ChecksumCRC32"] == checksum("CRC32", body)
    assert "ChecksumCRC32" not in s3.head_object(Bucket=bucket, Key="k")
    listed = s3.list_objects_v2(Bucket=bucket)["Contents"][0]
    assert (listed["ChecksumAlgorithm"], listed["ChecksumType"]) == (["CRC32"], "FULL_OBJECT")


@pytest.mark.parametrize("algorithm", ["SHA1", "SHA256", "CRC32"])
def test_https_upload_with_a_chosen_checksum(tls_server, algorithm):
    s3 = s3_client(tls_server)
    bucket = new_bucket(s3)
    body = os.urandom(20_000)
    put = s3.put_object(Bucket=bucket, Key="k", Body=body, ChecksumAlgorithm=algorithm, ContentEncoding="gzip")
    assert put[f"Checksum{algorithm}"] == checksum(algorithm, body)
    got = s3.get_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert got["Body"].read() == body and got[f"Checksum{algorithm}"] == checksum(algorithm, body)
    # The object's own coding stays; aws-chunked, added by botocore to it, is gone.
    assert got["ContentEncoding"] == "gzip"


def test_default_http_upload_sends_the_checksum_as_a_header(bulwark):
    s3 = s3_client(bulwark)
    bucket = new_bucket(s3)
    seen = sent_headers(s3)
    body = b"over plain HTTP"
    put = s3.put_object(Bucket=bucket, Key="k", Body=body)
    assert header(seen[-1], "x-amz-checksum-crc32") == checksum("CRC32", body)
    assert header(seen[-1], "x-amz-content-sha256") == hashlib.sha256(body).hexdigest()
    assert put["ChecksumCRC32"] == checksum("CRC32", body)
    # DeleteObjects requires a checksum: boto3 sends one in a header, and it is checked.
    answer = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "k"}]})
    assert answer["Deleted"] == [{"Key": "k"}]
    assert header(seen[-1], "x-amz-checksum-crc32") is not None


def test_upload_without_a_checksum_gets_crc64nvme(bulwark):
    s3 = s3_client(bulwark, request_checksum_calculation="when_required")
    bucket = new_bucket(s3)
    body = b"no checksum sent"
    put = s3.put_object(Bucket=bucket, Key="k", Body=body)
    assert put["ChecksumCRC64NVME"] == checksum("CRC64NVME", body) and put["ChecksumType"] == "FULL_OBJECT"
    head = s3.head_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert head["ChecksumCRC64NVME"] == checksum("CRC64NVME", body)


@pytest.mark.parametrize("algorithm", ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"])
def test_checksum_header_is_verified(bulwark, algorithm):
    s3 = s3_client(bulwark, request_checksum_calculation="when_required")
    bucket = new_bucket(s3)
    body = b"checked body"
    put = s3.put_object(Bucket=bucket, Key="k", Body=body, **{f"Checksum{algorithm}": checksum(algorithm, body)})
    assert put[f"Checksum{algorithm}"] == checksum(algorithm, body)
    error, status = error_of(lambda: s3.put_object(
        Bucket=bucket, Key="k2", Body=body, **{f"Checksum{algorithm}": checksum(algorithm, b"another body")}))
    assert (error["Code"], status, error["Message"]) == (
        "BadDigest", 400, f"The {algorithm} you specified did not match the calculated checksum.")
    error, status = error_of(lambda: s3.put_object(Bucket=bucket, Key="k2", Body=body, **{f"Checksum{algorithm}": "AAAA"}))
    assert (error["Code"], status, error["Message"]) == (
        "InvalidRequest", 400, f"Value for x-amz-checksum-{algorithm.lower()} header is invalid.")
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["k"]


def test_content_md5_is_verified_on_every_body(bulwark):
    s3 = s3_client(bulwark, request_checksum_calculation="when_required")
    bucket = new_bucket(s3)
    body = b"md5 body"
    wrong = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    error, status = error_of(lambda: s3.put_object(Bucket=bucket, Key="k", Body=body, ContentMD5=wrong))
    assert (error["Code"], status, error["Message"]) == ("BadDigest", 400, "The Content-MD5 you specified did not match what we received.")
    error, status = error_of(lambda: s3.put_object(Bucket=bucket, Key="k", Body=body, ContentMD5="AAAA"))
    assert (error["Code"], status, error["Message"]) == ("InvalidDigest", 400, "The Content-MD5 you specified was invalid.")


# -- aws-chunked bodies, every mode ------------------------------------------------------------------------------


CHUNKED_CASES = [
    (SIGNED, None),
    (SIGNED_TRAILER, "CRC32C"),
    (SIGNED_TRAILER, "CRC64NVME"),
    (UNSIGNED_TRAILER, "CRC32C"),
    (UNSIGNED_TRAILER, "SHA256"),
]


@pytest.mark.parametrize(("mode", "algorithm"), CHUNKED_CASES)
def test_chunked_upload_in_each_mode(tls_server, mode, algorithm):
    s3 = s3_client(tls_server)
    bucket = new_bucket(s3)
    body = os.urandom(8192 * 3 + 1000)
    key, secret = tls_server.admin_key
    trailer = (f"x-amz-checksum-{algorithm.lower()}", checksum(algorithm, body)) if algorithm else None
    answer = chunked_put(tls_server.endpoint, f"/{bucket}/chunked", key, secret, body, mode=mode, trailer=trailer,
                         ca_bundle=tls_server.ca_bundle)
    assert answer.status == 200, answer.body
    assert answer.headers["etag"] == f'"{hashlib.md5(body).hexdigest()}"'
    stored = algorithm or "CRC64NVME"
    assert answer.headers[f"x-amz-checksum-{stored.lower()}"] == checksum(stored, body)
    got = s3.get_object(Bucket=bucket, Key="chunked", ChecksumMode="ENABLED")
    assert got["Body"].read() == body and got["ContentLength"] == len(body)
    assert got[f"Checksum{stored}"] == checksum(stored, body)


@pytest.mark.parametrize("mode", [SIGNED, SIGNED_TRAILER])
def test_tampered_chunk_is_refused_and_nothing_is_stored(tls_server, mode):
    s3 = s3_client(tls_server)
    bucket = new_bucket(s3)
    body = os.urandom(8192 * 2 + 10)
    key, secret = tls_server.admin_key
    trailer = ("x-amz-checksum-crc32", checksum("CRC32", body)) if mode == SIGNED_TRAILER else None
    answer = chunked_put(tls_server.endpoint, f"/{bucket}/k", key, secret, body, mode=mode, trailer=trailer, tamper_chunk=1,
                         ca_bundle=tls_server.ca_bundle)
    assert xml_error(answer) == (
        "SignatureDoesNotMatch", 403,
        "The request signature we calculated does not match the signature you provided. Check your key and signing method.")
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)


def test_wrong_checksum_trailer_is_refused(tls_server):
    s3 = s3_client(tls_server)
    bucket = new_bucket(s3)
    body = os.urandom(9000)
    key, secret = tls_server.admin_key
    for mode in (UNSIGNED_TRAILER, SIGNED_TRAILER):
        answer = chunked_put(tls_server.endpoint, f"/{bucket}/k", key, secret, body, mode=mode,
                             trailer=("x-amz-checksum-crc32", checksum("CRC32", b"not the body")), ca_bundle=tls_server.ca_bundle)
        assert xml_error(answer) == ("BadDigest", 400, "The CRC32 you specified did not match the calculated checksum.")
    # Unsigned chunks changed in flight: the trailer's checksum is what catches it.
    answer = chunked_put(tls_server.endpoint, f"/{bucket}/k", key, secret, body, mode=UNSIGNED_TRAILER,
                         trailer=("x-amz-checksum-crc32", checksum("CRC32", body)), tamper_chunk=0, ca_bundle=tls_server.ca_bundle)
    assert xml_error(answer)[:2] == ("BadDigest", 400)
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)


def test_short_chunks_and_wrong_decoded_length_are_refused(tls_server):
    s3 = s3_client(tls_server)
    bucket = new_bucket(s3)
    key, secret = tls_server.admin_key
    body = os.urandom(5000)
    answer = chunked_put(tls_server.endpoint, f"/{bucket}/k", key, secret, body, mode=SIGNED, chunk_size=1000,
                         ca_bundle=tls_server.ca_bundle)
    assert xml_error(answer) == ("InvalidChunkSizeError", 400, "Only the last chunk is allowed to have a size less than 8192 bytes")
    answer = chunked_put(tls_server.endpoint, f"/{bucket}/k", key, secret, body, mode=SIGNED,
                         extra_headers={"X-Amz-Decoded-Content-Length": "4999"}, ca_bundle=tls_server.ca_bundle)
    assert xml_error(answer)[:2] == ("IncompleteBody", 400)


def test_other_services_refuse_streaming_payloads_as_a_signature_mismatch(bulwark):
    from support.wire import sign
    key, secret = bulwark.admin_key
    headers = sign(bulwark.endpoint, "GET", "/2015-03-31/functions/", key, secret,
                   headers={"X-Amz-Content-SHA256": UNSIGNED_TRAILER})
    answer = send(bulwark.endpoint, "GET", "/2015-03-31/functions/", headers=headers)
    assert (answer.status, answer.error_type) == (403, "InvalidSignatureException")


def test_cli_copies_over_https_with_its_default_checksums(tls_server, tmp_path):
    name = f"cli-tls-{time.time_ns() % 10**12}"
    tls_server.aws("s3", "mb", f"s3://{name}")
    source = tmp_path / "up.bin"
    source.write_bytes(os.urandom(3 * 1024 * 1024 + 7))
    tls_server.aws("s3", "cp", str(source), f"s3://{name}/up.bin")
    head = tls_server.aws("s3api", "head-object", "--bucket", name, "--key", "up.bin", "--checksum-mode", "ENABLED").json
    assert head["ChecksumCRC32"] == checksum("CRC32", source.read_bytes())
    target = tmp_path / "down.bin"
    tls_server.aws("s3", "cp", f"s3://{name}/up.bin", str(target))
    assert target.read_bytes() == source.read_bytes()


# -- presigned URLs ---------------------------------------------------------------------------------------------
# botocore and the CLI presign S3 URLs with SigV2 unless told `signature_version = s3v4`; Bulwark verifies SigV4 only.


def presigner(server):
    return s3_client(server, signature_version="s3v4")


def test_presigned_get_and_put(bulwark):
    s3 = presigner(bulwark)
    bucket = new_bucket(s3)
    s3.put_object(Bucket=bucket, Key="shared.txt", Body=b"shared body")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "shared.txt"}, ExpiresIn=300)
    answer = fetch_url(url)
    assert (answer.status, answer.body) == (200, b"shared body"), answer.body.decode()
    put_url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "uploaded.txt"}, ExpiresIn=300)
    parts = urllib.parse.urlsplit(put_url)
    answer = send(bulwark.endpoint, "PUT", f"{parts.path}?{parts.query}", body=b"uploaded through a URL")
    assert answer.status == 200, answer.body
    assert s3.get_object(Bucket=bucket, Key="uploaded.txt")["Body"].read() == b"uploaded through a URL"


def test_cli_presign(bulwark, tmp_path):
    s3 = s3_client(bulwark)
    bucket = new_bucket(s3)
    s3.put_object(Bucket=bucket, Key="dir/cli.txt", Body=b"from the CLI")
    config = tmp_path / "config"
    config.write_text("[default]\ns3 =\n    signature_version = s3v4\n")
    url = bulwark.aws("s3", "presign", f"s3://{bucket}/dir/cli.txt", "--expires-in", "120",
                      env={"AWS_CONFIG_FILE": str(config)}).stdout.strip()
    assert "X-Amz-Algorithm=AWS4-HMAC-SHA256" in url and "X-Amz-Expires=120" in url
    answer = fetch_url(url)
    assert (answer.status, answer.body) == (200, b"from the CLI")


def test_expired_presigned_url_is_refused(bulwark):
    s3 = presigner(bulwark)
    bucket = new_bucket(s3)
    s3.put_object(Bucket=bucket, Key="k", Body=b"1")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=1)
    time.sleep(2.5)
    answer = fetch_url(url)
    assert xml_error(answer) == ("AccessDenied", 403, "Request has expired")
    too_long = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=604801)
    answer = fetch_url(too_long)
    assert xml_error(answer) == (
        "AuthorizationQueryParametersError", 400, "X-Amz-Expires must be less than a week (in seconds) that is 604800")


def test_tampered_presigned_url_is_refused(bulwark):
    s3 = presigner(bulwark)
    bucket = new_bucket(s3)
    s3.put_object(Bucket=bucket, Key="k", Body=b"1")
    s3.put_object(Bucket=bucket, Key="other", Body=b"2")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=300)
    answer = fetch_url(url.replace(f"/{bucket}/k?", f"/{bucket}/other?"))
    assert xml_error(answer)[:2] == ("SignatureDoesNotMatch", 403)
    put_url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=300)
    parts = urllib.parse.urlsplit(put_url)
    answer = send(bulwark.endpoint, "PUT", f"{parts.path}?{parts.query.replace('X-Amz-Expires=300', 'X-Amz-Expires=3000')}", body=b"x")
    assert xml_error(answer)[:2] == ("SignatureDoesNotMatch", 403)
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"1"


def test_presigned_put_with_unsigned_amz_headers_is_refused(bulwark):
    """S3 refuses `x-amz-*` headers that the signature does not cover: whoever holds a presigned PUT
    must not turn it into a copy of another object or add metadata."""
    s3 = presigner(bulwark)
    bucket = new_bucket(s3)
    s3.put_object(Bucket=bucket, Key="secret", Body=b"secret")
    put_url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=300)
    parts = urllib.parse.urlsplit(put_url)
    for headers, names in [
        ({"x-amz-meta-x": "1"}, "x-amz-meta-x"),
        ({"x-amz-copy-source": f"/{bucket}/secret"}, "x-amz-copy-source"),
        ({"x-amz-acl": "public-read", "x-amz-tagging": "a=b"}, "x-amz-acl, x-amz-tagging"),
    ]:
        answer = send(bulwark.endpoint, "PUT", f"{parts.path}?{parts.query}", body=b"x", headers=headers)
        assert xml_error(answer) == ("AccessDenied", 403, "There were headers present in the request which were not signed")
        assert ET.fromstring(answer.body).findtext("HeadersNotSigned") == names
    assert error_of(lambda: s3.head_object(Bucket=bucket, Key="k"))[1] == 404
    # Signed as part of the URL, the same header is accepted.
    signed_url = s3.generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": "k", "Metadata": {"x": "1"}}, ExpiresIn=300)
    signed_parts = urllib.parse.urlsplit(signed_url)
    answer = send(bulwark.endpoint, "PUT", f"{signed_parts.path}?{signed_parts.query}", body=b"x", headers={"x-amz-meta-x": "1"})
    assert answer.status == 200, answer.body
    assert s3.head_object(Bucket=bucket, Key="k")["Metadata"] == {"x": "1"}


def user_client(server, statements, **config):
    """An S3 client of a new IAM user whose one inline policy holds `statements`."""
    iam = server.client("iam")
    user = f"s3keys-{time.time_ns() % 10**12}"
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="s3", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}))
    key = iam.create_access_key(UserName=user)["AccessKey"]
    return boto3.session.Session().client(
        "s3", endpoint_url=server.endpoint, region_name="us-east-1", aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"], verify=server.ca_bundle,
        config=botocore.config.Config(retries={"max_attempts": 0, "mode": "standard"}, s3={"addressing_style": "path"},
                                      signature_version="s3v4", **config))


ALLOW_S3 = {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}


def test_deny_on_s3_auth_type_refuses_presigned_urls_only(bulwark):
    """S3 sets s3:authType (and s3:signatureversion, s3:signatureAge, s3:x-amz-content-sha256) from the
    signature of every request, so that a policy can refuse presigned URLs."""
    user = user_client(bulwark, [ALLOW_S3, {
        "Effect": "Deny", "Action": "s3:GetObject", "Resource": "*",
        "Condition": {"StringEquals": {"s3:authType": "REST-QUERY-STRING"}}}])
    bucket = new_bucket(user)
    user.put_object(Bucket=bucket, Key="k", Body=b"body")
    assert user.get_object(Bucket=bucket, Key="k")["Body"].read() == b"body"
    answer = fetch_url(user.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=300))
    code, status, message = xml_error(answer)
    assert (code, status) == ("AccessDenied", 403)
    assert "is not authorized to perform: s3:GetObject" in message and "explicit deny" in message


@pytest.mark.parametrize("condition, refused", [
    ({"StringNotEquals": {"s3:signatureversion": "AWS4-HMAC-SHA256"}}, False),
    ({"StringEquals": {"s3:authType": "REST-HEADER"}}, True),
    ({"NumericGreaterThan": {"s3:signatureAge": "600000"}}, False),
    ({"NumericLessThan": {"s3:signatureAge": "600000"}}, True),
    ({"StringEquals": {"s3:x-amz-content-sha256": "UNSIGNED-PAYLOAD"}}, False),
    ({"Null": {"s3:x-amz-content-sha256": "false"}}, True),
    ({"Null": {"s3:TlsVersion": "false"}}, False),
])
def test_signature_condition_keys_over_http(bulwark, condition, refused):
    user = user_client(bulwark, [ALLOW_S3, {"Effect": "Deny", "Action": "s3:ListBucket", "Resource": "*", "Condition": condition}])
    bucket = new_bucket(user)
    if refused:
        error, status = error_of(lambda: user.list_objects_v2(Bucket=bucket))
        assert (error["Code"], status) == ("AccessDenied", 403)
    else:
        assert user.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_tls_version_condition_key(tls_server):
    user = user_client(tls_server, [ALLOW_S3, {
        "Effect": "Deny", "Action": "s3:ListBucket", "Resource": "*",
        "Condition": {"NumericGreaterThanEquals": {"s3:TlsVersion": "1.2"}}}])
    bucket = new_bucket(user)
    error, status = error_of(lambda: user.list_objects_v2(Bucket=bucket))
    assert (error["Code"], status) == ("AccessDenied", 403)


# -- virtual-hosted addressing ---------------------------------------------------------------------------------


def test_virtual_hosted_addressing(bulwark):
    """`<bucket>.s3.localhost`: RFC 6761 names `*.localhost` loopback, but plain glibc (this host) does
    not resolve them, so the test's resolver does what systemd-resolved and macOS do."""
    real = socket.getaddrinfo

    def loopback_localhost(host, *args, **kwargs):
        if isinstance(host, str) and (host == "localhost" or host.endswith(".localhost")):
            host = "127.0.0.1"
        return real(host, *args, **kwargs)

    port = urllib.parse.urlsplit(bulwark.endpoint).port
    key, secret = bulwark.admin_key
    virtual = boto3.session.Session().client(
        "s3", endpoint_url=f"http://s3.localhost:{port}", region_name="us-east-1", aws_access_key_id=key,
        aws_secret_access_key=secret, config=botocore.config.Config(s3={"addressing_style": "virtual"}, retries={"max_attempts": 0}))
    urls: list[str] = []
    virtual.meta.events.register("before-send.s3.*", lambda request, **_: urls.append(request.url))
    name = f"v{time.time_ns() % 10**12}"
    with mock.patch("socket.getaddrinfo", loopback_localhost):
        virtual.create_bucket(Bucket=name)
        virtual.put_object(Bucket=name, Key="dir/a key", Body=b"virtual")
        assert urls[-1] == f"http://{name}.s3.localhost:{port}/dir/a%20key"
        assert virtual.get_object(Bucket=name, Key="dir/a key")["Body"].read() == b"virtual"
        assert [o["Key"] for o in virtual.list_objects_v2(Bucket=name, Prefix="dir/")["Contents"]] == ["dir/a key"]
        virtual.delete_object(Bucket=name, Key="dir/a key")
        virtual.delete_bucket(Bucket=name)
    # Path style sees the same buckets.
    assert name not in [b["Name"] for b in s3_client(bulwark).list_buckets()["Buckets"]]
