"""Functions that run: their sources (python/, provided/, nodejs/), zips of them, and the checks the
execution tests share — invoking, reading a function's log, waiting, and watching sandbox processes.
"""

from __future__ import annotations

import base64
import io
import json
import os
import shutil
import subprocess
import time
import zipfile
from pathlib import Path
from urllib.parse import unquote

from botocore.exceptions import ClientError

from support.lam import wait_for as run_waiter

SOURCES = Path(__file__).resolve().parent


def _host_python_runtime() -> str:
    """`python3.X` of the host's /usr/bin/python3: the one `make runtimes` installs awslambdaric for."""
    try:
        version = subprocess.run(
            ["/usr/bin/python3", "-c", "import sys;print(f'{sys.version_info[0]}.{sys.version_info[1]}')"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "python3.11"
    return f"python{version}"


def _host_node_runtime() -> str | None:
    """`nodejsN.x` of the host's Node.js, or None without one."""
    node = shutil.which("node")
    if node is None:
        return None
    version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()
    return f"nodejs{version.lstrip('v').split('.')[0]}.x" if version else None


PYTHON_RUNTIME = _host_python_runtime()
NODE_RUNTIME = _host_node_runtime()


# -- deployment packages --------------------------------------------------------------------------

def zip_of(files: dict[str, bytes | str], executables: tuple[str, ...] = ()) -> bytes:
    """A deflated zip of name → content; `executables` get mode 0755, the rest 0644."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.create_system = 3
            info.external_attr = (0o100755 if name in executables else 0o100644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return buffer.getvalue()


def source(relative: str) -> str:
    return (SOURCES / relative).read_text()


def python_zip(source_file: str = "echo.py", module: str = "app", extra: dict[str, str] | None = None) -> bytes:
    """python/<source_file> as <module>.py (handler `<module>.handler`), plus `extra` files."""
    return zip_of({f"{module}.py": source(f"python/{source_file}"), **(extra or {})})


# What `make runtimes` installs from conformance/function-requirements.txt (aws-lambda-powertools).
FUNCTION_PACKAGES = Path(os.environ.get("BULWARK_RUNTIMES_DIR", SOURCES.parents[2] / ".runtimes")) / "function-packages"


def python_zip_with_packages(source_file: str, module: str = "app") -> bytes:
    """python/<source_file> as <module>.py with the libraries of conformance/function-requirements.txt
    beside it, at the zip's root as `pip install --target` lays them in a deployment package."""
    if not (FUNCTION_PACKAGES / ".installed").exists():
        raise AssertionError(f"{FUNCTION_PACKAGES} is not installed: run `make runtimes`")
    files: dict[str, bytes | str] = {}
    for path in sorted(FUNCTION_PACKAGES.rglob("*")):
        relative = path.relative_to(FUNCTION_PACKAGES)
        if path.is_file() and relative.parts[0] not in ("bin", ".installed") and "__pycache__" not in relative.parts:
            files[relative.as_posix()] = path.read_bytes()
    files[f"{module}.py"] = source(f"python/{source_file}")
    return zip_of(files)


def provided_zip(script: str = "bootstrap.sh") -> bytes:
    """provided/<script> as the executable `bootstrap` of a custom runtime."""
    return zip_of({"bootstrap": source(f"provided/{script}")}, executables=("bootstrap",))


def node_zip() -> bytes:
    return zip_of({name: source(f"nodejs/{name}") for name in ("index.mjs", "legacy.cjs")})


def line_of(relative: str, text: str) -> int:
    """The 1-based line of `text` in a source file (for stack traces)."""
    for number, line in enumerate(source(relative).splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} is not in {relative}")


# -- functions ------------------------------------------------------------------------------------

def role_arn(account_id: str) -> str:
    return f"arn:aws:iam::{account_id}:role/execution-tests"


def wait_until_ready(client, name: str) -> dict:
    """Waits for State Active and LastUpdateStatus Successful with AWS's waiters, as clients do
    after create and update."""
    run_waiter(client, "function_active_v2", name)
    run_waiter(client, "function_updated_v2", name)
    return client.get_function_configuration(FunctionName=name)


def create(server, name: str, package: bytes | None = None, *, runtime: str | None = None,
           handler: str = "app.handler", **parameters) -> dict:
    """CreateFunction (python echo by default), waiting until it can be invoked."""
    client = server.client("lambda")
    client.create_function(
        FunctionName=name,
        Runtime=runtime or PYTHON_RUNTIME,
        Role=role_arn(server.account_id),
        Handler=handler,
        Code={"ZipFile": package if package is not None else python_zip()},
        **parameters,
    )
    return wait_until_ready(client, name)


class Invocation:
    """An Invoke's answer: status, headers that matter, and the payload (raw and parsed)."""

    def __init__(self, response: dict):
        self.status = response["StatusCode"]
        self.function_error = response.get("FunctionError")
        self.executed_version = response.get("ExecutedVersion")
        self.log_result = response.get("LogResult")
        self.request_id = response["ResponseMetadata"]["RequestId"]
        self.headers = response["ResponseMetadata"]["HTTPHeaders"]
        self.raw = response["Payload"].read() if "Payload" in response else b""

    @property
    def json(self):
        return json.loads(self.raw)

    @property
    def log(self) -> str:
        assert self.log_result is not None, "no LogResult in the answer"
        return base64.b64decode(self.log_result).decode("utf-8", errors="replace")

    def __repr__(self) -> str:
        return f"Invocation({self.status}, error={self.function_error}, payload={self.raw[:300]!r})"


def invoke(client, name: str, payload=None, *, raw: bytes | None = None, **parameters) -> Invocation:
    """Invoke with a JSON-encoded `payload` (or `raw` bytes)."""
    if raw is None and payload is not None:
        raw = json.dumps(payload).encode()
    if raw is not None:
        parameters["Payload"] = raw
    return Invocation(client.invoke(FunctionName=name, **parameters))


def error_of(call) -> ClientError:
    """The ClientError `call` raises (fails the test if it succeeds)."""
    try:
        call()
    except ClientError as error:
        return error
    raise AssertionError("the call succeeded; an error was expected")


# -- logs -----------------------------------------------------------------------------------------

def log_streams(server, name: str) -> dict[str, list[dict]]:
    """Stream name → events ({"timestamp", "message"}) of /aws/lambda/<name> in the server's data dir."""
    root = server.data_dir / "logs"
    group = f"/aws/lambda/{name}"
    streams: dict[str, list[dict]] = {}
    if not root.is_dir():
        return streams
    for directory in root.iterdir():
        if unquote(directory.name) != group:
            continue
        for file in directory.glob("*.jsonl"):
            events = []
            for line in file.read_text().splitlines():
                if line.strip():
                    try:
                        events.append(json.loads(line))
                    except json.JSONDecodeError:
                        pass  # a line being written right now
            streams[unquote(file.name[: -len(".jsonl")])] = events
    return streams


def log_messages(server, name: str) -> list[str]:
    """Every message of the function's log group, in time order."""
    events = [event for stream in log_streams(server, name).values() for event in stream]
    return [event["message"] for event in sorted(events, key=lambda event: event["timestamp"])]


def wait_for(condition, timeout: float, interval: float = 0.2, message: str = "condition"):
    """Polls `condition` until it returns something truthy; returns it, or fails after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {message}")
        time.sleep(interval)


def starts(server, name: str, request_id: str) -> int:
    """How many invocation attempts with this request id the log shows."""
    return sum(1 for message in log_messages(server, name) if message.startswith(f"START RequestId: {request_id} "))


def ends(server, name: str, request_id: str) -> int:
    return sum(1 for message in log_messages(server, name) if message == f"END RequestId: {request_id}")
