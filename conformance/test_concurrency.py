"""Concurrency (issue #3): one invocation per environment, so concurrent invokes get environments of
their own; reserved concurrency throttles with AWS's 429 TooManyRequestsException and its Reason.

AWS's throttle: HTTP 429, `{"Reason": "ReservedFunctionConcurrentInvocationLimitExceeded", "Type": "User",
"message": "Rate Exceeded."}` (spec §3, LocalStack's AWS-validated snapshots). Clients here never retry.
"""

from __future__ import annotations

import threading
import time

from support.functions import create, error_of, invoke, log_messages
from support.functions.sandboxes import snapshot


def run_concurrently(server, name: str, payloads: list[dict], stagger: float = 0.0) -> list:
    """Invokes `name` once per payload, each from a thread (and client) of its own; results or exceptions."""
    results: list = [None] * len(payloads)

    def call(index: int) -> None:
        client = server.client("lambda")
        try:
            results[index] = invoke(client, name, payloads[index])
        except Exception as error:  # noqa: BLE001 - the test inspects it
            results[index] = error

    threads = []
    for index in range(len(payloads)):
        thread = threading.Thread(target=call, args=(index,))
        thread.start()
        threads.append(thread)
        time.sleep(stagger)
    for thread in threads:
        thread.join(timeout=60)
    return results


def assert_throttled(error, reason: str = "ReservedFunctionConcurrentInvocationLimitExceeded"):
    response = getattr(error, "response", None)
    assert response is not None, f"expected a throttle, got {error!r}"
    assert response["Error"]["Code"] == "TooManyRequestsException"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert response["Error"]["Message"] == "Rate Exceeded."
    assert response["Reason"] == reason


def test_two_concurrent_invokes_get_two_environments(bulwark, unique_name):
    create(bulwark, unique_name, Timeout=10)

    results = run_concurrently(bulwark, unique_name, [{"action": "sleep", "seconds": 1.5}] * 2)

    assert all(getattr(result, "function_error", "exception") is None for result in results), results
    tokens = {result.json["token"] for result in results}
    streams = {result.json["log_stream_name"] for result in results}
    assert len(tokens) == 2 and len(streams) == 2
    assert {result.json["invocations"] for result in results} == {1}
    assert len(snapshot(bulwark.process.pid).of(unique_name)) == 2


def test_reserved_concurrency_zero_throttles_every_invoke(bulwark, lambda_client, unique_name, tmp_path):
    create(bulwark, unique_name)

    put = lambda_client.put_function_concurrency(FunctionName=unique_name, ReservedConcurrentExecutions=0)
    got = lambda_client.get_function_concurrency(FunctionName=unique_name)
    error = error_of(lambda: lambda_client.invoke(FunctionName=unique_name, Payload=b"{}"))
    cli = bulwark.aws("lambda", "invoke", "--function-name", unique_name, "--payload", "{}", str(tmp_path / "out"),
                      check=False)

    assert put == {**put, "ReservedConcurrentExecutions": 0}
    assert got["ReservedConcurrentExecutions"] == 0
    assert lambda_client.get_function(FunctionName=unique_name)["Concurrency"] == {"ReservedConcurrentExecutions": 0}
    assert_throttled(error)
    assert cli.returncode != 0
    assert "TooManyRequestsException" in cli.stderr and "Rate Exceeded." in cli.stderr
    assert log_messages(bulwark, unique_name) == []

    lambda_client.delete_function_concurrency(FunctionName=unique_name)
    assert "ReservedConcurrentExecutions" not in lambda_client.get_function_concurrency(FunctionName=unique_name)
    assert invoke(lambda_client, unique_name, {}).function_error is None


def test_reserved_concurrency_one_runs_one_at_a_time(bulwark, lambda_client, unique_name):
    create(bulwark, unique_name, Timeout=10)
    lambda_client.put_function_concurrency(FunctionName=unique_name, ReservedConcurrentExecutions=1)

    # The second starts while the first (slow) one is surely running.
    results = run_concurrently(bulwark, unique_name, [{"action": "sleep", "seconds": 3}, {}], stagger=1.0)

    first, second = results
    assert getattr(first, "function_error", "exception") is None, first
    assert first.json["event"] == {"action": "sleep", "seconds": 3}
    assert_throttled(second)
    # Once the first is done, the function runs again.
    assert invoke(lambda_client, unique_name, {}).function_error is None


def test_reservations_are_limited_by_the_account(bulwark, lambda_client, unique_name):
    create(bulwark, unique_name)

    error = error_of(lambda: lambda_client.put_function_concurrency(
        FunctionName=unique_name, ReservedConcurrentExecutions=950))

    assert error.response["Error"]["Code"] == "InvalidParameterValueException"
    assert "UnreservedConcurrentExecution below its minimum value of [100]" in error.response["Error"]["Message"]


def test_concurrency_of_a_missing_function(lambda_client, unique_name):
    error = error_of(lambda: lambda_client.put_function_concurrency(FunctionName=unique_name, ReservedConcurrentExecutions=1))

    assert error.response["Error"]["Code"] == "ResourceNotFoundException"


def test_many_warm_environments_and_then_one_more(fresh_bulwark, unique_name):
    # Every warm environment holds descriptors in the server (Runtime API socket, output pipe, status pipe,
    # ...); starting a sandbox must keep working however many are open.
    server = fresh_bulwark().start()
    client = server.client("lambda")
    names = [f"{unique_name}-{index}" for index in range(24)]
    for name in names:
        create(server, name, MemorySize=128)
        result = invoke(client, name, {"name": name})
        assert result.function_error is None and result.json["event"] == {"name": name}, (name, result)

    assert len(snapshot(server.process.pid).environments) == len(names)
    for name in names:
        assert invoke(client, name, {"again": True}).json["invocations"] == 2, name
