"""The Lambda control plane through boto3: every operation, the fields AWS returns, and the forms in
which a function may be named.

Reference: the Lambda API reference and responses recorded against AWS (LocalStack's AWS-validated
snapshots, tests/aws/services/lambda_/test_lambda_api.snapshot.json).
"""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qs, urlsplit

from support.lam import (
    HANDLER,
    LAST_MODIFIED,
    RUNTIME,
    UUID,
    create_function,
    expect_error,
    function_arn,
    function_names,
    role_arn,
    wait_for,
)
from support.packages import code_sha256, hello_zip
from support.wire import fetch_url


def test_create_function_returns_the_configuration_as_aws_does(bulwark, lambda_client, unique_name):
    package = hello_zip(unique_name)
    created = create_function(lambda_client, bulwark.account_id, unique_name, package, Description="first", wait=False)

    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert created["FunctionName"] == unique_name
    assert created["FunctionArn"] == function_arn(bulwark.account_id, unique_name)
    assert created["Runtime"] == RUNTIME
    assert created["Handler"] == HANDLER
    assert created["Role"] == role_arn(bulwark.account_id)
    assert created["Description"] == "first"
    assert created["CodeSha256"] == code_sha256(package)
    assert created["CodeSize"] == len(package)
    assert created["Version"] == "$LATEST"
    assert created["PackageType"] == "Zip"
    # Lambda's defaults.
    assert created["MemorySize"] == 128
    assert created["Timeout"] == 3
    assert created["EphemeralStorage"] == {"Size": 512}
    assert created["TracingConfig"] == {"Mode": "PassThrough"}
    assert created["LoggingConfig"] == {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{unique_name}"}
    assert created["Architectures"] in (["x86_64"], ["arm64"])
    assert LAST_MODIFIED.match(created["LastModified"]), created["LastModified"]
    assert UUID.match(created["RevisionId"])
    # AWS answers Pending while it prepares the function (test_function_states.py follows it to Active).
    assert (created["State"], created["StateReasonCode"]) == ("Pending", "Creating")
    assert "LastUpdateStatus" not in created


def test_get_function_returns_configuration_code_location_and_tags(bulwark, lambda_client, unique_name):
    package = hello_zip(unique_name)
    created = create_function(lambda_client, bulwark.account_id, unique_name, package, Tags={"team": "core"})

    got = lambda_client.get_function(FunctionName=unique_name)

    configuration = got["Configuration"]
    assert configuration["FunctionArn"] == created["FunctionArn"]
    assert configuration["CodeSha256"] == created["CodeSha256"]
    assert configuration["RevisionId"] == created["RevisionId"]
    assert configuration["State"] == "Active"
    assert configuration["LastUpdateStatus"] == "Successful"
    assert got["Code"]["RepositoryType"] == "S3"
    assert got["Tags"] == {"team": "core"}


def test_code_location_downloads_the_exact_package_for_ten_minutes(bulwark, lambda_client, unique_name):
    package = hello_zip(unique_name)
    create_function(lambda_client, bulwark.account_id, unique_name, package)

    location = lambda_client.get_function(FunctionName=unique_name)["Code"]["Location"]
    answer = fetch_url(location)

    assert answer.status == 200
    assert answer.body == package
    assert code_sha256(answer.body) == lambda_client.get_function_configuration(FunctionName=unique_name)["CodeSha256"]
    # A presigned URL valid for 10 minutes, as AWS's Code.Location is.
    query = parse_qs(urlsplit(location).query)
    assert query.get("X-Amz-Expires") == ["600"], location


def test_code_location_with_a_tampered_signature_is_refused(bulwark, lambda_client, unique_name):
    create_function(lambda_client, bulwark.account_id, unique_name)
    location = lambda_client.get_function(FunctionName=unique_name)["Code"]["Location"]
    signature = parse_qs(urlsplit(location).query)["X-Amz-Signature"][0]
    forged = "0" * len(signature) if signature[0] != "0" else "1" * len(signature)

    answer = fetch_url(location.replace(signature, forged))

    assert answer.status == 403
    assert b"PK\x03\x04" not in answer.body


def test_code_location_follows_the_current_code(bulwark, lambda_client, unique_name):
    create_function(lambda_client, bulwark.account_id, unique_name, hello_zip("one"))
    second = hello_zip("two")
    lambda_client.update_function_code(FunctionName=unique_name, ZipFile=second)

    answer = fetch_url(lambda_client.get_function(FunctionName=unique_name)["Code"]["Location"])

    assert answer.status == 200
    assert hashlib.sha256(answer.body).digest() == hashlib.sha256(second).digest()


def test_get_function_configuration(bulwark, lambda_client, unique_name):
    created = create_function(lambda_client, bulwark.account_id, unique_name, MemorySize=256, Timeout=10)

    configuration = lambda_client.get_function_configuration(FunctionName=unique_name)

    assert configuration["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert configuration["FunctionArn"] == created["FunctionArn"]
    assert (configuration["MemorySize"], configuration["Timeout"]) == (256, 10)
    assert configuration["State"] == "Active"
    assert "Code" not in configuration


def test_a_function_can_be_named_by_name_arn_or_partial_arn(bulwark, lambda_client, unique_name):
    create_function(lambda_client, bulwark.account_id, unique_name)
    arn = function_arn(bulwark.account_id, unique_name)

    for form in (unique_name, arn, f"{bulwark.account_id}:function:{unique_name}", f"{arn}:$LATEST"):
        got = lambda_client.get_function_configuration(FunctionName=form)
        assert got["FunctionName"] == unique_name, form


def test_create_function_by_arn(bulwark, lambda_client, unique_name):
    arn = function_arn(bulwark.account_id, unique_name)

    created = create_function(lambda_client, bulwark.account_id, arn)

    assert created["FunctionName"] == unique_name
    assert created["FunctionArn"] == arn


def test_list_functions_lists_created_functions(bulwark, lambda_client, unique_name):
    names = [f"{unique_name}-{index}" for index in range(3)]
    for name in names:
        create_function(lambda_client, bulwark.account_id, name)

    listed = function_names(lambda_client)

    assert set(names) <= set(listed)
    assert len(listed) == len(set(listed)), "a function was listed twice"
    page = lambda_client.list_functions()
    mine = [function for function in page["Functions"] if function["FunctionName"] in names]
    for function in mine:
        assert function["FunctionArn"] == function_arn(bulwark.account_id, function["FunctionName"])
        assert function["Version"] == "$LATEST"


def test_update_function_configuration(bulwark, lambda_client, unique_name):
    created = create_function(lambda_client, bulwark.account_id, unique_name)

    updated = lambda_client.update_function_configuration(
        FunctionName=unique_name,
        Timeout=30,
        MemorySize=512,
        Description="changed",
        Handler="app.other",
        Environment={"Variables": {"AB": "b", "STAGE": "test"}},
        EphemeralStorage={"Size": 1024},
    )

    assert updated["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert (updated["Timeout"], updated["MemorySize"], updated["Description"]) == (30, 512, "changed")
    assert updated["Handler"] == "app.other"
    assert updated["Environment"] == {"Variables": {"AB": "b", "STAGE": "test"}}
    assert updated["EphemeralStorage"] == {"Size": 1024}
    assert updated["CodeSha256"] == created["CodeSha256"]
    assert updated["RevisionId"] != created["RevisionId"]
    assert updated["LastUpdateStatus"] == "InProgress"
    wait_for(lambda_client, "function_updated_v2", unique_name)
    again = lambda_client.get_function_configuration(FunctionName=unique_name)
    assert again["Environment"] == {"Variables": {"AB": "b", "STAGE": "test"}}
    assert again["Timeout"] == 30
    assert again["LastUpdateStatus"] == "Successful"


def test_update_function_configuration_keeps_what_it_does_not_name(bulwark, lambda_client, unique_name):
    create_function(lambda_client, bulwark.account_id, unique_name, MemorySize=256, Environment={"Variables": {"KEY": "v"}})

    lambda_client.update_function_configuration(FunctionName=unique_name, Timeout=9)

    got = lambda_client.get_function_configuration(FunctionName=unique_name)
    assert (got["MemorySize"], got["Timeout"], got["Environment"]) == (256, 9, {"Variables": {"KEY": "v"}})


def test_update_function_code(bulwark, lambda_client, unique_name):
    created = create_function(lambda_client, bulwark.account_id, unique_name, hello_zip("one"))
    second = hello_zip("second version")

    updated = lambda_client.update_function_code(FunctionName=unique_name, ZipFile=second)

    assert updated["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert updated["CodeSha256"] == code_sha256(second)
    assert updated["CodeSize"] == len(second)
    assert updated["RevisionId"] != created["RevisionId"]
    assert lambda_client.get_function(FunctionName=unique_name)["Configuration"]["CodeSha256"] == code_sha256(second)


def test_update_function_code_dry_run_changes_nothing(bulwark, lambda_client, unique_name):
    first = hello_zip("one")
    create_function(lambda_client, bulwark.account_id, unique_name, first)
    before = lambda_client.get_function_configuration(FunctionName=unique_name)

    lambda_client.update_function_code(FunctionName=unique_name, ZipFile=hello_zip("two"), DryRun=True)

    got = lambda_client.get_function_configuration(FunctionName=unique_name)
    assert got["CodeSha256"] == code_sha256(first)
    assert got["RevisionId"] == before["RevisionId"]
    assert got["LastUpdateStatus"] == "Successful"


def test_delete_function(bulwark, lambda_client, unique_name):
    create_function(lambda_client, bulwark.account_id, unique_name)

    deleted = lambda_client.delete_function(FunctionName=unique_name)

    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    expect_error(
        lambda: lambda_client.get_function(FunctionName=unique_name),
        "ResourceNotFoundException", 404,
        f"Function not found: {function_arn(bulwark.account_id, unique_name)}",
    )
    assert unique_name not in function_names(lambda_client)


def test_a_deleted_name_can_be_created_again(bulwark, lambda_client, unique_name):
    create_function(lambda_client, bulwark.account_id, unique_name, hello_zip("old"))
    lambda_client.delete_function(FunctionName=unique_name)

    created = create_function(lambda_client, bulwark.account_id, unique_name, hello_zip("new"))

    assert created["CodeSha256"] == code_sha256(hello_zip("new"))
    assert lambda_client.list_tags(Resource=created["FunctionArn"])["Tags"] == {}


def test_waiters_see_the_function_active_and_updated(bulwark, lambda_client, unique_name):
    create_function(lambda_client, bulwark.account_id, unique_name, wait=False)
    lambda_client.get_waiter("function_active_v2").wait(FunctionName=unique_name, WaiterConfig={"Delay": 1, "MaxAttempts": 5})

    lambda_client.update_function_configuration(FunctionName=unique_name, Timeout=5)
    lambda_client.get_waiter("function_updated_v2").wait(FunctionName=unique_name, WaiterConfig={"Delay": 1, "MaxAttempts": 5})
    assert lambda_client.get_function(FunctionName=unique_name)["Configuration"]["Timeout"] == 5


def test_get_account_settings_counts_this_accounts_functions(fresh_bulwark):
    server = fresh_bulwark().start()
    client = server.client("lambda")
    empty = client.get_account_settings()
    assert empty["AccountUsage"] == {"TotalCodeSize": 0, "FunctionCount": 0}
    assert empty["AccountLimit"] == {
        "TotalCodeSize": 80_530_636_800,
        "CodeSizeUnzipped": 262_144_000,
        "CodeSizeZipped": 52_428_800,
        "ConcurrentExecutions": 1000,
        "UnreservedConcurrentExecutions": 1000,
    }

    sizes = [create_function(client, server.account_id, f"settings-{index}")["CodeSize"] for index in range(3)]
    client.delete_function(FunctionName="settings-0")

    usage = client.get_account_settings()["AccountUsage"]
    assert usage == {"TotalCodeSize": sum(sizes[1:]), "FunctionCount": 2}
