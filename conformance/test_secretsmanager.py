"""Secrets Manager (issue #11): secrets whose values are stored only sealed under a KMS key, versions and
staging labels, deletion and restore, tags, resource policies, and authorization on the secret and its key,
over the json protocol with boto3 and the aws CLI. Whole responses are compared with what AWS answers
(botocore's secretsmanager model and the Secrets Manager API reference), minus the volatile members
(dates, version ids, the ARN's random suffix)."""

from __future__ import annotations

import base64
import datetime
import json
import re
import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import BASIC_EXECUTION_POLICY, TRUST_LAMBDA
from support.functions import PYTHON_RUNTIME, invoke, python_zip, wait_until_ready

REGION = "us-east-1"
VERSION_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
MARKED_FOR_DELETION = "You can't perform this operation on the secret because it was marked for deletion."
NOT_FOUND = "Secrets Manager can't find the specified secret."


@pytest.fixture
def sm(bulwark):
    return bulwark.client("secretsmanager")


@pytest.fixture
def name(unique_name):
    return f"{unique_name[:40]}-{uuid.uuid4().hex[:6]}"


def arn_pattern(account: str, name: str) -> re.Pattern:
    return re.compile(rf"^arn:aws:secretsmanager:{REGION}:{account}:secret:{re.escape(name)}-[A-Za-z0-9]{{6}}$")


def error_of(call) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as raised:
        call()
    error = raised.value.response
    return error["Error"]["Code"], error["Error"].get("Message", ""), error["ResponseMetadata"]["HTTPStatusCode"]


def without_metadata(answer: dict) -> dict:
    answer = dict(answer)
    answer.pop("ResponseMetadata", None)
    return answer


def test_create_get_put_and_staging_labels(bulwark, sm, name):
    created = without_metadata(sm.create_secret(Name=name, SecretString='{"password":"one"}', Description="db"))
    assert set(created) == {"ARN", "Name", "VersionId"}
    assert arn_pattern(bulwark.account_id, name).match(created["ARN"]) and created["Name"] == name
    arn, first = created["ARN"], created["VersionId"]
    assert VERSION_ID.match(first)

    value = without_metadata(sm.get_secret_value(SecretId=name))
    assert isinstance(value.pop("CreatedDate"), datetime.datetime)
    assert value == {"ARN": arn, "Name": name, "VersionId": first, "SecretString": '{"password":"one"}', "VersionStages": ["AWSCURRENT"]}

    token = str(uuid.uuid4())
    put = without_metadata(sm.put_secret_value(SecretId=arn, SecretString='{"password":"two"}', ClientRequestToken=token))
    assert put == {"ARN": arn, "Name": name, "VersionId": token, "VersionStages": ["AWSCURRENT"]}
    # The same token with the same value is the same version; with another value it is refused.
    assert without_metadata(sm.put_secret_value(SecretId=arn, SecretString='{"password":"two"}', ClientRequestToken=token)) == put
    assert error_of(lambda: sm.put_secret_value(SecretId=arn, SecretString="other", ClientRequestToken=token)) == (
        "ResourceExistsException", "You can't modify an existing version, you can only create a new version.", 400)

    # By name, full ARN and partial ARN (the ARN without its suffix).
    for secret_id in (name, arn, arn[:-7]):
        assert sm.get_secret_value(SecretId=secret_id)["SecretString"] == '{"password":"two"}'
    previous = sm.get_secret_value(SecretId=name, VersionStage="AWSPREVIOUS")
    assert (previous["VersionId"], previous["SecretString"], previous["VersionStages"]) == (first, '{"password":"one"}', ["AWSPREVIOUS"])
    assert sm.get_secret_value(SecretId=name, VersionId=first)["SecretString"] == '{"password":"one"}'

    described = without_metadata(sm.describe_secret(SecretId=name))
    for member in ("CreatedDate", "LastChangedDate"):
        assert isinstance(described.pop(member), datetime.datetime)
    assert described == {"ARN": arn, "Name": name, "Description": "db",
                         "VersionIdsToStages": {first: ["AWSPREVIOUS"], token: ["AWSCURRENT"]}}

    versions = without_metadata(sm.list_secret_version_ids(SecretId=name))
    for version in versions["Versions"]:
        assert isinstance(version.pop("CreatedDate"), datetime.datetime)
    assert versions == {"ARN": arn, "Name": name, "Versions": [
        {"VersionId": first, "VersionStages": ["AWSPREVIOUS"], "KmsKeyIds": ["DefaultEncryptionKey"]},
        {"VersionId": token, "VersionStages": ["AWSCURRENT"], "KmsKeyIds": ["DefaultEncryptionKey"]},
    ]}

    # A custom label moves to the new version alone.
    labelled = sm.put_secret_value(SecretId=name, SecretString="three", VersionStages=["blue"])
    assert labelled["VersionStages"] == ["blue"]
    assert sm.get_secret_value(SecretId=name)["SecretString"] == '{"password":"two"}'
    assert sm.get_secret_value(SecretId=name, VersionStage="blue")["SecretString"] == "three"


def test_the_aws_managed_key_is_created_on_first_use(bulwark, sm, name):
    sm.create_secret(Name=name, SecretString="v")
    kms = bulwark.client("kms")
    alias = next(alias for alias in kms.list_aliases()["Aliases"] if alias["AliasName"] == "alias/aws/secretsmanager")
    metadata = kms.describe_key(KeyId="alias/aws/secretsmanager")["KeyMetadata"]
    assert (metadata["KeyId"], metadata["KeyManager"], metadata["KeyState"]) == (alias["TargetKeyId"], "AWS", "Enabled")
    assert metadata["Description"] == "Default key that protects my Secrets Manager data when no other key is defined"
    # Its policy lets the account use it only through Secrets Manager: not directly.
    code, _, _ = error_of(lambda: kms.encrypt(KeyId="alias/aws/secretsmanager", Plaintext=b"x"))
    assert code == "AccessDeniedException"
    assert "DefaultEncryptionKey" in sm.list_secret_version_ids(SecretId=name)["Versions"][0]["KmsKeyIds"]


def test_binary_values_and_update(bulwark, sm, name):
    arn = sm.create_secret(Name=name, SecretBinary=b"\x00\x01\xff")["ARN"]
    value = sm.get_secret_value(SecretId=name)
    assert value["SecretBinary"] == b"\x00\x01\xff" and "SecretString" not in value

    updated = without_metadata(sm.update_secret(SecretId=name, Description="new"))
    assert updated == {"ARN": arn, "Name": name}
    updated = without_metadata(sm.update_secret(SecretId=name, SecretString="text now"))
    assert set(updated) == {"ARN", "Name", "VersionId"}
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "text now"
    assert sm.describe_secret(SecretId=name)["Description"] == "new"


def test_a_secret_without_a_value(sm, name):
    created = without_metadata(sm.create_secret(Name=name))
    assert set(created) == {"ARN", "Name"}
    assert error_of(lambda: sm.get_secret_value(SecretId=name)) == (
        "ResourceNotFoundException", "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT", 400)


def test_customer_keys(bulwark, sm, name):
    kms = bulwark.client("kms")
    key_arn = kms.create_key(Description="secrets")["KeyMetadata"]["Arn"]
    alias = f"alias/{name}"
    kms.create_alias(AliasName=alias, TargetKeyId=key_arn)
    sm.create_secret(Name=name, SecretString="under my key", KmsKeyId=alias)
    assert sm.describe_secret(SecretId=name)["KmsKeyId"] == key_arn
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "under my key"
    assert sm.list_secret_version_ids(SecretId=name)["Versions"][0]["KmsKeyIds"] == [key_arn]

    kms.disable_key(KeyId=key_arn)
    assert error_of(lambda: sm.get_secret_value(SecretId=name))[:2] == (
        "DecryptionFailure", "Secrets Manager can't decrypt the protected secret text using the provided KMS key.")
    kms.enable_key(KeyId=key_arn)
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "under my key"


def test_delete_and_restore(bulwark, sm, name):
    arn = sm.create_secret(Name=name, SecretString="v")["ARN"]
    deleted = without_metadata(sm.delete_secret(SecretId=name, RecoveryWindowInDays=7))
    assert set(deleted) == {"ARN", "Name", "DeletionDate"} and deleted["ARN"] == arn
    window = deleted["DeletionDate"] - datetime.datetime.now(datetime.timezone.utc)
    assert datetime.timedelta(days=6, hours=23) < window <= datetime.timedelta(days=7)
    assert error_of(lambda: sm.get_secret_value(SecretId=name)) == ("InvalidRequestException", MARKED_FOR_DELETION, 400)
    assert error_of(lambda: sm.put_secret_value(SecretId=name, SecretString="w"))[0] == "InvalidRequestException"
    assert "DeletedDate" in sm.describe_secret(SecretId=name)
    assert name not in [s["Name"] for s in sm.list_secrets(Filters=[{"Key": "name", "Values": [name]}])["SecretList"]]
    assert name in [s["Name"] for s in sm.list_secrets(IncludePlannedDeletion=True, Filters=[{"Key": "name", "Values": [name]}])["SecretList"]]

    assert without_metadata(sm.restore_secret(SecretId=name)) == {"ARN": arn, "Name": name}
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "v"

    forced = sm.delete_secret(SecretId=name, ForceDeleteWithoutRecovery=True)
    assert forced["ARN"] == arn
    assert error_of(lambda: sm.describe_secret(SecretId=name)) == ("ResourceNotFoundException", NOT_FOUND, 400)


def test_list_secrets_pages_and_filters(sm, name):
    names = [f"{name}-{index}" for index in range(3)]
    for index, secret in enumerate(names):
        sm.create_secret(Name=secret, SecretString="v", Tags=[{"Key": "team", "Value": f"t{index}"}])
    seen, token = [], None
    while True:
        page = sm.list_secrets(MaxResults=2, Filters=[{"Key": "name", "Values": [name]}], **({"NextToken": token} if token else {}))
        assert len(page["SecretList"]) <= 2
        seen += [entry["Name"] for entry in page["SecretList"]]
        token = page.get("NextToken")
        if not token:
            break
    assert seen == names
    entry = sm.list_secrets(Filters=[{"Key": "name", "Values": [names[1]]}])["SecretList"][0]
    for member in ("CreatedDate", "LastChangedDate"):
        assert isinstance(entry.pop(member), datetime.datetime)
    version = next(iter(entry["SecretVersionsToStages"]))
    assert entry == {"ARN": entry["ARN"], "Name": names[1], "Tags": [{"Key": "team", "Value": "t1"}],
                     "SecretVersionsToStages": {version: ["AWSCURRENT"]}}
    assert [s["Name"] for s in sm.list_secrets(Filters=[{"Key": "name", "Values": [name]}, {"Key": "tag-value", "Values": ["t2"]}])["SecretList"]] == [names[2]]
    assert error_of(lambda: sm.list_secrets(NextToken="garbage"))[0] == "InvalidNextTokenException"


def test_tags(sm, name):
    sm.create_secret(Name=name, SecretString="v", Tags=[{"Key": "b", "Value": "2"}])
    assert without_metadata(sm.tag_resource(SecretId=name, Tags=[{"Key": "a", "Value": "1"}])) == {}
    assert sm.describe_secret(SecretId=name)["Tags"] == [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]
    sm.untag_resource(SecretId=name, TagKeys=["b"])
    assert sm.describe_secret(SecretId=name)["Tags"] == [{"Key": "a", "Value": "1"}]


def test_bad_inputs(sm, name):
    sm.create_secret(Name=name, SecretString="v")
    assert error_of(lambda: sm.create_secret(Name=name, SecretString="v")) == (
        "ResourceExistsException", f"The operation failed because the secret {name} already exists.", 400)
    assert error_of(lambda: sm.create_secret(Name=name + "x", SecretString="v", SecretBinary=b"x")) == (
        "InvalidParameterException", "You can't specify both a binary secret value and a string secret value in the same secret.", 400)
    assert error_of(lambda: sm.create_secret(Name="bad name", SecretString="v"))[0] == "ValidationException"
    assert error_of(lambda: sm.delete_secret(SecretId=name, RecoveryWindowInDays=6)) == (
        "InvalidParameterException", "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).", 400)
    assert error_of(lambda: sm.delete_secret(SecretId=name, RecoveryWindowInDays=31))[0] == "InvalidParameterException"
    assert error_of(lambda: sm.delete_secret(SecretId=name, RecoveryWindowInDays=7, ForceDeleteWithoutRecovery=True))[0] == "InvalidParameterException"
    assert error_of(lambda: sm.get_secret_value(SecretId=name + "-nope")) == ("ResourceNotFoundException", NOT_FOUND, 400)
    assert error_of(lambda: sm.get_secret_value(SecretId=name.upper()))[0] == "ResourceNotFoundException"
    assert error_of(lambda: sm.get_secret_value(SecretId=name, VersionId="0" * 32))[0] == "ResourceNotFoundException"
    assert error_of(lambda: sm.put_resource_policy(SecretId=name, ResourcePolicy="{not json"))[0] == "MalformedPolicyDocumentException"
    assert error_of(lambda: sm.create_secret(Name=name + "k", SecretString="v", KmsKeyId="alias/does-not-exist"))[0] == "EncryptionFailure"


def _user(bulwark, user_name: str, statements: list[dict]):
    iam = bulwark.client("iam")
    iam.create_user(UserName=user_name)
    iam.put_user_policy(UserName=user_name, PolicyName="p", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}))
    key = iam.create_access_key(UserName=user_name)["AccessKey"]
    return iam.get_user(UserName=user_name)["User"]["Arn"], lambda service: bulwark.client(
        service, access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])


def test_a_user_allowed_only_one_secret(bulwark, sm, name):
    db = sm.create_secret(Name=f"{name}-db", SecretString="db value")["ARN"]
    sm.create_secret(Name=f"{name}-other", SecretString="other value")
    _, client = _user(bulwark, f"{name}-reader", [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": db}])
    reader = client("secretsmanager")
    assert reader.get_secret_value(SecretId=f"{name}-db")["SecretString"] == "db value"
    code, message, status = error_of(lambda: reader.get_secret_value(SecretId=f"{name}-other"))
    assert (code, status) == ("AccessDeniedException", 400)
    assert "secretsmanager:GetSecretValue" in message
    assert error_of(lambda: reader.describe_secret(SecretId=f"{name}-db"))[0] == "AccessDeniedException"


def test_tags_on_creation_need_tag_resource(bulwark, name):
    _, client = _user(bulwark, f"{name}-creator", [{"Effect": "Allow", "Action": "secretsmanager:CreateSecret", "Resource": "*"}])
    creator = client("secretsmanager")
    assert error_of(lambda: creator.create_secret(Name=f"{name}-t", SecretString="v", Tags=[{"Key": "a", "Value": "1"}]))[0] == (
        "AccessDeniedException")
    assert creator.create_secret(Name=f"{name}-u", SecretString="v")["Name"] == f"{name}-u"


def test_a_customer_key_needs_kms_decrypt_too(bulwark, sm, name):
    key_arn = bulwark.client("kms").create_key()["KeyMetadata"]["Arn"]
    secret = sm.create_secret(Name=name, SecretString="v", KmsKeyId=key_arn)["ARN"]
    _, client = _user(bulwark, f"{name}-u1", [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": secret}])
    assert error_of(lambda: client("secretsmanager").get_secret_value(SecretId=name))[0] == "AccessDeniedException"
    _, client = _user(bulwark, f"{name}-u2", [
        {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": secret},
        {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": key_arn,
         "Condition": {"StringEquals": {"kms:ViaService": f"secretsmanager.{REGION}.amazonaws.com"}}},
    ])
    assert client("secretsmanager").get_secret_value(SecretId=name)["SecretString"] == "v"


def test_resource_policies(bulwark, sm, name):
    arn = sm.create_secret(Name=name, SecretString="v")["ARN"]
    user_arn, client = _user(bulwark, f"{name}-rp", [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}])
    reader = client("secretsmanager")
    assert reader.get_secret_value(SecretId=name)["SecretString"] == "v"
    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Principal": {"AWS": user_arn}, "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]})
    assert without_metadata(sm.put_resource_policy(SecretId=name, ResourcePolicy=policy)) == {"ARN": arn, "Name": name}
    assert without_metadata(sm.get_resource_policy(SecretId=name)) == {"ARN": arn, "Name": name, "ResourcePolicy": policy}
    assert error_of(lambda: reader.get_secret_value(SecretId=name))[0] == "AccessDeniedException"
    assert without_metadata(sm.delete_resource_policy(SecretId=name)) == {"ARN": arn, "Name": name}
    assert without_metadata(sm.get_resource_policy(SecretId=name)) == {"ARN": arn, "Name": name}
    assert reader.get_secret_value(SecretId=name)["SecretString"] == "v"


def test_a_function_reads_only_its_secret(bulwark, sm, name):
    db = sm.create_secret(Name=f"{name}-db", SecretString="for the function")["ARN"]
    sm.create_secret(Name=f"{name}-other", SecretString="not for it")
    iam = bulwark.client("iam")
    role_name = f"{name}-role"[:64]
    role = iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=json.dumps(TRUST_LAMBDA))["Role"]["Arn"]
    iam.attach_role_policy(RoleName=role_name, PolicyArn=BASIC_EXECUTION_POLICY)
    iam.put_role_policy(RoleName=role_name, PolicyName="db", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": db}]}))
    lam = bulwark.client("lambda")
    lam.create_function(FunctionName=name, Runtime=PYTHON_RUNTIME, Role=role, Handler="app.handler",
                        Code={"ZipFile": python_zip("sdk_caller.py")})
    wait_until_ready(lam, name)
    answer = invoke(lam, name, {"calls": [f"secret:{name}-db", f"secret:{name}-other"]})
    assert answer.function_error is None, answer.raw
    calls = answer.json["calls"]
    assert calls[f"secret:{name}-db"] == {"ok": "for the function"}
    assert calls[f"secret:{name}-other"]["error"] == "AccessDeniedException"


def test_no_plaintext_in_the_data_directory_or_the_trail(bulwark, sm, name):
    planted = f"planted-secret-{uuid.uuid4().hex}"
    sm.create_secret(Name=name, SecretString=planted)
    sm.put_secret_value(SecretId=name, SecretBinary=planted.encode() + b"-binary")
    sm.update_secret(SecretId=name, SecretString=planted + "-updated")
    assert sm.get_secret_value(SecretId=name)["SecretString"] == planted + "-updated"
    encoded = base64.b64encode(planted.encode()).decode()[:24]
    for path in bulwark.data_dir.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert planted.encode() not in data and encoded.encode() not in data, path
    events = [event for event in bulwark.trail_events() if event.get("eventSource") == "secretsmanager.amazonaws.com"]
    assert {"CreateSecret", "PutSecretValue", "UpdateSecret", "GetSecretValue"} <= {event["eventName"] for event in events}
    text = json.dumps(events)
    assert planted not in text and encoded not in text
    create = [event for event in events if event["eventName"] == "CreateSecret" and event["requestParameters"]["name"] == name][-1]
    assert create["requestParameters"]["secretString"] == "HIDDEN_DUE_TO_SECURITY_REASONS"


def test_the_cli(bulwark, name):
    created = bulwark.aws("secretsmanager", "create-secret", "--name", name, "--secret-string", '{"password":"cli"}').json
    assert created["Name"] == name
    value = bulwark.aws("secretsmanager", "get-secret-value", "--secret-id", name).json
    assert value["SecretString"] == '{"password":"cli"}'
    bulwark.aws("secretsmanager", "delete-secret", "--secret-id", name, "--force-delete-without-recovery")
