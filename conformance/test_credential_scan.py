"""Credential scanning (issue #11 item 4, decision 0016): CreateFunction and UpdateFunctionConfiguration refuse
environment values that look like credentials with InvalidParameterValueException — naming the variable, never
the value, and pointing to Secrets Manager; `bulwark serve --credential-findings warn` accepts them and records
the finding; packages are scanned at upload and their findings recorded in the store (no value stored)."""

from __future__ import annotations

import sqlite3

import pytest
from botocore.exceptions import ClientError

from support.functions import zip_of
from support.lam import create_function, hello_zip

CREDENTIALS = {
    "UPSTREAM_KEY": ("AKIAIOSFODNN7EXAMPLE", "an AWS access key id"),
    "AWS_SECRET": ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "an AWS secret access key"),
    "TLS_KEY": ("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----", "a PEM private key"),
    "GH": ("ghp_" + "a1B2" * 9, "a GitHub token"),
    "SLACK_HOOK": ("xoxb-123456789012-abcdefghijkl", "a Slack token"),
    "PAYMENTS": ("sk_live_4eC39HqLyjWDarjtT1zdp7dc", "a Stripe live key"),
    "MAPS": ("AIzaSyD-9tSrke72PouQMnMX-a_bcdefghijklm", "a Google API key"),
    "SESSION": ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", "a JSON Web Token"),
    "DB_PASSWORD": ("Tr0ub4dor-x9q", "a high-entropy value under a secret's name"),
    "SERVICE_API_KEY": ("k3y-9f8e7d6c5b", "a high-entropy value under a secret's name"),
}


def message(name: str, kind: str) -> str:
    return (f"Environment variables must not hold credentials: {name} ({kind}) looks like a credential. Store it in AWS Secrets "
            "Manager and read it from the function at run time (for example with boto3's secretsmanager client or the AWS "
            "Parameters and Secrets Lambda Extension).")


@pytest.mark.parametrize("variable", sorted(CREDENTIALS))
def test_create_function_refuses_a_credential(bulwark, lambda_client, unique_name, variable):
    value, kind = CREDENTIALS[variable]
    with pytest.raises(ClientError) as raised:
        create_function(lambda_client, bulwark.account_id, unique_name, Environment={"Variables": {"MODE": "prod", variable: value}})
    error = raised.value.response
    assert (error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"], error["Error"]["Message"]) == (
        "InvalidParameterValueException", 400, message(variable, kind))
    assert value not in str(error)
    with pytest.raises(ClientError) as missing:
        lambda_client.get_function(FunctionName=unique_name)
    assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_update_function_configuration_refuses_a_credential(bulwark, lambda_client, unique_name):
    create_function(lambda_client, bulwark.account_id, unique_name, Environment={"Variables": {"MODE": "prod"}})
    with pytest.raises(ClientError) as raised:
        lambda_client.update_function_configuration(
            FunctionName=unique_name, Environment={"Variables": {"MODE": "prod", "GH": CREDENTIALS["GH"][0]}})
    error = raised.value.response
    assert (error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"], error["Error"]["Message"]) == (
        "InvalidParameterValueException", 400, message("GH", "a GitHub token"))
    assert lambda_client.get_function_configuration(FunctionName=unique_name)["Environment"] == {"Variables": {"MODE": "prod"}}


def test_ordinary_settings_and_references_to_secrets_pass(bulwark, lambda_client, unique_name):
    variables = {
        "MODE": "prod", "LOG_LEVEL": "debug", "SECRET_NAME": "prod/db", "TOKEN_URL": "https://auth.example.com/oauth2/token",
        "DB_SECRET_ARN": f"arn:aws:secretsmanager:us-east-1:{bulwark.account_id}:secret:db-AbCdEf",
        "GREETING": "hello world, this is a long and varied sentence", "DATABASE": "postgres://db:5432/app",
    }
    created = create_function(lambda_client, bulwark.account_id, unique_name, Environment={"Variables": variables})
    assert created["Environment"] == {"Variables": variables}


def test_warn_mode_accepts_and_records_findings_without_values(fresh_bulwark, unique_name):
    server = fresh_bulwark(["--credential-findings", "warn"]).start()
    client = server.client("lambda")
    value = CREDENTIALS["DB_PASSWORD"][0]
    created = create_function(client, server.account_id, unique_name, Environment={"Variables": {"DB_PASSWORD": value}})
    assert created["Environment"] == {"Variables": {"DB_PASSWORD": value}}
    arn = created["FunctionArn"]
    rows = findings(server)
    assert rows == [(arn, "environment", "DB_PASSWORD", "a high-entropy value under a secret's name")]
    client.update_function_configuration(FunctionName=unique_name, Environment={"Variables": {"MODE": "prod"}})
    assert findings(server) == []


def test_packages_are_scanned_at_upload(bulwark, lambda_client, unique_name):
    package = zip_of({
        "app.py": "import os\n\ndef handler(event, context):\n    return {}\n",
        "config.py": 'REGION = "us-east-1"\nACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"\n',
        "keys/id_rsa": "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n",
    })
    created = create_function(lambda_client, bulwark.account_id, unique_name, package)
    arn = created["FunctionArn"]
    assert [row for row in findings(bulwark) if row[0] == arn] == [
        (arn, "code", "config.py:2", "an AWS access key id"), (arn, "code", "keys/id_rsa:1", "a PEM private key")]
    lambda_client.update_function_code(FunctionName=unique_name, ZipFile=hello_zip(unique_name))
    assert [row for row in findings(bulwark) if row[0] == arn] == []


def findings(server) -> list[tuple]:
    with sqlite3.connect(f"file:{server.data_dir / 'bulwark.sqlite'}?mode=ro", uri=True) as connection:
        return connection.execute(
            "SELECT functionARN, source, location, kind FROM lambdaCredentialFinding ORDER BY functionARN, source, location").fetchall()
