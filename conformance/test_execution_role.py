"""Each function runs as its own execution role (issue #4): Lambda must be able to assume the role
(it exists and trusts lambda.amazonaws.com), the function's SDK gets the role's temporary
credentials with no configuration, and its calls are judged by the role's policies.
"""

from __future__ import annotations

import json

import pytest

from conftest import BASIC_EXECUTION_POLICY, TRUST_LAMBDA
from support.functions import PYTHON_RUNTIME, invoke, python_zip, wait_until_ready
from support.lam import expect_error

TRUST_EC2 = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
REFUSED = "The role defined for the function cannot be assumed by Lambda."


@pytest.fixture
def make_role(bulwark, unique_name):
    """Creates roles named after the test; removes them afterwards."""
    iam = bulwark.client("iam")
    made: list[str] = []

    def make(suffix: str, trust: dict = TRUST_LAMBDA, path: str = "/", policy: dict | None = None) -> str:
        name = f"{unique_name[:48]}-{suffix}"
        arn = iam.create_role(RoleName=name, Path=path, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
        iam.attach_role_policy(RoleName=name, PolicyArn=BASIC_EXECUTION_POLICY)
        if policy is not None:
            iam.put_role_policy(RoleName=name, PolicyName="inline", PolicyDocument=json.dumps(policy))
        made.append(name)
        return arn

    yield make
    for name in made:
        for inline in iam.list_role_policies(RoleName=name)["PolicyNames"]:
            iam.delete_role_policy(RoleName=name, PolicyName=inline)
        iam.detach_role_policy(RoleName=name, PolicyArn=BASIC_EXECUTION_POLICY)
        iam.delete_role(RoleName=name)


def create_with_role(bulwark, name: str, role: str, package: bytes | None = None):
    return bulwark.client("lambda").create_function(
        FunctionName=name, Runtime=PYTHON_RUNTIME, Role=role, Handler="app.handler",
        Code={"ZipFile": package if package is not None else python_zip()})


def sdk_caller() -> bytes:
    return python_zip("sdk_caller.py")


def test_a_role_that_does_not_exist_is_refused(bulwark, unique_name):
    missing = f"arn:aws:iam::{bulwark.account_id}:role/{unique_name[:50]}-missing"
    expect_error(lambda: create_with_role(bulwark, unique_name, missing), "InvalidParameterValueException", 400, REFUSED)
    expect_error(lambda: bulwark.client("lambda").get_function(FunctionName=unique_name), "ResourceNotFoundException", 404)


def test_a_role_that_does_not_trust_lambda_is_refused(bulwark, unique_name, make_role):
    ec2_role = make_role("ec2", trust=TRUST_EC2)
    expect_error(lambda: create_with_role(bulwark, unique_name, ec2_role), "InvalidParameterValueException", 400, REFUSED)

    lambda_role = make_role("lambda")
    create_with_role(bulwark, unique_name, lambda_role)
    wait_until_ready(bulwark.client("lambda"), unique_name)
    expect_error(lambda: bulwark.client("lambda").update_function_configuration(FunctionName=unique_name, Role=ec2_role),
                 "InvalidParameterValueException", 400, REFUSED)
    assert bulwark.client("lambda").get_function_configuration(FunctionName=unique_name)["Role"] == lambda_role


def test_a_trust_policy_condition_on_the_source_function_is_honoured(bulwark, unique_name, make_role):
    only_other = {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole",
            "Condition": {"ArnLike": {"aws:SourceArn": f"arn:aws:lambda:*:{bulwark.account_id}:function:other-*"},
                          "StringEquals": {"aws:SourceAccount": bulwark.account_id}},
        }],
    }
    role = make_role("scoped", trust=only_other)
    expect_error(lambda: create_with_role(bulwark, unique_name, role), "InvalidParameterValueException", 400, REFUSED)
    create_with_role(bulwark, f"other-{unique_name}"[:64], role)


def test_the_role_arn_must_name_the_roles_path(bulwark, unique_name, make_role):
    role = make_role("pathed", path="/service-role/")
    assert ":role/service-role/" in role
    without_path = role.replace("/service-role/", "/")
    expect_error(lambda: create_with_role(bulwark, unique_name, without_path), "InvalidParameterValueException", 400, REFUSED)
    assert create_with_role(bulwark, unique_name, role)["Role"] == role


def test_a_function_calls_with_its_roles_credentials_and_is_judged_by_them(bulwark, unique_name, make_role):
    role_name = f"{unique_name[:48]}-reader"
    role = make_role("reader", policy={"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "lambda:ListFunctions", "Resource": "*"}]})
    lam = bulwark.client("lambda")
    create_with_role(bulwark, unique_name, role, sdk_caller())
    wait_until_ready(lam, unique_name)

    answer = invoke(lam, unique_name, {"calls": ["identity", "list_functions", "get_account_settings", "list_users"]})

    assert answer.function_error is None, answer.raw
    result = answer.json
    assert result["key_id"].startswith("ASIA") and result["has_session_token"]
    assert result["endpoint"].startswith("http://127.0.0.1:")
    calls = result["calls"]
    assert calls["identity"] == {"ok": f"arn:aws:sts::{bulwark.account_id}:assumed-role/{role_name}/{unique_name}"}
    assert calls["list_functions"]["ok"] >= 1
    # Neither is in the role's policies: denied with AWS's words for the role session.
    session = f"arn:aws:sts::{bulwark.account_id}:assumed-role/{role_name}/{unique_name}"
    assert calls["get_account_settings"]["error"] == "AccessDeniedException"
    assert calls["get_account_settings"]["message"].startswith(
        f"User: {session} is not authorized to perform: lambda:GetAccountSettings")
    assert calls["list_users"]["error"] == "AccessDenied"

    # The trail names the function's session as the caller of each of its calls.
    events = [e for e in bulwark.trail_events()
              if e.get("userIdentity", {}).get("arn") == session and e["eventName"] == "ListFunctions20150331"]
    assert events, "the function's call is not in the trail"
    identity = events[-1]["userIdentity"]
    assert identity["type"] == "AssumedRole" and identity["accessKeyId"] == result["key_id"]
    issuer = identity["sessionContext"]["sessionIssuer"]
    assert issuer == {"type": "Role", "principalId": identity["principalId"].split(":")[0], "arn": role,
                      "accountId": bulwark.account_id, "userName": role_name}
    assert identity["sessionContext"]["attributes"]["mfaAuthenticated"] == "false"


def test_a_role_policy_change_applies_to_the_next_call(bulwark, unique_name, make_role):
    role_name = f"{unique_name[:48]}-grows"
    role = make_role("grows")
    lam = bulwark.client("lambda")
    create_with_role(bulwark, unique_name, role, sdk_caller())
    wait_until_ready(lam, unique_name)
    assert invoke(lam, unique_name, {"calls": ["get_account_settings"]}).json["calls"]["get_account_settings"]["error"] == \
        "AccessDeniedException"

    bulwark.client("iam").put_role_policy(RoleName=role_name, PolicyName="settings", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "lambda:GetAccountSettings", "Resource": "*"}]}))
    assert "ok" in invoke(lam, unique_name, {"calls": ["get_account_settings"]}).json["calls"]["get_account_settings"]


def test_a_deleted_role_fails_new_environments(bulwark, unique_name, make_role):
    role_name = f"{unique_name[:48]}-gone"
    role = make_role("gone")
    lam = bulwark.client("lambda")
    create_with_role(bulwark, unique_name, role)
    wait_until_ready(lam, unique_name)
    iam = bulwark.client("iam")
    iam.detach_role_policy(RoleName=role_name, PolicyArn=BASIC_EXECUTION_POLICY)
    iam.delete_role(RoleName=role_name)
    expect_error(lambda: lam.invoke(FunctionName=unique_name, Payload=b"{}"), "InvalidParameterValueException", 400, REFUSED)
    iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=json.dumps(TRUST_LAMBDA))
    iam.attach_role_policy(RoleName=role_name, PolicyArn=BASIC_EXECUTION_POLICY)
    assert invoke(lam, unique_name, {"x": 1}).status == 200
