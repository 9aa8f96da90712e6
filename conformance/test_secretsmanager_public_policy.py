"""Secrets Manager's BlockPublicPolicy (issue #11, decision 0017): PutResourcePolicy with BlockPublicPolicy true refuses
a resource policy that allows broad access to the secret — a statement allowing everyone (`"*"`, `{"AWS": "*"}`,
or NotPrincipal) without a condition that pins callers to fixed accounts, organizations or principals — with
PublicPolicyException, and stores nothing; without it (the default) such a policy is stored as given.

AWS's behaviour (Secrets Manager API reference, PutResourcePolicy): "BlockPublicPolicy: Specifies whether to block
resource-based policies that allow broad access to the secret, for example those that use a wildcard for the
principal. By default, public policies aren't blocked." PublicPolicyException (botocore's secretsmanager model):
"The BlockPublicPolicy parameter is set to true, and the resource policy did not prevent broad access to the
secret." — Bulwark answers that text as the message (AWS's own wording could not be confirmed).
"""

from __future__ import annotations

import json
import uuid

import pytest
from botocore.exceptions import ClientError

PUBLIC = (
    "PublicPolicyException",
    "The BlockPublicPolicy parameter is set to true, and the resource policy did not prevent broad access to the secret.",
    400,
)


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
    return {key: value for key, value in answer.items() if key != "ResponseMetadata"}


def policy(principal, condition: dict | None = None, effect: str = "Allow", principal_member: str = "Principal") -> str:
    statement = {"Effect": effect, principal_member: principal, "Action": "secretsmanager:GetSecretValue", "Resource": "*"}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def public_policies(account: str) -> list[str]:
    return [
        policy("*"),
        policy({"AWS": "*"}),
        policy({"AWS": ["*", f"arn:aws:iam::{account}:root"]}),
        policy({"AWS": f"arn:aws:iam::{account}:root"}, principal_member="NotPrincipal"),
        # Conditions that do not pin the caller: another key, a negated operator, IfExists, a wildcard account.
        policy("*", {"StringEquals": {"aws:RequestedRegion": "us-east-1"}}),
        policy("*", {"StringNotEquals": {"aws:PrincipalAccount": "111122223333"}}),
        policy("*", {"StringEqualsIfExists": {"aws:PrincipalAccount": account}}),
        policy("*", {"StringLike": {"aws:PrincipalAccount": "*"}}),
        policy("*", {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/app"}}),
        policy("*", {"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-abcdefghij"}}),
    ]


def test_block_public_policy_refuses_broad_access_and_stores_nothing(bulwark, sm, name):
    arn = sm.create_secret(Name=name, SecretString="v")["ARN"]
    kept = policy({"AWS": f"arn:aws:iam::{bulwark.account_id}:root"})
    sm.put_resource_policy(SecretId=name, ResourcePolicy=kept)
    for document in public_policies(bulwark.account_id):
        assert error_of(lambda: sm.put_resource_policy(SecretId=name, ResourcePolicy=document, BlockPublicPolicy=True)) == PUBLIC, document
        assert without_metadata(sm.get_resource_policy(SecretId=name)) == {"ARN": arn, "Name": name, "ResourcePolicy": kept}


def test_policies_that_pin_the_callers_are_accepted_with_block_public_policy(bulwark, sm, name):
    arn = sm.create_secret(Name=name, SecretString="v")["ARN"]
    account = bulwark.account_id
    accepted = [
        policy({"AWS": f"arn:aws:iam::{account}:root"}),
        policy({"AWS": account}),
        policy("*", {"StringEquals": {"aws:PrincipalAccount": account}}),
        policy({"AWS": "*"}, {"StringEquals": {"aws:SourceAccount": account}}),
        policy("*", {"StringEquals": {"aws:PrincipalOrgID": "o-abcdefghij"}}),
        policy("*", {"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{account}:role/app-*"}}),
        policy("*", {"StringEquals": {"aws:PrincipalAccount": "111122223333"}}),
        # A Deny for everyone grants nothing.
        policy("*", effect="Deny"),
    ]
    for document in accepted:
        answer = sm.put_resource_policy(SecretId=name, ResourcePolicy=document, BlockPublicPolicy=True)
        assert without_metadata(answer) == {"ARN": arn, "Name": name}
        assert without_metadata(sm.get_resource_policy(SecretId=name)) == {"ARN": arn, "Name": name, "ResourcePolicy": document}


def test_without_block_public_policy_a_public_policy_is_stored(bulwark, sm, name):
    arn = sm.create_secret(Name=name, SecretString="v")["ARN"]
    for document in public_policies(bulwark.account_id)[:2]:
        assert without_metadata(sm.put_resource_policy(SecretId=name, ResourcePolicy=document)) == {"ARN": arn, "Name": name}
        assert json.loads(sm.get_resource_policy(SecretId=name)["ResourcePolicy"]) == json.loads(document)
        assert without_metadata(
            sm.put_resource_policy(SecretId=name, ResourcePolicy=document, BlockPublicPolicy=False)) == {"ARN": arn, "Name": name}


def test_bad_inputs_with_block_public_policy(bulwark, sm, name):
    sm.create_secret(Name=name, SecretString="v")
    # A malformed policy is refused as such, before its exposure is judged.
    assert error_of(lambda: sm.put_resource_policy(SecretId=name, ResourcePolicy="{not json", BlockPublicPolicy=True))[0] == (
        "MalformedPolicyDocumentException")
    missing = f"{name}-missing"
    assert error_of(lambda: sm.put_resource_policy(SecretId=missing, ResourcePolicy=policy("*"), BlockPublicPolicy=True)) == (
        "ResourceNotFoundException", "Secrets Manager can't find the specified secret.", 400)
    # A BlockPublicPolicy that is not a boolean is refused by the json protocol's decoding.
    raw = bulwark.client("secretsmanager", validate=False)
    code, _, status = error_of(lambda: raw.put_resource_policy(SecretId=name, ResourcePolicy=policy("*"), BlockPublicPolicy="yes"))
    assert (code, status) == ("SerializationException", 400)
    assert "ResourcePolicy" not in sm.get_resource_policy(SecretId=name)
