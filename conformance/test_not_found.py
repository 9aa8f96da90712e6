"""Not-found answers per operation, in AWS's words (issue #9): a missing function, a version the function
does not have, a missing asynchronous configuration, and DeleteFunction's refusals that AWS gives before it
looks for the version ($LATEST, an alias).

Reference: Lambda API reference error shapes; messages as recorded against AWS in LocalStack's
AWS-validated tests (lambda provider: delete_function, get_function_event_invoke_config).
"""

from __future__ import annotations

from support.lam import create_function, expect_error, function_arn


def test_a_missing_function_is_named_by_its_arn(bulwark, lambda_client, unique_name):
    arn = function_arn(bulwark.account_id, unique_name)
    for call in (
        lambda: lambda_client.get_function(FunctionName=unique_name),
        lambda: lambda_client.get_function_configuration(FunctionName=unique_name),
        lambda: lambda_client.delete_function(FunctionName=unique_name),
        lambda: lambda_client.get_function_recursion_config(FunctionName=unique_name),
    ):
        expect_error(call, "ResourceNotFoundException", 404, f"Function not found: {arn}")


def test_a_version_the_function_does_not_have_is_named_by_its_qualified_arn(bulwark, lambda_client, unique_name):
    create_function(lambda_client, bulwark.account_id, unique_name)
    qualified = function_arn(bulwark.account_id, unique_name) + ":7"

    for call in (
        lambda: lambda_client.get_function(FunctionName=unique_name, Qualifier="7"),
        lambda: lambda_client.get_function_configuration(FunctionName=unique_name, Qualifier="7"),
        lambda: lambda_client.get_function_configuration(FunctionName=qualified),
    ):
        expect_error(call, "ResourceNotFoundException", 404, f"Function not found: {qualified}")


def test_delete_function_refuses_latest_and_aliases_before_looking_for_them(bulwark, lambda_client, unique_name):
    create_function(lambda_client, bulwark.account_id, unique_name)

    expect_error(
        lambda: lambda_client.delete_function(FunctionName=unique_name, Qualifier="$LATEST"),
        "InvalidParameterValueException", 400, "$LATEST version cannot be deleted without deleting the function.",
    )
    for name in (unique_name, f"{unique_name}-missing"):
        expect_error(
            lambda name=name: lambda_client.delete_function(FunctionName=name, Qualifier="prod"),
            "InvalidParameterValueException", 400, "Deletion of aliases is not currently supported.",
        )
    assert lambda_client.get_function(FunctionName=unique_name)["Configuration"]["FunctionName"] == unique_name


def test_event_invoke_config_that_was_never_put(bulwark, lambda_client, unique_name):
    create_function(lambda_client, bulwark.account_id, unique_name)
    qualified = function_arn(bulwark.account_id, unique_name) + ":$LATEST"

    for call in (
        lambda: lambda_client.get_function_event_invoke_config(FunctionName=unique_name),
        lambda: lambda_client.delete_function_event_invoke_config(FunctionName=unique_name),
    ):
        expect_error(call, "ResourceNotFoundException", 404, f"The function {qualified} doesn't have an EventInvokeConfig")
