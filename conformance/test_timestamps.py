"""Timestamps out of any date's range (years 1–9999, or not finite) are refused as the protocol refuses a value
of the wrong type, by every service and before anything converts them: a request carrying `1e300` once aborted
the server (today's attacker review, finding H1)."""

from __future__ import annotations

import json

import pytest

from support.wire import send_signed

JSON_CALLS = [
    ("cloudtrail", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents", "1.1", {"EndTime": 1e300}),
    ("cloudtrail", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents", "1.1", {"StartTime": -1e300}),
    ("monitoring", "GraniteServiceVersion20100801.PutMetricData", "1.0",
     {"Namespace": "n", "MetricData": [{"MetricName": "m", "Value": 1, "Timestamp": 1e300}]}),
    ("monitoring", "GraniteServiceVersion20100801.GetMetricStatistics", "1.0",
     {"Namespace": "n", "MetricName": "m", "StartTime": 0, "EndTime": 253402300800, "Period": 60, "Statistics": ["Sum"]}),
]


@pytest.mark.parametrize("service, target, version, body", JSON_CALLS)
def test_json_services_refuse_out_of_range_timestamps(bulwark, service, target, version, body):
    access, secret = bulwark.admin_key
    answer = send_signed(bulwark.endpoint, "POST", "/", access, secret, service=service, body=json.dumps(body).encode(),
                         headers={"X-Amz-Target": target, "Content-Type": f"application/x-amz-json-{version}"})
    assert answer.status == 400, answer.body
    assert answer.json["__type"].split("#")[-1] == "SerializationException"
    # The server is still there.
    assert bulwark.client("sts").get_caller_identity()["Account"] == bulwark.account_id


def test_an_s3_date_header_out_of_range_is_refused(bulwark):
    s3 = bulwark.client("s3")
    s3.create_bucket(Bucket="timestamps-out-of-range")
    s3.put_object(Bucket="timestamps-out-of-range", Key="k", Body=b"x")
    access, secret = bulwark.admin_key
    answer = send_signed(bulwark.endpoint, "GET", "/timestamps-out-of-range/k", access, secret, service="s3",
                         headers={"If-Modified-Since": "1e300", "X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"})
    assert answer.status == 400, answer.body
    assert b"<Code>InvalidArgument</Code>" in answer.body
    assert bulwark.client("sts").get_caller_identity()["Account"] == bulwark.account_id
