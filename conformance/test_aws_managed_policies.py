"""AWS managed policies through boto3 and the aws CLI: every current one listed, read and attachable.

AWS's behaviour as the IAM API reference describes it: AWS managed policies live in account `aws`
(arn:aws:iam::aws:policy/<path><name>), are listed by ListPolicies Scope=AWS in pages of MaxItems
(100 unless told) with IsTruncated/Marker, are read with GetPolicy/GetPolicyVersion, attach to a
customer's users, groups and roles — except service-linked roles' policies (PolicyNotAttachable 400)
and deprecated ones (NoSuchEntity 404, "does not exist or is not attachable") — and grant what their
documents say. Bulwark's catalog holds each policy's default version and no description
(docs/decisions/0006-aws-managed-policies-dataset.md).
"""

from __future__ import annotations

import json
import re
import time
from datetime import datetime, timezone

import pytest
from botocore.exceptions import ClientError

PREFIX = "arn:aws:iam::aws:policy/"
EXECUTE = PREFIX + "AWSLambdaExecute"
S3_READ = PREFIX + "AmazonS3ReadOnlyAccess"
XRAY = PREFIX + "AWSXRayDaemonWriteAccess"
IAM_READ = PREFIX + "IAMReadOnlyAccess"
TRUST_LAMBDA = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
POLICY_ID = re.compile(r"^ANPA[A-Z2-7]{17}$")


@pytest.fixture
def iam(bulwark):
    return bulwark.client("iam")


@pytest.fixture
def name(request):
    base = re.sub(r"[^a-zA-Z0-9]", "", request.node.name)[:40]
    return f"{base}{int(time.time() * 1000) % 100000000}"


def expect_error(call, code: str, status: int, message: str | None = None) -> None:
    with pytest.raises(ClientError) as info:
        call()
    error = info.value.response["Error"]
    assert error["Code"] == code, info.value.response
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    if message is not None:
        assert error["Message"] == message


def without_metadata(response: dict) -> dict:
    return {key: value for key, value in response.items() if key != "ResponseMetadata"}


def all_aws_policies(iam, **filters) -> list[dict]:
    """ListPolicies Scope=AWS page by page with MaxItems 100 and the Marker each page hands on."""
    policies, marker = [], None
    while True:
        page = iam.list_policies(Scope="AWS", MaxItems=100, **filters, **({"Marker": marker} if marker else {}))
        assert len(page["Policies"]) <= 100
        policies += page["Policies"]
        if not page["IsTruncated"]:
            assert "Marker" not in page
            return policies
        assert len(page["Policies"]) == 100 and page["Marker"]
        marker = page["Marker"]


def test_get_policy_and_its_default_version(iam):
    policy = without_metadata(iam.get_policy(PolicyArn=EXECUTE))
    assert POLICY_ID.match(policy["Policy"].pop("PolicyId"))
    created = datetime(2015, 2, 6, 18, 40, 46, tzinfo=timezone.utc)
    assert policy == {
        "Policy": {
            "PolicyName": "AWSLambdaExecute",
            "Arn": EXECUTE,
            "Path": "/",
            "DefaultVersionId": "v1",
            "AttachmentCount": 0,
            "PermissionsBoundaryUsageCount": 0,
            "IsAttachable": True,
            "CreateDate": created,
            "UpdateDate": created,
        }
    }
    version = without_metadata(iam.get_policy_version(PolicyArn=EXECUTE, VersionId="v1"))
    assert version == {
        "PolicyVersion": {
            "Document": {
                "Version": "2012-10-17",
                "Statement": [
                    {"Action": ["logs:*"], "Effect": "Allow", "Resource": "arn:aws:logs:*:*:*"},
                    {"Action": ["s3:GetObject", "s3:PutObject"], "Effect": "Allow", "Resource": "arn:aws:s3:::*"},
                ],
            },
            "VersionId": "v1",
            "IsDefaultVersion": True,
            "CreateDate": created,
        }
    }
    versions = without_metadata(iam.list_policy_versions(PolicyArn=EXECUTE))
    assert versions == {"Versions": [{"VersionId": "v1", "IsDefaultVersion": True, "CreateDate": created}], "IsTruncated": False}
    expect_error(lambda: iam.get_policy_version(PolicyArn=EXECUTE, VersionId="v2"), "NoSuchEntity", 404,
                 f"Policy {EXECUTE} version v2 does not exist or is not attachable.")
    expect_error(lambda: iam.get_policy(PolicyArn=PREFIX + "NoSuchPolicy"), "NoSuchEntity", 404,
                 f"Policy {PREFIX}NoSuchPolicy was not found.")
    # A policy's path is part of its ARN.
    expect_error(lambda: iam.get_policy(PolicyArn=PREFIX + "AWSLambdaBasicExecutionRole"), "NoSuchEntity", 404)


def test_named_policies_have_their_paths_versions_and_dates(iam):
    expected = {
        S3_READ: ("/", "v3", datetime(2023, 8, 10, 21, 31, 39, tzinfo=timezone.utc)),
        XRAY: ("/", "v2", datetime(2024, 2, 13, 21, 58, 30, tzinfo=timezone.utc)),
        PREFIX + "AdministratorAccess": ("/", "v1", datetime(2015, 2, 6, 18, 39, 46, tzinfo=timezone.utc)),
        PREFIX + "service-role/AWSLambdaBasicExecutionRole": ("/service-role/", "v1", datetime(2015, 4, 9, 15, 3, 43, tzinfo=timezone.utc)),
    }
    for arn, (path, version, updated) in expected.items():
        policy = iam.get_policy(PolicyArn=arn)["Policy"]
        assert (policy["Arn"], policy["Path"], policy["DefaultVersionId"], policy["UpdateDate"]) == (arn, path, version, updated)
        assert policy["PolicyName"] == arn.rsplit("/", 1)[1]
        document = iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]
        assert document["Version"] == "2012-10-17" and document["Statement"]
    s3 = iam.get_policy_version(PolicyArn=S3_READ, VersionId="v3")["PolicyVersion"]["Document"]
    assert s3["Statement"] == [{
        "Action": ["s3:Get*", "s3:List*", "s3:Describe*", "s3-object-lambda:Get*", "s3-object-lambda:List*"],
        "Effect": "Allow", "Resource": "*",
    }]


def test_list_policies_pages_through_every_aws_managed_policy(iam):
    policies = all_aws_policies(iam)
    arns = [policy["Arn"] for policy in policies]
    assert len(arns) >= 1000 and len(set(arns)) == len(arns)
    assert all(arn.startswith(PREFIX) for arn in arns)
    assert {EXECUTE, S3_READ, XRAY, PREFIX + "AdministratorAccess", PREFIX + "ReadOnlyAccess",
            PREFIX + "service-role/AWSLambdaBasicExecutionRole",
            PREFIX + "aws-service-role/AmazonECSServiceRolePolicy"} <= set(arns)
    execute = next(policy for policy in policies if policy["Arn"] == EXECUTE)
    assert POLICY_ID.match(execute.pop("PolicyId"))
    # ListPolicies leaves out descriptions and tags.
    assert execute == {
        "PolicyName": "AWSLambdaExecute", "Arn": EXECUTE, "Path": "/", "DefaultVersionId": "v1", "AttachmentCount": 0,
        "PermissionsBoundaryUsageCount": 0, "IsAttachable": True,
        "CreateDate": datetime(2015, 2, 6, 18, 40, 46, tzinfo=timezone.utc),
        "UpdateDate": datetime(2015, 2, 6, 18, 40, 46, tzinfo=timezone.utc),
    }
    service_linked = all_aws_policies(iam, PathPrefix="/aws-service-role/")
    assert service_linked and all(policy["Path"] == "/aws-service-role/" for policy in service_linked)
    assert {policy["Arn"] for policy in service_linked} == {arn for arn in arns if "/aws-service-role/" in arn}
    # Deprecated policies are not listed.
    assert PREFIX + "AWSLambdaFullAccess" not in arns
    first = iam.list_policies(Scope="AWS")
    assert len(first["Policies"]) == 100 and first["IsTruncated"] is True
    expect_error(lambda: iam.list_policies(Scope="AWS", Marker="not-a-marker!"), "ValidationError", 400)


def test_attached_policies_grant_what_their_documents_say(bulwark, iam, name):
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST_LAMBDA))
    iam.create_user(UserName=name)
    iam.attach_role_policy(RoleName=name, PolicyArn=S3_READ)
    iam.attach_role_policy(RoleName=name, PolicyArn=XRAY)
    iam.attach_user_policy(UserName=name, PolicyArn=S3_READ)
    attached = iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]
    assert attached == [{"PolicyName": "AmazonS3ReadOnlyAccess", "PolicyArn": S3_READ},
                        {"PolicyName": "AWSXRayDaemonWriteAccess", "PolicyArn": XRAY}]
    assert iam.get_policy(PolicyArn=S3_READ)["Policy"]["AttachmentCount"] == 2
    used = [policy["Arn"] for policy in all_aws_policies(iam, OnlyAttached=True)]
    assert S3_READ in used and XRAY in used and EXECUTE not in used
    assert S3_READ in [policy["Arn"] for policy in all_aws_policies(iam, PolicyUsageFilter="PermissionsPolicy")]

    role_arn = iam.get_role(RoleName=name)["Role"]["Arn"]
    results = iam.simulate_principal_policy(
        PolicySourceArn=role_arn, ActionNames=["s3:GetObject", "s3:PutObject", "xray:PutTraceSegments"],
        ResourceArns=["arn:aws:s3:::bucket/key"])["EvaluationResults"]
    assert [(result["EvalActionName"], result["EvalDecision"]) for result in results] == [
        ("s3:GetObject", "allowed"), ("s3:PutObject", "implicitDeny"), ("xray:PutTraceSegments", "allowed")]
    assert results[0]["MatchedStatements"][0]["SourcePolicyId"] == "AmazonS3ReadOnlyAccess"
    user_arn = iam.get_user(UserName=name)["User"]["Arn"]
    results = iam.simulate_principal_policy(PolicySourceArn=user_arn, ActionNames=["s3:ListBucket", "s3:DeleteBucket"])
    assert [result["EvalDecision"] for result in results["EvaluationResults"]] == ["allowed", "implicitDeny"]

    for arn in (S3_READ, XRAY):
        iam.detach_role_policy(RoleName=name, PolicyArn=arn)
    iam.detach_user_policy(UserName=name, PolicyArn=S3_READ)
    iam.delete_role(RoleName=name)
    iam.delete_user(UserName=name)


def test_a_real_call_is_allowed_or_denied_by_an_attached_aws_policy(bulwark, iam, name):
    iam.create_user(UserName=name)
    iam.attach_user_policy(UserName=name, PolicyArn=IAM_READ)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    reader = bulwark.client("iam", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])
    assert name in [user["UserName"] for user in reader.list_users()["Users"]]
    expect_error(lambda: reader.create_user(UserName=name + "x"), "AccessDenied", 403)
    iam.detach_user_policy(UserName=name, PolicyArn=IAM_READ)
    expect_error(lambda: reader.list_users(), "AccessDenied", 403)
    iam.delete_access_key(UserName=name, AccessKeyId=key["AccessKeyId"])
    iam.delete_user(UserName=name)


def test_service_linked_and_deprecated_policies_do_not_attach(iam, name):
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST_LAMBDA))
    expect_error(lambda: iam.attach_role_policy(RoleName=name, PolicyArn=PREFIX + "aws-service-role/AmazonECSServiceRolePolicy"),
                 "PolicyNotAttachable", 400, "Cannot attach a Service Role Policy to a Customer Role.")
    deprecated = PREFIX + "AWSLambdaFullAccess"
    expect_error(lambda: iam.attach_role_policy(RoleName=name, PolicyArn=deprecated), "NoSuchEntity", 404,
                 f"Policy {deprecated} does not exist or is not attachable.")
    assert iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"] == []
    iam.delete_role(RoleName=name)


def test_cli_reads_aws_managed_policies(bulwark):
    policy = bulwark.aws("iam", "get-policy", "--policy-arn", XRAY).json["Policy"]
    assert (policy["PolicyName"], policy["DefaultVersionId"], policy["Path"]) == ("AWSXRayDaemonWriteAccess", "v2", "/")
    version = bulwark.aws("iam", "get-policy-version", "--policy-arn", XRAY, "--version-id", "v2").json["PolicyVersion"]
    assert version["Document"]["Statement"][0]["Action"][0] == "xray:PutTraceSegments"
    # The CLI pages through everything itself.
    names = bulwark.aws("iam", "list-policies", "--scope", "AWS", "--query", "Policies[].PolicyName").json
    assert len(names) >= 1000 and "AWSLambdaExecute" in names
