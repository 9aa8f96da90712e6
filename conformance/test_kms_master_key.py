"""KMS key material at rest (issue #11): wrapped by the master key, `<data-dir>/keys/master.key` (0600) or the
operator's file named by BULWARK_MASTER_KEY_FILE, so that a data directory without its master key decrypts
nothing, and no plaintext or key material lies in any file of the data directory."""

from __future__ import annotations

import base64
import os
import stat
import subprocess

import pytest
from botocore.exceptions import ClientError

from conftest import BULWARK_BIN, RUNTIMES_DIR

PLANTED = b"planted-kms-plaintext-7d1f3a"


def files_under(directory):
    for root, _, names in os.walk(directory):
        for name in names:
            path = os.path.join(root, name)
            if os.path.isfile(path):
                yield path


def assert_nowhere(directory, needle: bytes) -> None:
    for path in files_under(directory):
        with open(path, "rb") as handle:
            content = handle.read()
        for form in (needle, base64.b64encode(needle)):
            assert form not in content, f"{form!r} found in {path}"


def test_keys_survive_a_restart_and_the_master_key_is_the_servers_alone(fresh_bulwark):
    server = fresh_bulwark().start()
    kms = server.client("kms")
    key_id = kms.create_key(Description="durable")["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=key_id, Plaintext=PLANTED, EncryptionContext={"app": "x"})["CiphertextBlob"]
    data_key = kms.generate_data_key(KeyId=key_id, KeySpec="AES_256")
    server.restart()
    kms = server.client("kms")
    assert kms.decrypt(CiphertextBlob=blob, EncryptionContext={"app": "x"})["Plaintext"] == PLANTED
    assert kms.decrypt(CiphertextBlob=data_key["CiphertextBlob"])["Plaintext"] == data_key["Plaintext"]

    master = server.data_dir / "keys" / "master.key"
    assert stat.S_IMODE(master.stat().st_mode) == 0o600
    assert stat.S_IMODE(master.parent.stat().st_mode) == 0o700
    assert master.stat().st_size == 32
    server.stop()
    assert_nowhere(server.data_dir, PLANTED)
    assert_nowhere(server.data_dir, data_key["Plaintext"])


def test_with_the_operators_master_key_the_data_directory_alone_decrypts_nothing(fresh_bulwark, tmp_path):
    key_file = tmp_path / "operator-master.key"
    key_file.write_bytes(os.urandom(32))
    key_file.chmod(0o600)
    server = fresh_bulwark(env={"BULWARK_MASTER_KEY_FILE": str(key_file)}).start()
    kms = server.client("kms")
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=key_id, Plaintext=PLANTED)["CiphertextBlob"]
    server.stop()
    assert not (server.data_dir / "keys" / "master.key").exists()
    assert_nowhere(server.data_dir, PLANTED)

    # The same data directory without the operator's key: the material does not unwrap.
    without = fresh_bulwark(data_dir=server.data_dir).start()
    with pytest.raises(ClientError) as raised:
        without.client("kms").decrypt(CiphertextBlob=blob)
    assert raised.value.response["Error"]["Code"] == "KMSInternalException"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    without.stop()

    again = fresh_bulwark(data_dir=server.data_dir, env={"BULWARK_MASTER_KEY_FILE": str(key_file)}).start()
    assert again.client("kms").decrypt(CiphertextBlob=blob)["Plaintext"] == PLANTED


@pytest.mark.parametrize("content, mode, problem", [
    (os.urandom(32), 0o644, "may be read by other users (mode 644; use 0600)"),
    (b"too short", 0o600, "holds 9 bytes, not a 256-bit key (32 bytes or 64 hexadecimal digits)"),
])
def test_an_unusable_master_key_file_stops_the_server(tmp_path, content, mode, problem):
    key_file = tmp_path / "bad.key"
    key_file.write_bytes(content)
    key_file.chmod(mode)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "BULWARK_"))}
    env["BULWARK_MASTER_KEY_FILE"] = str(key_file)
    refused = subprocess.run([BULWARK_BIN, "serve", "--port", "0", "--data-dir", str(tmp_path / "data"), "--runtimes-dir", RUNTIMES_DIR],
                             capture_output=True, text=True, timeout=60, env=env)
    assert refused.returncode == 1
    assert refused.stderr == f"Error: the master key file {key_file} {problem}\n"
