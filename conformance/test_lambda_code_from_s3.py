"""Functions deployed from S3 (issue #12 item 4, decision 0030): CreateFunction and UpdateFunctionCode take
`S3Bucket`/`S3Key`/`S3ObjectVersion`, as SAM, Terraform and CDK send them, and read the object with the
caller's permissions.

AWS's behaviour:
- Lambda API reference, FunctionCode: "You can specify either an S3 location, or upload a deployment package
  directly"; the bucket must be in the function's region.
- The caller needs s3:GetObject on the object (and s3:GetObjectVersion for S3ObjectVersion): Lambda reads it with
  the caller's credentials. Refused, Lambda answers 403 AccessDeniedException "Your access has been denied by S3,
  please make sure your request credentials have permission to GetObject for <bucket>/<key>. S3 Error Code:
  AccessDenied. S3 Error Message: Access Denied" (the answer as public reports quote it).
- A failed read is 400 InvalidParameterValueException "Error occurred while GetObject. S3 Error Code: <code>.
  S3 Error Message: <S3's message>" (NoSuchBucket, NoSuchKey as public reports and moto quote them).
- ZipFile with any other FunctionCode member: "Please do not provide other FunctionCode parameters when
  providing a ZipFile."
- GetFunction's Code is `{"RepositoryType": "S3", "Location": <presigned URL>}` whatever the source.
"""

from __future__ import annotations

import json
import time

import boto3
import botocore.config
import pytest
from botocore.exceptions import ClientError

from support.functions import invoke, python_zip, wait_until_ready
from support.lam import RUNTIME, expect_error, role_arn
from support.packages import code_sha256
from support.wire import fetch_url


def s3_client(server, region: str = "us-east-1", access_key: str | None = None, secret_key: str | None = None):
    key, secret = server.admin_key
    return boto3.session.Session().client(
        "s3", endpoint_url=server.endpoint, region_name=region,
        aws_access_key_id=access_key or key, aws_secret_access_key=secret_key or secret,
        config=botocore.config.Config(retries={"max_attempts": 0, "mode": "standard"}, s3={"addressing_style": "path"}),
    )


@pytest.fixture
def s3(bulwark):
    return s3_client(bulwark)


@pytest.fixture
def bucket(s3, request):
    name = f"code-{int(time.time() * 1000000) % 10**12}-{abs(hash(request.node.name)) % 10**6}"
    s3.create_bucket(Bucket=name)
    yield name
    for item in s3.list_objects_v2(Bucket=name).get("Contents", []):
        s3.delete_object(Bucket=name, Key=item["Key"])
    s3.delete_bucket(Bucket=name)


def package(marker: str) -> bytes:
    """The echo function, whose answer carries the `marker.txt` it was deployed with."""
    return python_zip(extra={"marker.txt": marker})


def create_from_s3(client, account: str, name: str, code: dict) -> dict:
    return client.create_function(
        FunctionName=name, Runtime=RUNTIME, Role=role_arn(account), Handler="app.handler", Code=code)


def get_object_failed(code: str, message: str) -> str:
    return f"Error occurred while GetObject. S3 Error Code: {code}. S3 Error Message: {message}"


def denied_by_s3(bucket: str, key: str) -> str:
    return (f"Your access has been denied by S3, please make sure your request credentials have permission to GetObject "
            f"for {bucket}/{key}. S3 Error Code: AccessDenied. S3 Error Message: Access Denied")


def trail_event(server, request_id: str) -> dict:
    deadline = time.monotonic() + 10
    while True:
        events = [event for event in server.trail_events() if event.get("requestID") == request_id]
        if events or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert len(events) == 1, f"{len(events)} events for request {request_id}"
    return events[0]


def test_a_function_from_s3_runs_and_its_code_is_updated_from_another_object(bulwark, lambda_client, s3, bucket, unique_name):
    first, second = package("one"), package("two")
    s3.put_object(Bucket=bucket, Key="builds/app-1.zip", Body=first)
    s3.put_object(Bucket=bucket, Key="builds/app-2.zip", Body=second)

    created = create_from_s3(lambda_client, bulwark.account_id, unique_name, {"S3Bucket": bucket, "S3Key": "builds/app-1.zip"})
    assert (created["CodeSha256"], created["CodeSize"], created["PackageType"]) == (code_sha256(first), len(first), "Zip")
    wait_until_ready(lambda_client, unique_name)
    assert invoke(lambda_client, unique_name, {"hello": 1}).json["marker"] == "one"

    # GetFunction's Code is the same form as for an uploaded zip: the package, presigned for ten minutes.
    code = lambda_client.get_function(FunctionName=unique_name)["Code"]
    assert set(code) == {"RepositoryType", "Location"} and code["RepositoryType"] == "S3"
    assert fetch_url(code["Location"]).body == first

    updated = lambda_client.update_function_code(FunctionName=unique_name, S3Bucket=bucket, S3Key="builds/app-2.zip")
    assert (updated["CodeSha256"], updated["CodeSize"]) == (code_sha256(second), len(second))
    wait_until_ready(lambda_client, unique_name)
    assert invoke(lambda_client, unique_name, {"hello": 2}).json["marker"] == "two"
    assert fetch_url(lambda_client.get_function(FunctionName=unique_name)["Code"]["Location"]).body == second

    # The trail records where the code came from, as CloudTrail's requestParameters do, and the object read.
    event = trail_event(bulwark, created["ResponseMetadata"]["RequestId"])
    assert event["requestParameters"]["code"] == {"s3Bucket": bucket, "s3Key": "builds/app-1.zip"}
    assert {"ARN": f"arn:aws:s3:::{bucket}/builds/app-1.zip", "accountId": bulwark.account_id, "type": "AWS::S3::Object"} \
        in event["resources"]
    event = trail_event(bulwark, updated["ResponseMetadata"]["RequestId"])
    assert (event["requestParameters"]["s3Bucket"], event["requestParameters"]["s3Key"]) == (bucket, "builds/app-2.zip")


def test_the_cli_deploys_from_s3_with_the_object_version_of_an_unversioned_bucket(bulwark, lambda_client, s3, bucket, unique_name):
    body = package("cli")
    s3.put_object(Bucket=bucket, Key="app.zip", Body=body)

    result = bulwark.aws(
        "lambda", "create-function", "--function-name", unique_name, "--runtime", RUNTIME, "--handler", "app.handler",
        "--role", role_arn(bulwark.account_id), "--code", f"S3Bucket={bucket},S3Key=app.zip,S3ObjectVersion=null")
    assert result.json["CodeSha256"] == code_sha256(body)
    wait_until_ready(lambda_client, unique_name)
    assert invoke(lambda_client, unique_name, {}).json["marker"] == "cli"

    result = bulwark.aws("lambda", "update-function-code", "--function-name", unique_name, "--s3-bucket", bucket, "--s3-key", "app.zip")
    assert result.json["CodeSha256"] == code_sha256(body)


@pytest.mark.parametrize("case", ["missing bucket", "missing key", "wrong version", "ZipFile and S3Bucket", "S3Bucket without S3Key",
                                  "S3Key without S3Bucket", "bucket of another case"])
def test_a_code_location_that_names_no_object_is_refused_and_nothing_is_created(
        bulwark, lambda_client, s3, bucket, unique_name, case):
    s3.put_object(Bucket=bucket, Key="app.zip", Body=package("x"))
    code, message = {
        "missing bucket": ({"S3Bucket": f"{bucket}-gone", "S3Key": "app.zip"},
                           get_object_failed("NoSuchBucket", "The specified bucket does not exist")),
        "missing key": ({"S3Bucket": bucket, "S3Key": "other.zip"},
                        get_object_failed("NoSuchKey", "The specified key does not exist.")),
        "wrong version": ({"S3Bucket": bucket, "S3Key": "app.zip", "S3ObjectVersion": "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY"},
                          get_object_failed("NoSuchVersion", "The specified version does not exist.")),
        "ZipFile and S3Bucket": ({"ZipFile": package("x"), "S3Bucket": bucket},
                                 "Please do not provide other FunctionCode parameters when providing a ZipFile."),
        "S3Bucket without S3Key": ({"S3Bucket": bucket}, "S3 Bucket and Key are required for uploading with S3 parameters."),
        "S3Key without S3Bucket": ({"S3Key": "app.zip"}, "S3 Bucket and Key are required for uploading with S3 parameters."),
        # Bucket names are lowercase: another case names no bucket (decision 0005).
        "bucket of another case": ({"S3Bucket": bucket.upper(), "S3Key": "app.zip"},
                                   get_object_failed("NoSuchBucket", "The specified bucket does not exist")),
    }[case]

    expect_error(lambda: create_from_s3(lambda_client, bulwark.account_id, unique_name, code),
                 "InvalidParameterValueException", 400, message)
    expect_error(lambda: lambda_client.get_function(FunctionName=unique_name), "ResourceNotFoundException", 404)


def test_an_update_from_a_missing_object_changes_nothing(bulwark, lambda_client, s3, bucket, unique_name):
    s3.put_object(Bucket=bucket, Key="app.zip", Body=package("kept"))
    create_from_s3(lambda_client, bulwark.account_id, unique_name, {"S3Bucket": bucket, "S3Key": "app.zip"})
    ready = wait_until_ready(lambda_client, unique_name)

    expect_error(lambda: lambda_client.update_function_code(FunctionName=unique_name, S3Bucket=bucket, S3Key="gone.zip"),
                 "InvalidParameterValueException", 400, get_object_failed("NoSuchKey", "The specified key does not exist."))
    expect_error(lambda: lambda_client.update_function_code(FunctionName=unique_name, ZipFile=package("y"), S3Key="app.zip"),
                 "InvalidParameterValueException", 400,
                 "Please do not provide other FunctionCode parameters when providing a ZipFile.")
    after = lambda_client.get_function_configuration(FunctionName=unique_name)
    assert (after["CodeSha256"], after["RevisionId"]) == (ready["CodeSha256"], ready["RevisionId"])


def test_a_package_from_s3_passes_the_package_checks(bulwark, lambda_client, s3, bucket, unique_name):
    s3.put_object(Bucket=bucket, Key="not-a.zip", Body=b"plain text, not an archive")
    expect_error(lambda: create_from_s3(lambda_client, bulwark.account_id, unique_name, {"S3Bucket": bucket, "S3Key": "not-a.zip"}),
                 "InvalidParameterValueException", 400,
                 "Could not unzip uploaded file. Please check your file, then try to upload again.")


def test_a_bucket_of_another_region_is_answered_with_s3s_redirect(bulwark, lambda_client, unique_name):
    west = s3_client(bulwark, region="eu-west-2")
    name = f"west-{int(time.time() * 1000000) % 10**12}"
    west.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    try:
        west.put_object(Bucket=name, Key="app.zip", Body=package("west"))
        expect_error(
            lambda: create_from_s3(lambda_client, bulwark.account_id, unique_name, {"S3Bucket": name, "S3Key": "app.zip"}),
            "InvalidParameterValueException", 400,
            get_object_failed("PermanentRedirect", "The bucket is in this region: eu-west-2. Please use this region to retry the request"))
    finally:
        west.delete_object(Bucket=name, Key="app.zip")
        west.delete_bucket(Bucket=name)


def user(bulwark, name: str, statements: list[dict]):
    iam = bulwark.client("iam")
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return bulwark.client("lambda", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])


def deployer(account: str, *extra: dict) -> list[dict]:
    return [
        {"Effect": "Allow", "Action": "lambda:*", "Resource": "*"},
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": role_arn(account)},
        *extra,
    ]


def test_a_caller_denied_s3_get_object_on_the_package_is_refused(bulwark, lambda_client, s3, bucket, unique_name):
    account = bulwark.account_id
    s3.put_object(Bucket=bucket, Key="app.zip", Body=package("private"))
    object_arn = f"arn:aws:s3:::{bucket}/app.zip"
    denied = user(bulwark, f"{unique_name}-d", deployer(
        account, {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:GetObject", "Resource": object_arn}))

    with pytest.raises(ClientError) as raised:
        create_from_s3(denied, account, unique_name, {"S3Bucket": bucket, "S3Key": "app.zip"})
    response = raised.value.response
    assert response["Error"] == {"Code": "AccessDeniedException", "Message": denied_by_s3(bucket, "app.zip")}
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"].startswith("AccessDeniedException")
    expect_error(lambda: lambda_client.get_function(FunctionName=unique_name), "ResourceNotFoundException", 404)
    # Audited as a denial of the authorize stage, naming the object.
    event = trail_event(bulwark, response["ResponseMetadata"]["RequestId"])
    assert (event["errorCode"], event["errorMessage"]) == ("AccessDeniedException", denied_by_s3(bucket, "app.zip"))
    assert "\nExplicitDeny: denied by Deny statement 4 of identity-based policy p" in event["additionalEventData"]["authorization"]
    assert {"ARN": object_arn, "accountId": account, "type": "AWS::S3::Object"} in event["resources"]

    # A version needs s3:GetObjectVersion besides.
    versionless = user(bulwark, f"{unique_name}-v", deployer(account, {"Effect": "Allow", "Action": "s3:GetObject", "Resource": object_arn}))
    expect_error(
        lambda: create_from_s3(versionless, account, unique_name, {"S3Bucket": bucket, "S3Key": "app.zip", "S3ObjectVersion": "null"}),
        "AccessDeniedException", 403, denied_by_s3(bucket, "app.zip"))

    allowed = user(bulwark, f"{unique_name}-a", deployer(
        account, {"Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjectVersion"], "Resource": object_arn}))
    created = create_from_s3(allowed, account, unique_name, {"S3Bucket": bucket, "S3Key": "app.zip", "S3ObjectVersion": "null"})
    assert created["CodeSha256"] == code_sha256(package("private"))

    # UpdateFunctionCode asks the same of its caller.
    s3.put_object(Bucket=bucket, Key="next.zip", Body=package("next"))
    expect_error(lambda: allowed.update_function_code(FunctionName=unique_name, S3Bucket=bucket, S3Key="next.zip"),
                 "AccessDeniedException", 403, denied_by_s3(bucket, "next.zip"))
