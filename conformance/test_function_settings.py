"""Per-function settings next to the configuration (issue #9): recursive loop detection
(Get/PutFunctionRecursionConfig, default Terminate), runtime management (Get/PutRuntimeManagementConfig,
default Auto; Manual pins a runtime version ARN, which GetFunction then shows), ListFunctions'
MasterRegion (Lambda@Edge replicas: Bulwark replicates none), and each authorized by its own action.

Reference: the Lambda API reference of these operations and botocore's model (shapes, enums, HTTP status).
"""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from support.lam import create_function, expect_error, function_arn


def body(response: dict) -> dict:
    return {key: value for key, value in response.items() if key != "ResponseMetadata"}


def test_recursion_config_defaults_to_terminate_and_is_kept(bulwark, lambda_client, unique_name):
    created = create_function(lambda_client, bulwark.account_id, unique_name)

    assert body(lambda_client.get_function_recursion_config(FunctionName=unique_name)) == {"RecursiveLoop": "Terminate"}
    put = lambda_client.put_function_recursion_config(FunctionName=unique_name, RecursiveLoop="Allow")
    assert (put["ResponseMetadata"]["HTTPStatusCode"], body(put)) == (200, {"RecursiveLoop": "Allow"})
    assert body(lambda_client.get_function_recursion_config(FunctionName=unique_name)) == {"RecursiveLoop": "Allow"}
    # A setting beside the configuration: the function's revision is unchanged.
    assert lambda_client.get_function_configuration(FunctionName=unique_name)["RevisionId"] == created["RevisionId"]


def test_recursion_config_refuses_a_value_outside_the_enum_and_an_unknown_function(bulwark, lambda_client, unique_name):
    create_function(lambda_client, bulwark.account_id, unique_name)
    expect_error(
        lambda: lambda_client.put_function_recursion_config(FunctionName=unique_name, RecursiveLoop="Sometimes"),
        "ValidationException", 400,
        "1 validation error detected: Value 'Sometimes' at 'recursiveLoop' failed to satisfy constraint: "
        "Member must satisfy enum value set: [Allow, Terminate]",
    )
    expect_error(
        lambda: lambda_client.get_function_recursion_config(FunctionName=f"{unique_name}-missing"),
        "ResourceNotFoundException", 404, f"Function not found: {function_arn(bulwark.account_id, unique_name + '-missing')}",
    )


def test_runtime_management_defaults_to_auto(bulwark, lambda_client, unique_name):
    create_function(lambda_client, bulwark.account_id, unique_name)

    got = lambda_client.get_runtime_management_config(FunctionName=unique_name)

    assert body(got) == {"UpdateRuntimeOn": "Auto", "FunctionArn": function_arn(bulwark.account_id, unique_name)}


def test_manual_runtime_management_pins_the_runtime_version(bulwark, lambda_client, unique_name):
    create_function(lambda_client, bulwark.account_id, unique_name)
    version = lambda_client.get_function(FunctionName=unique_name)["Configuration"]["RuntimeVersionConfig"]["RuntimeVersionArn"]
    arn = function_arn(bulwark.account_id, unique_name)

    put = lambda_client.put_runtime_management_config(FunctionName=unique_name, UpdateRuntimeOn="Manual", RuntimeVersionArn=version)

    assert body(put) == {"UpdateRuntimeOn": "Manual", "FunctionArn": arn, "RuntimeVersionArn": version}
    assert body(lambda_client.get_runtime_management_config(FunctionName=unique_name)) == {
        "UpdateRuntimeOn": "Manual", "RuntimeVersionArn": version, "FunctionArn": arn,
    }
    back = lambda_client.put_runtime_management_config(FunctionName=unique_name, UpdateRuntimeOn="FunctionUpdate")
    assert body(back) == {"UpdateRuntimeOn": "FunctionUpdate", "FunctionArn": arn}
    assert body(lambda_client.get_runtime_management_config(FunctionName=unique_name)) == {
        "UpdateRuntimeOn": "FunctionUpdate", "FunctionArn": arn,
    }


def test_manual_runtime_management_needs_a_version_of_the_functions_runtime(bulwark, lambda_client, unique_name):
    create_function(lambda_client, bulwark.account_id, unique_name)
    expect_error(
        lambda: lambda_client.put_runtime_management_config(FunctionName=unique_name, UpdateRuntimeOn="Manual"),
        "InvalidParameterValueException", 400,
    )
    other = "arn:aws:lambda:us-east-1::runtime:" + "0" * 64
    expect_error(
        lambda: lambda_client.put_runtime_management_config(
            FunctionName=unique_name, UpdateRuntimeOn="Manual", RuntimeVersionArn=other),
        "InvalidParameterValueException", 400,
    )
    expect_error(
        lambda: lambda_client.put_runtime_management_config(
            FunctionName=unique_name, UpdateRuntimeOn="Auto", RuntimeVersionArn=other),
        "InvalidParameterValueException", 400,
    )
    assert body(lambda_client.get_runtime_management_config(FunctionName=unique_name))["UpdateRuntimeOn"] == "Auto"


def test_master_region_lists_lambda_at_edge_replicas_of_which_there_are_none(bulwark, lambda_client, unique_name):
    create_function(lambda_client, bulwark.account_id, unique_name)

    listed = lambda_client.list_functions(MasterRegion="us-east-1", FunctionVersion="ALL")

    assert body(listed) == {"Functions": []}
    expect_error(lambda: lambda_client.list_functions(MasterRegion="us-east-1"), "InvalidParameterValueException", 400)


def test_function_version_all_lists_every_version_under_its_qualified_arn(bulwark, lambda_client, unique_name):
    create_function(lambda_client, bulwark.account_id, unique_name)

    listed = [function for function in lambda_client.list_functions(FunctionVersion="ALL")["Functions"]
              if function["FunctionName"] == unique_name]

    assert [(function["FunctionArn"], function["Version"]) for function in listed] == [
        (function_arn(bulwark.account_id, unique_name) + ":$LATEST", "$LATEST")
    ]


@pytest.mark.parametrize(("call", "action"), [
    (lambda client, name: client.get_function_recursion_config(FunctionName=name), "lambda:GetFunctionRecursionConfig"),
    (lambda client, name: client.put_function_recursion_config(FunctionName=name, RecursiveLoop="Allow"),
     "lambda:PutFunctionRecursionConfig"),
    (lambda client, name: client.get_runtime_management_config(FunctionName=name), "lambda:GetRuntimeManagementConfig"),
    (lambda client, name: client.put_runtime_management_config(FunctionName=name, UpdateRuntimeOn="FunctionUpdate"),
     "lambda:PutRuntimeManagementConfig"),
])
def test_each_setting_is_authorized_by_its_own_action(bulwark, lambda_client, unique_name, call, action):
    create_function(lambda_client, bulwark.account_id, unique_name)
    iam = bulwark.client("iam")
    user = unique_name.replace("_", "")[:48]
    iam.create_user(UserName=user)
    key = iam.create_access_key(UserName=user)["AccessKey"]
    client = bulwark.client("lambda", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])
    arn = function_arn(bulwark.account_id, unique_name)

    with pytest.raises(ClientError) as refused:
        call(client, unique_name)
    assert refused.value.response["Error"]["Code"] == "AccessDeniedException"
    assert f"is not authorized to perform: {action} on resource: {arn}" in refused.value.response["Error"]["Message"]

    iam.put_user_policy(UserName=user, PolicyName="setting", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": arn}]}))
    assert call(client, unique_name)["ResponseMetadata"]["HTTPStatusCode"] == 200
