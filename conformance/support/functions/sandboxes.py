"""What a server's sandboxes leave on the host: processes, staging directories and control groups.

A sandbox is a `bwrap` process started by the server; its command line binds `<staging>/bin/bulwark-init` at
/var/bulwark/init, and the processes inside are in control groups named `env-<staging directory name>-<id>`,
which name the environment.
"""

from __future__ import annotations

import os
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

INIT_BIND = re.compile(r"\x00(/[^\x00]*)/bin/bulwark-init\x00/var/bulwark/init\x00")
ENVIRONMENT_GROUP = re.compile(r"/env-[^/\n]*-([0-9a-f]{32})(?:/|$)", re.MULTILINE)
#: In the environment of the sandbox's processes, never on a command line (issue #8); reading another process's
#: environment takes its user or root, as these tests have.
FUNCTION_NAME = re.compile(r"(?:^|\x00)AWS_LAMBDA_FUNCTION_NAME=([^\x00]+)\x00")


@dataclass
class Process:
    pid: int
    ppid: int
    state: str
    uid: int
    command: str


@dataclass
class Snapshot:
    """The server's process tree below it, grouped by the environment each sandbox serves."""

    processes: dict[int, Process]
    #: environment id → pids of its sandbox (bwrap and everything below it)
    environments: dict[str, set[int]] = field(default_factory=dict)
    #: environment id → the staging directory its sandbox is built from
    staging: dict[str, Path] = field(default_factory=dict)
    #: environment id → the name of the function it runs
    functions: dict[str, str] = field(default_factory=dict)

    def of(self, function: str) -> dict[str, Path]:
        """The environments of one function: id → staging directory."""
        return {environment: self.staging[environment] for environment, name in self.functions.items() if name == function}

    @property
    def zombies(self) -> list[Process]:
        return [process for process in self.processes.values() if process.state == "Z"]

    def describe(self) -> str:
        return "\n".join(f"{p.pid} ppid={p.ppid} {p.state} uid={p.uid} {p.command[:150]}" for p in self.processes.values())


def _read(path: str) -> bytes | None:
    try:
        with open(path, "rb") as file:
            return file.read()
    except OSError:
        return None


def _function_name(pids: set[int]) -> str:
    """AWS_LAMBDA_FUNCTION_NAME as the processes of a sandbox have it ("" before bubblewrap has set it)."""
    for pid in sorted(pids):
        name = FUNCTION_NAME.search((_read(f"/proc/{pid}/environ") or b"").decode("latin-1") + "\x00")
        if name:
            return name.group(1)
    return ""


def all_processes() -> dict[int, Process]:
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        stat = _read(f"/proc/{entry}/stat")
        status = _read(f"/proc/{entry}/status")
        if stat is None or status is None:
            continue
        fields = stat.decode("latin-1").rsplit(")", 1)[1].split()
        uid_line = next((line for line in status.decode("latin-1").splitlines() if line.startswith("Uid:")), "Uid:\t-1")
        command = (_read(f"/proc/{entry}/cmdline") or b"").decode("latin-1")
        found[int(entry)] = Process(int(entry), int(fields[1]), fields[0], int(uid_line.split()[1]), command)
    return found


def snapshot(server_pid: int) -> Snapshot:
    """The processes below `server_pid` (0: every process of the host) and the sandboxes among them."""
    processes = all_processes()
    children = defaultdict(list)
    for process in processes.values():
        children[process.ppid].append(process.pid)

    def below(pid: int) -> set[int]:
        found, stack = set(), [pid]
        while stack:
            for child in children[stack.pop()]:
                if child not in found:
                    found.add(child)
                    stack.append(child)
        return found

    mine = {pid: processes[pid] for pid in below(server_pid)}
    result = Snapshot(processes=mine)
    for process in mine.values():
        match = INIT_BIND.search(process.command + "\x00")
        if match and "bwrap" in process.command.split("\x00")[0] and processes.get(process.ppid) is not None:
            # The outermost bwrap of a sandbox: its parent is not itself a sandbox process.
            if INIT_BIND.search(processes[process.ppid].command + "\x00") is None:
                pids = {process.pid} | below(process.pid)
                environment = _environment(pids)
                if environment is None:  # not yet placed in its control groups
                    continue
                result.environments[environment] = pids
                result.staging[environment] = Path(match.group(1))
                result.functions[environment] = _function_name(pids)
    return result


def _environment(pids: set[int]) -> str | None:
    """The environment id in the control groups of a sandbox's processes (bwrap itself stays in the server's)."""
    for pid in sorted(pids):
        group = ENVIRONMENT_GROUP.search((_read(f"/proc/{pid}/cgroup") or b"").decode("latin-1"))
        if group:
            return group.group(1)
    return None


def control_groups(environment: str) -> list[str]:
    """The control-group directories of an environment (env-<staging>-<environment>), in every mounted
    hierarchy."""
    found = []
    for line in (_read("/proc/self/mountinfo") or b"").decode().splitlines():
        parts = line.split()
        if parts[parts.index("-") + 1] not in ("cgroup", "cgroup2"):
            continue
        mount = parts[4]
        for root, directories, _ in os.walk(mount):
            for directory in directories:
                if directory.startswith("env-") and directory.endswith(f"-{environment}"):
                    found.append(os.path.join(root, directory))
            if root.count("/") - mount.count("/") >= 6:
                directories[:] = []
    return found


def wait_until_gone(environments: dict[str, Path], timeout: float = 10) -> None:
    """Waits until none of `environments` (id → staging directory) has a process anywhere on the host or a
    control group left."""
    deadline = time.monotonic() + timeout
    while True:
        everywhere = snapshot(0)
        left = {
            environment: {
                "processes": sorted(everywhere.environments.get(environment, ())),
                "control groups": control_groups(environment),
            }
            for environment in environments
        }
        left = {environment: what for environment, what in left.items() if any(what.values())}
        if not left:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"sandboxes left behind after {timeout} s: {left}")
        time.sleep(0.2)
