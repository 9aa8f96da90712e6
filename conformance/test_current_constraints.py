"""Validation as AWS's live API does it today where the pinned botocore model lags (issue #9):
function names and ARNs of the `eusc-` regions (European Sovereign Cloud) pass the pattern, a name that
breaks it is refused with the current pattern in AWS's sentence, and every runtime of today's list is
accepted (a runtime this host cannot serve makes the function Failed, not the request).

Reference: the patterns and the Runtime enum of botocore 1.44.8's Lambda model, AWS's current API.
"""

from __future__ import annotations

import pytest

from support.lam import create_function, expect_error, wait_for
from botocore.exceptions import WaiterError

NAMESPACED_FUNCTION_NAME = (
    r"(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?"
    r"([a-zA-Z0-9-_\.]+)(:(\$LATEST(\.PUBLISHED)?|[a-zA-Z0-9-_]+))?"
)


def test_a_name_that_breaks_the_pattern_is_refused_with_the_current_pattern(bulwark, lambda_client):
    expect_error(
        lambda: lambda_client.get_function(FunctionName="no spaces allowed"),
        "ValidationException", 400,
        "1 validation error detected: Value 'no spaces allowed' at 'functionName' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {NAMESPACED_FUNCTION_NAME}",
    )


def test_an_arn_of_a_sovereign_cloud_region_passes_validation(bulwark, lambda_client, unique_name):
    arn = f"arn:aws-eusc:lambda:eusc-de-east-1:{bulwark.account_id}:function:{unique_name}"

    error = expect_error(lambda: lambda_client.get_function(FunctionName=arn), "ResourceNotFoundException", 404)

    assert "validation error" not in error.response["Error"]["Message"]


@pytest.mark.parametrize("runtime", ["python3.15", "nodejs26.x", "java25", "dotnet10", "ruby4.0"])
def test_runtimes_of_todays_list_are_accepted(bulwark, lambda_client, unique_name, runtime):
    created = create_function(lambda_client, bulwark.account_id, unique_name, Runtime=runtime, wait=False)

    assert (created["Runtime"], created["State"]) == (runtime, "Pending")
    # None of these runs on the suite's host: the function fails, saying what is missing.
    with pytest.raises(WaiterError):
        wait_for(lambda_client, "function_active_v2", unique_name)
    got = lambda_client.get_function_configuration(FunctionName=unique_name)
    assert (got["State"], got["StateReasonCode"]) == ("Failed", "InvalidRuntime")
    assert got["StateReason"].startswith(f"{runtime} is not available on this Bulwark host: ")
