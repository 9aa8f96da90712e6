"""Captures PutObject requests exactly as botocore sends them (signed by botocore's own S3SigV4Auth, the body
encoded by botocore.httpchecksum.AwsChunkedWrapper), for AWSChunkedBotocoreTests.

    .venv/bin/python Tests/AWSWireTests/Fixtures/aws-chunked/generate.py

Writes one JSON file per case: method, path, query, headers (as sent), body (base64), payload SHA-256.
"""

import base64
import hashlib
import json
import pathlib
import random

import boto3
from botocore.config import Config

HERE = pathlib.Path(__file__).parent
KEY_ID, SECRET = "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


class Captured(Exception):
    pass


def capture(name, payload, algorithm):
    client = boto3.client(
        "s3", region_name="us-east-1", endpoint_url="https://localhost:4566", aws_access_key_id=KEY_ID,
        aws_secret_access_key=SECRET,
        config=Config(s3={"addressing_style": "path"}, request_checksum_calculation="when_supported"),
    )
    seen = {}

    def before_send(request, **kwargs):
        body = request.body
        data = body.read() if hasattr(body, "read") else (body or b"")
        seen["request"] = request
        seen["body"] = data if isinstance(data, bytes) else data.encode()
        raise Captured()

    client.meta.events.register("before-send.s3.PutObject", before_send)
    # Over HTTPS botocore sends the checksum in an aws-chunked trailer (STREAMING-UNSIGNED-PAYLOAD-TRAILER).
    try:
        client.put_object(Bucket="bucket", Key="dir/a key.bin", Body=payload, ChecksumAlgorithm=algorithm)
    except Captured:
        pass
    request, body = seen["request"], seen["body"]
    url = request.url.split("://", 1)[1]
    host, _, rest = url.partition("/")
    path, _, query = ("/" + rest).partition("?")
    headers = [[k, v.decode() if isinstance(v, bytes) else v] for k, v in request.headers.items()]
    if not any(k.lower() == "host" for k, _ in headers):
        headers.append(["Host", host])
    (HERE / f"{name}.json").write_text(json.dumps({
        "method": request.method, "path": path, "query": query, "headers": headers,
        "body": base64.b64encode(body).decode(), "payloadSHA256": hashlib.sha256(payload).hexdigest(),
    }, indent=1) + "\n")


rng = random.Random(12)
for algorithm in ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"]:
    try:
        capture(f"put-{algorithm.lower()}", bytes(rng.randrange(256) for _ in range(20_000)), algorithm)
    except Exception as error:  # an algorithm this botocore cannot compute without awscrt
        print(algorithm, "skipped:", error)
