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
        bulwark.client("sts").assume_root(TargetPrincipal="123456789012", TaskPolicyArn={"arn": "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"})

    assert refused.value.response["Error"]["Code"] in ("NotImplemented", "InvalidAction")


def test_an_expired_session_token_is_refused(fresh_bulwark):
    import sqlite3

    server = fresh_bulwark().start()
    credentials = server.client("sts").get_session_token(DurationSeconds=900)["Credentials"]
    assert session_client(server, "sts", credentials).get_caller_identity()["Account"] == server.account_id

    # Fifteen minutes pass while the server is down: its store says the session is over.
    server.stop()
    with sqlite3.connect(server.data_dir / "bulwark.sqlite") as store:
        changed = store.execute("UPDATE stsSession SET expiresAt = datetime('now', '-1 minute') WHERE accessKeyID = ?",
                                (credentials["AccessKeyId"],)).rowcount
    assert changed == 1
    server.start()

    for service, code in (("sts", "ExpiredToken"), ("lambda", "ExpiredTokenException"), ("iam", "ExpiredToken")):
        with pytest.raises(ClientError) as refused:
            client = session_client(server, service, credentials)
            client.get_caller_identity() if service == "sts" else (
                client.list_functions() if service == "lambda" else client.list_users())
        assert refused.value.response["Error"]["Code"] == code
        assert refused.value.response["Error"]["Message"] == "The security token included in the request is expired"
        assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_who_am_i_and_session_tokens_need_no_permission(bulwark, unique_name):
    """AWS: no permissions are required for GetCallerIdentity and GetSessionToken, not even an explicit
    deny stops them (they only tell callers about themselves)."""
    iam = bulwark.client("iam")
    user = unique_name.replace("_", "")[:48]
    iam.create_user(UserName=user)
    key = iam.create_access_key(UserName=user)["AccessKey"]
    iam.put_user_policy(UserName=user, PolicyName="deny-all", PolicyDocument=(
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}'))
    sts = bulwark.client("sts", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])

    assert sts.get_caller_identity()["Arn"] == f"arn:aws:iam::{bulwark.account_id}:user/{user}"
    credentials = sts.get_session_token(DurationSeconds=900)["Credentials"]
    assert session_client(bulwark, "sts", credentials).get_caller_identity()["Arn"] == f"arn:aws:iam::{bulwark.account_id}:user/{user}"
    # Everything else stays denied.
    with pytest.raises(ClientError) as refused:
        bulwark.client("lambda", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"]).list_functions()
    assert refused.value.response["Error"]["Code"] == "AccessDeniedException"
    # Both calls are in the trail, as every call is.
    names = [e["eventName"] for e in bulwark.trail_events() if e.get("userIdentity", {}).get("accessKeyId") == key["AccessKeyId"]]
    assert "GetCallerIdentity" in names and "GetSessionToken" in names
