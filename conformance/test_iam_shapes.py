"""Whole IAM answers compared with botocore's iam model and the IAM API reference's examples: what
CreateRole leaves out that GetRole gives, boundaries, and AWS's refusal of a policy named where an ARN
belongs and of a trust policy naming a service that does not exist.
"""

from __future__ import annotations

import datetime
import json
import re
import time

import pytest
from botocore.exceptions import ClientError

TRUST_LAMBDA = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
BOUNDARY = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
ROLE_ID = re.compile(r"^AROA[A-Z0-9]{17}$")


@pytest.fixture
def iam(bulwark):
    return bulwark.client("iam")


@pytest.fixture
def name(request):
    base = re.sub(r"[^a-zA-Z0-9]", "", request.node.name)[:40]
    return f"{base}{int(time.time() * 1000) % 100000000}"


def error_of(call) -> tuple[dict, int]:
    with pytest.raises(ClientError) as info:
        call()
    return info.value.response["Error"], info.value.response["ResponseMetadata"]["HTTPStatusCode"]


def trust(service: str) -> str:
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}],
    })


def test_create_role_answers_without_session_duration_and_get_role_with_it(iam, bulwark, name):
    created = iam.create_role(
        RoleName=name, Path="/shapes/", AssumeRolePolicyDocument=json.dumps(TRUST_LAMBDA), Description="d",
        MaxSessionDuration=7200, PermissionsBoundary=BOUNDARY, Tags=[{"Key": "team", "Value": "core"}])["Role"]
    role_id, create_date = created.pop("RoleId"), created.pop("CreateDate")
    assert ROLE_ID.match(role_id) and isinstance(create_date, datetime.datetime)
    arn = f"arn:aws:iam::{bulwark.account_id}:role/shapes/{name}"
    assert created == {
        "Path": "/shapes/", "RoleName": name, "Arn": arn, "AssumeRolePolicyDocument": TRUST_LAMBDA, "Description": "d",
        "PermissionsBoundary": {"PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": BOUNDARY},
        "Tags": [{"Key": "team", "Value": "core"}],
    }
    got = iam.get_role(RoleName=name)["Role"]
    assert got.pop("RoleId") == role_id and got.pop("CreateDate") == create_date
    assert got == {
        "Path": "/shapes/", "RoleName": name, "Arn": arn, "AssumeRolePolicyDocument": TRUST_LAMBDA, "Description": "d",
        "MaxSessionDuration": 7200,
        "PermissionsBoundary": {"PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": BOUNDARY},
        "Tags": [{"Key": "team", "Value": "core"}], "RoleLastUsed": {},
    }


def test_create_user_with_boundary_answers_its_type(iam, bulwark, name):
    user = iam.create_user(UserName=name, PermissionsBoundary=BOUNDARY)["User"]
    assert user["PermissionsBoundary"] == {"PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": BOUNDARY}
    assert set(user) == {"Path", "UserName", "UserId", "Arn", "CreateDate", "PermissionsBoundary"}


@pytest.mark.parametrize("call", [
    "attach_role_policy", "detach_role_policy", "put_role_permissions_boundary",
    "attach_user_policy", "detach_user_policy", "put_user_permissions_boundary",
    "attach_group_policy", "detach_group_policy", "get_policy", "delete_policy",
])
def test_a_policy_name_where_an_arn_belongs_is_a_validation_error(iam, name, call):
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST_LAMBDA))
    iam.create_user(UserName=name)
    iam.create_group(GroupName=name)
    policy = "AWSLambdaBasicExecutionRole"  # a name, long enough to pass the model's 20 characters
    arguments = {"PolicyArn": policy}
    if "permissions_boundary" in call:
        arguments = {"PermissionsBoundary": policy}
    for kind in ("role", "user", "group"):
        if f"_{kind}_" in call:
            arguments[f"{kind.capitalize()}Name"] = name
    error, status = error_of(lambda: getattr(iam, call)(**arguments))
    assert (error["Code"], error["Message"], status) == ("ValidationError", "Invalid ARN:  Could not be parsed!", 400)


def test_a_name_as_boundary_of_a_new_role_is_refused_before_the_role_exists(iam, name):
    error, status = error_of(lambda: iam.create_role(
        RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST_LAMBDA), PermissionsBoundary="AWSLambdaBasicExecutionRole"))
    assert (error["Code"], error["Message"], status) == ("ValidationError", "Invalid ARN:  Could not be parsed!", 400)
    error, _ = error_of(lambda: iam.get_role(RoleName=name))
    assert error["Code"] == "NoSuchEntity"


@pytest.mark.parametrize("service", ["lamdba.amazonaws.com", "lambda.amazonaws.co", "example.com", "lambda.mars-west-1.amazonaws.com"])
def test_a_trust_policy_naming_an_unknown_service_is_refused(iam, name, service):
    error, status = error_of(lambda: iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust(service)))
    assert (error["Code"], error["Message"], status) == (
        "MalformedPolicyDocument", f'Invalid principal in policy: "SERVICE":"{service}"', 400)
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust("lambda.amazonaws.com"))
    error, status = error_of(lambda: iam.update_assume_role_policy(RoleName=name, PolicyDocument=trust(service)))
    assert (error["Code"], error["Message"], status) == (
        "MalformedPolicyDocument", f'Invalid principal in policy: "SERVICE":"{service}"', 400)
    assert iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": "lambda.amazonaws.com"}


@pytest.mark.parametrize("service", [
    "lambda.amazonaws.com", "edgelambda.amazonaws.com", "ecs-tasks.amazonaws.com", "states.amazonaws.com",
    "events.amazonaws.com", "scheduler.amazonaws.com", "bedrock.amazonaws.com", "logs.eu-west-1.amazonaws.com",
    ["ec2.amazonaws.com", "ssm.amazonaws.com"],
])
def test_a_trust_policy_naming_real_services_is_accepted(iam, name, service):
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust(service))
    assert iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": service}


def test_cli_refuses_a_misspelt_service(bulwark, name):
    result = bulwark.aws("iam", "create-role", "--role-name", name, "--assume-role-policy-document", trust("lamdba.amazonaws.com"),
                         check=False)
    assert result.returncode != 0
    assert ('An error occurred (MalformedPolicyDocument) when calling the CreateRole operation: '
            'Invalid principal in policy: "SERVICE":"lamdba.amazonaws.com"') in result.stderr
