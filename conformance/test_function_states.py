"""Function states and the shape of a function's configuration, as AWS answers them (issue #9).

CreateFunction answers `Pending` ("The function is being created.", `Creating`) without a
`LastUpdateStatus`; the function becomes `Active` (`LastUpdateStatus: Successful`) once its package is
prepared, under a new RevisionId. An update answers `LastUpdateStatus: InProgress` with the same reason
and code (AWS's words, recorded e.g. in appleboy/lambda-action#65), then becomes `Successful`. AWS's
waiters (function_active_v2, function_updated_v2) poll GetFunction for these fields. A function whose
runtime this host cannot serve is created, then `Failed` with `InvalidRuntime` and a reason that says
what to install; Invoke refuses it as AWS refuses a function that is not Active.

References: the Lambda API reference (FunctionConfiguration, ListFunctions: "returns a subset of the
FunctionConfiguration fields"), "Lambda function states", botocore's waiters-2.json, and CreateFunction
answers recorded against AWS (e.g. RuntimeVersionConfig arn:aws:lambda:<region>::runtime:<sha256>).
"""

from __future__ import annotations

import platform
import re

import pytest
from botocore.exceptions import WaiterError

from support.lam import (
    HANDLER,
    LAST_MODIFIED,
    RUNTIME,
    UUID,
    create_function,
    expect_error,
    function_arn,
    role_arn,
    wait_for,
)
from support.packages import code_sha256, hello_zip

ARCHITECTURE = "arm64" if platform.machine() in ("aarch64", "arm64") else "x86_64"
RUNTIME_VERSION_ARN = re.compile(r"^arn:aws:lambda:us-east-1::runtime:[0-9a-f]{64}$")
CREATING = {"State": "Pending", "StateReason": "The function is being created.", "StateReasonCode": "Creating"}
UPDATING = {
    "LastUpdateStatus": "InProgress",
    "LastUpdateStatusReason": "The function is being created.",
    "LastUpdateStatusReasonCode": "Creating",
}
# A runtime AWS accepts that Bulwark serves on no host.
UNSERVED_RUNTIME = "java21"


def without_volatile(configuration: dict) -> dict:
    """The configuration without ResponseMetadata, its dates, revision and runtime version checked by pattern."""
    shown = {key: value for key, value in configuration.items() if key != "ResponseMetadata"}
    assert LAST_MODIFIED.match(shown.pop("LastModified"))
    assert UUID.match(shown.pop("RevisionId"))
    if "RuntimeVersionConfig" in shown:
        runtime_version = shown.pop("RuntimeVersionConfig")
        assert list(runtime_version) == ["RuntimeVersionArn"] and RUNTIME_VERSION_ARN.match(runtime_version["RuntimeVersionArn"])
    return shown


def expected_configuration(account_id: str, name: str, package: bytes, **changes) -> dict:
    configuration = {
        "FunctionName": name,
        "FunctionArn": function_arn(account_id, name),
        "Runtime": RUNTIME,
        "Role": role_arn(account_id),
        "Handler": HANDLER,
        "CodeSize": len(package),
        "Description": "",
        "Timeout": 3,
        "MemorySize": 128,
        "CodeSha256": code_sha256(package),
        "Version": "$LATEST",
        "TracingConfig": {"Mode": "PassThrough"},
        "PackageType": "Zip",
        "Architectures": [ARCHITECTURE],
        "EphemeralStorage": {"Size": 512},
        "SnapStart": {"ApplyOn": "None", "OptimizationStatus": "Off"},
        "LoggingConfig": {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{name}"},
    }
    configuration.update(changes)
    return configuration


def test_create_answers_pending_and_the_function_becomes_active(bulwark, lambda_client, unique_name):
    package = hello_zip(unique_name)

    created = create_function(lambda_client, bulwark.account_id, unique_name, package, wait=False)

    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert without_volatile(created) == expected_configuration(bulwark.account_id, unique_name, package, **CREATING)
    wait_for(lambda_client, "function_active_v2", unique_name)
    got = lambda_client.get_function(FunctionName=unique_name)["Configuration"]
    assert without_volatile(got) == expected_configuration(
        bulwark.account_id, unique_name, package, State="Active", LastUpdateStatus="Successful"
    )
    # Becoming Active is a change of the function: a new revision, as in AWS.
    assert got["RevisionId"] != created["RevisionId"]
    assert got["RuntimeVersionConfig"] == created["RuntimeVersionConfig"]
    assert lambda_client.get_function_configuration(FunctionName=unique_name) | {"ResponseMetadata": None} == got | {"ResponseMetadata": None}


def test_update_configuration_is_in_progress_then_successful(bulwark, lambda_client, unique_name):
    package = hello_zip(unique_name)
    create_function(lambda_client, bulwark.account_id, unique_name, package)

    updated = lambda_client.update_function_configuration(FunctionName=unique_name, Timeout=30)

    assert without_volatile(updated) == expected_configuration(
        bulwark.account_id, unique_name, package, Timeout=30, State="Active", **UPDATING
    )
    wait_for(lambda_client, "function_updated_v2", unique_name)
    got = lambda_client.get_function_configuration(FunctionName=unique_name)
    assert without_volatile(got) == expected_configuration(
        bulwark.account_id, unique_name, package, Timeout=30, State="Active", LastUpdateStatus="Successful"
    )
    assert got["RevisionId"] != updated["RevisionId"]


def test_update_code_is_in_progress_then_successful(bulwark, lambda_client, unique_name):
    create_function(lambda_client, bulwark.account_id, unique_name)
    second = hello_zip("second")

    updated = lambda_client.update_function_code(FunctionName=unique_name, ZipFile=second)

    assert without_volatile(updated) == expected_configuration(bulwark.account_id, unique_name, second, State="Active", **UPDATING)
    wait_for(lambda_client, "function_updated_v2", unique_name)
    got = lambda_client.get_function_configuration(FunctionName=unique_name)
    assert (got["LastUpdateStatus"], got["CodeSha256"]) == ("Successful", code_sha256(second))
    assert "LastUpdateStatusReason" not in got and "StateReason" not in got


def test_the_cli_waiters_wait_for_active_and_for_the_update(bulwark, unique_name, tmp_path):
    archive = tmp_path / "code.zip"
    archive.write_bytes(hello_zip(unique_name))

    created = bulwark.aws(
        "lambda", "create-function", "--function-name", unique_name, "--runtime", RUNTIME, "--handler", HANDLER,
        "--role", role_arn(bulwark.account_id), "--zip-file", f"fileb://{archive}",
    ).json
    assert {key: created[key] for key in CREATING} == CREATING
    bulwark.aws("lambda", "wait", "function-active-v2", "--function-name", unique_name)
    bulwark.aws("lambda", "wait", "function-active", "--function-name", unique_name)
    assert bulwark.aws("lambda", "get-function", "--function-name", unique_name).json["Configuration"]["State"] == "Active"

    updated = bulwark.aws("lambda", "update-function-configuration", "--function-name", unique_name, "--description", "x").json
    assert {key: updated[key] for key in UPDATING} == UPDATING
    bulwark.aws("lambda", "wait", "function-updated-v2", "--function-name", unique_name)
    got = bulwark.aws("lambda", "get-function-configuration", "--function-name", unique_name).json
    assert (got["LastUpdateStatus"], got["Description"]) == ("Successful", "x")


def test_list_functions_leaves_out_the_state_and_runtime_version(bulwark, lambda_client, unique_name):
    package = hello_zip(unique_name)
    create_function(lambda_client, bulwark.account_id, unique_name, package)

    listed = [function for function in lambda_client.list_functions()["Functions"] if function["FunctionName"] == unique_name]

    assert len(listed) == 1
    shown = dict(listed[0])
    assert LAST_MODIFIED.match(shown.pop("LastModified")) and UUID.match(shown.pop("RevisionId"))
    assert shown == expected_configuration(bulwark.account_id, unique_name, package)


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ({}, None),
        ({"Environment": {"Variables": {}}}, {"Variables": {}}),
        ({"Environment": {"Variables": {"STAGE": "test"}}}, {"Variables": {"STAGE": "test"}}),
    ],
)
def test_environment_is_shown_when_one_was_given(bulwark, lambda_client, unique_name, given, shown):
    created = create_function(lambda_client, bulwark.account_id, unique_name, **given)

    got = lambda_client.get_function_configuration(FunctionName=unique_name)

    for configuration in (created, got):
        assert configuration.get("Environment") == shown


def test_json_logs_carry_info_levels_by_default(bulwark, lambda_client, unique_name):
    created = create_function(lambda_client, bulwark.account_id, unique_name, LoggingConfig={"LogFormat": "JSON"})
    assert created["LoggingConfig"] == {
        "LogFormat": "JSON", "ApplicationLogLevel": "INFO", "SystemLogLevel": "INFO", "LogGroup": f"/aws/lambda/{unique_name}",
    }

    updated = lambda_client.update_function_configuration(
        FunctionName=unique_name, LoggingConfig={"ApplicationLogLevel": "DEBUG"}
    )
    assert updated["LoggingConfig"] == {
        "LogFormat": "JSON", "ApplicationLogLevel": "DEBUG", "SystemLogLevel": "INFO", "LogGroup": f"/aws/lambda/{unique_name}",
    }
    wait_for(lambda_client, "function_updated_v2", unique_name)
    back = lambda_client.update_function_configuration(FunctionName=unique_name, LoggingConfig={"LogFormat": "Text"})
    assert back["LoggingConfig"] == {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{unique_name}"}


# -- a runtime this host cannot serve ------------------------------------------------------------------


def test_a_runtime_this_host_cannot_serve_is_created_then_failed(bulwark, lambda_client, unique_name):
    package = hello_zip(unique_name)

    created = create_function(lambda_client, bulwark.account_id, unique_name, package, Runtime=UNSERVED_RUNTIME, wait=False)

    assert without_volatile(created) == expected_configuration(
        bulwark.account_id, unique_name, package, Runtime=UNSERVED_RUNTIME, **CREATING
    )
    with pytest.raises(WaiterError, match="terminal failure state"):
        wait_for(lambda_client, "function_active_v2", unique_name)
    got = lambda_client.get_function(FunctionName=unique_name)["Configuration"]
    reason = got["StateReason"]
    assert reason.startswith(f"{UNSERVED_RUNTIME} is not available on this Bulwark host: "), reason
    assert without_volatile(got) == expected_configuration(
        bulwark.account_id, unique_name, package, Runtime=UNSERVED_RUNTIME,
        State="Failed", StateReason=reason, StateReasonCode="InvalidRuntime",
        LastUpdateStatus="Failed", LastUpdateStatusReason=reason, LastUpdateStatusReasonCode="InvalidRuntime",
    )
    expect_error(
        lambda: lambda_client.invoke(FunctionName=unique_name, Payload=b"{}"),
        "ResourceConflictException", 409,
        "The operation cannot be performed at this time. The function is currently in the following state: Failed",
    )


def test_a_failed_function_recovers_when_updated_to_a_runtime_this_host_serves(bulwark, lambda_client, unique_name):
    create_function(lambda_client, bulwark.account_id, unique_name, Runtime=UNSERVED_RUNTIME, wait=False)
    with pytest.raises(WaiterError):
        wait_for(lambda_client, "function_active_v2", unique_name)

    updated = lambda_client.update_function_configuration(FunctionName=unique_name, Runtime=RUNTIME)

    assert (updated["State"], updated["LastUpdateStatus"]) == ("Failed", "InProgress")
    wait_for(lambda_client, "function_updated_v2", unique_name)
    got = lambda_client.get_function_configuration(FunctionName=unique_name)
    assert (got["State"], got["LastUpdateStatus"], got["Runtime"]) == ("Active", "Successful", RUNTIME)
    assert "StateReason" not in got and "StateReasonCode" not in got
    assert lambda_client.invoke(FunctionName=unique_name, Payload=b"{}")["StatusCode"] == 200


def test_the_cli_waiter_reports_a_failed_function(bulwark, lambda_client, unique_name):
    create_function(lambda_client, bulwark.account_id, unique_name, Runtime=UNSERVED_RUNTIME, wait=False)

    result = bulwark.aws("lambda", "wait", "function-active-v2", "--function-name", unique_name, check=False)

    assert result.returncode == 255
    assert "Waiter FunctionActiveV2 failed: Waiter encountered a terminal failure state" in result.stderr
