"""KMS's key policy lockout safety check (issue #11, decision 0017): CreateKey with a Policy and PutKeyPolicy refuse
a key policy that would not allow the calling principal to call kms:PutKeyPolicy on the key afterwards, unless
BypassPolicyLockoutSafetyCheck is true. The new policy is judged by the IAM evaluator as the key's resource policy,
with the caller's own identity policies — what the caller could do, not what the text looks like.

AWS's behaviour (KMS API reference, CreateKey and PutKeyPolicy, `Policy` and `BypassPolicyLockoutSafetyCheck`):
"If you don't set BypassPolicyLockoutSafetyCheck to true, the key policy must allow the calling principal to make a
subsequent PutKeyPolicy request on the KMS key"; the default of BypassPolicyLockoutSafetyCheck is false. The refusal
is MalformedPolicyDocumentException "The new key policy will not allow you to update the key policy in the future."
(as reported by AWS users from the console and the CLI).
"""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

LOCKOUT = ("MalformedPolicyDocumentException", "The new key policy will not allow you to update the key policy in the future.", 400)


def error_of(call) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as raised:
        call()
    error = raised.value.response
    return error["Error"]["Code"], error["Error"].get("Message", ""), error["ResponseMetadata"]["HTTPStatusCode"]


def document(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(principal: str, action="kms:*") -> dict:
    return {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": action, "Resource": "*"}


def new_user(bulwark, name: str, statements: list[dict] | None = None):
    """An IAM user (with the identity policy `statements`, when given) and a KMS client signed as it."""
    iam = bulwark.client("iam")
    iam.create_user(UserName=name)
    arn = iam.get_user(UserName=name)["User"]["Arn"]
    if statements is None:
        return arn, None
    iam.put_user_policy(UserName=name, PolicyName="kms", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return arn, bulwark.client("kms", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])


def key_ids(kms) -> set[str]:
    ids, marker = set(), None
    while True:
        page = kms.list_keys(**({"Marker": marker} if marker else {}))
        ids |= {key["KeyId"] for key in page["Keys"]}
        if not page.get("Truncated"):
            return ids
        marker = page["NextMarker"]


def test_create_key_refuses_a_policy_that_locks_the_caller_out_unless_bypassed(bulwark, unique_name):
    kms = bulwark.client("kms")
    other, _ = new_user(bulwark, f"{unique_name}-other")
    locking = document(allow(other))
    before = key_ids(kms)
    assert error_of(lambda: kms.create_key(Policy=locking)) == LOCKOUT
    assert error_of(lambda: kms.create_key(Policy=locking, BypassPolicyLockoutSafetyCheck=False)) == LOCKOUT
    assert key_ids(kms) == before

    created = kms.create_key(Policy=locking, BypassPolicyLockoutSafetyCheck=True)["KeyMetadata"]
    assert key_ids(kms) == before | {created["KeyId"]}
    # The caller is locked out indeed: it cannot even read the policy it set.
    assert error_of(lambda: kms.get_key_policy(KeyId=created["KeyId"]))[0] == "AccessDeniedException"


def test_create_key_accepts_a_policy_that_keeps_the_caller_in(bulwark, unique_name):
    kms = bulwark.client("kms")
    account = bulwark.account_id
    normal = document(allow(f"arn:aws:iam::{account}:root"))
    key_id = kms.create_key(Policy=normal)["KeyMetadata"]["KeyId"]
    assert json.loads(kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"]) == json.loads(normal)
    # The account by its id is the same principal.
    assert kms.create_key(Policy=document(allow(account, ["kms:PutKeyPolicy", "kms:GetKeyPolicy"])))["KeyMetadata"]["Enabled"]


def test_put_key_policy_refuses_a_policy_that_locks_the_caller_out_unless_bypassed(bulwark, unique_name):
    kms = bulwark.client("kms")
    account = bulwark.account_id
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    default = kms.get_key_policy(KeyId=key_id)["Policy"]
    other, _ = new_user(bulwark, f"{unique_name}-other")
    cases = [
        document(allow(other)),
        # The account is allowed everything but this very action.
        document(allow(f"arn:aws:iam::{account}:root", ["kms:Encrypt", "kms:Decrypt", "kms:GetKeyPolicy"])),
        # An explicit deny of the action wins over the account's allow.
        document(allow(f"arn:aws:iam::{account}:root"),
                 {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "kms:PutKeyPolicy", "Resource": "*"}),
    ]
    for policy in cases:
        assert error_of(lambda: kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy=policy)) == LOCKOUT
        assert kms.get_key_policy(KeyId=key_id)["Policy"] == default

    kept = document(allow(f"arn:aws:iam::{account}:root"),
                    {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "kms:ScheduleKeyDeletion", "Resource": "*"})
    assert kms.put_key_policy(KeyId=key_id, Policy=kept)["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert kms.get_key_policy(KeyId=key_id)["Policy"] == kept

    kms.put_key_policy(KeyId=key_id, Policy=cases[0], BypassPolicyLockoutSafetyCheck=True)
    assert error_of(lambda: kms.get_key_policy(KeyId=key_id))[0] == "AccessDeniedException"


def test_the_check_evaluates_the_callers_own_identity_policies(bulwark, unique_name):
    account = bulwark.account_id
    root = f"arn:aws:iam::{account}:root"
    # Allowed to create keys but not to change key policies: a policy that delegates to IAM locks it out.
    _, creator = new_user(bulwark, f"{unique_name}-c", [{"Effect": "Allow", "Action": "kms:CreateKey", "Resource": "*"}])
    assert error_of(lambda: creator.create_key(Policy=document(allow(root)))) == LOCKOUT
    assert creator.create_key(Policy=document(allow(root)), BypassPolicyLockoutSafetyCheck=True)["KeyMetadata"]["Enabled"]

    # With kms:PutKeyPolicy in its identity policy, the same key policy keeps it in.
    _, admin = new_user(bulwark, f"{unique_name}-a", [
        {"Effect": "Allow", "Action": ["kms:CreateKey", "kms:PutKeyPolicy", "kms:GetKeyPolicy"], "Resource": "*"}])
    key_id = admin.create_key(Policy=document(allow(root)))["KeyMetadata"]["KeyId"]
    # A key policy naming the user itself keeps it in whatever its identity policy says about the key.
    user_arn = f"arn:aws:iam::{account}:user/{unique_name}-a"
    admin.put_key_policy(KeyId=key_id, Policy=document(allow(user_arn, ["kms:PutKeyPolicy", "kms:GetKeyPolicy"])))
    # Naming only another user of the account does not.
    other, _ = new_user(bulwark, f"{unique_name}-o")
    assert error_of(lambda: admin.put_key_policy(KeyId=key_id, Policy=document(allow(other)))) == LOCKOUT
    # A condition the caller's requests do not meet locks it out too.
    conditioned = {**allow(user_arn), "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}
    assert error_of(lambda: admin.put_key_policy(KeyId=key_id, Policy=document(conditioned))) == LOCKOUT
    assert json.loads(admin.get_key_policy(KeyId=key_id)["Policy"])["Statement"][0]["Principal"] == {"AWS": user_arn}


def test_bad_policies_are_refused_as_malformed_before_the_check(bulwark, unique_name):
    kms = bulwark.client("kms")
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    assert error_of(lambda: kms.put_key_policy(KeyId=key_id, Policy="{not json"))[:1] == ("MalformedPolicyDocumentException",)
    assert error_of(lambda: kms.create_key(Policy="{not json"))[:1] == ("MalformedPolicyDocumentException",)
    nobody = document(allow(f"arn:aws:iam::{bulwark.account_id}:user/nobody-{unique_name}"))
    assert error_of(lambda: kms.put_key_policy(KeyId=key_id, Policy=nobody)) == (
        "MalformedPolicyDocumentException", "Policy contains a statement with one or more invalid principals.", 400)
