"""Service-linked roles through boto3: the role IAM creates for a service (name, path, trust policy,
the service's policy), AWS's refusals, the protection of the role against the account's changes, and
deletion through a task whose status can be read."""

from __future__ import annotations

import datetime
import json
import re
import urllib.parse

import pytest
from botocore.exceptions import ClientError

TASK = re.compile(r"^task/aws-service-role/([^/]+)/([^/]+)/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
ROLE_ID = re.compile(r"^AROA[A-Z0-9]{17}$")
POLICY = "arn:aws:iam::aws:policy/aws-service-role/"


@pytest.fixture
def iam(bulwark):
    return bulwark.client("iam")


def error_of(call) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as info:
        call()
    response = info.value.response
    return response["Error"]["Code"], response["Error"]["Message"], response["ResponseMetadata"]["HTTPStatusCode"]


def trust(service: str) -> dict:
    return {"Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]}


def as_document(document) -> dict:
    return document if isinstance(document, dict) else json.loads(urllib.parse.unquote(document))


def test_create_answers_the_whole_role_and_delete_removes_it(iam, bulwark):
    account = bulwark.account_id
    service = "elasticloadbalancing.amazonaws.com"
    role = iam.create_service_linked_role(AWSServiceName=service, Description="Load balancers")["Role"]
    role_id = role.pop("RoleId")
    assert ROLE_ID.match(role_id)
    assert isinstance(role.pop("CreateDate"), datetime.datetime)
    role["AssumeRolePolicyDocument"] = as_document(role["AssumeRolePolicyDocument"])
    name = "AWSServiceRoleForElasticLoadBalancing"
    assert role == {
        "Path": f"/aws-service-role/{service}/", "RoleName": name,
        "Arn": f"arn:aws:iam::{account}:role/aws-service-role/{service}/{name}",
        "AssumeRolePolicyDocument": trust(service), "Description": "Load balancers",
    }
    got = iam.get_role(RoleName=name)["Role"]
    assert got["RoleId"] == role_id and got["MaxSessionDuration"] == 3600
    assert iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"] == [
        {"PolicyName": "AWSElasticLoadBalancingServiceRolePolicy", "PolicyArn": POLICY + "AWSElasticLoadBalancingServiceRolePolicy"}]
    listed = iam.list_roles(PathPrefix=f"/aws-service-role/{service}/")["Roles"]
    assert [r["RoleName"] for r in listed] == [name]

    task = iam.delete_service_linked_role(RoleName=name)["DeletionTaskId"]
    assert TASK.match(task).groups() == (service, name)
    status = iam.get_service_linked_role_deletion_status(DeletionTaskId=task)
    status.pop("ResponseMetadata")
    assert status == {"Status": "SUCCEEDED"}
    assert error_of(lambda: iam.get_role(RoleName=name)) == ("NoSuchEntity", f"The role with name {name} cannot be found.", 404)


def test_the_same_role_twice_is_refused_with_aws_words(iam):
    service = "ecs.amazonaws.com"
    iam.create_service_linked_role(AWSServiceName=service)
    try:
        assert error_of(lambda: iam.create_service_linked_role(AWSServiceName=service)) == (
            "InvalidInput", "Service role name AWSServiceRoleForECS has been taken in this account, please try a different suffix.", 400)
        assert error_of(lambda: iam.create_service_linked_role(AWSServiceName=service, CustomSuffix="two")) == (
            "InvalidInput", "Custom suffix is not allowed for ecs.amazonaws.com", 400)
    finally:
        iam.delete_service_linked_role(RoleName="AWSServiceRoleForECS")


def test_a_custom_suffix_where_the_service_takes_one(iam, bulwark):
    service = "autoscaling.amazonaws.com"
    first = iam.create_service_linked_role(AWSServiceName=service)["Role"]
    second = iam.create_service_linked_role(AWSServiceName=service, CustomSuffix="blue")["Role"]
    try:
        assert first["RoleName"] == "AWSServiceRoleForAutoScaling"
        assert second["RoleName"] == "AWSServiceRoleForAutoScaling_blue"
        assert second["Arn"] == f"arn:aws:iam::{bulwark.account_id}:role/aws-service-role/{service}/AWSServiceRoleForAutoScaling_blue"
        assert "Description" not in second
        assert error_of(lambda: iam.create_service_linked_role(AWSServiceName=service, CustomSuffix="blue")) == (
            "InvalidInput", "Service role name AWSServiceRoleForAutoScaling_blue has been taken in this account, please try a different suffix.",
            400)
    finally:
        iam.delete_service_linked_role(RoleName="AWSServiceRoleForAutoScaling")
        iam.delete_service_linked_role(RoleName="AWSServiceRoleForAutoScaling_blue")


@pytest.mark.parametrize("service", ["nothing.amazonaws.com", "ECS.amazonaws.com", "lambda.amazonaws.com"])
def test_services_without_a_service_linked_role_are_refused(iam, service):
    code, _, status = error_of(lambda: iam.create_service_linked_role(AWSServiceName=service))
    assert (code, status) == ("InvalidInput", 400)


def test_the_role_is_protected_from_the_account(iam):
    name = "AWSServiceRoleForLambdaReplicator"
    iam.create_service_linked_role(AWSServiceName="replicator.lambda.amazonaws.com")
    protected = ("UnmodifiableEntity", f"Cannot perform the operation on the protected role '{name}' - this role is only modifiable by AWS", 400)
    allow_all = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    try:
        assert error_of(lambda: iam.delete_role(RoleName=name)) == protected
        assert error_of(lambda: iam.update_assume_role_policy(RoleName=name, PolicyDocument=json.dumps(trust("lambda.amazonaws.com")))) == protected
        assert error_of(lambda: iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=allow_all)) == protected
        assert error_of(lambda: iam.delete_role_policy(RoleName=name, PolicyName="p")) == protected
        assert error_of(lambda: iam.attach_role_policy(RoleName=name, PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")) == protected
        assert error_of(lambda: iam.detach_role_policy(RoleName=name, PolicyArn=POLICY + "AWSLambdaReplicator")) == protected
        assert error_of(lambda: iam.put_role_permissions_boundary(
            RoleName=name, PermissionsBoundary="arn:aws:iam::aws:policy/IAMReadOnlyAccess")) == protected
        assert error_of(lambda: iam.delete_role_permissions_boundary(RoleName=name)) == protected
        assert error_of(lambda: iam.update_role(RoleName=name, MaxSessionDuration=7200)) == (
            "UnmodifiableEntity", f"{name} is an AWS service linked role, max session duration cannot be changed.", 400)
        # The description and tags remain the account's.
        iam.update_role(RoleName=name, Description="replicas")
        iam.tag_role(RoleName=name, Tags=[{"Key": "team", "Value": "edge"}])
        role = iam.get_role(RoleName=name)["Role"]
        assert role["Description"] == "replicas" and role["Tags"] == [{"Key": "team", "Value": "edge"}]
        assert as_document(role["AssumeRolePolicyDocument"]) == trust("replicator.lambda.amazonaws.com")
    finally:
        iam.delete_service_linked_role(RoleName=name)


def test_deletion_refusals(iam, bulwark):
    assert error_of(lambda: iam.delete_service_linked_role(RoleName="AWSServiceRoleForNothing")) == (
        "NoSuchEntity", "The role with name AWSServiceRoleForNothing cannot be found.", 404)
    iam.create_role(RoleName="OrdinaryRole", AssumeRolePolicyDocument=json.dumps(trust("lambda.amazonaws.com")))
    try:
        code, _, status = error_of(lambda: iam.delete_service_linked_role(RoleName="OrdinaryRole"))
        assert (code, status) == ("NoSuchEntity", 404)
        assert iam.get_role(RoleName="OrdinaryRole")["Role"]["RoleName"] == "OrdinaryRole"
    finally:
        iam.delete_role(RoleName="OrdinaryRole")
    code, _, status = error_of(lambda: iam.get_service_linked_role_deletion_status(DeletionTaskId="task/not-a-task"))
    assert (code, status) == ("InvalidInput", 400)
    unknown = "task/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS/6f1c4c4e-2b8a-4c4e-9d4f-0a1b2c3d4e5f"
    code, _, status = error_of(lambda: iam.get_service_linked_role_deletion_status(DeletionTaskId=unknown))
    assert (code, status) == ("NoSuchEntity", 404)


def test_a_user_needs_iam_create_service_linked_role_for_that_service(iam, bulwark):
    user = "slr-creator"
    iam.create_user(UserName=user)
    policy = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "iam:CreateServiceLinkedRole", "Resource": "*",
        "Condition": {"StringEquals": {"iam:AWSServiceName": "spot.amazonaws.com"}}}]}
    iam.put_user_policy(UserName=user, PolicyName="slr", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName=user)["AccessKey"]
    client = bulwark.client("iam", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])
    try:
        assert client.create_service_linked_role(AWSServiceName="spot.amazonaws.com")["Role"]["RoleName"] == "AWSServiceRoleForEC2Spot"
        code, _, status = error_of(lambda: client.create_service_linked_role(AWSServiceName="spotfleet.amazonaws.com"))
        assert (code, status) == ("AccessDenied", 403)
    finally:
        iam.delete_service_linked_role(RoleName="AWSServiceRoleForEC2Spot")
        iam.delete_access_key(UserName=user, AccessKeyId=key["AccessKeyId"])
        iam.delete_user_policy(UserName=user, PolicyName="slr")
        iam.delete_user(UserName=user)
