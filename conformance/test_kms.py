"""KMS (issue #11, first slice): symmetric keys, aliases, key policies and the cryptographic operations, over
the json protocol, with boto3 and the aws CLI. Whole responses are compared with what AWS answers (botocore's kms
model and the KMS API reference), minus the volatile members (ids, dates, ciphertexts)."""

from __future__ import annotations

import base64
import datetime
import json
import uuid

import pytest
from botocore.exceptions import ClientError

from support.lam import create_function
from support.wire import send_signed

REGION = "us-east-1"


@pytest.fixture
def kms(bulwark):
    return bulwark.client("kms")


def key_arn(account: str, key_id: str) -> str:
    return f"arn:aws:kms:{REGION}:{account}:key/{key_id}"


def alias_arn(account: str, name: str) -> str:
    return f"arn:aws:kms:{REGION}:{account}:{name}"


def metadata_of(account: str, key_id: str, *, description: str = "", state: str = "Enabled") -> dict:
    """AWS's KeyMetadata of a symmetric encryption key created by a customer."""
    return {
        "AWSAccountId": account,
        "KeyId": key_id,
        "Arn": key_arn(account, key_id),
        "Enabled": state == "Enabled",
        "Description": description,
        "KeyUsage": "ENCRYPT_DECRYPT",
        "KeyState": state,
        "Origin": "AWS_KMS",
        "KeyManager": "CUSTOMER",
        "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT",
        "KeySpec": "SYMMETRIC_DEFAULT",
        "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"],
        "MultiRegion": False,
    }


def volatile(metadata: dict) -> dict:
    """The metadata without the members whose values are not known in advance."""
    stripped = dict(metadata)
    for member in ("CreationDate", "CurrentKeyMaterialId", "DeletionDate", "PendingDeletionWindowInDays"):
        stripped.pop(member, None)
    return stripped


def error_of(call) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as raised:
        call()
    error = raised.value.response
    return error["Error"]["Code"], error["Error"].get("Message", ""), error["ResponseMetadata"]["HTTPStatusCode"]


def new_key(kms, **parameters) -> str:
    return kms.create_key(**parameters)["KeyMetadata"]["KeyId"]


def test_create_and_describe_a_key(bulwark, kms):
    created = kms.create_key(Description="app")
    created.pop("ResponseMetadata")
    key_id = created["KeyMetadata"]["KeyId"]
    uuid.UUID(key_id)
    assert volatile(created["KeyMetadata"]) == metadata_of(bulwark.account_id, key_id, description="app")
    assert isinstance(created["KeyMetadata"]["CreationDate"], datetime.datetime)
    assert len(created["KeyMetadata"]["CurrentKeyMaterialId"]) == 64
    assert set(created) == {"KeyMetadata"}

    arn = key_arn(bulwark.account_id, key_id)
    for reference in (key_id, arn):
        described = kms.describe_key(KeyId=reference)
        described.pop("ResponseMetadata")
        assert described == created

    kms.create_alias(AliasName=f"alias/describe-{key_id[:8]}", TargetKeyId=key_id)
    for reference in (f"alias/describe-{key_id[:8]}", alias_arn(bulwark.account_id, f"alias/describe-{key_id[:8]}")):
        assert kms.describe_key(KeyId=reference)["KeyMetadata"] == created["KeyMetadata"]


def test_a_key_without_description_has_an_empty_one_and_the_default_policy(bulwark, kms):
    key_id = new_key(kms)
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["Description"] == ""
    policy = kms.get_key_policy(KeyId=key_id)
    policy.pop("ResponseMetadata")
    assert policy["PolicyName"] == "default"
    assert json.loads(policy["Policy"]) == {
        "Version": "2012-10-17",
        "Id": "key-default-1",
        "Statement": [{
            "Sid": "Enable IAM User Permissions",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{bulwark.account_id}:root"},
            "Action": "kms:*",
            "Resource": "*",
        }],
    }
    assert kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"] == policy["Policy"]


def test_other_key_specs_are_refused_not_imitated(kms):
    # RSA, NIST elliptic-curve and HMAC keys exist (decision 0014, test_kms_keys.py); the other specs do not.
    for parameters in ({"KeySpec": "ECC_SECG_P256K1", "KeyUsage": "SIGN_VERIFY"}, {"KeySpec": "SM2", "KeyUsage": "SIGN_VERIFY"},
                       {"KeySpec": "ML_DSA_65", "KeyUsage": "SIGN_VERIFY"}):
        code, message, status = error_of(lambda: kms.create_key(**parameters))
        assert (code, status) == ("UnsupportedOperationException", 400)
        assert parameters["KeySpec"] in message
    code, _, _ = error_of(lambda: kms.create_key(KeyUsage="SIGN_VERIFY"))
    assert code == "ValidationException"
    code, _, _ = error_of(lambda: kms.create_key(Origin="EXTERNAL"))
    assert code == "UnsupportedOperationException"


def test_list_keys_pages(bulwark, kms):
    created = [new_key(kms) for _ in range(3)]
    listed = []
    marker = None
    while True:
        page = kms.list_keys(Limit=2, **({"Marker": marker} if marker else {}))
        assert len(page["Keys"]) <= 2
        listed += page["Keys"]
        if not page["Truncated"]:
            assert "NextMarker" not in page
            break
        marker = page["NextMarker"]
    for key_id in created:
        assert {"KeyId": key_id, "KeyArn": key_arn(bulwark.account_id, key_id)} in listed
    code, _, _ = error_of(lambda: kms.list_keys(Marker="not-a-marker"))
    assert code == "InvalidMarkerException"


def test_keys_that_do_not_exist(bulwark, kms):
    missing = str(uuid.uuid4())
    assert error_of(lambda: kms.describe_key(KeyId=missing)) == (
        "NotFoundException", f"Key '{key_arn(bulwark.account_id, missing)}' does not exist", 400)
    assert error_of(lambda: kms.encrypt(KeyId="alias/nothing-here", Plaintext=b"x")) == (
        "NotFoundException", f"Alias {alias_arn(bulwark.account_id, 'alias/nothing-here')} is not found.", 400)
    assert error_of(lambda: kms.describe_key(KeyId="not-a-key"))[0] == "NotFoundException"
    assert error_of(lambda: kms.describe_key(KeyId="arn:aws:kms:us-east-1:123456789012:thing/x"))[0] == "InvalidArnException"
    # Another region's key is not this region's.
    key_id = new_key(kms)
    other = bulwark.client("kms", region="eu-west-1")
    assert error_of(lambda: other.describe_key(KeyId=key_id)) == (
        "NotFoundException", f"Key 'arn:aws:kms:eu-west-1:{bulwark.account_id}:key/{key_id}' does not exist", 400)
    assert error_of(lambda: other.describe_key(KeyId=key_arn(bulwark.account_id, key_id))) == (
        "NotFoundException", "Invalid arn us-east-1", 400)
    assert error_of(lambda: kms.create_key(Tags=[{"TagKey": "aws:x", "TagValue": "y"}])) == (
        "TagException", "Tags beginning with aws: are reserved", 400)


def test_aliases(bulwark, kms):
    first, second = new_key(kms), new_key(kms)
    name = f"alias/app-{first[:8]}"
    kms.create_alias(AliasName=name, TargetKeyId=first)
    assert error_of(lambda: kms.create_alias(AliasName=name, TargetKeyId=second)) == (
        "AlreadyExistsException", f"An alias with the name {alias_arn(bulwark.account_id, name)} already exists", 400)

    entries = [entry for entry in kms.list_aliases()["Aliases"] if entry["AliasName"] == name]
    assert len(entries) == 1
    entry = entries[0]
    assert isinstance(entry.pop("CreationDate"), datetime.datetime)
    assert isinstance(entry.pop("LastUpdatedDate"), datetime.datetime)
    assert entry == {"AliasName": name, "AliasArn": alias_arn(bulwark.account_id, name), "TargetKeyId": first}

    by_key = kms.list_aliases(KeyId=first)
    by_key.pop("ResponseMetadata")
    assert [alias["AliasName"] for alias in by_key["Aliases"]] == [name]
    assert by_key["Truncated"] is False

    kms.update_alias(AliasName=name, TargetKeyId=second)
    assert kms.describe_key(KeyId=name)["KeyMetadata"]["KeyId"] == second
    assert kms.list_aliases(KeyId=first)["Aliases"] == []

    kms.delete_alias(AliasName=name)
    assert error_of(lambda: kms.delete_alias(AliasName=name)) == (
        "NotFoundException", f"Alias {alias_arn(bulwark.account_id, name)} is not found.", 400)
    assert error_of(lambda: kms.update_alias(AliasName=name, TargetKeyId=first))[0] == "NotFoundException"
    assert error_of(lambda: kms.create_alias(AliasName="app", TargetKeyId=first))[0] == "ValidationException"
    assert error_of(lambda: kms.create_alias(AliasName="alias/aws/lambda", TargetKeyId=first))[0] == "NotAuthorizedException"
    assert error_of(lambda: kms.create_alias(AliasName=f"alias/x-{first[:8]}", TargetKeyId=str(uuid.uuid4())))[0] == "NotFoundException"


def test_aws_managed_aliases_are_not_listed_until_such_a_key_exists(fresh_bulwark):
    # A server of its own: on the shared one, other tests' functions have created aws/lambda already.
    server = fresh_bulwark().start()
    kms = server.client("kms")
    assert not [alias for alias in kms.list_aliases()["Aliases"] if alias["AliasName"].startswith("alias/aws/")]
    # A function without variables needs no key; the first with variables creates aws/lambda (decision 0012).
    create_function(server.client("lambda"), server.account_id, "no-variables")
    assert not [alias for alias in kms.list_aliases()["Aliases"] if alias["AliasName"].startswith("alias/aws/")]
    create_function(server.client("lambda"), server.account_id, "variables", Environment={"Variables": {"MODE": "x"}})
    managed = [alias for alias in kms.list_aliases()["Aliases"] if alias["AliasName"].startswith("alias/aws/")]
    assert [(alias["AliasName"], alias["AliasArn"]) for alias in managed] == [
        ("alias/aws/lambda", f"arn:aws:kms:us-east-1:{server.account_id}:alias/aws/lambda")]
    assert kms.describe_key(KeyId=managed[0]["TargetKeyId"])["KeyMetadata"]["KeyManager"] == "AWS"


def test_aws_managed_aliases_are_listed_only_with_their_key(kms):
    # AWS managed keys exist once a service first uses them (Secrets Manager's, decision 0011; Lambda's, decision 0012); none
    # is listed before that, and each listed one names its key, which AWS manages.
    for alias in [alias for alias in kms.list_aliases()["Aliases"] if alias["AliasName"].startswith("alias/aws/")]:
        assert alias["AliasName"] in ("alias/aws/secretsmanager", "alias/aws/lambda")
        metadata = kms.describe_key(KeyId=alias["AliasName"])["KeyMetadata"]
        assert (metadata["KeyId"], metadata["KeyManager"]) == (alias["TargetKeyId"], "AWS")


@pytest.mark.parametrize("context", [None, {"purpose": "test", "app": "x"}])
def test_encrypt_decrypt_round_trip(bulwark, kms, context):
    key_id = new_key(kms)
    extra = {"EncryptionContext": context} if context else {}
    encrypted = kms.encrypt(KeyId=key_id, Plaintext=b"hello kms", **extra)
    encrypted.pop("ResponseMetadata")
    blob = encrypted.pop("CiphertextBlob")
    assert encrypted == {"KeyId": key_arn(bulwark.account_id, key_id), "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}
    assert b"hello kms" not in blob

    # No KeyId: the ciphertext names its key.
    decrypted = kms.decrypt(CiphertextBlob=blob, **extra)
    decrypted.pop("ResponseMetadata")
    material = decrypted.pop("KeyMaterialId")
    assert material == kms.describe_key(KeyId=key_id)["KeyMetadata"]["CurrentKeyMaterialId"]
    assert decrypted == {"KeyId": key_arn(bulwark.account_id, key_id), "Plaintext": b"hello kms", "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}
    assert kms.decrypt(CiphertextBlob=blob, KeyId=key_id, **extra)["Plaintext"] == b"hello kms"

    # The encryption context is additional authenticated data: any other context fails.
    for wrong in ({}, {"purpose": "other"}, {**(context or {}), "extra": "1"}):
        if wrong == (context or {}):
            continue
        assert error_of(lambda: kms.decrypt(CiphertextBlob=blob, EncryptionContext=wrong))[:1] == ("InvalidCiphertextException",)


def test_decrypt_refuses_altered_ciphertexts_and_the_wrong_key(kms):
    key_id, other = new_key(kms), new_key(kms)
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"secret")["CiphertextBlob"]
    altered = blob[:-1] + bytes([blob[-1] ^ 1])
    assert error_of(lambda: kms.decrypt(CiphertextBlob=altered))[0] == "InvalidCiphertextException"
    assert error_of(lambda: kms.decrypt(CiphertextBlob=b"not a ciphertext"))[0] == "InvalidCiphertextException"
    assert error_of(lambda: kms.decrypt(CiphertextBlob=blob, KeyId=other))[0] == "IncorrectKeyException"


def test_re_encrypt(bulwark, kms):
    source, destination = new_key(kms), new_key(kms)
    blob = kms.encrypt(KeyId=source, Plaintext=b"moving", EncryptionContext={"a": "1"})["CiphertextBlob"]
    moved = kms.re_encrypt(CiphertextBlob=blob, SourceEncryptionContext={"a": "1"}, DestinationKeyId=destination,
                           DestinationEncryptionContext={"b": "2"})
    moved.pop("ResponseMetadata")
    new_blob = moved.pop("CiphertextBlob")
    assert len(moved.pop("SourceKeyMaterialId")) == 64
    assert len(moved.pop("DestinationKeyMaterialId")) == 64
    assert moved == {
        "SourceKeyId": key_arn(bulwark.account_id, source),
        "KeyId": key_arn(bulwark.account_id, destination),
        "SourceEncryptionAlgorithm": "SYMMETRIC_DEFAULT",
        "DestinationEncryptionAlgorithm": "SYMMETRIC_DEFAULT",
    }
    assert kms.decrypt(CiphertextBlob=new_blob, EncryptionContext={"b": "2"})["Plaintext"] == b"moving"
    assert error_of(lambda: kms.re_encrypt(CiphertextBlob=blob, DestinationKeyId=destination))[0] == "InvalidCiphertextException"


def test_data_keys_and_random(bulwark, kms):
    key_id = new_key(kms)
    generated = kms.generate_data_key(KeyId=key_id, KeySpec="AES_256", EncryptionContext={"k": "v"})
    generated.pop("ResponseMetadata")
    assert len(generated["Plaintext"]) == 32
    assert set(generated) == {"CiphertextBlob", "Plaintext", "KeyId", "KeyMaterialId"}
    assert generated["KeyId"] == key_arn(bulwark.account_id, key_id)
    assert kms.decrypt(CiphertextBlob=generated["CiphertextBlob"], EncryptionContext={"k": "v"})["Plaintext"] == generated["Plaintext"]
    assert len(kms.generate_data_key(KeyId=key_id, KeySpec="AES_128")["Plaintext"]) == 16
    assert len(kms.generate_data_key(KeyId=key_id, NumberOfBytes=7)["Plaintext"]) == 7

    without = kms.generate_data_key_without_plaintext(KeyId=key_id, NumberOfBytes=64)
    without.pop("ResponseMetadata")
    assert set(without) == {"CiphertextBlob", "KeyId", "KeyMaterialId"}
    assert len(kms.decrypt(CiphertextBlob=without["CiphertextBlob"])["Plaintext"]) == 64

    assert error_of(lambda: kms.generate_data_key(KeyId=key_id))[0] == "ValidationException"
    assert error_of(lambda: kms.generate_data_key(KeyId=key_id, KeySpec="AES_256", NumberOfBytes=32))[0] == "ValidationException"

    random = kms.generate_random(NumberOfBytes=1024)
    random.pop("ResponseMetadata")
    assert set(random) == {"Plaintext"} and len(random["Plaintext"]) == 1024
    assert kms.generate_random(NumberOfBytes=32)["Plaintext"] != kms.generate_random(NumberOfBytes=32)["Plaintext"]


def test_limits(bulwark):
    kms = bulwark.client("kms", validate=False)
    key_id = new_key(kms)
    assert error_of(lambda: kms.encrypt(KeyId=key_id, Plaintext=b"x" * 4097))[0] == "ValidationException"
    assert len(kms.decrypt(CiphertextBlob=kms.encrypt(KeyId=key_id, Plaintext=b"x" * 4096)["CiphertextBlob"])["Plaintext"]) == 4096
    for count in (0, 1025):
        assert error_of(lambda: kms.generate_random(NumberOfBytes=count))[0] == "ValidationException"
        assert error_of(lambda: kms.generate_data_key(KeyId=key_id, NumberOfBytes=count))[0] == "ValidationException"
    assert error_of(lambda: kms.encrypt(KeyId=key_id, Plaintext=b""))[0] == "ValidationException"
    assert error_of(lambda: kms.encrypt(KeyId=key_id, Plaintext=b"x", EncryptionAlgorithm="RSAES_OAEP_SHA_256"))[0] == "InvalidKeyUsageException"


def test_disabled_keys(bulwark, kms):
    key_id = new_key(kms)
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"x")["CiphertextBlob"]
    kms.disable_key(KeyId=key_id)
    metadata = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert volatile(metadata) == metadata_of(bulwark.account_id, key_id, state="Disabled")
    arn = key_arn(bulwark.account_id, key_id)
    assert error_of(lambda: kms.encrypt(KeyId=key_id, Plaintext=b"x")) == ("DisabledException", f"{arn} is disabled.", 400)
    assert error_of(lambda: kms.decrypt(CiphertextBlob=blob)) == ("DisabledException", f"{arn} is disabled.", 400)
    kms.enable_key(KeyId=key_id)
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"x"


def test_pending_deletion(bulwark, kms):
    key_id = new_key(kms)
    arn = key_arn(bulwark.account_id, key_id)
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"x")["CiphertextBlob"]
    for days in (6, 31):
        code, message, _ = error_of(lambda: kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=days))
        assert code == "ValidationException" and f"'{days}'" in message
    scheduled = kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    scheduled.pop("ResponseMetadata")
    deletion = scheduled.pop("DeletionDate")
    now = datetime.datetime.now(datetime.timezone.utc)
    assert datetime.timedelta(days=6, hours=23) < deletion - now <= datetime.timedelta(days=7)
    assert scheduled == {"KeyId": arn, "KeyState": "PendingDeletion", "PendingWindowInDays": 7}

    metadata = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert metadata["PendingDeletionWindowInDays"] == 7 and metadata["DeletionDate"] == deletion
    assert volatile(metadata) == metadata_of(bulwark.account_id, key_id, state="PendingDeletion")
    pending = ("KMSInvalidStateException", f"{arn} is pending deletion.", 400)
    assert error_of(lambda: kms.encrypt(KeyId=key_id, Plaintext=b"x")) == pending
    assert error_of(lambda: kms.decrypt(CiphertextBlob=blob)) == pending
    assert error_of(lambda: kms.generate_data_key(KeyId=key_id, KeySpec="AES_256")) == pending
    assert error_of(lambda: kms.enable_key(KeyId=key_id)) == pending
    assert error_of(lambda: kms.schedule_key_deletion(KeyId=key_id)) == pending
    assert error_of(lambda: kms.create_alias(AliasName=f"alias/p-{key_id[:8]}", TargetKeyId=key_id)) == pending
    assert key_id in [key["KeyId"] for key in kms.list_keys(Limit=1000)["Keys"]]

    cancelled = kms.cancel_key_deletion(KeyId=key_id)
    cancelled.pop("ResponseMetadata")
    assert cancelled == {"KeyId": arn}
    assert volatile(kms.describe_key(KeyId=key_id)["KeyMetadata"]) == metadata_of(bulwark.account_id, key_id, state="Disabled")
    assert error_of(lambda: kms.cancel_key_deletion(KeyId=key_id))[0] == "KMSInvalidStateException"


def test_a_key_policy_that_denies(bulwark, kms):
    key_id = new_key(kms)
    account = bulwark.account_id
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "kms:*", "Resource": "*"},
            {"Sid": "NoEncrypt", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "kms:Encrypt", "Resource": "*"},
        ],
    }
    kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy=json.dumps(policy))
    assert json.loads(kms.get_key_policy(KeyId=key_id)["Policy"]) == policy
    code, message, status = error_of(lambda: kms.encrypt(KeyId=key_id, Plaintext=b"x"))
    assert (code, status) == ("AccessDeniedException", 400)
    assert "kms:Encrypt" in message and key_arn(account, key_id) in message
    assert kms.generate_data_key(KeyId=key_id, KeySpec="AES_256")["KeyId"] == key_arn(account, key_id)


def test_a_key_policy_without_the_account_locks_out_even_the_root(bulwark, kms):
    key_id = new_key(kms)
    account = bulwark.account_id
    # Only a user who does not call: neither the root's identity nor IAM policies can use the key any more.
    iam = bulwark.client("iam")
    user = f"kms-only-{key_id[:8]}"
    iam.create_user(UserName=user)
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:user/{user}"}, "Action": "kms:Decrypt",
                       "Resource": "*"}],
    }
    kms.put_key_policy(KeyId=key_id, Policy=json.dumps(policy), BypassPolicyLockoutSafetyCheck=True)
    code, _, status = error_of(lambda: kms.encrypt(KeyId=key_id, Plaintext=b"x"))
    assert (code, status) == ("AccessDeniedException", 400)
    assert error_of(lambda: kms.describe_key(KeyId=key_id))[0] == "AccessDeniedException"


def test_a_key_policy_naming_a_principal_that_does_not_exist_is_refused(bulwark, kms):
    key_id = new_key(kms)
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{bulwark.account_id}:user/nobody-{key_id[:8]}"},
                       "Action": "kms:*", "Resource": "*"}],
    }
    assert error_of(lambda: kms.put_key_policy(KeyId=key_id, Policy=json.dumps(policy))) == (
        "MalformedPolicyDocumentException", "Policy contains a statement with one or more invalid principals.", 400)
    assert error_of(lambda: kms.put_key_policy(KeyId=key_id, Policy="{not json"))[0] == "MalformedPolicyDocumentException"


def _user_with_policy(bulwark, name: str, statements: list[dict]):
    iam = bulwark.client("iam")
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="kms", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return bulwark.client("kms", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])


def test_an_iam_user_is_allowed_by_iam_policy_on_a_default_policy_key(bulwark, kms):
    key_id = new_key(kms)
    arn = key_arn(bulwark.account_id, key_id)
    user = _user_with_policy(bulwark, f"kms-user-{key_id[:8]}", [
        {"Effect": "Allow", "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": arn,
         "Condition": {"StringEquals": {"kms:EncryptionContext:app": "billing"}}},
    ])
    blob = user.encrypt(KeyId=key_id, Plaintext=b"x", EncryptionContext={"app": "billing"})["CiphertextBlob"]
    assert user.decrypt(CiphertextBlob=blob, EncryptionContext={"app": "billing"})["Plaintext"] == b"x"
    assert error_of(lambda: user.encrypt(KeyId=key_id, Plaintext=b"x", EncryptionContext={"app": "other"}))[0] == "AccessDeniedException"
    assert error_of(lambda: user.encrypt(KeyId=key_id, Plaintext=b"x"))[0] == "AccessDeniedException"
    assert error_of(lambda: user.describe_key(KeyId=key_id))[0] == "AccessDeniedException"

    # On a key whose policy does not allow the account, the same IAM policy allows nothing.
    locked = new_key(kms)
    kms.put_key_policy(KeyId=locked, Policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{bulwark.account_id}:user/kms-user-{key_id[:8]}"},
                       "Action": "kms:DescribeKey", "Resource": "*"}],
    }), BypassPolicyLockoutSafetyCheck=True)
    iam = bulwark.client("iam")
    iam.put_user_policy(UserName=f"kms-user-{key_id[:8]}", PolicyName="everything", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]}))
    assert error_of(lambda: user.encrypt(KeyId=locked, Plaintext=b"x"))[0] == "AccessDeniedException"
    # The key policy names the user directly: allowed by it alone.
    assert user.describe_key(KeyId=locked)["KeyMetadata"]["KeyId"] == locked


def test_aliases_are_authorized_on_the_alias_and_the_key(bulwark, kms):
    key_id = new_key(kms)
    arn = key_arn(bulwark.account_id, key_id)
    name = f"alias/auth-{key_id[:8]}"
    only_alias = _user_with_policy(bulwark, f"alias-user-{key_id[:8]}", [
        {"Effect": "Allow", "Action": "kms:CreateAlias", "Resource": alias_arn(bulwark.account_id, name)},
    ])
    assert error_of(lambda: only_alias.create_alias(AliasName=name, TargetKeyId=key_id))[0] == "AccessDeniedException"
    both = _user_with_policy(bulwark, f"alias-both-{key_id[:8]}", [
        {"Effect": "Allow", "Action": "kms:CreateAlias", "Resource": [alias_arn(bulwark.account_id, name), arn]},
    ])
    both.create_alias(AliasName=name, TargetKeyId=key_id)
    assert kms.describe_key(KeyId=name)["KeyMetadata"]["Arn"] == arn


def test_unknown_and_unimplemented_operations_answer_in_the_json_protocol(bulwark):
    key, secret = bulwark.admin_key
    for target, code, status in (("TrentService.NoSuchThing", "UnknownOperationException", 400),
                                 ("TrentService.ConnectCustomKeyStore", "NotImplemented", 501)):
        answer = send_signed(bulwark.endpoint, "POST", "/", key, secret, body=b"{}", service="kms", region=REGION,
                             headers={"X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1"})
        assert answer.status == status
        assert answer.headers.get("content-type") == "application/x-amz-json-1.1"
        assert json.loads(answer.body)["__type"] == code


def test_bad_json_is_a_serialization_error(bulwark):
    key, secret = bulwark.admin_key
    answer = send_signed(bulwark.endpoint, "POST", "/", key, secret, body=b"{nope", service="kms", region=REGION,
                         headers={"X-Amz-Target": "TrentService.ListKeys", "Content-Type": "application/x-amz-json-1.1"})
    assert answer.status == 400
    assert json.loads(answer.body)["__type"] == "SerializationException"


def test_the_trail_never_holds_plaintext(bulwark, kms):
    key_id = new_key(kms)
    marker = b"planted-plaintext-" + key_id[:8].encode()
    blob = kms.encrypt(KeyId=key_id, Plaintext=marker)["CiphertextBlob"]
    kms.decrypt(CiphertextBlob=blob)
    events = [event for event in bulwark.trail_events() if event.get("eventSource") == "kms.amazonaws.com"]
    assert {"Encrypt", "Decrypt"} <= {event["eventName"] for event in events}
    decrypt = [event for event in events if event["eventName"] == "Decrypt"][-1]
    assert decrypt["resources"] == [{"ARN": key_arn(bulwark.account_id, key_id), "accountId": bulwark.account_id, "type": "AWS::KMS::Key"}]
    assert decrypt["readOnly"] is True
    text = json.dumps(events)
    assert marker.decode() not in text and base64.b64encode(marker).decode() not in text


def test_the_cli(bulwark, tmp_path):
    key_id = bulwark.aws("kms", "create-key", "--description", "app").json["KeyMetadata"]["KeyId"]
    name = f"alias/cli-{key_id[:8]}"
    bulwark.aws("kms", "create-alias", "--alias-name", name, "--target-key-id", key_id)
    plain = tmp_path / "x"
    plain.write_bytes(b"from the cli\n")
    encrypted = bulwark.aws("kms", "encrypt", "--key-id", name, "--plaintext", f"fileb://{plain}").json
    assert encrypted["KeyId"] == key_arn(bulwark.account_id, key_id)
    cipher = tmp_path / "y"
    cipher.write_bytes(base64.b64decode(encrypted["CiphertextBlob"]))
    decrypted = bulwark.aws("kms", "decrypt", "--ciphertext-blob", f"fileb://{cipher}").json
    assert base64.b64decode(decrypted["Plaintext"]) == b"from the cli\n"
    assert decrypted["KeyId"] == key_arn(bulwark.account_id, key_id)
