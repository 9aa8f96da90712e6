"""CloudTrail (issue #15 item 4, decision 0040): LookupEvents over the audit trail, trails and their
event selectors, and delivery of a logging trail's events to its S3 bucket in AWS's layout, through
boto3 and the aws CLI. Whole answers are compared with AWS's (times and ids checked for their shape
and removed); bad input is answered with CloudTrail's codes and messages.
"""

from __future__ import annotations

import datetime
import gzip
import json
import re
import time
import uuid

import pytest
from botocore.exceptions import ClientError

from support.functions import wait_for
from support.lam import expect_error

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
LOG_KEY = re.compile(
    r"^AWSLogs/(\d{12})/CloudTrail/us-east-1/(\d{4})/(\d{2})/(\d{2})/\1_CloudTrail_us-east-1_(\d{8}T\d{4}Z)_[A-Za-z0-9]{16}\.json\.gz$")


@pytest.fixture
def cloudtrail(bulwark):
    return bulwark.client("cloudtrail")


def make_user(bulwark, name: str, policy: dict | None = None):
    """A user with `policy` (none when omitted) and a cloudtrail client signed with its key."""
    iam = bulwark.client("iam")
    iam.create_user(UserName=name)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    if policy:
        iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps(policy))
    return key


def trail_bucket(bulwark, bucket: str, trail: str, *, allow: bool = True) -> None:
    """A bucket with the policy AWS's documentation gives for a trail's bucket (or none)."""
    s3 = bulwark.client("s3")
    s3.create_bucket(Bucket=bucket)
    if not allow:
        return
    account = bulwark.account_id
    source = f"arn:aws:cloudtrail:us-east-1:{account}:trail/{trail}"
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:GetBucketAcl", "Resource": f"arn:aws:s3:::{bucket}",
         "Condition": {"StringEquals": {"aws:SourceArn": source}}},
        {"Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/AWSLogs/{account}/*",
         "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": source}}},
    ]}))


def names(unique_name: str) -> tuple[str, str]:
    base = re.sub(r"-+", "-", re.sub(r"[^a-z0-9-]", "-", unique_name.lower()))[-40:].strip("-")
    return f"t{base}", f"b{base}"


def recent(seconds: int = 600) -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=seconds)


# -- LookupEvents -----------------------------------------------------------------------------------------


def test_lookup_events_finds_a_denied_call_with_its_error_code(bulwark, cloudtrail, unique_name):
    user = unique_name.replace("_", "")[:48]
    key = make_user(bulwark, user)
    denied = bulwark.client("cloudtrail", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])
    with pytest.raises(ClientError) as refused:
        denied.describe_trails()
    code = refused.value.response["Error"]["Code"]
    assert code == "AccessDeniedException"
    request_id = refused.value.response["ResponseMetadata"]["RequestId"]

    events = cloudtrail.lookup_events(LookupAttributes=[{"AttributeKey": "Username", "AttributeValue": user}])["Events"]
    assert len(events) == 1
    event = events[0]
    record = json.loads(event.pop("CloudTrailEvent"))
    assert UUID.match(event.pop("EventId")) and abs(event.pop("EventTime").timestamp() - time.time()) < 600
    assert event == {
        "EventName": "DescribeTrails", "ReadOnly": "true", "AccessKeyId": key["AccessKeyId"],
        "EventSource": "cloudtrail.amazonaws.com", "Username": user, "Resources": [],
    }
    assert record["errorCode"] == code and record["requestID"] == request_id
    assert record["errorMessage"].startswith(f"User: arn:aws:iam::{bulwark.account_id}:user/{user} is not authorized to perform: "
                                             "cloudtrail:DescribeTrails")
    assert record["userIdentity"]["type"] == "IAMUser" and record["userIdentity"]["userName"] == user
    for field in ("eventVersion", "eventTime", "awsRegion", "sourceIPAddress", "userAgent", "requestParameters",
                  "responseElements", "eventID", "readOnly", "eventType", "managementEvent", "recipientAccountId"):
        assert field in record, field
    assert record["eventType"] == "AwsApiCall" and record["managementEvent"] is True
    # Which policies decided the denial is the operator's (bulwark iam explain), not the trail reader's.
    assert "additionalEventData" not in record
    assert "authorization" in next(item for item in bulwark.trail_events() if item["requestID"] == request_id)["additionalEventData"]
    assert record["recipientAccountId"] == bulwark.account_id
    # Found by its error's call too, by EventId.
    again = cloudtrail.lookup_events(LookupAttributes=[{"AttributeKey": "EventId", "AttributeValue": record["eventID"]}])["Events"]
    assert [json.loads(item["CloudTrailEvent"])["requestID"] for item in again] == [request_id]


def test_oversized_parameters_are_omitted_from_the_trail_and_lookups_go_on(bulwark, cloudtrail, unique_name):
    """CloudTrail omits request parameters over 100 KB, and truncates an over-long error message
    (decision 0040): a trail line stays far below what the indexer reads at once, so LookupEvents
    keeps finding later calls."""
    user = unique_name.replace("_", "")[:48]
    key = make_user(bulwark, user)
    client = dict(access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])
    logs = bulwark.client("logs", **client)
    now = int(time.time() * 1000)
    # Each message is recorded as HIDDEN_DUE_TO_SECURITY_REASONS: 10,000 of them exceed 100 KB.
    with pytest.raises(ClientError) as refused:
        logs.put_log_events(logGroupName="/oversized", logStreamName="s", logEvents=[{"timestamp": now, "message": "x"}] * 10_000)
    assert refused.value.response["Error"]["Code"] == "AccessDeniedException"
    denied = refused.value.response["ResponseMetadata"]["RequestId"]
    # Refused before authorization, with a message quoting the start of the 8 MiB list (16,384 characters).
    with pytest.raises(ClientError) as invalid:
        logs.put_log_events(logGroupName="/oversized", logStreamName="s", logEvents=[{"timestamp": now, "message": "x"}] * 170_000)
    assert invalid.value.response["Error"]["Code"] == "InvalidParameterException"
    message = invalid.value.response["Error"]["Message"]
    with pytest.raises(ClientError):
        bulwark.client("cloudtrail", **client).describe_trails()

    # PutLogEvents is a data event, which LookupEvents does not show; the later call it shows.
    events = cloudtrail.lookup_events(LookupAttributes=[{"AttributeKey": "Username", "AttributeValue": user}])["Events"]
    assert [event["EventName"] for event in events] == ["DescribeTrails"]
    trail = bulwark.trail_events()
    record = next(item for item in trail if item["requestID"] == denied)
    assert record["eventName"] == "PutLogEvents" and record["errorCode"] == "AccessDeniedException"
    size = record["requestParameters"].pop("originalSize")
    assert record["requestParameters"] == {"omitted": True} and size > 100 * 1024
    record = next(item for item in trail if item["requestID"] == invalid.value.response["ResponseMetadata"]["RequestId"])
    assert 16_384 < len(message) < 17_000 and "...' at 'logEvents' failed to satisfy constraint" in message
    assert record["errorMessage"] == message


def test_lookup_events_by_resource_name_type_and_event_name(bulwark, cloudtrail, unique_name):
    iam = bulwark.client("iam")
    user = unique_name.replace("_", "")[:48]
    iam.create_user(UserName=user)
    iam.get_user(UserName=user)
    iam.delete_user(UserName=user)
    by_name = cloudtrail.lookup_events(LookupAttributes=[{"AttributeKey": "ResourceName", "AttributeValue": user}])["Events"]
    # Newest first; CreateUser names a user that did not exist yet, so it lists no resource.
    assert [(item["EventName"], item["Resources"]) for item in by_name] == [
        ("DeleteUser", [{"ResourceType": "AWS::IAM::User", "ResourceName": user}]),
        ("GetUser", [{"ResourceType": "AWS::IAM::User", "ResourceName": user}]),
    ]
    by_arn = cloudtrail.lookup_events(LookupAttributes=[
        {"AttributeKey": "ResourceName", "AttributeValue": f"arn:aws:iam::{bulwark.account_id}:user/{user}"}])["Events"]
    assert [item["EventId"] for item in by_arn] == [item["EventId"] for item in by_name]
    deletes = cloudtrail.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "DeleteUser"}],
                                       StartTime=recent())["Events"]
    assert by_name[0]["EventId"] in [item["EventId"] for item in deletes]
    assert all(item["EventName"] == "DeleteUser" for item in deletes)
    typed = cloudtrail.lookup_events(LookupAttributes=[{"AttributeKey": "ResourceType", "AttributeValue": "AWS::IAM::User"}],
                                     StartTime=recent())["Events"]
    assert by_name[0]["EventId"] in [item["EventId"] for item in typed]
    writes = cloudtrail.lookup_events(LookupAttributes=[{"AttributeKey": "ReadOnly", "AttributeValue": "false"}],
                                      StartTime=recent())["Events"]
    assert writes and all(item["ReadOnly"] == "false" for item in writes)
    sources = cloudtrail.lookup_events(LookupAttributes=[{"AttributeKey": "EventSource", "AttributeValue": "iam.amazonaws.com"}],
                                       StartTime=recent())["Events"]
    assert sources and all(item["EventSource"] == "iam.amazonaws.com" for item in sources)


def test_lookup_events_pages_newest_first(bulwark, cloudtrail, unique_name):
    user = unique_name.replace("_", "")[:48]
    key = make_user(bulwark, user, {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "cloudtrail:DescribeTrails", "Resource": "*"}]})
    client = bulwark.client("cloudtrail", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])
    for _ in range(3):
        client.describe_trails()
    lookup = {"LookupAttributes": [{"AttributeKey": "AccessKeyId", "AttributeValue": key["AccessKeyId"]}]}
    first = cloudtrail.lookup_events(MaxResults=2, **lookup)
    assert len(first["Events"]) == 2 and first["NextToken"]
    second = cloudtrail.lookup_events(MaxResults=2, NextToken=first["NextToken"], **lookup)
    assert len(second["Events"]) == 1 and "NextToken" not in second
    times = [item["EventTime"] for item in first["Events"] + second["Events"]]
    assert times == sorted(times, reverse=True)
    assert len({item["EventId"] for item in first["Events"] + second["Events"]}) == 3
    # The CLI's paginator follows the tokens.
    listed = bulwark.aws("cloudtrail", "lookup-events", "--lookup-attributes",
                         f"AttributeKey=AccessKeyId,AttributeValue={key['AccessKeyId']}", "--page-size", "1").json
    assert [item["EventId"] for item in listed["Events"]] == [item["EventId"] for item in first["Events"] + second["Events"]]
    # A window that ends before the calls holds none of them.
    assert cloudtrail.lookup_events(EndTime=recent(3600), StartTime=recent(7200), **lookup)["Events"] == []


def test_lookup_events_shows_only_the_callers_account(bulwark, cloudtrail):
    events = cloudtrail.lookup_events(StartTime=recent(), MaxResults=50)["Events"]
    assert events and all(json.loads(item["CloudTrailEvent"])["recipientAccountId"] == bulwark.account_id for item in events)


def test_lookup_events_refuses_bad_input(cloudtrail):
    attributes = [{"AttributeKey": "EventName", "AttributeValue": "A"}, {"AttributeKey": "Username", "AttributeValue": "B"}]
    expect_error(lambda: cloudtrail.lookup_events(LookupAttributes=attributes), "InvalidLookupAttributesException", 400,
                 "You cannot specify more than one lookup attribute.")
    expect_error(lambda: cloudtrail.lookup_events(LookupAttributes=[{"AttributeKey": "ReadOnly", "AttributeValue": "maybe"}]),
                 "InvalidLookupAttributesException", 400, "The ReadOnly lookup attribute value must be either true or false.")
    expect_error(lambda: cloudtrail.lookup_events(StartTime=recent(60), EndTime=recent(3600)), "InvalidTimeRangeException", 400,
                 "Start time must be before end time.")
    expect_error(lambda: cloudtrail.lookup_events(NextToken="not-a-token"), "InvalidNextTokenException", 400, "Invalid NextToken.")
    expect_error(lambda: cloudtrail.lookup_events(EventCategory="insight"), "UnsupportedOperationException", 400)


def test_lookup_events_needs_permission_and_is_audited(bulwark, unique_name):
    user = unique_name.replace("_", "")[:48]
    key = make_user(bulwark, user, {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "cloudtrail:LookupEvents", "Resource": "*"}]})
    client = bulwark.client("cloudtrail", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])
    found = client.lookup_events(LookupAttributes=[{"AttributeKey": "Username", "AttributeValue": user}])["Events"]
    # The lookup itself is in the trail, found by the next lookup.
    again = client.lookup_events(LookupAttributes=[{"AttributeKey": "Username", "AttributeValue": user}])["Events"]
    assert [item["EventName"] for item in again][: len(found) + 1] == ["LookupEvents"] + [item["EventName"] for item in found]
    iam = bulwark.client("iam")
    iam.delete_user_policy(UserName=user, PolicyName="p")
    expect_error(lambda: client.lookup_events(), "AccessDeniedException", 400, message_prefix=(
        f"User: arn:aws:iam::{bulwark.account_id}:user/{user} is not authorized to perform: cloudtrail:LookupEvents on resource: *"))


# -- Trails -----------------------------------------------------------------------------------------------


def test_trail_lifecycle_with_whole_answers(bulwark, cloudtrail, unique_name):
    trail, bucket = names(unique_name)
    trail_bucket(bulwark, bucket, trail)
    account = bulwark.account_id
    arn = f"arn:aws:cloudtrail:us-east-1:{account}:trail/{trail}"
    created = cloudtrail.create_trail(Name=trail, S3BucketName=bucket)
    created.pop("ResponseMetadata")
    assert created == {
        "Name": trail, "S3BucketName": bucket, "IncludeGlobalServiceEvents": True, "IsMultiRegionTrail": False,
        "TrailARN": arn, "LogFileValidationEnabled": False, "IsOrganizationTrail": False,
    }
    described = {
        "Name": trail, "S3BucketName": bucket, "IncludeGlobalServiceEvents": True, "IsMultiRegionTrail": False,
        "HomeRegion": "us-east-1", "TrailARN": arn, "LogFileValidationEnabled": False, "HasCustomEventSelectors": False,
        "HasInsightSelectors": False, "IsOrganizationTrail": False,
    }
    assert cloudtrail.get_trail(Name=trail)["Trail"] == described
    assert cloudtrail.get_trail(Name=arn)["Trail"] == described
    assert described in cloudtrail.describe_trails()["trailList"]
    assert cloudtrail.describe_trails(trailNameList=[arn])["trailList"] == [described]

    status = cloudtrail.get_trail_status(Name=trail)
    status.pop("ResponseMetadata")
    assert status == {
        "IsLogging": False, "LatestDeliveryAttemptTime": "", "LatestNotificationAttemptTime": "",
        "LatestNotificationAttemptSucceeded": "", "LatestDeliveryAttemptSucceeded": "", "TimeLoggingStarted": "",
        "TimeLoggingStopped": "",
    }
    cloudtrail.start_logging(Name=trail)
    status = cloudtrail.get_trail_status(Name=trail)
    assert status["IsLogging"] is True and abs(status["StartLoggingTime"].timestamp() - time.time()) < 600
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", status["TimeLoggingStarted"])
    cloudtrail.stop_logging(Name=arn)
    status = cloudtrail.get_trail_status(Name=trail)
    assert status["IsLogging"] is False and "StopLoggingTime" in status and status["TimeLoggingStopped"]

    updated = cloudtrail.update_trail(Name=trail, IsMultiRegionTrail=True)
    updated.pop("ResponseMetadata")
    assert updated == {**created, "IsMultiRegionTrail": True}
    # A multi-region trail is seen (as a shadow) from other regions.
    west = bulwark.client("cloudtrail", region="us-west-2")
    assert west.get_trail(Name=trail)["Trail"] == {**described, "IsMultiRegionTrail": True}
    cloudtrail.delete_trail(Name=trail)
    expect_error(lambda: cloudtrail.get_trail(Name=trail), "TrailNotFoundException", 400,
                 f"Unknown trail: {trail} for the user: {account}")


def test_update_to_a_prefix_the_policy_does_not_cover_is_refused(bulwark, cloudtrail, unique_name):
    trail, bucket = names(unique_name)
    trail_bucket(bulwark, bucket, trail)
    cloudtrail.create_trail(Name=trail, S3BucketName=bucket)
    expect_error(lambda: cloudtrail.update_trail(Name=trail, S3KeyPrefix="elsewhere"), "InsufficientS3BucketPolicyException", 400,
                 f"Incorrect S3 bucket policy is detected for bucket: {bucket}")
    assert "S3KeyPrefix" not in cloudtrail.get_trail(Name=trail)["Trail"]


def test_trail_errors(bulwark, cloudtrail, unique_name):
    trail, bucket = names(unique_name)
    account = bulwark.account_id
    expect_error(lambda: cloudtrail.create_trail(Name=trail, S3BucketName=bucket), "S3BucketDoesNotExistException", 400,
                 f"S3 bucket {bucket} does not exist.")
    trail_bucket(bulwark, bucket, trail, allow=False)
    expect_error(lambda: cloudtrail.create_trail(Name=trail, S3BucketName=bucket), "InsufficientS3BucketPolicyException", 400,
                 f"Incorrect S3 bucket policy is detected for bucket: {bucket}")
    # A policy for another trail does not admit this one (aws:SourceArn).
    other_bucket = bucket[:-1] + "x"
    trail_bucket(bulwark, other_bucket, trail + "-other")
    expect_error(lambda: cloudtrail.create_trail(Name=trail, S3BucketName=other_bucket), "InsufficientS3BucketPolicyException", 400)
    good_bucket = bucket[:-1] + "g"
    trail_bucket(bulwark, good_bucket, trail)
    cloudtrail.create_trail(Name=trail, S3BucketName=good_bucket)
    expect_error(lambda: cloudtrail.create_trail(Name=trail, S3BucketName=good_bucket), "TrailAlreadyExistsException", 400,
                 f"Trail {trail} already exists for customer: {account}")
    for name, message in [
        ("ab", "Trail name too short. Minimum allowed length: 3 characters. Specified name length: 2 characters."),
        ("-abc", "Trail name must starts with a letter or number."),
        ("ab..c", "Trail name or ARN can only contain uppercase letters, lowercase letters, numbers, periods (.), hyphens (-), "
                  "and underscores (_)."),
    ]:
        expect_error(lambda: cloudtrail.create_trail(Name=name, S3BucketName=good_bucket), "InvalidTrailNameException", 400, message)
        expect_error(lambda: cloudtrail.get_trail(Name=name), "InvalidTrailNameException", 400, message)
    for call in (cloudtrail.get_trail, cloudtrail.delete_trail, cloudtrail.start_logging, cloudtrail.stop_logging,
                 cloudtrail.get_trail_status):
        expect_error(lambda: call(Name="missing-trail"), "TrailNotFoundException", 400,
                     f"Unknown trail: missing-trail for the user: {account}")
    expect_error(lambda: cloudtrail.get_trail(Name="arn:aws:cloudtrail:us-east-1:12:trail/x"), "CloudTrailARNInvalidException", 400,
                 "ARN arn:aws:cloudtrail:us-east-1:12:trail/x is invalid.")
    # Another account's trail by ARN is not found, never another account's.
    expect_error(lambda: cloudtrail.get_trail(Name=f"arn:aws:cloudtrail:us-east-1:111122223333:trail/{trail}"),
                 "TrailNotFoundException", 400)
    expect_error(lambda: cloudtrail.create_trail(Name=trail + "2", S3BucketName=good_bucket, IsMultiRegionTrail=True,
                                                 IncludeGlobalServiceEvents=False),
                 "InvalidParameterCombinationException", 400, "Multi-Region trail must include global service events.")
    expect_error(lambda: cloudtrail.create_trail(Name=trail + "3", S3BucketName=good_bucket, S3KeyPrefix="p/"),
                 "InvalidS3PrefixException", 400)
    expect_error(lambda: cloudtrail.create_trail(Name=trail + "4", S3BucketName="Bad_Bucket"), "InvalidS3BucketNameException", 400,
                 "Bucket name Bad_Bucket is not valid.")
    # Not built: refused, never ignored.
    expect_error(lambda: cloudtrail.create_trail(Name=trail + "5", S3BucketName=good_bucket, SnsTopicName="t"),
                 "UnsupportedOperationException", 400)
    # A change from another region is refused; a read of the trail there is not found (it is single-region).
    west = bulwark.client("cloudtrail", region="us-west-2")
    expect_error(lambda: west.get_trail(Name=trail), "TrailNotFoundException", 400)
    arn = f"arn:aws:cloudtrail:us-east-1:{account}:trail/{trail}"
    expect_error(lambda: west.delete_trail(Name=arn), "InvalidHomeRegionException", 400,
                 f"This operation must be called from the trail's home region. The trail {arn} was created in us-east-1.")
    cloudtrail.delete_trail(Name=trail)


def test_event_selectors(bulwark, cloudtrail, unique_name):
    trail, bucket = names(unique_name)
    trail_bucket(bulwark, bucket, trail)
    arn = cloudtrail.create_trail(Name=trail, S3BucketName=bucket)["TrailARN"]
    got = cloudtrail.get_event_selectors(TrailName=trail)
    got.pop("ResponseMetadata")
    assert got == {"TrailARN": arn, "EventSelectors": [
        {"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": [], "ExcludeManagementEventSources": []}]}
    selectors = [{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True, "DataResources": [
        {"Type": "AWS::S3::Object", "Values": [f"arn:aws:s3:::{bucket}/"]},
        {"Type": "AWS::Lambda::Function", "Values": ["arn:aws:lambda"]}]}]
    put = cloudtrail.put_event_selectors(TrailName=trail, EventSelectors=selectors)
    put.pop("ResponseMetadata")
    answered = [{**selectors[0], "ExcludeManagementEventSources": []}]
    assert put == {"TrailARN": arn, "EventSelectors": answered}
    assert cloudtrail.get_event_selectors(TrailName=arn)["EventSelectors"] == answered
    assert cloudtrail.get_trail(Name=trail)["Trail"]["HasCustomEventSelectors"] is True
    for bad, message in [
        ([{"DataResources": [{"Type": "AWS::S3::Object", "Values": ["not-an-arn"]}]}],
         "Value not-an-arn for DataResources.Values is invalid."),
        ([{"ExcludeManagementEventSources": ["iam.amazonaws.com"]}],
         "Value iam.amazonaws.com for ExcludeManagementEventSources is invalid. Valid values are kms.amazonaws.com, "
         "rdsdata.amazonaws.com."),
        ([{}] * 6, "You have exceeded the maximum number of event selectors (5) allowed per trail."),
    ]:
        expect_error(lambda: cloudtrail.put_event_selectors(TrailName=trail, EventSelectors=bad), "InvalidEventSelectorsException", 400,
                     message)
    expect_error(lambda: cloudtrail.put_event_selectors(TrailName="missing-trail", EventSelectors=selectors), "TrailNotFoundException",
                 400)
    cloudtrail.delete_trail(Name=trail)


def test_trails_with_the_cli(bulwark, unique_name):
    trail, bucket = names(unique_name)
    trail_bucket(bulwark, bucket, trail)
    created = bulwark.aws("cloudtrail", "create-trail", "--name", trail, "--s3-bucket-name", bucket).json
    assert created["Name"] == trail and created["TrailARN"].endswith(f":trail/{trail}")
    bulwark.aws("cloudtrail", "start-logging", "--name", trail)
    assert bulwark.aws("cloudtrail", "get-trail-status", "--name", trail).json["IsLogging"] is True
    listed = bulwark.aws("cloudtrail", "describe-trails", "--trail-name-list", trail).json["trailList"]
    assert [item["Name"] for item in listed] == [trail]
    found = bulwark.aws("cloudtrail", "lookup-events", "--lookup-attributes", "AttributeKey=EventName,AttributeValue=StartLogging",
                        "--max-results", "5").json["Events"]
    assert any(json.loads(item["CloudTrailEvent"])["requestParameters"] == {"name": trail} for item in found)
    bulwark.aws("cloudtrail", "delete-trail", "--name", trail)
    missing = bulwark.aws("cloudtrail", "get-trail", "--name", trail, check=False)
    assert missing.returncode == 255 and "TrailNotFoundException" in missing.stderr


# -- Delivery ---------------------------------------------------------------------------------------------


def test_a_logging_trail_delivers_its_events_to_s3_in_awss_layout(fresh_bulwark, unique_name):
    server = fresh_bulwark(["--trail-delivery-interval", "1"]).start()
    cloudtrail = server.client("cloudtrail")
    s3 = server.client("s3")
    trail, bucket = names(unique_name)
    trail_bucket(server, bucket, trail)
    cloudtrail.create_trail(Name=trail, S3BucketName=bucket)
    cloudtrail.start_logging(Name=trail)
    marker = f"/trail/{uuid.uuid4()}"
    server.client("logs").create_log_group(logGroupName=marker)

    def delivered():
        found = []
        for item in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
            body = gzip.decompress(s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read())
            found.append((item["Key"], json.loads(body)["Records"]))
        return found if any(r["eventName"] == "CreateLogGroup" for _, records in found for r in records) else None

    files = wait_for(delivered, 20, message="the trail's log file in the bucket")
    for key, records in files:
        match = LOG_KEY.match(key)
        assert match and match.group(1) == server.account_id, key
        assert match.group(2) + match.group(3) + match.group(4) == match.group(5)[:8]
        assert records and all(record["recipientAccountId"] == server.account_id for record in records)
    record = next(r for _, records in files for r in records if r["eventName"] == "CreateLogGroup")
    assert record["requestParameters"] == {"logGroupName": marker} and record["eventSource"] == "logs.amazonaws.com"
    head = s3.head_object(Bucket=bucket, Key=files[0][0])
    assert head["ContentType"] == "application/json" and head["ContentEncoding"] == "gzip"
    status = cloudtrail.get_trail_status(Name=trail)
    assert "LatestDeliveryTime" in status and "LatestDeliveryError" not in status

    # A stopped trail delivers nothing more.
    cloudtrail.stop_logging(Name=trail)
    time.sleep(2)
    count = len(s3.list_objects_v2(Bucket=bucket).get("Contents", []))
    server.client("logs").create_log_group(logGroupName=marker + "-after")
    time.sleep(3)
    assert len(s3.list_objects_v2(Bucket=bucket).get("Contents", [])) == count


def test_delivery_follows_the_event_selectors(fresh_bulwark, unique_name):
    server = fresh_bulwark(["--trail-delivery-interval", "1"]).start()
    cloudtrail = server.client("cloudtrail")
    s3 = server.client("s3")
    trail, bucket = names(unique_name)
    trail_bucket(server, bucket, trail)
    cloudtrail.create_trail(Name=trail, S3BucketName=bucket)
    # Read-only management events only: a write is not delivered, a read is.
    cloudtrail.put_event_selectors(TrailName=trail, EventSelectors=[{"ReadWriteType": "ReadOnly"}])
    cloudtrail.start_logging(Name=trail)
    server.client("logs").create_log_group(logGroupName="/write/not/delivered")
    server.client("iam").list_users()

    def records():
        found = []
        for item in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
            found += json.loads(gzip.decompress(s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()))["Records"]
        return found if any(r["eventName"] == "ListUsers" for r in found) else None

    delivered = wait_for(records, 20, message="the ListUsers event in the bucket")
    assert all(record["readOnly"] is True for record in delivered)
    assert not any(record["eventName"] == "CreateLogGroup" for record in delivered)


def test_operations_not_built_answer_not_implemented(cloudtrail):
    expect_error(lambda: cloudtrail.get_insight_selectors(TrailName="any-trail"), "NotImplemented", 501)


# -- Log file integrity validation --------------------------------------------------------------------


def test_validate_logs_passes_on_an_untouched_trail_and_names_every_edit(fresh_bulwark, unique_name):
    server = fresh_bulwark(["--trail-delivery-interval", "1", "--trail-digest-interval", "2"]).start()
    cloudtrail = server.client("cloudtrail")
    s3 = server.client("s3")
    trail, bucket = names(unique_name)
    trail_bucket(server, bucket, trail)
    start = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    created = cloudtrail.create_trail(Name=trail, S3BucketName=bucket, EnableLogFileValidation=True)
    assert created["LogFileValidationEnabled"] is True
    arn = created["TrailARN"]
    cloudtrail.start_logging(Name=trail)
    logs = server.client("logs")

    def digests_with_logs():
        keys = [item["Key"] for item in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
        digests = sorted(key for key in keys if "/CloudTrail-Digest/" in key)
        listed = []
        for key in digests:
            listed += json.loads(gzip.decompress(s3.get_object(Bucket=bucket, Key=key)["Body"].read()))["logFiles"]
        return (digests, listed) if len(digests) >= 4 and len(listed) >= 2 else None

    for index in range(3):
        logs.create_log_group(logGroupName=f"/validate/{unique_name}/{index}")
        time.sleep(1.5)
    digests, listed = wait_for(digests_with_logs, 40, interval=1, message="digests listing log files")
    cloudtrail.stop_logging(Name=trail)
    time.sleep(3)  # the last delivery and digest of the period are written
    assert abs(cloudtrail.get_trail_status(Name=trail)["LatestDigestDeliveryTime"].timestamp() - time.time()) < 120

    # The digest's shape, as AWS writes it.
    digest_object = s3.get_object(Bucket=bucket, Key=digests[1])
    assert digest_object["Metadata"]["signature-algorithm"] == "SHA256withRSA"
    assert re.fullmatch(r"[0-9a-f]{512}", digest_object["Metadata"]["signature"])
    digest = json.loads(gzip.decompress(digest_object["Body"].read()))
    assert digest["previousDigestS3Object"] == digests[0] and digest["digestS3Object"] == digests[1]
    assert set(digest) >= {"awsAccountId", "digestStartTime", "digestEndTime", "digestS3Bucket", "digestPublicKeyFingerprint",
                           "digestSignatureAlgorithm", "previousDigestHashValue", "previousDigestHashAlgorithm",
                           "previousDigestSignature", "logFiles"}
    keys = cloudtrail.list_public_keys()["PublicKeyList"]
    assert [key["Fingerprint"] for key in keys] == [digest["digestPublicKeyFingerprint"]]
    assert set(keys[0]) == {"Value", "ValidityStartTime", "ValidityEndTime", "Fingerprint"}
    assert keys[0]["Value"][:2] == b"\x30\x82" and keys[0]["ValidityStartTime"] < keys[0]["ValidityEndTime"]
    expect_error(lambda: cloudtrail.list_public_keys(StartTime=recent(60), EndTime=recent(3600)), "InvalidTimeRangeException", 400,
                 "Start time must be before end time.")

    def validate():
        return server.aws("cloudtrail", "validate-logs", "--trail-arn", arn, "--start-time", start, check=False)

    passed = validate()
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert re.search(r"\d+/\d+ digest files valid", passed.stdout) and re.search(r"\d+/\d+ log files valid", passed.stdout), passed.stdout

    # One byte of a delivered log file changed: the file is named invalid.
    log_key = listed[0]["s3Object"]
    original = s3.get_object(Bucket=bucket, Key=log_key)["Body"].read()
    content = bytearray(gzip.decompress(original))
    content[content.index(b'"eventVersion"') + 1] ^= 0x20
    s3.put_object(Bucket=bucket, Key=log_key, Body=gzip.compress(bytes(content)))
    edited = validate()
    assert edited.returncode == 1 and f"s3://{bucket}/{log_key}" in edited.stderr and "INVALID" in edited.stderr, edited.stderr
    s3.put_object(Bucket=bucket, Key=log_key, Body=original)
    assert validate().returncode == 0

    # A log file deleted.
    s3.delete_object(Bucket=bucket, Key=log_key)
    deleted = validate()
    assert deleted.returncode == 1 and f"s3://{bucket}/{log_key}" in deleted.stderr, deleted.stderr
    s3.put_object(Bucket=bucket, Key=log_key, Body=original)

    # A digest removed from the middle of the chain.
    removed_key = digests[1]
    removed = s3.get_object(Bucket=bucket, Key=removed_key)
    s3.delete_object(Bucket=bucket, Key=removed_key)
    missing = validate()
    assert missing.returncode == 1 and f"s3://{bucket}/{removed_key}" in missing.stderr, missing.stderr
