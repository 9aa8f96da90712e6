"""`bulwark audit` (the Inspector of the seed's last best practice): it reads a live server's data directory
read-only and reports each deviation from the AWS Lambda security best practices that the store shows, with a
stable id, severity, resource ARN, explanation and the aws CLI command that fixes it; exit 0 when nothing reaches
--fail-on, 1 when something does, 2 on a usage error. The findings are asserted exactly."""

from __future__ import annotations

import json
import subprocess

import pytest

from conftest import BULWARK_BIN, TRUST_LAMBDA
from support.functions import zip_of
from support.lam import create_function, function_arn, role_arn

SECRET = "Tr0ub4dor-x9q"
ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"
ADMINISTRATOR = "arn:aws:iam::aws:policy/AdministratorAccess"


def audit(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([BULWARK_BIN, "audit", *args], capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin"})


def summary(findings: list[dict]) -> list[tuple]:
    return sorted((f["check"], f["severity"], f["resource"], f["id"]) for f in findings)


def test_audit_reports_every_planted_deviation(fresh_bulwark):
    server = fresh_bulwark(["--credential-findings", "warn"]).start()
    account = server.account_id
    iam, lam = server.client("iam"), server.client("lambda")
    iam.create_role(RoleName="audit-admin-role", AssumeRolePolicyDocument=json.dumps(TRUST_LAMBDA))
    iam.attach_role_policy(RoleName="audit-admin-role", PolicyArn=ADMINISTRATOR)
    iam.create_user(UserName="audit-admin")
    iam.attach_user_policy(UserName="audit-admin", PolicyArn=ADMINISTRATOR)
    iam.create_user(UserName="audit-reader")

    # python3.9: deprecated on 2025-12-15, creation blocked only from 2027-02-01. The host need not serve it.
    create_function(lam, account, "audit-old", wait=False, Runtime="python3.9",
                    Environment={"Variables": {"DB_PASSWORD": SECRET, "MODE": "prod"}})
    package = zip_of({"app.py": "def handler(event, context):\n    return {}\n", "config.py": f'KEY = "{ACCESS_KEY}"\n'})
    create_function(lam, account, "audit-admin-fn", package, Role=role_arn(account, "audit-admin-role"))
    lam.put_function_concurrency(FunctionName="audit-admin-fn", ReservedConcurrentExecutions=5)
    lam.add_permission(FunctionName="audit-admin-fn", StatementId="public", Action="lambda:InvokeFunction", Principal="*")
    lam.add_permission(FunctionName="audit-admin-fn", StatementId="from-s3", Action="lambda:InvokeFunction",
                       Principal="s3.amazonaws.com")
    lam.add_permission(FunctionName="audit-admin-fn", StatementId="scoped", Action="lambda:InvokeFunction",
                       Principal="s3.amazonaws.com", SourceAccount=account)
    kms = server.client("kms")
    unrotated = kms.create_key()["KeyMetadata"]
    rotated = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=rotated)
    kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")  # KMS cannot rotate it: not reported
    secret = server.client("secretsmanager").create_secret(Name="audit-db", SecretString=SECRET)["ARN"]

    result = audit("--data-dir", str(server.data_dir), "--format", "json")  # beside the running server
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    old, admin_fn = function_arn(account, "audit-old"), function_arn(account, "audit-admin-fn")
    admin_role, admin_user = role_arn(account, "audit-admin-role"), f"arn:aws:iam::{account}:user/audit-admin"
    root_key = server.admin_key[0]
    assert summary(report["findings"]) == sorted([
        ("lambda-credential-in-code", "critical", admin_fn, f"lambda-credential-in-code/{admin_fn}/config.py:1"),
        ("lambda-credential-in-environment", "critical", old, f"lambda-credential-in-environment/{old}/DB_PASSWORD"),
        ("lambda-runtime-deprecated", "high", old, f"lambda-runtime-deprecated/{old}"),
        ("lambda-environment-aws-managed-key", "low", old, f"lambda-environment-aws-managed-key/{old}"),
        ("lambda-no-concurrency-limit", "informational", old, f"lambda-no-concurrency-limit/{old}"),
        ("lambda-policy-public", "high", admin_fn, f"lambda-policy-public/{admin_fn}/public"),
        ("lambda-policy-service-without-source", "medium", admin_fn, f"lambda-policy-service-without-source/{admin_fn}/from-s3"),
        ("iam-role-administrator", "high", admin_role, f"iam-role-administrator/{admin_role}/AdministratorAccess"),
        ("iam-root-access-key", "high", f"arn:aws:iam::{account}:root", f"iam-root-access-key/arn:aws:iam::{account}:root/{root_key}"),
        ("iam-privileged-user-without-mfa", "high", admin_user, f"iam-privileged-user-without-mfa/{admin_user}"),
        ("kms-key-rotation-disabled", "medium", unrotated["Arn"], f"kms-key-rotation-disabled/{unrotated['Arn']}"),
        ("secretsmanager-rotation-disabled", "medium", secret, f"secretsmanager-rotation-disabled/{secret}"),
    ])
    assert report["summary"] == {"critical": 2, "high": 5, "medium": 3, "low": 1, "informational": 1}
    by_id = {f["id"]: f for f in report["findings"]}
    deprecated = by_id[f"lambda-runtime-deprecated/{old}"]
    assert deprecated["explanation"].startswith("Runtime python3.9 has been deprecated since 2025-12-15")
    assert deprecated["command"].startswith("aws lambda update-function-configuration --function-name audit-old --runtime python3.")
    assert by_id[f"lambda-policy-public/{admin_fn}/public"]["command"] == (
        "aws lambda remove-permission --function-name audit-admin-fn --statement-id public")
    assert by_id[f"iam-role-administrator/{admin_role}/AdministratorAccess"]["command"] == (
        f"aws iam detach-role-policy --role-name audit-admin-role --policy-arn {ADMINISTRATOR}")
    assert by_id[f"kms-key-rotation-disabled/{unrotated['Arn']}"]["command"] == (
        f"aws kms enable-key-rotation --key-id {unrotated['KeyId']}")
    # Where the credentials are, never what they are; and never a secret access key.
    for secret in (SECRET, ACCESS_KEY, server.admin_key[1]):
        assert secret not in result.stdout

    table = audit("--data-dir", str(server.data_dir))
    assert table.returncode == 1
    assert table.stdout.splitlines()[0].split() == ["SEVERITY", "CHECK", "RESOURCE"]
    assert "12 finding(s): 2 critical, 5 high, 3 medium, 1 low, 1 informational." in table.stdout

    # The server keeps working beside the reader.
    assert lam.get_function(FunctionName="audit-admin-fn")["Concurrency"] == {"ReservedConcurrentExecutions": 5}


def test_fail_on_threshold_and_clean_store(fresh_bulwark):
    server = fresh_bulwark().start()
    data = str(server.data_dir)
    result = audit("--data-dir", data, "--format", "json")
    key = server.admin_key[0]
    root = f"arn:aws:iam::{server.account_id}:root"
    assert (result.returncode, summary(json.loads(result.stdout)["findings"])) == (
        1, [("iam-root-access-key", "high", root, f"iam-root-access-key/{root}/{key}")])
    assert audit("--data-dir", data, "--fail-on", "critical").returncode == 0
    assert audit("--data-dir", data, "--fail-on", "info").returncode == 1
    server.stop()
    # Read-only with the server stopped as well: the database, its log and every other file are left as they
    # were. (Only the -shm index changes: every WAL reader records its read mark there, as SQLite's design has it.)
    def files() -> dict[str, bytes]:
        return {path.name: path.read_bytes() for path in server.data_dir.iterdir() if path.is_file() and path.suffix != ".sqlite-shm"}

    before = files()
    assert "bulwark.sqlite" in before
    assert audit("--data-dir", data, "--format", "json", "--fail-on", "critical").returncode == 0
    assert files() == before


@pytest.mark.parametrize("args, message", [
    (["--format", "xml"], "--format takes table or json, not xml."),
    (["--fail-on", "severe"], "--fail-on takes critical, high, medium, low or informational, not severe."),
    (["--bogus"], "Unknown option '--bogus'"),
])
def test_usage_errors_exit_2(tmp_path, args, message):
    result = audit("--data-dir", str(tmp_path), *args)
    assert (result.returncode, result.stdout) == (2, "")
    assert message in result.stderr


def test_missing_data_directory_exits_2(tmp_path):
    missing = tmp_path / "nowhere"
    result = audit("--data-dir", str(missing))
    assert (result.returncode, result.stdout) == (2, "")
    assert f"No data directory at {missing}: give --data-dir or set BULWARK_DATA_DIR." in result.stderr
    assert not missing.exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    result = audit("--data-dir", str(empty))
    assert result.returncode == 2
    assert f"Cannot read the data directory {empty}: no database at {empty}/bulwark.sqlite." in result.stderr
    assert list(empty.iterdir()) == []
