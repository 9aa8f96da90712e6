"""Function failures as AWS reports them to a synchronous caller (issue #3): handler errors, timeouts,
init errors, crashes, out-of-memory and oversized responses — and the environment after each.

Payload shapes and messages: /work/notes/runtime-api-spec.md §3 (AWS's answers as recorded by
LocalStack's AWS-validated snapshots and the AWS runtime interface emulator). Every function error is
HTTP 200 with `X-Amz-Function-Error: Unhandled` on current AWS, for raised and reported errors alike.
"""

from __future__ import annotations

import re
import time

import pytest

from support.functions import (
    create, invoke, line_of, log_messages, provided_zip, python_zip, wait_for,
)
from support.functions.sandboxes import snapshot, wait_until_gone


def assert_platform_error(result, error_type: str, detail: str):
    """{"errorType", "errorMessage": "RequestId: <id> Error: <detail>"} with X-Amz-Function-Error Unhandled."""
    assert result.status == 200
    assert result.function_error == "Unhandled"
    assert result.json == {"errorType": error_type, "errorMessage": f"RequestId: {result.request_id} Error: {detail}"}, result.raw


def report_of(server, name: str, request_id: str) -> str:
    return wait_for(
        lambda: next((m for m in log_messages(server, name) if m.startswith(f"REPORT RequestId: {request_id}\t")), None),
        timeout=5, message="the REPORT line",
    )


def test_unhandled_exception_names_the_file_and_line(bulwark, lambda_client, unique_name):
    create(bulwark, unique_name)
    line = line_of("python/echo.py", "raise ValueError(")

    result = invoke(lambda_client, unique_name, {"action": "raise", "message": "the order was empty"})

    assert result.status == 200
    assert result.function_error == "Unhandled"
    body = result.json
    assert body["errorMessage"] == "the order was empty"
    assert body["errorType"] == "ValueError"
    assert body["requestId"] == result.request_id
    assert isinstance(body["stackTrace"], list)
    assert any(f'File "/var/task/app.py", line {line}, in handler' in frame for frame in body["stackTrace"]), body["stackTrace"]
    # awslambdaric's own frames are left out.
    assert not any("awslambdaric" in frame for frame in body["stackTrace"]), body["stackTrace"]
    # awslambdaric writes the error as one log event whose lines are joined by \r (spec §4).
    error_event = wait_for(lambda: next((m for m in log_messages(bulwark, unique_name)
                                         if m.startswith("[ERROR] ValueError: the order was empty")), None),
                           timeout=5, message="the error in the log")
    assert "\rTraceback (most recent call last):\r" in error_event, error_event


def test_handler_error_keeps_the_environment(bulwark, lambda_client, unique_name):
    create(bulwark, unique_name)
    before = invoke(lambda_client, unique_name, {}).json

    assert invoke(lambda_client, unique_name, {"action": "raise"}).function_error == "Unhandled"
    after = invoke(lambda_client, unique_name, {}).json

    assert after["token"] == before["token"]
    assert after["invocations"] == 3


@pytest.mark.parametrize("runtime", ["provided.al2023", "provided.al2"])
def test_error_reported_by_a_custom_runtime(bulwark, lambda_client, unique_name, runtime):
    create(bulwark, unique_name, provided_zip(), runtime=runtime, handler="fail")

    result = invoke(lambda_client, unique_name, {"n": 1})

    # Reported through /error with an error type of the runtime's own: the body is passed through.
    assert result.status == 200
    assert result.function_error == "Unhandled"
    assert result.json == {"errorMessage": "the shell handler gave up", "errorType": "CustomError"}
    report = report_of(bulwark, unique_name, result.request_id)
    assert report.endswith("\tStatus: error\tError Type: Function.CustomError\t"), report


def test_timeout(bulwark, lambda_client, unique_name):
    create(bulwark, unique_name, Timeout=1)
    warm = invoke(lambda_client, unique_name, {}).json
    environments = snapshot(bulwark.process.pid).of(unique_name)

    started = time.monotonic()
    result = invoke(lambda_client, unique_name, {"action": "sleep", "seconds": 30})
    elapsed = time.monotonic() - started

    assert_platform_error(result, "Sandbox.Timedout", "Task timed out after 1.00 seconds")
    assert 1 <= elapsed < 5, elapsed
    report = report_of(bulwark, unique_name, result.request_id)
    assert report.endswith("\tStatus: timeout\t"), report
    assert any(re.fullmatch(rf"\S+Z {result.request_id} Task timed out after 1\.00 seconds", m)
               for m in log_messages(bulwark, unique_name))
    # The timed-out environment is gone; the next invoke gets a new one.
    wait_until_gone(environments)
    after = invoke(lambda_client, unique_name, {})
    assert after.function_error is None
    assert after.json["token"] != warm["token"]


def test_timeout_with_the_cli(bulwark, unique_name, tmp_path):
    create(bulwark, unique_name, Timeout=1)
    out = tmp_path / "out.json"

    result = bulwark.aws("lambda", "invoke", "--function-name", unique_name,
                         "--payload", '{"action": "sleep", "seconds": 30}', str(out))

    assert result.json == {"StatusCode": 200, "FunctionError": "Unhandled", "ExecutedVersion": "$LATEST"}
    assert '"errorType":"Sandbox.Timedout"' in out.read_text().replace(" ", "")
    assert "Task timed out after 1.00 seconds" in out.read_text()


def test_init_error_is_returned_and_the_next_invoke_inits_again(bulwark, lambda_client, unique_name):
    create(bulwark, unique_name, python_zip("init_error.py"))
    line = line_of("python/init_error.py", "raise RuntimeError(")

    first = invoke(lambda_client, unique_name, {})
    second = invoke(lambda_client, unique_name, {})

    for result in (first, second):
        assert result.status == 200
        assert result.function_error == "Unhandled"
        body = result.json
        assert body["errorMessage"] == "the module cannot load"
        assert body["errorType"] == "RuntimeError"
        assert any(f'File "/var/task/app.py", line {line}, in <module>' in frame for frame in body["stackTrace"]), body
    messages = wait_for(
        lambda: (lambda m: m if m.count("IMPORTING the failing module") == 2 else None)(log_messages(bulwark, unique_name)),
        timeout=5, message="two inits in the log")
    assert messages.count("IMPORTING the failing module") == 2
    assert snapshot(bulwark.process.pid).of(unique_name) == {}


def test_missing_handler_module_is_an_import_error(bulwark, lambda_client, unique_name):
    create(bulwark, unique_name, handler="missing.handler")

    result = invoke(lambda_client, unique_name, {})

    assert result.function_error == "Unhandled"
    assert result.json["errorType"] == "Runtime.ImportModuleError"
    assert result.json["errorMessage"] == "Unable to import module 'missing': No module named 'missing'"


def test_missing_handler_function(bulwark, lambda_client, unique_name):
    create(bulwark, unique_name, handler="app.nowhere")

    result = invoke(lambda_client, unique_name, {})

    assert result.function_error == "Unhandled"
    assert result.json["errorType"] == "Runtime.HandlerNotFound"
    assert result.json["errorMessage"] == "Handler 'nowhere' missing on module 'app'"


@pytest.mark.parametrize("status", [3, 1])
def test_process_exit_in_the_handler(bulwark, lambda_client, unique_name, status):
    create(bulwark, unique_name)
    invoke(lambda_client, unique_name, {})
    environments = snapshot(bulwark.process.pid).of(unique_name)

    result = invoke(lambda_client, unique_name, {"action": "exit", "status": status})

    assert_platform_error(result, "Runtime.ExitError", f"Runtime exited with error: exit status {status}")
    report = report_of(bulwark, unique_name, result.request_id)
    assert report.endswith("\tStatus: error\tError Type: Runtime.ExitError\t"), report
    # The platform's fault line, which log parsers still look for (spec §4).
    fault = f"RequestId: {result.request_id} Error: Runtime exited with error: exit status {status}"
    assert any(message.startswith(fault) for message in log_messages(bulwark, unique_name))
    wait_until_gone(environments)
    assert invoke(lambda_client, unique_name, {}).function_error is None


def test_clean_exit_in_the_handler_has_no_reason(bulwark, lambda_client, unique_name):
    create(bulwark, unique_name)

    result = invoke(lambda_client, unique_name, {"action": "exit", "status": 0})

    assert_platform_error(result, "Runtime.ExitError", "Runtime exited without providing a reason")


@pytest.mark.parametrize("status, detail", [(0, "Runtime exited without providing a reason"),
                                            (2, "Runtime exited with error: exit status 2")])
def test_process_exit_during_init(bulwark, lambda_client, unique_name, status, detail):
    create(bulwark, unique_name, python_zip("exit_at_import.py"), Environment={"Variables": {"EXIT_STATUS": str(status)}})

    result = invoke(lambda_client, unique_name, {})

    assert_platform_error(result, "Runtime.ExitError", detail)


def test_out_of_memory(bulwark, lambda_client, unique_name):
    create(bulwark, unique_name, MemorySize=128)

    result = invoke(lambda_client, unique_name, {"action": "allocate", "megabytes": 512})

    assert_platform_error(result, "Runtime.OutOfMemory", "Runtime exited with error: signal: killed")
    report = report_of(bulwark, unique_name, result.request_id)
    assert report.endswith("\tStatus: error\tError Type: Runtime.OutOfMemory\t"), report
    used = int(re.search(r"\tMax Memory Used: (\d+) MB\t", report).group(1))
    assert 100 <= used <= 128, report
    assert invoke(lambda_client, unique_name, {}).function_error is None


def test_memory_below_the_limit_is_fine(bulwark, lambda_client, unique_name):
    create(bulwark, unique_name, MemorySize=256)

    result = invoke(lambda_client, unique_name, {"action": "allocate", "megabytes": 96})

    assert result.function_error is None
    assert result.json == {"allocated": 96}


def test_response_over_6_mb(bulwark, lambda_client, unique_name):
    create(bulwark, unique_name, MemorySize=512)

    result = invoke(lambda_client, unique_name, {"action": "big_response", "bytes": 7 * 1024 * 1024})

    assert result.status == 200
    assert result.function_error == "Unhandled"
    assert result.json == {
        "errorMessage": "Response payload size exceeded maximum allowed payload size (6291556 bytes).",
        "errorType": "Function.ResponseSizeTooLarge",
    }
    # awslambdaric exits after the Runtime API's 413; the next invoke still works.
    assert invoke(lambda_client, unique_name, {}).function_error is None


def test_bootstrap_that_never_asks_for_work_times_out(bulwark, lambda_client, unique_name):
    create(bulwark, unique_name, provided_zip("never_ready.sh"), runtime="provided.al2023", handler="none", Timeout=1)

    started = time.monotonic()
    result = invoke(lambda_client, unique_name, {})
    elapsed = time.monotonic() - started

    # Init may take up to 10 s; then the invoke's own timeout applies (spec §3, "Init timeout").
    assert_platform_error(result, "Sandbox.Timedout", "Task timed out after 1.00 seconds")
    assert elapsed < 15, elapsed
    wait_for(lambda: snapshot(bulwark.process.pid).of(unique_name) == {}, timeout=5, message="the sandbox to end")
