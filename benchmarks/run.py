#!/usr/bin/env python3
"""`make bench`: every benchmark of issue #10 in one run, side by side with its baselines.

Starts a release `bulwark serve` on a fresh data directory (authentication, authorization, audit and
the sandbox all on, as always), the echo server and moto's server as baselines, drives them with
`bulwark-load` (a Swift client that signs each request with SigV4, HTTP/1.1 keep-alive), and writes
benchmarks/results/latest.json and the generated section of docs/PERFORMANCE.md. Every figure that
compares is a ratio taken in this run. Progress goes to stderr.

    benchmarks/run.py [--quick] [--skip moto,cold,...]
"""

from __future__ import annotations

import argparse
import base64
import configparser
import datetime
import io
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
import botocore.config
import botocore.exceptions

ROOT = Path(__file__).resolve().parent.parent
RELEASE = ROOT / ".build" / "release"
RESULTS = ROOT / "benchmarks" / "results" / "latest.json"
PERFORMANCE = ROOT / "docs" / "PERFORMANCE.md"
BEGIN, END = "<!-- make bench: begin -->", "<!-- make bench: end -->"
REGION = "us-east-1"
TRUST_LAMBDA = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}


def progress(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- processes ---------------------------------------------------------------------------------------

class Process:
    """A child process whose first output line matching `ready` gives its endpoint."""

    def __init__(self, name: str, command: list[str], ready: str, env: dict[str, str] | None = None):
        self.name = name
        self.output: list[str] = []
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, start_new_session=True
        )
        pattern = re.compile(ready)
        deadline = time.monotonic() + 120
        assert self.process.stdout is not None
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError(f"{name} stopped before it was ready:\n" + "".join(self.output))
            self.output.append(line)
            match = pattern.search(line)
            if match:
                self.endpoint = match.group(1)
                break
        else:
            raise RuntimeError(f"{name} was not ready within 120 s")
        # Keep draining its output so that it never blocks on a full pipe.
        import threading
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line)

    @property
    def rss_kib(self) -> int:
        return rss_kib(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# -- the load client -----------------------------------------------------------------------------------

class Target:
    """Where the load client sends, and how it signs."""

    def __init__(self, endpoint: str, key: tuple[str, str] | None):
        self.endpoint = endpoint
        self.key = key


def load(target: Target, *, method: str, path: str, service: str | None, connections: int, duration: float,
         body: str | None = None, body_size: int = 0, content_type: str = "application/json",
         headers: dict[str, str] | None = None) -> dict:
    command = [str(RELEASE / "bulwark-load"), "run", "--endpoint", target.endpoint, "--method", method, "--path", path,
               "--connections", str(connections), "--duration", str(duration), "--warmup", str(min(1.0, duration / 3)),
               "--content-type", content_type]
    for name, value in (headers or {}).items():
        command += ["--header", f"{name}:{value}"]
    if body is not None:
        command += ["--body", body]
    else:
        command += ["--body-size", str(body_size)]
    if service and target.key:
        command += ["--service", service, "--region", REGION]
        # The key travels in the environment, which only this user can read, not in the arguments.
        env = {**os.environ, "AWS_ACCESS_KEY_ID": target.key[0], "AWS_SECRET_ACCESS_KEY": target.key[1]}
    else:
        env = None
    result = json.loads(subprocess.run(command, check=True, capture_output=True, text=True, env=env).stdout)
    failures = {status: count for status, count in result["statuses"].items() if not status.startswith("2")}
    if failures:
        raise RuntimeError(f"{method} {path} answered {failures}: the benchmark would measure errors")
    return result


def row(result: dict) -> dict:
    latency = result["latency_us"]
    return {"throughput": result["throughput"], "requests": result["requests"], **latency}


# -- set-up through the real API ------------------------------------------------------------------------

def client(service: str, endpoint: str, key: tuple[str, str]):
    return boto3.client(
        service, endpoint_url=endpoint, region_name=REGION, aws_access_key_id=key[0], aws_secret_access_key=key[1],
        config=botocore.config.Config(retries={"max_attempts": 1}, read_timeout=120),
    )


def zip_of(files: dict[str, tuple[bytes, int]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, (data, mode) in files.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def build_bootstrap(workdir: Path) -> Path:
    output = workdir / "bootstrap"
    source = ROOT / "benchmarks" / "functions" / "noop_bootstrap.c"
    subprocess.run(["gcc", "-O2", "-Wall", "-Wextra", "-Werror", "-static", "-o", str(output), str(source)], check=True)
    return output


def python_runtimes() -> list[str]:
    """The python runtimes `make runtimes` prepared, newest first."""
    found = [p.name for p in (ROOT / ".runtimes").glob("python3.*") if (p / ".installed").exists()]
    return sorted(found, key=lambda name: tuple(int(x) for x in name[len("python"):].split(".")), reverse=True)


def create_function(lam, name: str, role: str, runtime: str, handler: str, code: bytes, wait: bool = True) -> None:
    lam.create_function(FunctionName=name, Runtime=runtime, Role=role, Handler=handler, Code={"ZipFile": code})
    if wait:
        lam.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 300})


# -- the benchmarks ---------------------------------------------------------------------------------------

def warm_invoke(bulwark: Target, echo: Target, functions: dict[str, str], concurrencies: list[int], duration: float) -> dict:
    cases: dict = {}
    for concurrency in concurrencies:
        progress(f"warm invoke, {concurrency} connection(s): echo baseline")
        baseline = row(load(echo, method="POST", path="/2015-03-31/functions/echo/invocations", service=None,
                            connections=concurrency, duration=duration, body_size=1024))
        cases[f"echo/c{concurrency}"] = baseline
        for label, name in functions.items():
            progress(f"warm invoke, {concurrency} connection(s): {label}")
            measured = row(load(bulwark, method="POST", path=f"/2015-03-31/functions/{name}/invocations", service="lambda",
                                connections=concurrency, duration=duration, body_size=1024))
            measured["overhead_median"] = round(measured["median"] - baseline["median"], 1)
            measured["overhead_p99"] = round(measured["p99"] - baseline["p99"], 1)
            measured["ratio_median"] = round(measured["median"] / baseline["median"], 2)
            cases[f"{label}/c{concurrency}"] = measured
    return cases


def cold_start(lam, role: str, codes: dict[str, tuple[str, str, bytes]], samples: int, bootstrap: Path) -> dict:
    """First-invoke latency of new functions (boto3, measured around the call), with the second invoke
    of the same function (warm, same client) and the sandbox and fork+exec baselines."""
    cases: dict = {}
    for label, (runtime, handler, code) in codes.items():
        progress(f"cold start: {label} ({samples} functions)")
        slug = re.sub(r"[^a-zA-Z0-9]+", "-", label).strip("-")
        names = [f"cold-{slug}-{i}" for i in range(samples)]
        for name in names:
            create_function(lam, name, role, runtime, handler, code, wait=False)
        for name in names:
            lam.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 300})
        cold, warm = [], []
        for name in names:
            for series in (cold, warm):
                start = time.perf_counter()
                answer = lam.invoke(FunctionName=name, Payload=b"{}")
                series.append((time.perf_counter() - start) * 1000)
                if "FunctionError" in answer:
                    raise RuntimeError(f"{name}: {answer['Payload'].read()!r}")
        cases[label] = {"cold_ms": summary_ms(cold), "warm_ms": summary_ms(warm)}
    progress("cold start baselines: bwrap /bin/true, fork+exec of the bootstrap")
    bwrap = shutil.which("bwrap")
    if bwrap:
        command = [bwrap, "--unshare-all", "--die-with-parent", "--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib",
                   "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/bin", "/bin", "--proc", "/proc", "--dev", "/dev",
                   "/bin/true"]
        cases["baseline: bwrap /bin/true"] = {"cold_ms": summary_ms(timed_runs(command, samples * 2))}
    cases["baseline: fork+exec of the bootstrap"] = {"cold_ms": summary_ms(timed_runs([str(bootstrap)], samples * 2, check=False))}
    return cases


def timed_runs(command: list[str], count: int, check: bool = True) -> list[float]:
    times = []
    for _ in range(count):
        start = time.perf_counter()
        subprocess.run(command, check=check, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={})
        times.append((time.perf_counter() - start) * 1000)
    return times


def summary_ms(values: list[float]) -> dict:
    ordered = sorted(values)
    return {"count": len(ordered), "min": round(ordered[0], 2), "median": round(statistics.median(ordered), 2),
            "p99": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 2), "max": round(ordered[-1], 2)}


def control_plane(servers: dict[str, Target], function: str, concurrencies: list[int], duration: float) -> dict:
    calls = {
        "GetFunction": dict(method="GET", path=f"/2015-03-31/functions/{function}", service="lambda"),
        "ListFunctions": dict(method="GET", path="/2015-03-31/functions/", service="lambda"),
        "GetUser": dict(method="POST", path="/", service="iam", body="Action=GetUser&UserName=bench-user&Version=2010-05-08",
                        content_type="application/x-www-form-urlencoded; charset=utf-8"),
        "ListUsers": dict(method="POST", path="/", service="iam", body="Action=ListUsers&Version=2010-05-08",
                          content_type="application/x-www-form-urlencoded; charset=utf-8"),
    }
    cases: dict = {}
    for operation, call in calls.items():
        for concurrency in concurrencies:
            figures = {}
            for server, target in servers.items():
                progress(f"control plane: {operation}, {concurrency} connection(s), {server}")
                figures[server] = row(load(target, connections=concurrency, duration=duration, **call))
            if "moto" in figures:
                figures["ratio_throughput_vs_moto"] = round(figures["bulwark"]["throughput"] / figures["moto"]["throughput"], 2)
            cases[f"{operation}/c{concurrency}"] = figures
    return cases


def json_call(service: str, target: str, body: dict) -> dict:
    """A json-protocol call as the SDK sends it: POST /, X-Amz-Target, an application/x-amz-json-1.1 body."""
    return dict(method="POST", path="/", service=service, body=json.dumps(body), content_type="application/x-amz-json-1.1",
                headers={"X-Amz-Target": target})


def secret_cost(bulwark: Target, key: tuple[str, str], concurrencies: list[int], duration: float) -> dict:
    """What a KMS Decrypt and a Secrets Manager GetSecretValue add server-side over an authorized no-op of
    the same service on the same resource (DescribeKey, DescribeSecret: same client, protocol, resolution,
    authorization and audit; decision 0019), with STS GetCallerIdentity for reference. Each pair is run
    baseline, call, call, baseline, and the added cost is the mean of the call's two medians minus the
    baseline's, so that a drift of the machine during the pair does not count for either."""
    kms, sm = client("kms", bulwark.endpoint, key), client("secretsmanager", bulwark.endpoint, key)
    key_id = kms.create_key(Description="bench")["KeyMetadata"]["KeyId"]
    blob = base64.b64encode(kms.encrypt(KeyId=key_id, Plaintext=os.urandom(32))["CiphertextBlob"]).decode()
    sm.create_secret(Name="bench-db", SecretString=json.dumps({"username": "app", "password": base64.b64encode(os.urandom(24)).decode()}))
    pairs = {
        "Decrypt": (json_call("kms", "TrentService.DescribeKey", {"KeyId": key_id}),
                    json_call("kms", "TrentService.Decrypt", {"CiphertextBlob": blob})),
        "GetSecretValue": (json_call("secretsmanager", "secretsmanager.DescribeSecret", {"SecretId": "bench-db"}),
                           json_call("secretsmanager", "secretsmanager.GetSecretValue", {"SecretId": "bench-db"})),
    }
    baselines = {"Decrypt": "DescribeKey", "GetSecretValue": "DescribeSecret"}
    identity = dict(method="POST", path="/", service="sts", body="Action=GetCallerIdentity&Version=2011-06-15",
                    content_type="application/x-www-form-urlencoded; charset=utf-8")
    cases: dict = {}
    for concurrency in concurrencies:
        progress(f"secret cost: GetCallerIdentity, {concurrency} connection(s)")
        cases[f"GetCallerIdentity/c{concurrency}"] = {"call": row(load(bulwark, connections=concurrency, duration=duration, **identity))}
        for operation, (baseline_call, call) in pairs.items():
            progress(f"secret cost: {operation} against {baselines[operation]}, {concurrency} connection(s)")
            runs = [row(load(bulwark, connections=concurrency, duration=duration, **which))
                    for which in (baseline_call, call, call, baseline_call)]
            baseline = {"runs": [runs[0], runs[3]], "median": round((runs[0]["median"] + runs[3]["median"]) / 2, 1)}
            measured = {"runs": [runs[1], runs[2]], "median": round((runs[1]["median"] + runs[2]["median"]) / 2, 1)}
            cases[f"{operation}/c{concurrency}"] = {
                "baseline": baselines[operation], "baseline_median": baseline["median"], "median": measured["median"],
                "added_median": round(measured["median"] - baseline["median"], 1),
                "throughput": round((runs[1]["throughput"] + runs[2]["throughput"]) / 2),
                "baseline_throughput": round((runs[0]["throughput"] + runs[3]["throughput"]) / 2),
                "p99": max(runs[1]["p99"], runs[2]["p99"]), "baseline_p99": max(runs[0]["p99"], runs[3]["p99"]),
                "runs": runs,
            }
    return cases


def store_functions(lam, role: str, code: bytes, runtime: str, total: int, existing: int) -> None:
    progress(f"storing functions: {existing} → {total}")
    def one(index: int) -> None:
        lam.create_function(FunctionName=f"stored-{index:06d}", Runtime=runtime, Role=role, Handler="noop.handler",
                            Code={"ZipFile": code})
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(one, range(existing, total)))


# -- start-up and memory -------------------------------------------------------------------------------------

SUPPLIED_ACCOUNT = "210987654321"


def supplied_key() -> tuple[str, str]:
    """A first administrator key supplied to `bulwark serve`, so that the client is ready before the server starts."""
    return ("AKIA" + "".join(f"{b:02X}" for b in os.urandom(8)), base64.b64encode(os.urandom(30)).decode())


def serve_command(data_dir: Path, port: int) -> list[str]:
    return [str(RELEASE / "bulwark"), "serve", "--port", str(port), "--data-dir", str(data_dir),
            "--runtimes-dir", str(ROOT / ".runtimes")]


def start_time(workdir: Path, samples: int, bootstrap_zip: bytes) -> dict:
    """From the exec of `bulwark serve` to its first successful signed answer (STS GetCallerIdentity, polled
    every 2 ms), on a fresh data directory and again on the same one; then, on the second start, to the
    first answer of an Invoke of a function created by the first (which waits for the sandbox staging
    directory: invocations do, the API does not)."""
    key = supplied_key()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "BULWARK_"))}
    env |= {"BULWARK_ACCOUNT_ID": SUPPLIED_ACCOUNT, "BULWARK_ADMIN_ACCESS_KEY_ID": key[0],
            "BULWARK_ADMIN_SECRET_ACCESS_KEY": key[1]}
    fresh, again, invoke_after_start, rss = [], [], [], []
    for sample in range(samples):
        data_dir = workdir / f"startup-{sample}"
        for series in (fresh, again):
            label = "fresh data directory" if series is fresh else "second start, same data directory"
            progress(f"start-up {sample + 1}/{samples}: {label}")
            port = free_port()
            endpoint = f"http://127.0.0.1:{port}"
            sts = client("sts", endpoint, key)
            begin = time.perf_counter()
            process = subprocess.Popen(serve_command(data_dir, port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                       env=env, start_new_session=True)
            try:
                while True:
                    try:
                        sts.get_caller_identity()
                        break
                    except (botocore.exceptions.EndpointConnectionError, botocore.exceptions.ConnectionClosedError):
                        if process.poll() is not None:
                            raise RuntimeError(f"bulwark serve stopped while starting (status {process.returncode})")
                        time.sleep(0.002)
                series.append((time.perf_counter() - begin) * 1000)
                lam = client("lambda", endpoint, key)
                if series is fresh:
                    iam = client("iam", endpoint, key)
                    role = iam.create_role(RoleName="startup-role", AssumeRolePolicyDocument=json.dumps(TRUST_LAMBDA))["Role"]["Arn"]
                    create_function(lam, "startup-noop", role, "provided.al2023", "noop", bootstrap_zip)
                    rss.append(rss_kib(process.pid))
                else:
                    answer = lam.invoke(FunctionName="startup-noop", Payload=b"{}")
                    invoke_after_start.append((time.perf_counter() - begin) * 1000)
                    if "FunctionError" in answer:
                        raise RuntimeError(f"startup-noop: {answer['Payload'].read()!r}")
            finally:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=60)
    return {"fresh_ms": summary_ms(fresh), "second_start_ms": summary_ms(again),
            "first_invoke_after_second_start_ms": summary_ms(invoke_after_start),
            "rss_after_first_function_kib": round(statistics.median(rss))}


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def pss_kib(pid: int) -> int:
    """Proportional set size: a page shared by n processes counts 1/n for each."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def process_tree(root: int) -> dict[int, list[int]]:
    """Children of every process under `root` (itself included)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    tree: dict[int, list[int]] = {}
    pending = [root]
    while pending:
        pid = pending.pop()
        tree[pid] = children.get(pid, [])
        pending += tree[pid]
    return tree


def command_name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except (FileNotFoundError, ProcessLookupError):
        return ""


def environments(server_pid: int) -> list[dict]:
    """The sandboxes of the server, each as its processes: the sandbox's own (bubblewrap, outside and as the
    namespaces' first process, and bulwark-init) and the runtime's (what bulwark-init started, with its children)."""
    tree = process_tree(server_pid)
    found = []
    for top in tree[server_pid]:
        sandbox, runtime = [], []
        pending = [top]
        while pending:
            pid = pending.pop()
            sandbox.append(pid)
            for child in tree.get(pid, []):
                # bulwark-init runs as /var/bulwark/init inside the sandbox.
                if command_name(pid) in ("init", "bulwark-init"):
                    stack = [child]
                    while stack:
                        inner = stack.pop()
                        runtime.append(inner)
                        stack += tree.get(inner, [])
                else:
                    pending.append(child)
        if runtime:
            found.append({"sandbox": sandbox, "runtime": runtime})
    return found


def environment_memory(bulwark: Target, server: Process, function: str, wanted: int) -> dict:
    """PSS of `wanted` idle warm environments of the no-op function, made by waves of `wanted` concurrent invokes
    (an invoke takes a warm environment only if one is free, so a wave in flight at once makes new ones), read
    from /proc/<pid>/smaps_rollup of every process of each sandbox: the runtime process's own apart from the
    rest (bubblewrap, bulwark-init). The server's own growth with them is reported too."""
    lam = client("lambda", bulwark.endpoint, bulwark.key)
    server_before = {"rss_kib": rss_kib(server.process.pid), "pss_kib": pss_kib(server.process.pid),
                     "environments": len(environments(server.process.pid))}
    def invoke(_: int) -> None:
        answer = lam.invoke(FunctionName=function, Payload=b"{}")
        if "FunctionError" in answer:
            raise RuntimeError(f"{function}: {answer['Payload'].read()!r}")
    waves = 0
    with ThreadPoolExecutor(max_workers=2 * wanted) as pool:
        while (count := len(environments(server.process.pid))) < wanted and waves < 20:
            waves += 1
            # The warm ones answer at once and take more calls of a wave: after the first, what is missing is
            # sent on top.
            concurrent = wanted if waves == 1 else min(2 * wanted, 2 * wanted - count)
            progress(f"environment memory: wave {waves} of {concurrent} concurrent invokes ({count} environments)")
            list(pool.map(invoke, range(concurrent)))
    time.sleep(2)
    found = environments(server.process.pid)
    progress(f"environment memory: reading smaps_rollup of {sum(len(e['sandbox']) + len(e['runtime']) for e in found)} "
             f"processes of {len(found)} environments")
    sandbox = [sum(pss_kib(pid) for pid in e["sandbox"]) for e in found]
    runtime = [sum(pss_kib(pid) for pid in e["runtime"]) for e in found]
    server_after = {"rss_kib": rss_kib(server.process.pid), "pss_kib": pss_kib(server.process.pid), "environments": len(found)}
    added = max(len(found) - server_before["environments"], 1)
    return {
        "environments": len(found), "waves": waves,
        "processes_per_environment": round(statistics.median(len(e["sandbox"]) + len(e["runtime"]) for e in found), 1),
        "beyond_runtime_pss_kib": {"median": statistics.median(sandbox), "min": min(sandbox), "max": max(sandbox),
                                   "total": sum(sandbox)},
        "runtime_pss_kib": {"median": statistics.median(runtime), "min": min(runtime), "max": max(runtime), "total": sum(runtime)},
        "server_before": server_before, "server_after": server_after,
        "server_rss_per_environment_kib": round((server_after["rss_kib"] - server_before["rss_kib"]) / added, 1),
    }


def requests_then_rss(bulwark: Target, server: Process, function: str, total: int) -> dict:
    """Server RSS after at least `total` signed requests (GetFunction, ListUsers and a warm Invoke in turn)."""
    calls = [dict(method="GET", path=f"/2015-03-31/functions/{function}", service="lambda"),
             dict(method="POST", path="/", service="iam", body="Action=ListUsers&Version=2010-05-08",
                  content_type="application/x-www-form-urlencoded; charset=utf-8"),
             dict(method="POST", path=f"/2015-03-31/functions/{function}/invocations", service="lambda", body_size=1024)]
    before = rss_kib(server.process.pid)
    sent = 0
    while sent < total:
        for call in calls:
            result = load(bulwark, connections=4, duration=1.0, **call)
            sent += result["requests"]
        progress(f"memory: {sent} requests sent, server RSS {rss_kib(server.process.pid) / 1024:.1f} MiB")
    return {"requests": sent, "rss_before_kib": before, "rss_after_kib": rss_kib(server.process.pid)}


def soak(bulwark: Target, server: Process, function: str, seconds: float, interval: float) -> dict:
    """Server RSS sampled every `interval` s while three clients load it for `seconds` (warm Invoke, GetFunction,
    ListUsers at two connections each); the slope of a least-squares line through the samples, over the whole
    soak and over its second half (after the caches and pools have grown to their working size)."""
    import threading
    calls = {"Invoke": dict(method="POST", path=f"/2015-03-31/functions/{function}/invocations", service="lambda", body_size=1024),
             "GetFunction": dict(method="GET", path=f"/2015-03-31/functions/{function}", service="lambda"),
             "ListUsers": dict(method="POST", path="/", service="iam", body="Action=ListUsers&Version=2010-05-08",
                               content_type="application/x-www-form-urlencoded; charset=utf-8")}
    results: dict = {}
    def run(name: str, call: dict) -> None:
        results[name] = load(bulwark, connections=2, duration=seconds, **call)
    threads = [threading.Thread(target=run, args=item, daemon=True) for item in calls.items()]
    begin = time.monotonic()
    for thread in threads:
        thread.start()
    samples: list[tuple[float, int]] = []
    while any(thread.is_alive() for thread in threads):
        elapsed = time.monotonic() - begin
        samples.append((round(elapsed, 1), rss_kib(server.process.pid)))
        if len(samples) % max(1, int(60 / interval)) == 1:
            progress(f"soak: {elapsed:.0f}/{seconds:.0f} s, server RSS {samples[-1][1] / 1024:.1f} MiB")
        time.sleep(interval)
    for thread in threads:
        thread.join()
    if len(results) != len(calls):
        raise RuntimeError("a soak client failed")
    half = [sample for sample in samples if sample[0] >= seconds / 2]
    return {"seconds": seconds, "requests": {name: r["requests"] for name, r in results.items()},
            "throughput": {name: round(r["throughput"]) for name, r in results.items()},
            "rss_first_kib": samples[0][1], "rss_last_kib": samples[-1][1], "rss_max_kib": max(kib for _, kib in samples),
            "slope_kib_per_min": slope(samples), "slope_second_half_kib_per_min": slope(half), "samples": samples}


def slope(samples: list[tuple[float, int]]) -> float:
    """KiB per minute of the least-squares line through (seconds, KiB)."""
    if len(samples) < 2:
        return 0.0
    xs, ys = [x for x, _ in samples], [y for _, y in samples]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    spread = sum((x - mx) ** 2 for x in xs)
    return round(60 * sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / spread, 1) if spread else 0.0


def micro() -> list[dict]:
    progress("micro-benchmarks (bulwark-benchmarks)")
    with tempfile.NamedTemporaryFile(suffix=".json") as output:
        subprocess.run([str(RELEASE / "bulwark-benchmarks"), "--json", output.name], check=True, stdout=subprocess.DEVNULL)
        return json.loads(Path(output.name).read_text())


# -- report -------------------------------------------------------------------------------------------------

def machine() -> dict:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain"], capture_output=True, text=True).stdout.strip()
    return {"cpus": os.cpu_count(), "cpu": model, "kernel": platform.release(),
            "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
            "commit": commit + ("+changes" if dirty else ""),
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


def markdown(results: dict) -> str:
    m = results["machine"]
    lines = [BEGIN, "", f"Generated by `make bench` on {m['date']}, commit {m['commit']}: {m['cpus']} CPUs ({m['cpu']}), "
             f"{m['memory_gib']} GiB, Linux {m['kernel']}. Latencies in µs unless marked; ratios are taken in this run.", ""]
    if "warm_invoke" in results:
        lines += ["### Warm invoke (1 KB payload, Invoke API, SigV4)", "",
                  "| case | req/s | min | median | p99 | p99.9 | overhead median | overhead p99 | × echo (median) |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for name, c in results["warm_invoke"].items():
            lines.append(f"| {name} | {c['throughput']:.0f} | {c['min']} | {c['median']} | {c['p99']} | {c['p99_9']} | "
                         f"{c.get('overhead_median', '—')} | {c.get('overhead_p99', '—')} | {c.get('ratio_median', '—')} |")
        lines.append("")
    if "cold_start" in results:
        lines += ["### Cold start (ms; first invoke of a new function, boto3 around the call)", "",
                  "| case | cold min | cold median | cold p99 | warm median (same client) |", "|---|---:|---:|---:|---:|"]
        for name, c in results["cold_start"].items():
            warm = c.get("warm_ms", {}).get("median", "—")
            lines.append(f"| {name} | {c['cold_ms']['min']} | {c['cold_ms']['median']} | {c['cold_ms']['p99']} | {warm} |")
        lines.append("")
    if "control_plane" in results:
        lines += [f"### Control plane ({results.get('stored_functions', 0)} functions stored)", "",
                  "| call | Bulwark req/s | median | p99 | moto req/s | moto median | moto p99 | × moto (req/s) |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|"]
        for name, c in results["control_plane"].items():
            b, mo = c["bulwark"], c.get("moto")
            lines.append(f"| {name} | {b['throughput']:.0f} | {b['median']} | {b['p99']} | "
                         + (f"{mo['throughput']:.0f} | {mo['median']} | {mo['p99']} | {c['ratio_throughput_vs_moto']} |"
                            if mo else "— | — | — | — |"))
        lines.append("")
    if "secret_cost" in results:
        lines += ["### Cost of a KMS Decrypt and a Secrets Manager GetSecretValue (goal: ≤ 100 µs added)", "",
                  "Added = median of the call − median of the same service's authorized no-op on the same resource, "
                  "run baseline, call, call, baseline (decision 0019)."
                  + (f" Measured on {results['secret_cost_run']['date']}, commit {results['secret_cost_run']['commit']}, "
                     f"by a run of these cases alone (`--skip` of the others): {results['secret_cost_run']['note']}"
                     if "secret_cost_run" in results else ""), "",
                  "| call | no-op baseline | baseline median | call median | added (median) | call req/s | call p99 |",
                  "|---|---|---:|---:|---:|---:|---:|"]
        for name, c in results["secret_cost"].items():
            if "baseline" in c:
                lines.append(f"| {name} | {c['baseline']} | {c['baseline_median']} | {c['median']} | {c['added_median']} | "
                             f"{c['throughput']:.0f} | {c['p99']} |")
            else:
                lines.append(f"| {name} | — | — | {c['call']['median']} | — | {c['call']['throughput']:.0f} | {c['call']['p99']} |")
        lines.append("")
    if "scale" in results:
        lines += ["### Scale: GetFunction and ListFunctions as stored functions grow (1 connection)", "",
                  "| stored | GetFunction median | GetFunction p99 | ListFunctions median | ListFunctions p99 |",
                  "|---:|---:|---:|---:|---:|"]
        for stored, c in results["scale"].items():
            lines.append(f"| {stored} | {c['GetFunction']['median']} | {c['GetFunction']['p99']} | "
                         f"{c['ListFunctions']['median']} | {c['ListFunctions']['p99']} |")
        lines.append("")
    if "concurrency_curve" in results:
        lines += ["### Scale: warm invoke (provided) as connections grow", "",
                  "| connections | req/s | median | p99 |", "|---:|---:|---:|---:|"]
        for connections, c in results["concurrency_curve"].items():
            lines.append(f"| {connections} | {c['throughput']:.0f} | {c['median']} | {c['p99']} |")
        lines.append("")
    if "startup" in results:
        st = results["startup"]
        lines += ["### Start-up (ms from the exec of `bulwark serve` to its first signed answer)", "",
                  "| case | min | median | max |", "|---|---:|---:|---:|"]
        for name, key in (("fresh data directory", "fresh_ms"), ("second start, same data directory", "second_start_ms"),
                          ("second start: first Invoke answered (waits for the staging)", "first_invoke_after_second_start_ms")):
            lines.append(f"| {name} | {st[key]['min']} | {st[key]['median']} | {st[key]['max']} |")
        lines.append("")
    if "memory" in results:
        mem = results["memory"]
        lines += ["### Memory (RSS of the server process)", "", "| when | MiB |", "|---|---:|"]
        for name, kib in mem.items():
            lines.append(f"| {name} | {kib / 1024:.1f} |")
        lines.append("")
    if "environments" in results:
        e = results["environments"]
        lines += [f"### Idle warm environments ({e['environments']} of the no-op `provided` function; PSS in KiB)", "",
                  "| what | median | min | max |", "|---|---:|---:|---:|",
                  f"| one environment beyond its runtime process (bubblewrap, bulwark-init) | {e['beyond_runtime_pss_kib']['median']} | "
                  f"{e['beyond_runtime_pss_kib']['min']} | {e['beyond_runtime_pss_kib']['max']} |",
                  f"| its runtime process | {e['runtime_pss_kib']['median']} | {e['runtime_pss_kib']['min']} | {e['runtime_pss_kib']['max']} |",
                  f"| the server's RSS per environment | {e['server_rss_per_environment_kib']} | — | — |", ""]
    if "soak" in results:
        so = results["soak"]
        lines += [f"### Soak ({so['seconds']:.0f} s of warm Invoke, GetFunction and ListUsers, 2 connections each)", "",
                  "| requests | server RSS first | last | max (MiB) | slope, whole soak | slope, second half (KiB/min) |",
                  "|---:|---:|---:|---:|---:|---:|",
                  f"| {sum(so['requests'].values())} | {so['rss_first_kib'] / 1024:.1f} | {so['rss_last_kib'] / 1024:.1f} | "
                  f"{so['rss_max_kib'] / 1024:.1f} | {so['slope_kib_per_min']} | {so['slope_second_half_kib_per_min']} |", ""]
    if "micro" in results:
        lines += ["### Micro-benchmarks (`bulwark-benchmarks`, in-process)", "",
                  "| case | min | median | p99 | p99.9 |", "|---|---:|---:|---:|---:|"]
        for case in results["micro"]:
            s = case["latency_us"]
            lines.append(f"| {case['name']} | {s['min']} | {s['median']} | {s['p99']} | {s['p99_9']} |")
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


def write_report(results: dict) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    text = PERFORMANCE.read_text()
    section = markdown(results)
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + section + text[text.index(END) + len(END):]
    else:
        heading = "\n## Latest `make bench`\n\n"
        first_section = text.index("\n## ")
        text = text[:first_section] + heading + section + "\n" + text[first_section:]
    PERFORMANCE.write_text(text)
    progress(f"wrote {RESULTS.relative_to(ROOT)} and the generated section of {PERFORMANCE.relative_to(ROOT)}")


# -- main ---------------------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="short runs (2 s per case), fewer samples and stored functions")
    parser.add_argument("--skip", default="", help="comma-separated: micro,startup,memory,warm,cold,control,moto,secrets,scale,curve,environments,soak")
    options = parser.parse_args()
    skip = set(filter(None, options.skip.split(",")))
    duration = 2.0 if options.quick else 5.0
    for binary in ("bulwark", "bulwark-load", "bulwark-benchmarks", "bulwark-init"):
        if not (RELEASE / binary).exists():
            sys.exit(f"{RELEASE / binary} is missing: run `make bench` (it builds the release products first)")
    runtimes = python_runtimes()
    if not runtimes:
        sys.exit("no python runtime prepared: run `make runtimes`")

    results: dict = {"machine": machine()}
    if "micro" not in skip:
        results["micro"] = micro()

    workdir = Path(tempfile.mkdtemp(prefix="bulwark-bench-"))
    started: list[Process] = []
    try:
        bootstrap = build_bootstrap(workdir)
        provided_zip = zip_of({"bootstrap": (bootstrap.read_bytes(), 0o755)})
        if "startup" not in skip:
            results["startup"] = start_time(workdir, 2 if options.quick else 5, provided_zip)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "BULWARK_"))}
        progress("starting bulwark serve (release) on a fresh data directory")
        server = Process("bulwark", [str(RELEASE / "bulwark"), "serve", "--port", "0", "--data-dir", str(workdir / "data"),
                                     "--runtimes-dir", str(ROOT / ".runtimes")], r"Bulwark is listening on (\S+)", env)
        started.append(server)
        credentials = configparser.ConfigParser()
        credentials.read(workdir / "data" / "credentials")
        key = (credentials["default"]["aws_access_key_id"], credentials["default"]["aws_secret_access_key"])
        bulwark = Target(server.endpoint, key)
        echo_process = Process("echo", [str(RELEASE / "bulwark-load"), "echo"], r"listening on (\S+)")
        started.append(echo_process)
        echo = Target(echo_process.endpoint, None)

        lam, iam = client("lambda", bulwark.endpoint, key), client("iam", bulwark.endpoint, key)
        role = iam.create_role(RoleName="bench-role", AssumeRolePolicyDocument=json.dumps(TRUST_LAMBDA))["Role"]["Arn"]
        iam.attach_role_policy(RoleName="bench-role", PolicyArn="arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
        iam.create_user(UserName="bench-user")
        noop_zip = zip_of({"noop.py": ((ROOT / "benchmarks/functions/noop.py").read_bytes(), 0o644)})
        boto3_zip = zip_of({"boto3_at_init.py": ((ROOT / "benchmarks/functions/boto3_at_init.py").read_bytes(), 0o644)})
        python = runtimes[0]
        progress(f"creating the no-op functions (provided.al2023, {python})")
        create_function(lam, "noop-provided", role, "provided.al2023", "noop", provided_zip)
        create_function(lam, "noop-python", role, python, "noop.handler", noop_zip)
        results["runtimes"] = {"python": python}
        # Idle: the functions are Active, so the runtimes are staged (their preparation waits for it).
        time.sleep(1)
        memory = {"idle (runtimes staged, the no-op functions created)": server.rss_kib}
        if "memory" not in skip:
            after = requests_then_rss(bulwark, server, "noop-provided", 10_000)
            memory[f"after {after['requests']} more requests"] = after["rss_after_kib"]

        if "warm" not in skip:
            results["warm_invoke"] = warm_invoke(
                bulwark, echo, {"provided": "noop-provided", "python": "noop-python"}, [1, 8, 32], duration)
        if "cold" not in skip:
            results["cold_start"] = cold_start(lam, role, {
                "provided": ("provided.al2023", "noop", provided_zip),
                "python": (python, "noop.handler", noop_zip),
                "python, boto3 at init": (python, "boto3_at_init.handler", boto3_zip),
            }, 5 if options.quick else 20, bootstrap)

        stored = 100 if options.quick else 1000
        store_functions(lam, role, noop_zip, python, stored, 0)
        results["stored_functions"] = stored
        if "control" not in skip:
            servers = {"bulwark": bulwark}
            if "moto" not in skip:
                moto = start_moto(workdir, noop_zip, python, stored)
                started.append(moto[0])
                servers["moto"] = moto[1]
            results["control_plane"] = control_plane(servers, "noop-python", [1, 16], duration)
            if "moto" in servers:
                started.pop().stop()
        if "secrets" not in skip:
            results["secret_cost"] = secret_cost(bulwark, key, [1, 16], duration)
        memory["after the benchmarks' requests"] = server.rss_kib
        if "curve" not in skip:
            curve = {}
            for connections in ([1, 16, 64] if options.quick else [1, 4, 16, 64, 256]):
                progress(f"concurrency curve: {connections} connection(s)")
                curve[str(connections)] = row(load(bulwark, method="POST", path="/2015-03-31/functions/noop-provided/invocations",
                                                   service="lambda", connections=connections, duration=duration, body_size=1024))
            results["concurrency_curve"] = curve
        if "scale" not in skip:
            scale = {}
            steps = [100, 1000] if options.quick else [100, 1000, 10000]
            for total in steps:
                if total > stored:
                    store_functions(lam, role, noop_zip, python, total, stored)
                    stored = total
                figures = {}
                for name, path in (("GetFunction", "/2015-03-31/functions/stored-000000"), ("ListFunctions", "/2015-03-31/functions/")):
                    progress(f"scale: {name} with {total} functions stored")
                    figures[name] = row(load(bulwark, method="GET", path=path, service="lambda", connections=1, duration=duration))
                scale[str(total)] = figures
            results["scale"] = scale
        memory["after the load benchmarks"] = server.rss_kib
        if "environments" not in skip:
            results["environments"] = environment_memory(bulwark, server, "noop-provided", 100)
            memory["with 100 idle warm environments"] = server.rss_kib
        if "soak" not in skip:
            results["soak"] = soak(bulwark, server, "noop-provided", 60.0 if options.quick else 600.0, 1.0 if options.quick else 5.0)
        memory["at the end"] = server.rss_kib
        results["memory"] = memory
    finally:
        for process in reversed(started):
            process.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    write_report(results)


def start_moto(workdir: Path, code: bytes, runtime: str, stored: int) -> tuple[Process, Target]:
    """moto's server with the same account content: the role, the user and `stored` functions plus the
    one GetFunction reads (moto stores the zip; it needs Docker only to invoke, which is not measured)."""
    moto_server = shutil.which("moto_server", path=str(Path(sys.executable).parent)) or shutil.which("moto_server")
    if moto_server is None:
        sys.exit("moto_server is missing: `make bench` installs it in .bench-venv")
    port = free_port()
    progress(f"starting moto_server on port {port}")
    process = Process("moto", [moto_server, "-p", str(port)], r"Running on (http://127\.0\.0\.1:\d+)",
                      {**os.environ, "MOTO_ALLOW_NONEXISTENT_REGION": "true"})
    key = ("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    lam, iam = client("lambda", process.endpoint, key), client("iam", process.endpoint, key)
    role = iam.create_role(RoleName="bench-role", AssumeRolePolicyDocument=json.dumps(TRUST_LAMBDA))["Role"]["Arn"]
    iam.create_user(UserName="bench-user")
    lam.create_function(FunctionName="noop-python", Runtime=runtime, Role=role, Handler="noop.handler", Code={"ZipFile": code})
    store_functions(lam, role, code, runtime, stored, 0)
    return process, Target(process.endpoint, key)


if __name__ == "__main__":
    main()
