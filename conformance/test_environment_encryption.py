"""Environment variables encrypted with KMS (issue #11 item 2), through boto3 and the aws CLI: always stored
encrypted — under the function's KMSKeyArn, else under the account's AWS managed key aws/lambda, created on
first need — with the function name as encryption context; shown in plaintext to a caller allowed to read the
function, and decrypted to start an execution environment.

AWS's behaviour:
- GetFunctionConfiguration shows `Environment.Variables`, and `KMSKeyArn` only when a customer managed key
  was given (Lambda API reference, FunctionConfiguration); an empty KMSKeyArn returns to the AWS managed key.
- The AWS managed key is listed as alias/aws/lambda with KeyManager AWS and the description "Default master
  key that protects my Lambda functions when no other key is defined".
- Invoke answers 502 KMSDisabledException / KMSInvalidStateException / KMSNotFoundException when the key
  cannot decrypt the variables (botocore's lambda model, each error's documentation as its message); the
  configuration then shows `Environment.Error` with that code instead of the variables.
- A KMSKeyArn that the key cannot serve is refused with InvalidParameterValueException "Lambda was unable to
  configure access to your environment variables because the KMS key is invalid for CreateGrant. Please
  check your KMS key settings. KMS Exception: <code>KMS Message: <message>". An alias ARN is such a key:
  KMS's CreateGrant answers InvalidArnException "Key Aliases are not supported for this operation." (public
  reports of this exact answer); text that is not an ARN at all fails the model's pattern for KMSKeyArn.
"""

from __future__ import annotations

import json
import sqlite3

from support.functions import create, invoke, python_zip
from support.lam import create_function, expect_error
from test_kms_master_key import assert_nowhere

PLANTED = "planted-env-value-5c2e91"
ALIASES_REFUSED = "InvalidArnExceptionKMS Message: Key Aliases are not supported for this operation."
CREATE_GRANT = (
    "Lambda was unable to configure access to your environment variables because the KMS key is invalid for "
    "CreateGrant. Please check your KMS key settings. KMS Exception: "
)
DISABLED = (
    "Lambda couldn't decrypt the environment variables because the KMS key used is disabled. "
    "Check the Lambda function's KMS key settings."
)
INVALID_STATE = (
    "Lambda couldn't decrypt the environment variables because the state of the KMS key used is not valid "
    "for Decrypt. Check the function's KMS key settings."
)


def environment_zip() -> bytes:
    return python_zip("environment.py")


def seen_by_the_function(lambda_client, name: str) -> dict:
    result = invoke(lambda_client, name, {})
    assert result.function_error is None, result
    return result.json["environ"]


def test_variables_are_shown_and_kms_key_arn_only_when_given(bulwark, lambda_client, unique_name):
    created = create_function(
        lambda_client, bulwark.account_id, unique_name, Environment={"Variables": {"MODE": "prod", "EMPTY": ""}})
    assert created["Environment"] == {"Variables": {"MODE": "prod", "EMPTY": ""}}
    assert "KMSKeyArn" not in created
    got = lambda_client.get_function_configuration(FunctionName=unique_name)
    assert got["Environment"] == {"Variables": {"MODE": "prod", "EMPTY": ""}}
    assert "KMSKeyArn" not in got
    assert lambda_client.get_function(FunctionName=unique_name)["Configuration"]["Environment"] == got["Environment"]
    listed = [f for f in lambda_client.list_functions()["Functions"] if f["FunctionName"] == unique_name]
    assert listed[0]["Environment"] == got["Environment"]


def test_the_aws_managed_key_is_created_on_first_need(bulwark, lambda_client, unique_name):
    create_function(lambda_client, bulwark.account_id, unique_name, Environment={"Variables": {"AA": "1"}})
    kms = bulwark.client("kms")
    aliases = [a for a in kms.list_aliases()["Aliases"] if a["AliasName"] == "alias/aws/lambda"]
    assert len(aliases) == 1
    alias = aliases[0]
    assert alias["AliasArn"] == f"arn:aws:kms:us-east-1:{bulwark.account_id}:alias/aws/lambda"
    metadata = kms.describe_key(KeyId="alias/aws/lambda")["KeyMetadata"]
    assert metadata["KeyId"] == alias["TargetKeyId"]
    assert (metadata["KeyManager"], metadata["KeyState"], metadata["KeySpec"]) == ("AWS", "Enabled", "SYMMETRIC_DEFAULT")
    assert metadata["Description"] == "Default master key that protects my Lambda functions when no other key is defined"
    # A second function uses the same key: one AWS managed key per account and region.
    create_function(lambda_client, bulwark.account_id, f"{unique_name}-2", Environment={"Variables": {"BB": "2"}})
    assert [a["TargetKeyId"] for a in kms.list_aliases()["Aliases"] if a["AliasName"] == "alias/aws/lambda"] == [metadata["KeyId"]]


def test_the_function_sees_its_variables(bulwark, lambda_client, unique_name):
    create(bulwark, unique_name, environment_zip(), Environment={"Variables": {"OWN": "mine", "ALSO_PLANTED": PLANTED}})
    environ = seen_by_the_function(lambda_client, unique_name)
    assert (environ["OWN"], environ["ALSO_PLANTED"]) == ("mine", PLANTED)


def test_a_customer_key_encrypts_and_an_empty_arn_returns_to_the_managed_key(bulwark, lambda_client, unique_name):
    kms = bulwark.client("kms")
    key_arn = kms.create_key(Description="env")["KeyMetadata"]["Arn"]
    created = create(bulwark, unique_name, environment_zip(), KMSKeyArn=key_arn, Environment={"Variables": {"MODE": "cmk"}})
    assert created["KMSKeyArn"] == key_arn
    assert created["Environment"] == {"Variables": {"MODE": "cmk"}}
    assert seen_by_the_function(lambda_client, unique_name)["MODE"] == "cmk"

    updated = lambda_client.update_function_configuration(FunctionName=unique_name, KMSKeyArn="")
    assert "KMSKeyArn" not in updated
    assert updated["Environment"] == {"Variables": {"MODE": "cmk"}}
    # The variables now live under aws/lambda: disabling the customer key no longer matters.
    kms.disable_key(KeyId=key_arn)
    lambda_client.get_waiter("function_updated_v2").wait(FunctionName=unique_name)
    assert seen_by_the_function(lambda_client, unique_name)["MODE"] == "cmk"


def test_a_disabled_key_stops_invoke_with_awss_error(bulwark, lambda_client, unique_name):
    kms = bulwark.client("kms")
    key_arn = kms.create_key()["KeyMetadata"]["Arn"]
    create(bulwark, unique_name, environment_zip(), KMSKeyArn=key_arn, Environment={"Variables": {"MODE": "x"}})
    kms.disable_key(KeyId=key_arn)

    expect_error(lambda: invoke(lambda_client, unique_name, {}), "KMSDisabledException", 502, DISABLED)
    shown = lambda_client.get_function_configuration(FunctionName=unique_name)
    assert shown["Environment"] == {"Error": {"ErrorCode": "KMSDisabledException", "Message": DISABLED}}
    assert shown["KMSKeyArn"] == key_arn
    expect_error(
        lambda: lambda_client.update_function_configuration(FunctionName=unique_name, Environment={"Variables": {"MODE": "y"}}),
        "InvalidParameterValueException", 400, f"{CREATE_GRANT}DisabledExceptionKMS Message: {key_arn} is disabled.")

    kms.enable_key(KeyId=key_arn)
    assert seen_by_the_function(lambda_client, unique_name)["MODE"] == "x"


def test_a_key_pending_deletion_stops_invoke_with_awss_error(bulwark, lambda_client, unique_name):
    kms = bulwark.client("kms")
    key_arn = kms.create_key()["KeyMetadata"]["Arn"]
    create(bulwark, unique_name, environment_zip(), KMSKeyArn=key_arn, Environment={"Variables": {"MODE": "x"}})
    kms.schedule_key_deletion(KeyId=key_arn, PendingWindowInDays=7)

    expect_error(lambda: invoke(lambda_client, unique_name, {}), "KMSInvalidStateException", 502, INVALID_STATE)
    expect_error(
        lambda: lambda_client.update_function_configuration(FunctionName=unique_name, Environment={"Variables": {"MODE": "y"}}),
        "InvalidParameterValueException", 400,
        f"{CREATE_GRANT}KMSInvalidStateExceptionKMS Message: {key_arn} is pending deletion.")
    # A new function cannot choose it either.
    expect_error(
        lambda: create_function(lambda_client, bulwark.account_id, f"{unique_name}-2", KMSKeyArn=key_arn),
        "InvalidParameterValueException", 400,
        f"{CREATE_GRANT}KMSInvalidStateExceptionKMS Message: {key_arn} is pending deletion.")


def test_bad_kms_key_arn_values_are_refused_and_nothing_is_created(bulwark, lambda_client, unique_name):
    account = bulwark.account_id
    missing = f"arn:aws:kms:us-east-1:{account}:key/00000000-0000-0000-0000-000000000000"
    cases = [
        (missing, f"{CREATE_GRANT}NotFoundExceptionKMS Message: Key '{missing}' does not exist"),
        # KMS's CreateGrant, which Lambda calls with the key, takes no alias: refused whether the alias exists or not.
        (f"arn:aws:kms:us-east-1:{account}:alias/no-such-alias", f"{CREATE_GRANT}{ALIASES_REFUSED}"),
        ("arn:aws:s3:::bucket",
         f"{CREATE_GRANT}InvalidArnExceptionKMS Message: ARN 'arn:aws:s3:::bucket' is not a valid KMS key or alias ARN"),
    ]
    for arn, message in cases:
        expect_error(lambda: create_function(lambda_client, account, unique_name, KMSKeyArn=arn), "InvalidParameterValueException", 400, message)
        expect_error(lambda: lambda_client.get_function(FunctionName=unique_name), "ResourceNotFoundException", 404)
    # Not an ARN at all: the model's pattern refuses it before Lambda looks.
    expect_error(
        lambda: create_function(lambda_client, account, unique_name, KMSKeyArn="alias/app"), "ValidationException", 400,
        "1 validation error detected: Value 'alias/app' at 'kMSKeyArn' failed to satisfy constraint: Member must satisfy "
        "regular expression pattern: (arn:(aws[a-zA-Z-]*)?:[a-z0-9-.]+:.*)|()")

    created = create_function(lambda_client, account, unique_name, Environment={"Variables": {"AA": "1"}})
    expect_error(
        lambda: lambda_client.update_function_configuration(FunctionName=unique_name, KMSKeyArn=missing, Timeout=9),
        "InvalidParameterValueException", 400, cases[0][1])
    after = lambda_client.get_function_configuration(FunctionName=unique_name)
    assert (after["Timeout"], after["RevisionId"], "KMSKeyArn" in after) == (created["Timeout"], created["RevisionId"], False)


def test_an_alias_arn_is_refused_as_kms_create_grant_refuses_it(bulwark, lambda_client, unique_name):
    account = bulwark.account_id
    kms = bulwark.client("kms")
    key_arn = kms.create_key()["KeyMetadata"]["Arn"]
    kms.create_alias(AliasName=f"alias/{unique_name}", TargetKeyId=key_arn)
    alias_arn = f"arn:aws:kms:us-east-1:{account}:alias/{unique_name}"
    expect_error(
        lambda: create_function(lambda_client, account, unique_name, KMSKeyArn=alias_arn, Environment={"Variables": {"AA": "1"}}),
        "InvalidParameterValueException", 400, f"{CREATE_GRANT}{ALIASES_REFUSED}")
    expect_error(lambda: lambda_client.get_function(FunctionName=unique_name), "ResourceNotFoundException", 404)
    expect_error(
        lambda: create_function(lambda_client, account, unique_name, KMSKeyArn=f"alias/{unique_name}"), "ValidationException", 400,
        f"1 validation error detected: Value 'alias/{unique_name}' at 'kMSKeyArn' failed to satisfy constraint: Member must "
        "satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:[a-z0-9-.]+:.*)|()")

    # Nor can an existing function be pointed at it; the key's own ARN is accepted.
    created = create_function(lambda_client, account, unique_name, Environment={"Variables": {"AA": "1"}})
    expect_error(
        lambda: lambda_client.update_function_configuration(FunctionName=unique_name, KMSKeyArn=alias_arn),
        "InvalidParameterValueException", 400, f"{CREATE_GRANT}{ALIASES_REFUSED}")
    after = lambda_client.get_function_configuration(FunctionName=unique_name)
    assert (after["RevisionId"], "KMSKeyArn" in after) == (created["RevisionId"], False)
    updated = lambda_client.update_function_configuration(FunctionName=unique_name, KMSKeyArn=key_arn)
    assert (updated["KMSKeyArn"], updated["Environment"]) == (key_arn, {"Variables": {"AA": "1"}})


def test_the_cli_sets_a_customer_key_and_variables(bulwark, lambda_client, unique_name):
    create_function(lambda_client, bulwark.account_id, unique_name)
    key_arn = bulwark.aws("kms", "create-key", "--description", "app").json["KeyMetadata"]["Arn"]
    bulwark.aws("kms", "create-alias", "--alias-name", f"alias/{unique_name}", "--target-key-id", key_arn)
    updated = bulwark.aws(
        "lambda", "update-function-configuration", "--function-name", unique_name, "--kms-key-arn", key_arn,
        "--environment", "Variables={MODE=prod}").json
    assert (updated["KMSKeyArn"], updated["Environment"]) == (key_arn, {"Variables": {"MODE": "prod"}})
    shown = bulwark.aws("lambda", "get-function-configuration", "--function-name", unique_name).json
    assert (shown["KMSKeyArn"], shown["Environment"]) == (key_arn, {"Variables": {"MODE": "prod"}})


def test_no_plaintext_value_in_the_data_directory_or_the_trail(fresh_bulwark, unique_name):
    server = fresh_bulwark().start()
    lambda_client = server.client("lambda")
    key_arn = server.client("kms").create_key()["KeyMetadata"]["Arn"]
    create(server, unique_name, environment_zip(), Environment={"Variables": {"PLANTED": PLANTED}})
    create(server, f"{unique_name}-cmk", environment_zip(), KMSKeyArn=key_arn, Environment={"Variables": {"PLANTED": PLANTED}})
    lambda_client.update_function_configuration(FunctionName=unique_name, Environment={"Variables": {"PLANTED": PLANTED, "BB": "2"}})
    lambda_client.get_waiter("function_updated_v2").wait(FunctionName=unique_name)
    for name in (unique_name, f"{unique_name}-cmk"):
        assert seen_by_the_function(lambda_client, name)["PLANTED"] == PLANTED
        assert lambda_client.get_function_configuration(FunctionName=name)["Environment"]["Variables"]["PLANTED"] == PLANTED
    assert any(e["eventName"].startswith("CreateFunction") for e in server.trail_events())
    server.stop()
    assert_nowhere(server.data_dir, PLANTED.encode())


def test_variables_stored_in_plaintext_before_are_encrypted_at_start(fresh_bulwark, unique_name):
    server = fresh_bulwark().start()
    create(server, unique_name, environment_zip())
    server.stop()
    # The configuration as Bulwark stored it before environments were encrypted: plaintext variables.
    database = sqlite3.connect(server.data_dir / "bulwark.sqlite")
    (stored,) = database.execute(
        "SELECT configuration FROM lambdaFunctionVersion WHERE functionName = ?", (unique_name,)).fetchone()
    legacy = json.loads(stored)
    assert "sealedEnvironment" not in legacy and legacy["environment"] == {}
    legacy["environment"] = {"PLANTED": PLANTED}
    legacy["environmentGiven"] = True
    database.execute(
        "UPDATE lambdaFunctionVersion SET configuration = ? WHERE functionName = ?",
        (json.dumps(legacy, sort_keys=True).encode(), unique_name))
    database.commit()
    database.close()

    server.start()
    lambda_client = server.client("lambda")
    assert lambda_client.get_function_configuration(FunctionName=unique_name)["Environment"] == {"Variables": {"PLANTED": PLANTED}}
    assert seen_by_the_function(lambda_client, unique_name)["PLANTED"] == PLANTED
    server.stop()
    assert_nowhere(server.data_dir, PLANTED.encode())
