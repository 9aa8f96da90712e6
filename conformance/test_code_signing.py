"""Code signing for Lambda (issue #13 items 5-6, decision 0038): code signing configurations, a function's
configuration, and the checks at CreateFunction, UpdateFunctionCode and for layers, through boto3 and the CLI.

AWS's behaviour (Lambda API reference, "Using code signing to verify code integrity with Lambda"):
- CreateCodeSigningConfig answers 201 with the CodeSigningConfig (Id `csc-` + 17 characters, ARN
  `...:code-signing-config:<id>`, AllowedPublishers, CodeSigningPolicies (default Warn), LastModified).
- DeleteCodeSigningConfig of a configuration a function uses: 409 ResourceConflictException.
- GetFunctionCodeSigningConfig of a function without one answers an empty CodeSigningConfigArn.
- Lambda checks integrity, expiry, mismatch (allowed publishers) and revocation. A failed integrity check is
  400 InvalidCodeSignatureException whatever the policy; the other checks refuse with 400
  CodeVerificationFailedException under Enforce, and deploy with a warning (CloudTrail, SignatureValidationErrors)
  under Warn. Layers added to a function with code signing must be signed by an allowed profile too.
- Expiry is checked by the Swift unit tests (SignerCodeVerifierTests): the shortest validity period is one day.
"""

from __future__ import annotations

import datetime
import io
import time
import zipfile

import boto3
import botocore.config
import pytest

from support.functions import invoke, python_zip, wait_until_ready
from support.lam import RUNTIME, expect_error, role_arn


def body(response: dict) -> dict:
    return {key: value for key, value in response.items() if key != "ResponseMetadata"}


@pytest.fixture
def signer(bulwark):
    return bulwark.client("signer")


@pytest.fixture
def s3(bulwark):
    key, secret = bulwark.admin_key
    return boto3.session.Session().client(
        "s3", endpoint_url=bulwark.endpoint, region_name="us-east-1", aws_access_key_id=key, aws_secret_access_key=secret,
        config=botocore.config.Config(retries={"max_attempts": 0, "mode": "standard"}, s3={"addressing_style": "path"}))


@pytest.fixture
def bucket(s3, request):
    name = f"signed-{int(time.time() * 1000000) % 10**12}-{abs(hash(request.node.name)) % 10**6}"
    s3.create_bucket(Bucket=name)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return name


def new_profile(signer, request_name: str) -> str:
    name = f"p{int(time.time() * 1000000) % 10**12}_{abs(hash(request_name)) % 10**6}"
    return signer.put_signing_profile(profileName=name, platformId="AWSLambda-SHA384-ECDSA")["profileVersionArn"]


def profile_name(version_arn: str) -> str:
    return version_arn.split("/")[-2]


def sign(signer, s3, bucket: str, version_arn: str, package: bytes, key: str = "app.zip") -> tuple[str, bytes]:
    """Signs `package` with the profile; answers the job ID and the signed zip."""
    version = s3.put_object(Bucket=bucket, Key=key, Body=package)["VersionId"]
    job = signer.start_signing_job(
        source={"s3": {"bucketName": bucket, "key": key, "version": version}},
        destination={"s3": {"bucketName": bucket, "prefix": "signed/"}}, profileName=profile_name(version_arn))["jobId"]
    return job, s3.get_object(Bucket=bucket, Key=f"signed/{job}.zip")["Body"].read()


def tampered(signed: bytes) -> bytes:
    """Other code carrying the signed zip's signature: a valid zip with one more file, and the same comment."""
    with zipfile.ZipFile(io.BytesIO(signed)) as original:
        entries = {name: original.read(name) for name in original.namelist()}
        comment = original.comment
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        archive.writestr("backdoor.py", "import os\n")
        archive.comment = comment
    return buffer.getvalue()


def config(client, publishers: list[str], policy: str) -> dict:
    return client.create_code_signing_config(
        AllowedPublishers={"SigningProfileVersionArns": publishers}, CodeSigningPolicies={"UntrustedArtifactOnDeployment": policy},
        Description="ci")["CodeSigningConfig"]


def function_with(bulwark, client, name: str, csc_arn: str, package: bytes, **extra) -> dict:
    return client.create_function(FunctionName=name, Runtime=RUNTIME, Role=role_arn(bulwark.account_id), Handler="app.handler",
                                  Code={"ZipFile": package}, CodeSigningConfigArn=csc_arn, **extra)


def trail_event(server, request_id: str) -> dict:
    deadline = time.monotonic() + 10
    while True:
        events = [event for event in server.trail_events() if event.get("requestID") == request_id]
        if events or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert len(events) == 1, f"{len(events)} events for request {request_id}"
    return events[0]


def test_a_configuration_is_created_read_updated_listed_and_deleted(bulwark, lambda_client, signer, request):
    arn = new_profile(signer, request.node.name)
    created = lambda_client.create_code_signing_config(AllowedPublishers={"SigningProfileVersionArns": [arn]})
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    csc = created["CodeSigningConfig"]
    assert csc["CodeSigningConfigId"].startswith("csc-") and len(csc["CodeSigningConfigId"]) == 21
    csc_arn = f"arn:aws:lambda:us-east-1:{bulwark.account_id}:code-signing-config:{csc['CodeSigningConfigId']}"
    last_modified = csc.pop("LastModified")
    assert csc == {
        "CodeSigningConfigId": csc_arn.split(":")[-1], "CodeSigningConfigArn": csc_arn, "Description": "",
        "AllowedPublishers": {"SigningProfileVersionArns": [arn]}, "CodeSigningPolicies": {"UntrustedArtifactOnDeployment": "Warn"},
    }
    assert last_modified.endswith("+0000")

    got = lambda_client.get_code_signing_config(CodeSigningConfigArn=csc_arn)["CodeSigningConfig"]
    assert {k: v for k, v in got.items() if k != "LastModified"} == csc
    updated = lambda_client.update_code_signing_config(
        CodeSigningConfigArn=csc_arn, Description="release", CodeSigningPolicies={"UntrustedArtifactOnDeployment": "Enforce"})
    assert updated["CodeSigningConfig"]["Description"] == "release"
    assert updated["CodeSigningConfig"]["CodeSigningPolicies"] == {"UntrustedArtifactOnDeployment": "Enforce"}
    listed = [c["CodeSigningConfigArn"] for c in lambda_client.list_code_signing_configs()["CodeSigningConfigs"]]
    assert csc_arn in listed

    assert lambda_client.delete_code_signing_config(CodeSigningConfigArn=csc_arn)["ResponseMetadata"]["HTTPStatusCode"] == 204
    expect_error(lambda: lambda_client.get_code_signing_config(CodeSigningConfigArn=csc_arn), "ResourceNotFoundException", 404)
    expect_error(lambda: lambda_client.create_code_signing_config(
        AllowedPublishers={"SigningProfileVersionArns": [f"arn:aws:iam::{bulwark.account_id}:role/x"]}),
        "InvalidParameterValueException", 400)


def test_a_function_uses_a_configuration_until_it_is_removed(bulwark, lambda_client, signer, s3, bucket, unique_name, request):
    arn = new_profile(signer, request.node.name)
    csc = config(lambda_client, [arn], "Warn")["CodeSigningConfigArn"]
    _, signed = sign(signer, s3, bucket, arn, python_zip())
    function_with(bulwark, lambda_client, unique_name, csc, signed)
    assert body(lambda_client.get_function_code_signing_config(FunctionName=unique_name)) == {
        "CodeSigningConfigArn": csc, "FunctionName": unique_name}
    assert body(lambda_client.list_functions_by_code_signing_config(CodeSigningConfigArn=csc)) == {
        "FunctionArns": [f"arn:aws:lambda:us-east-1:{bulwark.account_id}:function:{unique_name}"]}

    error = expect_error(lambda: lambda_client.delete_code_signing_config(CodeSigningConfigArn=csc), "ResourceConflictException", 409)
    assert "used by one or more functions" in error.response["Error"]["Message"]

    assert lambda_client.delete_function_code_signing_config(FunctionName=unique_name)["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert body(lambda_client.get_function_code_signing_config(FunctionName=unique_name)) == {
        "CodeSigningConfigArn": "", "FunctionName": unique_name}
    put = lambda_client.put_function_code_signing_config(FunctionName=unique_name, CodeSigningConfigArn=csc)
    assert body(put) == {"CodeSigningConfigArn": csc, "FunctionName": unique_name}
    missing = csc[:-3] + "zzz"
    expect_error(lambda: lambda_client.put_function_code_signing_config(FunctionName=unique_name, CodeSigningConfigArn=missing),
                 "CodeSigningConfigNotFoundException", 404)
    expect_error(lambda: function_with(bulwark, lambda_client, unique_name + "-2", missing, signed),
                 "CodeSigningConfigNotFoundException", 404)

    # Deleting the function releases the configuration.
    lambda_client.delete_function(FunctionName=unique_name)
    assert body(lambda_client.list_functions_by_code_signing_config(CodeSigningConfigArn=csc)) == {"FunctionArns": []}
    lambda_client.delete_code_signing_config(CodeSigningConfigArn=csc)


def test_the_issue_walkthrough_signed_code_deploys_unsigned_is_refused(bulwark, lambda_client, signer, s3, bucket, unique_name, request):
    arn = new_profile(signer, request.node.name)
    csc = bulwark.aws("lambda", "create-code-signing-config", "--allowed-publishers", f"SigningProfileVersionArns={arn}",
                      "--code-signing-policies", "UntrustedArtifactOnDeployment=Enforce").json["CodeSigningConfig"]["CodeSigningConfigArn"]
    lambda_client.create_function(FunctionName=unique_name, Runtime=RUNTIME, Role=role_arn(bulwark.account_id),
                                  Handler="app.handler", Code={"ZipFile": python_zip(extra={"marker.txt": "unsigned"})})
    wait_until_ready(lambda_client, unique_name)
    bulwark.aws("lambda", "put-function-code-signing-config", "--function-name", unique_name, "--code-signing-config-arn", csc)

    version = s3.put_object(Bucket=bucket, Key="app.zip", Body=python_zip(extra={"marker.txt": "signed"}))["VersionId"]
    job = bulwark.aws("signer", "start-signing-job", "--source", f"s3={{bucketName={bucket},key=app.zip,version={version}}}",
                      "--destination", f"s3={{bucketName={bucket},prefix=signed/}}", "--profile-name", profile_name(arn)).json["jobId"]
    updated = bulwark.aws("lambda", "update-function-code", "--function-name", unique_name, "--s3-bucket", bucket,
                          "--s3-key", f"signed/{job}.zip").json
    assert updated["FunctionName"] == unique_name
    wait_until_ready(lambda_client, unique_name)
    assert invoke(lambda_client, unique_name, {}).json["marker"] == "signed"

    refused = bulwark.aws("lambda", "update-function-code", "--function-name", unique_name, "--zip-file", "fileb:///dev/null",
                          check=False)
    assert refused.returncode != 0
    with_unsigned = expect_error(
        lambda: lambda_client.update_function_code(FunctionName=unique_name, ZipFile=python_zip(extra={"marker.txt": "unsigned"})),
        "CodeVerificationFailedException", 400)
    assert with_unsigned.response["Error"]["Message"] == (
        "Lambda cannot deploy the function. The function or layer might be signed using a signature that the client is not "
        f"configured to accept. Check the provided signature for arn:aws:lambda:us-east-1:{bulwark.account_id}:function:{unique_name}.")
    assert invoke(lambda_client, unique_name, {}).json["marker"] == "signed"


CASES = ["tampered", "unlisted publisher", "revoked profile version", "revoked signature", "unsigned"]


def untrusted_package(case: str, signer, s3, bucket: str, allowed: str, other: str) -> bytes:
    if case == "unsigned":
        return python_zip()
    job, signed = sign(signer, s3, bucket, other if case == "unlisted publisher" else allowed, python_zip())
    if case == "tampered":
        return tampered(signed)
    if case == "revoked profile version":
        signer.revoke_signing_profile(profileName=profile_name(allowed), profileVersion=allowed.split("/")[-1],
                                      effectiveTime=datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5),
                                      reason="compromised")
    if case == "revoked signature":
        signer.revoke_signature(jobId=job, reason="bad build")
    return signed


@pytest.mark.parametrize("case", CASES)
def test_an_untrusted_package_is_refused_under_enforce(bulwark, lambda_client, signer, s3, bucket, unique_name, request, case):
    allowed, other = new_profile(signer, request.node.name), new_profile(signer, request.node.name + "-other")
    csc = config(lambda_client, [allowed], "Enforce")["CodeSigningConfigArn"]
    package = untrusted_package(case, signer, s3, bucket, allowed, other)
    code = "InvalidCodeSignatureException" if case == "tampered" else "CodeVerificationFailedException"
    error = expect_error(lambda: function_with(bulwark, lambda_client, unique_name, csc, package), code, 400)
    expect_error(lambda: lambda_client.get_function(FunctionName=unique_name), "ResourceNotFoundException", 404)
    # The trail says why.
    event = trail_event(bulwark, error.response["ResponseMetadata"]["RequestId"])
    assert event["errorCode"] == code and event["additionalEventData"]["reason"]


@pytest.mark.parametrize("case", CASES)
def test_an_untrusted_package_is_deployed_with_a_warning_under_warn(bulwark, lambda_client, signer, s3, bucket, unique_name, request,
                                                                    case):
    allowed, other = new_profile(signer, request.node.name), new_profile(signer, request.node.name + "-other")
    csc = config(lambda_client, [allowed], "Warn")["CodeSigningConfigArn"]
    package = untrusted_package(case, signer, s3, bucket, allowed, other)
    if case == "tampered":
        # Integrity failures are refused whatever the policy, as AWS refuses them.
        expect_error(lambda: function_with(bulwark, lambda_client, unique_name, csc, package), "InvalidCodeSignatureException", 400)
        return
    created = function_with(bulwark, lambda_client, unique_name, csc, package)
    wait_until_ready(lambda_client, unique_name)
    assert invoke(lambda_client, unique_name, {"n": 1}).json["event"] == {"n": 1}
    warnings = trail_event(bulwark, created["ResponseMetadata"]["RequestId"])["additionalEventData"]["warnings"]
    assert len(warnings) == 1 and warnings[0].startswith(f"Code signing (Warn) for {created['FunctionArn']}: ")


def test_layers_of_a_function_with_code_signing_must_be_signed(bulwark, lambda_client, signer, s3, bucket, unique_name, request):
    arn = new_profile(signer, request.node.name)
    csc = config(lambda_client, [arn], "Enforce")["CodeSigningConfigArn"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("python/helper.py", "VALUE = 42\n")
    layer_zip = buffer.getvalue()
    _, signed_layer = sign(signer, s3, bucket, arn, layer_zip, key="layer.zip")
    unsigned_layer = lambda_client.publish_layer_version(
        LayerName=f"{unique_name}-u", Content={"ZipFile": layer_zip}, CompatibleRuntimes=[RUNTIME])["LayerVersionArn"]
    signed_layer_arn = lambda_client.publish_layer_version(
        LayerName=f"{unique_name}-s", Content={"ZipFile": signed_layer}, CompatibleRuntimes=[RUNTIME])["LayerVersionArn"]
    _, signed_code = sign(signer, s3, bucket, arn, python_zip())

    error = expect_error(lambda: function_with(bulwark, lambda_client, unique_name, csc, signed_code, Layers=[unsigned_layer]),
                         "CodeVerificationFailedException", 400)
    assert error.response["Error"]["Message"].endswith(f"Check the provided signature for {unsigned_layer}.")
    function_with(bulwark, lambda_client, unique_name, csc, signed_code, Layers=[signed_layer_arn])
    wait_until_ready(lambda_client, unique_name)
    expect_error(lambda: lambda_client.update_function_configuration(FunctionName=unique_name, Layers=[unsigned_layer]),
                 "CodeVerificationFailedException", 400)


def test_the_code_signing_config_condition_key_is_judged(bulwark, lambda_client, signer, s3, bucket, unique_name, request):
    arn = new_profile(signer, request.node.name)
    allowed = config(lambda_client, [arn], "Warn")["CodeSigningConfigArn"]
    other = config(lambda_client, [arn], "Warn")["CodeSigningConfigArn"]
    iam = bulwark.client("iam")
    user = f"csc-{unique_name}"[:60]
    iam.create_user(UserName=user)
    import json
    iam.put_user_policy(UserName=user, PolicyName="p", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "lambda:*", "Resource": "*",
         "Condition": {"StringEquals": {"lambda:CodeSigningConfigArn": allowed}}},
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": role_arn(bulwark.account_id)},
    ]}))
    key = iam.create_access_key(UserName=user)["AccessKey"]
    limited = bulwark.client("lambda", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])
    _, signed = sign(signer, s3, bucket, arn, python_zip())
    expect_error(lambda: function_with(bulwark, limited, unique_name, other, signed), "AccessDeniedException", 403)
    function_with(bulwark, limited, unique_name, allowed, signed)
