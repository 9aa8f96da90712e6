"""The edge: the request size limit enforced before the body is read, HTTP/1.1 keep-alive, and TLS.

Lambda's request limit for CreateFunction/UpdateFunctionCode, recorded against AWS in November 2025
(LocalStack TestLambdaSizeLimits::test_oversized_request_create_lambda): 413
RequestEntityTooLargeException "Request must be smaller than 70167211 bytes for the CreateFunction
operation".
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import ssl
import subprocess
import time

import botocore.exceptions
import pytest

from conftest import BulwarkServer
from support.lam import RUNTIME, create_function, expect_error, role_arn
from support.packages import hello_zip
from support.wire import connection, endpoint_parts, exchange, fetch_url, send_oversized, sign

AWS_REQUEST_LIMIT = 70_167_211


def oversized_body(account_id: str, name: str, size: int) -> bytes:
    head = json.dumps({
        "FunctionName": name, "Runtime": RUNTIME, "Handler": "app.handler", "Role": role_arn(account_id),
    })[:-1].encode() + b', "Code": {"ZipFile": "'
    tail = b'"}}'
    return head + b"A" * (size - len(head) - len(tail)) + tail


@pytest.mark.parametrize("operation, method, path", [
    ("CreateFunction", "POST", "/2015-03-31/functions"),
    ("UpdateFunctionCode", "PUT", "/2015-03-31/functions/{name}/code"),
])
def test_request_over_70_mb_is_refused_early_with_413(bulwark, lambda_client, unique_name, operation, method, path):
    if operation == "UpdateFunctionCode":
        create_function(lambda_client, bulwark.account_id, unique_name)
    path = path.format(name=unique_name)
    body = oversized_body(bulwark.account_id, unique_name, 72 * 1024 * 1024)
    if operation == "UpdateFunctionCode":
        body = b'{"ZipFile": "' + b"A" * (len(body) - 16) + b'"}'
    key, secret = bulwark.admin_key
    headers = sign(bulwark.endpoint, method, path, key, secret, body=body, headers={"Content-Type": "application/json"})

    started = time.monotonic()
    answer = send_oversized(bulwark.endpoint, method, path, headers, body)
    elapsed = time.monotonic() - started

    assert answer.status == 413, answer.body[:300]
    assert answer.error_type == "RequestEntityTooLargeException"
    assert (answer.json.get("message") or answer.json.get("Message")) == (
        f"Request must be smaller than {AWS_REQUEST_LIMIT} bytes for the {operation} operation"
    )
    assert elapsed < 20, f"the refusal took {elapsed:.1f}s"
    events = [event for event in bulwark.trail_events() if event.get("requestID") == answer.request_id]
    assert len(events) == 1 and events[0]["errorCode"] == "RequestEntityTooLargeException"
    if operation == "CreateFunction":
        expect_error(lambda: lambda_client.get_function(FunctionName=unique_name), "ResourceNotFoundException", 404)


def test_several_requests_share_one_connection(bulwark, lambda_client, unique_name):
    create_function(lambda_client, bulwark.account_id, unique_name)
    key, secret = bulwark.admin_key
    conn = connection(bulwark.endpoint)
    conn.connect()
    local_address = conn.sock.getsockname()
    requests = [
        ("GET", "/2015-03-31/functions/?MaxItems=1", 200),
        ("GET", f"/2015-03-31/functions/{unique_name}", 200),
        ("GET", f"/2015-03-31/functions/{unique_name}-missing", 404),
        ("GET", "/2016-08-19/account-settings/", 200),
        ("PUT", f"/2015-03-31/functions/{unique_name}/configuration", 200),
        ("GET", f"/2015-03-31/functions/{unique_name}/configuration", 200),
    ]
    try:
        for method, path, status in requests:
            body = json.dumps({"Timeout": 11}).encode() if method == "PUT" else b""
            answer = exchange(conn, method, path, body, sign(bulwark.endpoint, method, path, key, secret, body=body))
            assert answer.status == status, (path, answer.status, answer.body[:200])
            assert answer.headers.get("connection", "").lower() != "close", path
            assert conn.sock is not None, f"the server closed the connection after {path}"
            assert conn.sock.getsockname() == local_address, f"a new connection was opened for {path}"
    finally:
        conn.close()
    assert lambda_client.get_function_configuration(FunctionName=unique_name)["Timeout"] == 11


# -- TLS ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    server = BulwarkServer(tmp_path_factory.mktemp("tls-data"), ["--tls", "self-signed"]).start()
    try:
        yield server
    finally:
        server.stop()


def test_self_signed_tls_prints_a_ca_bundle(tls_server):
    assert tls_server.endpoint.startswith("https://")
    bundle = tls_server.exports["AWS_CA_BUNDLE"]
    with open(bundle) as handle:
        assert "-----BEGIN CERTIFICATE-----" in handle.read()


def test_boto3_works_over_tls_with_the_ca_bundle(tls_server):
    client = tls_server.client("lambda", verify=tls_server.exports["AWS_CA_BUNDLE"])
    package = hello_zip("tls")
    create_function(client, tls_server.account_id, "over-tls", package)

    location = client.get_function(FunctionName="over-tls")["Code"]["Location"]

    assert location.startswith("https://")
    download = fetch_url(location, ca_bundle=tls_server.exports["AWS_CA_BUNDLE"])
    assert download.status == 200 and download.body == package


def test_the_cli_works_over_tls_with_aws_ca_bundle(tls_server):
    assert "Functions" in tls_server.aws("lambda", "list-functions").json


def test_without_the_ca_bundle_the_certificate_is_not_trusted(tls_server):
    client = tls_server.client("lambda", verify=True)
    with pytest.raises(botocore.exceptions.SSLError):
        client.list_functions()


def test_plain_http_to_the_tls_port_fails(tls_server):
    _, host, port = endpoint_parts(tls_server.endpoint)
    conn = http.client.HTTPConnection(host, port, timeout=5)
    try:
        conn.request("GET", "/2015-03-31/functions/")
        response = conn.getresponse()
        status, body = response.status, response.read()
    except (OSError, http.client.HTTPException):
        return  # refused at the TLS layer: the expected outcome
    finally:
        conn.close()
    assert status >= 400 and b"Functions" not in body


def test_tls_below_1_2_is_refused(tls_server):
    _, host, port = endpoint_parts(tls_server.endpoint)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        context.minimum_version = ssl.TLSVersion.TLSv1
        context.maximum_version = ssl.TLSVersion.TLSv1_1
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
    except (ValueError, ssl.SSLError):
        pytest.skip("this Python cannot offer TLS 1.1")

    with socket.create_connection((host, port), timeout=5) as raw:
        try:
            with context.wrap_socket(raw) as tls:
                version = tls.version()
        except ssl.SSLError as error:
            if "NO_PROTOCOLS_AVAILABLE" in str(error).upper():
                pytest.skip("this OpenSSL cannot offer TLS 1.1")
            return  # the server refused the handshake
        except (ConnectionResetError, OSError):
            return
    pytest.fail(f"the server accepted {version}")


def test_tls_requests_are_audited_with_their_tls_version(tls_server):
    client = tls_server.client("lambda", verify=tls_server.exports["AWS_CA_BUNDLE"])
    rid = client.get_account_settings()["ResponseMetadata"]["RequestId"]
    events = [event for event in tls_server.trail_events() if event.get("requestID") == rid]
    assert len(events) == 1
    assert events[0]["tlsDetails"]["tlsVersion"] in ("TLSv1.2", "TLSv1.3"), events[0]["tlsDetails"]


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_operator_certificate_and_key(fresh_bulwark, tmp_path):
    certificate, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run([
        "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", str(key), "-out", str(certificate), "-days", "2", "-subj", "/CN=127.0.0.1",
        "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
    ], check=True, capture_output=True)
    # The suite's clients trust only the self-signed certificates Bulwark prints; no roles are needed here.
    server = fresh_bulwark(["--tls-cert", str(certificate), "--tls-key", str(key)], execution_roles=False).start()

    assert server.endpoint.startswith("https://")
    client = server.client("lambda", verify=str(certificate))
    assert client.list_functions()["Functions"] == []


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="reads CPU time from /proc")
def test_an_idle_server_does_not_spin(fresh_bulwark):
    """With nothing to do, the server sleeps: it must not poll its store or spin a loop."""
    server = fresh_bulwark().start()
    # The sandbox staging runs after the server answers (decision 0023); a new function becomes Active only once
    # it is done, so the measurement starts with nothing left to do.
    create_function(server.client("lambda"), server.account_id, "idle-probe")
    time.sleep(1)

    def cpu_seconds() -> float:
        fields = open(f"/proc/{server.process.pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime

    before = cpu_seconds()
    time.sleep(5)
    used = cpu_seconds() - before
    assert used < 0.5, f"the idle server used {used:.2f}s of CPU in 5s"


def raw_exchange(endpoint: str, payload: bytes) -> tuple[int, dict[str, str], bytes]:
    """Sends bytes no HTTP client would send and reads the answer until the server closes."""
    _, host, port = endpoint_parts(endpoint)
    with socket.create_connection((host, port), timeout=10) as raw:
        try:
            raw.sendall(payload)
        except OSError:
            pass  # the server may answer and close before it has read everything
        data = b""
        try:
            while chunk := raw.recv(65536):
                data += chunk
        except ConnectionResetError:
            pass
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


@pytest.mark.parametrize("payload, code", [
    (b"GARBAGE\r\n\r\n", "BadRequestException"),
    (b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200_000 + b"\r\n\r\n", "RequestHeaderSectionTooLarge"),
    (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "BadRequestException"),
], ids=["bad request line", "oversized headers", "transfer-encoding with content-length"])
def test_requests_the_http_layer_refuses_are_answered_in_aws_shape_and_audited(bulwark, payload, code):
    status, headers, body = raw_exchange(bulwark.endpoint, payload)
    assert status == 400
    assert headers["x-amzn-errortype"] == code
    assert headers["connection"] == "close"
    message = json.loads(body)["message"]
    request_id = headers["x-amzn-requestid"]
    deadline = time.monotonic() + 10
    while not (events := [e for e in bulwark.trail_events() if e.get("requestID") == request_id]) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(events) == 1
    event = events[0]
    assert (event["errorCode"], event["errorMessage"], event["eventName"]) == (code, message, "UnknownOperation")
    assert event["sourceIPAddress"] == "127.0.0.1"
    assert event["userIdentity"] == {"type": "Unknown"}
