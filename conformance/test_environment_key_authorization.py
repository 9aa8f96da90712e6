"""The customer managed key of a function's environment variables passes the pipeline (issue #11, decision
0013): the key a request names is resolved and the caller is asked the KMS permissions AWS asks of a user who
sets such a key; a caller who may not decrypt with it sees `Environment.Error` instead of the variables; and
Lambda's own decryption to start an execution environment is in the trail.

AWS's behaviour:
- Lambda's "Securing environment variables": to configure a customer managed key on a function a user needs
  kms:CreateGrant and kms:Encrypt on it; to view and manage the variables, kms:Decrypt. Only users with
  access to the key can view or manage the variables. The key policy is the key's resource policy.
- GetFunctionConfiguration answers `Environment: {"Error": {"ErrorCode", "Message"}}` (EnvironmentError of
  botocore's lambda model) instead of `Variables` when the variables cannot be decrypted for the caller.
- CloudTrail records a call an AWS service makes itself with `userIdentity: {"type": "AWSService",
  "invokedBy": <service>}`, the service as sourceIPAddress and userAgent; a KMS Decrypt records its
  encryptionContext and encryptionAlgorithm, never the plaintext.
"""

from __future__ import annotations

import json

from support.functions import create, invoke, python_zip
from support.lam import expect_error, role_arn, wait_for

PLANTED = "planted-launch-value-7d41c3"
DENIED_DECRYPT = (
    "Lambda was unable to decrypt the environment variables because KMS access was denied. Please check the "
    "function's KMS key settings. KMS Exception: AccessDeniedExceptionKMS Message: "
)


def user(bulwark, name: str, statements: list[dict]):
    iam = bulwark.client("iam")
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    arn = iam.get_user(UserName=name)["User"]["Arn"]
    return arn, bulwark.client("lambda", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])


def creator_statements(account: str, *extra: dict) -> list[dict]:
    return [
        {"Effect": "Allow", "Action": ["lambda:CreateFunction", "lambda:UpdateFunctionConfiguration", "lambda:GetFunction*"],
         "Resource": "*"},
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": role_arn(account)},
        *extra,
    ]


def without_metadata(answer: dict) -> dict:
    return {key: value for key, value in answer.items() if key != "ResponseMetadata"}


def new_function(client, account: str, name: str, **parameters) -> dict:
    return client.create_function(
        FunctionName=name, Runtime="python3.12", Role=role_arn(account), Handler="app.handler",
        Code={"ZipFile": python_zip()}, **parameters)


def test_setting_a_customer_key_needs_create_grant_and_encrypt(bulwark, unique_name):
    account = bulwark.account_id
    key_arn = bulwark.client("kms").create_key()["KeyMetadata"]["Arn"]
    user_arn, denied = user(bulwark, f"{unique_name}-a", creator_statements(account))
    expect_error(
        lambda: new_function(denied, account, unique_name, KMSKeyArn=key_arn, Environment={"Variables": {"MODE": "one"}}),
        "AccessDeniedException", 403,
        f"User: {user_arn} is not authorized to perform: kms:CreateGrant on resource: {key_arn} "
        "because no identity-based policy allows the kms:CreateGrant action")
    expect_error(lambda: bulwark.client("lambda").get_function(FunctionName=unique_name), "ResourceNotFoundException", 404)

    # kms:CreateGrant alone is not enough: Lambda also encrypts with the caller's permission.
    user_arn, half = user(bulwark, f"{unique_name}-b", creator_statements(
        account, {"Effect": "Allow", "Action": "kms:CreateGrant", "Resource": key_arn}))
    expect_error(
        lambda: new_function(half, account, unique_name, KMSKeyArn=key_arn),
        "AccessDeniedException", 403,
        f"User: {user_arn} is not authorized to perform: kms:Encrypt on resource: {key_arn} "
        "because no identity-based policy allows the kms:Encrypt action")

    _, allowed = user(bulwark, f"{unique_name}-c", creator_statements(
        account, {"Effect": "Allow", "Action": ["kms:CreateGrant", "kms:Encrypt"], "Resource": key_arn,
                  "Condition": {"StringEquals": {"kms:ViaService": "lambda.us-east-1.amazonaws.com"}}}))
    created = new_function(allowed, account, unique_name, KMSKeyArn=key_arn, Environment={"Variables": {"MODE": "one"}})
    assert (created["KMSKeyArn"], created["Environment"]) == (key_arn, {"Variables": {"MODE": "one"}})

    # Pointing an existing function at a key is judged the same way.
    other_key = bulwark.client("kms").create_key()["KeyMetadata"]["Arn"]
    expect_error(
        lambda: allowed.update_function_configuration(FunctionName=unique_name, KMSKeyArn=other_key),
        "AccessDeniedException", 403, message_prefix=f"User: arn:aws:iam::{account}:user/{unique_name}-c is not authorized "
        f"to perform: kms:CreateGrant on resource: {other_key}")
    assert bulwark.client("lambda").get_function_configuration(FunctionName=unique_name)["KMSKeyArn"] == key_arn


def test_a_key_policy_that_does_not_allow_the_account_refuses_even_an_allowed_user(bulwark, unique_name):
    account = bulwark.account_id
    iam = bulwark.client("iam")
    iam.create_user(UserName=f"{unique_name}-owner")
    owner = iam.get_user(UserName=f"{unique_name}-owner")["User"]["Arn"]
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": owner}, "Action": "kms:*", "Resource": "*"}]}
    key_arn = bulwark.client("kms").create_key(Policy=json.dumps(policy), BypassPolicyLockoutSafetyCheck=True)["KeyMetadata"]["Arn"]
    user_arn, client = user(bulwark, f"{unique_name}-u", creator_statements(
        account, {"Effect": "Allow", "Action": "kms:*", "Resource": "*"}))
    expect_error(
        lambda: new_function(client, account, unique_name, KMSKeyArn=key_arn),
        "AccessDeniedException", 403, message_prefix=f"User: {user_arn} is not authorized to perform: kms:CreateGrant on resource: {key_arn}")


def test_a_caller_who_may_not_decrypt_sees_the_environment_error(bulwark, unique_name):
    account = bulwark.account_id
    admin = bulwark.client("lambda")
    key_arn = bulwark.client("kms").create_key()["KeyMetadata"]["Arn"]
    create(bulwark, unique_name, KMSKeyArn=key_arn, Environment={"Variables": {"MODE": "secret-mode"}})
    full = without_metadata(admin.get_function_configuration(FunctionName=unique_name))
    assert full["Environment"] == {"Variables": {"MODE": "secret-mode"}}

    reader = [{"Effect": "Allow", "Action": ["lambda:GetFunction", "lambda:GetFunctionConfiguration"], "Resource": "*"}]
    user_arn, client = user(bulwark, f"{unique_name}-r", reader)
    error = {"Error": {
        "ErrorCode": "AccessDeniedException",
        "Message": f"{DENIED_DECRYPT}User: {user_arn} is not authorized to perform: kms:Decrypt on resource: {key_arn} "
                   "because no identity-based policy allows the kms:Decrypt action",
    }}
    assert without_metadata(client.get_function_configuration(FunctionName=unique_name)) == {**full, "Environment": error}
    got = client.get_function(FunctionName=unique_name)
    assert got["Configuration"] == {**full, "Environment": error}

    _, decrypting = user(bulwark, f"{unique_name}-d", reader + [
        {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": key_arn,
         "Condition": {"StringEquals": {"kms:ViaService": "lambda.us-east-1.amazonaws.com"}}}])
    assert without_metadata(decrypting.get_function_configuration(FunctionName=unique_name)) == full
    assert decrypting.get_function(FunctionName=unique_name)["Configuration"] == full

    # Variables under the AWS managed key are shown to any caller allowed to read the function.
    create(bulwark, f"{unique_name}-m", Environment={"Variables": {"MODE": "managed"}})
    assert client.get_function_configuration(FunctionName=f"{unique_name}-m")["Environment"] == {"Variables": {"MODE": "managed"}}


def test_updates_answer_the_environment_error_to_a_caller_who_may_not_decrypt(bulwark, unique_name):
    """UpdateFunctionCode and UpdateFunctionConfiguration answer the configuration, variables included: a
    caller allowed to update but not to decrypt with the function's key sees the error, as from
    GetFunctionConfiguration."""
    admin = bulwark.client("lambda")
    key_arn = bulwark.client("kms").create_key()["KeyMetadata"]["Arn"]
    create(bulwark, unique_name, KMSKeyArn=key_arn, Environment={"Variables": {"MODE": "kept-secret"}})
    user_arn, updater = user(bulwark, f"{unique_name}-u", [
        {"Effect": "Allow", "Action": ["lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration"], "Resource": "*"}])
    error = {"Error": {
        "ErrorCode": "AccessDeniedException",
        "Message": f"{DENIED_DECRYPT}User: {user_arn} is not authorized to perform: kms:Decrypt on resource: {key_arn} "
                   "because no identity-based policy allows the kms:Decrypt action",
    }}
    assert updater.update_function_code(FunctionName=unique_name, ZipFile=python_zip())["Environment"] == error
    wait_for(admin, "function_updated_v2", unique_name)
    assert updater.update_function_configuration(FunctionName=unique_name, MemorySize=256)["Environment"] == error
    wait_for(admin, "function_updated_v2", unique_name)
    # The variables are kept, and shown to a caller who may decrypt.
    assert admin.get_function_configuration(FunctionName=unique_name)["Environment"] == {"Variables": {"MODE": "kept-secret"}}


def test_changing_the_variables_under_the_functions_key_needs_kms_decrypt(bulwark, unique_name):
    account = bulwark.account_id
    key_arn = bulwark.client("kms").create_key()["KeyMetadata"]["Arn"]
    create(bulwark, unique_name, KMSKeyArn=key_arn, Environment={"Variables": {"MODE": "a"}})
    user_arn, client = user(bulwark, f"{unique_name}-u", creator_statements(account))
    expect_error(
        lambda: client.update_function_configuration(FunctionName=unique_name, Environment={"Variables": {"MODE": "b"}}),
        "AccessDeniedException", 403,
        f"User: {user_arn} is not authorized to perform: kms:Decrypt on resource: {key_arn} "
        "because no identity-based policy allows the kms:Decrypt action")
    # Other settings need no key permission.
    assert client.update_function_configuration(FunctionName=unique_name, Timeout=9)["Timeout"] == 9


def test_starting_an_environment_records_lambdas_decrypt_in_the_trail(bulwark, unique_name):
    kms = bulwark.client("kms")
    key_arn = kms.create_key()["KeyMetadata"]["Arn"]
    create(bulwark, unique_name, python_zip("environment.py"), KMSKeyArn=key_arn, Environment={"Variables": {"PLANTED_VALUE": PLANTED}})
    before = {event["eventID"] for event in bulwark.trail_events()}
    result = invoke(bulwark.client("lambda"), unique_name, {})
    assert result.function_error is None, result
    assert result.json["environ"]["PLANTED_VALUE"] == PLANTED

    new = [event for event in bulwark.trail_events() if event["eventID"] not in before]
    decrypts = [event for event in new if (event["eventSource"], event["eventName"]) == ("kms.amazonaws.com", "Decrypt")]
    assert decrypts, new
    event = decrypts[0]
    volatile = ("eventTime", "eventID", "requestID")
    assert {key: value for key, value in event.items() if key not in volatile} == {
        "eventVersion": "1.08",
        "userIdentity": {"type": "AWSService", "invokedBy": "lambda.amazonaws.com"},
        "eventSource": "kms.amazonaws.com",
        "eventName": "Decrypt",
        "awsRegion": "us-east-1",
        "sourceIPAddress": "lambda.amazonaws.com",
        "userAgent": "lambda.amazonaws.com",
        "requestParameters": {"encryptionContext": {"LambdaFunctionName": unique_name}, "encryptionAlgorithm": "SYMMETRIC_DEFAULT"},
        "responseElements": None,
        "readOnly": True,
        "resources": [{"ARN": key_arn, "accountId": bulwark.account_id, "type": "AWS::KMS::Key"}],
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": bulwark.account_id,
        "eventCategory": "Management",
    }
    assert all(PLANTED not in json.dumps(event) for event in new)

    # The warm environment keeps its variables: another invocation decrypts nothing.
    before = {event["eventID"] for event in bulwark.trail_events()}
    assert invoke(bulwark.client("lambda"), unique_name, {}).json["environ"]["PLANTED_VALUE"] == PLANTED
    assert [event for event in bulwark.trail_events()
            if event["eventID"] not in before and event["eventSource"] == "kms.amazonaws.com"] == []

    # A decryption that fails is recorded with KMS's error: the key is disabled, and a change of
    # configuration (not of the variables) retires the warm environment, so the next one must decrypt.
    kms.disable_key(KeyId=key_arn)
    bulwark.client("lambda").update_function_configuration(FunctionName=unique_name, Timeout=7)
    wait_for(bulwark.client("lambda"), "function_updated_v2", unique_name)
    before = {event["eventID"] for event in bulwark.trail_events()}
    expect_error(lambda: invoke(bulwark.client("lambda"), unique_name, {}), "KMSDisabledException", 502)
    failed = [event for event in bulwark.trail_events()
              if event["eventID"] not in before and event["eventName"] == "Decrypt" and event["eventSource"] == "kms.amazonaws.com"]
    assert [(event["errorCode"], event["errorMessage"]) for event in failed][:1] == [("DisabledException", f"{key_arn} is disabled.")]
    kms.enable_key(KeyId=key_arn)


def listed(client, names: set[str]) -> dict[str, dict]:
    """The entries of ListFunctions for `names`, following NextMarker."""
    entries, marker = {}, None
    while True:
        page = client.list_functions(**({"Marker": marker} if marker else {}))
        entries.update({entry["FunctionName"]: entry for entry in page["Functions"] if entry["FunctionName"] in names})
        marker = page.get("NextMarker")
        if not marker:
            return entries


def test_listing_functions_shows_the_environment_error_for_keys_the_caller_may_not_decrypt(bulwark, unique_name):
    admin = bulwark.client("lambda")
    kms = bulwark.client("kms")
    key_arn = kms.create_key()["KeyMetadata"]["Arn"]
    other_key = kms.create_key()["KeyMetadata"]["Arn"]
    names = {f"{unique_name}-k1", f"{unique_name}-k2", f"{unique_name}-o", f"{unique_name}-m", f"{unique_name}-n"}
    create(bulwark, f"{unique_name}-k1", KMSKeyArn=key_arn, Environment={"Variables": {"MODE": "one"}})
    create(bulwark, f"{unique_name}-k2", KMSKeyArn=key_arn, Environment={"Variables": {"MODE": "two"}})
    create(bulwark, f"{unique_name}-o", KMSKeyArn=other_key, Environment={"Variables": {"MODE": "other"}})
    create(bulwark, f"{unique_name}-m", Environment={"Variables": {"MODE": "managed"}})
    create(bulwark, f"{unique_name}-n")
    full = listed(admin, names)
    assert {name: entry.get("Environment") for name, entry in full.items()} == {
        f"{unique_name}-k1": {"Variables": {"MODE": "one"}},
        f"{unique_name}-k2": {"Variables": {"MODE": "two"}},
        f"{unique_name}-o": {"Variables": {"MODE": "other"}},
        f"{unique_name}-m": {"Variables": {"MODE": "managed"}},
        f"{unique_name}-n": None,
    }

    # Allowed to list, not to decrypt: the functions under a customer key show the error, in whole entries;
    # those under aws/lambda show their variables.
    user_arn, client = user(bulwark, f"{unique_name}-l", [{"Effect": "Allow", "Action": "lambda:ListFunctions", "Resource": "*"}])

    def error(key: str) -> dict:
        return {"Error": {
            "ErrorCode": "AccessDeniedException",
            "Message": f"{DENIED_DECRYPT}User: {user_arn} is not authorized to perform: kms:Decrypt on resource: {key} "
                       "because no identity-based policy allows the kms:Decrypt action",
        }}

    assert listed(client, names) == {
        **full,
        f"{unique_name}-k1": {**full[f"{unique_name}-k1"], "Environment": error(key_arn)},
        f"{unique_name}-k2": {**full[f"{unique_name}-k2"], "Environment": error(key_arn)},
        f"{unique_name}-o": {**full[f"{unique_name}-o"], "Environment": error(other_key)},
    }

    # kms:Decrypt on one key (through Lambda) shows the variables under it, and only under it.
    _, decrypting = user(bulwark, f"{unique_name}-d", [
        {"Effect": "Allow", "Action": "lambda:ListFunctions", "Resource": "*"},
        {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": key_arn,
         "Condition": {"StringEquals": {"kms:ViaService": "lambda.us-east-1.amazonaws.com"}}}])
    shown = listed(decrypting, names)
    assert {name: entry for name, entry in shown.items() if name != f"{unique_name}-o"} == {
        name: entry for name, entry in full.items() if name != f"{unique_name}-o"}
    assert shown[f"{unique_name}-o"]["Environment"]["Error"]["ErrorCode"] == "AccessDeniedException"

    # A condition the request does not meet is judged as for one function: kms:ViaService of another service.
    _, elsewhere = user(bulwark, f"{unique_name}-e", [
        {"Effect": "Allow", "Action": "lambda:ListFunctions", "Resource": "*"},
        {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*",
         "Condition": {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}}])
    assert {name: "Error" in (entry.get("Environment") or {}) for name, entry in listed(elsewhere, names).items()} == {
        f"{unique_name}-k1": True, f"{unique_name}-k2": True, f"{unique_name}-o": True,
        f"{unique_name}-m": False, f"{unique_name}-n": False}

    # An explicit deny in the identity policy wins over the account's administrator-like allow.
    _, denied = user(bulwark, f"{unique_name}-x", [
        {"Effect": "Allow", "Action": ["lambda:ListFunctions", "kms:*"], "Resource": "*"},
        {"Effect": "Deny", "Action": "kms:Decrypt", "Resource": other_key}])
    shown = listed(denied, names)
    assert shown[f"{unique_name}-k1"] == full[f"{unique_name}-k1"]
    assert shown[f"{unique_name}-o"]["Environment"]["Error"]["Message"].endswith(
        f"is not authorized to perform: kms:Decrypt on resource: {other_key} with an explicit deny in an identity-based policy")


def test_listing_a_function_whose_key_policy_does_not_allow_the_account_shows_the_error(bulwark, unique_name):
    iam = bulwark.client("iam")
    iam.create_user(UserName=f"{unique_name}-owner")
    owner = iam.get_user(UserName=f"{unique_name}-owner")["User"]["Arn"]
    kms = bulwark.client("kms")
    key_arn = kms.create_key()["KeyMetadata"]["Arn"]
    create(bulwark, unique_name, KMSKeyArn=key_arn, Environment={"Variables": {"MODE": "x"}})
    # Only another user may use the key now (and Lambda, through the grant it holds).
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": owner}, "Action": "kms:*", "Resource": "*"}]}
    kms.put_key_policy(KeyId=key_arn, Policy=json.dumps(policy), BypassPolicyLockoutSafetyCheck=True)
    user_arn, client = user(bulwark, f"{unique_name}-u", [{"Effect": "Allow", "Action": ["lambda:ListFunctions", "kms:*"], "Resource": "*"}])
    entry = listed(client, {unique_name})[unique_name]
    assert entry["Environment"] == {"Error": {
        "ErrorCode": "AccessDeniedException",
        "Message": f"{DENIED_DECRYPT}User: {user_arn} is not authorized to perform: kms:Decrypt on resource: {key_arn} "
                   "because no resource-based policy allows the kms:Decrypt action"}}
