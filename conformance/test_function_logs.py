"""The platform's lines in a function's log stream (issue #9): INIT_START on each cold start with the
runtime version the function's configuration names, START/END/REPORT in the Text format, and with
LoggingConfig LogFormat JSON the `platform.*` records Lambda writes instead, filtered by SystemLogLevel
(initStart, start and report are INFO records, runtimeDone a DEBUG one).
"""

from __future__ import annotations

import json
import re

from support.functions import PYTHON_RUNTIME, create, invoke, log_messages, log_streams

TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
RUNTIME_VERSION = PYTHON_RUNTIME.replace("python", "python:") + ".v1"


def platform_records(server, name: str) -> list[dict]:
    """The JSON platform records of the function's log, in order, with their volatile values checked and removed."""
    records = []
    for message in log_messages(server, name):
        if not message.startswith('{"time":'):
            continue
        record = json.loads(message)
        assert list(record) == ["time", "type", "record"], message
        assert TIME.match(record.pop("time")), message
        metrics = record["record"].get("metrics", {})
        for key in ("durationMs", "initDurationMs"):
            if key in metrics:
                assert isinstance(metrics[key], (int, float)) and metrics[key] >= 0, message
                metrics[key] = "<ms>"
        if "maxMemoryUsedMB" in metrics:
            assert isinstance(metrics["maxMemoryUsedMB"], int), message
            metrics["maxMemoryUsedMB"] = "<MB>"
        if "billedDurationMs" in metrics:
            assert isinstance(metrics["billedDurationMs"], int) and metrics["billedDurationMs"] >= 1, message
            metrics["billedDurationMs"] = "<ms>"
        records.append(record)
    return records


def test_text_log_starts_each_environment_with_init_start(bulwark, lambda_client, unique_name):
    configuration = create(bulwark, unique_name)
    version_arn = configuration["RuntimeVersionConfig"]["RuntimeVersionArn"]

    cold = invoke(lambda_client, unique_name, {"action": "print", "text": "cold"})
    warm = invoke(lambda_client, unique_name, {"action": "print", "text": "warm"})

    [stream] = log_streams(bulwark, unique_name).values()
    messages = [event["message"] for event in stream]
    assert messages[0] == f"INIT_START Runtime Version: {RUNTIME_VERSION}\tRuntime Version ARN: {version_arn}"
    assert sum(message.startswith("INIT_START") for message in messages) == 1
    start = messages.index(f"START RequestId: {cold.request_id} Version: $LATEST")
    assert messages[start + 1] == "cold"
    assert messages[start + 2] == f"END RequestId: {cold.request_id}"
    assert messages[start + 3].startswith(f"REPORT RequestId: {cold.request_id}\t")
    assert "\tInit Duration: " in messages[start + 3]
    assert messages[start + 4:] == [
        f"START RequestId: {warm.request_id} Version: $LATEST", "warm", f"END RequestId: {warm.request_id}",
        messages[start + 7],
    ]
    assert messages[start + 7].startswith(f"REPORT RequestId: {warm.request_id}\t")
    assert "Init Duration" not in messages[start + 7]


def test_json_log_has_platform_records_at_info(bulwark, lambda_client, unique_name):
    configuration = create(bulwark, unique_name, LoggingConfig={"LogFormat": "JSON"})
    assert configuration["LoggingConfig"] == {
        "LogFormat": "JSON", "ApplicationLogLevel": "INFO", "SystemLogLevel": "INFO", "LogGroup": f"/aws/lambda/{unique_name}",
    }

    cold = invoke(lambda_client, unique_name, {"action": "print", "text": "cold"}, LogType="Tail")
    warm = invoke(lambda_client, unique_name, {"action": "print", "text": "warm"})

    assert platform_records(bulwark, unique_name) == [
        {"type": "platform.initStart", "record": {
            "initializationType": "on-demand", "phase": "init", "runtimeVersion": RUNTIME_VERSION,
            "runtimeVersionArn": configuration["RuntimeVersionConfig"]["RuntimeVersionArn"],
            "functionName": unique_name, "functionVersion": "$LATEST"}},
        {"type": "platform.start", "record": {"requestId": cold.request_id, "version": "$LATEST"}},
        {"type": "platform.report", "record": {
            "requestId": cold.request_id,
            "metrics": {"durationMs": "<ms>", "billedDurationMs": "<ms>", "memorySizeMB": 128, "maxMemoryUsedMB": "<MB>",
                        "initDurationMs": "<ms>"},
            "status": "success"}},
        {"type": "platform.start", "record": {"requestId": warm.request_id, "version": "$LATEST"}},
        {"type": "platform.report", "record": {
            "requestId": warm.request_id,
            "metrics": {"durationMs": "<ms>", "billedDurationMs": "<ms>", "memorySizeMB": 128, "maxMemoryUsedMB": "<MB>"},
            "status": "success"}},
    ]
    # The text lines are not written in the JSON format, and the tail carries the records.
    messages = log_messages(bulwark, unique_name)
    assert not any(message.startswith(("INIT_START", "START", "END", "REPORT")) for message in messages)
    tail = cold.log.splitlines()
    assert json.loads(tail[0])["type"] == "platform.start"
    assert json.loads(tail[-1])["type"] == "platform.report"


def test_json_log_at_debug_adds_runtime_done_and_warn_drops_the_info_records(bulwark, lambda_client, unique_name):
    create(bulwark, unique_name, LoggingConfig={"LogFormat": "JSON", "SystemLogLevel": "DEBUG"})
    result = invoke(lambda_client, unique_name, {"action": "raise", "message": "boom"})
    assert result.function_error == "Unhandled"

    types = [record["type"] for record in platform_records(bulwark, unique_name)]
    assert types == ["platform.initStart", "platform.start", "platform.runtimeDone", "platform.report"]
    done = platform_records(bulwark, unique_name)[2]["record"]
    assert done["requestId"] == result.request_id
    assert done["metrics"]["producedBytes"] == len(result.raw)

    quiet = f"{unique_name}-warn"
    create(bulwark, quiet, LoggingConfig={"LogFormat": "JSON", "SystemLogLevel": "WARN"})
    invoke(lambda_client, quiet, {"action": "print", "text": "only this"})
    assert platform_records(bulwark, quiet) == []
    assert "only this" in log_messages(bulwark, quiet)
