"""AWS managed keys (alias/aws/<service>) can be read but not managed by customers (issue #11, decision 0013).

AWS's behaviour (KMS developer guide, "AWS managed keys"): customers can view AWS managed keys and their
policies, but cannot change their key policies, enable or disable them, schedule or cancel their deletion, or
change or delete their aliases; the services that created them manage them. KMS refuses those calls because
the key policy of an AWS managed key allows the account only kms:Describe*, kms:Get*, kms:List* and
kms:RevokeGrant directly (and cryptographic use through the service, kms:ViaService): the refusal is the
authorization's AccessDeniedException (json protocol: 400), naming the key.
"""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from support.functions import create


@pytest.fixture
def managed(bulwark, unique_name):
    """The account's aws/lambda key, created by Lambda on first need."""
    create(bulwark, unique_name, Environment={"Variables": {"MODE": "x"}})
    return bulwark.client("kms").describe_key(KeyId="alias/aws/lambda")["KeyMetadata"]


def refusal(call) -> tuple[str, int, str]:
    with pytest.raises(ClientError) as raised:
        call()
    error = raised.value.response
    return error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"], error["Error"]["Message"]


def caller_arn(bulwark) -> str:
    return bulwark.client("sts").get_caller_identity()["Arn"]


@pytest.mark.parametrize("operation, action, parameters", [
    ("disable_key", "kms:DisableKey", {}),
    ("enable_key", "kms:EnableKey", {}),
    ("schedule_key_deletion", "kms:ScheduleKeyDeletion", {"PendingWindowInDays": 7}),
    ("cancel_key_deletion", "kms:CancelKeyDeletion", {}),
    ("put_key_policy", "kms:PutKeyPolicy", {"PolicyName": "default", "Policy": json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*", "Resource": "*"}]})}),
])
def test_customers_cannot_manage_an_aws_managed_key(bulwark, managed, operation, action, parameters):
    kms = bulwark.client("kms")
    code, status, message = refusal(lambda: getattr(kms, operation)(KeyId=managed["KeyId"], **parameters))
    assert (code, status, message) == (
        "AccessDeniedException", 400,
        f"User: {caller_arn(bulwark)} is not authorized to perform: {action} on resource: {managed['Arn']} "
        f"because no resource-based policy allows the {action} action")
    after = kms.describe_key(KeyId=managed["KeyId"])["KeyMetadata"]
    assert (after["KeyState"], after["Enabled"], after["KeyManager"]) == ("Enabled", True, "AWS")
    assert "kms:ViaService" in kms.get_key_policy(KeyId=managed["KeyId"], PolicyName="default")["Policy"]


def test_customers_can_read_an_aws_managed_key(bulwark, managed):
    kms = bulwark.client("kms")
    assert managed["KeyManager"] == "AWS"
    assert json.loads(kms.get_key_policy(KeyId=managed["KeyId"], PolicyName="default")["Policy"])["Id"] == "auto-lambda-2"
    assert [a["TargetKeyId"] for a in kms.list_aliases(KeyId=managed["KeyId"])["Aliases"]] == [managed["KeyId"]]


def test_customers_cannot_change_or_delete_an_aws_managed_alias(bulwark, managed):
    kms = bulwark.client("kms")
    own = kms.create_key()["KeyMetadata"]["KeyId"]
    # Both act on the key the alias names too, which its policy does not allow.
    for action, call in (("kms:UpdateAlias", lambda: kms.update_alias(AliasName="alias/aws/lambda", TargetKeyId=own)),
                         ("kms:DeleteAlias", lambda: kms.delete_alias(AliasName="alias/aws/lambda"))):
        assert refusal(call) == (
            "AccessDeniedException", 400,
            f"User: {caller_arn(bulwark)} is not authorized to perform: {action} on resource: {managed['Arn']} "
            f"because no resource-based policy allows the {action} action")
    assert kms.describe_key(KeyId="alias/aws/lambda")["KeyMetadata"]["KeyId"] == managed["KeyId"]

