"""Account bootstrap: a generated account and administrator key on first start, or ones the operator
supplies (flags or BULWARK_* variables; the secret from a file or the environment, never an
argument). The supplied key is an ordinary key; later starts may repeat the values but never change
them; and the secret is not printed again.
"""

from __future__ import annotations

import re
import stat
import subprocess

import pytest

from conftest import BULWARK_BIN
from support.lam import INVALID_TOKEN, SIGNATURE_MISMATCH, create_function, expect_error, function_arn

ACCOUNT = "210987654321"
KEY_ID = "AKIABULWARKCONFORM01"
SECRET = "Conformance/Secret+Key0123456789abcdefGHIJ"


def start_fails(server) -> str:
    """Starts `server`, expecting it to refuse; returns what it printed."""
    with pytest.raises(RuntimeError) as raised:
        server.start(timeout=60)
    assert server.process.returncode not in (None, 0)
    return str(raised.value)


def secret_file(tmp_path, secret: str = SECRET):
    path = tmp_path / "admin-secret"
    path.write_text(secret + "\n")
    path.chmod(0o600)
    return path


def supplied_flags(tmp_path, account: str = ACCOUNT, key_id: str = KEY_ID, secret: str = SECRET) -> list[str]:
    return ["--account-id", account, "--admin-access-key-id", key_id,
            "--admin-secret-access-key-file", str(secret_file(tmp_path, secret))]


# -- generated ---------------------------------------------------------------------------------------------


def test_first_start_creates_an_account_and_a_private_credentials_file(fresh_bulwark):
    server = fresh_bulwark().start()

    assert re.fullmatch(r"\d{12}", server.account_id)
    key, secret = server.admin_key
    assert re.fullmatch(r"AKIA[A-Z0-9]{16}", key), key
    assert len(secret) == 40
    assert stat.S_IMODE(server.credentials_file.stat().st_mode) == 0o600
    assert server.client("lambda").list_functions()["Functions"] == []


def test_the_secret_is_not_printed_again_on_later_starts(fresh_bulwark):
    server = fresh_bulwark().start()
    _, secret = server.admin_key
    server.restart()
    assert secret not in "".join(server.output)
    assert server.exports["AWS_SHARED_CREDENTIALS_FILE"]


def test_each_installation_gets_its_own_account_and_key(fresh_bulwark):
    first, second = fresh_bulwark().start(), fresh_bulwark().start()
    assert first.account_id != second.account_id
    assert first.admin_key != second.admin_key
    # One installation's key means nothing to the other.
    key, secret = first.admin_key
    expect_error(second.client("lambda", access_key=key, secret_key=secret).list_functions,
                 "UnrecognizedClientException", 403, INVALID_TOKEN)


def test_credentials_command_prints_the_file_path_only(fresh_bulwark):
    server = fresh_bulwark().start()
    _, secret = server.admin_key
    result = subprocess.run([BULWARK_BIN, "credentials", "--data-dir", str(server.data_dir)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(server.credentials_file)
    assert secret not in result.stdout + result.stderr


def test_credentials_command_without_a_started_data_dir_fails(tmp_path):
    result = subprocess.run([BULWARK_BIN, "credentials", "--data-dir", str(tmp_path / "never-started")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0


# -- supplied by the operator ------------------------------------------------------------------------------


def test_operator_supplies_account_and_key_with_flags(fresh_bulwark, tmp_path):
    server = fresh_bulwark(supplied_flags(tmp_path)).start()

    assert server.account_id == ACCOUNT
    assert server.admin_key == (KEY_ID, SECRET)
    assert SECRET not in "".join(server.output)
    client = server.client("lambda", access_key=KEY_ID, secret_key=SECRET)
    created = create_function(client, ACCOUNT, "supplied")
    assert created["FunctionArn"] == function_arn(ACCOUNT, "supplied")


def test_operator_supplies_account_and_key_in_the_environment(fresh_bulwark):
    server = fresh_bulwark(env={
        "BULWARK_ACCOUNT_ID": ACCOUNT, "BULWARK_ADMIN_ACCESS_KEY_ID": KEY_ID, "BULWARK_ADMIN_SECRET_ACCESS_KEY": SECRET,
    }).start()

    assert server.account_id == ACCOUNT
    assert server.admin_key == (KEY_ID, SECRET)
    assert server.client("lambda", access_key=KEY_ID, secret_key=SECRET).get_account_settings()["AccountUsage"]["FunctionCount"] == 0


def test_operator_supplies_the_secret_in_a_file_named_by_the_environment(fresh_bulwark, tmp_path):
    server = fresh_bulwark(env={
        "BULWARK_ACCOUNT_ID": ACCOUNT, "BULWARK_ADMIN_ACCESS_KEY_ID": KEY_ID,
        "BULWARK_ADMIN_SECRET_ACCESS_KEY_FILE": str(secret_file(tmp_path)),
    }).start()
    assert server.admin_key == (KEY_ID, SECRET)


def test_supplied_key_is_an_ordinary_key(fresh_bulwark, tmp_path):
    server = fresh_bulwark(supplied_flags(tmp_path)).start()
    expect_error(server.client("lambda", access_key=KEY_ID, secret_key=SECRET[::-1]).list_functions,
                 "InvalidSignatureException", 403, SIGNATURE_MISMATCH)
    expect_error(server.client("lambda", access_key="test", secret_key="test").list_functions,
                 "UnrecognizedClientException", 403, INVALID_TOKEN)


def test_later_start_may_repeat_the_supplied_values(fresh_bulwark, tmp_path):
    server = fresh_bulwark(supplied_flags(tmp_path)).start()
    create_function(server.client("lambda"), ACCOUNT, "still-here")
    server.stop()

    again = fresh_bulwark(supplied_flags(tmp_path), data_dir=server.data_dir).start()

    assert again.account_id == ACCOUNT
    assert again.client("lambda").get_function(FunctionName="still-here")["Configuration"]["FunctionName"] == "still-here"


def test_later_start_refuses_a_different_account_id(fresh_bulwark, tmp_path):
    server = fresh_bulwark(supplied_flags(tmp_path)).start()
    create_function(server.client("lambda"), ACCOUNT, "kept")
    server.stop()

    output = start_fails(fresh_bulwark(supplied_flags(tmp_path, account="999999999999"), data_dir=server.data_dir))
    assert ACCOUNT in output

    unchanged = fresh_bulwark(data_dir=server.data_dir).start()
    assert unchanged.account_id == ACCOUNT
    assert unchanged.client("lambda").get_function(FunctionName="kept")["Configuration"]["FunctionArn"] == function_arn(ACCOUNT, "kept")


def test_later_start_refuses_a_different_generated_account(fresh_bulwark):
    server = fresh_bulwark().start()
    account = server.account_id
    server.stop()
    other = "999999999999" if account != "999999999999" else "888888888888"
    start_fails(fresh_bulwark(env={"BULWARK_ACCOUNT_ID": other}, data_dir=server.data_dir))


def test_later_start_refuses_a_different_key(fresh_bulwark, tmp_path):
    server = fresh_bulwark(supplied_flags(tmp_path)).start()
    server.stop()
    start_fails(fresh_bulwark(supplied_flags(tmp_path, key_id="AKIAOTHERKEYOTHERKEY"), data_dir=server.data_dir))


@pytest.mark.parametrize("secret", ["short", "has a space in it 1234567890", ""])
def test_unfit_secret_is_refused(fresh_bulwark, tmp_path, secret):
    server = fresh_bulwark(env={"BULWARK_ACCOUNT_ID": ACCOUNT, "BULWARK_ADMIN_ACCESS_KEY_ID": KEY_ID,
                                "BULWARK_ADMIN_SECRET_ACCESS_KEY": secret})
    start_fails(server)
    assert not server.credentials_file.exists()


@pytest.mark.parametrize("account", ["12345", "12345678901a", "1234567890123"])
def test_account_id_that_is_not_12_digits_is_refused(fresh_bulwark, tmp_path, account):
    start_fails(fresh_bulwark(supplied_flags(tmp_path, account=account)))


def test_key_id_without_its_secret_is_refused(fresh_bulwark):
    start_fails(fresh_bulwark(env={"BULWARK_ADMIN_ACCESS_KEY_ID": KEY_ID}))


def test_secret_is_never_a_command_line_argument(fresh_bulwark):
    server = fresh_bulwark(["--account-id", ACCOUNT, "--admin-access-key-id", KEY_ID, "--admin-secret-access-key", SECRET])
    start_fails(server)
    assert not server.credentials_file.exists()
