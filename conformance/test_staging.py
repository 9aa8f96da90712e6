"""What a server stages for its sandboxes under $TMPDIR (the runtime clients, copies of interpreters, extracted code)
is its own and goes with it: removed when the server stops, reused when it starts again over the same data
directory, and reclaimed by the next server once the data directory of a killed one is gone. `bulwark doctor`
stages in a directory of its own and removes it. Nothing of another user's or of a live process's is touched."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from conftest import BULWARK_BIN, RUNTIMES_DIR
from support.lam import create_function

PREFIX = f"bulwark-sandbox-{os.geteuid()}-"


@pytest.fixture
def tmpdir_root():
    """A $TMPDIR of the test's own, traversable by the sandbox users as /tmp is."""
    root = Path(tempfile.mkdtemp(prefix="bw-tmp-", dir="/tmp"))
    root.chmod(0o711)
    yield root
    shutil.rmtree(root, ignore_errors=True)


def staged(root: Path) -> list[str]:
    return sorted(entry.name for entry in root.iterdir() if entry.name.startswith(PREFIX))


def run_a_function(server, name: str) -> None:
    client = server.client("lambda")
    create_function(client, server.account_id, name)
    answer = client.invoke(FunctionName=name, Payload=b"{}")
    assert "FunctionError" not in answer, answer["Payload"].read()


def wait_until(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def plant_owner(directory: Path, pid: int, data_dir: str) -> None:
    directory.mkdir(mode=0o700)
    (directory / "owner").write_text(f"{pid}\n{data_dir}\n")
    (directory / "code").mkdir()


def test_a_stopped_server_leaves_nothing_in_tmp(fresh_bulwark, tmpdir_root):
    server = fresh_bulwark(env={"TMPDIR": str(tmpdir_root)}).start()
    run_a_function(server, "staged")
    [staging] = staged(tmpdir_root)
    owner = (tmpdir_root / staging / "owner").read_text()
    assert owner == f"{server.process.pid}\n{server.data_dir}\n"
    assert any((tmpdir_root / staging / "code").iterdir())

    server.stop()

    assert server.process.returncode == 0, "".join(server.output[-20:])
    assert list(tmpdir_root.iterdir()) == []


def test_a_server_answers_while_it_stages_and_a_stop_meanwhile_leaves_nothing(fresh_bulwark, tmpdir_root, tmp_path):
    # The staging directory is prepared after the edge listens (decision 0023): stopped at once, the server ends
    # the preparation, waits for it, and removes what it had staged.
    env = {"TMPDIR": str(tmpdir_root)}
    server = fresh_bulwark(env=env, data_dir=tmp_path / "data").start()
    assert server.client("sts").get_caller_identity()["Account"] == server.account_id
    server.stop()
    assert server.process.returncode == 0, "".join(server.output[-20:])
    assert list(tmpdir_root.iterdir()) == []

    # Started again, it stages again; a function created and invoked at once waits for it.
    server.start()
    run_a_function(server, "right-after-start")
    server.stop()
    assert server.process.returncode == 0, "".join(server.output[-20:])
    assert list(tmpdir_root.iterdir()) == []


def test_a_killed_servers_staging_is_reused_then_reclaimed_once_its_data_directory_is_gone(fresh_bulwark, tmpdir_root,
                                                                                            tmp_path):
    env = {"TMPDIR": str(tmpdir_root)}
    killed = fresh_bulwark(env=env, data_dir=tmp_path / "killed").start()
    run_a_function(killed, "killed")
    killed.kill9()
    [left] = staged(tmpdir_root)

    # The same data directory again: the same staging directory, nothing more.
    killed.start()
    assert staged(tmpdir_root) == [left]
    killed.kill9()
    shutil.rmtree(killed.data_dir)

    # Not reclaimed: another user's name pattern, a directory without an owner record, one whose process
    # lives (this test's), and a link to a directory.
    unowned = tmpdir_root / f"{PREFIX}unowned"
    unowned.mkdir(mode=0o700)
    live = tmpdir_root / f"{PREFIX}live"
    plant_owner(live, os.getpid(), str(tmp_path / "no-such-data"))
    target = tmpdir_root / "link-target"
    plant_owner(target, 2 ** 22 + 1, str(tmp_path / "no-such-data"))
    (tmpdir_root / f"{PREFIX}link").symlink_to(target)
    other_user = tmpdir_root / f"bulwark-sandbox-{os.geteuid() + 1}-other"
    plant_owner(other_user, 2 ** 22 + 1, str(tmp_path / "no-such-data"))
    # Not reclaimed: one whose owner record says it is abandoned but whose lock a process holds (a
    # server in another PID namespace, say).
    held = tmpdir_root / f"{PREFIX}held"
    plant_owner(held, 2 ** 22 + 1, str(tmp_path / "no-such-data"))
    held_lock = open(held / "owner.lock", "w")
    fcntl.flock(held_lock, fcntl.LOCK_EX)
    # Reclaimed: a one-off staging (a killed `bulwark doctor`) whose process has ended.
    doctor = tmpdir_root / f"{PREFIX}doctor-1-2"
    plant_owner(doctor, 2 ** 22 + 1, "")

    survivor = fresh_bulwark(env=env, data_dir=tmp_path / "survivor").start()

    # Taken at start (renamed at once), removed in the background.
    remaining = staged(tmpdir_root)
    assert left not in remaining and doctor.name not in remaining
    assert {unowned.name, live.name, held.name, f"{PREFIX}link"} <= set(remaining)
    assert "reclaiming sandbox directories of servers that are gone" in "".join(survivor.output)
    wait_until(lambda: not [name for name in staged(tmpdir_root) if "reclaimed-" in name])
    assert (target / "owner").exists() and other_user.is_dir()
    survivor.stop()
    held_lock.close()
    assert sorted(staged(tmpdir_root)) == sorted([unowned.name, live.name, held.name, f"{PREFIX}link"])


def test_an_operators_sandbox_dir_must_be_empty_or_bulwarks_and_is_used_by_one_server(fresh_bulwark, tmp_path, tmpdir_root):
    foreign = tmp_path / "home-like"
    foreign.mkdir(mode=0o700)
    (foreign / "bin").mkdir()
    (foreign / "notes.txt").write_text("mine")
    refused = serve_with_sandbox_dir(tmp_path / "data-a", foreign)
    assert refused.returncode == 1
    assert refused.stderr == (f"Error: the sandbox directory {foreign} is not empty and not a Bulwark sandbox "
                              "directory; give an empty or new directory\n")
    assert sorted(path.name for path in foreign.iterdir()) == ["bin", "notes.txt"]

    chosen = tmpdir_root / "sb"
    chosen.mkdir(mode=0o700)
    first = fresh_bulwark(extra_args=["--sandbox-dir", str(chosen)]).start()
    second = serve_with_sandbox_dir(tmp_path / "data-b", chosen)
    assert second.returncode == 1
    assert second.stderr == (f"Error: the sandbox directory {chosen} is in use by another Bulwark process; "
                             "give another one\n")
    run_a_function(first, "in-chosen")
    first.stop()
    # The operator's directory stays, emptied of what was staged.
    assert chosen.is_dir() and list(chosen.iterdir()) == []


def serve_with_sandbox_dir(data_dir: Path, sandbox_dir: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "BULWARK_"))}
    return subprocess.run([BULWARK_BIN, "serve", "--port", "0", "--data-dir", str(data_dir), "--runtimes-dir", RUNTIMES_DIR,
                           "--sandbox-dir", str(sandbox_dir)], capture_output=True, text=True, timeout=120, env=env)


def test_doctor_stages_apart_from_the_server_and_removes_what_it_staged(fresh_bulwark, tmpdir_root):
    server = fresh_bulwark(env={"TMPDIR": str(tmpdir_root)}).start()
    run_a_function(server, "in-use")
    [serving] = staged(tmpdir_root)
    before = sorted(path.name for path in (tmpdir_root / serving / "code").iterdir())

    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "BULWARK_"))} | {"TMPDIR": str(tmpdir_root)}
    doctor = subprocess.run([BULWARK_BIN, "doctor", "--data-dir", str(server.data_dir), "--runtimes-dir", RUNTIMES_DIR],
                            capture_output=True, text=True, timeout=120, env=env)

    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert staged(tmpdir_root) == [serving]
    assert sorted(path.name for path in (tmpdir_root / serving / "code").iterdir()) == before
    answer = server.client("lambda").invoke(FunctionName="in-use", Payload=b"{}")
    assert "FunctionError" not in answer
