"""The conformance fixture: a real `bulwark serve` on an ephemeral port with a fresh data dir.

Tests speak to it only through real clients — boto3 and the `aws` CLI — as a user would.
Every later issue reuses these fixtures.
"""

from __future__ import annotations

import configparser
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import boto3
import botocore.config
import pytest

REPO = Path(__file__).resolve().parent.parent
BULWARK_BIN = os.environ.get("BULWARK_BIN", str(REPO / ".build" / "debug" / "bulwark"))
RUNTIMES_DIR = os.environ.get("BULWARK_RUNTIMES_DIR", str(REPO / ".runtimes"))
REGION = "us-east-1"
LISTENING = re.compile(r"Bulwark is listening on (\S+)")
# The execution roles every server of the suite has (role_arn of support.lam and support.functions).
EXECUTION_ROLES = ("conformance-role", "hello-role", "execution-tests")
TRUST_LAMBDA = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
BASIC_EXECUTION_POLICY = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"


def _die_with_the_test_run() -> None:
    """Runs in the child before exec: if pytest dies (Ctrl-C, a CI timeout), the server dies too,
    instead of lingering with a data directory that pytest is about to delete."""
    import ctypes

    PR_SET_PDEATHSIG = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


class BulwarkServer:
    """One `bulwark serve` process over a data directory that outlives restarts."""

    def __init__(self, data_dir: Path, extra_args: list[str] | None = None, env: dict[str, str] | None = None,
                 execution_roles: bool = True):
        self.data_dir = data_dir
        self.execution_roles = execution_roles
        self.extra_args = extra_args or []
        self.extra_env = env or {}
        self.process: subprocess.Popen | None = None
        self.endpoint: str | None = None
        self.output: list[str] = []

    # -- lifecycle -------------------------------------------------------------------------

    def start(self, timeout: float = 60.0) -> "BulwarkServer":
        # Only the test decides what the server sees: no AWS_* and no BULWARK_* from the outer shell.
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "BULWARK_"))}
        env.update(self.extra_env)
        self.output = []
        self.process = subprocess.Popen(
            [BULWARK_BIN, "serve", "--port", "0", "--data-dir", str(self.data_dir), "--runtimes-dir", RUNTIMES_DIR,
             *self.extra_args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            preexec_fn=_die_with_the_test_run if sys.platform.startswith("linux") else None,
        )
        ready = threading.Event()

        def pump() -> None:
            assert self.process and self.process.stdout
            for line in self.process.stdout:
                self.output.append(line)
                match = LISTENING.search(line)
                if match:
                    self.endpoint = match.group(1)
                    ready.set()
            ready.set()

        self._pump = threading.Thread(target=pump, daemon=True)
        self._pump.start()
        if not ready.wait(timeout) or self.endpoint is None:
            self.stop()
            raise RuntimeError("bulwark did not start:\n" + "".join(self.output))
        if self.execution_roles:
            self._provision_execution_roles()
        return self

    def _provision_execution_roles(self) -> None:
        """Creates, as a user would, the execution roles the suite's functions name (support.lam,
        support.functions): Lambda refuses a role that does not exist or does not trust it. Once per
        data directory, so that restarts add nothing to the trail."""
        marker = self.data_dir / "conformance-execution-roles"
        if marker.exists():
            return
        iam = self.client("iam")
        for name in EXECUTION_ROLES:
            iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST_LAMBDA))
            iam.attach_role_policy(RoleName=name, PolicyArn=BASIC_EXECUTION_POLICY)
        marker.touch()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._drain()
        self.endpoint = None

    def _drain(self) -> None:
        """Waits until everything the stopped server printed is in `output`."""
        pump = getattr(self, "_pump", None)
        if pump is not None:
            pump.join(timeout=10)

    def kill9(self) -> None:
        """Kill the server without any chance to clean up (crash test)."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()
        self._drain()
        self.endpoint = None

    def restart(self) -> "BulwarkServer":
        self.stop()
        return self.start()

    # -- credentials -------------------------------------------------------------------------

    @property
    def credentials_file(self) -> Path:
        return self.data_dir / "credentials"

    @property
    def admin_key(self) -> tuple[str, str]:
        parser = configparser.ConfigParser()
        parser.read(self.credentials_file)
        return parser["default"]["aws_access_key_id"], parser["default"]["aws_secret_access_key"]

    @property
    def account_id(self) -> str:
        match = re.search(r"\(account (\d{12})\)", "".join(self.output))
        assert match, "".join(self.output)
        return match.group(1)

    @property
    def exports(self) -> dict[str, str]:
        """The variables of the `export ...` line the server printed for the operator."""
        for line in self.output:
            if line.strip().startswith("export "):
                return dict(item.split("=", 1) for item in line.strip()[len("export "):].split())
        raise AssertionError("no export line in:\n" + "".join(self.output))

    @property
    def ca_bundle(self) -> str | None:
        """The CA bundle of `--tls self-signed`, as the exports line names it."""
        if not self.endpoint or not self.endpoint.startswith("https"):
            return None
        return self.exports.get("AWS_CA_BUNDLE")

    # -- clients ------------------------------------------------------------------------------

    def client(self, service: str, access_key: str | None = None, secret_key: str | None = None,
               session_token: str | None = None, region: str = REGION, retries: int = 0,
               validate: bool = True, verify: str | bool | None = None):
        """A boto3 client of this server, signed with the admin key unless told otherwise.

        `validate=False` turns off botocore's client-side parameter checks, so that the server's own
        validation answers (as AWS's does for a client that does not check); `verify` is a CA bundle.
        """
        key, secret = self.admin_key
        return boto3.session.Session().client(
            service,
            endpoint_url=self.endpoint,
            region_name=region,
            aws_access_key_id=access_key or key,
            aws_secret_access_key=secret_key or secret,
            aws_session_token=session_token,
            verify=self.ca_bundle if verify is None else verify,
            config=botocore.config.Config(
                retries={"max_attempts": retries, "mode": "standard"},
                parameter_validation=validate,
            ),
        )

    def cli_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(
            AWS_ENDPOINT_URL=self.endpoint or "",
            AWS_SHARED_CREDENTIALS_FILE=str(self.credentials_file),
            AWS_CONFIG_FILE=os.devnull,
            AWS_DEFAULT_REGION=REGION,
            AWS_MAX_ATTEMPTS="1",
        )
        if self.ca_bundle:
            env["AWS_CA_BUNDLE"] = self.ca_bundle
        return env

    def aws(self, *args: str, check: bool = True, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        """Runs the real `aws` CLI against this server; parses JSON output into `.json`."""
        full_env = self.cli_env()
        full_env.update(env or {})
        result = subprocess.run(["aws", *args], capture_output=True, text=True, env=full_env, timeout=120)
        if check and result.returncode != 0:
            raise AssertionError(f"aws {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
        try:
            result.json = json.loads(result.stdout) if result.stdout.strip() else None  # type: ignore[attr-defined]
        except json.JSONDecodeError:
            result.json = None  # type: ignore[attr-defined]
        return result

    def trail_events(self) -> list[dict]:
        events = []
        for path in sorted((self.data_dir / "trail").rglob("*.jsonl")):
            events.extend(json.loads(line) for line in path.read_text().splitlines() if line.strip())
        return events


@pytest.fixture(scope="session")
def bulwark(tmp_path_factory):
    """The shared server of the session. Tests must not depend on each other's resources."""
    server = BulwarkServer(tmp_path_factory.mktemp("bulwark-data")).start()
    yield server
    server.stop()


@pytest.fixture
def fresh_bulwark(tmp_path):
    """A server of the test's own, for restarts, crashes and start-up options."""
    servers: list[BulwarkServer] = []

    def make(extra_args: list[str] | None = None, env: dict[str, str] | None = None, data_dir: Path | None = None,
             execution_roles: bool = True) -> BulwarkServer:
        server = BulwarkServer(data_dir or tmp_path / f"data-{len(servers)}", extra_args, env, execution_roles)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


@pytest.fixture
def lambda_client(bulwark):
    return bulwark.client("lambda")


@pytest.fixture
def unique_name(request):
    """A function name unique to the test, so tests never collide on the shared server."""
    base = re.sub(r"[^a-zA-Z0-9-_]", "-", request.node.name)[:40]
    return f"{base}-{int(time.time() * 1000) % 100000000}"
