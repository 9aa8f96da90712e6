"""Synchronous Invoke of python functions run by AWS's own runtime interface client (awslambdaric):
what the handler sees, warm reuse, Tail, DryRun, payload limits, and updates (issue #3).

AWS behaviours are those of /work/notes/runtime-api-spec.md (AWS documentation, the AWS runtime
interface emulator, and responses LocalStack recorded against AWS).
"""

from __future__ import annotations

import base64
import json
import re
import time

import pytest

from support.functions import (
    PYTHON_RUNTIME, create, error_of, invoke, log_messages, log_streams, python_zip, wait_for, wait_until_ready,
)
from support.functions.sandboxes import snapshot, wait_until_gone

LOG_STREAM = re.compile(r"^\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}$")
REPORT = re.compile(
    r"^REPORT RequestId: (?P<id>[0-9a-f-]{36})\tDuration: \d+\.\d{2} ms\tBilled Duration: \d+ ms\t"
    r"Memory Size: (?P<memory>\d+) MB\tMax Memory Used: \d+ MB\t(?P<rest>.*)$"
)


def test_python_handler_sees_event_and_context(bulwark, lambda_client, unique_name):
    create(bulwark, unique_name, Timeout=5, MemorySize=256,
           Environment={"Variables": {"CONNECTION": "host=db;user=a=b", "PLAIN": "value"}})
    event = {"name": "x", "nested": {"list": [1, 2.5, None, True]}, "text": "héllo"}

    result = invoke(lambda_client, unique_name, event)

    assert result.status == 200
    assert result.function_error is None
    assert result.executed_version == "$LATEST"
    body = result.json
    assert body["event"] == event
    assert body["invoked_function_arn"] == f"arn:aws:lambda:us-east-1:{bulwark.account_id}:function:{unique_name}"
    assert body["aws_request_id"] == result.request_id
    assert body["function_name"] == unique_name
    assert body["function_version"] == "$LATEST"
    assert body["memory_limit_in_mb"] == "256"
    assert body["log_group_name"] == f"/aws/lambda/{unique_name}"
    assert LOG_STREAM.match(body["log_stream_name"]), body["log_stream_name"]
    # The deadline is the invoke's start plus Timeout: the handler starts within its last 2 seconds.
    assert 3000 < body["remaining_ms"] <= 5000, body["remaining_ms"]
    assert body["environ"]["CONNECTION"] == "host=db;user=a=b"
    assert body["environ"]["PLAIN"] == "value"
    assert body["cwd"] == "/var/task"
    assert body["uid"] == 993  # sbx_user1051, as on AWS


def test_invoked_arn_carries_the_qualifier_as_invoked(bulwark, lambda_client, unique_name):
    create(bulwark, unique_name)
    arn = f"arn:aws:lambda:us-east-1:{bulwark.account_id}:function:{unique_name}"

    by_arn = invoke(lambda_client, arn, {})
    qualified = invoke(lambda_client, unique_name, {}, Qualifier="$LATEST")

    assert by_arn.json["invoked_function_arn"] == arn
    assert qualified.json["invoked_function_arn"] == f"{arn}:$LATEST"
    assert qualified.executed_version == "$LATEST"


def test_lambda_sets_its_environment_variables(bulwark, lambda_client, unique_name):
    create(bulwark, unique_name, MemorySize=192, Environment={"Variables": {"LANG": "C.UTF-8", "OWN": "mine"}})

    environ = invoke(lambda_client, unique_name, {}).json["environ"]

    assert environ["AWS_LAMBDA_FUNCTION_NAME"] == unique_name
    assert environ["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST"
    assert environ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "192"
    assert environ["AWS_LAMBDA_LOG_GROUP_NAME"] == f"/aws/lambda/{unique_name}"
    assert LOG_STREAM.match(environ["AWS_LAMBDA_LOG_STREAM_NAME"])
    assert environ["AWS_REGION"] == environ["AWS_DEFAULT_REGION"] == "us-east-1"
    assert environ["AWS_EXECUTION_ENV"] == f"AWS_Lambda_{PYTHON_RUNTIME}"
    assert environ["AWS_LAMBDA_RUNTIME_API"] == "127.0.0.1:9001"
    assert environ["AWS_LAMBDA_INITIALIZATION_TYPE"] == "on-demand"
    assert environ["_HANDLER"] == "app.handler"
    assert environ["LAMBDA_TASK_ROOT"] == "/var/task"
    assert environ["LAMBDA_RUNTIME_DIR"] == "/var/runtime"
    assert environ["TZ"] == ":UTC"
    # LANG is one of the variables a function may override; its own variables are there as given.
    assert environ["LANG"] == "C.UTF-8"
    assert environ["OWN"] == "mine"
    # Never set: they would switch awslambdaric into other modes (spec §2).
    assert "AWS_LAMBDA_MAX_CONCURRENCY" not in environ
    assert "_LAMBDA_TELEMETRY_LOG_FD" not in environ


def test_reserved_environment_keys_cannot_override_what_lambda_sets(bulwark, lambda_client, unique_name):
    create(bulwark, unique_name)
    for key in ("AWS_REGION", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT"):
        error = error_of(lambda key=key: lambda_client.update_function_configuration(
            FunctionName=unique_name, Environment={"Variables": {key: "/hijacked"}}))
        assert error.response["Error"]["Code"] == "InvalidParameterValueException"
        assert f"Reserved keys used in this request: {key}" in error.response["Error"]["Message"]

    environ = invoke(lambda_client, unique_name, {}).json["environ"]
    assert "/hijacked" not in environ.values()


def test_two_invokes_in_a_row_reuse_the_warm_environment(bulwark, lambda_client, unique_name):
    create(bulwark, unique_name)

    first = invoke(lambda_client, unique_name, {"n": 1}).json
    second = invoke(lambda_client, unique_name, {"n": 2}).json

    assert second["token"] == first["token"]
    assert (first["invocations"], second["invocations"]) == (1, 2)
    assert (first["tmp_invocations"], second["tmp_invocations"]) == (1, 2)
    assert second["log_stream_name"] == first["log_stream_name"]
    messages = log_messages(bulwark, unique_name)
    assert sum(message.startswith("INIT ") for message in messages) == 1, messages
    reports = [REPORT.match(message) for message in messages if message.startswith("REPORT ")]
    assert [report["id"] for report in reports] == [first["aws_request_id"], second["aws_request_id"]]
    # Init Duration only on the cold start, after Max Memory Used.
    assert re.fullmatch(r"Init Duration: \d+\.\d{2} ms\t", reports[0]["rest"]), reports[0]["rest"]
    assert reports[1]["rest"] == ""


def test_log_stream_has_start_end_report_and_output(bulwark, lambda_client, unique_name):
    create(bulwark, unique_name, MemorySize=160)

    result = invoke(lambda_client, unique_name, {"action": "print", "text": "a line from the handler"})

    streams = log_streams(bulwark, unique_name)
    assert list(streams) == [result.json["log_stream_name"]]
    messages = [event["message"] for event in streams[result.json["log_stream_name"]]]
    start = messages.index(f"START RequestId: {result.request_id} Version: $LATEST")
    output = messages.index("a line from the handler")
    end = messages.index(f"END RequestId: {result.request_id}")
    report = next(index for index, message in enumerate(messages) if message.startswith("REPORT "))
    assert start < output < end < report
    assert REPORT.match(messages[report])["memory"] == "160"
    assert all(isinstance(event["timestamp"], int) for event in streams[result.json["log_stream_name"]])


def test_python_logging_lines_carry_the_request_id(bulwark, lambda_client, unique_name):
    create(bulwark, unique_name)

    result = invoke(lambda_client, unique_name, {"action": "log", "text": "logged through logging"})

    messages = log_messages(bulwark, unique_name)
    pattern = rf"\[INFO\]\t\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{{3}}Z\t{result.request_id}\tlogged through logging"
    assert any(re.fullmatch(pattern, message) for message in messages), messages


def test_client_context_reaches_the_handler(bulwark, lambda_client, unique_name):
    create(bulwark, unique_name)
    context = {"custom": {"tenant": "blue"}, "env": {"locale": "en"}, "client": {"app_title": "tests"}}

    result = invoke(lambda_client, unique_name, {},
                    ClientContext=base64.b64encode(json.dumps(context).encode()).decode())
    invalid = error_of(lambda: lambda_client.invoke(FunctionName=unique_name, Payload=b"{}", ClientContext="not base64 json"))

    assert result.json["client_context"] == {"tenant": "blue"}
    assert invalid.response["Error"]["Code"] == "InvalidRequestContentException"
    assert invalid.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert invalid.response["Error"]["Message"] == "Client context must be a valid Base64-encoded JSON object."


def test_tail_returns_the_last_4_kb_of_the_invocation_log(bulwark, lambda_client, unique_name):
    create(bulwark, unique_name)

    small = invoke(lambda_client, unique_name, {"action": "print", "text": "hello tail"}, LogType="Tail")
    lines = small.log.splitlines()
    assert lines[0] == f"START RequestId: {small.request_id} Version: $LATEST"
    assert "hello tail" in lines
    assert f"END RequestId: {small.request_id}" in lines
    assert REPORT.match(lines[-1])["id"] == small.request_id
    assert small.log.endswith("\n")

    big = invoke(lambda_client, unique_name, {"action": "print", "text": "0123456789" * 1000}, LogType="Tail")
    tail = base64.b64decode(big.log_result)
    assert len(tail) == 4096
    assert b"START RequestId" not in tail
    assert tail.splitlines()[-2] == f"END RequestId: {big.request_id}".encode()
    assert tail.splitlines()[-1].startswith(f"REPORT RequestId: {big.request_id}\t".encode())

    without = invoke(lambda_client, unique_name, {})
    assert without.log_result is None
    assert "x-amz-log-result" not in without.headers


def test_tail_with_the_cli(bulwark, unique_name, tmp_path):
    create(bulwark, unique_name)
    out = tmp_path / "out.json"

    result = bulwark.aws("lambda", "invoke", "--function-name", unique_name, "--log-type", "Tail",
                         "--payload", '{"action": "print", "text": "from the cli"}', str(out))

    assert result.json["StatusCode"] == 200
    assert result.json["ExecutedVersion"] == "$LATEST"
    log = base64.b64decode(result.json["LogResult"]).decode()
    assert "from the cli" in log and "\nEND RequestId: " in log and "\nREPORT RequestId: " in log
    assert json.loads(out.read_text())["event"] == {"action": "print", "text": "from the cli"}


def test_cli_invoke_writes_the_payload(bulwark, unique_name, tmp_path):
    create(bulwark, unique_name)
    out = tmp_path / "out.json"

    result = bulwark.aws("lambda", "invoke", "--function-name", unique_name, "--payload", '{"name": "x"}', str(out))

    assert result.json == {"StatusCode": 200, "ExecutedVersion": "$LATEST"}
    assert json.loads(out.read_text())["event"] == {"name": "x"}


def test_empty_payload_is_an_empty_object(bulwark, lambda_client, unique_name):
    create(bulwark, unique_name)

    assert invoke(lambda_client, unique_name).json["event"] == {}


def test_dry_run_answers_204_and_runs_nothing(bulwark, lambda_client, unique_name, tmp_path):
    create(bulwark, unique_name)

    result = invoke(lambda_client, unique_name, {"action": "print", "text": "must not run"}, InvocationType="DryRun")
    cli = bulwark.aws("lambda", "invoke", "--function-name", unique_name, "--invocation-type", "DryRun",
                      "--payload", "{}", str(tmp_path / "out"))

    assert result.status == 204
    assert result.raw == b""
    assert result.function_error is None
    assert cli.json["StatusCode"] == 204
    time.sleep(1)
    assert log_messages(bulwark, unique_name) == []
    assert snapshot(bulwark.process.pid).of(unique_name) == {}


def test_dry_run_of_a_missing_function_is_not_found(lambda_client, unique_name):
    error = error_of(lambda: lambda_client.invoke(FunctionName=unique_name, InvocationType="DryRun"))

    assert error.response["Error"]["Code"] == "ResourceNotFoundException"
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_sync_payload_over_6_mb_is_refused(bulwark, lambda_client, unique_name):
    create(bulwark, unique_name)
    limit = 6_291_456
    padding = "a" * (limit - len('{"action": "size", "padding": ""}'))
    exact = json.dumps({"action": "size", "padding": padding}).encode()
    assert len(exact) == limit

    accepted = invoke(lambda_client, unique_name, raw=exact)
    error = error_of(lambda: lambda_client.invoke(FunctionName=unique_name, Payload=exact[:-1] + b' }'))

    assert accepted.json == {"padding": len(padding)}
    assert error.response["Error"]["Code"] == "RequestEntityTooLargeException"
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 413
    assert error.response["Error"]["Message"] == f"Request must be smaller than {limit} bytes for the InvokeFunction operation"


@pytest.mark.parametrize("payload", [b'{"unterminated": ', b"\x87\x00not json", b"{'single': 'quotes'}"])
def test_invalid_json_payload_is_refused(bulwark, lambda_client, unique_name, payload):
    create(bulwark, unique_name)

    error = error_of(lambda: lambda_client.invoke(FunctionName=unique_name, Payload=payload))

    assert error.response["Error"]["Code"] == "InvalidRequestContentException"
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error.response["Error"]["Message"].startswith("Could not parse request body into json: Could not parse payload into json")
    assert log_messages(bulwark, unique_name) == []


def test_response_up_to_the_limit_is_returned_whole(bulwark, lambda_client, unique_name):
    create(bulwark, unique_name, MemorySize=512)

    result = invoke(lambda_client, unique_name, {"action": "big_response", "bytes": 6_000_000})

    assert result.function_error is None
    assert result.raw == b'"' + b"a" * 6_000_000 + b'"'


def test_update_function_code_is_used_by_the_next_invoke(bulwark, lambda_client, unique_name):
    create(bulwark, unique_name, python_zip(extra={"marker.txt": "first code"}))
    before = invoke(lambda_client, unique_name, {}).json
    old_environments = snapshot(bulwark.process.pid).of(unique_name)
    assert before["marker"] == "first code" and len(old_environments) == 1

    lambda_client.update_function_code(FunctionName=unique_name, ZipFile=python_zip(extra={"marker.txt": "second code"}))
    wait_until_ready(lambda_client, unique_name)
    after = invoke(lambda_client, unique_name, {}).json

    assert after["marker"] == "second code"
    assert after["token"] != before["token"]
    assert after["invocations"] == 1
    wait_until_gone(old_environments)


def test_update_function_configuration_is_used_by_the_next_invoke(bulwark, lambda_client, unique_name):
    create(bulwark, unique_name, MemorySize=128, Environment={"Variables": {"SETTING": "old"}})
    before = invoke(lambda_client, unique_name, {}).json
    old_environments = snapshot(bulwark.process.pid).of(unique_name)

    lambda_client.update_function_configuration(
        FunctionName=unique_name, MemorySize=256, Timeout=7, Environment={"Variables": {"SETTING": "new"}})
    wait_until_ready(lambda_client, unique_name)
    after = invoke(lambda_client, unique_name, {}).json

    assert (before["environ"]["SETTING"], after["environ"]["SETTING"]) == ("old", "new")
    assert after["memory_limit_in_mb"] == "256"
    assert 5000 < after["remaining_ms"] <= 7000
    assert after["token"] != before["token"]
    wait_until_gone(old_environments)


def test_invoke_of_a_missing_function_is_not_found(lambda_client, unique_name):
    error = error_of(lambda: lambda_client.invoke(FunctionName=unique_name, Payload=b"{}"))

    assert error.response["Error"]["Code"] == "ResourceNotFoundException"
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_invoke_is_audited_without_its_payload(bulwark, lambda_client, unique_name):
    create(bulwark, unique_name)
    secret = f"payload-secret-{time.time_ns()}"

    result = invoke(lambda_client, unique_name, {"secret": secret})

    events = wait_for(lambda: [event for event in bulwark.trail_events() if event.get("requestID") == result.request_id],
                      timeout=10, message="the Invoke in the trail")
    assert len(events) == 1, events
    assert events[0]["eventName"].startswith("Invoke"), events[0]["eventName"]
    assert secret not in json.dumps(events[0])
