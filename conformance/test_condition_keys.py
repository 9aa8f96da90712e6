"""Each operation's service condition keys (issue #4), through boto3 as a user meets them: functions
shared by tag (attribute-based access control with aws:ResourceTag), and user creation delegated
under a permissions boundary (iam:PermissionsBoundary), as AWS's IAM guide describes them."""

from __future__ import annotations

from support.functions import create, invoke
from test_least_privilege import allow, denial, developer, policy  # noqa: F401 (developer is a fixture)


def test_functions_are_shared_by_their_tags(bulwark, developer, unique_name):
    user, client = developer
    blue, red = f"{unique_name}-blue"[:64], f"{unique_name}-red"[:64]
    create(bulwark, blue, Tags={"team": "blue"})
    create(bulwark, red, Tags={"team": "red"})
    bulwark.client("iam").put_user_policy(
        UserName=user, PolicyName="team-blue",
        PolicyDocument=policy(allow(["lambda:InvokeFunction", "lambda:GetFunction"],
                                    Condition={"StringEquals": {"aws:ResourceTag/team": "blue"}})))
    lam = client("lambda")

    assert invoke(lam, blue, {"team": "blue"}).function_error is None
    assert lam.get_function(FunctionName=blue)["Configuration"]["FunctionName"] == blue
    for call in (lambda: lam.invoke(FunctionName=red, Payload=b"{}"), lambda: lam.get_function(FunctionName=red)):
        refused = denial(call)
        assert refused["Error"]["Code"] == "AccessDeniedException"
        assert f"function:{red}" in refused["Error"]["Message"]

    # Retagging the function moves it between teams: the tags are read at each call.
    bulwark.client("lambda").tag_resource(Resource=lam.get_function(FunctionName=blue)["Configuration"]["FunctionArn"],
                                          Tags={"team": "red"})
    assert denial(lambda: lam.get_function(FunctionName=blue))["Error"]["Code"] == "AccessDeniedException"


def test_user_creation_is_delegated_under_a_boundary(bulwark, developer, unique_name):
    user, client = developer
    admin = bulwark.client("iam")
    boundary = admin.create_policy(PolicyName=f"{unique_name}-boundary"[:128],
                                   PolicyDocument=policy(allow("lambda:Get*")))["Policy"]["Arn"]
    admin.put_user_policy(
        UserName=user, PolicyName="create-bounded-users",
        PolicyDocument=policy(allow(["iam:CreateUser", "iam:PutUserPolicy", "iam:AttachUserPolicy"],
                                    Condition={"StringEquals": {"iam:PermissionsBoundary": boundary}})))
    iam = client("iam")
    bounded = f"{user}-b"[:64]

    refused = denial(lambda: iam.create_user(UserName=f"{user}-free"[:64]))
    assert refused["Error"]["Code"] == "AccessDenied"
    assert "iam:CreateUser" in refused["Error"]["Message"]

    created = iam.create_user(UserName=bounded, PermissionsBoundary=boundary)["User"]
    assert created["PermissionsBoundary"]["PermissionsBoundaryArn"] == boundary
    # Users under the boundary can be given policies; anyone else (the developer itself) cannot.
    iam.put_user_policy(UserName=bounded, PolicyName="read", PolicyDocument=policy(allow("lambda:GetFunction")))
    iam.attach_user_policy(UserName=bounded, PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    escalation = denial(lambda: iam.attach_user_policy(UserName=user, PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess"))
    assert escalation["Error"]["Code"] == "AccessDenied"
    assert "iam:AttachUserPolicy" in escalation["Error"]["Message"]
