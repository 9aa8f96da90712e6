"""The containment suite (issue #3, DESIGN §3): a hostile function tries to read the host, write its
code, reach the network, fork-bomb, exhaust memory and /tmp, trace, mount and unshare. Each attempt must
be stopped by the sandbox, and afterwards the server must answer the next invocation of another function
normally and leave no sandbox process, staging directory or control group behind.

The suite has a server of its own, started with a secret in its environment, so that a leak of the
host's environment into a sandbox can be recognised.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from pathlib import Path

import pytest

from conftest import BulwarkServer
from support.functions import PYTHON_RUNTIME, create, invoke, log_messages, python_zip, wait_for
from support.functions.sandboxes import control_groups, snapshot, wait_until_gone

HOST_SECRET = f"host-secret-{secrets.token_hex(8)}"
CANARY = "containment-canary"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = BulwarkServer(tmp_path_factory.mktemp("containment"), env={"BULWARK_TEST_HOST_SECRET": HOST_SECRET}).start()
    create(server, CANARY)
    assert invoke(server.client("lambda"), CANARY, {"warm": True}).function_error is None
    yield server
    server.stop()


@pytest.fixture
def client(server):
    return server.client("lambda")


@pytest.fixture
def probe(server, unique_name):
    """Creates a function running probe.py (Timeout 5 unless given) and returns its name."""
    counter = {"n": 0}

    def make(**parameters):
        name = f"{unique_name}-{counter['n']}"
        counter["n"] += 1
        create(server, name, python_zip("probe.py"), **{"Timeout": 5, **parameters})
        return name

    return make


def run_probe(server, client, name: str, event: dict, during=None, watch=None):
    """Invokes the probe while watching the host: the answer, and every environment of the probe seen
    while it ran (id → staging directory). `during`, if given, is called once while the probe runs;
    `watch` with the environments seen so far, again and again."""
    outcome: dict = {}
    seen: dict[str, Path] = {}

    def call():
        try:
            outcome["result"] = invoke(client, name, event)
        except Exception as error:  # noqa: BLE001 - reported below
            outcome["error"] = error

    thread = threading.Thread(target=call)
    thread.start()
    first_seen = None
    while thread.is_alive():
        seen.update(snapshot(server.process.pid).of(name))
        if seen and first_seen is None:
            first_seen = time.monotonic()
        if watch is not None and seen:
            watch(seen)
        if during is not None and first_seen is not None and time.monotonic() - first_seen > 1:
            during()
            during = None
        time.sleep(0.05)
    thread.join()
    seen.update(snapshot(server.process.pid).of(name))
    assert "result" in outcome, (f"the invocation failed: {outcome.get('error')!r}; log: {log_messages(server, name)}; "
                                 f"server: {''.join(server.output[-20:])}")
    assert seen, "the probe's sandbox was never seen"
    return outcome["result"], seen


def assert_contained(server, client, seen: dict[str, Path], *, ended: bool):
    """After a probe: the server answers another function normally and the probe left nothing behind.

    `ended`: the probe's invocation failed, so its environment must be gone entirely — processes (anywhere
    on the host) and control groups. Otherwise it stays warm, with no more processes
    than any environment has.
    """
    if ended:
        wait_until_gone(seen)
    canary = invoke(client, CANARY, {"after": sorted(seen)})
    assert canary.function_error is None, canary
    assert canary.json["event"] == {"after": sorted(seen)}
    assert client.list_functions()["Functions"]

    final = snapshot(server.process.pid)
    assert not final.zombies, final.describe()
    canary_size = len(final.environments[next(iter(final.of(CANARY)))])
    for environment in seen:
        assert len(final.environments.get(environment, ())) <= canary_size, \
            f"processes left in the probe's environment:\n{final.describe()}"


# -- the file system ------------------------------------------------------------------------------

def test_host_files_outside_the_binds_are_absent(server, client, probe):
    name = probe()
    data = server.data_dir
    staging = next(iter(snapshot(server.process.pid).of(CANARY).values()))
    paths = ["/etc/shadow", "/etc/sudoers", "/root", "/root/.bash_history", "/home", "/var/log", "/var/lib",
             "/sys/fs/cgroup", "/dev/mem", "/dev/kmsg", "/dev/sda", "/boot", "/run",
             str(data), str(data / "credentials"), str(data / "bulwark.sqlite"), str(staging), str(staging / "code"),
             str(Path(__file__).resolve().parent)]

    result, seen = run_probe(server, client, name, {"probe": "read", "paths": paths})

    assert result.function_error is None, result
    answers = result.json
    for path in paths:
        assert answers[path] in ("ENOENT", "EACCES", "EPERM"), f"{path} is readable in the sandbox: {answers[path]}"
    assert_contained(server, client, seen, ended=False)


def test_what_the_sandbox_sees_of_etc_and_var_bulwark(server, client, probe):
    name = probe()
    paths = ["/etc", "/var/bulwark", "/var/bulwark/run", "/var", "/"]

    result, seen = run_probe(server, client, name, {"probe": "read", "paths": paths})

    assert result.function_error is None, result
    answers = result.json
    assert answers["/etc"]["listing"] == ["group", "hosts", "nsswitch.conf", "passwd"], answers["/etc"]
    # The server serves the Runtime API on the socket init handed over: no socket or directory of its own is bound in.
    assert answers["/var/bulwark"]["listing"] == ["init"], answers["/var/bulwark"]
    assert answers["/var/bulwark/run"] == "ENOENT", answers["/var/bulwark/run"]
    assert "root" not in answers["/"]["listing"] and "home" not in answers["/"]["listing"], answers["/"]
    assert_contained(server, client, seen, ended=False)


def test_host_environment_does_not_leak_into_the_sandbox(server, client, probe):
    name = probe()

    result, seen = run_probe(server, client, name, {"probe": "environ"})

    assert result.function_error is None, result
    answers = result.json
    assert HOST_SECRET not in str(answers["own"])
    for pid, environ in answers["processes"].items():
        assert HOST_SECRET not in environ, f"process {pid} of the sandbox has the host's environment"
    assert_contained(server, client, seen, ended=False)


def test_code_and_system_directories_are_read_only(server, client, probe):
    name = probe()
    paths = ["/var/task/app.py", "/var/task/new-file", "/var/runtime/awslambdaric/__init__.py", "/usr/bin/evil",
             "/etc/passwd", "/var/bulwark/init", "/var/bulwark/new-file", "/new-file", "/var/new-file",
             "/opt/new-file", "/var/lang/bin/new-file", f"/var/lang/lib/{PYTHON_RUNTIME}/new-file"]

    result, seen = run_probe(server, client, name, {"probe": "write", "paths": paths})

    assert result.function_error is None, result
    answers = result.json
    for path in paths:
        assert answers[path] in ("EROFS", "EACCES", "EPERM", "ENOENT"), f"{path} was written: {answers[path]}"
    assert invoke(client, name, {"probe": "echo", "value": "code intact"}).json == {"echo": "code intact"}
    assert_contained(server, client, seen, ended=False)


def test_tmp_is_writable(server, client, probe):
    name = probe()

    result, seen = run_probe(server, client, name, {"probe": "write", "paths": ["/tmp/file"]})

    assert result.json == {"/tmp/file": "ok"}
    assert_contained(server, client, seen, ended=False)


def test_filling_tmp_stops_at_its_size(server, client, probe):
    # /tmp pages count towards the memory limit, so the memory is larger than the storage.
    name = probe(MemorySize=1024, EphemeralStorage={"Size": 512}, Timeout=20)

    result, seen = run_probe(server, client, name, {"probe": "fill_tmp", "limit_mb": 2048})

    assert result.function_error is None, result
    answers = result.json
    assert answers["error"] == "ENOSPC", answers
    assert answers["size_mb"] == 512, answers
    assert 500 <= answers["written_mb"] <= 512, answers
    assert_contained(server, client, seen, ended=False)


# -- the network ----------------------------------------------------------------------------------

def test_no_network_but_the_runtime_api(server, client, probe):
    name = probe()
    port = int(re.search(r":(\d+)$", server.endpoint.rstrip("/")).group(1))
    event = {"probe": "network", "tcp": [["127.0.0.1", port], ["1.1.1.1", 443], ["8.8.8.8", 53], ["127.0.0.1", 9001]],
             "udp": [["1.1.1.1", 53]], "name": "example.com"}

    result, seen = run_probe(server, client, name, event)

    assert result.function_error is None, result
    answers = result.json
    assert answers[f"tcp 127.0.0.1:{port}"] == "ECONNREFUSED", answers
    assert answers["tcp 1.1.1.1:443"] in ("ENETUNREACH", "EHOSTUNREACH"), answers
    assert answers["tcp 8.8.8.8:53"] in ("ENETUNREACH", "EHOSTUNREACH"), answers
    assert answers["udp 1.1.1.1:53"] in ("ENETUNREACH", "EHOSTUNREACH"), answers
    assert answers["resolve"] != "ok" and not str(answers["resolve"]).startswith("("), answers
    # Only the loopback interface; raw and packet sockets are refused.
    assert answers["interfaces"] == ["lo"], answers
    assert answers["packet socket"] in ("EAFNOSUPPORT", "EPERM"), answers
    assert answers["raw socket"] == "EPERM", answers
    # The Runtime API is the only thing listening.
    assert answers["tcp 127.0.0.1:9001"] == "connected", answers
    assert_contained(server, client, seen, ended=False)


def test_a_function_holds_few_connections_to_the_server(server, client, probe):
    """A function that opens connection after connection to the Runtime API or its private endpoint cannot take the
    server's descriptors: beyond a few (a runtime keeps one or two, an SDK pools up to ten), the server closes them
    as soon as it accepts them."""
    name = probe()
    addresses = [["127.0.0.1", 9001], ["127.0.0.1", 4566]]

    result, seen = run_probe(server, client, name, {"probe": "connections", "addresses": addresses, "count": 40})

    assert result.function_error is None, result
    runtime_api, endpoint = result.json["127.0.0.1:9001"], result.json["127.0.0.1:4566"]
    assert runtime_api["opened"] == 40 and 1 <= runtime_api["open"] <= 8, runtime_api
    assert endpoint == {"opened": 40, "open": 32}, endpoint
    # The runtime's own connection still serves: the next invocation answers.
    assert invoke(client, name, {"probe": "echo", "value": "still served"}).json == {"echo": "still served"}
    assert_contained(server, client, seen, ended=False)


# -- processes ------------------------------------------------------------------------------------

def test_only_its_own_processes_are_visible(server, client, probe):
    name = probe()

    result, seen = run_probe(server, client, name, {"probe": "processes"})

    processes = result.json["processes"]
    assert len(processes) <= 4, processes
    assert str(server.process.pid) not in processes or "bulwark" not in processes[str(server.process.pid)]
    for pid, command in processes.items():
        assert "bulwark serve" not in command and "pytest" not in command, processes
    # The runtime, as on AWS: /var/lang/bin/python3.X /var/runtime/bootstrap.py.
    assert any(command == f"/var/lang/bin/{PYTHON_RUNTIME} /var/runtime/bootstrap.py" for command in processes.values()), processes
    assert_contained(server, client, seen, ended=False)


def test_ptrace_is_refused(server, client, probe):
    name = probe()

    result, seen = run_probe(server, client, name, {"probe": "ptrace"})

    assert result.json == {"attach_child": "EPERM", "attach_init": "EPERM", "traceme": "EPERM"}, result.json
    assert_contained(server, client, seen, ended=False)


def test_mount_is_refused(server, client, probe):
    name = probe()

    result, seen = run_probe(server, client, name, {"probe": "mount"})

    assert result.function_error is None, result
    answers = result.json
    for key in ("mount_tmpfs", "bind_root", "remount_task_rw", "unmount_task", "chroot"):
        assert answers[key] == "EPERM", answers
    assert answers["still_read_only"] == "EROFS", answers
    assert_contained(server, client, seen, ended=False)


def test_new_namespaces_and_privileges_are_refused(server, client, probe):
    name = probe()

    result, seen = run_probe(server, client, name, {"probe": "unshare"})

    assert result.function_error is None, result
    answers = result.json
    for key in ("user", "mount", "pid", "net"):
        assert answers[key] == "EPERM", answers
    # uid 0 does not exist in the sandbox's user namespace.
    assert answers["setuid_root"] in ("EPERM", "EINVAL"), answers
    assert answers["identity"] == {"uid": 993, "gid": 990, "euid": 993}, answers
    status = answers["status"]
    assert int(status["CapEff"], 16) == 0 and int(status["CapPrm"], 16) == 0 and int(status["CapBnd"], 16) == 0, status
    assert status["NoNewPrivs"] == "1", status
    assert status["Seccomp"] == "2", status  # filter mode
    assert_contained(server, client, seen, ended=False)


def pids_current(environment: str) -> int | None:
    """pids.current of an environment's pids group, if it exists."""
    for directory in control_groups(environment):
        try:
            return int(Path(directory, "pids.current").read_text())
        except (OSError, ValueError):
            continue
    return None


def test_fork_bomb_hits_the_process_limit(server, client, probe):
    name = probe(MemorySize=512, Timeout=6)
    during: dict = {}
    peak = {"current": 0}

    def another_function_answers():
        started = time.monotonic()
        during["canary"] = invoke(server.client("lambda"), CANARY, {"during": "fork bomb"})
        during["seconds"] = time.monotonic() - started

    def count(seen):
        for environment in seen:
            current = pids_current(environment)
            if current:
                peak["current"] = max(peak["current"], current)

    started = time.monotonic()
    result, seen = run_probe(server, client, name, {"probe": "fork_bomb"}, during=another_function_answers, watch=count)
    elapsed = time.monotonic() - started

    assert result.function_error == "Unhandled", result
    assert result.json["errorType"] in ("Sandbox.Timedout", "Runtime.ExitError", "Runtime.OutOfMemory"), result.json
    assert elapsed < 60, elapsed  # a hang guard, not a speed goal
    # The kernel refused forks at Lambda's 1024 processes — RLIMIT_NPROC, as on Lambda, with the pids group
    # behind it at the same count (whichever refuses first) — and the bomb saw it.
    assert 0 < peak["current"] <= 1024, peak
    messages = log_messages(server, name)
    assert any("Cannot fork" in message or message.startswith("FORK FAILED EAGAIN") for message in messages), messages[-10:]
    # The bomb's own count lists /proc while processes come and go, so only the cgroup's is exact.
    for message in messages:
        if match := re.fullmatch(r"FORK FAILED (\w+) with (\d+) processes", message):
            assert match.group(1) == "EAGAIN", message
    assert during["canary"].function_error is None, during
    assert during["canary"].json["event"] == {"during": "fork bomb"}
    assert_contained(server, client, seen, ended=True)


def test_allocating_past_the_memory_size_is_killed(server, client, probe):
    name = probe(MemorySize=128)

    result, seen = run_probe(server, client, name, {"probe": "allocate", "megabytes": 1024})

    assert result.function_error == "Unhandled", result
    assert result.json["errorType"] == "Runtime.OutOfMemory", result.json
    assert_contained(server, client, seen, ended=True)


def test_timed_out_sandbox_is_torn_down(server, client, probe):
    name = probe(Timeout=1)

    result, seen = run_probe(server, client, name, {"probe": "fork_bomb"})

    assert result.json["errorType"] in ("Sandbox.Timedout", "Runtime.OutOfMemory"), result.json
    assert_contained(server, client, seen, ended=True)


def test_server_stop_leaves_nothing_behind(fresh_bulwark, unique_name):
    server = fresh_bulwark().start()
    create(server, unique_name, python_zip("probe.py"))
    assert invoke(server.client("lambda"), unique_name, {"probe": "echo"}).function_error is None
    current = snapshot(server.process.pid)
    environments = dict(current.staging)
    processes = set(current.processes)
    assert environments and processes

    server.stop()

    wait_for(lambda: not [pid for pid in processes if Path(f"/proc/{pid}").exists()], timeout=10,
             message="the sandbox processes to end")
    wait_until_gone(environments)
