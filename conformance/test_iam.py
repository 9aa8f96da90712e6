"""The IAM API through boto3 and the aws CLI: users, groups, roles, access keys, inline and managed
policies, attachments, permissions boundaries and the account snapshot.

AWS's behaviour as botocore's iam model and the IAM API reference describe it: errors are query-protocol
XML with IAM's codes (NoSuchEntity 404, EntityAlreadyExists 409, DeleteConflict 409, LimitExceeded 409,
MalformedPolicyDocument 400, ValidationError 400); policy documents come back URL-encoded and botocore
hands them over as parsed JSON; lists page with Marker/MaxItems/IsTruncated.
"""

from __future__ import annotations

import json
import re
import time

import pytest
from botocore.exceptions import ClientError

TRUST_LAMBDA = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
READ_LAMBDA = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "lambda:Get*", "Resource": "*"}]}
BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"


@pytest.fixture
def iam(bulwark):
    return bulwark.client("iam")


@pytest.fixture
def name(request):
    """A name unique to the test within IAM's character set."""
    base = re.sub(r"[^a-zA-Z0-9]", "", request.node.name)[:40]
    return f"{base}{int(time.time() * 1000) % 100000000}"


def expect_error(call, code: str, status: int, message: str | None = None) -> ClientError:
    with pytest.raises(ClientError) as info:
        call()
    error = info.value.response["Error"]
    assert error["Code"] == code, info.value.response
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    if message is not None:
        assert error["Message"] == message
    return info.value


def test_user_lifecycle(iam, bulwark, name):
    created = iam.create_user(UserName=name, Path="/conformance/", Tags=[{"Key": "team", "Value": "core"}])["User"]
    assert created["Arn"] == f"arn:aws:iam::{bulwark.account_id}:user/conformance/{name}"
    assert created["UserId"].startswith("AIDA")
    got = iam.get_user(UserName=name)["User"]
    assert got["UserId"] == created["UserId"]
    assert got["Tags"] == [{"Key": "team", "Value": "core"}]
    names = [user["UserName"] for user in iam.list_users(PathPrefix="/conformance/")["Users"]]
    assert name in names

    expect_error(lambda: iam.create_user(UserName=name.upper()), "EntityAlreadyExists", 409, f"User with name {name.upper()} already exists.")
    iam.update_user(UserName=name, NewUserName=name + "x")
    expect_error(lambda: iam.get_user(UserName=name), "NoSuchEntity", 404, f"The user with name {name} cannot be found.")
    iam.delete_user(UserName=name + "x")
    expect_error(lambda: iam.delete_user(UserName=name + "x"), "NoSuchEntity", 404)


def test_list_users_pages_with_marker(iam, name):
    for index in range(3):
        iam.create_user(UserName=f"{name}{index}", Path=f"/{name}/")
    first = iam.list_users(PathPrefix=f"/{name}/", MaxItems=2)
    assert first["IsTruncated"] is True and len(first["Users"]) == 2
    rest = iam.list_users(PathPrefix=f"/{name}/", Marker=first["Marker"])
    assert rest["IsTruncated"] is False
    assert [u["UserName"] for u in first["Users"] + rest["Users"]] == [f"{name}{i}" for i in range(3)]
    paginated = [u["UserName"] for page in iam.get_paginator("list_users").paginate(PathPrefix=f"/{name}/", PaginationConfig={"PageSize": 1})
                 for u in page["Users"]]
    assert paginated == [f"{name}{i}" for i in range(3)]


def test_invalid_names_are_validation_errors(bulwark, name):
    unchecked = bulwark.client("iam", validate=False)
    expect_error(lambda: unchecked.create_user(UserName="no spaces allowed"), "ValidationError", 400)


def test_delete_conflicts_and_access_keys(iam, name):
    iam.create_user(UserName=name)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    assert key["AccessKeyId"].startswith("AKIA") and len(key["SecretAccessKey"]) == 40 and key["Status"] == "Active"
    iam.create_access_key(UserName=name)
    expect_error(lambda: iam.create_access_key(UserName=name), "LimitExceeded", 409, "Cannot exceed quota for AccessKeysPerUser: 2")
    expect_error(lambda: iam.delete_user(UserName=name), "DeleteConflict", 409, "Cannot delete entity, must delete access keys first.")

    iam.update_access_key(UserName=name, AccessKeyId=key["AccessKeyId"], Status="Inactive")
    statuses = {k["AccessKeyId"]: k["Status"] for k in iam.list_access_keys(UserName=name)["AccessKeyMetadata"]}
    assert statuses[key["AccessKeyId"]] == "Inactive"
    last = iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])
    assert last["UserName"] == name and last["AccessKeyLastUsed"]["ServiceName"] == "N/A"
    for access_key_id in statuses:
        iam.delete_access_key(UserName=name, AccessKeyId=access_key_id)
    iam.delete_user(UserName=name)


def test_groups_and_membership(iam, name):
    iam.create_group(GroupName=name)
    iam.create_user(UserName=name)
    iam.add_user_to_group(GroupName=name, UserName=name)
    group = iam.get_group(GroupName=name)
    assert group["Group"]["GroupId"].startswith("AGPA")
    assert [u["UserName"] for u in group["Users"]] == [name]
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName=name)["Groups"]] == [name]
    expect_error(lambda: iam.delete_group(GroupName=name), "DeleteConflict", 409, "Cannot delete entity, must remove users from group first.")
    iam.remove_user_from_group(GroupName=name, UserName=name)
    iam.delete_group(GroupName=name)
    iam.delete_user(UserName=name)


def test_role_documents_are_decoded_by_botocore(iam, name):
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST_LAMBDA), Description="conformance")["Role"]
    assert role["RoleId"].startswith("AROA")
    assert role["AssumeRolePolicyDocument"] == TRUST_LAMBDA
    got = iam.get_role(RoleName=name)["Role"]
    assert got["AssumeRolePolicyDocument"] == TRUST_LAMBDA and got["MaxSessionDuration"] == 3600

    iam.put_role_policy(RoleName=name, PolicyName="read", PolicyDocument=json.dumps(READ_LAMBDA, indent=2))
    assert iam.get_role_policy(RoleName=name, PolicyName="read")["PolicyDocument"] == READ_LAMBDA
    assert iam.list_role_policies(RoleName=name)["PolicyNames"] == ["read"]
    iam.update_role(RoleName=name, MaxSessionDuration=7200)
    assert iam.get_role(RoleName=name)["Role"]["MaxSessionDuration"] == 7200

    expect_error(lambda: iam.delete_role(RoleName=name), "DeleteConflict", 409, "Cannot delete entity, must delete policies first.")
    iam.delete_role_policy(RoleName=name, PolicyName="read")
    iam.delete_role(RoleName=name)


def test_malformed_policy_documents(iam, name):
    iam.create_user(UserName=name)
    no_resource = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject"}]}
    expect_error(lambda: iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps(no_resource)),
                 "MalformedPolicyDocument", 400, "Policy statement must contain resources.")
    expect_error(lambda: iam.create_role(RoleName=name, AssumeRolePolicyDocument="{"), "MalformedPolicyDocument", 400)
    iam.delete_user(UserName=name)


def test_managed_policy_versions(iam, bulwark, name):
    arn = iam.create_policy(PolicyName=name, PolicyDocument=json.dumps(READ_LAMBDA), Description="d")["Policy"]["Arn"]
    assert arn == f"arn:aws:iam::{bulwark.account_id}:policy/{name}"
    for _ in range(4):
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(READ_LAMBDA))
    expect_error(lambda: iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(READ_LAMBDA)), "LimitExceeded", 409)
    iam.set_default_policy_version(PolicyArn=arn, VersionId="v3")
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v3"
    version = iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]
    assert version["Document"] == READ_LAMBDA and version["IsDefaultVersion"] is False
    expect_error(lambda: iam.delete_policy_version(PolicyArn=arn, VersionId="v3"), "DeleteConflict", 409,
                 "Cannot delete the default version of a policy.")
    expect_error(lambda: iam.delete_policy(PolicyArn=arn), "DeleteConflict", 409)
    for version_id in ["v1", "v2", "v4", "v5"]:
        iam.delete_policy_version(PolicyArn=arn, VersionId=version_id)
    iam.delete_policy(PolicyArn=arn)
    expect_error(lambda: iam.get_policy(PolicyArn=arn), "NoSuchEntity", 404, f"Policy {arn} was not found.")


def test_aws_managed_policies(iam, name):
    listed = [p["Arn"] for page in iam.get_paginator("list_policies").paginate(Scope="AWS") for p in page["Policies"]]
    assert BASIC in listed and "arn:aws:iam::aws:policy/AdministratorAccess" in listed
    policy = iam.get_policy(PolicyArn=BASIC)["Policy"]
    document = iam.get_policy_version(PolicyArn=BASIC, VersionId=policy["DefaultVersionId"])["PolicyVersion"]["Document"]
    assert document["Statement"][0]["Action"] == ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]

    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST_LAMBDA))
    iam.attach_role_policy(RoleName=name, PolicyArn=BASIC)
    attached = iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]
    assert attached == [{"PolicyName": "AWSLambdaBasicExecutionRole", "PolicyArn": BASIC}]
    expect_error(lambda: iam.delete_role(RoleName=name), "DeleteConflict", 409, "Cannot delete entity, must detach all policies first.")
    expect_error(lambda: iam.attach_role_policy(RoleName=name, PolicyArn="arn:aws:iam::aws:policy/NoSuchThing"), "NoSuchEntity", 404)
    expect_error(lambda: iam.delete_policy(PolicyArn=BASIC), "AccessDenied", 403)
    iam.detach_role_policy(RoleName=name, PolicyArn=BASIC)
    iam.delete_role(RoleName=name)


def test_permissions_boundary_and_snapshot(iam, name):
    iam.create_user(UserName=name, PermissionsBoundary=BASIC)
    boundary = iam.get_user(UserName=name)["User"]["PermissionsBoundary"]
    assert boundary == {"PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": BASIC}
    iam.put_user_policy(UserName=name, PolicyName="read", PolicyDocument=json.dumps(READ_LAMBDA))
    details = iam.get_account_authorization_details(Filter=["User"])
    mine = [u for u in details["UserDetailList"] if u["UserName"] == name]
    assert mine and mine[0]["UserPolicyList"] == [{"PolicyName": "read", "PolicyDocument": READ_LAMBDA}]
    iam.delete_user_permissions_boundary(UserName=name)
    assert "PermissionsBoundary" not in iam.get_user(UserName=name)["User"]
    iam.delete_user_policy(UserName=name, PolicyName="read")
    iam.delete_user(UserName=name)


def test_cli(bulwark, name):
    created = bulwark.aws("iam", "create-user", "--user-name", name).json
    assert created["User"]["UserName"] == name
    bulwark.aws("iam", "create-role", "--role-name", name, "--assume-role-policy-document", json.dumps(TRUST_LAMBDA))
    role = bulwark.aws("iam", "get-role", "--role-name", name).json
    assert role["Role"]["AssumeRolePolicyDocument"] == TRUST_LAMBDA
    policies = bulwark.aws("iam", "list-policies", "--scope", "AWS", "--query", "Policies[].PolicyName").json
    assert "AWSLambdaBasicExecutionRole" in policies
    missing = bulwark.aws("iam", "get-user", "--user-name", name + "nope", check=False)
    assert missing.returncode != 0 and "NoSuchEntity" in missing.stderr
    bulwark.aws("iam", "delete-role", "--role-name", name)
    bulwark.aws("iam", "delete-user", "--user-name", name)
