"""TagResource, UntagResource and ListTags on functions, with boto3.

AWS's behaviour (LocalStack's AWS-validated snapshots, TestLambdaTag / TestLambdaTags): tag and untag
answer 204; tags merge, a new value replaces an old one; untagging a key that is not there is fine;
a qualified ARN is InvalidParameterValueException "Tags on function aliases and versions are not
supported. Please specify a function ARN."; more than 50 tags is InvalidParameterValueException
"Number of tags exceeds resource tag limit."; a missing function is ResourceNotFoundException.
"""

from __future__ import annotations

import pytest

from support.lam import create_function, expect_error, function_arn

QUALIFIED = "Tags on function aliases and versions are not supported. Please specify a function ARN."


def test_tag_lifecycle(bulwark, lambda_client, unique_name):
    arn = create_function(lambda_client, bulwark.account_id, unique_name)["FunctionArn"]

    tagged = lambda_client.tag_resource(Resource=arn, Tags={"A": "tag-a"})
    assert tagged["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert lambda_client.list_tags(Resource=arn)["Tags"] == {"A": "tag-a"}

    lambda_client.tag_resource(Resource=arn, Tags={"B": "tag-b", "C": "tag-c"})
    lambda_client.tag_resource(Resource=arn, Tags={"C": "tag-c-newsuffix", "D": "tag-d"})
    assert lambda_client.list_tags(Resource=arn)["Tags"] == {"A": "tag-a", "B": "tag-b", "C": "tag-c-newsuffix", "D": "tag-d"}

    untagged = lambda_client.untag_resource(Resource=arn, TagKeys=["A", "C"])
    assert untagged["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert lambda_client.list_tags(Resource=arn)["Tags"] == {"B": "tag-b", "D": "tag-d"}

    lambda_client.untag_resource(Resource=arn, TagKeys=["not-there", "B"])
    assert lambda_client.list_tags(Resource=arn)["Tags"] == {"D": "tag-d"}
    assert lambda_client.get_function(FunctionName=unique_name)["Tags"] == {"D": "tag-d"}


def test_tags_given_at_creation(bulwark, lambda_client, unique_name):
    arn = create_function(lambda_client, bulwark.account_id, unique_name, Tags={"team": "core", "cost-center": "42"})["FunctionArn"]
    assert lambda_client.list_tags(Resource=arn)["Tags"] == {"team": "core", "cost-center": "42"}


def test_function_without_tags_lists_none(bulwark, lambda_client, unique_name):
    arn = create_function(lambda_client, bulwark.account_id, unique_name)["FunctionArn"]
    assert lambda_client.list_tags(Resource=arn)["Tags"] == {}
    assert "Tags" not in lambda_client.get_function(FunctionName=unique_name)


@pytest.mark.parametrize("operation, arguments", [
    ("tag_resource", {"Tags": {"A": "a"}}),
    ("untag_resource", {"TagKeys": ["A"]}),
    ("list_tags", {}),
])
def test_tags_of_a_missing_function_are_not_found(bulwark, lambda_client, unique_name, operation, arguments):
    arn = function_arn(bulwark.account_id, unique_name)
    expect_error(
        lambda: getattr(lambda_client, operation)(Resource=arn, **arguments),
        "ResourceNotFoundException", 404, f"Function not found: {arn}",
    )


@pytest.mark.parametrize("qualifier", ["$LATEST", "1", "live"])
def test_tags_on_a_qualified_arn_are_refused(bulwark, lambda_client, unique_name, qualifier):
    arn = create_function(lambda_client, bulwark.account_id, unique_name)["FunctionArn"]
    expect_error(
        lambda: lambda_client.tag_resource(Resource=f"{arn}:{qualifier}", Tags={"A": "a"}),
        "InvalidParameterValueException", 400, QUALIFIED,
    )
    assert lambda_client.list_tags(Resource=arn)["Tags"] == {}


def test_tagging_something_that_is_not_a_lambda_arn_is_a_validation_error(lambda_client):
    expect_error(
        lambda: lambda_client.tag_resource(Resource="arn:aws:something", Tags={"A": "a"}),
        "ValidationException", 400,
        message_prefix="1 validation error detected: Value 'arn:aws:something' at 'resource' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: ",
    )


def test_fifty_tags_are_the_limit(bulwark, lambda_client, unique_name):
    arn = create_function(lambda_client, bulwark.account_id, unique_name)["FunctionArn"]
    fifty = {f"{index}_key": f"{index}_value" for index in range(50)}

    expect_error(
        lambda: lambda_client.tag_resource(Resource=arn, Tags={**fifty, "one_more": "x"}),
        "InvalidParameterValueException", 400, "Number of tags exceeds resource tag limit.",
    )
    assert lambda_client.list_tags(Resource=arn)["Tags"] == {}

    lambda_client.tag_resource(Resource=arn, Tags=fifty)
    assert lambda_client.list_tags(Resource=arn)["Tags"] == fifty
    expect_error(
        lambda: lambda_client.tag_resource(Resource=arn, Tags={"one_more": "x"}),
        "InvalidParameterValueException", 400, "Number of tags exceeds resource tag limit.",
    )


def test_tags_of_one_function_are_not_another_s(bulwark, lambda_client, unique_name):
    first = create_function(lambda_client, bulwark.account_id, f"{unique_name}-1", Tags={"owner": "one"})["FunctionArn"]
    second = create_function(lambda_client, bulwark.account_id, f"{unique_name}-2")["FunctionArn"]
    lambda_client.tag_resource(Resource=second, Tags={"owner": "two"})
    assert lambda_client.list_tags(Resource=first)["Tags"] == {"owner": "one"}
    assert lambda_client.list_tags(Resource=second)["Tags"] == {"owner": "two"}
