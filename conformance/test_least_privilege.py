"""Least privilege on every call (issue #4): an IAM user can do exactly what its policies name, role
sessions are judged by the role, its trust policy and their session policy, and every denial says why —
in AWS's words to the caller, and in the trail for `bulwark iam explain`."""

from __future__ import annotations

import json
import os
import subprocess
import time

import pytest
from botocore.exceptions import ClientError

from conftest import BULWARK_BIN
from support.functions import create, invoke
from support.packages import hello_zip


def policy(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource="*", **extra) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


@pytest.fixture
def developer(bulwark, unique_name):
    """An IAM user with an access key: (user name, boto3 client factory)."""
    iam = bulwark.client("iam")
    user = unique_name.replace("_", "")[:48]
    iam.create_user(UserName=user)
    key = iam.create_access_key(UserName=user)["AccessKey"]

    def client(service: str, **options):
        return bulwark.client(service, access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"], **options)

    client.key = key
    return user, client


def denial(call) -> dict:
    with pytest.raises(ClientError) as info:
        call()
    return info.value.response


def test_a_user_can_do_exactly_what_its_policy_names(bulwark, developer, unique_name):
    user, client = developer
    create(bulwark, unique_name)
    function_arn = f"arn:aws:lambda:us-east-1:{bulwark.account_id}:function:{unique_name}"
    bulwark.client("iam").put_user_policy(
        UserName=user, PolicyName="invoke-hello", PolicyDocument=policy(allow("lambda:InvokeFunction", function_arn)))

    assert invoke(client("lambda"), unique_name, {"hello": "least privilege"}).function_error is None
    refused = denial(lambda: client("lambda").delete_function(FunctionName=unique_name))

    assert refused["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert refused["Error"]["Code"] == "AccessDeniedException"
    assert refused["Error"]["Message"] == (
        f"User: arn:aws:iam::{bulwark.account_id}:user/{user} is not authorized to perform: lambda:DeleteFunction on "
        f"resource: {function_arn} because no identity-based policy allows the lambda:DeleteFunction action")
    assert bulwark.client("lambda").get_function(FunctionName=unique_name)["Configuration"]["FunctionName"] == unique_name


def test_denials_are_explained_in_the_trail(bulwark, developer, unique_name):
    user, client = developer
    refused = denial(lambda: client("lambda").list_functions())
    request_id = refused["ResponseMetadata"]["RequestId"]

    deadline = time.monotonic() + 10
    while True:
        events = [event for event in bulwark.trail_events() if event["requestID"] == request_id]
        if events or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert events, "the denial was not audited"
    assert events[0]["errorCode"] == "AccessDeniedException"
    assert "no identity-based policy allows lambda:ListFunctions" in events[0]["additionalEventData"]["authorization"]

    explained = subprocess.run([BULWARK_BIN, "iam", "explain", "--data-dir", str(bulwark.data_dir), events[0]["eventID"]],
                               capture_output=True, text=True, timeout=30)
    assert explained.returncode == 0, explained.stderr
    assert f"arn:aws:iam::{bulwark.account_id}:user/{user}" in explained.stdout
    assert "ImplicitDeny" in explained.stdout or "implicit" in explained.stdout.lower()
    assert "lambda:ListFunctions" in explained.stdout


def test_an_explicit_deny_wins_and_is_named(bulwark, developer):
    user, client = developer
    iam = bulwark.client("iam")
    iam.put_user_policy(UserName=user, PolicyName="all", PolicyDocument=policy(allow("lambda:*")))
    iam.put_user_policy(UserName=user, PolicyName="no-list",
                        PolicyDocument=policy({"Effect": "Deny", "Action": "lambda:ListFunctions", "Resource": "*"}))

    refused = denial(lambda: client("lambda").list_functions())

    assert refused["Error"]["Message"].endswith("with an explicit deny in an identity-based policy")
    assert client("lambda").get_account_settings()["AccountLimit"]


def test_iam_denials_use_the_query_shape(bulwark, developer):
    user, client = developer

    refused = denial(lambda: client("iam").list_users())

    assert refused["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert refused["Error"]["Code"] == "AccessDenied"
    assert f"user/{user} is not authorized to perform: iam:ListUsers" in refused["Error"]["Message"]


def test_conditions_see_the_request(bulwark, developer):
    user, client = developer
    bulwark.client("iam").put_user_policy(
        UserName=user, PolicyName="elsewhere",
        PolicyDocument=policy(allow("lambda:ListFunctions", Condition={"IpAddress": {"aws:SourceIp": "192.0.2.0/24"}})))

    # The test calls from 127.0.0.1, outside the allowed network.
    assert denial(lambda: client("lambda").list_functions())["Error"]["Code"] == "AccessDeniedException"


def test_a_boundary_limits_what_policies_allow(bulwark, developer):
    user, client = developer
    iam = bulwark.client("iam")
    boundary = iam.create_policy(PolicyName=f"{user}-boundary", PolicyDocument=policy(allow("lambda:Get*")))["Policy"]["Arn"]
    iam.put_user_permissions_boundary(UserName=user, PermissionsBoundary=boundary)
    iam.put_user_policy(UserName=user, PolicyName="all", PolicyDocument=policy(allow("lambda:*")))

    assert client("lambda").get_account_settings()["AccountLimit"]
    refused = denial(lambda: client("lambda").list_functions())
    assert refused["Error"]["Message"].endswith("because no permissions boundary allows the lambda:ListFunctions action")


def test_passrole_guards_creating_functions(bulwark, developer, unique_name):
    user, client = developer
    iam = bulwark.client("iam")
    iam.put_user_policy(UserName=user, PolicyName="create", PolicyDocument=policy(allow("lambda:CreateFunction")))
    role = f"arn:aws:iam::{bulwark.account_id}:role/{unique_name[:40]}"

    from support.functions import python_zip
    refused = denial(lambda: client("lambda").create_function(
        FunctionName=unique_name, Runtime="python3.11", Handler="app.handler", Role=role, Code={"ZipFile": python_zip()}))

    assert refused["Error"]["Code"] == "AccessDeniedException"
    assert f"iam:PassRole on resource: {role}" in refused["Error"]["Message"]


def test_assume_role_is_judged_by_the_trust_policy_and_sessions_by_the_role(bulwark, developer, unique_name):
    user, client = developer
    iam = bulwark.client("iam")
    role_name = f"r{unique_name.replace('_', '')[:40]}"
    user_arn = f"arn:aws:iam::{bulwark.account_id}:user/{user}"
    iam.put_user_policy(UserName=user, PolicyName="assume", PolicyDocument=policy(allow("sts:AssumeRole")))
    role_arn = iam.create_role(
        RoleName=role_name,
        AssumeRolePolicyDocument=policy({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}),
    )["Role"]["Arn"]
    iam.put_role_policy(RoleName=role_name, PolicyName="read", PolicyDocument=policy(allow(["lambda:List*", "lambda:Get*"])))

    # The trust policy names only Lambda: the user may not assume the role.
    refused = denial(lambda: client("sts").assume_role(RoleArn=role_arn, RoleSessionName="dev"))
    assert refused["Error"]["Code"] == "AccessDenied"
    assert "sts:AssumeRole" in refused["Error"]["Message"]

    iam.update_assume_role_policy(
        RoleName=role_name, PolicyDocument=policy({"Effect": "Allow", "Principal": {"AWS": user_arn}, "Action": "sts:AssumeRole"}))
    credentials = client("sts").assume_role(RoleArn=role_arn, RoleSessionName="dev")["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")

    def session(service, **options):
        return bulwark.client(service, access_key=credentials["AccessKeyId"], secret_key=credentials["SecretAccessKey"],
                              session_token=credentials["SessionToken"], **options)

    identity = session("sts").get_caller_identity()
    assert identity["Arn"] == f"arn:aws:sts::{bulwark.account_id}:assumed-role/{role_name}/dev"
    assert "Functions" in session("lambda").list_functions()
    refused = denial(lambda: session("lambda").delete_function(FunctionName="anything"))
    assert refused["Error"]["Message"].startswith(f"User: arn:aws:sts::{bulwark.account_id}:assumed-role/{role_name}/dev is not authorized")

    # A session policy narrows the session further.
    narrowed = client("sts").assume_role(RoleArn=role_arn, RoleSessionName="narrow",
                                         Policy=policy(allow("lambda:GetAccountSettings")))["Credentials"]
    lam = bulwark.client("lambda", access_key=narrowed["AccessKeyId"], secret_key=narrowed["SecretAccessKey"],
                         session_token=narrowed["SessionToken"])
    assert lam.get_account_settings()["AccountLimit"]
    refused = denial(lambda: lam.list_functions())
    assert refused["Error"]["Message"].endswith("because no session policy allows the lambda:ListFunctions action")


def test_the_cli_with_a_profile_of_the_user(bulwark, developer, unique_name, tmp_path):
    user, client = developer
    create(bulwark, unique_name)
    bulwark.client("iam").put_user_policy(UserName=user, PolicyName="invoke",
                                          PolicyDocument=policy(allow("lambda:InvokeFunction")))
    credentials = tmp_path / "credentials"
    credentials.write_text(f"[dev]\naws_access_key_id = {client.key['AccessKeyId']}\n"
                           f"aws_secret_access_key = {client.key['SecretAccessKey']}\n")
    env = {"AWS_PROFILE": "dev", "AWS_SHARED_CREDENTIALS_FILE": str(credentials)}

    allowed = bulwark.aws("lambda", "invoke", "--function-name", unique_name, str(tmp_path / "out.json"), env=env)
    assert '"StatusCode": 200' in allowed.stdout
    refused = bulwark.aws("lambda", "delete-function", "--function-name", unique_name, check=False, env=env)
    assert refused.returncode != 0
    assert "AccessDeniedException" in refused.stderr


def test_function_policies_grant_and_are_managed_like_aws(bulwark, developer, unique_name):
    user, client = developer
    create(bulwark, unique_name)
    lam = bulwark.client("lambda")
    user_arn = f"arn:aws:iam::{bulwark.account_id}:user/{user}"
    function_arn = f"arn:aws:lambda:us-east-1:{bulwark.account_id}:function:{unique_name}"
    assert denial(lambda: lam.get_policy(FunctionName=unique_name))["Error"]["Code"] == "ResourceNotFoundException"
    assert denial(lambda: invoke(client("lambda"), unique_name, {}))["Error"]["Code"] == "AccessDeniedException"

    # A same-account function policy that names the user allows on its own.
    added = lam.add_permission(FunctionName=unique_name, StatementId="dev", Action="lambda:InvokeFunction", Principal=user_arn)
    assert json.loads(added["Statement"]) == {"Sid": "dev", "Effect": "Allow", "Principal": {"AWS": user_arn},
                                              "Action": "lambda:InvokeFunction", "Resource": function_arn}
    assert invoke(client("lambda"), unique_name, {"via": "function policy"}).function_error is None
    assert denial(lambda: client("lambda").delete_function(FunctionName=unique_name))["Error"]["Code"] == "AccessDeniedException"
    # Another principal of the same account, not named by the policy, stays refused.
    iam = bulwark.client("iam")
    other = f"{user[:40]}-other"
    iam.create_user(UserName=other)
    other_key = iam.create_access_key(UserName=other)["AccessKey"]
    other_lambda = bulwark.client("lambda", access_key=other_key["AccessKeyId"], secret_key=other_key["SecretAccessKey"])
    refused = denial(lambda: invoke(other_lambda, unique_name, {}))
    assert refused["Error"]["Code"] == "AccessDeniedException"
    assert refused["Error"]["Message"].startswith(f"User: arn:aws:iam::{bulwark.account_id}:user/{other} is not authorized")

    lam.add_permission(FunctionName=unique_name, StatementId="events", Action="lambda:InvokeFunction",
                       Principal="events.amazonaws.com", SourceArn=f"arn:aws:events:us-east-1:{bulwark.account_id}:rule/r")
    document = json.loads(lam.get_policy(FunctionName=unique_name)["Policy"])
    assert [statement["Sid"] for statement in document["Statement"]] == ["dev", "events"]
    assert document["Statement"][1]["Condition"] == {
        "ArnLike": {"AWS:SourceArn": f"arn:aws:events:us-east-1:{bulwark.account_id}:rule/r"}}
    conflict = denial(lambda: lam.add_permission(FunctionName=unique_name, StatementId="dev", Action="lambda:InvokeFunction",
                                                 Principal=user_arn))
    assert conflict["Error"]["Code"] == "ResourceConflictException"

    lam.remove_permission(FunctionName=unique_name, StatementId="dev")
    assert denial(lambda: invoke(client("lambda"), unique_name, {}))["Error"]["Code"] == "AccessDeniedException"
    missing = denial(lambda: lam.remove_permission(FunctionName=unique_name, StatementId="dev"))
    assert missing["Error"]["Code"] == "ResourceNotFoundException"
    assert denial(lambda: lam.get_policy(FunctionName="no-such-function"))["Error"]["Code"] == "ResourceNotFoundException"


def explain(bulwark, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([BULWARK_BIN, "iam", "explain", "--data-dir", str(bulwark.data_dir), *arguments],
                          capture_output=True, text=True, timeout=30)


def audited(bulwark, request_id: str) -> dict:
    """The trail's event of a call (the trail is flushed a moment after the answer)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        events = [event for event in bulwark.trail_events() if event["requestID"] == request_id]
        if events:
            return events[0]
        time.sleep(0.2)
    raise AssertionError(f"no audit event for {request_id}")


def test_an_implicit_deny_names_what_each_statement_did_not_match(fresh_bulwark):
    server = fresh_bulwark().start()
    iam = server.client("iam")
    iam.create_user(UserName="dev")
    key = iam.create_access_key(UserName="dev")["AccessKey"]
    other = f"arn:aws:lambda:us-east-1:{server.account_id}:function:other"
    iam.put_user_policy(UserName="dev", PolicyName="narrow", PolicyDocument=policy(
        {"Sid": "OnlyInvoke", **allow("lambda:InvokeFunction")},
        {"Sid": "OtherFunction", **allow("lambda:GetFunction", other)},
        {"Sid": "FromTheOffice", **allow("lambda:GetFunction", "*",
                                         Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})},
    ))
    client = server.client("lambda", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])
    refused = denial(lambda: client.get_function(FunctionName="mine"))
    request_id = refused["ResponseMetadata"]["RequestId"]

    why = audited(server, request_id)["additionalEventData"]["authorization"]
    assert "Allow OnlyInvoke of identity-based policy narrow: the action does not match" in why, why
    assert "Allow OtherFunction of identity-based policy narrow: the resource does not match" in why, why
    assert "Allow FromTheOffice of identity-based policy narrow: condition not met: IpAddress aws:SourceIp" in why, why

    # Found without its id: the most recent denial, and the list of recent ones.
    last = explain(server, "--last")
    assert last.returncode == 0, last.stderr
    assert f"request {request_id}" in last.stdout
    assert "condition not met: IpAddress aws:SourceIp" in last.stdout
    listed = explain(server, "--denied", "--limit", "5")
    assert listed.returncode == 0, listed.stderr
    first = listed.stdout.splitlines()[0].split("  ")
    assert first[1:] == [request_id, "lambda.amazonaws.com GetFunction20150331v2", f"arn:aws:iam::{server.account_id}:user/dev",
                         "AccessDeniedException"], listed.stdout


def test_explain_without_a_denial_or_with_two_modes_says_so(fresh_bulwark):
    server = fresh_bulwark().start()
    server.client("lambda").list_functions()
    nothing = explain(server, "--last")
    assert nothing.returncode != 0
    assert "No denied or refused call in the trail" in nothing.stderr
    assert explain(server, "--denied").stdout.startswith("No denied or refused call in the trail")
    both = explain(server, "--last", "--denied")
    assert both.returncode != 0
    assert "one of them" in both.stderr


@pytest.mark.parametrize("trust", [None, "ec2.amazonaws.com"])
def test_a_refused_execution_role_says_whether_it_is_missing_or_untrusting(fresh_bulwark, trust):
    server = fresh_bulwark().start()
    role = f"arn:aws:iam::{server.account_id}:role/app-role"
    if trust:
        server.client("iam").create_role(RoleName="app-role", AssumeRolePolicyDocument=policy(
            {"Effect": "Allow", "Principal": {"Service": trust}, "Action": "sts:AssumeRole"}))
    refused = denial(lambda: server.client("lambda").create_function(
        FunctionName="app", Runtime="provided.al2023", Role=role, Handler="x", Code={"ZipFile": hello_zip()}))
    # To the caller, AWS's words only.
    assert refused["Error"] == {"Code": "InvalidParameterValueException",
                                "Message": "The role defined for the function cannot be assumed by Lambda."}

    reason = audited(server, refused["ResponseMetadata"]["RequestId"])["additionalEventData"]["reason"]
    if trust:
        assert reason.startswith("The role does not trust lambda.amazonaws.com: its trust policy does not allow sts:AssumeRole")
    else:
        assert reason == f"The role is missing: no role {role} exists in account {server.account_id}."
    explained = explain(server, "--last")
    assert explained.returncode == 0, explained.stderr
    assert reason.splitlines()[0] in explained.stdout
