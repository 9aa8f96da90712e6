"""Issue #8: the entity a request names is resolved exactly, once, before authorization. The findings'
reproductions, with boto3 and the aws CLI: ARN variants no longer pass denies or reach other entities."""

from __future__ import annotations

import hashlib
import json
import time

import pytest
from botocore.exceptions import ClientError

from support.lam import create_function, expect_error, function_arn


def short(unique_name: str, prefix: str) -> str:
    """A name of IAM's and Lambda's alphabets, unique per test (and per parameter)."""
    return prefix + hashlib.sha1(unique_name.encode()).hexdigest()[:16]


def policy(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


@pytest.fixture
def attacker(bulwark, unique_name):
    """A user with an access key and no policy yet: (user name, policy setter, client factory)."""
    iam = bulwark.client("iam")
    user = short(unique_name, "attacker-")
    iam.create_user(UserName=user)
    key = iam.create_access_key(UserName=user)["AccessKey"]

    def grant(document: str) -> None:
        iam.put_user_policy(UserName=user, PolicyName="p", PolicyDocument=document)

    def client(service: str):
        return bulwark.client(service, access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])

    client.key = key
    return user, grant, client


def admin_role(bulwark, name: str) -> str:
    trust = policy({"Effect": "Allow", "Principal": {"AWS": bulwark.account_id}, "Action": "sts:AssumeRole"})
    iam = bulwark.client("iam")
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    iam.attach_role_policy(RoleName=name, PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    return arn


def test_finding1_assume_role_through_a_path_where_no_role_is_is_denied(bulwark, attacker, unique_name):
    user, grant, client = attacker
    admin = short(unique_name, "admin")
    admin_role(bulwark, admin)
    grant(policy({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": f"arn:aws:iam::{bulwark.account_id}:role/dev/*"}))
    sts = client("sts")
    expect_error(
        lambda: sts.assume_role(RoleArn=f"arn:aws:iam::{bulwark.account_id}:role/dev/{admin}", RoleSessionName="attacker"),
        "AccessDenied", 403,
        message=f"User: arn:aws:iam::{bulwark.account_id}:user/{user} is not authorized to perform: sts:AssumeRole "
                f"on resource: arn:aws:iam::{bulwark.account_id}:role/dev/{admin}",
    )


@pytest.mark.parametrize("variant", ["role/{name_upper}", "role/anything/{name}", "partition"])
def test_finding1_a_deny_on_the_role_is_not_passed_by_a_variant(bulwark, attacker, unique_name, variant):
    _, grant, client = attacker
    admin = short(unique_name, "admin")
    real = admin_role(bulwark, admin)
    grant(policy(
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"},
        {"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": real},
    ))
    if variant == "partition":
        arn = real.replace("arn:aws:", "arn:awsx:")
    else:
        arn = f"arn:aws:iam::{bulwark.account_id}:" + variant.format(name=admin, name_upper=admin.upper())
    with pytest.raises(ClientError) as refused:
        client("sts").assume_role(RoleArn=arn, RoleSessionName="attacker")
    assert refused.value.response["Error"]["Code"] in ("AccessDenied", "ValidationError")


def test_finding1_the_trail_names_the_role_assumed(bulwark, attacker, unique_name):
    _, grant, client = attacker
    name = short(unique_name, "deploy")
    arn = bulwark.client("iam").create_role(
        RoleName=name, Path="/ci/",
        AssumeRolePolicyDocument=policy({"Effect": "Allow", "Principal": {"AWS": bulwark.account_id}, "Action": "sts:AssumeRole"}),
    )["Role"]["Arn"]
    grant(policy({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}))
    answer = client("sts").assume_role(RoleArn=arn, RoleSessionName="trail")
    assert answer["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{bulwark.account_id}:assumed-role/{name}/trail"
    events = [e for e in bulwark.trail_events() if e.get("requestID") == answer["ResponseMetadata"]["RequestId"]]
    assert len(events) == 1
    event = events[0]
    assert event["resources"] == [{"ARN": arn, "accountId": bulwark.account_id, "type": "AWS::IAM::Role"}]
    assert event["responseElements"]["assumedRoleUser"] == {
        "assumedRoleId": answer["AssumedRoleUser"]["AssumedRoleId"], "arn": answer["AssumedRoleUser"]["Arn"]}
    assert answer["Credentials"]["SecretAccessKey"] not in json.dumps(event)


@pytest.mark.parametrize("partition", ["awsx", "", "aws-cn"])
def test_finding2_another_partition_reaches_no_function(bulwark, attacker, unique_name, partition):
    _, grant, client = attacker
    lam = bulwark.client("lambda")
    name = short(unique_name, "secret-")
    create_function(lam, bulwark.account_id, name)
    real = function_arn(bulwark.account_id, name)
    grant(policy(
        {"Effect": "Allow", "Action": "lambda:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "lambda:*", "Resource": [real, real + ":*"]},
    ))
    variant = real.replace("arn:aws:", f"arn:{partition}:")
    attacker_lambda = client("lambda")
    for call in (
        lambda: attacker_lambda.get_function(FunctionName=variant),
        lambda: attacker_lambda.update_function_configuration(FunctionName=variant, Description="owned"),
        lambda: attacker_lambda.delete_function(FunctionName=variant),
    ):
        with pytest.raises(ClientError) as refused:
            call()
        assert refused.value.response["Error"]["Code"] in ("ResourceNotFoundException", "ValidationException")
    assert lam.get_function(FunctionName=name)["Configuration"]["Description"] == ""
    expect_error(lambda: attacker_lambda.get_function(FunctionName=name), "AccessDeniedException", 403)


def test_finding3_a_name_in_other_case_is_judged_as_the_stored_role(bulwark, attacker, unique_name):
    user, grant, client = attacker
    admin = short(unique_name, "admin")
    real = admin_role(bulwark, admin)
    grant(policy(
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": "iam:*", "Resource": real},
    ))
    expect_error(
        lambda: client("iam").put_role_policy(
            RoleName=admin.upper(), PolicyName="owned", PolicyDocument=policy({"Effect": "Allow", "Action": "*", "Resource": "*"})),
        "AccessDenied", 403,
        message=f"User: arn:aws:iam::{bulwark.account_id}:user/{user} is not authorized to perform: iam:PutRolePolicy on resource: "
                f"{real} with an explicit deny in an identity-based policy",
    )
    assert bulwark.client("iam").list_role_policies(RoleName=admin)["PolicyNames"] == []


def test_the_last_use_of_a_key_is_recorded(bulwark, attacker):
    user, grant, client = attacker
    grant(policy({"Effect": "Allow", "Action": "lambda:ListFunctions", "Resource": "*"}))
    iam = bulwark.client("iam")
    key_id = client.key["AccessKeyId"]
    assert iam.get_access_key_last_used(AccessKeyId=key_id)["AccessKeyLastUsed"]["ServiceName"] == "N/A"
    client("lambda").list_functions()
    deadline = time.monotonic() + 10
    while True:
        used = iam.get_access_key_last_used(AccessKeyId=key_id)
        if used["AccessKeyLastUsed"]["ServiceName"] != "N/A" or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert used["UserName"] == user
    assert used["AccessKeyLastUsed"]["ServiceName"] == "lambda"
    assert used["AccessKeyLastUsed"]["Region"] == "us-east-1"
    assert "LastUsedDate" in used["AccessKeyLastUsed"]


def test_a_look_alike_name_is_no_iam_name(bulwark, unique_name):
    """IAM's name pattern `[\\w+=,.@-]+` is ASCII: a Kelvin sign is not a K (so no `\u212aate` stands for `kate`)."""
    name = short(unique_name, "kate")
    expect_error(lambda: bulwark.client("iam").create_user(UserName="\u212a" + name[1:]), "ValidationError", 400)


def test_renaming_a_user_named_in_other_case_carries_its_keys(bulwark, unique_name):
    iam = bulwark.client("iam")
    name = short(unique_name, "alice")
    iam.create_user(UserName=name)
    key = iam.create_access_key(UserName=name)["AccessKey"]["AccessKeyId"]
    iam.update_user(UserName=name.upper(), NewUserName=name + "-old")
    assert [k["AccessKeyId"] for k in iam.list_access_keys(UserName=name + "-old")["AccessKeyMetadata"]] == [key]
    expect_error(lambda: iam.delete_user(UserName=name + "-old"), "DeleteConflict", 409)


def test_a_role_does_not_trust_a_namesake_of_the_user_it_named(bulwark, unique_name):
    """IAM binds a trust policy's users to their unique ids when it is saved: a user deleted and created
    again under the same name is not trusted (the attacker's review: anyone allowed iam:CreateUser could
    otherwise become any trusted user that was once deleted)."""
    iam = bulwark.client("iam")
    bob, role = short(unique_name, "bob"), short(unique_name, "vault")
    iam.create_user(UserName=bob)
    bob_arn = f"arn:aws:iam::{bulwark.account_id}:user/{bob}"
    role_arn = iam.create_role(
        RoleName=role, AssumeRolePolicyDocument=policy({"Effect": "Allow", "Principal": {"AWS": bob_arn}, "Action": "sts:AssumeRole"}),
    )["Role"]["Arn"]
    key = iam.create_access_key(UserName=bob)["AccessKey"]
    first = bulwark.client("sts", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])
    assert first.assume_role(RoleArn=role_arn, RoleSessionName="first")["AssumedRoleUser"]["Arn"].endswith(f"/{role}/first")

    iam.delete_access_key(UserName=bob, AccessKeyId=key["AccessKeyId"])
    iam.delete_user(UserName=bob)
    iam.create_user(UserName=bob)
    key = iam.create_access_key(UserName=bob)["AccessKey"]
    namesake = bulwark.client("sts", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])
    expect_error(lambda: namesake.assume_role(RoleArn=role_arn, RoleSessionName="second"), "AccessDenied", 403)


def test_a_trust_policy_naming_nobody_is_refused(bulwark, unique_name):
    nobody = f"arn:aws:iam::{bulwark.account_id}:user/{short(unique_name, 'nobody')}"
    expect_error(
        lambda: bulwark.client("iam").create_role(
            RoleName=short(unique_name, "r"),
            AssumeRolePolicyDocument=policy({"Effect": "Allow", "Principal": {"AWS": nobody}, "Action": "sts:AssumeRole"})),
        "MalformedPolicyDocument", 400, message=f'Invalid principal in policy: "AWS":"{nobody}"',
    )
