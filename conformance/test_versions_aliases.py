"""Versions and aliases (issue #13, items 1–2): PublishVersion, ListVersionsByFunction, qualified access,
Create/Get/Update/Delete/ListAliases, weighted routing decided per invocation, rollback by alias, per-version
warm environments, and IAM policies scoped to an alias ARN.

Reference: the Lambda API reference (PublishVersion, ListVersionsByFunction, CreateAlias, UpdateAlias,
DeleteFunction, Invoke's X-Amz-Executed-Version) and botocore's lambda model for the shapes; AWS's messages
as AWS answers them ("Unable to delete version because the following aliases reference it: [live]",
"CodeSHA256 (…) is different from current CodeSHA256 in $LATEST (…)", "Cannot find alias arn: …").
Choices where AWS is not documented are in docs/decisions/0033.
"""

from __future__ import annotations

import json
import math

import pytest

from support.functions import log_streams
from support.functions import wait_for as poll
from support.lam import REVISION_MISMATCH, RUNTIME, UUID, create_function, expect_error, function_arn, wait_for
from support.packages import code_sha256, zip_of

VOLATILE = ("ResponseMetadata", "LastModified", "RevisionId")

SOURCE = """import os, uuid
BOOT = uuid.uuid4().hex
def handler(event, context):
    return {{"marker": {marker!r}, "boot": BOOT, "version": os.environ["AWS_LAMBDA_FUNCTION_VERSION"],
            "invoked": context.invoked_function_arn}}
"""


def package(marker: str) -> bytes:
    """A function that says which code runs (`marker`), which environment (`boot`) and which version."""
    return zip_of({"app.py": SOURCE.format(marker=marker)})


def stable(answer: dict) -> dict:
    return {key: value for key, value in answer.items() if key not in VOLATILE}


def update_code(client, name: str, marker: str, **extra) -> dict:
    answer = client.update_function_code(FunctionName=name, ZipFile=package(marker), **extra)
    wait_for(client, "function_updated_v2", name)
    return answer


def invoke(client, name: str, qualifier: str | None = None) -> tuple[dict, str]:
    answer = client.invoke(FunctionName=name, **({"Qualifier": qualifier} if qualifier else {}))
    assert "FunctionError" not in answer, answer["Payload"].read()
    return json.loads(answer["Payload"].read()), answer["ExecutedVersion"]


@pytest.fixture
def function(bulwark, lambda_client, unique_name):
    """A function with code `v1` and a variable: (name, $LATEST's configuration)."""
    latest = create_function(
        lambda_client, bulwark.account_id, unique_name, package("v1"), Description="first", Environment={"Variables": {"STAGE": "one"}})
    return unique_name, latest


def test_publish_version_answers_an_immutable_copy_of_latest(bulwark, lambda_client, function):
    name, latest = function
    arn = function_arn(bulwark.account_id, name)

    published = lambda_client.publish_version(FunctionName=name, Description="v1")

    assert published["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert UUID.match(published["RevisionId"]) and published["RevisionId"] != latest["RevisionId"]
    expected = stable(latest) | {"FunctionArn": f"{arn}:1", "Version": "1", "Description": "v1"}
    assert stable(published) == expected
    # Every name of the version answers the same configuration.
    for call in (dict(FunctionName=name, Qualifier="1"), dict(FunctionName=f"{name}:1"), dict(FunctionName=f"{arn}:1"),
                 dict(FunctionName=f"{bulwark.account_id}:function:{name}:1")):
        assert stable(lambda_client.get_function_configuration(**call)) == expected, call
    assert stable(lambda_client.get_function(FunctionName=name, Qualifier="1")["Configuration"]) == expected
    assert lambda_client.get_function_configuration(FunctionName=name, Qualifier="$LATEST")["FunctionArn"] == f"{arn}:$LATEST"

    # Changing $LATEST changes nothing of the version: code, memory, variables (still sealed under their key).
    update_code(lambda_client, name, "v2")
    lambda_client.update_function_configuration(FunctionName=name, MemorySize=256, Environment={"Variables": {"STAGE": "two"}})
    wait_for(lambda_client, "function_updated_v2", name)
    version = lambda_client.get_function_configuration(FunctionName=name, Qualifier="1")
    assert stable(version) == expected
    assert version["Environment"] == {"Variables": {"STAGE": "one"}}
    assert invoke(lambda_client, name, "1")[0]["marker"] == "v1"
    assert invoke(lambda_client, name)[0]["marker"] == "v2"


def test_publish_without_a_change_answers_the_last_version_and_numbers_are_never_reused(lambda_client, function):
    name, _ = function
    first = lambda_client.publish_version(FunctionName=name)
    again = lambda_client.publish_version(FunctionName=name, Description="ignored: nothing changed")
    assert (again["Version"], again["RevisionId"], again["Description"]) == ("1", first["RevisionId"], "first")

    update_code(lambda_client, name, "v2")
    assert lambda_client.publish_version(FunctionName=name)["Version"] == "2"
    assert lambda_client.delete_function(FunctionName=name, Qualifier="2")["ResponseMetadata"]["HTTPStatusCode"] == 204
    expect_error(lambda: lambda_client.get_function_configuration(FunctionName=name, Qualifier="2"), "ResourceNotFoundException", 404)
    update_code(lambda_client, name, "v3")
    assert lambda_client.publish_version(FunctionName=name)["Version"] == "3"
    assert [v["Version"] for v in lambda_client.list_versions_by_function(FunctionName=name)["Versions"]] == ["$LATEST", "1", "3"]


def test_publish_version_preconditions(lambda_client, function):
    name, latest = function
    wrong = code_sha256(b"other")
    expect_error(
        lambda: lambda_client.publish_version(FunctionName=name, CodeSha256=wrong), "InvalidParameterValueException", 400,
        f"CodeSHA256 ({wrong}) is different from current CodeSHA256 in $LATEST ({latest['CodeSha256']}). "
        "Please try again with the CodeSHA256 in $LATEST.")
    expect_error(
        lambda: lambda_client.publish_version(FunctionName=name, RevisionId="00000000-0000-0000-0000-000000000000"),
        "PreconditionFailedException", 412, REVISION_MISMATCH)
    assert [v["Version"] for v in lambda_client.list_versions_by_function(FunctionName=name)["Versions"]] == ["$LATEST"]
    published = lambda_client.publish_version(FunctionName=name, CodeSha256=latest["CodeSha256"], RevisionId=latest["RevisionId"])
    assert published["Version"] == "1"
    expect_error(lambda: lambda_client.publish_version(FunctionName=f"{name}:1"), "InvalidParameterValueException", 400)
    expect_error(lambda: lambda_client.publish_version(FunctionName=f"{name}-absent"), "ResourceNotFoundException", 404)


def test_publish_on_create_and_update_code(bulwark, lambda_client, unique_name):
    created = lambda_client.create_function(
        FunctionName=unique_name, Runtime=RUNTIME, Role=f"arn:aws:iam::{bulwark.account_id}:role/conformance-role",
        Handler="app.handler", Code={"ZipFile": package("v1")}, Publish=True)
    assert (created["Version"], created["FunctionArn"]) == ("1", f"{function_arn(bulwark.account_id, unique_name)}:1")
    wait_for(lambda_client, "function_active_v2", unique_name)
    updated = lambda_client.update_function_code(FunctionName=unique_name, ZipFile=package("v2"), Publish=True)
    assert updated["Version"] == "2"
    wait_for(lambda_client, "function_updated_v2", unique_name)
    assert invoke(lambda_client, unique_name, "1")[0]["marker"] == "v1"
    assert invoke(lambda_client, unique_name, "2")[0]["marker"] == "v2"


def test_list_versions_by_function_pages_latest_first(bulwark, lambda_client, function):
    name, _ = function
    for marker in ("v2", "v3"):
        lambda_client.publish_version(FunctionName=name)
        update_code(lambda_client, name, marker)
    lambda_client.publish_version(FunctionName=name)
    whole = lambda_client.list_versions_by_function(FunctionName=name)
    assert "NextMarker" not in whole
    arn = function_arn(bulwark.account_id, name)
    assert [(v["Version"], v["FunctionArn"]) for v in whole["Versions"]] == [
        ("$LATEST", f"{arn}:$LATEST"), ("1", f"{arn}:1"), ("2", f"{arn}:2"), ("3", f"{arn}:3")]
    for listed in whole["Versions"]:
        direct = lambda_client.get_function_configuration(FunctionName=name, Qualifier=listed["Version"])
        # As ListFunctions: without the state fields and the runtime version.
        omitted = ("State", "StateReason", "StateReasonCode", "LastUpdateStatus", "LastUpdateStatusReason",
                   "LastUpdateStatusReasonCode", "RuntimeVersionConfig")
        assert listed == {key: value for key, value in direct.items() if key not in omitted + ("ResponseMetadata",)}
    paged, marker = [], None
    while True:
        page = lambda_client.list_versions_by_function(FunctionName=name, MaxItems=1, **({"Marker": marker} if marker else {}))
        assert len(page["Versions"]) == 1
        paged += page["Versions"]
        marker = page.get("NextMarker")
        if not marker:
            break
    assert paged == whole["Versions"]
    # ListFunctions with FunctionVersion ALL lists the published versions too, under their qualified ARNs.
    everything, marker = [], None
    while True:
        page = lambda_client.list_functions(FunctionVersion="ALL", **({"Marker": marker} if marker else {}))
        everything += [f["FunctionArn"] for f in page["Functions"] if f["FunctionName"] == name]
        marker = page.get("NextMarker")
        if not marker:
            break
    assert sorted(everything) == sorted(v["FunctionArn"] for v in whole["Versions"])
    expect_error(lambda: lambda_client.list_versions_by_function(FunctionName=f"{name}-absent"), "ResourceNotFoundException", 404)


def test_qualifiers_are_refused_where_aws_refuses_them(lambda_client, function):
    name, _ = function
    lambda_client.publish_version(FunctionName=name)
    expect_error(lambda: lambda_client.update_function_configuration(FunctionName=f"{name}:1", MemorySize=256),
                 "InvalidParameterValueException", 400)
    expect_error(lambda: lambda_client.update_function_code(FunctionName=f"{name}:1", ZipFile=package("x")),
                 "InvalidParameterValueException", 400)
    expect_error(lambda: lambda_client.delete_function(FunctionName=name, Qualifier="$LATEST"), "InvalidParameterValueException", 400,
                 "$LATEST version cannot be deleted without deleting the function.")
    expect_error(lambda: lambda_client.get_function(FunctionName=name, Qualifier="7"), "ResourceNotFoundException", 404)
    expect_error(lambda: lambda_client.invoke(FunctionName=f"{name}:nope"), "ResourceNotFoundException", 404)


def test_aliases_whole_answers_and_errors(bulwark, lambda_client, function):
    name, _ = function
    arn = function_arn(bulwark.account_id, name)
    lambda_client.publish_version(FunctionName=name)
    update_code(lambda_client, name, "v2")
    lambda_client.publish_version(FunctionName=name)

    created = lambda_client.create_alias(FunctionName=name, Name="live", FunctionVersion="1", Description="production")
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert UUID.match(created["RevisionId"])
    expected = {"AliasArn": f"{arn}:live", "Name": "live", "FunctionVersion": "1", "Description": "production"}
    assert stable(created) == expected
    assert stable(lambda_client.get_alias(FunctionName=name, Name="live")) == expected
    assert lambda_client.get_alias(FunctionName=arn, Name="live")["RevisionId"] == created["RevisionId"]

    updated = lambda_client.update_alias(FunctionName=name, Name="live", FunctionVersion="2",
                                         RoutingConfig={"AdditionalVersionWeights": {"1": 0.25}}, RevisionId=created["RevisionId"])
    shifted = expected | {"FunctionVersion": "2", "RoutingConfig": {"AdditionalVersionWeights": {"1": 0.25}}}
    assert stable(updated) == shifted and updated["RevisionId"] != created["RevisionId"]
    expect_error(lambda: lambda_client.update_alias(FunctionName=name, Name="live", Description="x", RevisionId=created["RevisionId"]),
                 "PreconditionFailedException", 412, REVISION_MISMATCH)

    lambda_client.create_alias(FunctionName=name, Name="beta", FunctionVersion="$LATEST")
    listed = lambda_client.list_aliases(FunctionName=name)
    assert [stable(a) for a in listed["Aliases"]] == [
        {"AliasArn": f"{arn}:beta", "Name": "beta", "FunctionVersion": "$LATEST", "Description": ""}, shifted]
    assert [a["Name"] for a in lambda_client.list_aliases(FunctionName=name, FunctionVersion="1")["Aliases"]] == ["live"]
    first = lambda_client.list_aliases(FunctionName=name, MaxItems=1)
    assert [a["Name"] for a in first["Aliases"]] == ["beta"]
    assert [a["Name"] for a in lambda_client.list_aliases(FunctionName=name, Marker=first["NextMarker"])["Aliases"]] == ["live"]

    expect_error(lambda: lambda_client.create_alias(FunctionName=name, Name="live", FunctionVersion="1"),
                 "ResourceConflictException", 409, f"Alias already exists: {arn}:live")
    expect_error(lambda: lambda_client.create_alias(FunctionName=name, Name="next", FunctionVersion="9"),
                 "ResourceNotFoundException", 404, f"Function not found: {arn}:9")
    expect_error(lambda: lambda_client.get_alias(FunctionName=name, Name="absent"),
                 "ResourceNotFoundException", 404, f"Cannot find alias arn: {arn}:absent")
    expect_error(lambda: lambda_client.create_alias(FunctionName=name, Name="12", FunctionVersion="1"), "ValidationException", 400)
    expect_error(lambda: lambda_client.create_alias(FunctionName=name, Name="canary", FunctionVersion="$LATEST",
                                                    RoutingConfig={"AdditionalVersionWeights": {"1": 0.5}}),
                 "InvalidParameterValueException", 400, "$LATEST is not supported for an alias pointing to more than 1 version")
    expect_error(lambda: lambda_client.create_alias(FunctionName=name, Name="canary", FunctionVersion="1",
                                                    RoutingConfig={"AdditionalVersionWeights": {"1": 0.5}}),
                 "InvalidParameterValueException", 400,
                 "Invalid function version 1. Function version 1 is already included in routing configuration.")
    expect_error(lambda: lambda_client.create_alias(FunctionName=name, Name="canary", FunctionVersion="1",
                                                    RoutingConfig={"AdditionalVersionWeights": {"2": 1.5}}),
                 "ValidationException", 400)
    expect_error(lambda: lambda_client.create_alias(FunctionName=name, Name="canary", FunctionVersion="1",
                                                    RoutingConfig={"AdditionalVersionWeights": {"2": 0.1, "3": 0.1}}),
                 "InvalidParameterValueException", 400)
    expect_error(lambda: lambda_client.get_alias(FunctionName=name, Name="canary"), "ResourceNotFoundException", 404)

    # A version an alias routes to is kept; once no alias does, it can go.
    expect_error(lambda: lambda_client.delete_function(FunctionName=name, Qualifier="1"), "ResourceConflictException", 409,
                 "Unable to delete version because the following aliases reference it: [live]")
    expect_error(lambda: lambda_client.delete_function(FunctionName=f"{name}:live"), "InvalidParameterValueException", 400)
    assert lambda_client.delete_alias(FunctionName=name, Name="live")["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert lambda_client.delete_alias(FunctionName=name, Name="live")["ResponseMetadata"]["HTTPStatusCode"] == 204
    lambda_client.delete_function(FunctionName=name, Qualifier="1")
    assert [a["Name"] for a in lambda_client.list_aliases(FunctionName=name)["Aliases"]] == ["beta"]

    # Deleting the function deletes its versions and aliases.
    lambda_client.delete_function(FunctionName=name)
    expect_error(lambda: lambda_client.get_alias(FunctionName=name, Name="beta"), "ResourceNotFoundException", 404)
    expect_error(lambda: lambda_client.get_function(FunctionName=name, Qualifier="2"), "ResourceNotFoundException", 404)


def test_warm_environments_are_per_version(lambda_client, function):
    name, _ = function
    lambda_client.publish_version(FunctionName=name)
    latest, latest_version = invoke(lambda_client, name)
    one, one_version = invoke(lambda_client, name, "1")
    assert (latest_version, one_version) == ("$LATEST", "1")
    assert (latest["version"], one["version"]) == ("$LATEST", "1")
    assert latest["boot"] != one["boot"]
    assert invoke(lambda_client, name)[0]["boot"] == latest["boot"]
    assert invoke(lambda_client, name, "1")[0]["boot"] == one["boot"]


def test_canary_routes_by_weight_and_rollback_takes_effect_on_the_next_invoke(bulwark, lambda_client, function):
    name, _ = function
    arn = function_arn(bulwark.account_id, name)
    lambda_client.publish_version(FunctionName=name)
    update_code(lambda_client, name, "v2")
    lambda_client.publish_version(FunctionName=name)
    bulwark.aws("lambda", "create-alias", "--function-name", name, "--name", "live", "--function-version", "1")
    assert invoke(lambda_client, f"{name}:live")[1] == "1"

    lambda_client.update_alias(FunctionName=name, Name="live", FunctionVersion="2", RoutingConfig={"AdditionalVersionWeights": {"1": 0.3}})
    invocations = 1000
    counts = {"1": 0, "2": 0}
    for _ in range(invocations):
        payload, executed = invoke(lambda_client, name, "live")
        counts[executed] += 1
        assert payload["marker"] == {"1": "v1", "2": "v2"}[executed]
        assert payload["invoked"] == f"{arn}:live"
    # Binomial(1000, 0.3): mean 300, standard deviation 14.5; five deviations either side fail by chance once in 10^6 runs.
    deviation = math.sqrt(invocations * 0.3 * 0.7)
    assert abs(counts["1"] - invocations * 0.3) <= 5 * deviation, counts

    # Rollback in one command: the next invoke runs version 1, and every one after it.
    rolled = bulwark.aws("lambda", "update-alias", "--function-name", name, "--name", "live", "--function-version", "1").json
    assert rolled["FunctionVersion"] == "1" and "RoutingConfig" not in rolled
    executed = [invoke(lambda_client, name, "live")[1] for _ in range(20)]
    assert executed == ["1"] * 20


def test_the_cli_invokes_through_an_alias(bulwark, lambda_client, function, tmp_path):
    name, _ = function
    assert bulwark.aws("lambda", "publish-version", "--function-name", name, "--description", "v1").json["Version"] == "1"
    bulwark.aws("lambda", "create-alias", "--function-name", name, "--name", "live", "--function-version", "1")
    out = tmp_path / "out.json"
    answer = bulwark.aws("lambda", "invoke", "--function-name", f"{name}:live", str(out)).json
    assert answer == {"StatusCode": 200, "ExecutedVersion": "1"}
    assert json.loads(out.read_text())["marker"] == "v1"
    versions = bulwark.aws("lambda", "list-versions-by-function", "--function-name", name).json["Versions"]
    assert [v["Version"] for v in versions] == ["$LATEST", "1"]
    aliases = bulwark.aws("lambda", "list-aliases", "--function-name", name).json["Aliases"]
    assert [(a["Name"], a["FunctionVersion"]) for a in aliases] == [("live", "1")]


def test_a_policy_on_the_alias_arn_allows_the_alias_and_nothing_else(bulwark, lambda_client, function):
    name, _ = function
    arn = function_arn(bulwark.account_id, name)
    lambda_client.publish_version(FunctionName=name)
    lambda_client.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    iam = bulwark.client("iam")
    user = f"alias{name[-20:]}".replace("_", "")
    iam.create_user(UserName=user)
    key = iam.create_access_key(UserName=user)["AccessKey"]
    iam.put_user_policy(UserName=user, PolicyName="live-only", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": f"{arn}:live"}]}))
    caller = bulwark.client("lambda", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])

    assert invoke(caller, f"{name}:live")[1] == "1"
    assert invoke(caller, name, "live")[1] == "1"
    assert invoke(caller, f"{arn}:live")[1] == "1"
    for other in (name, f"{name}:1", f"{name}:$LATEST", arn, f"{arn}:1"):
        error = expect_error(lambda: caller.invoke(FunctionName=other), "AccessDeniedException", 403)
        assert "lambda:InvokeFunction" in error.response["Error"]["Message"], other
    expect_error(lambda: caller.get_alias(FunctionName=name, Name="live"), "AccessDeniedException", 403)


def test_function_policies_are_kept_per_qualifier(bulwark, lambda_client, function):
    name, _ = function
    arn = function_arn(bulwark.account_id, name)
    lambda_client.publish_version(FunctionName=name)
    lambda_client.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    added = lambda_client.add_permission(FunctionName=name, Qualifier="live", StatementId="s3", Action="lambda:InvokeFunction",
                                         Principal="s3.amazonaws.com")
    statement = json.loads(added["Statement"])
    assert statement["Resource"] == f"{arn}:live"
    assert [s["Sid"] for s in json.loads(lambda_client.get_policy(FunctionName=name, Qualifier="live")["Policy"])["Statement"]] == ["s3"]
    expect_error(lambda: lambda_client.get_policy(FunctionName=name), "ResourceNotFoundException", 404)
    expect_error(lambda: lambda_client.get_policy(FunctionName=name, Qualifier="1"), "ResourceNotFoundException", 404)
    lambda_client.remove_permission(FunctionName=f"{name}:live", StatementId="s3")
    expect_error(lambda: lambda_client.get_policy(FunctionName=name, Qualifier="live"), "ResourceNotFoundException", 404)


def test_version_operations_are_audited(bulwark, lambda_client, function):
    name, _ = function
    published = lambda_client.publish_version(FunctionName=name)
    alias = lambda_client.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    events = {event["requestID"]: event for event in bulwark.trail_events()}
    for answer, event_name in ((published, "PublishVersion20150331"), (alias, "CreateAlias20150331")):
        event = events[answer["ResponseMetadata"]["RequestId"]]
        assert event["eventName"] == event_name
        assert event["eventSource"] == "lambda.amazonaws.com"
        assert "errorCode" not in event


def test_events_through_an_alias_run_its_version_and_log_under_it(bulwark, lambda_client, function):
    name, _ = function
    lambda_client.publish_version(FunctionName=name)
    update_code(lambda_client, name, "v2")
    lambda_client.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    accepted = lambda_client.invoke(FunctionName=name, Qualifier="live", InvocationType="Event")
    assert accepted["StatusCode"] == 202
    request_id = accepted["ResponseMetadata"]["RequestId"]

    def started_in() -> list[str]:
        return [stream for stream, events in log_streams(bulwark, name).items()
                if any(event["message"].startswith(f"START RequestId: {request_id} ") for event in events)]

    streams = poll(started_in, timeout=30, message="the event to run")
    # Log streams are named after the version that ran: YYYY/MM/DD/[1]<id>.
    assert len(streams) == 1 and "/[1]" in streams[0], streams
    invoke(lambda_client, name)
    assert any("/[$LATEST]" in stream for stream in log_streams(bulwark, name)), list(log_streams(bulwark, name))
