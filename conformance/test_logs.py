"""CloudWatch Logs (issue #15, decision 0035): log groups, streams and events through boto3 and the aws
CLI, whole answers compared with AWS's (creation and ingestion times, sequence tokens and event ids
checked for their shape and removed); filter patterns on AWS's documented examples; retention; the
lines a function writes, seen by `aws logs tail` and FilterLogEvents; authorization on the ARNs AWS
judges (`log-group:<name>:log-stream:<stream>`), audited; bad input answered in the json protocol.
"""

from __future__ import annotations

import json
import re
import time

import pytest
from botocore.exceptions import ClientError

from support.functions import create, invoke, log_messages, log_streams, wait_for
from support.lam import expect_error

STREAM_OF_FUNCTION = re.compile(r"^\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}$")
DIGITS56 = re.compile(r"^\d{56}$")
DAY_MS = 86_400_000


def now_ms() -> int:
    return int(time.time() * 1000)


@pytest.fixture
def logs(bulwark):
    return bulwark.client("logs")


@pytest.fixture
def group(logs, unique_name):
    """A log group of the test's own."""
    name = f"/bulwark/{unique_name}"
    logs.create_log_group(logGroupName=name)
    return name


def volatile(item: dict, *keys: str) -> dict:
    """`item` without its time fields, which must be milliseconds since 1970 near now."""
    item = dict(item)
    for key in keys:
        value = item.pop(key)
        assert isinstance(value, int) and abs(value - now_ms()) < 600_000, (key, value)
    return item


def group_arn(bulwark, name: str) -> str:
    return f"arn:aws:logs:us-east-1:{bulwark.account_id}:log-group:{name}"


def put(logs, group: str, stream: str, *messages: str, at: int | None = None, step: int = 1) -> dict:
    start = now_ms() if at is None else at
    return logs.put_log_events(
        logGroupName=group, logStreamName=stream,
        logEvents=[{"timestamp": start + index * step, "message": message} for index, message in enumerate(messages)])


# -- groups -------------------------------------------------------------------------------------------


def test_log_group_lifecycle(bulwark, logs, unique_name):
    name = f"/bulwark/{unique_name}"
    created = logs.create_log_group(logGroupName=name, tags={"team": "core"})
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 200

    [described] = logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    assert volatile(described, "creationTime") == {
        "logGroupName": name, "metricFilterCount": 0, "arn": group_arn(bulwark, name) + ":*", "storedBytes": 0,
        "logGroupClass": "STANDARD", "logGroupArn": group_arn(bulwark, name),
    }
    assert logs.list_tags_for_resource(resourceArn=group_arn(bulwark, name))["tags"] == {"team": "core"}

    expect_error(lambda: logs.create_log_group(logGroupName=name), "ResourceAlreadyExistsException", 400,
                 "The specified log group already exists")
    logs.delete_log_group(logGroupName=name)
    assert logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"] == []
    expect_error(lambda: logs.delete_log_group(logGroupName=name), "ResourceNotFoundException", 400,
                 "The specified log group does not exist.")
    # Its tags went with it: a group of the same name starts without.
    logs.create_log_group(logGroupName=name)
    assert logs.list_tags_for_resource(resourceArn=group_arn(bulwark, name))["tags"] == {}


def test_describe_log_groups_prefix_pattern_and_paging(bulwark, logs, unique_name):
    names = [f"/bulwark/{unique_name}/{suffix}" for suffix in ("a", "b-DataLogs", "c")]
    for name in names:
        logs.create_log_group(logGroupName=name)

    first = logs.describe_log_groups(logGroupNamePrefix=f"/bulwark/{unique_name}/", limit=2)
    assert [item["logGroupName"] for item in first["logGroups"]] == names[:2]
    second = logs.describe_log_groups(logGroupNamePrefix=f"/bulwark/{unique_name}/", limit=2, nextToken=first["nextToken"])
    assert [item["logGroupName"] for item in second["logGroups"]] == names[2:]
    assert "nextToken" not in second
    paginated = logs.get_paginator("describe_log_groups").paginate(
        logGroupNamePrefix=f"/bulwark/{unique_name}/", PaginationConfig={"PageSize": 1})
    assert [item["logGroupName"] for page in paginated for item in page["logGroups"]] == names

    # A pattern is a case-sensitive substring, and the answer holds only ARN, creation time and name.
    [matched] = logs.describe_log_groups(logGroupNamePattern=f"{unique_name}/b-Data")["logGroups"]
    assert volatile(matched, "creationTime") == {"logGroupName": names[1], "arn": group_arn(bulwark, names[1]) + ":*"}
    assert logs.describe_log_groups(logGroupNamePattern=f"{unique_name}/b-data")["logGroups"] == []

    expect_error(lambda: logs.describe_log_groups(logGroupNamePrefix="/a", logGroupNamePattern="a"), "InvalidParameterException", 400,
                 "LogGroupNamePrefix and LogGroupNamePattern are mutually exclusive parameters.")
    expect_error(lambda: logs.describe_log_groups(nextToken="nonsense"), "InvalidParameterException", 400,
                 "The specified nextToken is invalid.")


def test_log_group_names_are_validated(bulwark):
    logs = bulwark.client("logs", validate=False)
    expect_error(
        lambda: logs.create_log_group(logGroupName="has space"), "InvalidParameterException", 400,
        "1 validation error detected: Value 'has space' at 'logGroupName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+")
    expect_error(lambda: logs.create_log_group(logGroupName="x" * 513), "InvalidParameterException", 400,
                 message_prefix="1 validation error detected: Value ")
    expect_error(lambda: logs.create_log_group(logGroupName="/bulwark/kms", kmsKeyId="alias/x"), "InvalidParameterException", 400,
                 "Bulwark does not support KMS keys for log groups (kmsKeyId) yet.")


# -- streams ------------------------------------------------------------------------------------------


def test_log_stream_lifecycle_and_listing(bulwark, logs, group):
    for stream in ("b", "a", "c"):
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
    expect_error(lambda: logs.create_log_stream(logGroupName=group, logStreamName="a"), "ResourceAlreadyExistsException", 400,
                 "The specified log stream already exists")
    expect_error(lambda: logs.create_log_stream(logGroupName=group + "-absent", logStreamName="a"), "ResourceNotFoundException", 400,
                 "The specified log group does not exist.")

    [fresh] = logs.describe_log_streams(logGroupName=group, logStreamNamePrefix="a")["logStreams"]
    assert volatile(fresh, "creationTime") == {
        "logStreamName": "a", "arn": group_arn(bulwark, group) + ":log-stream:a", "storedBytes": 0}

    put(logs, group, "c", "older")
    time.sleep(0.01)
    put(logs, group, "a", "newer")
    [written] = logs.describe_log_streams(logGroupName=group, logStreamNamePrefix="a")["logStreams"]
    token = written.pop("uploadSequenceToken")
    assert DIGITS56.match(token), token
    assert written["firstEventTimestamp"] == written["lastEventTimestamp"]
    assert volatile(written, "creationTime", "firstEventTimestamp", "lastEventTimestamp", "lastIngestionTime") == {
        "logStreamName": "a", "arn": group_arn(bulwark, group) + ":log-stream:a", "storedBytes": 0}

    by_name = logs.describe_log_streams(logGroupName=group)["logStreams"]
    assert [item["logStreamName"] for item in by_name] == ["a", "b", "c"]
    descending = logs.describe_log_streams(logGroupName=group, descending=True)["logStreams"]
    assert [item["logStreamName"] for item in descending] == ["c", "b", "a"]
    by_event = logs.describe_log_streams(logGroupName=group, orderBy="LastEventTime", descending=True)["logStreams"]
    assert [item["logStreamName"] for item in by_event] == ["a", "c", "b"]
    page = logs.describe_log_streams(logGroupName=group, limit=2)
    assert [item["logStreamName"] for item in page["logStreams"]] == ["a", "b"]
    rest = logs.describe_log_streams(logGroupName=group, limit=2, nextToken=page["nextToken"])
    assert [item["logStreamName"] for item in rest["logStreams"]] == ["c"] and "nextToken" not in rest
    # logGroupIdentifier takes the group's ARN (the model's pattern refuses the trailing :*).
    assert len(logs.describe_log_streams(logGroupIdentifier=group_arn(bulwark, group))["logStreams"]) == 3

    expect_error(lambda: logs.describe_log_streams(logGroupName=group, orderBy="LastEventTime", logStreamNamePrefix="a"),
                 "InvalidParameterException", 400, "Cannot order by LastEventTime with a logStreamNamePrefix.")
    expect_error(lambda: logs.describe_log_streams(logGroupName=group, logGroupIdentifier=group_arn(bulwark, group)),
                 "InvalidParameterException", 400, "LogGroup name and LogGroup ARN are mutually exclusive parameters.")

    logs.delete_log_stream(logGroupName=group, logStreamName="b")
    expect_error(lambda: logs.delete_log_stream(logGroupName=group, logStreamName="b"), "ResourceNotFoundException", 400,
                 "The specified log stream does not exist.")
    assert [item["logStreamName"] for item in logs.describe_log_streams(logGroupName=group)["logStreams"]] == ["a", "c"]


def test_another_accounts_group_is_not_found(bulwark, logs, group):
    other = f"arn:aws:logs:us-east-1:{'1' if bulwark.account_id[0] != '1' else '2'}{bulwark.account_id[1:]}:log-group:{group}"
    expect_error(lambda: logs.describe_log_streams(logGroupIdentifier=other), "ResourceNotFoundException", 400,
                 "The specified log group does not exist.")
    expect_error(lambda: logs.filter_log_events(logGroupIdentifier=other), "ResourceNotFoundException", 400,
                 "The specified log group does not exist.")


# -- events -------------------------------------------------------------------------------------------


def test_put_and_get_log_events(logs, group):
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    start = now_ms() - 10_000
    written = put(logs, group, "s", *[f"line {index}" for index in range(5)], at=start, step=1000)
    assert DIGITS56.match(written.pop("nextSequenceToken"))
    written.pop("ResponseMetadata")
    assert written == {}

    def events(answer):
        return [(event["timestamp"] - start, event["message"]) for event in answer["events"]]

    def ingested(answer):
        for event in answer["events"]:
            assert abs(event["ingestionTime"] - now_ms()) < 60_000
        return answer

    head = ingested(logs.get_log_events(logGroupName=group, logStreamName="s", startFromHead=True, limit=2))
    assert events(head) == [(0, "line 0"), (1000, "line 1")]
    assert head["nextForwardToken"].startswith("f/") and head["nextBackwardToken"].startswith("b/")
    onward = logs.get_log_events(logGroupName=group, logStreamName="s", nextToken=head["nextForwardToken"], limit=2)
    assert events(onward) == [(2000, "line 2"), (3000, "line 3")]
    back = logs.get_log_events(logGroupName=group, logStreamName="s", nextToken=onward["nextBackwardToken"], limit=5)
    assert events(back) == [(0, "line 0"), (1000, "line 1")]
    # Without startFromHead, the latest events.
    tail = logs.get_log_events(logGroupName=group, logStreamName="s", limit=2)
    assert events(tail) == [(3000, "line 3"), (4000, "line 4")]
    # The end: no events, and the same forward token again (how clients know to stop).
    end = logs.get_log_events(logGroupName=group, logStreamName="s", nextToken=tail["nextForwardToken"])
    assert end["events"] == [] and end["nextForwardToken"] == tail["nextForwardToken"]
    window = logs.get_log_events(logGroupName=group, logStreamName="s", startTime=start + 1000, endTime=start + 3000, startFromHead=True)
    assert events(window) == [(1000, "line 1"), (2000, "line 2")]

    expect_error(lambda: logs.get_log_events(logGroupName=group, logStreamName="s", nextToken="f/123"), "InvalidParameterException", 400,
                 "The specified nextToken is invalid.")
    expect_error(lambda: logs.get_log_events(logGroupName=group, logStreamName="absent"), "ResourceNotFoundException", 400,
                 "The specified log stream does not exist.")
    expect_error(lambda: logs.put_log_events(logGroupName=group, logStreamName="absent", logEvents=[{"timestamp": now_ms(), "message": "x"}]),
                 "ResourceNotFoundException", 400, "The specified log stream does not exist.")


def test_the_cli_reads_events(bulwark, logs, group):
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    put(logs, group, "s", *[f"m{index}" for index in range(7)])
    answer = bulwark.aws("logs", "get-log-events", "--log-group-name", group, "--log-stream-name", "s", "--start-from-head").json
    assert [event["message"] for event in answer["events"]] == [f"m{index}" for index in range(7)]
    # The CLI pages FilterLogEvents itself (--page-size) and joins the pages.
    filtered = bulwark.aws("logs", "filter-log-events", "--log-group-name", group, "--filter-pattern", "?m1 ?m5 ?m6",
                           "--page-size", "1").json
    assert [event["message"] for event in filtered["events"]] == ["m1", "m5", "m6"]


def test_events_too_old_or_too_new_are_rejected_not_stored(logs, group):
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    now = now_ms()
    # A batch may not span more than 24 hours: too old and too new are shown in two calls.
    old = logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=[
        {"timestamp": now - 14 * DAY_MS - 60_000, "message": "too old"},
        {"timestamp": now - 14 * DAY_MS - 59_999, "message": "too old too"},
        {"timestamp": now - 14 * DAY_MS + 60_000, "message": "kept"},
    ])
    assert old["rejectedLogEventsInfo"] == {"tooOldLogEventEndIndex": 2}
    new = logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=[
        {"timestamp": now, "message": "kept too"},
        {"timestamp": now + 3 * 3_600_000, "message": "too new"},
    ])
    assert new["rejectedLogEventsInfo"] == {"tooNewLogEventStartIndex": 1}
    stored = logs.get_log_events(logGroupName=group, logStreamName="s", startFromHead=True)["events"]
    assert [event["message"] for event in stored] == ["kept", "kept too"]


@pytest.mark.parametrize("events, message", [
    ([{"timestamp": 2, "message": "b"}, {"timestamp": 1, "message": "a"}],
     "Log events in a single PutLogEvents request must be in chronological order."),
    ([{"timestamp": 0, "message": "a"}, {"timestamp": DAY_MS + 1, "message": "b"}],
     "The batch of log events in a single PutLogEvents request cannot span more than 24 hours."),
    ([{"timestamp": 0, "message": "x" * (256 * 1024)}], "Log event too large: 262170 bytes exceeds limit of 262144"),
    ([{"timestamp": 0, "message": "x" * (200 * 1024)}] * 6, "Upload too large: 1228956 bytes exceeds limit of 1048576"),
])
def test_put_log_events_refuses_bad_batches(logs, group, events, message):
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    base = now_ms() - DAY_MS // 2
    batch = [{"timestamp": base + event["timestamp"], "message": event["message"]} for event in events]
    expect_error(lambda: logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=batch), "InvalidParameterException", 400,
                 message)
    assert logs.get_log_events(logGroupName=group, logStreamName="s")["events"] == []


def test_put_log_events_refuses_an_empty_batch(bulwark, group):
    logs = bulwark.client("logs", validate=False)
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    expect_error(lambda: logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=[]), "InvalidParameterException", 400,
                 message_prefix="1 validation error detected: Value '[]' at 'logEvents' failed to satisfy constraint")


# -- filtering ----------------------------------------------------------------------------------------

TEXT_EVENTS = [
    "[ERROR 400] BadRequest: The request could not be understood by the server due to malformed syntax.",
    "[ERROR 401] UnauthorizedException: The request requires user authentication.",
    "[WARN] Exiting with status code 1",
    "[INFO] 200 OK",
]
JSON_EVENTS = [
    json.dumps({"level": "ERROR", "latency": 1500, "user": {"id": 1}, "tags": ["a", "b"]}),
    json.dumps({"level": "INFO", "latency": 20, "user": {"id": 2}, "tags": ["c"]}),
    json.dumps({"level": "WARN", "latency": 900, "user": {"id": 1}, "flag": None}),
]


@pytest.mark.parametrize("pattern, expected", [
    ("", TEXT_EVENTS + JSON_EVENTS),
    ("ERROR", TEXT_EVENTS[:2] + JSON_EVENTS[:1]),
    ("ERROR UnauthorizedException", TEXT_EVENTS[1:2]),
    ("?WARN ?OK", TEXT_EVENTS[2:4] + JSON_EVENTS[2:3]),
    ("ERROR -UnauthorizedException", [TEXT_EVENTS[0], JSON_EVENTS[0]]),
    ('"status code 1"', TEXT_EVENTS[2:3]),
    ('{ $.level = "ERROR" }', JSON_EVENTS[:1]),
    ('{ $.level != "ERROR" }', JSON_EVENTS[1:]),
    ("{ $.latency > 100 }", [JSON_EVENTS[0], JSON_EVENTS[2]]),
    ("{ $.latency < 100 }", JSON_EVENTS[1:2]),
    ('{ $.user.id = 1 && $.level = "WARN" }', JSON_EVENTS[2:3]),
    ('{ $.level = "INFO" || $.latency >= 1500 }', JSON_EVENTS[:2]),
    ('{ $.tags[1] = "b" }', JSON_EVENTS[:1]),
    ('{ $.level = "ERR*" }', JSON_EVENTS[:1]),
    ("{ $.flag IS NULL }", JSON_EVENTS[2:3]),
    ("{ $.flag NOT EXISTS }", JSON_EVENTS[:2]),
])
def test_filter_patterns(logs, group, pattern, expected):
    logs.create_log_stream(logGroupName=group, logStreamName="text")
    logs.create_log_stream(logGroupName=group, logStreamName="json")
    start = now_ms() - 60_000
    put(logs, group, "text", *TEXT_EVENTS, at=start, step=2)
    put(logs, group, "json", *JSON_EVENTS, at=start + len(TEXT_EVENTS) * 2, step=2)

    answer = logs.filter_log_events(logGroupName=group, filterPattern=pattern)
    assert [event["message"] for event in answer["events"]] == expected
    assert answer["searchedLogStreams"] == [] and "nextToken" not in answer
    for event in answer["events"]:
        assert DIGITS56.match(event.pop("eventId"))
        assert set(volatile(event, "timestamp", "ingestionTime")) == {"logStreamName", "message"}


def test_stream_name_prefixes_count_characters_not_bytes(logs, group):
    """Stream names may hold any character but `:` and `*`: a prefix of non-ASCII characters matches as it reads."""
    for stream in ("ünïcødé-1", "ünïcødé-2", "ünïcødex"):
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
    put(logs, group, "ünïcødé-1", "u1")
    put(logs, group, "ünïcødé-2", "u2")

    listed = logs.describe_log_streams(logGroupName=group, logStreamNamePrefix="ünïcødé-")["logStreams"]
    filtered = logs.filter_log_events(logGroupName=group, logStreamNamePrefix="ünïcødé-")["events"]

    assert [stream["logStreamName"] for stream in listed] == ["ünïcødé-1", "ünïcødé-2"]
    assert sorted(event["message"] for event in filtered) == ["u1", "u2"]


def test_filter_log_events_by_stream_time_and_pages(logs, group):
    for stream in ("app-1", "app-2", "other"):
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
    start = now_ms() - 60_000
    put(logs, group, "app-1", "a0", "a1", at=start, step=10)
    put(logs, group, "app-2", "b0", "b1", at=start + 5, step=10)
    put(logs, group, "other", "o0", at=start + 1)

    def messages(**arguments):
        return [event["message"] for event in logs.filter_log_events(logGroupName=group, **arguments)["events"]]

    assert messages() == ["a0", "o0", "b0", "a1", "b1"]
    assert messages(logStreamNamePrefix="app-") == ["a0", "b0", "a1", "b1"]
    assert messages(logStreamNames=["app-2", "other"]) == ["o0", "b0", "b1"]
    assert messages(startTime=start + 5, endTime=start + 15) == ["b0", "a1"]
    [event] = logs.filter_log_events(logGroupName=group, logStreamNames=["other"])["events"]
    assert event["logStreamName"] == "other" and event["timestamp"] == start + 1

    first = logs.filter_log_events(logGroupName=group, limit=2)
    assert [event["message"] for event in first["events"]] == ["a0", "o0"]
    second = logs.filter_log_events(logGroupName=group, limit=2, nextToken=first["nextToken"])
    assert [event["message"] for event in second["events"]] == ["b0", "a1"]
    pages = logs.get_paginator("filter_log_events").paginate(logGroupName=group, PaginationConfig={"PageSize": 2})
    assert [event["message"] for page in pages for event in page["events"]] == ["a0", "o0", "b0", "a1", "b1"]

    expect_error(lambda: logs.filter_log_events(logGroupName=group, logStreamNames=["a"], logStreamNamePrefix="a"),
                 "InvalidParameterException", 400, "You cannot specify both LogStreamNames and LogStreamNamePrefix.")
    expect_error(lambda: logs.filter_log_events(logGroupName=group, filterPattern='{ $.level = }'), "InvalidParameterException", 400,
                 "Invalid filter pattern: { $.level = }")
    expect_error(lambda: logs.filter_log_events(logGroupName=group, nextToken="f/1"), "InvalidParameterException", 400,
                 "The specified nextToken is invalid.")
    expect_error(lambda: logs.filter_log_events(logGroupName=group + "-absent"), "ResourceNotFoundException", 400,
                 "The specified log group does not exist.")


# -- retention ----------------------------------------------------------------------------------------


def test_retention_expires_old_events(bulwark, logs, group):
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    now = now_ms()
    put(logs, group, "s", "three days ago", at=now - 3 * DAY_MS)
    put(logs, group, "s", "two days ago", at=now - 2 * DAY_MS)
    put(logs, group, "s", "now", at=now)

    logs.put_retention_policy(logGroupName=group, retentionInDays=3)
    [described] = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    assert described["retentionInDays"] == 3
    assert [event["message"] for event in logs.get_log_events(logGroupName=group, logStreamName="s", startFromHead=True)["events"]] == [
        "two days ago", "now"]

    logs.put_retention_policy(logGroupName=group, retentionInDays=1)
    assert [event["message"] for event in logs.filter_log_events(logGroupName=group)["events"]] == ["now"]
    [stream] = logs.describe_log_streams(logGroupName=group)["logStreams"]
    assert stream["firstEventTimestamp"] == now
    # An event older than the retention is refused as expired when it is put.
    answer = logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=[
        {"timestamp": now - 2 * DAY_MS, "message": "expired"}, {"timestamp": now - 2 * DAY_MS + 1, "message": "expired too"}])
    assert answer["rejectedLogEventsInfo"] == {"expiredLogEventEndIndex": 2}

    logs.delete_retention_policy(logGroupName=group)
    [described] = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    assert "retentionInDays" not in described
    assert [event["message"] for event in logs.filter_log_events(logGroupName=group)["events"]] == ["now"]


def test_retention_days_are_awss(logs, group):
    expect_error(
        lambda: logs.put_retention_policy(logGroupName=group, retentionInDays=2), "InvalidParameterException", 400,
        "1 validation error detected: Value '2' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: "
        "[1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]")
    expect_error(lambda: logs.put_retention_policy(logGroupName=group + "-absent", retentionInDays=1), "ResourceNotFoundException", 400,
                 "The specified log group does not exist.")


# -- tags ---------------------------------------------------------------------------------------------


def test_tags(bulwark, logs, group):
    arn = group_arn(bulwark, group)
    logs.tag_resource(resourceArn=arn, tags={"a": "1", "b": "2"})
    assert logs.list_tags_for_resource(resourceArn=arn)["tags"] == {"a": "1", "b": "2"}
    logs.untag_resource(resourceArn=arn, tagKeys=["a"])
    assert logs.list_tags_for_resource(resourceArn=arn)["tags"] == {"b": "2"}
    logs.tag_log_group(logGroupName=group, tags={"c": "3"})
    assert logs.list_tags_log_group(logGroupName=group)["tags"] == {"b": "2", "c": "3"}
    logs.untag_log_group(logGroupName=group, tags=["b"])
    assert logs.list_tags_log_group(logGroupName=group)["tags"] == {"c": "3"}

    expect_error(lambda: logs.tag_resource(resourceArn=arn, tags={f"k{index}": "v" for index in range(50)}), "TooManyTagsException", 400,
                 "A resource can have no more than 50 tags.")
    expect_error(lambda: logs.list_tags_for_resource(resourceArn=arn + "-absent"), "ResourceNotFoundException", 400,
                 "The specified log group does not exist.")
    expect_error(lambda: logs.tag_resource(resourceArn=arn, tags={"aws:x": "1"}), "InvalidParameterException", 400,
                 "Tag keys beginning with aws: are reserved.")


# -- what is not implemented --------------------------------------------------------------------------


def test_other_operations_answer_not_implemented(logs, group):
    expect_error(lambda: logs.describe_metric_filters(logGroupName=group), "NotImplemented", 501,
                 "Bulwark does not implement the CloudWatch Logs operation DescribeMetricFilters yet.")
    expect_error(lambda: logs.start_query(logGroupName=group, startTime=0, endTime=1, queryString="fields @message"),
                 "NotImplemented", 501, "Bulwark does not implement the CloudWatch Logs operation StartQuery yet.")


# -- authorization and audit --------------------------------------------------------------------------


@pytest.fixture
def reader(bulwark, unique_name, group):
    """A user that may do anything with the test's group (`log-group:<name>:*`) but GetLogEvents."""
    iam = bulwark.client("iam")
    user = unique_name.replace("_", "")[:48]
    iam.create_user(UserName=user)
    key = iam.create_access_key(UserName=user)["AccessKey"]
    arn = group_arn(bulwark, group)
    iam.put_user_policy(UserName=user, PolicyName="logs", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "logs:*", "Resource": arn + ":*"},
        {"Effect": "Deny", "Action": "logs:GetLogEvents", "Resource": "*"},
    ]}))
    return user, bulwark.client("logs", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])


def test_a_user_denied_get_log_events_is_refused_and_audited(bulwark, logs, group, reader):
    user, client = reader
    client.create_log_stream(logGroupName=group, logStreamName="s")
    put(client, group, "s", "visible to filter")
    assert [event["message"] for event in client.filter_log_events(logGroupName=group)["events"]] == ["visible to filter"]

    with pytest.raises(ClientError) as refused:
        client.get_log_events(logGroupName=group, logStreamName="s")
    error = refused.value.response
    assert error["Error"]["Code"] == "AccessDeniedException"
    assert error["Error"]["Message"] == (
        f"User: arn:aws:iam::{bulwark.account_id}:user/{user} is not authorized to perform: logs:GetLogEvents on resource: "
        f"{group_arn(bulwark, group)}:log-stream:s with an explicit deny in an identity-based policy")
    # DescribeLogGroups is judged on log-group::log-stream:, which the policy does not name.
    with pytest.raises(ClientError) as listing:
        client.describe_log_groups()
    assert listing.value.response["Error"]["Message"].endswith(
        f"logs:DescribeLogGroups on resource: arn:aws:logs:us-east-1:{bulwark.account_id}:log-group::log-stream: "
        "because no identity-based policy allows the logs:DescribeLogGroups action")

    request_id = error["ResponseMetadata"]["RequestId"]
    event = wait_for(lambda: next((item for item in bulwark.trail_events() if item.get("requestID") == request_id), None), 10,
                     message="the denial in the trail")
    assert event["eventSource"] == "logs.amazonaws.com" and event["eventName"] == "GetLogEvents"
    assert event["errorCode"] == "AccessDenied" or event["errorCode"] == "AccessDeniedException"


def test_a_policy_on_the_bare_group_arn_does_not_reach_streams(bulwark, logs, group, unique_name):
    """As in AWS: stream and group actions are judged on `log-group:<name>:log-stream:…`, which a policy must
    name with the trailing `:*`."""
    iam = bulwark.client("iam")
    user = (unique_name.replace("_", "") + "bare")[:48]
    iam.create_user(UserName=user)
    key = iam.create_access_key(UserName=user)["AccessKey"]
    iam.put_user_policy(UserName=user, PolicyName="logs", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "logs:*", "Resource": group_arn(bulwark, group)}]}))
    client = bulwark.client("logs", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])
    with pytest.raises(ClientError) as refused:
        client.create_log_stream(logGroupName=group, logStreamName="s")
    assert refused.value.response["Error"]["Code"] == "AccessDeniedException"
    # Tagging is judged on the bare ARN.
    client.tag_resource(resourceArn=group_arn(bulwark, group), tags={"k": "v"})
    assert logs.list_tags_for_resource(resourceArn=group_arn(bulwark, group))["tags"] == {"k": "v"}


def trail_event(bulwark, request_id: str) -> dict:
    return wait_for(lambda: next((item for item in bulwark.trail_events() if item.get("requestID") == request_id), None), 10,
                    message=f"request {request_id} in the trail")


def test_calls_are_audited_without_the_messages(bulwark, logs, unique_name):
    name = f"/bulwark/{unique_name}"
    created = trail_event(bulwark, logs.create_log_group(logGroupName=name)["ResponseMetadata"]["RequestId"])
    assert created["eventSource"] == "logs.amazonaws.com" and created["eventName"] == "CreateLogGroup"
    assert created["requestParameters"] == {"logGroupName": name}
    assert created["managementEvent"] is True
    assert "resources" not in created  # as for every service: the trail names resources that existed

    logs.create_log_stream(logGroupName=name, logStreamName="s")
    at = now_ms()
    written = put(logs, name, "s", "password=hunter2", at=at)
    event = trail_event(bulwark, written["ResponseMetadata"]["RequestId"])
    assert event["eventName"] == "PutLogEvents" and event["managementEvent"] is False
    assert event["resources"] == [
        {"ARN": group_arn(bulwark, name) + ":log-stream:s", "accountId": bulwark.account_id, "type": "AWS::Logs::LogGroup"}]
    assert event["requestParameters"] == {"logGroupName": name, "logStreamName": "s", "logEvents": [
        {"timestamp": at, "message": "HIDDEN_DUE_TO_SECURITY_REASONS"}]}
    assert "hunter2" not in json.dumps(bulwark.trail_events())


# -- what functions write -----------------------------------------------------------------------------


def test_function_output_reaches_the_log_group(bulwark, lambda_client, logs, unique_name):
    create(bulwark, unique_name)
    group = f"/aws/lambda/{unique_name}"
    marker = f"marker-{unique_name}-{time.time_ns()}"
    invocation = invoke(lambda_client, unique_name, {"action": "print", "text": marker})
    assert invocation.function_error is None

    def found():
        try:
            return logs.filter_log_events(logGroupName=group, filterPattern=f'"{marker}"')["events"]
        except ClientError:
            return None

    started = time.monotonic()
    [event] = wait_for(found, 2.0, interval=0.1, message="the printed line in FilterLogEvents")
    assert time.monotonic() - started <= 2.0
    assert STREAM_OF_FUNCTION.match(event["logStreamName"]), event["logStreamName"]
    # The stream is the one the function's files name, with the same lines.
    assert event["logStreamName"] in log_streams(bulwark, unique_name)

    def platform_lines():
        lines = [item["message"] for item in logs.get_log_events(
            logGroupName=group, logStreamName=event["logStreamName"], startFromHead=True)["events"]]
        return lines if any(line.startswith("REPORT RequestId: " + invocation.request_id) for line in lines) else None

    lines = wait_for(platform_lines, 5.0, message="START/END/REPORT in GetLogEvents")
    assert lines[0].startswith("INIT_START Runtime Version: ")
    start = lines.index(f"START RequestId: {invocation.request_id} Version: $LATEST")
    assert lines[start + 1] == marker
    assert lines[start + 2] == f"END RequestId: {invocation.request_id}"

    [described] = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    assert described["logGroupName"] == group and described["storedBytes"] > 0

    tailed = list(tail(logs, group, since_ms=now_ms() - 600_000))
    assert [(item["logStreamName"], item["message"]) for item in tailed if item["message"] == marker] == [
        (event["logStreamName"], marker)]


def test_aws_logs_tail_follow_sees_new_lines(bulwark, lambda_client, logs, unique_name):
    create(bulwark, unique_name)
    group = f"/aws/lambda/{unique_name}"
    invoke(lambda_client, unique_name, {"action": "print", "text": "first"})
    # Lambda creates the group when its first line is ingested (every 100 ms), after the reply: until then
    # `aws logs tail` answers ResourceNotFoundException, on AWS as here.
    wait_for(lambda: logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"], 10, message="the group")
    follower = follow(logs, group, since_ms=now_ms() - 600_000, until=time.monotonic() + 30)
    assert wait_for(lambda: any(item["message"] == "first" for item in next(follower)), 10, message="the first line")
    marker = f"followed-{time.time_ns()}"
    invoke(lambda_client, unique_name, {"action": "print", "text": marker})
    started = time.monotonic()
    seen = wait_for(lambda: [item for item in next(follower) if item["message"] == marker], 10, interval=0.1, message="the new line")
    assert len(seen) == 1 and time.monotonic() - started <= 2.0
    # Polling again from the newest timestamp repeats no event (the CLI drops what it saw by eventId).
    assert [item for item in next(follower) if item["message"] == marker] == []


def test_function_lines_reach_only_groups_its_role_allows(bulwark, lambda_client, logs, unique_name):
    """Lambda delivers a function's lines only when its execution role allows logs:CreateLogStream and
    logs:PutLogEvents on the stream (and logs:CreateLogGroup on the group when it must be created);
    otherwise they are silently not delivered (decision 0035, "Review fixes"). The stream's file stays."""
    iam = bulwark.client("iam")
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    account = bulwark.account_id
    victim = f"/aws/lambda/{unique_name}-victim"

    def role(suffix: str, *statements: dict) -> str:
        name = (unique_name.replace("_", "") + suffix)[-64:]
        arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)["Role"]["Arn"]
        if statements:
            iam.put_role_policy(RoleName=name, PolicyName="logs", PolicyDocument=json.dumps(
                {"Version": "2012-10-17", "Statement": list(statements)}))
        return arn

    def streams_and_puts(group: str) -> dict:
        return {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": f"arn:aws:logs:us-east-1:{account}:log-group:{group}:*"}

    functions = {
        # No logs:* permission at all.
        "none": (role("-none"), None),
        # AWSLambdaBasicExecutionRole (the suite's role): its own group, created on the first line.
        "basic": (None, None),
        # Streams and events in its own group, but the group pointed at is another function's.
        "other": (role("-own", {"Effect": "Allow", "Action": "logs:CreateLogGroup",
                                "Resource": f"arn:aws:logs:us-east-1:{account}:log-group:/aws/lambda/{unique_name}-other:*"},
                       streams_and_puts(f"/aws/lambda/{unique_name}-other")), victim),
        # Streams and events in the victim's group, no CreateLogGroup: delivered while the group exists.
        "allowed": (role("-victim", streams_and_puts(victim)), victim),
        # The same permissions on a group that does not exist: nothing, not even the group.
        "missing": (role("-missing", streams_and_puts(f"/bulwark/{unique_name}-missing")), f"/bulwark/{unique_name}-missing"),
    }
    logs.create_log_group(logGroupName=victim)
    markers = {}
    for key, (role_arn, group) in functions.items():
        name = f"{unique_name}-{key}"
        parameters = {"LoggingConfig": {"LogFormat": "Text", "LogGroup": group}} if group else {}
        configuration = create(bulwark, name, **parameters)
        if role_arn:
            lambda_client.update_function_configuration(FunctionName=name, Role=role_arn)
            wait_for(lambda: lambda_client.get_function_configuration(FunctionName=name)["LastUpdateStatus"] == "Successful", 30)
        assert configuration["LoggingConfig"]["LogGroup"] == (group or f"/aws/lambda/{name}")
        markers[key] = f"marker-{key}-{time.time_ns()}"
        assert invoke(lambda_client, name, {"action": "print", "text": markers[key]}).function_error is None

    def delivered(group: str) -> list[str]:
        try:
            return [event["message"] for event in logs.filter_log_events(logGroupName=group)["events"]]
        except ClientError as error:
            assert error.response["Error"]["Code"] == "ResourceNotFoundException"
            return []

    # One flush stores every buffered line: once the allowed lines are in, the others were judged too.
    wait_for(lambda: markers["basic"] in delivered(f"/aws/lambda/{unique_name}-basic"), 5.0, message="the basic role's line")
    wait_for(lambda: markers["allowed"] in delivered(victim), 5.0, message="the allowed line in the victim's group")
    time.sleep(0.5)
    assert delivered(f"/aws/lambda/{unique_name}-none") == []
    assert markers["other"] not in delivered(victim)
    assert [line for line in delivered(victim) if line.startswith("marker-")] == [markers["allowed"]]
    assert logs.describe_log_groups(logGroupNamePrefix=f"/aws/lambda/{unique_name}-none")["logGroups"] == []
    assert logs.describe_log_groups(logGroupNamePrefix=f"/bulwark/{unique_name}-missing")["logGroups"] == []
    # The stream files keep every function's lines, as before.
    assert markers["none"] in log_messages(bulwark, f"{unique_name}-none")


# -- `aws logs tail` ----------------------------------------------------------------------------------
# The CLI installed for the suite is version 1, which has no `logs tail` (a version 2 command): these
# make the requests `aws logs tail` makes, as its documentation and source describe them — FilterLogEvents
# pages with `interleaved` and `startTime` (now less `--since`), and with `--follow` the same request
# again from the newest timestamp seen, dropping events already shown by their eventId.


def tail(logs, group: str, since_ms: int):
    for page in logs.get_paginator("filter_log_events").paginate(logGroupName=group, interleaved=True, startTime=since_ms):
        yield from page["events"]


def follow(logs, group: str, since_ms: int, until: float):
    """Each next() is one poll of `aws logs tail --follow`: the new events it would print."""
    arguments = {"logGroupName": group, "interleaved": True, "startTime": since_ms}
    shown: dict[int, set[str]] = {}
    while time.monotonic() < until:
        fresh = []
        while True:
            answer = logs.filter_log_events(**arguments)
            for event in answer["events"]:
                ids = shown.setdefault(event["timestamp"], set())
                if event["eventId"] not in ids:
                    ids.add(event["eventId"])
                    fresh.append(event)
            if "nextToken" not in answer:
                break
            arguments["nextToken"] = answer["nextToken"]
        arguments.pop("nextToken", None)
        if shown:
            newest = max(shown)
            shown = {newest: shown[newest]}
            arguments["startTime"] = newest
        yield fresh


def test_group_tags_decide_a_tag_conditioned_policy(bulwark, logs, unique_name):
    """`aws:ResourceTag/<key>` comes from the group's tags, for the group's actions and its streams'."""
    tagged, untagged = f"/bulwark/{unique_name}/tagged", f"/bulwark/{unique_name}/untagged"
    logs.create_log_group(logGroupName=tagged, tags={"team": "core"})
    logs.create_log_group(logGroupName=untagged)
    for name in (tagged, untagged):
        logs.create_log_stream(logGroupName=name, logStreamName="s")
    iam = bulwark.client("iam")
    user = (unique_name.replace("_", "") + "tag")[:48]
    iam.create_user(UserName=user)
    key = iam.create_access_key(UserName=user)["AccessKey"]
    iam.put_user_policy(UserName=user, PolicyName="logs", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": ["logs:FilterLogEvents", "logs:GetLogEvents"], "Resource": "*",
        "Condition": {"StringEquals": {"aws:ResourceTag/team": "core"}}}]}))
    client = bulwark.client("logs", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])

    assert client.filter_log_events(logGroupName=tagged)["events"] == []
    assert client.get_log_events(logGroupName=tagged, logStreamName="s")["events"] == []
    for call in (lambda: client.filter_log_events(logGroupName=untagged),
                 lambda: client.get_log_events(logGroupName=untagged, logStreamName="s")):
        with pytest.raises(ClientError) as refused:
            call()
        assert refused.value.response["Error"]["Code"] == "AccessDeniedException"


def test_describe_log_streams_order_is_validated(bulwark, group):
    logs = bulwark.client("logs", validate=False)
    expect_error(
        lambda: logs.describe_log_streams(logGroupName=group, orderBy="Size"), "InvalidParameterException", 400,
        "1 validation error detected: Value 'Size' at 'orderBy' failed to satisfy constraint: "
        "Member must satisfy enum value set: [LogStreamName, LastEventTime]")
    expect_error(lambda: logs.describe_log_streams(logGroupName=group, limit=51), "InvalidParameterException", 400,
                 message_prefix="1 validation error detected: Value '51' at 'limit' failed to satisfy constraint")
