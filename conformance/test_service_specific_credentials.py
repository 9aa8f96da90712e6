"""Service-specific credentials through boto3: AWS's supported services only (CodeCommit, Keyspaces,
Bedrock, CloudWatch Logs), two per user and service, the password shown once, IAM's shapes."""

from __future__ import annotations

import base64
import datetime
import re
import time

import pytest
from botocore.exceptions import ClientError

CREDENTIAL_ID = re.compile(r"^ACCA[A-Z0-9]{17}$")


@pytest.fixture
def iam(bulwark):
    return bulwark.client("iam")


@pytest.fixture
def name(request):
    base = re.sub(r"[^a-zA-Z0-9]", "", request.node.name)[:40]
    return f"{base}{int(time.time() * 1000) % 100000000}"


def error_of(call) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as info:
        call()
    response = info.value.response
    return response["Error"]["Code"], response["Error"]["Message"], response["ResponseMetadata"]["HTTPStatusCode"]


def test_codecommit_credentials(iam, bulwark, name):
    account = bulwark.account_id
    iam.create_user(UserName=name)
    created = iam.create_service_specific_credential(UserName=name, ServiceName="codecommit.amazonaws.com")["ServiceSpecificCredential"]
    credential_id, password = created.pop("ServiceSpecificCredentialId"), created.pop("ServicePassword")
    assert CREDENTIAL_ID.match(credential_id) and len(password) == 44
    assert isinstance(created.pop("CreateDate"), datetime.datetime)
    assert created == {"ServiceName": "codecommit.amazonaws.com", "ServiceUserName": f"{name}-at-{account}", "UserName": name,
                       "Status": "Active"}
    iam.create_service_specific_credential(UserName=name, ServiceName="codecommit.amazonaws.com")
    assert error_of(lambda: iam.create_service_specific_credential(UserName=name, ServiceName="codecommit.amazonaws.com")) == (
        "LimitExceeded", "Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: 2", 409)

    listed = iam.list_service_specific_credentials(UserName=name, ServiceName="codecommit.amazonaws.com")
    first = listed["ServiceSpecificCredentials"][0]
    assert isinstance(first.pop("CreateDate"), datetime.datetime)
    assert first == {"UserName": name, "Status": "Active", "ServiceUserName": f"{name}-at-{account}",
                     "ServiceSpecificCredentialId": credential_id, "ServiceName": "codecommit.amazonaws.com"}
    assert len(listed["ServiceSpecificCredentials"]) == 2 and listed["IsTruncated"] is False

    reset = iam.reset_service_specific_credential(UserName=name, ServiceSpecificCredentialId=credential_id)["ServiceSpecificCredential"]
    assert reset["ServiceSpecificCredentialId"] == credential_id and len(reset["ServicePassword"]) == 44
    assert reset["ServicePassword"] != password
    iam.update_service_specific_credential(UserName=name, ServiceSpecificCredentialId=credential_id, Status="Inactive")
    statuses = {c["ServiceSpecificCredentialId"]: c["Status"] for c in iam.list_service_specific_credentials(UserName=name)[
        "ServiceSpecificCredentials"]}
    assert statuses[credential_id] == "Inactive"

    code, message, status = error_of(lambda: iam.delete_user(UserName=name))
    assert (code, status) == ("DeleteConflict", 409)
    for credential in iam.list_service_specific_credentials(UserName=name)["ServiceSpecificCredentials"]:
        iam.delete_service_specific_credential(UserName=name, ServiceSpecificCredentialId=credential["ServiceSpecificCredentialId"])
    assert error_of(lambda: iam.delete_service_specific_credential(UserName=name, ServiceSpecificCredentialId=credential_id)) == (
        "NoSuchEntity", f"No such credential {credential_id} exists", 404)
    iam.delete_user(UserName=name)


def test_bedrock_api_keys_expire_and_show_an_alias(iam, bulwark, name):
    account = bulwark.account_id
    iam.create_user(UserName=name)
    created = iam.create_service_specific_credential(UserName=name, ServiceName="bedrock.amazonaws.com", CredentialAgeDays=30)[
        "ServiceSpecificCredential"]
    assert created["ServiceCredentialAlias"] == f"{name}-at-{account}"
    assert created["ServiceCredentialSecret"].startswith("ABSK")
    assert base64.b64decode(created["ServiceCredentialSecret"][4:]).decode().startswith(f"{name}-at-{account}:")
    assert created["ExpirationDate"] - created["CreateDate"] == datetime.timedelta(days=30)
    assert "ServiceUserName" not in created and "ServicePassword" not in created
    code, _, status = error_of(lambda: iam.create_service_specific_credential(
        UserName=name, ServiceName="codecommit.amazonaws.com", CredentialAgeDays=30))
    assert (code, status) == ("InvalidInput", 400)


@pytest.mark.parametrize("service", ["s3.amazonaws.com", "codecommit", "lambda.amazonaws.com"])
def test_unsupported_services_are_refused(iam, name, service):
    iam.create_user(UserName=name)
    code, message, status = error_of(lambda: iam.create_service_specific_credential(UserName=name, ServiceName=service))
    assert (code, message, status) == ("NotSupportedService", f"Service {service} is not supported.", 404)


def test_another_users_credential_is_not_found(iam, name):
    iam.create_user(UserName=name)
    iam.create_user(UserName=name + "b")
    credential = iam.create_service_specific_credential(UserName=name, ServiceName="cassandra.amazonaws.com")[
        "ServiceSpecificCredential"]["ServiceSpecificCredentialId"]
    assert error_of(lambda: iam.reset_service_specific_credential(UserName=name + "b", ServiceSpecificCredentialId=credential)) == (
        "NoSuchEntity", f"No such credential {credential} exists", 404)
    assert error_of(lambda: iam.create_service_specific_credential(UserName=name + "x", ServiceName="cassandra.amazonaws.com")) == (
        "NoSuchEntity", f"The user with name {name}x cannot be found.", 404)
