"""Secrets Manager rotation with a Lambda rotation function (issue #11, decision 0016): RotateSecret,
CancelRotateSecret, UpdateSecretVersionStage, and a Python rotation function — boto3 inside the function,
through the private endpoint with its role — run with AWS's four steps. Whole responses are compared with
what AWS answers (botocore's secretsmanager model), minus dates and the ARN's random suffix."""

from __future__ import annotations

import datetime
import json
import time
import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import BASIC_EXECUTION_POLICY, TRUST_LAMBDA
from support.functions import PYTHON_RUNTIME, wait_until_ready, zip_of

CANNOT_INVOKE = ("Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy grants access "
                 "to the principal secretsmanager.amazonaws.com.")

# AWS's rotation template (SecretsManagerRotationTemplate), reduced to a secret with nothing to set:
# the checks of the token and its labels, and the four steps.
ROTATION_FUNCTION = '''
import json
import os

import boto3


def handler(event, context):
    if set(event) != {"Step", "SecretId", "ClientRequestToken", "RotationToken"}:
        raise ValueError("unexpected event: %s" % sorted(event))
    client = boto3.client("secretsmanager")
    arn, token, step = event["SecretId"], event["ClientRequestToken"], event["Step"]
    metadata = client.describe_secret(SecretId=arn)
    if not metadata["RotationEnabled"]:
        raise ValueError("Secret %s is not enabled for rotation" % arn)
    versions = metadata["VersionIdsToStages"]
    if token not in versions:
        raise ValueError("Secret version %s has no stage for rotation of secret %s." % (token, arn))
    if "AWSCURRENT" in versions[token]:
        return
    if "AWSPENDING" not in versions[token]:
        raise ValueError("Secret version %s not set as AWSPENDING for rotation of secret %s." % (token, arn))
    if os.environ.get("FAILING_STEP") == step:
        raise RuntimeError("the %s step fails" % step)
    if step == "createSecret":
        current = json.loads(client.get_secret_value(SecretId=arn, VersionStage="AWSCURRENT")["SecretString"])
        try:
            client.get_secret_value(SecretId=arn, VersionId=token, VersionStage="AWSPENDING")
        except client.exceptions.ResourceNotFoundException:
            current["password"] = "rotated-" + token[:8]
            client.put_secret_value(SecretId=arn, ClientRequestToken=token, SecretString=json.dumps(current), VersionStages=["AWSPENDING"])
    elif step == "testSecret":
        pending = json.loads(client.get_secret_value(SecretId=arn, VersionId=token, VersionStage="AWSPENDING")["SecretString"])
        assert pending["password"] == "rotated-" + token[:8]
    elif step == "finishSecret":
        current = next(version for version, stages in versions.items() if "AWSCURRENT" in stages)
        client.update_secret_version_stage(SecretId=arn, VersionStage="AWSCURRENT", MoveToVersionId=token, RemoveFromVersionId=current)
'''


@pytest.fixture
def sm(bulwark):
    return bulwark.client("secretsmanager")


@pytest.fixture
def name(unique_name):
    return f"{unique_name[:40]}-{uuid.uuid4().hex[:6]}"


def error_of(call) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as raised:
        call()
    error = raised.value.response
    return error["Error"]["Code"], error["Error"].get("Message", ""), error["ResponseMetadata"]["HTTPStatusCode"]


def without_metadata(answer: dict) -> dict:
    answer = dict(answer)
    answer.pop("ResponseMetadata", None)
    return answer


def rotation_function(bulwark, name: str, *, allow_secrets_manager: bool = True, failing_step: str | None = None) -> str:
    """A Python rotation function whose role may rotate secrets, and (unless told otherwise) whose
    policy lets Secrets Manager invoke it."""
    iam = bulwark.client("iam")
    role_name = f"{name}-role"[:64]
    role = iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=json.dumps(TRUST_LAMBDA))["Role"]["Arn"]
    iam.attach_role_policy(RoleName=role_name, PolicyArn=BASIC_EXECUTION_POLICY)
    iam.put_role_policy(RoleName=role_name, PolicyName="rotate", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Resource": "*", "Action": [
            "secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue",
            "secretsmanager:UpdateSecretVersionStage"]}]}))
    lam = bulwark.client("lambda")
    environment = {"Variables": {"FAILING_STEP": failing_step}} if failing_step else {}
    arn = lam.create_function(FunctionName=name, Runtime=PYTHON_RUNTIME, Role=role, Handler="rotate.handler", Timeout=30,
                              Code={"ZipFile": zip_of({"rotate.py": ROTATION_FUNCTION})}, Environment=environment)["FunctionArn"]
    wait_until_ready(lam, name)
    if allow_secrets_manager:
        lam.add_permission(FunctionName=name, StatementId="secretsmanager", Action="lambda:InvokeFunction",
                           Principal="secretsmanager.amazonaws.com")
    return arn


def wait_for(predicate, timeout: float = 90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError("timed out")


def stages(sm, name: str) -> dict[str, list[str]]:
    return {version: sorted(labels) for version, labels in sm.describe_secret(SecretId=name)["VersionIdsToStages"].items()}


def test_a_python_function_rotates_a_secret(bulwark, sm, name):
    created = sm.create_secret(Name=name, SecretString='{"username":"app","password":"old"}')
    arn, first = created["ARN"], created["VersionId"]
    function = rotation_function(bulwark, name)
    # Never configured: no rotation members at all.
    assert not {"RotationEnabled", "RotationLambdaARN", "RotationRules", "LastRotatedDate", "NextRotationDate"} & set(
        sm.describe_secret(SecretId=name))

    rotated = without_metadata(sm.rotate_secret(SecretId=name, RotationLambdaARN=function, RotationRules={"AutomaticallyAfterDays": 30}))
    token = rotated["VersionId"]
    assert rotated == {"ARN": arn, "Name": name, "VersionId": token}

    wait_for(lambda: "AWSCURRENT" in stages(sm, name).get(token, []))
    value = without_metadata(sm.get_secret_value(SecretId=name))
    assert isinstance(value.pop("CreatedDate"), datetime.datetime)
    assert sorted(value.pop("VersionStages")) == ["AWSCURRENT", "AWSPENDING"]
    assert value == {"ARN": arn, "Name": name, "VersionId": token,
                     "SecretString": json.dumps({"username": "app", "password": f"rotated-{token[:8]}"})}
    previous = sm.get_secret_value(SecretId=name, VersionStage="AWSPREVIOUS")
    assert (previous["VersionId"], previous["SecretString"]) == (first, '{"username":"app","password":"old"}')

    described = without_metadata(wait_for(lambda: (lambda d: d if "LastRotatedDate" in d else None)(sm.describe_secret(SecretId=name))))
    last, following = described.pop("LastRotatedDate"), described.pop("NextRotationDate")
    assert following - last == datetime.timedelta(days=30)
    for member in ("LastChangedDate", "CreatedDate"):
        described.pop(member)
    described["VersionIdsToStages"] = {version: sorted(labels) for version, labels in described["VersionIdsToStages"].items()}
    assert described == {
        "ARN": arn, "Name": name, "RotationEnabled": True, "RotationLambdaARN": function, "RotationRules": {"AutomaticallyAfterDays": 30},
        "VersionIdsToStages": {first: ["AWSPREVIOUS"], token: ["AWSCURRENT", "AWSPENDING"]},
    }
    listed = [entry for entry in sm.list_secrets(Filters=[{"Key": "name", "Values": [name]}])["SecretList"] if entry["Name"] == name]
    assert (listed[0]["RotationEnabled"], listed[0]["RotationLambdaARN"]) == (True, function)

    # A second rotation, with the stored configuration: the old AWSPREVIOUS version loses its label.
    second = sm.rotate_secret(SecretId=name)["VersionId"]
    wait_for(lambda: "AWSCURRENT" in stages(sm, name).get(second, []))
    assert stages(sm, name) == {token: ["AWSPREVIOUS"], second: ["AWSCURRENT", "AWSPENDING"]}

    cancelled = without_metadata(sm.cancel_rotate_secret(SecretId=name))
    assert cancelled == {"ARN": arn, "Name": name}
    described = sm.describe_secret(SecretId=name)
    assert (described["RotationEnabled"], described["RotationRules"], "NextRotationDate" in described) == (
        False, {"AutomaticallyAfterDays": 30}, False)
    assert error_of(lambda: sm.cancel_rotate_secret(SecretId=name)) == (
        "InvalidRequestException", "Secrets Manager can't cancel rotation because rotation isn't enabled for this secret.", 400)

    # Secrets Manager's invocations are audited as the function's own calls are.
    events = [e for e in bulwark.trail_events() if e.get("eventName") == "UpdateSecretVersionStage"]
    assert any(e["requestParameters"].get("moveToVersionId") == token for e in events)


def test_a_failing_rotation_leaves_awspending(bulwark, sm, name):
    first = sm.create_secret(Name=name, SecretString='{"password":"old"}')["VersionId"]
    function = rotation_function(bulwark, name, failing_step="testSecret")
    token = sm.rotate_secret(SecretId=name, RotationLambdaARN=function, RotationRules={"ScheduleExpression": "rate(10 days)"})["VersionId"]
    # createSecret put the pending value, testSecret failed: AWSPENDING stays, AWSCURRENT does not move.
    wait_for(lambda: _has_pending_value(sm, name))
    time.sleep(5)  # setSecret, then testSecret fails
    assert stages(sm, name) == {first: ["AWSCURRENT"], token: ["AWSPENDING"]}
    assert sm.get_secret_value(SecretId=name)["SecretString"] == '{"password":"old"}'
    assert "LastRotatedDate" not in sm.describe_secret(SecretId=name)
    assert error_of(lambda: sm.rotate_secret(SecretId=name)) == (
        "InvalidRequestException", "A previous rotation isn't complete. That rotation will be reattempted.", 400)
    # Moving the label back by hand, as AWS's troubleshooting guide says, lets rotation start again.
    sm.update_secret_version_stage(SecretId=name, VersionStage="AWSPENDING", RemoveFromVersionId=token)
    assert stages(sm, name) == {first: ["AWSCURRENT"]}


def _has_pending_value(sm, name) -> bool:
    try:
        sm.get_secret_value(SecretId=name, VersionStage="AWSPENDING")
        return True
    except ClientError:
        return False


def test_secrets_manager_must_be_allowed_to_invoke_the_function(bulwark, sm, name):
    sm.create_secret(Name=name, SecretString="v")
    function = rotation_function(bulwark, name, allow_secrets_manager=False)
    assert error_of(lambda: sm.rotate_secret(SecretId=name, RotationLambdaARN=function, RotationRules={"AutomaticallyAfterDays": 1})) == (
        "AccessDeniedException", CANNOT_INVOKE, 400)
    missing = function + "-missing"
    assert error_of(lambda: sm.rotate_secret(SecretId=name, RotationLambdaARN=missing, RotationRules={"AutomaticallyAfterDays": 1})) == (
        "AccessDeniedException", CANNOT_INVOKE, 400)
    # Nothing was configured.
    assert "RotationEnabled" not in sm.describe_secret(SecretId=name)


def test_rotate_secret_refuses_bad_input(bulwark, sm, name):
    sm.create_secret(Name=name, SecretString="v")
    loose = bulwark.client("secretsmanager", validate=False)
    function = f"arn:aws:lambda:us-east-1:{bulwark.account_id}:function:{name}"
    assert error_of(lambda: sm.rotate_secret(SecretId=name)) == (
        "InvalidRequestException", "No Lambda rotation function ARN is associated with this secret.", 400)
    assert error_of(lambda: sm.rotate_secret(SecretId=f"{name}-none", RotationLambdaARN=function)) == (
        "ResourceNotFoundException", "Secrets Manager can't find the specified secret.", 400)
    for rules in ({"AutomaticallyAfterDays": 3, "ScheduleExpression": "rate(3 days)"}, {"ScheduleExpression": "rate(2 hours)"},
                  {"ScheduleExpression": "cron(0 0 * * * *)"}, {"Duration": "3h"}):
        code, _, status = error_of(lambda: sm.rotate_secret(SecretId=name, RotationLambdaARN=function, RotationRules=rules))
        assert (code, status) == ("InvalidParameterException", 400), rules
    for rules in ({"AutomaticallyAfterDays": 0}, {"AutomaticallyAfterDays": 1001}, {"Duration": "3 hours"}):
        code, _, status = error_of(lambda: loose.rotate_secret(SecretId=name, RotationLambdaARN=function, RotationRules=rules))
        assert (code, status) == ("ValidationException", 400), rules
    assert "RotationEnabled" not in sm.describe_secret(SecretId=name)


def test_update_secret_version_stage(sm, name):
    created = sm.create_secret(Name=name, SecretString="one")
    arn, first = created["ARN"], created["VersionId"]
    second = sm.put_secret_value(SecretId=name, SecretString="two", VersionStages=["STAGING"])["VersionId"]
    assert stages(sm, name) == {first: ["AWSCURRENT"], second: ["STAGING"]}

    # Moving AWSCURRENT moves AWSPREVIOUS to the version it left.
    moved = without_metadata(sm.update_secret_version_stage(SecretId=name, VersionStage="AWSCURRENT", MoveToVersionId=second,
                                                            RemoveFromVersionId=first))
    assert moved == {"ARN": arn, "Name": name}
    assert stages(sm, name) == {first: ["AWSPREVIOUS"], second: ["AWSCURRENT", "STAGING"]}
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "two"

    # A label on another version must be named in RemoveFromVersionId.
    code, message, status = error_of(lambda: sm.update_secret_version_stage(SecretId=name, VersionStage="STAGING", MoveToVersionId=first))
    assert (code, status) == ("InvalidParameterException", 400) and second in message
    code, _, _ = error_of(lambda: sm.update_secret_version_stage(SecretId=name, VersionStage="STAGING", MoveToVersionId=first,
                                                                 RemoveFromVersionId=first))
    assert code == "InvalidParameterException"
    assert error_of(lambda: sm.update_secret_version_stage(SecretId=name, VersionStage="AWSCURRENT", RemoveFromVersionId=second))[0] == (
        "InvalidParameterException")
    missing = str(uuid.uuid4())
    assert error_of(lambda: sm.update_secret_version_stage(SecretId=name, VersionStage="STAGING", MoveToVersionId=missing,
                                                           RemoveFromVersionId=second)) == (
        "ResourceNotFoundException", f"Secrets Manager can't find the specified secret value for VersionId: {missing}", 400)
    assert error_of(lambda: sm.update_secret_version_stage(SecretId=name, VersionStage="STAGING"))[0] == "InvalidParameterException"

    # Removing a label; a version left without labels is no longer listed.
    sm.update_secret_version_stage(SecretId=name, VersionStage="AWSPREVIOUS", RemoveFromVersionId=first)
    assert stages(sm, name) == {second: ["AWSCURRENT", "STAGING"]}
    assert [v["VersionId"] for v in sm.list_secret_version_ids(SecretId=name)["Versions"]] == [second]


def test_the_caller_needs_lambda_invoke_function_on_the_function_found(bulwark, sm, name):
    """The function is resolved like every entity a call names: the caller is judged on its canonical ARN, and a
    deny there holds whatever the spelling that reaches it."""
    secret = sm.create_secret(Name=name, SecretString="v")["ARN"]
    function = rotation_function(bulwark, name)
    iam = bulwark.client("iam")
    user_name = f"{name}-rotator"
    iam.create_user(UserName=user_name)
    iam.put_user_policy(UserName=user_name, PolicyName="p", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["secretsmanager:RotateSecret", "secretsmanager:DescribeSecret"], "Resource": secret},
        {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "*"},
        {"Effect": "Deny", "Action": "lambda:InvokeFunction", "Resource": function}]}))
    key = iam.create_access_key(UserName=user_name)["AccessKey"]
    rotator = bulwark.client("secretsmanager", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])
    user_arn = iam.get_user(UserName=user_name)["User"]["Arn"]
    code, message, status = error_of(lambda: rotator.rotate_secret(SecretId=name, RotationLambdaARN=function))
    assert (code, status) == ("AccessDeniedException", 400)
    assert message.startswith(f"User: {user_arn} is not authorized to perform: lambda:InvokeFunction on resource: {function} "), message
    assert "RotationEnabled" not in sm.describe_secret(SecretId=name)
