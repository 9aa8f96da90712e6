#!/usr/bin/env python3
"""Signs realistic Lambda, IAM and STS requests with botocore and writes them to signed-requests.json.

The Swift tests (SigV4BotocoreTests) check that Bulwark's verifier accepts every request exactly as
botocore put it on the wire, rebuilds the same canonical request and string to sign, and refuses
every one-byte mutation of what the signature covers.

Requests go through botocore's own clients (serializers, SigV4Auth, SigV4QueryAuth) with fixed
credentials and a fixed clock; a `before-send` hook captures each request and stops it, so nothing
leaves the machine. A few requests are built by hand to reach shapes the APIs never produce
(repeated query keys, repeated headers, un-normalized paths).

Run:  python3 generate.py > signed-requests.json
"""

import base64
import datetime
import json
import logging
import sys
import uuid
from unittest import mock

import botocore
import botocore.auth
import botocore.session
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.utils import percent_encode_sequence

NOW = datetime.datetime(2026, 11, 25, 12, 0, 0, tzinfo=datetime.timezone.utc)
TIMESTAMP = NOW.strftime("%Y%m%dT%H%M%SZ")
LONG_TERM = {
    "access_key_id": "AKIAIOSFODNN7EXAMPLE",
    "secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
}
TEMPORARY = {
    "access_key_id": "ASIAIOSFODNN7EXAMPLE",
    "secret_access_key": "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
    "token": "IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+example/token==",
}
LOCAL = "http://localhost:4566"
ARN = "arn:aws:lambda:us-east-1:123456789012:function:my-function"


class CanonicalCapture(logging.Handler):
    """Keeps the canonical request and string to sign that botocore logs while signing."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.canonical_request = None
        self.string_to_sign = None

    def emit(self, record):
        message = record.getMessage()
        if message.startswith("CanonicalRequest:\n"):
            self.canonical_request = message[len("CanonicalRequest:\n"):]
        elif message.startswith("StringToSign:\n"):
            self.string_to_sign = message[len("StringToSign:\n"):]


class Captured(Exception):
    def __init__(self, request):
        self.request = request


def host_of(url):
    return botocore.auth._host_from_url(url)


def split_url(url):
    parts = botocore.compat.urlsplit(url)
    return parts.path or "/", parts.query


def record(name, description, service, region, credentials, method, url, headers, body, capture, presigned=False, expires=None):
    path, query = split_url(url)
    # Prepared requests hold some values as bytes; on the wire they are the same characters.
    header_list = [[k, v.decode("utf-8") if isinstance(v, bytes) else v] for k, v in headers]
    if not any(k.lower() == "host" for k, _ in header_list):
        header_list.insert(0, ["Host", host_of(url)])
    if isinstance(body, str):
        body = body.encode("utf-8")
    body = body or b""
    if presigned:
        signature = dict(pair.split("=", 1) for pair in query.split("&"))["X-Amz-Signature"]
    else:
        authorization = dict((k.lower(), v) for k, v in header_list)["authorization"]
        signature = authorization.rsplit("Signature=", 1)[1]
    case = {
        "name": name,
        "description": description,
        "service": service,
        "region": region,
        "timestamp": TIMESTAMP,
        "credentials": credentials,
        "presigned": presigned,
        "request": {
            "method": method,
            "path": path,
            "query": query,
            "headers": header_list,
            "body_base64": base64.b64encode(body).decode("ascii"),
        },
        "canonical_request": capture.canonical_request,
        "string_to_sign": capture.string_to_sign,
        "signature": signature,
    }
    if expires is not None:
        case["expires"] = expires
    return case


def client(service, credentials, region="us-east-1", endpoint=LOCAL):
    session = botocore.session.get_session()
    made = session.create_client(
        service,
        region_name=region,
        endpoint_url=endpoint,
        aws_access_key_id=credentials["access_key_id"],
        aws_secret_access_key=credentials["secret_access_key"],
        aws_session_token=credentials.get("token"),
        config=botocore.config.Config(retries={"max_attempts": 1}, parameter_validation=True),
    )

    def stop(request, **_):
        raise Captured(request)

    made.meta.events.register("before-send", stop)
    return made


def through_client(name, description, service, credentials, operation, params, region="us-east-1", endpoint=LOCAL):
    capture = CanonicalCapture()
    logger = logging.getLogger("botocore.auth")
    logger.addHandler(capture)
    try:
        made = client(service, credentials, region, endpoint)
        try:
            getattr(made, operation)(**params)
        except Captured as captured:
            request = captured.request
        else:
            raise RuntimeError(f"{name}: the request was not captured")
    finally:
        logger.removeHandler(capture)
    signing_name = made.meta.service_model.signing_name
    return record(
        name, description, signing_name, region, credentials,
        request.method, request.url, list(request.headers.items()), request.body, capture,
    )


def presigned_through_client(name, description, service, credentials, operation, params, expires, region="us-east-1"):
    capture = CanonicalCapture()
    logger = logging.getLogger("botocore.auth")
    logger.addHandler(capture)
    try:
        made = client(service, credentials, region)
        # GET, as EKS tokens and download links are used; botocore would otherwise sign the
        # operation's own method (POST for the query protocol).
        url = made.generate_presigned_url(operation, Params=params, ExpiresIn=expires, HttpMethod="GET")
    finally:
        logger.removeHandler(capture)
    signing_name = made.meta.service_model.signing_name
    return record(name, description, signing_name, region, credentials, "GET", url, [], b"", capture, presigned=True, expires=expires)


def by_hand(name, description, service, credentials, method, url, headers, body=b"", presign_expires=None, region="us-east-1"):
    capture = CanonicalCapture()
    logger = logging.getLogger("botocore.auth")
    logger.addHandler(capture)
    try:
        request = AWSRequest(method=method, url=url, data=body)
        for key, value in headers:
            request.headers[key] = value  # HTTPHeaders appends: repeated names stay repeated
        signer_credentials = Credentials(credentials["access_key_id"], credentials["secret_access_key"], credentials.get("token"))
        if presign_expires is None:
            botocore.auth.SigV4Auth(signer_credentials, service, region).add_auth(request)
        else:
            botocore.auth.SigV4QueryAuth(signer_credentials, service, region, expires=presign_expires).add_auth(request)
    finally:
        logger.removeHandler(capture)
    return record(
        name, description, service, region, credentials, method, request.url, list(request.headers.items()),
        body, capture, presigned=presign_expires is not None, expires=presign_expires,
    )


def cases():
    yield through_client(
        "lambda-list-functions", "GET with a query (marker with a space and a slash)", "lambda", LONG_TERM,
        "list_functions", {"MaxItems": 10, "Marker": "page two/next", "FunctionVersion": "ALL"},
    )
    yield through_client(
        "lambda-get-function-by-arn", "function ARN in the path: ':' is sent as %3A and signed as %253A", "lambda", LONG_TERM,
        "get_function", {"FunctionName": ARN, "Qualifier": "$LATEST"},
    )
    yield through_client(
        "lambda-invoke-json", "JSON payload, invocation headers, base64 client context", "lambda", LONG_TERM,
        "invoke", {
            "FunctionName": "my-function", "InvocationType": "RequestResponse", "LogType": "Tail",
            "ClientContext": base64.b64encode(b'{"custom": {"a": 1}}').decode(),
            "Payload": json.dumps({"key": "value", "numbers": [1, 2, 3], "text": "caf\u00e9 \u2603"}).encode(),
        },
    )
    yield through_client(
        "lambda-invoke-session-token", "temporary credentials: X-Amz-Security-Token is signed", "lambda", TEMPORARY,
        "invoke", {"FunctionName": ARN + ":prod", "Payload": b'{"ping": true}'},
    )
    yield through_client(
        "lambda-create-function", "JSON body with a base64 zip, environment and tags", "lambda", LONG_TERM,
        "create_function", {
            "FunctionName": "my-function", "Runtime": "python3.12", "Role": "arn:aws:iam::123456789012:role/lambda-role",
            "Handler": "app.handler", "Code": {"ZipFile": b"PK\x03\x04 not really a zip"},
            "Environment": {"Variables": {"GREETING": "hello, world", "EMPTY": ""}}, "Tags": {"team": "a b+c"},
        },
    )
    yield through_client(
        "lambda-add-permission", "POST to a path with an ARN and a qualifier in the query", "lambda", LONG_TERM,
        "add_permission", {
            "FunctionName": ARN, "StatementId": "allow-s3", "Action": "lambda:InvokeFunction",
            "Principal": "s3.amazonaws.com", "SourceArn": "arn:aws:s3:::my-bucket", "Qualifier": "1",
        },
    )
    yield through_client(
        "lambda-list-tags", "ARN as the whole last path segment", "lambda", LONG_TERM,
        "list_tags", {"Resource": ARN},
    )
    yield through_client(
        "lambda-delete-function-https", "HTTPS endpoint of another region", "lambda", LONG_TERM,
        "delete_function", {"FunctionName": "arn:aws:lambda:eu-west-1:123456789012:function:f", "Qualifier": "7"},
        region="eu-west-1", endpoint="https://lambda.eu-west-1.amazonaws.com",
    )
    yield through_client(
        "iam-create-user", "query protocol: form body with a path and tags", "iam", LONG_TERM,
        "create_user", {"UserName": "alice", "Path": "/division_abc/subdivision_xyz/", "Tags": [{"Key": "team", "Value": "a b+c"}]},
    )
    yield through_client(
        "iam-put-user-policy", "form body carrying a JSON policy document", "iam", LONG_TERM,
        "put_user_policy", {
            "UserName": "alice", "PolicyName": "read-only",
            "PolicyDocument": json.dumps({
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": ["lambda:Get*", "lambda:List*"], "Resource": "*"}],
            }),
        },
    )
    yield through_client(
        "iam-list-users-session-token", "query protocol with temporary credentials", "iam", TEMPORARY,
        "list_users", {"PathPrefix": "/division_abc/", "MaxItems": 5},
    )
    yield through_client(
        "sts-get-caller-identity", "the first call of every tool", "sts", TEMPORARY,
        "get_caller_identity", {},
    )
    yield through_client(
        "sts-assume-role", "AssumeRole with a session policy", "sts", LONG_TERM,
        "assume_role", {
            "RoleArn": "arn:aws:iam::123456789012:role/deploy", "RoleSessionName": "ci@example.com",
            "DurationSeconds": 900, "Policy": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
        },
    )
    pairs = [("tag", "b"), ("tag", "a c"), ("Marker", ""), ("caf\u00e9", "cr\u00e8me br\u00fbl\u00e9e"), ("plus", "1+1=2"), ("tag", "a")]
    yield by_hand(
        "by-hand-repeated-query-keys", "repeated keys sorted by value, spaces, UTF-8, '+' and '=' in values", "lambda", LONG_TERM,
        "GET", f"{LOCAL}/2015-03-31/functions/?{percent_encode_sequence(pairs)}", [],
    )
    yield by_hand(
        "by-hand-repeated-headers", "repeated header names joined with ',', inner spaces folded", "lambda", LONG_TERM,
        "POST", f"{LOCAL}/2015-03-31/functions/my-function/invocations",
        [("X-Amz-Meta-Note", "  several   spaces  here "), ("X-Custom", "first"), ("X-Custom", "second"),
         ("Content-Type", "application/json")],
        body=b'{"a": 1}',
    )
    yield by_hand(
        "by-hand-date-header", "a Date header instead of X-Amz-Date (botocore writes it with a -0000 zone)", "lambda", LONG_TERM,
        "GET", f"{LOCAL}/2015-03-31/functions/my-function", [("Date", "Thu, 01 Jan 1970 00:00:00 GMT")],
    )
    yield by_hand(
        "by-hand-unnormalized-path", "dot segments and double slashes are signed normalized", "lambda", LONG_TERM,
        "GET", f"{LOCAL}/2015-03-31//functions/./my-function/../my-function/configuration", [],
    )
    yield by_hand(
        "presign-lambda-get-function", "SigV4QueryAuth on a Lambda GET with an ARN path", "lambda", LONG_TERM,
        "GET", f"{LOCAL}/2015-03-31/functions/{percent_encode_sequence([('x', ARN)])[2:]}?Qualifier=1", [],
        presign_expires=900,
    )
    yield presigned_through_client(
        "presign-sts-get-caller-identity", "the presigned GetCallerIdentity URL that EKS-style tokens carry", "sts", TEMPORARY,
        "get_caller_identity", {}, 900,
    )
    yield presigned_through_client(
        "presign-iam-list-users", "presigned query protocol with operation parameters", "iam", LONG_TERM,
        "list_users", {"PathPrefix": "/a b/"}, 3600,
    )


def main():
    logging.getLogger("botocore.auth").setLevel(logging.DEBUG)
    # A fixed clock and fixed invocation ids make the output reproducible, except for the unsigned
    # User-Agent, which names the machine and lists its features in no fixed order.
    invocation_ids = (uuid.UUID(int=n) for n in range(1, 1000))
    with mock.patch("botocore.auth.get_current_datetime", return_value=NOW.replace(tzinfo=None)), \
            mock.patch("uuid.uuid4", side_effect=lambda: next(invocation_ids)):
        generated = list(cases())
    json.dump(
        {"generator": "generate.py", "botocore_version": botocore.__version__, "cases": generated},
        sys.stdout, indent=2, ensure_ascii=False,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
