"""The audit trail: one CloudTrail-shaped event per request — also refused, failed and
unauthenticated ones — with secrets hidden and no code bytes.

Reference: the CloudTrail record contents (eventVersion 1.08, userIdentity of type Root for the
account root, readOnly, eventType AwsApiCall, managementEvent, recipientAccountId) and Lambda's
event names as CloudTrail logs them, which carry the API version: CreateFunction20150331,
GetFunction20150331v2, GetFunctionConfiguration20150331v2, ListFunctions20150331,
UpdateFunctionCode20150331v2, UpdateFunctionConfiguration20150331v2, DeleteFunction20150331,
TagResource20170331v2, UntagResource20170331v2, ListTags20170331, GetAccountSettings20160819,
PublishVersion20150331 (as seen in real trails quoted by detection rules and EventBridge patterns),
GetProvisionedConcurrencyConfig20190930.
"""

from __future__ import annotations

import base64
import datetime
import json
import re
import secrets

from botocore.exceptions import ClientError

from support.lam import RUNTIME, UUID, create_function, function_arn, role_arn, wait_for
from support.packages import hello_zip
from support.wire import fetch_url

HIDDEN = "HIDDEN_DUE_TO_SECURITY_REASONS"
EVENT_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def request_id(response: dict) -> str:
    return response["ResponseMetadata"]["RequestId"]


def failed(call) -> dict:
    try:
        call()
    except ClientError as error:
        return error.response
    raise AssertionError("the call was expected to fail")


def only_event(server, rid: str) -> dict:
    events = [event for event in server.trail_events() if event.get("requestID") == rid]
    assert len(events) == 1, f"{len(events)} events for request {rid}"
    return events[0]


def raw_trail(server) -> str:
    return "".join(path.read_text() for path in sorted((server.data_dir / "trail").rglob("*.jsonl")))


def assert_cloudtrail_shape(event: dict, server, *, name: str, read_only: bool):
    key, _ = server.admin_key
    account = server.account_id
    assert event["eventName"] == name
    assert re.fullmatch(r"1\.\d\d", event["eventVersion"]), event["eventVersion"]
    assert EVENT_TIME.match(event["eventTime"]), event["eventTime"]
    moment = datetime.datetime.strptime(event["eventTime"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
    assert abs(moment - datetime.datetime.now(datetime.timezone.utc)) < datetime.timedelta(minutes=5)
    assert event["eventSource"] == "lambda.amazonaws.com"
    assert event["awsRegion"] == "us-east-1"
    assert event["sourceIPAddress"] == "127.0.0.1"
    assert event["userAgent"].startswith("Boto3/"), event["userAgent"]
    assert event["userIdentity"]["type"] == "Root"
    assert event["userIdentity"]["principalId"] == account
    assert event["userIdentity"]["arn"] == f"arn:aws:iam::{account}:root"
    assert event["userIdentity"]["accountId"] == account
    assert event["userIdentity"]["accessKeyId"] == key
    assert UUID.match(event["eventID"])
    assert event["readOnly"] is read_only
    assert event["eventType"] == "AwsApiCall"
    assert event["managementEvent"] is True
    assert event["recipientAccountId"] == account
    assert "requestParameters" in event and "responseElements" in event
    if read_only:
        assert event["responseElements"] is None
    assert "errorCode" not in event or event["errorCode"] is None


def after_update(client, name: str, change):
    """Runs `change` once `name` is Active and its previous update complete, as AWS requires."""
    wait_for(client, "function_active_v2", name)
    wait_for(client, "function_updated_v2", name)
    return change()


def test_every_operation_is_recorded_once_in_cloudtrail_form(bulwark, lambda_client, unique_name):
    secret_value = "s3cr3t-" + secrets.token_hex(12)
    other_secret = "s3cr3t-" + secrets.token_hex(12)
    package = hello_zip(unique_name)
    arn = function_arn(bulwark.account_id, unique_name)
    calls = [
        ("CreateFunction20150331", False, create_function(
            lambda_client, bulwark.account_id, unique_name, package,
            Environment={"Variables": {"APP_SETTING": secret_value}}, Tags={"team": "core"}, wait=False,
        )),
        ("GetFunction20150331v2", True, lambda_client.get_function(FunctionName=unique_name)),
        ("GetFunctionConfiguration20150331v2", True, lambda_client.get_function_configuration(FunctionName=unique_name)),
        ("ListFunctions20150331", True, lambda_client.list_functions(MaxItems=1)),
        ("UpdateFunctionConfiguration20150331v2", False, after_update(
            lambda_client, unique_name, lambda: lambda_client.update_function_configuration(
                FunctionName=unique_name, Environment={"Variables": {"APP_SETTING": other_secret}},
            ),
        )),
        ("UpdateFunctionCode20150331v2", False, after_update(
            lambda_client, unique_name, lambda: lambda_client.update_function_code(FunctionName=unique_name, ZipFile=hello_zip("v2")),
        )),
        ("TagResource20170331v2", False, lambda_client.tag_resource(Resource=arn, Tags={"stage": "test"})),
        ("ListTags20170331", True, lambda_client.list_tags(Resource=arn)),
        ("UntagResource20170331v2", False, lambda_client.untag_resource(Resource=arn, TagKeys=["stage"])),
        ("GetAccountSettings20160819", True, lambda_client.get_account_settings()),
        ("DeleteFunction20150331", False, lambda_client.delete_function(FunctionName=unique_name)),
    ]

    events = {name: only_event(bulwark, request_id(response)) for name, _, response in calls}
    for name, read_only, _ in calls:
        assert_cloudtrail_shape(events[name], bulwark, name=name, read_only=read_only)
    assert len({event["eventID"] for event in events.values()}) == len(calls)

    create = events["CreateFunction20150331"]
    parameters = create["requestParameters"]
    assert parameters["functionName"] == unique_name
    assert parameters["runtime"] == RUNTIME
    assert parameters["handler"] == "app.handler"
    assert parameters["role"] == role_arn(bulwark.account_id)
    assert HIDDEN in json.dumps(parameters["environment"])
    assert parameters.get("code", {}).get("zipFile", HIDDEN) == HIDDEN
    assert create["responseElements"]["functionName"] == unique_name
    assert create["responseElements"]["functionArn"] == arn
    assert events["GetFunction20150331v2"]["requestParameters"] == {"functionName": unique_name}
    for name in ("DeleteFunction20150331", "TagResource20170331v2", "UntagResource20170331v2"):
        assert events[name]["responseElements"] is None, name

    text = raw_trail(bulwark)
    assert secret_value not in text and other_secret not in text, "an environment value reached the trail"
    assert base64.b64encode(package).decode()[:40] not in text, "code bytes reached the trail"
    assert base64.b64encode(hello_zip("v2")).decode()[:40] not in text, "code bytes reached the trail"


def test_refused_and_unauthenticated_requests_are_recorded(bulwark, lambda_client, unique_name):
    key, _ = bulwark.admin_key
    not_found = failed(lambda: lambda_client.get_function(FunctionName=unique_name))
    invalid = failed(lambda: create_function(lambda_client, bulwark.account_id, unique_name, Handler="app handler"))
    not_implemented = failed(lambda: lambda_client.get_provisioned_concurrency_config(FunctionName=unique_name, Qualifier="live"))
    wrong_secret = failed(bulwark.client("lambda", access_key=key, secret_key="w" * 40).list_functions)
    unknown_key = failed(bulwark.client("lambda", access_key="AKIAI44QH8DHBEXAMPLE", secret_key="k" * 40).list_functions)
    anonymous = fetch_url(bulwark.endpoint + "/2015-03-31/functions/")
    assert anonymous.status == 403 and anonymous.request_id

    cases = [
        (not_found, "ResourceNotFoundException"),
        (invalid, "ValidationException"),
        (not_implemented, "NotImplemented"),
        (wrong_secret, "InvalidSignatureException"),
        (unknown_key, "UnrecognizedClientException"),
    ]
    for response, code in cases:
        event = only_event(bulwark, request_id(response))
        assert event["errorCode"] == code
        assert event["errorMessage"] == response["Error"]["Message"]
        assert event["eventSource"] == "lambda.amazonaws.com"
        assert event["eventType"] == "AwsApiCall"
    assert only_event(bulwark, request_id(not_implemented))["eventName"] == "GetProvisionedConcurrencyConfig20190930"
    assert only_event(bulwark, request_id(not_found))["eventName"] == "GetFunction20150331v2"
    assert only_event(bulwark, request_id(wrong_secret))["userIdentity"]["accessKeyId"] == key
    assert only_event(bulwark, request_id(unknown_key))["userIdentity"]["accessKeyId"] == "AKIAI44QH8DHBEXAMPLE"

    event = only_event(bulwark, anonymous.request_id)
    assert event["errorCode"] == "MissingAuthenticationTokenException"
    assert event["sourceIPAddress"] == "127.0.0.1"
    assert event["userIdentity"].get("accessKeyId") in (None, "")


def test_one_event_per_request_exactly(fresh_bulwark):
    server = fresh_bulwark().start()
    client = server.client("lambda")
    key, _ = server.admin_key
    provisioning = {event["eventID"] for event in server.trail_events()}  # the suite's execution roles

    client.list_functions()
    create_function(client, server.account_id, "counted", wait=False)
    failed(lambda: create_function(client, server.account_id, "counted", wait=False))
    failed(server.client("lambda", access_key=key, secret_key="q" * 40).get_account_settings)
    fetch_url(server.endpoint + "/2016-08-19/account-settings/")
    failed(lambda: client.get_provisioned_concurrency_config(FunctionName="counted", Qualifier="live"))
    client.get_function(FunctionName="counted")

    events = [event for event in server.trail_events() if event["eventID"] not in provisioning]
    assert len(events) == 7, [event["eventName"] for event in events]
    assert len({event["eventID"] for event in events}) == 7
    assert len({event["requestID"] for event in events}) == 7
    assert [event.get("errorCode") for event in events].count("ResourceConflictException") == 1


def test_code_download_is_recorded_without_the_code(bulwark, lambda_client, unique_name):
    package = hello_zip(unique_name)
    create_function(lambda_client, bulwark.account_id, unique_name, package)
    download = fetch_url(lambda_client.get_function(FunctionName=unique_name)["Code"]["Location"])
    assert download.status == 200 and download.request_id

    event = only_event(bulwark, download.request_id)
    assert event["readOnly"] is True
    assert event["responseElements"] is None
    assert event["userIdentity"]["accessKeyId"] == bulwark.admin_key[0]
    assert base64.b64encode(package).decode()[:40] not in raw_trail(bulwark)


def test_cli_calls_are_recorded_with_the_cli_user_agent(bulwark):
    before = {event["eventID"] for event in bulwark.trail_events()}
    bulwark.aws("lambda", "get-account-settings")
    new = [event for event in bulwark.trail_events() if event["eventID"] not in before]
    settings = [event for event in new if event["eventName"] == "GetAccountSettings20160819"]
    assert len(settings) == 1
    assert settings[0]["userAgent"].startswith("aws-cli/"), settings[0]["userAgent"]
