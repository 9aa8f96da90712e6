"""The README flow with the real `aws` CLI, exactly as a user types it after `make run`."""

from __future__ import annotations

import os
import subprocess

from support.lam import RUNTIME, function_arn, role_arn
from support.packages import code_sha256, hello_zip
from support.wire import fetch_url


def test_readme_flow(bulwark, unique_name, tmp_path):
    hello = tmp_path / "hello.zip"
    hello.write_bytes(hello_zip(unique_name))
    v2 = tmp_path / "v2.zip"
    v2.write_bytes(hello_zip(unique_name + " v2"))
    arn = function_arn(bulwark.account_id, unique_name)

    created = bulwark.aws(
        "lambda", "create-function", "--function-name", unique_name, "--runtime", RUNTIME,
        "--handler", "app.handler", "--role", role_arn(bulwark.account_id, "hello-role"),
        "--zip-file", f"fileb://{hello}",
    ).json
    assert created["FunctionArn"] == arn
    assert created["CodeSha256"] == code_sha256(hello.read_bytes())

    listed = bulwark.aws("lambda", "list-functions").json
    assert unique_name in [function["FunctionName"] for function in listed["Functions"]]

    got = bulwark.aws("lambda", "get-function", "--function-name", unique_name).json
    download = fetch_url(got["Code"]["Location"])
    assert download.status == 200
    assert download.body == hello.read_bytes()
    assert code_sha256(download.body) == got["Configuration"]["CodeSha256"]

    configured = bulwark.aws(
        "lambda", "update-function-configuration", "--function-name", unique_name,
        "--timeout", "30", "--environment", "Variables={AB=b}",
    ).json
    assert configured["Timeout"] == 30
    assert configured["Environment"] == {"Variables": {"AB": "b"}}
    bulwark.aws("lambda", "wait", "function-updated-v2", "--function-name", unique_name)

    updated = bulwark.aws("lambda", "update-function-code", "--function-name", unique_name, "--zip-file", f"fileb://{v2}").json
    assert updated["CodeSha256"] == code_sha256(v2.read_bytes())
    assert updated["Timeout"] == 30

    bulwark.aws("lambda", "tag-resource", "--resource", arn, "--tags", "team=core,stage=test")
    assert bulwark.aws("lambda", "list-tags", "--resource", arn).json == {"Tags": {"team": "core", "stage": "test"}}
    bulwark.aws("lambda", "untag-resource", "--resource", arn, "--tag-keys", "stage")
    assert bulwark.aws("lambda", "list-tags", "--resource", arn).json == {"Tags": {"team": "core"}}

    configuration = bulwark.aws("lambda", "get-function-configuration", "--function-name", unique_name).json
    assert (configuration["CodeSha256"], configuration["Timeout"]) == (updated["CodeSha256"], 30)

    deleted = bulwark.aws("lambda", "delete-function", "--function-name", unique_name)
    assert deleted.returncode == 0
    gone = bulwark.aws("lambda", "get-function", "--function-name", unique_name, check=False)
    assert gone.returncode != 0
    assert "ResourceNotFoundException" in gone.stderr


def test_get_account_settings(bulwark):
    settings = bulwark.aws("lambda", "get-account-settings").json
    assert settings["AccountLimit"]["CodeSizeZipped"] == 52_428_800
    assert settings["AccountLimit"]["CodeSizeUnzipped"] == 262_144_000
    assert settings["AccountUsage"]["FunctionCount"] >= 0


def test_exports_printed_at_start_point_the_cli_at_the_server(fresh_bulwark, tmp_path):
    """`make run` prints an export line; with exactly those variables the CLI works."""
    server = fresh_bulwark().start()
    exports = server.exports
    assert exports["AWS_ENDPOINT_URL"] == server.endpoint
    assert exports["AWS_DEFAULT_REGION"] == "us-east-1"
    assert os.path.samefile(exports["AWS_SHARED_CREDENTIALS_FILE"], server.credentials_file)

    hello = tmp_path / "hello.zip"
    hello.write_bytes(hello_zip("exports"))
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env.update(exports, AWS_CONFIG_FILE=os.devnull)

    def aws(*arguments):
        result = subprocess.run(["aws", *arguments], capture_output=True, text=True, env=env, timeout=120)
        assert result.returncode == 0, result.stderr
        return result

    aws("lambda", "create-function", "--function-name", "hello", "--runtime", RUNTIME, "--handler", "app.handler",
        "--role", role_arn(server.account_id, "hello-role"), "--zip-file", f"fileb://{hello}")
    assert '"FunctionName": "hello"' in aws("lambda", "list-functions").stdout


def test_cli_get_function_of_a_partial_arn(bulwark, unique_name, tmp_path):
    hello = tmp_path / "hello.zip"
    hello.write_bytes(hello_zip(unique_name))
    bulwark.aws("lambda", "create-function", "--function-name", unique_name, "--runtime", RUNTIME,
                "--handler", "app.handler", "--role", role_arn(bulwark.account_id), "--zip-file", f"fileb://{hello}")
    got = bulwark.aws("lambda", "get-function", "--function-name", f"{bulwark.account_id}:function:{unique_name}").json
    assert got["Configuration"]["FunctionName"] == unique_name
