"""Raw HTTP against the server, for what boto3 and the CLI never send: unsigned requests, requests
signed at another time, bodies larger than Lambda accepts, several requests on one connection.

Signing uses botocore's own SigV4 signer, so a signature error means the server disagrees with AWS's
reference client, not with a signer of ours.
"""

from __future__ import annotations

import datetime
import http.client
import json
import select
import socket
import ssl
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from unittest import mock
from urllib.parse import urlsplit

import botocore.auth
import botocore.awsrequest
import botocore.credentials

REGION = "us-east-1"


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def json(self):
        return json.loads(self.body) if self.body else None

    @property
    def error_type(self) -> str | None:
        """The error code as botocore reads it from `x-amzn-ErrorType` (the part before any ':')."""
        value = self.headers.get("x-amzn-errortype")
        return value.split(":")[0] if value else None

    @property
    def request_id(self) -> str | None:
        return self.headers.get("x-amzn-requestid")


def endpoint_parts(endpoint: str) -> tuple[str, str, int]:
    parts = urlsplit(endpoint)
    return parts.scheme, parts.hostname or "127.0.0.1", parts.port or (443 if parts.scheme == "https" else 80)


@contextmanager
def signing_clock(moment: datetime.datetime):
    """Makes botocore sign as if it were `moment` (naive UTC), for boto3 clients and `sign` alike."""
    with mock.patch("botocore.auth.get_current_datetime", return_value=moment):
        yield


def utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def sign(endpoint: str, method: str, path: str, access_key: str, secret_key: str, *, body: bytes = b"",
         headers: dict[str, str] | None = None, session_token: str | None = None,
         region: str = REGION, service: str = "lambda") -> dict[str, str]:
    """The headers of a SigV4-signed request (`path` may carry a query string)."""
    request = botocore.awsrequest.AWSRequest(method=method, url=endpoint + path, data=body, headers=dict(headers or {}))
    credentials = botocore.credentials.Credentials(access_key, secret_key, session_token)
    botocore.auth.SigV4Auth(credentials, service, region).add_auth(request)
    return dict(request.headers.items())


def connection(endpoint: str, timeout: float = 30, ca_bundle: str | None = None) -> http.client.HTTPConnection:
    scheme, host, port = endpoint_parts(endpoint)
    if scheme == "https":
        context = ssl.create_default_context(cafile=ca_bundle)
        return http.client.HTTPSConnection(host, port, timeout=timeout, context=context)
    return http.client.HTTPConnection(host, port, timeout=timeout)


def exchange(conn: http.client.HTTPConnection, method: str, path: str, body: bytes = b"",
             headers: dict[str, str] | None = None) -> Answer:
    conn.request(method, path, body=body or None, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, data)


def send(endpoint: str, method: str, path: str, *, body: bytes = b"", headers: dict[str, str] | None = None,
         ca_bundle: str | None = None) -> Answer:
    """One request on a fresh connection."""
    conn = connection(endpoint, ca_bundle=ca_bundle)
    try:
        return exchange(conn, method, path, body, headers)
    finally:
        conn.close()


def send_signed(endpoint: str, method: str, path: str, access_key: str, secret_key: str, *, body: bytes = b"",
                headers: dict[str, str] | None = None, ca_bundle: str | None = None, **signing) -> Answer:
    signed = sign(endpoint, method, path, access_key, secret_key, body=body, headers=headers, **signing)
    return send(endpoint, method, path, body=body, headers=signed, ca_bundle=ca_bundle)


def fetch_url(url: str, ca_bundle: str | None = None) -> Answer:
    """A plain GET with urllib (as a user downloads Code.Location); HTTP errors are answers too."""
    context = ssl.create_default_context(cafile=ca_bundle) if url.startswith("https") else None
    try:
        with urllib.request.urlopen(url, timeout=30, context=context) as response:
            return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())


def send_oversized(endpoint: str, method: str, path: str, headers: dict[str, str], body: bytes,
                   timeout: float = 30) -> Answer:
    """Sends `body` (with its true Content-Length) only as fast as the server reads it, and stops as
    soon as the server answers — a server that refuses early must not make the test wait or hang."""
    _, host, port = endpoint_parts(endpoint)
    head = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", f"Content-Length: {len(body)}"]
    head += [f"{name}: {value}" for name, value in headers.items() if name.lower() not in ("host", "content-length")]
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        sent = 0
        chunk = 1 << 20
        while sent < len(body):
            readable, writable, _ = select.select([sock], [sock], [], timeout)
            if readable:
                break  # the server has answered (or closed) before taking the whole body
            if not writable:
                raise TimeoutError("the server neither read the body nor answered")
            try:
                sent += sock.send(body[sent:sent + chunk])
            except (BrokenPipeError, ConnectionResetError):
                break
        return _read_response(sock, timeout)


def _read_response(sock: socket.socket, timeout: float) -> Answer:
    sock.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        try:
            piece = sock.recv(65536)
        except ConnectionResetError:
            piece = b""
        if not piece:
            raise ConnectionError(f"no HTTP answer (got {data[:200]!r})")
        data += piece
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        piece = sock.recv(65536)
        if not piece:
            break
        rest += piece
    return Answer(status, headers, rest[:length])
