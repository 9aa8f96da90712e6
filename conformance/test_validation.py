"""Refused requests: missing and duplicate functions, and parameters outside Lambda's rules, with
the error code, HTTP status and wording AWS gives.

Where the codes come from (all recorded against AWS): model constraints violated in the request
(`min`, `pattern`, `enum` of service-2.json) are `ValidationException` "1 validation error
detected: ..."; Lambda's own rules (4 KB of environment, reserved keys, the runtime list, unzip
failures) are `InvalidParameterValueException`. Sources: LocalStack's AWS-validated snapshots
(test_lambda_api.snapshot.json: test_create_lambda_exceptions, test_function_arns,
test_function_name_and_qualifier_validation, test_large_environment_variables_fails), AWS errors
quoted in public issues (timeout "Value '1200' at 'timeout' ... less than or equal to 900 ...
Error Code: ValidationException"; "ValidationException ... 'MemorySize' value failed to satisfy
constraint: Member must have value less than or equal to 3008" on accounts limited to 3008 MB),
and the AWS documentation of reserved environment variables.

botocore checks `min` constraints before sending, so those cases use a client with
`parameter_validation` off: the server must hold the line for clients that do not check.
"""

from __future__ import annotations

import json

import pytest

from support.lam import RUNTIME, create_function, expect_error, function_arn, role_arn
from support.packages import hello_zip

ENV_TOO_LARGE = (
    "Lambda was unable to configure your environment variables because the environment variables you have "
    "provided exceeded the 4KB limit. String measured: "
)
RESERVED_KEYS = (
    "Lambda was unable to configure your environment variables because the environment variables you have "
    "provided contains reserved keys that are currently not supported for modification. "
    "Reserved keys used in this request: "
)
NAME_PATTERN_PREFIX = "failed to satisfy constraint: Member must satisfy regular expression pattern: "


@pytest.fixture
def raw_client(bulwark):
    """A boto3 client that sends what it is given, without botocore's own checks."""
    return bulwark.client("lambda", validate=False)


def assert_not_created(client, name):
    expect_error(lambda: client.get_function_configuration(FunctionName=name), "ResourceNotFoundException", 404)


# -- missing and duplicate functions ----------------------------------------------------------------


def test_duplicate_create_is_a_conflict(bulwark, lambda_client, unique_name):
    create_function(lambda_client, bulwark.account_id, unique_name)

    expect_error(
        lambda: create_function(lambda_client, bulwark.account_id, unique_name, hello_zip("other")),
        "ResourceConflictException", 409, f"Function already exist: {unique_name}",
    )


@pytest.mark.parametrize("operation", [
    "get_function", "get_function_configuration", "delete_function",
    "update_function_configuration", "update_function_code",
])
def test_missing_function_is_not_found_with_its_arn(bulwark, lambda_client, unique_name, operation):
    arguments = {"FunctionName": unique_name}
    if operation == "update_function_configuration":
        arguments["Timeout"] = 5
    if operation == "update_function_code":
        arguments["ZipFile"] = hello_zip()

    expect_error(
        lambda: getattr(lambda_client, operation)(**arguments),
        "ResourceNotFoundException", 404, f"Function not found: {function_arn(bulwark.account_id, unique_name)}",
    )


def test_missing_function_named_by_arn_is_not_found(bulwark, lambda_client, unique_name):
    arn = function_arn(bulwark.account_id, unique_name)
    expect_error(lambda: lambda_client.get_function(FunctionName=arn), "ResourceNotFoundException", 404, f"Function not found: {arn}")


# -- function names ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["bad name!", "my-function!", "invalid:function:name", "*"])
def test_create_with_an_invalid_function_name_is_a_validation_error(bulwark, lambda_client, name):
    expect_error(
        lambda: create_function(lambda_client, bulwark.account_id, name),
        "ValidationException", 400,
        message_prefix=f"1 validation error detected: Value '{name}' at 'functionName' {NAME_PATTERN_PREFIX}",
    )


@pytest.mark.parametrize("name", ["my-function!", "arn:aws:ec2:us-east-1:123456789012:instance:i-1234567890abcdef0"])
@pytest.mark.parametrize("operation", ["get_function", "delete_function"])
def test_get_or_delete_with_an_invalid_function_name_is_a_validation_error(lambda_client, name, operation):
    expect_error(
        lambda: getattr(lambda_client, operation)(FunctionName=name),
        "ValidationException", 400,
        message_prefix=f"1 validation error detected: Value '{name}' at 'functionName' {NAME_PATTERN_PREFIX}",
    )


def test_create_with_a_name_over_64_characters_is_an_invalid_parameter(bulwark, lambda_client):
    name = "a" * 65
    expect_error(
        lambda: create_function(lambda_client, bulwark.account_id, name),
        "InvalidParameterValueException", 400,
        f"1 validation error detected: Value '{name}' at 'functionName' failed to satisfy constraint: "
        "Member must have length less than or equal to 64",
    )


def test_get_with_a_name_over_64_characters_is_not_found(bulwark, lambda_client):
    name = "a" * 65
    expect_error(
        lambda: lambda_client.get_function(FunctionName=name),
        "ResourceNotFoundException", 404, f"Function not found: {function_arn(bulwark.account_id, name)}",
    )


def test_create_with_an_arn_of_another_region_is_not_found(bulwark, lambda_client, unique_name):
    arn = function_arn(bulwark.account_id, unique_name, region="ap-southeast-1")
    expect_error(
        lambda: create_function(lambda_client, bulwark.account_id, arn),
        "ResourceNotFoundException", 404,
        "Functions from 'ap-southeast-1' are not reachable in this region ('us-east-1')",
    )


def test_a_qualifier_that_contradicts_the_name_is_refused(bulwark, lambda_client, unique_name):
    create_function(lambda_client, bulwark.account_id, unique_name)
    expect_error(
        lambda: lambda_client.get_function(FunctionName=f"{function_arn(bulwark.account_id, unique_name)}:$LATEST", Qualifier="1"),
        "InvalidParameterValueException", 400,
        "The derived qualifier from the function name does not match the specified qualifier.",
    )


def test_latest_cannot_be_deleted_on_its_own(bulwark, lambda_client, unique_name):
    create_function(lambda_client, bulwark.account_id, unique_name)
    expect_error(
        lambda: lambda_client.delete_function(FunctionName=unique_name, Qualifier="$LATEST"),
        "InvalidParameterValueException", 400, "$LATEST version cannot be deleted without deleting the function.",
    )
    assert lambda_client.get_function_configuration(FunctionName=unique_name)["FunctionName"] == unique_name


# -- memory and timeout --------------------------------------------------------------------------------


@pytest.mark.parametrize("member, value, message", [
    ("MemorySize", 100, "1 validation error detected: Value '100' at 'memorySize' failed to satisfy constraint: "
                        "Member must have value greater than or equal to 128"),
    ("MemorySize", 20000, "'MemorySize' value failed to satisfy constraint: "
                          "Member must have value less than or equal to 10240"),
    ("Timeout", 0, "1 validation error detected: Value '0' at 'timeout' failed to satisfy constraint: "
                   "Member must have value greater than or equal to 1"),
    ("Timeout", 901, "1 validation error detected: Value '901' at 'timeout' failed to satisfy constraint: "
                     "Member must have value less than or equal to 900"),
])
def test_memory_and_timeout_out_of_range_on_create(bulwark, raw_client, unique_name, member, value, message):
    expect_error(
        lambda: create_function(raw_client, bulwark.account_id, unique_name, **{member: value}),
        "ValidationException", 400, message,
    )
    assert_not_created(raw_client, unique_name)


@pytest.mark.parametrize("member, value", [("MemorySize", 100), ("MemorySize", 20000), ("Timeout", 0), ("Timeout", 901)])
def test_memory_and_timeout_out_of_range_on_update_change_nothing(bulwark, raw_client, unique_name, member, value):
    before = create_function(raw_client, bulwark.account_id, unique_name)

    expect_error(lambda: raw_client.update_function_configuration(FunctionName=unique_name, **{member: value}), "ValidationException", 400)

    after = raw_client.get_function_configuration(FunctionName=unique_name)
    assert (after["MemorySize"], after["Timeout"], after["RevisionId"]) == (before["MemorySize"], before["Timeout"], before["RevisionId"])


def test_memory_and_timeout_at_their_limits_are_accepted(bulwark, lambda_client, unique_name):
    created = create_function(lambda_client, bulwark.account_id, unique_name, MemorySize=10240, Timeout=900)
    assert (created["MemorySize"], created["Timeout"]) == (10240, 900)
    updated = lambda_client.update_function_configuration(FunctionName=unique_name, MemorySize=128, Timeout=1)
    assert (updated["MemorySize"], updated["Timeout"]) == (128, 1)


def test_two_violations_are_reported_together(bulwark, raw_client, unique_name):
    error = expect_error(
        lambda: create_function(raw_client, bulwark.account_id, unique_name, MemorySize=100, Timeout=0),
        "ValidationException", 400, message_prefix="2 validation errors detected: ",
    )
    message = error.response["Error"]["Message"]
    assert "Value '100' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128" in message
    assert "Value '0' at 'timeout' failed to satisfy constraint: Member must have value greater than or equal to 1" in message


# -- runtime, handler, role, architectures -------------------------------------------------------------


@pytest.mark.parametrize("runtime", ["python9.9", "PYTHON3.12", "non-existent-runtime"])
def test_unknown_runtime_is_an_invalid_parameter(bulwark, lambda_client, unique_name, runtime):
    error = expect_error(
        lambda: create_function(lambda_client, bulwark.account_id, unique_name, Runtime=runtime),
        "InvalidParameterValueException", 400,
        message_prefix=f"Value {runtime} at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [",
    )
    message = error.response["Error"]["Message"]
    assert message.endswith("] or be a valid ARN"), message
    assert "python3.12" in message  # a runtime of AWS's list


@pytest.mark.parametrize("runtime", ["python3.6", "nodejs12.x", "python2.7", "go1.x", "ruby3.2"])
def test_deprecated_runtime_is_refused_on_create(bulwark, lambda_client, unique_name, runtime):
    expect_error(
        lambda: create_function(lambda_client, bulwark.account_id, unique_name, Runtime=runtime),
        "InvalidParameterValueException", 400,
        f"The runtime parameter of {runtime} is no longer supported for creating or updating AWS Lambda functions. "
        "We recommend you use a supported runtime while creating or updating functions.",
    )
    assert_not_created(lambda_client, unique_name)


def test_deprecated_runtime_is_refused_on_update(bulwark, lambda_client, unique_name):
    create_function(lambda_client, bulwark.account_id, unique_name)
    expect_error(
        lambda: lambda_client.update_function_configuration(FunctionName=unique_name, Runtime="python3.6"),
        "InvalidParameterValueException", 400,
        "The runtime parameter of python3.6 is no longer supported for creating or updating AWS Lambda functions. "
        "We recommend you use a supported runtime while creating or updating functions.",
    )
    assert lambda_client.get_function_configuration(FunctionName=unique_name)["Runtime"] == RUNTIME


def test_handler_with_a_space_is_a_validation_error(bulwark, lambda_client, unique_name):
    expect_error(
        lambda: create_function(lambda_client, bulwark.account_id, unique_name, Handler="app handler"),
        "ValidationException", 400,
        "1 validation error detected: Value 'app handler' at 'handler' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [^\\s]+",
    )


@pytest.mark.parametrize("role", ["not-a-role", "arn:aws:iam::123:role/short-account", "arn:aws:s3:::bucket"])
def test_role_that_is_not_a_role_arn_is_a_validation_error(bulwark, lambda_client, unique_name, role):
    expect_error(
        lambda: create_function(lambda_client, bulwark.account_id, unique_name, Role=role),
        "ValidationException", 400,
        f"1 validation error detected: Value '{role}' at 'role' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+",
    )


def test_two_architectures_are_a_validation_error(bulwark, lambda_client, unique_name):
    expect_error(
        lambda: create_function(lambda_client, bulwark.account_id, unique_name, Architectures=["x86_64", "arm64"]),
        "ValidationException", 400,
        "1 validation error detected: Value '[x86_64, arm64]' at 'architectures' failed to satisfy constraint: "
        "Member must have length less than or equal to 1",
    )


def test_list_functions_with_an_unknown_function_version_is_a_validation_error(lambda_client):
    expect_error(
        lambda: lambda_client.list_functions(FunctionVersion="invalid"),
        "ValidationException", 400,
        "1 validation error detected: Value 'invalid' at 'functionVersion' failed to satisfy constraint: "
        "Member must satisfy enum value set: [ALL]",
    )


# -- environment variables -----------------------------------------------------------------------------


def test_environment_of_exactly_4_kb_is_accepted(bulwark, lambda_client, unique_name):
    # {"LARGE_VAR":"xxx..."} measured as JSON is 4096 bytes: the limit itself.
    variables = {"LARGE_VAR": "x" * (4096 - len('{"LARGE_VAR":""}'))}
    created = create_function(lambda_client, bulwark.account_id, unique_name, Environment={"Variables": variables})
    assert created["Environment"] == {"Variables": variables}


def test_environment_over_4_kb_is_refused_with_the_string_measured(bulwark, lambda_client, unique_name):
    variables = {"LARGE_VAR": "x" * (4097 - len('{"LARGE_VAR":""}'))}
    expect_error(
        lambda: create_function(lambda_client, bulwark.account_id, unique_name, Environment={"Variables": variables}),
        "InvalidParameterValueException", 400, ENV_TOO_LARGE + json.dumps(variables, separators=(",", ":")),
    )
    assert_not_created(lambda_client, unique_name)


def test_environment_over_4_kb_is_refused_on_update(bulwark, lambda_client, unique_name):
    create_function(lambda_client, bulwark.account_id, unique_name, Environment={"Variables": {"KEEP": "me"}})
    variables = {"BIG": "y" * 5000}
    expect_error(
        lambda: lambda_client.update_function_configuration(FunctionName=unique_name, Environment={"Variables": variables}),
        "InvalidParameterValueException", 400, message_prefix=ENV_TOO_LARGE,
    )
    assert lambda_client.get_function_configuration(FunctionName=unique_name)["Environment"] == {"Variables": {"KEEP": "me"}}


@pytest.mark.parametrize("key", ["AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_LAMBDA_FUNCTION_NAME", "LAMBDA_TASK_ROOT"])
def test_reserved_environment_key_is_refused(bulwark, lambda_client, unique_name, key):
    expect_error(
        lambda: create_function(lambda_client, bulwark.account_id, unique_name, Environment={"Variables": {key: "x", "OK": "y"}}),
        "InvalidParameterValueException", 400, RESERVED_KEYS + key,
    )


def test_reserved_environment_key_is_refused_on_update(bulwark, lambda_client, unique_name):
    create_function(lambda_client, bulwark.account_id, unique_name)
    expect_error(
        lambda: lambda_client.update_function_configuration(FunctionName=unique_name, Environment={"Variables": {"AWS_REGION": "eu-west-1"}}),
        "InvalidParameterValueException", 400, RESERVED_KEYS + "AWS_REGION",
    )


# -- the same refusals through the aws CLI --------------------------------------------------------------


def test_cli_shows_the_servers_validation_error(bulwark, unique_name, tmp_path):
    package = tmp_path / "hello.zip"
    package.write_bytes(hello_zip(unique_name))

    result = bulwark.aws(
        "lambda", "create-function", "--function-name", unique_name, "--runtime", RUNTIME,
        "--handler", "app.handler", "--role", role_arn(bulwark.account_id),
        "--zip-file", f"fileb://{package}", "--timeout", "901", check=False,
    )

    assert result.returncode != 0
    assert (
        "An error occurred (ValidationException) when calling the CreateFunction operation: 1 validation error "
        "detected: Value '901' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900"
    ) in result.stderr


def test_cli_shows_not_found(bulwark, unique_name):
    result = bulwark.aws("lambda", "get-function", "--function-name", unique_name, check=False)

    assert result.returncode != 0
    assert (
        "An error occurred (ResourceNotFoundException) when calling the GetFunction operation: "
        f"Function not found: {function_arn(bulwark.account_id, unique_name)}"
    ) in result.stderr


@pytest.mark.parametrize("key", ["A", "1ST", "has-dash"])
def test_environment_key_outside_lambdas_pattern_is_a_validation_error(bulwark, lambda_client, unique_name, key):
    """Keys start with a letter and are at least two characters (AWS docs; AWS answers exactly this)."""
    expect_error(
        lambda: create_function(lambda_client, bulwark.account_id, unique_name, Environment={"Variables": {key: "b"}}),
        "ValidationException", 400,
        "1 validation error detected: Value at 'environment.variables' failed to satisfy constraint: "
        "Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]",
    )
