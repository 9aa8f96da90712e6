"""The account's alias, password policy, login profiles, summary and credential report, through boto3
and the aws CLI, answered as the IAM API reference documents them (the credential report is the CSV
auditors such as Prowler read, with IAM's columns and its <root_account> row).
"""

from __future__ import annotations

import base64
import csv
import datetime
import io
import json
import re
import time

import pytest
from botocore.exceptions import ClientError

REPORT_COLUMNS = [
    "user", "arn", "user_creation_time", "password_enabled", "password_last_used", "password_last_changed",
    "password_next_rotation", "mfa_active", "access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date",
    "access_key_1_last_used_region", "access_key_1_last_used_service", "access_key_2_active", "access_key_2_last_rotated",
    "access_key_2_last_used_date", "access_key_2_last_used_region", "access_key_2_last_used_service", "cert_1_active",
    "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated",
]
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$")
STRONG = "Str0ng-Passw0rd!"


@pytest.fixture
def iam(fresh_bulwark):
    return fresh_bulwark().start().client("iam")


@pytest.fixture
def name(request):
    base = re.sub(r"[^a-zA-Z0-9]", "", request.node.name)[:40]
    return f"{base}{int(time.time() * 1000) % 100000000}"


def error_of(call) -> tuple[dict, int]:
    with pytest.raises(ClientError) as info:
        call()
    return info.value.response["Error"], info.value.response["ResponseMetadata"]["HTTPStatusCode"]


def without_metadata(response: dict) -> dict:
    response.pop("ResponseMetadata", None)
    return response


def test_account_alias(iam):
    assert without_metadata(iam.list_account_aliases()) == {"AccountAliases": [], "IsTruncated": False}
    iam.create_account_alias(AccountAlias="my-company")
    iam.create_account_alias(AccountAlias="my-company")  # the alias it has: nothing changes
    assert without_metadata(iam.list_account_aliases()) == {"AccountAliases": ["my-company"], "IsTruncated": False}
    assert error_of(lambda: iam.create_account_alias(AccountAlias="other-name")) == (
        {"Type": "Sender", "Code": "LimitExceeded", "Message": "Cannot exceed quota for AccountAliasesPerAccount: 1"}, 409)
    assert error_of(lambda: iam.delete_account_alias(AccountAlias="other-name")) == (
        {"Type": "Sender", "Code": "NoSuchEntity", "Message": "The account alias other-name cannot be found."}, 404)
    for bad in ("My-Company", "a--b", "-ab"):
        error, status = error_of(lambda: iam.create_account_alias(AccountAlias=bad))
        assert (error["Code"], status) == ("ValidationError", 400)
    iam.delete_account_alias(AccountAlias="my-company")
    assert iam.list_account_aliases()["AccountAliases"] == []


def test_password_policy(iam):
    error, status = error_of(iam.get_account_password_policy)
    assert status == 404 and error["Code"] == "NoSuchEntity"
    assert re.fullmatch(r"The Password Policy with domain name \d{12} cannot be found\.", error["Message"])
    iam.update_account_password_policy(MinimumPasswordLength=12, RequireSymbols=True, MaxPasswordAge=90, PasswordReusePrevention=5)
    assert without_metadata(iam.get_account_password_policy()) == {"PasswordPolicy": {
        "MinimumPasswordLength": 12, "RequireSymbols": True, "RequireNumbers": False, "RequireUppercaseCharacters": False,
        "RequireLowercaseCharacters": False, "AllowUsersToChangePassword": False, "ExpirePasswords": True, "MaxPasswordAge": 90,
        "PasswordReusePrevention": 5}}
    # What an update leaves out goes back to IAM's default.
    iam.update_account_password_policy(RequireNumbers=True)
    assert without_metadata(iam.get_account_password_policy()) == {"PasswordPolicy": {
        "MinimumPasswordLength": 6, "RequireSymbols": False, "RequireNumbers": True, "RequireUppercaseCharacters": False,
        "RequireLowercaseCharacters": False, "AllowUsersToChangePassword": False, "ExpirePasswords": False}}
    iam.delete_account_password_policy()
    error, status = error_of(iam.delete_account_password_policy)
    assert (error["Code"], status) == ("NoSuchEntity", 404)


def test_login_profile(iam, name):
    iam.create_user(UserName=name)
    error, status = error_of(lambda: iam.get_login_profile(UserName=name))
    assert (error, status) == ({"Type": "Sender", "Code": "NoSuchEntity", "Message": f"Login Profile for User {name} cannot be found."}, 404)
    # Without a policy of the account, IAM's default applies: eight characters of three kinds.
    for weak in ("short1!", "alllowercaseletters", "lowercase123"):
        error, status = error_of(lambda: iam.create_login_profile(UserName=name, Password=weak))
        assert (error, status) == ({"Type": "Sender", "Code": "PasswordPolicyViolation",
                                    "Message": "Password does not conform to the account password policy."}, 400)
    created = iam.create_login_profile(UserName=name, Password=STRONG, PasswordResetRequired=True)["LoginProfile"]
    assert isinstance(created.pop("CreateDate"), datetime.datetime)
    assert created == {"UserName": name, "PasswordResetRequired": True}
    error, status = error_of(lambda: iam.create_login_profile(UserName=name, Password=STRONG))
    assert (error["Code"], status) == ("EntityAlreadyExists", 409)
    got = iam.get_login_profile(UserName=name)["LoginProfile"]
    got.pop("CreateDate")
    assert got == {"UserName": name, "PasswordResetRequired": True}

    iam.update_account_password_policy(MinimumPasswordLength=20)
    error, _ = error_of(lambda: iam.update_login_profile(UserName=name, Password=STRONG))
    assert error["Code"] == "PasswordPolicyViolation"
    iam.update_login_profile(UserName=name, Password="a-very-long-passphrase-indeed", PasswordResetRequired=False)
    assert iam.get_login_profile(UserName=name)["LoginProfile"]["PasswordResetRequired"] is False

    error, status = error_of(lambda: iam.delete_user(UserName=name))
    assert (error["Code"], error["Message"], status) == ("DeleteConflict", "Cannot delete entity, must delete login profile first.", 409)
    iam.delete_login_profile(UserName=name)
    error, _ = error_of(lambda: iam.delete_login_profile(UserName=name))
    assert error["Code"] == "NoSuchEntity"
    iam.delete_user(UserName=name)
    error, _ = error_of(lambda: iam.get_login_profile(UserName=name))
    assert error["Message"] == f"The user with name {name} cannot be found."


def test_account_summary_counts(iam, name):
    before = iam.get_account_summary()["SummaryMap"]
    iam.create_user(UserName=name)
    iam.create_group(GroupName=name)
    iam.create_instance_profile(InstanceProfileName=name)
    iam.create_open_id_connect_provider(Url=f"https://{name}.example.com", ClientIDList=["app"])
    iam.create_policy(PolicyName=name, PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}))
    summary = iam.get_account_summary()["SummaryMap"]
    assert {key: summary[key] - before[key] for key in ("Users", "Groups", "InstanceProfiles", "Policies", "Roles", "Providers")} == {
        "Users": 1, "Groups": 1, "InstanceProfiles": 1, "Policies": 1, "Roles": 0, "Providers": 1}
    assert {key: summary[key] for key in summary if key.endswith("Quota")} == {
        "UsersQuota": 5000, "GroupsQuota": 300, "RolesQuota": 1000, "PoliciesQuota": 1500, "InstanceProfilesQuota": 1000,
        "ServerCertificatesQuota": 20, "UserPolicySizeQuota": 2048, "GroupPolicySizeQuota": 5120, "RolePolicySizeQuota": 10240,
        "PolicySizeQuota": 6144, "AssumeRolePolicySizeQuota": 2048, "GroupsPerUserQuota": 10, "SigningCertificatesPerUserQuota": 2,
        "AccessKeysPerUserQuota": 2, "AttachedPoliciesPerGroupQuota": 10, "AttachedPoliciesPerRoleQuota": 10,
        "AttachedPoliciesPerUserQuota": 10, "VersionsPerPolicyQuota": 5, "PolicyVersionsInUseQuota": 10000}
    assert summary["AccountAccessKeysPresent"] == 1 and summary["AccountMFAEnabled"] == 0
    assert set(summary) == {
        "Users", "Groups", "Roles", "Policies", "InstanceProfiles", "MFADevices", "MFADevicesInUse", "AccountMFAEnabled",
        "AccountAccessKeysPresent", "AccountPasswordPresent", "AccountSigningCertificatesPresent", "ServerCertificates",
        "Providers", "PolicyVersionsInUse", "GlobalEndpointTokenVersion"} | {key for key in summary if key.endswith("Quota")}


def test_credential_report(iam, name):
    error, status = error_of(iam.get_credential_report)
    assert (error, status) == ({"Type": "Sender", "Code": "ReportNotPresent"}, 410)
    iam.create_user(UserName=name)
    iam.create_login_profile(UserName=name, Password=STRONG)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    assert without_metadata(iam.generate_credential_report()) == {
        "State": "STARTED", "Description": "No report exists. Starting a new report generation task"}
    assert without_metadata(iam.generate_credential_report()) == {"State": "COMPLETE"}
    report = iam.get_credential_report()
    assert report["ReportFormat"] == "text/csv" and isinstance(report["GeneratedTime"], datetime.datetime)
    text = report["Content"].decode()
    assert text.splitlines()[0] == ",".join(REPORT_COLUMNS)
    rows = list(csv.DictReader(io.StringIO(text)))
    root, user = rows[0], next(row for row in rows if row["user"] == name)
    assert TIMESTAMP.match(root.pop("user_creation_time")) and TIMESTAMP.match(root.pop("access_key_1_last_rotated"))
    account = root["arn"].split(":")[4]
    assert {k: v for k, v in root.items() if not k.startswith("access_key_1_last_used")} == {
        "user": "<root_account>", "arn": f"arn:aws:iam::{account}:root", "password_enabled": "not_supported",
        "password_last_used": "no_information", "password_last_changed": "not_supported", "password_next_rotation": "not_supported",
        "mfa_active": "false", "access_key_1_active": "true", "access_key_2_active": "false", "access_key_2_last_rotated": "N/A",
        "access_key_2_last_used_date": "N/A", "access_key_2_last_used_region": "N/A", "access_key_2_last_used_service": "N/A",
        "cert_1_active": "false", "cert_1_last_rotated": "N/A", "cert_2_active": "false", "cert_2_last_rotated": "N/A"}
    for column in ("user_creation_time", "password_last_changed", "access_key_1_last_rotated"):
        assert TIMESTAMP.match(user.pop(column)), column
    assert user == {
        "user": name, "arn": f"arn:aws:iam::{account}:user/{name}", "password_enabled": "true",
        "password_last_used": "no_information", "password_next_rotation": "N/A", "mfa_active": "false",
        "access_key_1_active": "true", "access_key_1_last_used_date": "N/A", "access_key_1_last_used_region": "N/A",
        "access_key_1_last_used_service": "N/A", "access_key_2_active": "false", "access_key_2_last_rotated": "N/A",
        "access_key_2_last_used_date": "N/A", "access_key_2_last_used_region": "N/A", "access_key_2_last_used_service": "N/A",
        "cert_1_active": "false", "cert_1_last_rotated": "N/A", "cert_2_active": "false", "cert_2_last_rotated": "N/A"}
    assert key["AccessKeyId"]


def test_cli_credential_report_is_base64_csv(fresh_bulwark):
    server = fresh_bulwark().start()
    result = server.aws("iam", "get-credential-report", check=False)
    assert result.returncode != 0
    assert "An error occurred (ReportNotPresent) when calling the GetCredentialReport operation: Unknown" in result.stderr
    assert json.loads(server.aws("iam", "generate-credential-report").stdout)["State"] == "STARTED"
    content = json.loads(server.aws("iam", "get-credential-report").stdout)["Content"]
    assert base64.b64decode(content).decode().splitlines()[0] == ",".join(REPORT_COLUMNS)
