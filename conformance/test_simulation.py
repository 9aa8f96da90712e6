"""The IAM policy simulator (issue #4): SimulatePrincipalPolicy and SimulateCustomPolicy through the aws CLI
and boto3, decided by the same evaluator that authorizes every call.

AWS's behaviour as botocore's iam model and the IAM API reference describe it: one result per action and
resource with `allowed`, `explicitDeny` or `implicitDeny`; matched statements named `PolicyInputList.N` for
input documents and by policy name for stored ones, with their line and column; context keys the policies
test but nobody supplied reported as missing; and simulating needs its own permission.
"""

from __future__ import annotations

import json
import re
import time

import pytest
from botocore.exceptions import ClientError


def policy(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def statement(effect: str, action, resource="*", **extra) -> dict:
    return {"Effect": effect, "Action": action, "Resource": resource, **extra}


@pytest.fixture
def iam(bulwark):
    return bulwark.client("iam")


@pytest.fixture
def user(iam, request):
    """An IAM user of its own, allowed to invoke functions and nothing else."""
    name = re.sub(r"[^a-zA-Z0-9]", "", request.node.name)[:40] + str(int(time.time() * 1000) % 100000000)
    arn = iam.create_user(UserName=name)["User"]["Arn"]
    iam.put_user_policy(UserName=name, PolicyName="invoke", PolicyDocument=policy(statement("Allow", "lambda:InvokeFunction")))
    return name, arn


def decisions(results: list[dict]) -> dict[str, str]:
    return {result["EvalActionName"]: result["EvalDecision"] for result in results}


def test_the_cli_simulates_a_users_own_policies(bulwark, user):
    name, arn = user
    output = bulwark.aws(
        "iam", "simulate-principal-policy", "--policy-source-arn", arn,
        "--action-names", "lambda:InvokeFunction", "lambda:DeleteFunction").json
    results = output["EvaluationResults"]
    assert decisions(results) == {"lambda:InvokeFunction": "allowed", "lambda:DeleteFunction": "implicitDeny"}
    invoke = results[0]
    assert invoke["EvalResourceName"] == "*"
    assert invoke["MatchedStatements"][0]["SourcePolicyId"] == "invoke"
    assert invoke["MatchedStatements"][0]["SourcePolicyType"] == "IAM Policy"
    # json.dumps writes `{"Version": "2012-10-17", "Statement": [` : the statement starts after the `[`.
    assert invoke["MatchedStatements"][0]["StartPosition"] == {"Line": 1, "Column": 41}
    assert results[1].get("MatchedStatements", []) == []


def test_groups_managed_policies_and_boundaries_take_part(bulwark, iam, user):
    name, arn = user
    group = f"{name}-group"
    iam.create_group(GroupName=group)
    iam.add_user_to_group(GroupName=group, UserName=name)
    iam.attach_group_policy(GroupName=group, PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
    boundary = policy(statement("Allow", ["lambda:*"]))

    results = iam.simulate_principal_policy(
        PolicySourceArn=arn, ActionNames=["lambda:InvokeFunction", "iam:ListUsers"],
        PermissionsBoundaryPolicyInputList=[boundary])["EvaluationResults"]
    assert decisions(results) == {"lambda:InvokeFunction": "allowed", "iam:ListUsers": "implicitDeny"}
    assert [r["PermissionsBoundaryDecisionDetail"]["AllowedByPermissionsBoundary"] for r in results] == [True, False]
    unbounded = iam.simulate_principal_policy(PolicySourceArn=arn, ActionNames=["iam:ListUsers"])["EvaluationResults"]
    assert unbounded[0]["EvalDecision"] == "allowed"
    assert unbounded[0]["MatchedStatements"][0]["SourcePolicyId"] == "IAMReadOnlyAccess"


def test_a_custom_deny_wins(bulwark):
    documents = [
        policy(statement("Allow", "lambda:*")),
        policy(statement("Deny", "lambda:DeleteFunction", "arn:aws:lambda:*:*:function:prod-*")),
    ]
    output = bulwark.aws(
        "iam", "simulate-custom-policy", "--policy-input-list", *documents,
        "--action-names", "lambda:DeleteFunction", "lambda:GetFunction",
        "--resource-arns", f"arn:aws:lambda:us-east-1:{bulwark.account_id}:function:prod-api").json
    results = output["EvaluationResults"]
    assert decisions(results) == {"lambda:DeleteFunction": "explicitDeny", "lambda:GetFunction": "allowed"}
    assert [m["SourcePolicyId"] for m in results[0]["MatchedStatements"]] == ["PolicyInputList.2"]
    specific = results[0]["ResourceSpecificResults"]
    assert specific[0]["EvalResourceDecision"] == "explicitDeny"
    assert specific[0]["EvalResourceName"].endswith(":function:prod-api")


def test_context_entries_decide_conditions(bulwark, iam):
    document = policy(statement("Allow", "lambda:InvokeFunction", Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}))

    def simulate(*entries: str) -> dict:
        args = ["iam", "simulate-custom-policy", "--policy-input-list", document, "--action-names", "lambda:InvokeFunction"]
        if entries:
            args += ["--context-entries", *entries]
        return bulwark.aws(*args).json["EvaluationResults"][0]

    inside = simulate("ContextKeyName=aws:SourceIp,ContextKeyValues=203.0.113.7,ContextKeyType=ip")
    assert inside["EvalDecision"] == "allowed"
    outside = simulate("ContextKeyName=aws:SourceIp,ContextKeyValues=198.51.100.1,ContextKeyType=ip")
    assert outside["EvalDecision"] == "implicitDeny"
    missing = simulate()
    assert missing["EvalDecision"] == "implicitDeny"
    assert missing["MissingContextValues"] == ["aws:SourceIp"]

    with pytest.raises(ClientError) as info:
        iam.simulate_custom_policy(
            PolicyInputList=[document], ActionNames=["lambda:InvokeFunction"],
            ContextEntries=[{"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["not-an-address"], "ContextKeyType": "ip"}])
    assert info.value.response["Error"]["Code"] == "InvalidInput"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_a_resource_policy_is_evaluated_for_the_caller(bulwark, iam, user):
    name, arn = user
    function = f"arn:aws:lambda:us-east-1:{bulwark.account_id}:function:shared"
    grant = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": arn}, "Action": "lambda:GetFunction", "Resource": function}]})
    results = iam.simulate_principal_policy(
        PolicySourceArn=arn, ActionNames=["lambda:GetFunction"], ResourceArns=[function], ResourcePolicy=grant)["EvaluationResults"]
    assert results[0]["EvalDecision"] == "allowed"
    assert results[0]["MatchedStatements"][0]["SourcePolicyId"] == "ResourcePolicy"


def test_bad_inputs_are_refused(bulwark, iam):
    with pytest.raises(ClientError) as info:
        iam.simulate_principal_policy(
            PolicySourceArn=f"arn:aws:iam::{bulwark.account_id}:user/nobody-here", ActionNames=["lambda:GetFunction"])
    assert info.value.response["Error"]["Code"] == "NoSuchEntity"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    with pytest.raises(ClientError) as info:
        iam.simulate_custom_policy(PolicyInputList=['{"Version": "2012-10-17", "Statement": ['], ActionNames=["lambda:GetFunction"])
    assert info.value.response["Error"]["Code"] == "InvalidInput"


def test_results_page_with_marker(iam):
    actions = ["lambda:GetFunction", "lambda:InvokeFunction", "lambda:DeleteFunction"]
    document = policy(statement("Allow", "lambda:Get*"))
    first = iam.simulate_custom_policy(PolicyInputList=[document], ActionNames=actions, MaxItems=2)
    assert first["IsTruncated"] is True
    rest = iam.simulate_custom_policy(PolicyInputList=[document], ActionNames=actions, MaxItems=2, Marker=first["Marker"])
    assert [r["EvalActionName"] for r in first["EvaluationResults"] + rest["EvaluationResults"]] == actions
    pages = iam.get_paginator("simulate_custom_policy").paginate(PolicyInputList=[document], ActionNames=actions, PaginationConfig={"PageSize": 1})
    assert [r["EvalDecision"] for page in pages for r in page["EvaluationResults"]] == ["allowed", "implicitDeny", "implicitDeny"]


def test_a_least_privilege_user_may_not_simulate(bulwark, iam, user):
    name, arn = user
    key = iam.create_access_key(UserName=name)["AccessKey"]
    own = bulwark.client("iam", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])
    with pytest.raises(ClientError) as info:
        own.simulate_principal_policy(PolicySourceArn=arn, ActionNames=["lambda:InvokeFunction"])
    error = info.value.response["Error"]
    assert error["Code"] == "AccessDenied"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert error["Message"] == (
        f"User: {arn} is not authorized to perform: iam:SimulatePrincipalPolicy on resource: {arn} "
        "because no identity-based policy allows the iam:SimulatePrincipalPolicy action")

    iam.put_user_policy(UserName=name, PolicyName="simulate", PolicyDocument=policy(statement("Allow", "iam:SimulateCustomPolicy")))
    results = own.simulate_custom_policy(
        PolicyInputList=[policy(statement("Allow", "s3:GetObject"))], ActionNames=["s3:GetObject"])["EvaluationResults"]
    assert results[0]["EvalDecision"] == "allowed"
