"""Bulwark's own `GET /metrics` (issue #15, scope 5): Prometheus's text format on the edge, through the
pipeline like every call — signed with SigV4 for the service `bulwark` and authorized as
`bulwark:GetMetrics`, or carrying the operator's scrape token (`--metrics-token-file`), or where the
operator opened it (`--metrics-unauthenticated loopback|anyone`); audited either way.
"""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from conftest import BULWARK_BIN, RUNTIMES_DIR
from support.functions import create, invoke
from support.lam import expect_error
from support.wire import send, send_signed

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    """Every sample of an exposition, by metric name and label set."""
    found = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = SAMPLE.match(line)
        assert match, f"not a Prometheus sample line: {line!r}"
        name, labels, value = match.groups()
        found[(name, frozenset(LABEL.findall(labels or "")))] = float(value)
    return found


def value(text: str, name: str, **labels) -> float:
    return samples(text).get((name, frozenset(labels.items())), 0.0)


def scrape(server, key: tuple[str, str] | None = None):
    access, secret = key or server.admin_key
    return send_signed(server.endpoint, "GET", "/metrics", access, secret, service="bulwark")


def scraped(server, key: tuple[str, str] | None = None) -> str:
    answer = scrape(server, key)
    assert answer.status == 200, answer.body
    return answer.body.decode()


def test_a_signed_scrape_answers_the_text_format_and_counts_calls(bulwark):
    lambda_client = bulwark.client("lambda")
    before = scrape(bulwark)
    assert before.status == 200
    assert before.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    text = before.body.decode()
    assert "# TYPE bulwark_api_requests_total counter" in text
    assert "# TYPE bulwark_api_request_duration_seconds histogram" in text
    assert "# TYPE bulwark_environments gauge" in text
    assert "# TYPE bulwark_async_queue_depth gauge" in text
    labels = {"service": "lambda", "operation": "ListFunctions"}
    for _ in range(3):
        lambda_client.list_functions()
    after = scraped(bulwark)
    assert value(after, "bulwark_api_requests_total", **labels, outcome="success") == value(
        text, "bulwark_api_requests_total", **labels, outcome="success") + 3
    assert value(after, "bulwark_api_request_duration_seconds_count", **labels) == value(
        text, "bulwark_api_request_duration_seconds_count", **labels) + 3
    # The scrape itself is a call like the others.
    assert value(after, "bulwark_api_requests_total", service="bulwark", operation="GetMetrics", outcome="success") >= 1


def test_failures_are_counted_by_outcome(bulwark, unique_name):
    lambda_client = bulwark.client("lambda")
    labels = {"service": "lambda", "operation": "GetFunction"}
    before = scraped(bulwark)
    expect_error(lambda: lambda_client.get_function(FunctionName=unique_name), "ResourceNotFoundException", 404)
    unsigned = send(bulwark.endpoint, "GET", f"/2015-03-31/functions/{unique_name}")
    assert unsigned.status == 403
    after = scraped(bulwark)
    assert value(after, "bulwark_api_requests_total", **labels, outcome="client_error") == value(
        before, "bulwark_api_requests_total", **labels, outcome="client_error") + 1
    assert value(after, "bulwark_api_requests_total", **labels, outcome="unauthenticated") == value(
        before, "bulwark_api_requests_total", **labels, outcome="unauthenticated") + 1


def test_a_scrape_without_signature_or_token_is_refused_and_audited(bulwark):
    missing = send(bulwark.endpoint, "GET", "/metrics")
    assert (missing.status, missing.error_type) == (403, "MissingAuthenticationTokenException")
    assert missing.json == {"message": "Missing Authentication Token"} or missing.json.get("message") == "Missing Authentication Token"
    # No token is configured on this server: any bearer token is refused.
    guessed = send(bulwark.endpoint, "GET", "/metrics", headers={"Authorization": "Bearer " + "x" * 40})
    assert (guessed.status, guessed.error_type) == (403, "AccessDeniedException")
    assert b"bulwark_api_requests_total" not in guessed.body
    events = [event for event in bulwark.trail_events() if event.get("requestID") in (missing.request_id, guessed.request_id)]
    assert [(e["eventSource"], e["eventName"], e["errorCode"]) for e in events] == [
        ("bulwark.amazonaws.com", "GetMetrics", "MissingAuthenticationTokenException"),
        ("bulwark.amazonaws.com", "GetMetrics", "AccessDeniedException"),
    ]
    # The guessed token is not written to the trail.
    assert "x" * 40 not in json.dumps(events)


def test_only_callers_allowed_bulwark_get_metrics_may_scrape(bulwark, unique_name):
    iam = bulwark.client("iam")
    user = unique_name.replace("_", "-")[-64:]
    iam.create_user(UserName=user)
    key = iam.create_access_key(UserName=user)["AccessKey"]
    credentials = (key["AccessKeyId"], key["SecretAccessKey"])
    denied = scrape(bulwark, credentials)
    assert (denied.status, denied.error_type) == (403, "AccessDeniedException")
    assert json.loads(denied.body)["message"].startswith(f"User: arn:aws:iam::{bulwark.account_id}:user/{user} is not authorized")
    iam.put_user_policy(UserName=user, PolicyName="scrape", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "bulwark:GetMetrics", "Resource": "*"}]}))
    assert "bulwark_api_requests_total" in scraped(bulwark, credentials)
    after = scraped(bulwark)
    assert value(after, "bulwark_api_requests_total", service="bulwark", operation="GetMetrics", outcome="denied") >= 1


def test_a_bucket_named_metrics_stays_s3s(bulwark):
    s3 = bulwark.client("s3")
    expect_error(lambda: s3.list_objects_v2(Bucket="metrics"), "NoSuchBucket", 404)


def test_invocations_and_cold_starts_are_counted(bulwark, unique_name):
    lambda_client = bulwark.client("lambda")
    create(bulwark, unique_name)
    before = scraped(bulwark)
    assert invoke(lambda_client, unique_name, {"action": "echo"}).function_error is None
    assert invoke(lambda_client, unique_name, {"action": "echo"}).function_error is None
    assert invoke(lambda_client, unique_name, {"action": "raise", "message": "no"}).function_error == "Unhandled"
    after = scraped(bulwark)
    # Other tests may run functions meanwhile: at least ours are counted.
    assert value(after, "bulwark_invocations_total", outcome="success") >= value(
        before, "bulwark_invocations_total", outcome="success") + 2
    assert value(after, "bulwark_invocations_total", outcome="function_error") >= value(
        before, "bulwark_invocations_total", outcome="function_error") + 1
    assert value(after, "bulwark_cold_starts_total") >= value(before, "bulwark_cold_starts_total") + 1
    assert value(after, "bulwark_environments", state="idle") >= 1


def test_the_operators_scrape_token(fresh_bulwark, tmp_path):
    token = "t" * 16 + "0123456789abcdef"
    token_file = tmp_path / "scrape-token"
    token_file.write_text(token + "\n")
    server = fresh_bulwark(["--metrics-token-file", str(token_file)]).start()
    answer = send(server.endpoint, "GET", "/metrics", headers={"Authorization": f"Bearer {token}"})
    assert answer.status == 200 and b"bulwark_api_requests_total" in answer.body
    wrong = send(server.endpoint, "GET", "/metrics", headers={"Authorization": f"Bearer {token[:-1]}X"})
    assert (wrong.status, wrong.error_type) == (403, "AccessDeniedException")
    assert send(server.endpoint, "GET", "/metrics").status == 403
    # The token is never written to the trail.
    assert token not in json.dumps(server.trail_events())


def test_scraping_opened_to_loopback(fresh_bulwark):
    server = fresh_bulwark(["--metrics-unauthenticated", "loopback"]).start()
    answer = send(server.endpoint, "GET", "/metrics")
    assert answer.status == 200 and b"bulwark_api_requests_total" in answer.body
    # Opening /metrics opens nothing else.
    assert send(server.endpoint, "GET", "/2015-03-31/functions/").status == 403


@pytest.mark.parametrize("arguments, message", [
    (["--metrics-token-file", "{short}"], "The metrics token must be at least 32 printable ASCII characters"),
    (["--metrics-token-file", "{missing}"], "Cannot read the metrics token file"),
    (["--metrics-unauthenticated", "everyone"], "--metrics-unauthenticated"),
])
def test_bad_scrape_options_stop_the_start(tmp_path, arguments, message):
    short = tmp_path / "short"
    short.write_text("too-short")
    arguments = [a.format(short=short, missing=tmp_path / "missing") for a in arguments]
    result = subprocess.run(
        [BULWARK_BIN, "serve", "--port", "0", "--data-dir", str(tmp_path / "data"), "--runtimes-dir", RUNTIMES_DIR, *arguments],
        capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert message in result.stderr
