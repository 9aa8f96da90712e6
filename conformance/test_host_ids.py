"""Servers running as root on one host never share a sandbox user or group (docs/decisions/0021): each holds a block
of host ids, claimed with a lock in /run/bulwark/host-ids that the kernel releases when the server ends."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

import pytest

from support.lam import create_function

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="host ids are given to sandboxes only by a server running as root")

REGISTRY = Path("/run/bulwark/host-ids")
FIRST, SIZE = 1_901_000_000, 1 << 20



def sandbox_users(server, name: str) -> set[int]:
    """The host uids of the processes a warm environment of a new function runs (the server's descendants but itself)."""
    client = server.client("lambda")
    create_function(client, server.account_id, name)
    answer = client.invoke(FunctionName=name, Payload=b"{}")
    assert "FunctionError" not in answer, answer["Payload"].read()
    parents, users = {}, {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue  # ended meanwhile
        pid = int(status.parent.name)
        parents[pid], users[pid] = int(fields["PPid"]), int(fields["Uid"].split()[0])
    def descends(pid: int) -> bool:
        while pid in parents and pid > 1:
            pid = parents[pid]
            if pid == server.process.pid:
                return True
        return False
    return {users[pid] for pid in users if descends(pid)}


def held_block(pid: int) -> int:
    """The block whose lock file names `pid`, after checking that its lock is held."""
    for lock in REGISTRY.glob("block-*.lock"):
        if lock.read_text().strip() == str(pid):
            with open(lock, "rb") as handle:
                with pytest.raises(BlockingIOError):
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return int(lock.name.removeprefix("block-").removesuffix(".lock"))
    raise AssertionError(f"no lock file names server {pid}")


def test_two_servers_run_their_sandboxes_as_users_of_their_own_blocks(bulwark, fresh_bulwark):
    other = fresh_bulwark().start()
    users = [sandbox_users(bulwark, "host-ids-a"), sandbox_users(other, "host-ids-b")]
    blocks = [held_block(bulwark.process.pid), held_block(other.process.pid)]
    assert blocks[0] != blocks[1]
    for uids, block in zip(users, blocks):
        base = FIRST + block * SIZE
        # Every process of the sandbox runs as a user of the upper half of its server's block.
        assert uids and all(base + SIZE // 2 <= uid < base + SIZE for uid in uids), (block, uids)
    assert REGISTRY.stat().st_mode & 0o777 == 0o700 and REGISTRY.stat().st_uid == 0


def test_a_stopped_servers_block_is_free_for_the_next(fresh_bulwark):
    server = fresh_bulwark().start()
    block = held_block(server.process.pid)
    server.stop()
    lock = REGISTRY / f"block-{block}.lock"
    with open(lock, "rb") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free: the kernel released the stopped server's lock
