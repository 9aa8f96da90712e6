"""Lambda set-up and the checks every test repeats: create a function, expect an AWS error."""

from __future__ import annotations

import os
import re
import subprocess

import pytest
from botocore.exceptions import ClientError

from support.packages import hello_zip


def host_python_runtime() -> str:
    """The Python runtime this host serves: that of /usr/bin/python3, for which `make runtimes`
    installs AWS's runtime interface client (a function on a runtime this host cannot serve goes to State Failed).
    `BULWARK_TEST_RUNTIME` overrides it."""
    if os.environ.get("BULWARK_TEST_RUNTIME"):
        return os.environ["BULWARK_TEST_RUNTIME"]
    result = subprocess.run(
        ["/usr/bin/python3", "-c", "import sys; print(f'python{sys.version_info[0]}.{sys.version_info[1]}')"],
        capture_output=True, text=True, check=True,
    )
    return result.stdout.strip()


RUNTIME = host_python_runtime()
HANDLER = "app.handler"
LAST_MODIFIED = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

# AWS's wording (recorded against AWS; see the notes in the tests that use them).
SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)
INVALID_TOKEN = "The security token included in the request is invalid."
REVISION_MISMATCH = (
    "The Revision Id provided does not match the latest Revision Id. "
    "Call the GetFunction/GetAlias API to retrieve the latest Revision Id"
)


def role_arn(account_id: str, name: str = "conformance-role") -> str:
    return f"arn:aws:iam::{account_id}:role/{name}"


def function_arn(account_id: str, name: str, region: str = "us-east-1") -> str:
    return f"arn:aws:lambda:{region}:{account_id}:function:{name}"


def create_function(client, account_id: str, name: str, package: bytes | None = None, *, wait: bool = True,
                    **parameters) -> dict:
    """CreateFunction with the suite's defaults; `parameters` override or add members.

    With `wait` (the default), waits until the function is Active, as a client must (AWS's
    function_active_v2 waiter) before it invokes or changes a new function, and returns its
    configuration then; without, returns CreateFunction's own answer (State Pending)."""
    request = dict(
        FunctionName=name,
        Runtime=RUNTIME,
        Role=role_arn(account_id),
        Handler=HANDLER,
        Code={"ZipFile": package if package is not None else hello_zip(name)},
    )
    request.update(parameters)
    created = client.create_function(**request)
    if not wait:
        return created
    wait_for(client, "function_active_v2", created["FunctionArn"])
    return client.get_function_configuration(FunctionName=created["FunctionArn"])


# Bulwark prepares a function within milliseconds: the suite polls AWS's waiters faster than their
# one-second default so that it stays quick, and no test depends on the timing.
FAST_WAITER = {"Delay": 0.02, "MaxAttempts": 1500}


def wait_for(client, waiter: str, name: str) -> None:
    """Runs one of AWS's Lambda waiters (function_active_v2, function_updated_v2, ...) on `name`."""
    client.get_waiter(waiter).wait(FunctionName=name, WaiterConfig=FAST_WAITER)


def expect_error(call, code: str, status: int, message: str | None = None, *,
                 message_prefix: str | None = None, message_pattern: str | None = None) -> ClientError:
    """Runs `call` and checks that it fails with AWS's code, HTTP status and (optionally) message."""
    with pytest.raises(ClientError) as raised:
        call()
    error = raised.value.response
    got = (error["Error"].get("Code"), error["ResponseMetadata"]["HTTPStatusCode"], error["Error"].get("Message"))
    assert got[:2] == (code, status), f"expected {code} ({status}), got {got}"
    if message is not None:
        assert got[2] == message, f"message: expected {message!r}, got {got[2]!r}"
    if message_prefix is not None:
        assert (got[2] or "").startswith(message_prefix), f"message: expected to start {message_prefix!r}, got {got[2]!r}"
    if message_pattern is not None:
        assert re.fullmatch(message_pattern, got[2] or ""), f"message: expected /{message_pattern}/, got {got[2]!r}"
    return raised.value


def function_names(client, **parameters) -> list[str]:
    """All function names ListFunctions returns, following NextMarker."""
    names, marker = [], None
    while True:
        page = client.list_functions(**parameters, **({"Marker": marker} if marker else {}))
        names += [function["FunctionName"] for function in page["Functions"]]
        marker = page.get("NextMarker")
        if not marker:
            return names
