"""S3 bodies that boto3 does not send on its own: aws-chunked with signed chunks
(`STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]`), and the checksums it cannot compute without awscrt
(CRC32C, CRC64NVME).

The request head is signed by botocore's own SigV4 signer (with the streaming value as payload hash,
as AWS's "Signature Calculations for the Authorization Header: Transferring Payload in Multiple
Chunks" describes); the chunk and trailer signatures follow the same page.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import zlib

import botocore.auth
import botocore.awsrequest
import botocore.credentials

from support.wire import Answer, send

REGION = "us-east-1"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
SIGNED = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
SIGNED_TRAILER = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
UNSIGNED_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"


def _reflected_crc(data: bytes, polynomial: int, width: int) -> int:
    mask = (1 << width) - 1
    crc = mask
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ polynomial if crc & 1 else crc >> 1
    return crc ^ mask


def checksum(algorithm: str, data: bytes) -> str:
    """The base64 value of `x-amz-checksum-<algorithm>` for `data`."""
    algorithm = algorithm.upper()
    if algorithm == "CRC32":
        digest = zlib.crc32(data).to_bytes(4, "big")
    elif algorithm == "CRC32C":
        digest = _reflected_crc(data, 0x82F63B78, 32).to_bytes(4, "big")
    elif algorithm == "CRC64NVME":
        digest = _reflected_crc(data, 0x9A6C9329AC4BC9B5, 64).to_bytes(8, "big")
    elif algorithm == "SHA1":
        digest = hashlib.sha1(data).digest()
    else:
        digest = hashlib.sha256(data).digest()
    return base64.b64encode(digest).decode()


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def _signing_key(secret: str, day: str, region: str, service: str = "s3") -> bytes:
    key = _hmac(("AWS4" + secret).encode(), day)
    return _hmac(_hmac(_hmac(key, region), service), "aws4_request")


def chunked_put(endpoint: str, path: str, access_key: str, secret_key: str, payload: bytes, *, mode: str,
                trailer: tuple[str, str] | None = None, chunk_size: int = 8192, tamper_chunk: int | None = None,
                extra_headers: dict[str, str] | None = None, ca_bundle: str | None = None) -> Answer:
    """PUTs `payload` aws-chunked in `mode`; `trailer` is (header name, value) of a checksum trailer.

    `tamper_chunk` flips one byte of that chunk's data after it was signed (or after its checksum was
    taken): the server must refuse the body.
    """
    chunks = [payload[i:i + chunk_size] for i in range(0, len(payload), chunk_size)]
    signed = mode != UNSIGNED_TRAILER
    headers = {
        "Content-Encoding": "aws-chunked",
        "X-Amz-Content-SHA256": mode,
        "X-Amz-Decoded-Content-Length": str(len(payload)),
        **(extra_headers or {}),
    }
    if trailer:
        headers["X-Amz-Trailer"] = trailer[0]
    # The encoded length depends only on sizes, so sign with a placeholder body of the right length.
    encoded_length = len(_encode(chunks, trailer, signed, "0" * 64, None))
    headers["Content-Length"] = str(encoded_length)
    request = botocore.awsrequest.AWSRequest(method="PUT", url=endpoint + path, data=b"", headers=headers)
    botocore.auth.SigV4Auth(botocore.credentials.Credentials(access_key, secret_key), "s3", REGION).add_auth(request)
    signed_headers = dict(request.headers.items())
    seed = re.search(r"Signature=([0-9a-f]{64})", signed_headers["Authorization"]).group(1)
    amz_date = signed_headers["X-Amz-Date"]
    scope = f"{amz_date[:8]}/{REGION}/s3/aws4_request"
    context = (_signing_key(secret_key, amz_date[:8], REGION), amz_date, scope, seed) if signed else None
    body = _encode(chunks, trailer, signed, seed, context, tamper_chunk)
    assert len(body) == encoded_length
    return send(endpoint, "PUT", path, body=body, headers=signed_headers, ca_bundle=ca_bundle)


def _encode(chunks: list[bytes], trailer: tuple[str, str] | None, signed: bool, seed: str,
            context: tuple[bytes, str, str, str] | None, tamper_chunk: int | None = None) -> bytes:
    previous = seed
    out = b""

    def signature(kind: str, digest: str) -> str:
        nonlocal previous
        if context is None:
            return "0" * 64
        key, amz_date, scope, _ = context
        text = f"AWS4-HMAC-SHA256-{kind}\n{amz_date}\n{scope}\n{previous}\n" + (
            f"{EMPTY_SHA256}\n{digest}" if kind == "PAYLOAD" else digest)
        previous = hmac.new(key, text.encode(), hashlib.sha256).hexdigest()
        return previous

    for index, data in enumerate(chunks + [b""]):
        header = f"{len(data):x}"
        if signed:
            header += ";chunk-signature=" + signature("PAYLOAD", hashlib.sha256(data).hexdigest())
        if index == tamper_chunk and data:
            data = bytes([data[0] ^ 1]) + data[1:]
        out += header.encode() + b"\r\n" + (data + b"\r\n" if data else b"")
    if trailer:
        canonical = f"{trailer[0].lower()}:{trailer[1]}\n"
        out += canonical.replace("\n", "\r\n").encode()
        if signed:
            out += f"x-amz-trailer-signature:{signature('TRAILER', hashlib.sha256(canonical.encode()).hexdigest())}\r\n".encode()
    out += b"\r\n"
    return out
