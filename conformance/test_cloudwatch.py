"""CloudWatch metrics (issue #15 item 2, decision 0039) through boto3 and the aws CLI, which speak the Smithy
RPC v2 CBOR protocol to CloudWatch since botocore 1.40: PutMetricData then GetMetricStatistics and
GetMetricData, ListMetrics with its filters and pages, the AWS/Lambda metrics of invocations (a metric after N
invokes is N), bad input answered with AWS's codes (botocore reads them from x-amzn-query-error), authorization
on `*` and the trail. Whole answers are compared, less ResponseMetadata.
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone

import pytest

from support.functions import create, invoke, wait_for
from support.lam import expect_error


@pytest.fixture
def cloudwatch(bulwark):
    return bulwark.client("cloudwatch")


def minute(offset_minutes: int = 0) -> datetime:
    """A whole minute a little in the past, so that the data is accepted and the window is closed."""
    now = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    return now - timedelta(minutes=10) + timedelta(minutes=offset_minutes)


def answer(response: dict) -> dict:
    response = dict(response)
    response.pop("ResponseMetadata")
    return response


def test_put_then_get_statistics(cloudwatch, unique_name):
    namespace = f"Bulwark/{unique_name}"
    dimensions = [{"Name": "Host", "Value": "web-1"}]
    start = minute()
    put = cloudwatch.put_metric_data(Namespace=namespace, MetricData=[
        {"MetricName": "Latency", "Dimensions": dimensions, "Timestamp": start + timedelta(seconds=5), "Value": 10.0,
         "Unit": "Milliseconds"},
        {"MetricName": "Latency", "Dimensions": dimensions, "Timestamp": start + timedelta(seconds=40), "Value": 30.5,
         "Unit": "Milliseconds"},
        {"MetricName": "Latency", "Dimensions": dimensions, "Timestamp": start + timedelta(seconds=70),
         "StatisticValues": {"SampleCount": 2, "Sum": 8, "Minimum": 3, "Maximum": 5}, "Unit": "Milliseconds"},
    ])
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 200

    statistics = cloudwatch.get_metric_statistics(
        Namespace=namespace, MetricName="Latency", Dimensions=dimensions, StartTime=start, EndTime=start + timedelta(minutes=5),
        Period=60, Statistics=["SampleCount", "Average", "Sum", "Minimum", "Maximum"])
    assert answer(statistics) == {"Label": "Latency", "Datapoints": [
        {"Timestamp": start, "SampleCount": 2.0, "Average": 20.25, "Sum": 40.5, "Minimum": 10.0, "Maximum": 30.5, "Unit": "Milliseconds"},
        {"Timestamp": start + timedelta(minutes=1), "SampleCount": 2.0, "Average": 4.0, "Sum": 8.0, "Minimum": 3.0, "Maximum": 5.0,
         "Unit": "Milliseconds"},
    ]}
    # Another dimension set is another metric; a longer period combines the minutes.
    assert cloudwatch.get_metric_statistics(Namespace=namespace, MetricName="Latency", StartTime=start,
                                            EndTime=start + timedelta(minutes=5), Period=60, Statistics=["Sum"])["Datapoints"] == []
    five = cloudwatch.get_metric_statistics(Namespace=namespace, MetricName="Latency", Dimensions=dimensions, StartTime=start,
                                            EndTime=start + timedelta(minutes=5), Period=300, Statistics=["Sum"])
    assert five["Datapoints"] == [{"Timestamp": start, "Sum": 48.5, "Unit": "Milliseconds"}]


def test_get_metric_data(cloudwatch, unique_name):
    namespace = f"Bulwark/{unique_name}"
    start = minute()
    cloudwatch.put_metric_data(Namespace=namespace, MetricData=[
        {"MetricName": "Hits", "Timestamp": start + timedelta(minutes=index, seconds=1), "Value": float(index + 1)} for index in range(3)])
    metric = {"Namespace": namespace, "MetricName": "Hits"}
    data = cloudwatch.get_metric_data(StartTime=start, EndTime=start + timedelta(minutes=5), MetricDataQueries=[
        {"Id": "hits", "MetricStat": {"Metric": metric, "Period": 60, "Stat": "Sum"}},
        {"Id": "peak", "Label": "Peak", "MetricStat": {"Metric": metric, "Period": 180, "Stat": "Maximum"}},
        {"Id": "hidden", "MetricStat": {"Metric": metric, "Period": 60, "Stat": "Sum"}, "ReturnData": False},
    ])
    assert answer(data) == {"MetricDataResults": [
        {"Id": "hits", "Label": "Hits", "Timestamps": [start + timedelta(minutes=2), start + timedelta(minutes=1), start],
         "Values": [3.0, 2.0, 1.0], "StatusCode": "Complete"},
        {"Id": "peak", "Label": "Peak", "Timestamps": [start], "Values": [3.0], "StatusCode": "Complete"},
    ], "Messages": []}

    # Pages by MaxDatapoints, as the paginator follows them.
    pages = list(cloudwatch.get_paginator("get_metric_data").paginate(
        StartTime=start, EndTime=start + timedelta(minutes=5), ScanBy="TimestampAscending", MaxDatapoints=2,
        MetricDataQueries=[{"Id": "hits", "MetricStat": {"Metric": metric, "Period": 60, "Stat": "Sum"}}]))
    assert [[result["Values"] for result in page["MetricDataResults"]] for page in pages] == [[[1.0, 2.0]], [[3.0]]]

    expect_error(lambda: cloudwatch.get_metric_data(
        StartTime=start, EndTime=start + timedelta(minutes=5),
        MetricDataQueries=[{"Id": "total", "Expression": "SUM(METRICS())"}]), "ValidationError", 400,
        message_prefix="Metric math is not supported by Bulwark")


def test_list_metrics_filters_and_pages(cloudwatch, unique_name):
    namespace = f"Bulwark/{unique_name}"
    cloudwatch.put_metric_data(Namespace=namespace, MetricData=[
        {"MetricName": "Hits", "Dimensions": [{"Name": "Host", "Value": "a"}], "Value": 1},
        {"MetricName": "Hits", "Dimensions": [{"Name": "Host", "Value": "b"}, {"Name": "Az", "Value": "z1"}], "Value": 1},
        {"MetricName": "Errors", "Value": 1},
    ])
    listed = cloudwatch.list_metrics(Namespace=namespace)
    assert answer(listed) == {"Metrics": [
        {"Namespace": namespace, "MetricName": "Hits", "Dimensions": [{"Name": "Host", "Value": "a"}]},
        {"Namespace": namespace, "MetricName": "Hits", "Dimensions": [{"Name": "Az", "Value": "z1"}, {"Name": "Host", "Value": "b"}]},
        {"Namespace": namespace, "MetricName": "Errors", "Dimensions": []},
    ]}
    assert cloudwatch.list_metrics(Namespace=namespace, Dimensions=[{"Name": "Host", "Value": "b"}])["Metrics"] == [
        {"Namespace": namespace, "MetricName": "Hits", "Dimensions": [{"Name": "Az", "Value": "z1"}, {"Name": "Host", "Value": "b"}]}]
    assert len(cloudwatch.list_metrics(Namespace=namespace, MetricName="Hits", Dimensions=[{"Name": "Host"}])["Metrics"]) == 2
    assert cloudwatch.list_metrics(Namespace=namespace, RecentlyActive="PT3H")["Metrics"] == listed["Metrics"]

    many = f"{namespace}/many"
    for batch in range(0, 501, 250):
        cloudwatch.put_metric_data(Namespace=many, MetricData=[
            {"MetricName": f"M{index:03}", "Value": 1} for index in range(batch, min(batch + 250, 501))])
    pages = list(cloudwatch.get_paginator("list_metrics").paginate(Namespace=many))
    assert [len(page["Metrics"]) for page in pages] == [500, 1]
    assert sorted(metric["MetricName"] for page in pages for metric in page["Metrics"]) == [f"M{index:03}" for index in range(501)]


def test_the_cli_puts_gets_and_lists(bulwark, unique_name):
    namespace = f"Bulwark/{unique_name}"
    start = minute()
    bulwark.aws("cloudwatch", "put-metric-data", "--namespace", namespace, "--metric-name", "Orders", "--value", "3",
                "--unit", "Count", "--dimensions", "Shop=north", "--timestamp", start.isoformat())
    bulwark.aws("cloudwatch", "put-metric-data", "--namespace", namespace, "--metric-name", "Orders", "--value", "4",
                "--unit", "Count", "--dimensions", "Shop=north", "--timestamp", (start + timedelta(seconds=30)).isoformat())
    got = bulwark.aws("cloudwatch", "get-metric-statistics", "--namespace", namespace, "--metric-name", "Orders",
                      "--dimensions", "Name=Shop,Value=north", "--statistics", "Sum", "SampleCount", "--period", "60",
                      "--start-time", start.isoformat(), "--end-time", (start + timedelta(minutes=2)).isoformat()).json
    # The CLI (v1) prints timestamps as the json protocol carries them: seconds since 1970.
    assert got == {"Label": "Orders", "Datapoints": [
        {"Timestamp": start.timestamp(), "SampleCount": 2.0, "Sum": 7.0, "Unit": "Count"}]}
    listed = bulwark.aws("cloudwatch", "list-metrics", "--namespace", namespace).json
    assert listed == {"Metrics": [{"Namespace": namespace, "MetricName": "Orders", "Dimensions": [{"Name": "Shop", "Value": "north"}]}]}


def test_a_metric_after_n_invokes_is_n(bulwark, lambda_client, cloudwatch, unique_name):
    create(bulwark, unique_name)
    started = datetime.now(timezone.utc) - timedelta(minutes=2)
    for _ in range(4):
        assert invoke(lambda_client, unique_name, {"action": "print", "text": "ok"}).function_error is None
    assert invoke(lambda_client, unique_name, {"action": "raise"}).function_error == "Unhandled"
    function = [{"Name": "FunctionName", "Value": unique_name}]

    def total(name: str, statistic: str = "Sum", dimensions=None):
        points = cloudwatch.get_metric_statistics(
            Namespace="AWS/Lambda", MetricName=name, Dimensions=function if dimensions is None else dimensions, StartTime=started,
            EndTime=datetime.now(timezone.utc) + timedelta(minutes=1), Period=3600, Statistics=[statistic])["Datapoints"]
        return sum(point[statistic] for point in points) if points else None

    # Stored within seconds (the server flushes what it gathered every 2 s).
    assert wait_for(lambda: total("Invocations") == 5, 10, message="Invocations = 5")
    assert total("Errors") == 1
    assert total("Throttles") is None
    duration = cloudwatch.get_metric_statistics(
        Namespace="AWS/Lambda", MetricName="Duration", Dimensions=function, StartTime=started,
        EndTime=datetime.now(timezone.utc) + timedelta(minutes=1), Period=3600, Statistics=["SampleCount", "Maximum"])["Datapoints"]
    assert sum(point["SampleCount"] for point in duration) == 5 and all(point["Unit"] == "Milliseconds" for point in duration)

    listed = cloudwatch.list_metrics(Namespace="AWS/Lambda", Dimensions=[{"Name": "FunctionName", "Value": unique_name}])["Metrics"]
    assert {metric["MetricName"] for metric in listed} == {"Invocations", "Errors", "Duration", "ConcurrentExecutions"}
    assert all(metric["Dimensions"] == function for metric in listed)

    # Through a version: the Resource dimension is name:qualifier.
    version = lambda_client.publish_version(FunctionName=unique_name)["Version"]
    invoke(lambda_client, unique_name, {"action": "print", "text": "ok"}, Qualifier=version)
    resource = function + [{"Name": "Resource", "Value": f"{unique_name}:{version}"}]
    assert wait_for(lambda: total("Invocations", dimensions=resource) == 1, 10, message="Invocations of the version")
    # The CLI sees the same total.
    assert wait_for(lambda: total("Invocations") == 6, 10, message="Invocations = 6")
    cli = bulwark.aws("cloudwatch", "get-metric-statistics", "--namespace", "AWS/Lambda", "--metric-name", "Invocations",
                      "--dimensions", f"Name=FunctionName,Value={unique_name}", "--statistics", "Sum", "--period", "3600",
                      "--start-time", started.isoformat(), "--end-time", (datetime.now(timezone.utc) + timedelta(minutes=1)).isoformat()).json
    assert sum(point["Sum"] for point in cli["Datapoints"]) == 6


def test_async_events_are_counted(bulwark, lambda_client, cloudwatch, unique_name):
    create(bulwark, unique_name)
    started = datetime.now(timezone.utc) - timedelta(minutes=2)
    assert lambda_client.invoke(FunctionName=unique_name, InvocationType="Event", Payload=b"{}")["StatusCode"] == 202

    def total(name: str):
        points = cloudwatch.get_metric_statistics(
            Namespace="AWS/Lambda", MetricName=name, Dimensions=[{"Name": "FunctionName", "Value": unique_name}], StartTime=started,
            EndTime=datetime.now(timezone.utc) + timedelta(minutes=1), Period=3600, Statistics=["Sum"])["Datapoints"]
        return sum(point["Sum"] for point in points)

    assert wait_for(lambda: total("AsyncEventsReceived") == 1, 10, message="AsyncEventsReceived = 1")
    assert wait_for(lambda: total("Invocations") == 1, 20, message="the queued event ran")


def _sum_query(query_id: str, period: int = 60) -> dict:
    return {"Id": query_id, "MetricStat": {"Metric": {"Namespace": "App", "MetricName": "M"}, "Period": period, "Stat": "Sum"}}


@pytest.mark.parametrize("call, code, message", [
    (lambda cw: cw.put_metric_data(Namespace="AWS/Lambda", MetricData=[{"MetricName": "M", "Value": 1}]),
     "InvalidParameterValue", "The value AWS/ for parameter Namespace is invalid."),
    (lambda cw: cw.put_metric_data(Namespace="App", MetricData=[
        {"MetricName": "M", "Value": 1, "StatisticValues": {"SampleCount": 1, "Sum": 1, "Minimum": 1, "Maximum": 1}}]),
     "InvalidParameterCombination",
     "The parameters MetricData.member.1.Value and MetricData.member.1.StatisticValues are mutually exclusive and you have specified both."),
    (lambda cw: cw.put_metric_data(Namespace="App", MetricData=[{"MetricName": "M", "Value": 1}] * 1001),
     "InvalidParameterValue", "The collection MetricData must not have a size greater than 1000."),
    (lambda cw: cw.put_metric_data(Namespace="App", MetricData=[
        {"MetricName": "M", "Value": 1, "Timestamp": datetime.now(timezone.utc) - timedelta(days=15)}]),
     "InvalidParameterValue", "The parameter MetricData.member.1.Timestamp must specify a time no more than two weeks in the past."),
    (lambda cw: cw.get_metric_statistics(Namespace="App", MetricName="M", StartTime=minute(), EndTime=minute(60), Period=61,
                                         Statistics=["Sum"]),
     "InvalidParameterValue", "The parameter Period must be a multiple of 60."),
    (lambda cw: cw.get_metric_statistics(Namespace="App", MetricName="M", StartTime=minute(), EndTime=minute(), Period=60,
                                         Statistics=["Sum"]),
     "InvalidParameterValue", "The parameter StartTime must be less than the parameter EndTime."),
    (lambda cw: cw.get_metric_statistics(Namespace="App", MetricName="M", StartTime=minute(-1441), EndTime=minute(), Period=60,
                                         Statistics=["Sum"]),
     "InvalidParameterCombination",
     "You have requested up to 1,441 datapoints, which exceeds the limit of 1,440. You may reduce the datapoints requested by "
     "increasing Period, or decreasing the time range."),
    (lambda cw: cw.get_metric_data(MetricDataQueries=[_sum_query("m")], StartTime=minute(), EndTime=minute(10), MaxDatapoints=-1),
     "InvalidParameterValue", "The value -1 for parameter MaxDatapoints is invalid."),
    (lambda cw: cw.get_metric_data(MetricDataQueries=[_sum_query("m")], StartTime=minute(), EndTime=minute(10), MaxDatapoints=0),
     "InvalidParameterValue", "The value 0 for parameter MaxDatapoints is invalid."),
    # 169 queries of 600 one-second periods: 101,400 datapoints.
    (lambda cw: cw.get_metric_data(MetricDataQueries=[_sum_query(f"m{i}", period=1) for i in range(169)], StartTime=minute(),
                                   EndTime=minute(10)),
     "ValidationError", "The queries request more than 100800 datapoints; reduce the time range, the number of queries, or increase Period."),
])
def test_bad_input_is_answered_as_aws_does(cloudwatch, call, code, message):
    expect_error(lambda: call(cloudwatch), code, 400, message)


def test_input_that_breaks_the_model_is_refused(bulwark):
    raw = bulwark.client("cloudwatch", validate=False)
    expect_error(lambda: raw.put_metric_data(Namespace="", MetricData=[{"MetricName": "M", "Value": 1}]), "ValidationException", 400,
                 message_prefix="2 validation errors detected: Value '' at 'namespace' failed to satisfy constraint")
    expect_error(lambda: raw.put_metric_data(Namespace="App", MetricData=[{"MetricName": "M", "Value": 1,
                                                                           "Dimensions": [{"Name": "D", "Value": "v"}] * 31}]),
                 "ValidationException", 400, message_prefix="1 validation error detected:")


def test_operations_bulwark_lacks_answer_not_implemented(cloudwatch):
    expect_error(lambda: cloudwatch.describe_alarms(), "NotImplemented", 501,
                 "Bulwark does not implement the CloudWatch operation DescribeAlarms yet.")


def test_authorization_on_star_and_audit(bulwark, cloudwatch, unique_name):
    iam = bulwark.client("iam")
    user = unique_name.replace("_", "")[:48]
    iam.create_user(UserName=user)
    key = iam.create_access_key(UserName=user)["AccessKey"]
    iam.put_user_policy(UserName=user, PolicyName="metrics", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "cloudwatch:PutMetricData", "Resource": "*",
         "Condition": {"StringEquals": {"cloudwatch:namespace": "Allowed"}}},
    ]}))
    client = bulwark.client("cloudwatch", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])
    wait_for(lambda: _succeeds(lambda: client.put_metric_data(Namespace="Allowed", MetricData=[{"MetricName": "M", "Value": 1}])), 10,
             message="the new key works")
    denied = expect_error(lambda: client.put_metric_data(Namespace="Other", MetricData=[{"MetricName": "M", "Value": 1}]),
                          "AccessDeniedException", 400,
                          message_prefix=f"User: arn:aws:iam::{bulwark.account_id}:user/{user} is not authorized to perform: "
                                         "cloudwatch:PutMetricData")
    expect_error(lambda: client.list_metrics(), "AccessDeniedException", 400)

    request_id = denied.response["ResponseMetadata"]["RequestId"]
    event = wait_for(lambda: next((item for item in bulwark.trail_events() if item.get("requestID") == request_id), None), 10,
                     message="the denied call in the trail")
    assert event["eventSource"] == "monitoring.amazonaws.com" and event["eventName"] == "PutMetricData"
    assert event["errorCode"] == "AccessDenied" or event["errorCode"] == "AccessDeniedException"


def _succeeds(call) -> bool:
    try:
        call()
        return True
    except Exception:
        return False


# -- every protocol the model lists -------------------------------------------------------------------


@pytest.fixture
def client_speaking(bulwark, monkeypatch):
    """A boto3 CloudWatch client made to prefer `protocol` (botocore 1.43 prefers json; AWS's other SDKs send
    RPC v2 CBOR, older botocore query), so that botocore's own serializer and parser of each run against the server."""
    import botocore.model

    def make(protocol: str):
        order = (protocol,) + tuple(p for p in botocore.model.PRIORITY_ORDERED_SUPPORTED_PROTOCOLS if p != protocol)
        monkeypatch.setattr(botocore.model, "PRIORITY_ORDERED_SUPPORTED_PROTOCOLS", order)
        client = bulwark.client("cloudwatch")
        assert client.meta.service_model.resolved_protocol == protocol
        return client

    return make


@pytest.mark.parametrize("protocol", ["smithy-rpc-v2-cbor", "json", "query"])
def test_each_protocol_round_trips(client_speaking, unique_name, protocol):
    cloudwatch = client_speaking(protocol)
    namespace = f"Bulwark/{unique_name}"
    start = minute()
    dimensions = [{"Name": "Queue", "Value": "q-1"}]
    cloudwatch.put_metric_data(Namespace=namespace, MetricData=[
        {"MetricName": "Depth", "Dimensions": dimensions, "Timestamp": start + timedelta(seconds=1), "Value": 2.5, "Unit": "Count"},
        {"MetricName": "Depth", "Dimensions": dimensions, "Timestamp": start + timedelta(seconds=2), "Values": [1, 4], "Counts": [2, 1],
         "Unit": "Count"},
    ])
    statistics = cloudwatch.get_metric_statistics(
        Namespace=namespace, MetricName="Depth", Dimensions=dimensions, StartTime=start, EndTime=start + timedelta(minutes=1),
        Period=60, Statistics=["Sum", "Maximum", "SampleCount"])
    assert answer(statistics) == {"Label": "Depth", "Datapoints": [
        {"Timestamp": start, "SampleCount": 4.0, "Sum": 8.5, "Maximum": 4.0, "Unit": "Count"}]}
    data = cloudwatch.get_metric_data(StartTime=start, EndTime=start + timedelta(minutes=1), MetricDataQueries=[
        {"Id": "depth", "MetricStat": {"Metric": {"Namespace": namespace, "MetricName": "Depth", "Dimensions": dimensions},
                                       "Period": 60, "Stat": "Average"}}])
    assert answer(data) == {"MetricDataResults": [
        {"Id": "depth", "Label": "Depth", "Timestamps": [start], "Values": [2.125], "StatusCode": "Complete"}], "Messages": []}
    assert cloudwatch.list_metrics(Namespace=namespace)["Metrics"] == [
        {"Namespace": namespace, "MetricName": "Depth", "Dimensions": dimensions}]
    expect_error(lambda: cloudwatch.put_metric_data(Namespace="AWS/EC2", MetricData=[{"MetricName": "M", "Value": 1}]),
                 "InvalidParameterValue", 400, "The value AWS/ for parameter Namespace is invalid.")
    expect_error(lambda: cloudwatch.describe_alarms(), "NotImplemented", 501,
                 "Bulwark does not implement the CloudWatch operation DescribeAlarms yet.")


@pytest.mark.parametrize("protocol", ["smithy-rpc-v2-cbor", "json"])
def test_large_batches_arrive_gzipped_and_are_read(client_speaking, unique_name, protocol):
    """botocore compresses PutMetricData bodies of 10 KB and more (the model's requestcompression trait)."""
    cloudwatch = client_speaking(protocol)
    namespace = f"Bulwark/{unique_name}"
    start = minute()
    sent = []

    def record(request, **_):
        sent.append(request.headers.get("Content-Encoding"))

    cloudwatch.meta.events.register("before-send.cloudwatch.PutMetricData", record)
    cloudwatch.put_metric_data(Namespace=namespace, MetricData=[
        {"MetricName": "Batch", "Dimensions": [{"Name": "Index", "Value": f"{index:04}"}], "Timestamp": start, "Value": 1.0}
        for index in range(1000)])
    assert sent == [b"gzip"] or sent == ["gzip"]
    pages = list(cloudwatch.get_paginator("list_metrics").paginate(Namespace=namespace))
    assert sum(len(page["Metrics"]) for page in pages) == 1000


def test_embedded_metric_format_lines_become_metrics(bulwark, lambda_client, cloudwatch, unique_name):
    """A line in CloudWatch's embedded metric format (what aws-lambda-powertools' Metrics prints) that reaches the
    function's log group becomes a custom metric, as CloudWatch extracts it."""
    create(bulwark, unique_name)
    namespace = f"Bulwark/{unique_name}"
    now_ms = int(time.time() * 1000)
    line = json.dumps({
        "_aws": {"Timestamp": now_ms, "CloudWatchMetrics": [
            {"Namespace": namespace, "Dimensions": [["service"]], "Metrics": [{"Name": "Orders", "Unit": "Count"}]}]},
        "service": "checkout", "Orders": [2, 3], "message": "two orders",
    })
    assert invoke(lambda_client, unique_name, {"action": "print", "text": line}).function_error is None
    start = datetime.fromtimestamp(now_ms / 1000, timezone.utc) - timedelta(minutes=2)

    def points():
        return cloudwatch.get_metric_statistics(
            Namespace=namespace, MetricName="Orders", Dimensions=[{"Name": "service", "Value": "checkout"}], StartTime=start,
            EndTime=start + timedelta(minutes=10), Period=600, Statistics=["Sum", "SampleCount"])["Datapoints"]

    [point] = wait_for(points, 10, message="the EMF metric")
    assert (point["Sum"], point["SampleCount"], point["Unit"]) == (5.0, 2.0, "Count")
    assert cloudwatch.list_metrics(Namespace=namespace)["Metrics"] == [
        {"Namespace": namespace, "MetricName": "Orders", "Dimensions": [{"Name": "service", "Value": "checkout"}]}]
