"""Runtimes other than python (issue #3): a custom runtime (`provided.*`) whose `bootstrap` is a shell
script speaking the Runtime API with curl, and Node.js with Bulwark's own runtime client.
"""

from __future__ import annotations

import time

import pytest

from support.functions import NODE_RUNTIME, create, invoke, log_messages, node_zip, provided_zip, source, zip_of

needs_node = pytest.mark.skipif(NODE_RUNTIME is None, reason="no Node.js on this host")


@pytest.mark.parametrize("runtime", ["provided.al2023", "provided.al2"])
def test_shell_script_bootstrap(bulwark, lambda_client, unique_name, runtime):
    create(bulwark, unique_name, provided_zip(), runtime=runtime, handler="echo", Timeout=4)
    event = {"name": "x", "list": [1, 2, 3]}

    before = time.time()
    first = invoke(lambda_client, unique_name, event)
    second = invoke(lambda_client, unique_name, {"second": True})

    assert first.status == 200 and first.function_error is None
    assert first.executed_version == "$LATEST"
    body = first.json
    assert body["event"] == event
    assert body["requestId"] == first.request_id
    assert body["invokedFunctionArn"] == f"arn:aws:lambda:us-east-1:{bulwark.account_id}:function:{unique_name}"
    assert body["functionName"] == unique_name
    assert body["handler"] == "echo"
    assert body["traceId"].startswith("Root=1-")
    # The deadline header is epoch milliseconds: now + Timeout.
    assert before * 1000 + 2000 < int(body["deadlineMs"]) <= time.time() * 1000 + 4000
    # AWS does not set AWS_EXECUTION_ENV for custom runtimes.
    assert body["executionEnv"] == ""
    assert body["uid"] == "993"
    assert second.json["event"] == {"second": True}
    # One bootstrap served both invocations (a warm environment).
    messages = log_messages(bulwark, unique_name)
    assert messages.count("bootstrap started for echo") == 1, messages
    assert f"handling {first.request_id}" in messages and f"handling {second.request_id}" in messages


def test_missing_bootstrap_is_an_invalid_entrypoint(bulwark, lambda_client, unique_name):
    # AWS: {"errorMessage": "RequestId: <id> Error: Couldn't find valid bootstrap(s): [/var/task/bootstrap
    # /opt/bootstrap]", "errorType": "Runtime.InvalidEntrypoint"} (e.g. aws/aws-lambda-dotnet#1671,
    # bakdata/aws-lambda-r-runtime#62, and the INIT_REPORT lines of cdklabs/cdk-ecr-deployment#651).
    create(bulwark, unique_name, zip_of({"readme.txt": "no bootstrap here"}), runtime="provided.al2023", handler="x")

    result = invoke(lambda_client, unique_name, {})

    assert result.status == 200
    assert result.function_error == "Unhandled"
    assert result.json == {
        "errorType": "Runtime.InvalidEntrypoint",
        "errorMessage": f"RequestId: {result.request_id} Error: Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]",
    }


def test_bootstrap_that_is_not_executable_is_an_invalid_entrypoint(bulwark, lambda_client, unique_name):
    # AWS: "RequestId: <id> Error: fork/exec /var/task/bootstrap: permission denied", Runtime.InvalidEntrypoint
    # (awslabs/aws-lambda-dart-runtime#20).
    create(bulwark, unique_name, zip_of({"bootstrap": source("provided/bootstrap.sh")}), runtime="provided.al2023",
           handler="echo")

    result = invoke(lambda_client, unique_name, {})

    assert result.function_error == "Unhandled"
    assert result.json == {
        "errorType": "Runtime.InvalidEntrypoint",
        "errorMessage": f"RequestId: {result.request_id} Error: fork/exec /var/task/bootstrap: permission denied",
    }


@needs_node
def test_nodejs_es_module_handler(bulwark, lambda_client, unique_name):
    create(bulwark, unique_name, node_zip(), runtime=NODE_RUNTIME, handler="index.handler", Timeout=5, MemorySize=256)
    event = {"hello": "node", "n": [1, 2]}

    first = invoke(lambda_client, unique_name, event)
    second = invoke(lambda_client, unique_name, {})

    assert first.status == 200 and first.function_error is None
    body = first.json
    assert body["event"] == event
    assert body["awsRequestId"] == first.request_id
    assert body["invokedFunctionArn"] == f"arn:aws:lambda:us-east-1:{bulwark.account_id}:function:{unique_name}"
    assert body["functionName"] == unique_name
    assert str(body["memoryLimitInMB"]) == "256"
    assert 3000 < body["remainingMs"] <= 5000
    assert body["executionEnv"] == f"AWS_Lambda_{NODE_RUNTIME}"
    assert body["nodeVersion"].startswith("v" + NODE_RUNTIME[len("nodejs"):-len(".x")] + ".")
    assert second.json["token"] == body["token"] and second.json["invocations"] == 2
    assert f"node handling {first.request_id}" in "\n".join(log_messages(bulwark, unique_name))


@needs_node
def test_nodejs_commonjs_handler(bulwark, lambda_client, unique_name):
    create(bulwark, unique_name, node_zip(), runtime=NODE_RUNTIME, handler="legacy.handler")

    result = invoke(lambda_client, unique_name, {"a": 1})

    assert result.function_error is None
    assert result.json == {"module": "commonjs", "event": {"a": 1}}


@needs_node
@pytest.mark.parametrize("action, error_type, message", [
    ("throw", "TypeError", "the node handler failed"),
    ("reject", "RangeError", "the node handler rejected"),
])
def test_nodejs_errors(bulwark, lambda_client, unique_name, action, error_type, message):
    create(bulwark, unique_name, node_zip(), runtime=NODE_RUNTIME, handler="index.handler")

    result = invoke(lambda_client, unique_name, {"action": action})

    assert result.status == 200
    assert result.function_error == "Unhandled"
    body = result.json
    assert body["errorType"] == error_type
    assert body["errorMessage"] == message
    assert isinstance(body["trace"], list) and any("/var/task/index.mjs" in frame for frame in body["trace"]), body


@needs_node
def test_nodejs_missing_handler_file(bulwark, lambda_client, unique_name):
    create(bulwark, unique_name, node_zip(), runtime=NODE_RUNTIME, handler="nowhere.handler")

    result = invoke(lambda_client, unique_name, {})

    assert result.function_error == "Unhandled"
    assert result.json["errorType"] == "Runtime.ImportModuleError"
