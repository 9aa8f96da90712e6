"""Starting `bulwark serve`: one server per data directory, and a listener that cannot be opened is
reported before anything is created."""

from __future__ import annotations

import subprocess

from conftest import BULWARK_BIN, RUNTIMES_DIR


def serve(data_dir, port: int) -> subprocess.CompletedProcess:
    return subprocess.run([BULWARK_BIN, "serve", "--port", str(port), "--data-dir", str(data_dir),
                           "--runtimes-dir", RUNTIMES_DIR], capture_output=True, text=True, timeout=60)


def test_a_second_server_on_the_same_data_directory_is_refused(fresh_bulwark):
    server = fresh_bulwark().start()
    second = serve(server.data_dir, 0)

    assert second.returncode == 1
    assert second.stderr == (f"Error: Another bulwark serve (process {server.process.pid}) is using the data directory "
                             f"{server.data_dir}; stop it or give a different --data-dir.\n")
    # The first one goes on serving.
    assert server.client("lambda").list_functions()["Functions"] == []


def test_a_port_in_use_is_reported_before_anything_is_created(fresh_bulwark, tmp_path):
    server = fresh_bulwark().start()
    port = int(server.endpoint.rsplit(":", 1)[1])
    data_dir = tmp_path / "never-created"
    refused = serve(data_dir, port)

    assert refused.returncode == 1
    assert refused.stderr == (f"Error: Cannot listen on 127.0.0.1:{port}: the address is already in use (another process "
                              "listens there; choose another --port).\n")
    assert not data_dir.exists()
