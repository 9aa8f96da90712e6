"""Instance profiles through boto3 and the aws CLI, as the IAM API reference describes them: one role
per profile (LimitExceeded "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1"), IAM's
NoSuchEntity / EntityAlreadyExists / DeleteConflict wording, tags, and a role that cannot be deleted
while a profile holds it.
"""

from __future__ import annotations

import datetime
import json
import re
import time

import pytest
from botocore.exceptions import ClientError

TRUST_EC2 = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
PROFILE_ID = re.compile(r"^AIPA[A-Z0-9]{17}$")


@pytest.fixture
def iam(bulwark):
    return bulwark.client("iam")


@pytest.fixture
def name(request):
    base = re.sub(r"[^a-zA-Z0-9]", "", request.node.name)[:40]
    return f"{base}{int(time.time() * 1000) % 100000000}"


def error_of(call) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as info:
        call()
    response = info.value.response
    return response["Error"]["Code"], response["Error"]["Message"], response["ResponseMetadata"]["HTTPStatusCode"]


def without_volatile(profile: dict) -> dict:
    assert PROFILE_ID.match(profile.pop("InstanceProfileId"))
    assert isinstance(profile.pop("CreateDate"), datetime.datetime)
    for role in profile["Roles"]:
        assert role.pop("RoleId").startswith("AROA") and isinstance(role.pop("CreateDate"), datetime.datetime)
    return profile


def test_instance_profile_lifecycle(iam, bulwark, name):
    account = bulwark.account_id
    arn = f"arn:aws:iam::{account}:instance-profile/web/{name}"
    created = iam.create_instance_profile(InstanceProfileName=name, Path="/web/", Tags=[{"Key": "env", "Value": "dev"}])
    assert without_volatile(created["InstanceProfile"]) == {
        "Path": "/web/", "InstanceProfileName": name, "Arn": arn, "Roles": [], "Tags": [{"Key": "env", "Value": "dev"}]}

    assert error_of(lambda: iam.create_instance_profile(InstanceProfileName=name.upper())) == (
        "EntityAlreadyExists", f"Instance Profile {name.upper()} already exists.", 409)

    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST_EC2))
    iam.add_role_to_instance_profile(InstanceProfileName=name, RoleName=name)
    role = {"Path": "/", "RoleName": name, "Arn": f"arn:aws:iam::{account}:role/{name}", "AssumeRolePolicyDocument": TRUST_EC2}
    got = iam.get_instance_profile(InstanceProfileName=name)["InstanceProfile"]
    assert without_volatile(got) == {
        "Path": "/web/", "InstanceProfileName": name, "Arn": arn, "Roles": [role], "Tags": [{"Key": "env", "Value": "dev"}]}

    listed = iam.list_instance_profiles(PathPrefix="/web/")
    assert listed["IsTruncated"] is False
    assert [without_volatile(p) for p in listed["InstanceProfiles"] if p["InstanceProfileName"] == name] == [
        {"Path": "/web/", "InstanceProfileName": name, "Arn": arn, "Roles": [role]}]
    for_role = iam.list_instance_profiles_for_role(RoleName=name)
    assert for_role["IsTruncated"] is False
    assert [without_volatile(p) for p in for_role["InstanceProfiles"]] == [
        {"Path": "/web/", "InstanceProfileName": name, "Arn": arn, "Roles": [role]}]
    details = iam.get_account_authorization_details(Filter=["Role"])["RoleDetailList"]
    [detail] = [d for d in details if d["RoleName"] == name]
    assert [without_volatile(p) for p in detail["InstanceProfileList"]] == [
        {"Path": "/web/", "InstanceProfileName": name, "Arn": arn, "Roles": [role]}]

    # One role per profile, and IAM does not raise that quota.
    iam.create_role(RoleName=name + "b", AssumeRolePolicyDocument=json.dumps(TRUST_EC2))
    for second in (name + "b", name):
        assert error_of(lambda: iam.add_role_to_instance_profile(InstanceProfileName=name, RoleName=second)) == (
            "LimitExceeded", "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1", 409)

    assert error_of(lambda: iam.delete_role(RoleName=name)) == (
        "DeleteConflict", "Cannot delete entity, must remove roles from instance profile first.", 409)
    assert error_of(lambda: iam.delete_instance_profile(InstanceProfileName=name)) == (
        "DeleteConflict", "Cannot delete entity, must remove roles from instance profile first.", 409)

    iam.remove_role_from_instance_profile(InstanceProfileName=name, RoleName=name)
    assert iam.list_instance_profiles_for_role(RoleName=name)["InstanceProfiles"] == []
    iam.delete_role(RoleName=name)
    iam.delete_instance_profile(InstanceProfileName=name)
    assert error_of(lambda: iam.get_instance_profile(InstanceProfileName=name)) == (
        "NoSuchEntity", f"Instance Profile {name} cannot be found.", 404)
    assert error_of(lambda: iam.delete_instance_profile(InstanceProfileName=name)) == (
        "NoSuchEntity", f"Instance Profile {name} cannot be found.", 404)


def test_missing_role_and_profile(iam, name):
    iam.create_instance_profile(InstanceProfileName=name)
    assert error_of(lambda: iam.add_role_to_instance_profile(InstanceProfileName=name, RoleName=name)) == (
        "NoSuchEntity", f"The role with name {name} cannot be found.", 404)
    assert error_of(lambda: iam.add_role_to_instance_profile(InstanceProfileName=name + "x", RoleName=name)) == (
        "NoSuchEntity", f"Instance Profile {name}x cannot be found.", 404)
    assert error_of(lambda: iam.list_instance_profiles_for_role(RoleName=name)) == (
        "NoSuchEntity", f"The role with name {name} cannot be found.", 404)


def test_instance_profile_tags(iam, name):
    iam.create_instance_profile(InstanceProfileName=name)
    assert iam.list_instance_profile_tags(InstanceProfileName=name)["Tags"] == []
    iam.tag_instance_profile(InstanceProfileName=name, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    iam.tag_instance_profile(InstanceProfileName=name, Tags=[{"Key": "A", "Value": "3"}])
    page = iam.list_instance_profile_tags(InstanceProfileName=name, MaxItems=1)
    assert page["Tags"] == [{"Key": "A", "Value": "3"}] and page["IsTruncated"] is True
    rest = iam.list_instance_profile_tags(InstanceProfileName=name, Marker=page["Marker"])
    assert rest["Tags"] == [{"Key": "b", "Value": "2"}] and rest["IsTruncated"] is False
    iam.untag_instance_profile(InstanceProfileName=name, TagKeys=["a"])
    assert iam.list_instance_profile_tags(InstanceProfileName=name)["Tags"] == [{"Key": "b", "Value": "2"}]
    assert error_of(lambda: iam.tag_instance_profile(
        InstanceProfileName=name, Tags=[{"Key": "k", "Value": "1"}, {"Key": "K", "Value": "2"}]))[0] == "InvalidInput"


def test_instance_profiles_are_authorized_on_their_arn(bulwark, iam, name):
    account = bulwark.account_id
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["iam:GetInstanceProfile", "iam:AddRoleToInstanceProfile"],
                       "Resource": f"arn:aws:iam::{account}:instance-profile/allowed/*"}],
    }))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    user = bulwark.client("iam", key["AccessKeyId"], key["SecretAccessKey"])
    iam.create_instance_profile(InstanceProfileName=name, Path="/allowed/")
    iam.create_instance_profile(InstanceProfileName=name + "d", Path="/denied/")
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST_EC2))
    for _ in range(50):
        try:
            user.get_instance_profile(InstanceProfileName=name)
            break
        except ClientError:
            time.sleep(0.1)
    assert user.get_instance_profile(InstanceProfileName=name)["InstanceProfile"]["Path"] == "/allowed/"
    code, message, status = error_of(lambda: user.get_instance_profile(InstanceProfileName=name + "d"))
    assert (code, status) == ("AccessDenied", 403)
    assert f"iam:GetInstanceProfile on resource: arn:aws:iam::{account}:instance-profile/denied/{name}d" in message
    # Adding a role to a profile passes the role: iam:PassRole is asked on it too.
    code, message, status = error_of(lambda: user.add_role_to_instance_profile(InstanceProfileName=name, RoleName=name))
    assert (code, status) == ("AccessDenied", 403)
    assert f"iam:PassRole on resource: arn:aws:iam::{account}:role/{name}" in message


def test_cli(bulwark, name):
    created = json.loads(bulwark.aws("iam", "create-instance-profile", "--instance-profile-name", name).stdout)
    assert created["InstanceProfile"]["Arn"] == f"arn:aws:iam::{bulwark.account_id}:instance-profile/{name}"
    listed = json.loads(bulwark.aws("iam", "list-instance-profiles").stdout)
    assert name in [p["InstanceProfileName"] for p in listed["InstanceProfiles"]]
    bulwark.aws("iam", "delete-instance-profile", "--instance-profile-name", name)
    result = bulwark.aws("iam", "get-instance-profile", "--instance-profile-name", name, check=False)
    assert result.returncode != 0 and f"Instance Profile {name} cannot be found." in result.stderr
