"""aws-lambda-powertools' parameters utility inside a function (issue #11): a python function whose zip
carries powertools (from PyPI, pinned in conformance/function-requirements.txt, installed by `make runtimes`)
reads its secret with `parameters.get_secret` unmodified — through the private endpoint, with the function's
role — decoded with transform="json", cached for max_age, and refused any other secret with the
AccessDeniedException that powertools surfaces as its GetParameterError."""

from __future__ import annotations

import base64
import json
import re
import uuid

import pytest

from conftest import BASIC_EXECUTION_POLICY, TRUST_LAMBDA
from support.functions import PYTHON_RUNTIME, invoke, python_zip_with_packages, wait_until_ready

POWERTOOLS_VERSION = "3.37.0"


@pytest.fixture
def name(unique_name):
    return f"{unique_name[:40]}-{uuid.uuid4().hex[:6]}"


def reads(lam, function: str, *requested: dict) -> list[dict]:
    answer = invoke(lam, function, {"reads": list(requested)})
    assert answer.function_error is None, answer.raw
    return answer.json["reads"]


def secret_reads(bulwark, secret: str) -> list[dict]:
    return [event for event in bulwark.trail_events()
            if event["eventName"] == "GetSecretValue" and (event.get("requestParameters") or {}).get("secretId") == secret]


def test_powertools_get_secret_reads_only_the_functions_secret(bulwark, name):
    sm = bulwark.client("secretsmanager")
    db, other = f"{name}-db", f"{name}-other"
    first = {"user": "app", "password": "one"}
    db_arn = sm.create_secret(Name=db, SecretString=json.dumps(first))["ARN"]
    sm.create_secret(Name=other, SecretString="not for it")
    iam = bulwark.client("iam")
    role_name = f"{name}-role"[:64]
    role = iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=json.dumps(TRUST_LAMBDA))["Role"]["Arn"]
    iam.attach_role_policy(RoleName=role_name, PolicyArn=BASIC_EXECUTION_POLICY)
    iam.put_role_policy(RoleName=role_name, PolicyName="db", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": db_arn}]}))
    lam = bulwark.client("lambda")
    lam.create_function(FunctionName=name, Runtime=PYTHON_RUNTIME, Role=role, Handler="app.handler", Timeout=30,
                        Code={"ZipFile": python_zip_with_packages("powertools_secrets.py")})
    wait_until_ready(lam, name)

    plain, decoded, denied = reads(
        lam, name, {"name": db, "max_age": 300}, {"name": db, "transform": "json", "max_age": 0}, {"name": other})
    assert plain == {"ok": json.dumps(first)}
    assert decoded == {"ok": first}
    assert denied["error"] == "GetParameterError"
    assert re.fullmatch(r"An error occurred \(AccessDeniedException\) when calling the GetSecretValue operation: .+",
                        denied["message"]), denied["message"]
    assert "secretsmanager:GetSecretValue" in denied["message"] and role_name in denied["message"]

    # The next value is not seen while powertools' cache holds the first (max_age=300, the warm environment
    # keeps it); force_fetch and an uncached read ask Bulwark again.
    second = {"user": "app", "password": "two"}
    sm.put_secret_value(SecretId=db, SecretString=json.dumps(second))
    cached, forced, fresh = reads(
        lam, name, {"name": db, "max_age": 300}, {"name": db, "force_fetch": True, "max_age": 300},
        {"name": db, "transform": "json", "max_age": 0})
    assert cached == {"ok": json.dumps(first)}
    assert forced == {"ok": json.dumps(second)}
    assert fresh == {"ok": second}

    # Bulwark answered exactly the reads that were not cached — with the function's role, from powertools.
    events = secret_reads(bulwark, db)
    assert len(events) == 4, [event["eventTime"] for event in events]
    for event in events:
        assert event["userIdentity"]["type"] == "AssumedRole" and event["userIdentity"]["arn"].startswith(
            f"arn:aws:sts::{bulwark.account_id}:assumed-role/{role_name}/"), event["userIdentity"]
        assert f"PT/parameters/{POWERTOOLS_VERSION} PTEnv/AWS_Lambda_{PYTHON_RUNTIME}" in event["userAgent"], event["userAgent"]
        assert event.get("errorCode") is None
    refused = secret_reads(bulwark, other)
    assert len(refused) == 1 and refused[0]["errorCode"] == "AccessDeniedException"


def test_powertools_transform_errors_surface_as_its_own(bulwark, name):
    """A value that is not JSON fails powertools' transform, after Bulwark answered it."""
    sm = bulwark.client("secretsmanager")
    arn = sm.create_secret(Name=name, SecretString="not json {")["ARN"]
    binary_arn = sm.create_secret(Name=f"{name}-b", SecretBinary=b"\x00\x01binary")["ARN"]
    iam = bulwark.client("iam")
    role_name = f"{name}-role"[:64]
    role = iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=json.dumps(TRUST_LAMBDA))["Role"]["Arn"]
    iam.attach_role_policy(RoleName=role_name, PolicyArn=BASIC_EXECUTION_POLICY)
    iam.put_role_policy(RoleName=role_name, PolicyName="read", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": [arn, binary_arn]}]}))
    lam = bulwark.client("lambda")
    lam.create_function(FunctionName=name, Runtime=PYTHON_RUNTIME, Role=role, Handler="app.handler", Timeout=30,
                        Code={"ZipFile": python_zip_with_packages("powertools_secrets.py")})
    wait_until_ready(lam, name)
    bad_json, raw, binary = reads(lam, name, {"name": name, "transform": "json"}, {"name": name},
                                  {"name": f"{name}-b"})
    assert bad_json["error"] == "TransformParameterError", bad_json
    assert raw == {"ok": "not json {"}
    assert binary == {"binary": base64.b64encode(b"\x00\x01binary").decode()}
