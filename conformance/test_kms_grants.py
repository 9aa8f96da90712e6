"""KMS grants and tags (issue #11): CreateGrant, ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant, grant
tokens, and TagResource / UntagResource / ListResourceTags with the aws:ResourceTag, aws:RequestTag and aws:TagKeys
condition keys. Whole responses are compared with botocore's kms model and the KMS API reference, minus volatile
members (grant ids, tokens, dates). Grants take part in authorization: a user without any IAM permission uses a key
through its grant, and no longer once the grant is retired or revoked (decision 0015)."""

from __future__ import annotations

import datetime
import json
import uuid

import pytest
from botocore.exceptions import ClientError

REGION = "us-east-1"


@pytest.fixture
def kms(bulwark):
    return bulwark.client("kms")


def key_arn(account: str, key_id: str) -> str:
    return f"arn:aws:kms:{REGION}:{account}:key/{key_id}"


def error_of(call) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as raised:
        call()
    error = raised.value.response
    return error["Error"]["Code"], error["Error"].get("Message", ""), error["ResponseMetadata"]["HTTPStatusCode"]


def new_key(kms, **parameters) -> str:
    return kms.create_key(**parameters)["KeyMetadata"]["KeyId"]


def user(bulwark, name: str, statements: list[dict] | None = None):
    """An IAM user with an access key, and IAM policies only when `statements` are given; its kms client."""
    iam = bulwark.client("iam")
    arn = iam.create_user(UserName=name)["User"]["Arn"]
    if statements:
        iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return arn, bulwark.client("kms", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])


def suffix() -> str:
    return uuid.uuid4().hex[:8]


def entry_without_volatile(entry: dict) -> dict:
    stripped = dict(entry)
    assert isinstance(stripped.pop("CreationDate"), datetime.datetime)
    assert len(stripped.pop("GrantId")) == 64
    return stripped


def test_create_and_list_grants(bulwark, kms):
    key_id = new_key(kms)
    account = bulwark.account_id
    grantee, _ = user(bulwark, f"grantee-{suffix()}")
    retiring, _ = user(bulwark, f"retiring-{suffix()}")
    created = kms.create_grant(
        KeyId=key_id, GranteePrincipal=grantee, RetiringPrincipal=retiring, Operations=["Encrypt", "Decrypt"],
        Constraints={"EncryptionContextSubset": {"app": "billing"}}, Name="billing-grant")
    created.pop("ResponseMetadata")
    assert set(created) == {"GrantToken", "GrantId"}
    assert len(created["GrantId"]) == 64
    listed = kms.list_grants(KeyId=key_id)
    listed.pop("ResponseMetadata")
    assert listed["Truncated"] is False and "NextMarker" not in listed
    assert listed["Grants"][0]["GrantId"] == created["GrantId"]
    assert [entry_without_volatile(e) for e in listed["Grants"]] == [{
        "KeyId": key_arn(account, key_id),
        "Name": "billing-grant",
        "GranteePrincipal": grantee,
        "RetiringPrincipal": retiring,
        "IssuingAccount": f"arn:aws:iam::{account}:root",
        "Operations": ["Decrypt", "Encrypt"],
        "Constraints": {"EncryptionContextSubset": {"app": "billing"}},
    }]
    # Filters.
    assert kms.list_grants(KeyId=key_id, GrantId=created["GrantId"])["Grants"][0]["GrantId"] == created["GrantId"]
    assert kms.list_grants(KeyId=key_id, GranteePrincipal=retiring)["Grants"] == []
    assert kms.list_grants(KeyId=key_id, GrantId="0" * 64)["Grants"] == []
    retirable = kms.list_retirable_grants(RetiringPrincipal=retiring)
    assert [g["GrantId"] for g in retirable["Grants"]] == [created["GrantId"]] and retirable["Truncated"] is False


def test_a_name_makes_a_retried_creation_idempotent(bulwark, kms):
    key_id = new_key(kms)
    grantee, _ = user(bulwark, f"idem-{suffix()}")
    first = kms.create_grant(KeyId=key_id, GranteePrincipal=grantee, Operations=["Encrypt"], Name="once")
    again = kms.create_grant(KeyId=key_id, GranteePrincipal=grantee, Operations=["Encrypt"], Name="once")
    assert again["GrantId"] == first["GrantId"] and again["GrantToken"] != first["GrantToken"]
    other = kms.create_grant(KeyId=key_id, GranteePrincipal=grantee, Operations=["Decrypt"], Name="once")
    unnamed = kms.create_grant(KeyId=key_id, GranteePrincipal=grantee, Operations=["Encrypt"])
    unnamed_again = kms.create_grant(KeyId=key_id, GranteePrincipal=grantee, Operations=["Encrypt"])
    assert len({first["GrantId"], other["GrantId"], unnamed["GrantId"], unnamed_again["GrantId"]}) == 4
    assert len(kms.list_grants(KeyId=key_id)["Grants"]) == 4


def test_list_grants_pages(bulwark, kms):
    key_id = new_key(kms)
    grantee, _ = user(bulwark, f"pages-{suffix()}")
    ids = [kms.create_grant(KeyId=key_id, GranteePrincipal=grantee, Operations=["DescribeKey"])["GrantId"] for _ in range(5)]
    first = kms.list_grants(KeyId=key_id, Limit=2)
    assert [g["GrantId"] for g in first["Grants"]] == ids[:2] and first["Truncated"] is True
    second = kms.list_grants(KeyId=key_id, Limit=2, Marker=first["NextMarker"])
    third = kms.list_grants(KeyId=key_id, Limit=2, Marker=second["NextMarker"])
    assert [g["GrantId"] for g in second["Grants"] + third["Grants"]] == ids[2:]
    assert third["Truncated"] is False and "NextMarker" not in third
    assert error_of(lambda: kms.list_grants(KeyId=key_id, Marker="nonsense"))[0] == "InvalidMarkerException"


def test_a_user_without_iam_permission_uses_the_key_through_a_grant_until_it_is_retired(bulwark, kms):
    key_id = new_key(kms)
    grantee, as_grantee = user(bulwark, f"nobody-{suffix()}")
    # No IAM policy at all: the default key policy lets IAM decide, and IAM allows nothing.
    assert error_of(lambda: as_grantee.encrypt(KeyId=key_id, Plaintext=b"x"))[0] == "AccessDeniedException"
    grant = kms.create_grant(KeyId=key_id, GranteePrincipal=grantee, Operations=["Encrypt", "Decrypt", "RetireGrant"],
                             Constraints={"EncryptionContextEquals": {"app": "billing"}})
    blob = as_grantee.encrypt(KeyId=key_id, Plaintext=b"secret", EncryptionContext={"app": "billing"},
                              GrantTokens=[grant["GrantToken"]])["CiphertextBlob"]
    assert as_grantee.decrypt(CiphertextBlob=blob, EncryptionContext={"app": "billing"})["Plaintext"] == b"secret"
    # The constraint is checked against the request's encryption context.
    assert error_of(lambda: as_grantee.encrypt(KeyId=key_id, Plaintext=b"x", EncryptionContext={"app": "other"}))[0] == "AccessDeniedException"
    assert error_of(lambda: as_grantee.encrypt(KeyId=key_id, Plaintext=b"x"))[0] == "AccessDeniedException"
    assert error_of(lambda: as_grantee.encrypt(
        KeyId=key_id, Plaintext=b"x", EncryptionContext={"app": "billing", "more": "1"}))[0] == "AccessDeniedException"
    # Operations the grant does not list stay refused.
    assert error_of(lambda: as_grantee.describe_key(KeyId=key_id))[0] == "AccessDeniedException"
    assert error_of(lambda: as_grantee.generate_data_key(KeyId=key_id, KeySpec="AES_256",
                                                        EncryptionContext={"app": "billing"}))[0] == "AccessDeniedException"
    # The grantee may retire it (RetireGrant is among its operations); from then on it allows nothing.
    as_grantee.retire_grant(GrantToken=grant["GrantToken"])
    assert error_of(lambda: as_grantee.decrypt(CiphertextBlob=blob, EncryptionContext={"app": "billing"}))[0] == "AccessDeniedException"
    assert kms.list_grants(KeyId=key_id)["Grants"] == []


def test_a_revoked_grant_stops_allowing_at_once(bulwark, kms):
    key_id = new_key(kms)
    grantee, as_grantee = user(bulwark, f"revoked-{suffix()}")
    grant = kms.create_grant(KeyId=key_id, GranteePrincipal=grantee, Operations=["Encrypt", "DescribeKey"],
                             Constraints={"EncryptionContextSubset": {"tenant": "a"}})
    as_grantee.encrypt(KeyId=key_id, Plaintext=b"x", EncryptionContext={"tenant": "a", "extra": "fine"})
    assert as_grantee.describe_key(KeyId=key_id)["KeyMetadata"]["KeyId"] == key_id  # constraints do not apply to DescribeKey
    # The grantee may not revoke (kms:RevokeGrant comes from policies), nor retire (not its operation).
    assert error_of(lambda: as_grantee.revoke_grant(KeyId=key_id, GrantId=grant["GrantId"]))[0] == "AccessDeniedException"
    assert error_of(lambda: as_grantee.retire_grant(KeyId=key_id, GrantId=grant["GrantId"]))[0] == "AccessDeniedException"
    assert kms.revoke_grant(KeyId=key_id, GrantId=grant["GrantId"])["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert error_of(lambda: as_grantee.encrypt(KeyId=key_id, Plaintext=b"x", EncryptionContext={"tenant": "a"}))[0] == "AccessDeniedException"
    assert error_of(lambda: kms.revoke_grant(KeyId=key_id, GrantId=grant["GrantId"]))[0] == "NotFoundException"


def test_an_explicit_deny_wins_over_a_grant(bulwark, kms):
    key_id = new_key(kms)
    grantee, as_grantee = user(bulwark, f"denied-{suffix()}", [{"Effect": "Deny", "Action": "kms:Encrypt", "Resource": "*"}])
    kms.create_grant(KeyId=key_id, GranteePrincipal=grantee, Operations=["Encrypt"])
    assert error_of(lambda: as_grantee.encrypt(KeyId=key_id, Plaintext=b"x"))[0] == "AccessDeniedException"


def test_who_may_retire_a_grant(bulwark, kms):
    key_id = new_key(kms)
    grantee, as_grantee = user(bulwark, f"g-{suffix()}")
    retiring, as_retiring = user(bulwark, f"r-{suffix()}")
    _, as_stranger = user(bulwark, f"s-{suffix()}")
    grant = kms.create_grant(KeyId=key_id, GranteePrincipal=grantee, RetiringPrincipal=retiring, Operations=["Encrypt"])
    assert error_of(lambda: as_stranger.retire_grant(GrantToken=grant["GrantToken"]))[0] == "AccessDeniedException"
    assert error_of(lambda: as_grantee.retire_grant(GrantToken=grant["GrantToken"]))[0] == "AccessDeniedException"
    # DryRun: allowed, nothing done.
    assert error_of(lambda: as_retiring.retire_grant(KeyId=key_id, GrantId=grant["GrantId"], DryRun=True)) == (
        "DryRunOperationException", "The request would have succeeded, but the DryRun option is set.", 412)
    as_retiring.retire_grant(KeyId=key_id, GrantId=grant["GrantId"])
    assert kms.list_grants(KeyId=key_id)["Grants"] == []
    # The account (its root) may retire any grant created in it.
    other = kms.create_grant(KeyId=key_id, GranteePrincipal=grantee, Operations=["Encrypt"])
    kms.retire_grant(GrantToken=other["GrantToken"])
    assert error_of(lambda: kms.retire_grant(GrantToken=other["GrantToken"]))[0] == "NotFoundException"


def test_create_grant_through_a_grant_is_no_wider(bulwark, kms):
    key_id = new_key(kms)
    grantee, as_grantee = user(bulwark, f"delegate-{suffix()}")
    other, _ = user(bulwark, f"delegated-{suffix()}")
    kms.create_grant(KeyId=key_id, GranteePrincipal=grantee, Operations=["Encrypt", "CreateGrant"],
                     Constraints={"EncryptionContextSubset": {"app": "x"}})
    as_grantee.create_grant(KeyId=key_id, GranteePrincipal=other, Operations=["Encrypt"],
                            Constraints={"EncryptionContextSubset": {"app": "x", "b": "1"}})
    assert error_of(lambda: as_grantee.create_grant(KeyId=key_id, GranteePrincipal=other, Operations=["Decrypt"],
                                                    Constraints={"EncryptionContextSubset": {"app": "x"}}))[0] == "AccessDeniedException"
    assert error_of(lambda: as_grantee.create_grant(KeyId=key_id, GranteePrincipal=other, Operations=["Encrypt"]))[0] == "AccessDeniedException"


def test_bad_grant_inputs(bulwark, kms):
    key_id = new_key(kms)
    account = bulwark.account_id
    grantee, _ = user(bulwark, f"bad-{suffix()}")
    assert error_of(lambda: kms.create_grant(KeyId=key_id, GranteePrincipal=f"arn:aws:iam::{account}:user/nobody-{suffix()}",
                                             Operations=["Encrypt"]))[:1] == ("InvalidArnException",)
    assert error_of(lambda: kms.create_grant(KeyId=key_id, GranteePrincipal="not-a-principal", Operations=["Encrypt"]))[0] == "InvalidArnException"
    assert error_of(lambda: kms.create_grant(KeyId=key_id, GranteePrincipal=grantee, Operations=["Sign"]))[0] == "ValidationException"
    assert error_of(lambda: kms.create_grant(KeyId=key_id, GranteePrincipal=grantee, Operations=["Fly"]))[0] == "ValidationException"
    assert error_of(lambda: kms.create_grant(KeyId=key_id, GranteePrincipal=grantee, Operations=[]))[0] == "ValidationException"
    assert error_of(lambda: kms.create_grant(KeyId=key_id, GranteePrincipal=grantee, Operations=["Encrypt"],
                                             GrantTokens=["not a token"]))[0] == "InvalidGrantTokenException"
    assert error_of(lambda: kms.encrypt(KeyId=key_id, Plaintext=b"x", GrantTokens=["bogus"]))[0] == "InvalidGrantTokenException"
    assert error_of(lambda: kms.retire_grant(GrantToken="bogus"))[0] == "InvalidGrantTokenException"
    assert error_of(lambda: kms.revoke_grant(KeyId=key_id, GrantId="short"))[0] == "InvalidGrantIdException"
    assert error_of(lambda: kms.revoke_grant(KeyId=key_id, GrantId="a" * 64))[0] == "NotFoundException"
    assert error_of(lambda: kms.retire_grant(KeyId=key_id))[0] == "ValidationException"
    missing = str(uuid.uuid4())
    assert error_of(lambda: kms.create_grant(KeyId=missing, GranteePrincipal=grantee, Operations=["Encrypt"])) == (
        "NotFoundException", f"Key '{key_arn(account, missing)}' does not exist", 400)
    assert error_of(lambda: kms.list_grants(KeyId=missing))[0] == "NotFoundException"
    assert error_of(lambda: kms.create_grant(KeyId=key_id, GranteePrincipal=grantee, Operations=["Encrypt"], DryRun=True))[0] == \
        "DryRunOperationException"
    assert kms.list_grants(KeyId=key_id)["Grants"] == []
    kms.disable_key(KeyId=key_id)
    assert error_of(lambda: kms.create_grant(KeyId=key_id, GranteePrincipal=grantee, Operations=["Encrypt"]))[0] == "DisabledException"


def test_grants_per_grantee_are_limited_as_on_aws(bulwark, kms):
    key_id = new_key(kms)
    grantee, _ = user(bulwark, f"many-{suffix()}")
    for _ in range(500):
        kms.create_grant(KeyId=key_id, GranteePrincipal=grantee, Operations=["DescribeKey"])
    assert error_of(lambda: kms.create_grant(KeyId=key_id, GranteePrincipal=grantee, Operations=["DescribeKey"]))[0] == \
        "LimitExceededException"


def test_tags(bulwark, kms):
    key_id = kms.create_key(Tags=[{"TagKey": "team", "TagValue": "a"}])["KeyMetadata"]["KeyId"]
    listed = kms.list_resource_tags(KeyId=key_id)
    listed.pop("ResponseMetadata")
    assert listed == {"Tags": [{"TagKey": "team", "TagValue": "a"}], "Truncated": False}
    kms.tag_resource(KeyId=key_id, Tags=[{"TagKey": "env", "TagValue": "prod"}, {"TagKey": "team", "TagValue": "b"}])
    assert kms.list_resource_tags(KeyId=key_id)["Tags"] == [{"TagKey": "env", "TagValue": "prod"}, {"TagKey": "team", "TagValue": "b"}]
    kms.untag_resource(KeyId=key_id, TagKeys=["env", "absent"])
    assert kms.list_resource_tags(KeyId=key_id)["Tags"] == [{"TagKey": "team", "TagValue": "b"}]
    # Pages.
    kms.tag_resource(KeyId=key_id, Tags=[{"TagKey": f"k{i:02}", "TagValue": str(i)} for i in range(10)])
    first = kms.list_resource_tags(KeyId=key_id, Limit=4)
    assert first["Truncated"] is True and len(first["Tags"]) == 4
    rest = kms.list_resource_tags(KeyId=key_id, Marker=first["NextMarker"])
    assert [t["TagKey"] for t in first["Tags"] + rest["Tags"]] == [f"k{i:02}" for i in range(10)] + ["team"]
    assert rest["Truncated"] is False


def test_bad_tags(bulwark, kms):
    key_id = new_key(kms)
    assert error_of(lambda: kms.tag_resource(KeyId=key_id, Tags=[{"TagKey": "aws:x", "TagValue": "1"}])) == (
        "TagException", "Tags beginning with aws: are reserved", 400)
    assert error_of(lambda: kms.create_key(Tags=[{"TagKey": "AWS:x", "TagValue": "1"}]))[0] == "TagException"
    assert error_of(lambda: kms.tag_resource(KeyId=key_id, Tags=[{"TagKey": "k" * 129, "TagValue": "1"}]))[0] == "ValidationException"
    assert error_of(lambda: kms.tag_resource(KeyId=key_id, Tags=[{"TagKey": f"t{i}", "TagValue": "1"} for i in range(51)]))[0] == "TagException"
    kms.tag_resource(KeyId=key_id, Tags=[{"TagKey": f"t{i}", "TagValue": "1"} for i in range(50)])
    assert error_of(lambda: kms.tag_resource(KeyId=key_id, Tags=[{"TagKey": "one-more", "TagValue": "1"}]))[0] == "TagException"
    assert error_of(lambda: kms.tag_resource(KeyId=str(uuid.uuid4()), Tags=[{"TagKey": "a", "TagValue": "1"}]))[0] == "NotFoundException"
    assert error_of(lambda: kms.list_resource_tags(KeyId=key_id, Marker="nonsense"))[0] == "InvalidMarkerException"


def test_tag_condition_keys(bulwark, kms):
    tagged = kms.create_key(Tags=[{"TagKey": "team", "TagValue": "a"}])["KeyMetadata"]["KeyId"]
    other = kms.create_key(Tags=[{"TagKey": "team", "TagValue": "b"}])["KeyMetadata"]["KeyId"]
    _, as_user = user(bulwark, f"tags-{suffix()}", [
        {"Effect": "Allow", "Action": "kms:Encrypt", "Resource": "*", "Condition": {"StringEquals": {"aws:ResourceTag/team": "a"}}},
        {"Effect": "Allow", "Action": "kms:TagResource", "Resource": "*",
         "Condition": {"StringEquals": {"aws:RequestTag/env": "dev"}, "ForAllValues:StringEquals": {"aws:TagKeys": ["env"]}}},
    ])
    as_user.encrypt(KeyId=tagged, Plaintext=b"x")
    assert error_of(lambda: as_user.encrypt(KeyId=other, Plaintext=b"x"))[0] == "AccessDeniedException"
    as_user.tag_resource(KeyId=tagged, Tags=[{"TagKey": "env", "TagValue": "dev"}])
    assert error_of(lambda: as_user.tag_resource(KeyId=tagged, Tags=[{"TagKey": "env", "TagValue": "prod"}]))[0] == "AccessDeniedException"
    assert error_of(lambda: as_user.tag_resource(KeyId=tagged, Tags=[{"TagKey": "owner", "TagValue": "dev"}]))[0] == "AccessDeniedException"
    # A tag removed stops matching at once.
    kms.untag_resource(KeyId=tagged, TagKeys=["team"])
    assert error_of(lambda: as_user.encrypt(KeyId=tagged, Plaintext=b"x"))[0] == "AccessDeniedException"


def test_a_grant_to_a_role_applies_to_its_sessions(bulwark, kms):
    key_id = new_key(kms)
    iam = bulwark.client("iam")
    name = f"grant-role-{suffix()}"
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{bulwark.account_id}:root"}, "Action": "sts:AssumeRole"}]}
    role_arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    # The root may not assume roles: a user allowed sts:AssumeRole does.
    caller = f"assumer-{suffix()}"
    iam.create_user(UserName=caller)
    iam.put_user_policy(UserName=caller, PolicyName="assume", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role_arn}]}))
    access = iam.create_access_key(UserName=caller)["AccessKey"]
    sts = bulwark.client("sts", access_key=access["AccessKeyId"], secret_key=access["SecretAccessKey"])
    credentials = sts.assume_role(RoleArn=role_arn, RoleSessionName="grantee")["Credentials"]
    as_session = bulwark.client("kms", access_key=credentials["AccessKeyId"], secret_key=credentials["SecretAccessKey"],
                                session_token=credentials["SessionToken"])
    assert error_of(lambda: as_session.encrypt(KeyId=key_id, Plaintext=b"x"))[0] == "AccessDeniedException"
    grant = kms.create_grant(KeyId=key_id, GranteePrincipal=role_arn, Operations=["Encrypt"])
    assert as_session.encrypt(KeyId=key_id, Plaintext=b"x")["KeyId"] == key_arn(bulwark.account_id, key_id)
    kms.revoke_grant(KeyId=key_id, GrantId=grant["GrantId"])
    assert error_of(lambda: as_session.encrypt(KeyId=key_id, Plaintext=b"x"))[0] == "AccessDeniedException"
