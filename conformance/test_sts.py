"""STS (issue #4): who the caller is, temporary credentials, and how tampered or misused ones are refused."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError


def session_client(bulwark, service: str, credentials: dict):
    return bulwark.client(service, access_key=credentials["AccessKeyId"], secret_key=credentials["SecretAccessKey"],
                          session_token=credentials["SessionToken"])


def test_caller_identity_of_the_root(bulwark):
    identity = bulwark.client("sts").get_caller_identity()

    assert identity["Account"] == bulwark.account_id
    assert identity["Arn"] == f"arn:aws:iam::{bulwark.account_id}:root"
    assert identity["UserId"] == bulwark.account_id


def test_caller_identity_with_the_cli(bulwark):
    result = bulwark.aws("sts", "get-caller-identity", "--output", "json")

    assert f'"arn:aws:iam::{bulwark.account_id}:root"' in result.stdout


def test_session_token_of_the_root_works_and_is_temporary(bulwark):
    credentials = bulwark.client("sts").get_session_token(DurationSeconds=900)["Credentials"]

    assert credentials["AccessKeyId"].startswith("ASIA")
    assert len(credentials["SecretAccessKey"]) == 40
    sts = session_client(bulwark, "sts", credentials)
    assert sts.get_caller_identity()["Arn"] == f"arn:aws:iam::{bulwark.account_id}:root"
    assert "Functions" in session_client(bulwark, "lambda", credentials).list_functions()


def test_session_credentials_cannot_get_another_session_token(bulwark):
    credentials = bulwark.client("sts").get_session_token()["Credentials"]

    with pytest.raises(ClientError) as refused:
        session_client(bulwark, "sts", credentials).get_session_token()

    assert refused.value.response["Error"]["Code"] == "AccessDenied"
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_tampered_session_token_is_refused(bulwark):
    credentials = bulwark.client("sts").get_session_token()["Credentials"]
    token = credentials["SessionToken"]
    credentials["SessionToken"] = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")

    with pytest.raises(ClientError) as refused:
        session_client(bulwark, "sts", credentials).get_caller_identity()

    assert refused.value.response["Error"]["Code"] == "InvalidClientTokenId"
    with pytest.raises(ClientError) as refused:
        session_client(bulwark, "lambda", credentials).list_functions()
    assert refused.value.response["Error"]["Code"] == "UnrecognizedClientException"


def test_root_cannot_assume_a_role(bulwark):
    with pytest.raises(ClientError) as refused:
        bulwark.client("sts").assume_role(RoleArn=f"arn:aws:iam::{bulwark.account_id}:role/any", RoleSessionName="session")

    assert refused.value.response["Error"]["Code"] == "AccessDenied"
    assert refused.value.response["Error"]["Message"] == "Roles may not be assumed by root accounts."


def test_mfa_code_without_a_device_is_refused(bulwark):
    with pytest.raises(ClientError) as refused:
        bulwark.client("sts").get_session_token(SerialNumber=f"arn:aws:iam::{bulwark.account_id}:mfa/none", TokenCode="123456")

    assert refused.value.response["Error"]["Code"] == "AccessDenied"


def test_duration_out_of_range_is_a_validation_error(bulwark):
    with pytest.raises(ClientError) as refused:
        bulwark.client("sts", validate=False).get_session_token(DurationSeconds=60)

    assert refused.value.response["Error"]["Code"] == "ValidationError"
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_unknown_sts_action_is_invalid_action(bulwark):
    with pytest.raises(ClientError) as refused:
        bulwark.client("sts").get_access_key_info(AccessKeyId="AKIAIOSFODNN7EXAMPLE")

    assert refused.value.response["Error"]["Code"] in ("NotImplemented", "InvalidAction")
