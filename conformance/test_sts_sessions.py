"""STS sessions as AWS answers them (issue #9): AssumeRole's role-ARN check and session tags (transitive
tags through role chaining, sts:TagSession), GetFederationToken (federated user sessions limited by
their session policies) and GetAccessKeyInfo. Messages are AWS's (recorded by LocalStack's AWS-validated
snapshots, tests/aws/services/sts/test_sts.snapshot.json, and AWS's API reference)."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from botocore.exceptions import ClientError

from support.lam import expect_error

ACCESS_KEY = re.compile(r"ASIA[A-Z2-7]{16}")


def policy(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(actions, resource="*") -> dict:
    return {"Effect": "Allow", "Action": actions, "Resource": resource}


def session_client(bulwark, service: str, credentials: dict, **options):
    return bulwark.client(service, access_key=credentials["AccessKeyId"], secret_key=credentials["SecretAccessKey"],
                          session_token=credentials["SessionToken"], **options)


def without_metadata(answer: dict) -> dict:
    return {key: value for key, value in answer.items() if key != "ResponseMetadata"}


def check_credentials(credentials: dict, lifetime: int) -> None:
    assert set(credentials) == {"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}
    assert ACCESS_KEY.fullmatch(credentials["AccessKeyId"])
    assert len(credentials["SecretAccessKey"]) == 40
    remaining = (credentials["Expiration"] - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
    assert lifetime - 120 < remaining <= lifetime + 5


@pytest.fixture
def user(bulwark, unique_name):
    """An IAM user with its own key: (name, ARN, client factory)."""
    iam = bulwark.client("iam")
    name = f"u{unique_name.replace('_', '')[:40]}"
    arn = iam.create_user(UserName=name)["User"]["Arn"]
    key = iam.create_access_key(UserName=name)["AccessKey"]

    def client(service: str, **options):
        return bulwark.client(service, access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"], **options)

    return name, arn, client


def make_role(bulwark, name: str, trusted_actions, principal: dict, permissions: list[dict] | None = None) -> str:
    iam = bulwark.client("iam")
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=policy(
        {"Effect": "Allow", "Principal": principal, "Action": trusted_actions}))["Role"]["Arn"]
    if permissions:
        iam.put_role_policy(RoleName=name, PolicyName="permissions", PolicyDocument=policy(*permissions))
    return arn


# -- AssumeRole: the role ARN ---------------------------------------------------------------------

@pytest.mark.parametrize("role_arn", [
    "nothing-valid-in-here", "arn::b:::something/test-role", "arn:a::::something/test-role", "arn:a:::something/test-role",
    "arn:a:a::aaaaaaaaaa:", "arn:aws:iam::123456789012:role/a:b",
])
def test_a_malformed_role_arn_is_invalid_before_anything_is_authorized(bulwark, user, role_arn):
    _, _, client = user  # a user without any permission: the ARN is checked first
    error = expect_error(lambda: client("sts", validate=False).assume_role(RoleArn=role_arn, RoleSessionName="Session1"),
                         "ValidationError", 400, f"{role_arn} is invalid")
    assert error.response["Error"]["Type"] == "Sender"


def test_a_well_formed_arn_that_is_no_role_is_not_authorized(bulwark, user):
    _, arn, client = user
    target = f"arn:aws:iam::{bulwark.account_id}:user/someone"
    expect_error(lambda: client("sts").assume_role(RoleArn=target, RoleSessionName="Session1"), "AccessDenied", 403,
                 f"User: {arn} is not authorized to perform: sts:AssumeRole on resource: {target} "
                 "because no identity-based policy allows the sts:AssumeRole action")


def test_a_session_name_outside_the_pattern_is_a_validation_error(bulwark, user):
    _, _, client = user
    expect_error(lambda: client("sts", validate=False).assume_role(RoleArn="arn:a:b:::something/test-role",
                                                                   RoleSessionName="Session1:2"),
                 "ValidationError", 400, "1 validation error detected: Value 'Session1:2' at 'roleSessionName' failed to "
                 "satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*")


# -- AssumeRole: session tags ---------------------------------------------------------------------

def test_session_tags_need_sts_tag_session_in_the_trust_policy(bulwark, user, unique_name):
    _, user_arn, client = user
    role = f"r{unique_name.replace('_', '')[:40]}"
    role_arn = make_role(bulwark, role, "sts:AssumeRole", {"AWS": user_arn})
    bulwark.client("iam").put_user_policy(UserName=user[0], PolicyName="assume",
                                          PolicyDocument=policy(allow(["sts:AssumeRole", "sts:TagSession"])))
    sts = client("sts")
    tags = [{"Key": "Project", "Value": "bulwark"}]

    # Without tags the trust policy is enough.
    answer = sts.assume_role(RoleArn=role_arn, RoleSessionName="plain")
    assert "PackedPolicySize" not in answer
    expect_error(lambda: sts.assume_role(RoleArn=role_arn, RoleSessionName="tagged", Tags=tags), "AccessDenied", 403,
                 f"User: {user_arn} is not authorized to perform: sts:TagSession on resource: {role_arn} "
                 "because no resource-based policy allows the sts:TagSession action")

    bulwark.client("iam").update_assume_role_policy(RoleName=role, PolicyDocument=policy(
        {"Effect": "Allow", "Principal": {"AWS": user_arn}, "Action": ["sts:AssumeRole", "sts:TagSession"],
         "Condition": {"StringEquals": {"aws:RequestTag/Project": "bulwark"}}}))
    answer = sts.assume_role(RoleArn=role_arn, RoleSessionName="tagged", Tags=tags)
    check_credentials(answer["Credentials"], 3600)
    role_id = bulwark.client("iam").get_role(RoleName=role)["Role"]["RoleId"]
    assert without_metadata(answer) == {
        "Credentials": answer["Credentials"],
        "AssumedRoleUser": {"AssumedRoleId": f"{role_id}:tagged",
                            "Arn": f"arn:aws:sts::{bulwark.account_id}:assumed-role/{role}/tagged"},
        "PackedPolicySize": 1,
    }
    # The trust policy's condition reads aws:RequestTag: another value is refused.
    expect_error(lambda: sts.assume_role(RoleArn=role_arn, RoleSessionName="other",
                                         Tags=[{"Key": "Project", "Value": "other"}]), "AccessDenied", 403)


def test_tag_rules(bulwark, user, unique_name):
    _, user_arn, client = user
    role_arn = make_role(bulwark, f"r{unique_name.replace('_', '')[:40]}", ["sts:AssumeRole", "sts:TagSession"],
                         {"AWS": user_arn})
    sts = client("sts", validate=False)  # no permission needed: the tags are checked before authorization

    expect_error(lambda: sts.assume_role(RoleArn=role_arn, RoleSessionName="s1", Tags=[{"Key": "SessionTag1", "Value": "v"}],
                                         TransitiveTagKeys=["InvalidKey"]),
                 "InvalidParameterValue", 400, "The specified transitive tag key must be included in the requested tags.")
    expect_error(lambda: sts.assume_role(RoleArn=role_arn, RoleSessionName="s1", Tags=[
        {"Key": "SessionTag1", "Value": "SessionValue1"}, {"Key": "sessiontag1", "Value": "SessionValue2"}],
        TransitiveTagKeys=["sessiontag1"]),
        "InvalidParameterValue", 400, "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
    expect_error(lambda: sts.assume_role(RoleArn=role_arn, RoleSessionName="s1",
                                         Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(51)]),
                 "ValidationError", 400, message_pattern=r"1 validation error detected: Value '.*' at 'tags' failed to satisfy "
                 r"constraint: Member must have length less than or equal to 50")
    expect_error(lambda: sts.assume_role(RoleArn=role_arn, RoleSessionName="s1", Tags=[{"Key": "k" * 129, "Value": "v"}]),
                 "ValidationError", 400, message_prefix="1 validation error detected: Value '" + "k" * 129 + "' at 'tags.1.member.key'")
    expect_error(lambda: sts.assume_role(RoleArn=role_arn, RoleSessionName="s1", Tags=[{"Key": "bad!key", "Value": "v"}]),
                 "ValidationError", 400, message_prefix="1 validation error detected: Value 'bad!key' at 'tags.1.member.key' "
                 "failed to satisfy constraint: Member must satisfy regular expression pattern")
    expect_error(lambda: sts.assume_role(RoleArn=role_arn, RoleSessionName="s1", Tags=[{"Key": "k", "Value": "v" * 257}]),
                 "ValidationError", 400, message_prefix="1 validation error detected: Value '" + "v" * 257 + "' at 'tags.1.member.value'")
    # Packed: tags too large for STS's allowance, though each is within its own limits.
    expect_error(lambda: sts.assume_role(RoleArn=role_arn, RoleSessionName="s1",
                                         Tags=[{"Key": f"k{i}" + "k" * 120, "Value": "v" * 256} for i in range(8)]),
                 "PackedPolicyTooLarge", 400, message_pattern=r"Packed size of session tags consumes \d+% of allotted space\.")
    expect_error(lambda: sts.assume_role(RoleArn=role_arn, RoleSessionName="s1", Policy=policy(*[
        allow(f"lambda:GetFunction{i}", f"arn:aws:lambda:us-east-1:{bulwark.account_id}:function:{'f' * 40}") for i in range(30)])),
        "PackedPolicyTooLarge", 400, message_pattern=r"Packed policy consumes \d+% of allotted space, please use smaller policy\.")


def test_transitive_tags_pass_through_role_chaining(bulwark, user, unique_name):
    _, user_arn, client = user
    base = unique_name.replace("_", "")[:36]
    second_arn = make_role(bulwark, f"b{base}", ["sts:AssumeRole", "sts:TagSession"],
                           {"AWS": f"arn:aws:iam::{bulwark.account_id}:root"},
                           [allow("lambda:ListFunctions", "*") | {"Condition": {"StringEquals": {"aws:PrincipalTag/Team": "blue"}}}])
    first_arn = make_role(bulwark, f"a{base}", ["sts:AssumeRole", "sts:TagSession"], {"AWS": user_arn},
                          [allow(["sts:AssumeRole", "sts:TagSession"], second_arn)])
    bulwark.client("iam").put_user_policy(UserName=user[0], PolicyName="assume",
                                          PolicyDocument=policy(allow(["sts:AssumeRole", "sts:TagSession"])))
    first = client("sts").assume_role(RoleArn=first_arn, RoleSessionName="Session1",
                                      Tags=[{"Key": "Team", "Value": "blue"}, {"Key": "Local", "Value": "only"}],
                                      TransitiveTagKeys=["team"])["Credentials"]
    chained_sts = session_client(bulwark, "sts", first)

    for key in ("Team", "team"):
        expect_error(lambda: chained_sts.assume_role(RoleArn=second_arn, RoleSessionName="Session2",
                                                     Tags=[{"Key": key, "Value": "red"}]),
                     "InvalidParameterValue", 400, "One of the specified transitive tag keys can't be set because it "
                     "conflicts with a transitive tag key from the calling session.")

    # The second session inherits Team (transitive) but not Local: its policy reads aws:PrincipalTag/Team.
    second = chained_sts.assume_role(RoleArn=second_arn, RoleSessionName="Session2")
    assert without_metadata(second)["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{bulwark.account_id}:assumed-role/b{base}/Session2"
    assert second["PackedPolicySize"] >= 1
    assert "Functions" in session_client(bulwark, "lambda", second["Credentials"]).list_functions()

    # A third hop still carries it, and it is still refused to override.
    third_arn = make_role(bulwark, f"c{base}", "sts:AssumeRole", {"AWS": f"arn:aws:iam::{bulwark.account_id}:root"})
    bulwark.client("iam").put_role_policy(RoleName=f"b{base}", PolicyName="chain",
                                          PolicyDocument=policy(allow(["sts:AssumeRole", "sts:TagSession"], third_arn)))
    expect_error(lambda: session_client(bulwark, "sts", second["Credentials"]).assume_role(
        RoleArn=third_arn, RoleSessionName="Session3", Tags=[{"Key": "TEAM", "Value": "x"}]), "InvalidParameterValue", 400)

    # Without Team the second role's policy allows nothing.
    plain = client("sts").assume_role(RoleArn=first_arn, RoleSessionName="Plain")["Credentials"]
    untagged = session_client(bulwark, "sts", plain).assume_role(RoleArn=second_arn, RoleSessionName="Session2")
    assert "PackedPolicySize" not in untagged
    expect_error(lambda: session_client(bulwark, "lambda", untagged["Credentials"]).list_functions(), "AccessDeniedException", 403)


# -- GetFederationToken ---------------------------------------------------------------------------

def test_federation_token_of_a_user_is_limited_by_its_session_policy(bulwark, user):
    name, user_arn, client = user
    bulwark.client("iam").put_user_policy(UserName=name, PolicyName="user", PolicyDocument=policy(
        allow(["sts:GetFederationToken", "lambda:ListFunctions", "lambda:GetAccountSettings"])))
    sts = client("sts")

    answer = sts.get_federation_token(Name="Bob", DurationSeconds=900, Policy=policy(allow(["lambda:ListFunctions", "iam:*"])))
    check_credentials(answer["Credentials"], 900)
    assert without_metadata(answer) == {
        "Credentials": answer["Credentials"],
        "FederatedUser": {"FederatedUserId": f"{bulwark.account_id}:Bob",
                          "Arn": f"arn:aws:sts::{bulwark.account_id}:federated-user/Bob"},
        "PackedPolicySize": answer["PackedPolicySize"],
    }
    assert 1 <= answer["PackedPolicySize"] <= 100
    federated = answer["Credentials"]
    assert without_metadata(session_client(bulwark, "sts", federated).get_caller_identity()) == {
        "UserId": f"{bulwark.account_id}:Bob", "Account": bulwark.account_id,
        "Arn": f"arn:aws:sts::{bulwark.account_id}:federated-user/Bob",
    }
    # Allowed by both the user's policy and the session policy.
    assert "Functions" in session_client(bulwark, "lambda", federated).list_functions()
    # The user's policy allows it, the session policy does not.
    expect_error(lambda: session_client(bulwark, "lambda", federated).get_account_settings(), "AccessDeniedException", 403,
                 f"User: arn:aws:sts::{bulwark.account_id}:federated-user/Bob is not authorized to perform: "
                 "lambda:GetAccountSettings on resource: * because no session policy allows the lambda:GetAccountSettings action")
    # IAM does not take a federated user's token, whatever the policies.
    expect_error(lambda: session_client(bulwark, "iam", federated).list_users(), "InvalidClientTokenId", 403)
    # A federated session cannot federate again.
    expect_error(lambda: session_client(bulwark, "sts", federated).get_federation_token(Name="Again"),
                 "AccessDenied", 403, "Cannot call GetFederationToken with session credentials")

    # The trail names the federated user and the user behind it.
    events = [e for e in bulwark.trail_events() if e["userIdentity"].get("accessKeyId") == federated["AccessKeyId"]]
    identity = events[0]["userIdentity"]
    assert identity["type"] == "FederatedUser"
    assert identity["arn"] == f"arn:aws:sts::{bulwark.account_id}:federated-user/Bob"
    assert identity["sessionContext"]["sessionIssuer"]["type"] == "IAMUser"
    assert identity["sessionContext"]["sessionIssuer"]["arn"] == user_arn


def test_federation_token_without_session_policy_allows_nothing(bulwark, user):
    name, _, client = user
    bulwark.client("iam").put_user_policy(UserName=name, PolicyName="user", PolicyDocument=policy(allow("*")))
    answer = client("sts").get_federation_token(Name="NoPolicy")
    assert "PackedPolicySize" not in answer
    check_credentials(answer["Credentials"], 43_200)
    expect_error(lambda: session_client(bulwark, "lambda", answer["Credentials"]).list_functions(), "AccessDeniedException", 403)


def test_federation_token_with_a_managed_session_policy(bulwark, user, unique_name):
    name, _, client = user
    iam = bulwark.client("iam")
    iam.put_user_policy(UserName=name, PolicyName="user", PolicyDocument=policy(allow("*")))
    managed = iam.create_policy(PolicyName=f"p{unique_name[:40]}", PolicyDocument=policy(allow("lambda:ListFunctions")))["Policy"]["Arn"]
    answer = client("sts").get_federation_token(Name="Managed", PolicyArns=[{"arn": managed}])
    federated = session_client(bulwark, "lambda", answer["Credentials"])
    assert "Functions" in federated.list_functions()
    expect_error(lambda: federated.get_account_settings(), "AccessDeniedException", 403)


def test_federation_token_of_the_root_lasts_at_most_an_hour(bulwark):
    answer = bulwark.client("sts").get_federation_token(Name="RootFed", DurationSeconds=129_600,
                                                        Policy=policy(allow("lambda:ListFunctions")))
    check_credentials(answer["Credentials"], 3600)
    federated = session_client(bulwark, "lambda", answer["Credentials"])
    assert "Functions" in federated.list_functions()
    expect_error(lambda: federated.get_account_settings(), "AccessDeniedException", 403)


def test_federation_token_refusals(bulwark, user, unique_name):
    name, user_arn, client = user
    sts = client("sts", validate=False)
    expect_error(lambda: sts.get_federation_token(Name="Bob"), "AccessDenied", 403,
                 f"User: {user_arn} is not authorized to perform: sts:GetFederationToken on resource: "
                 f"arn:aws:sts::{bulwark.account_id}:federated-user/Bob because no identity-based policy allows the "
                 "sts:GetFederationToken action")
    expect_error(lambda: sts.get_federation_token(Name="Bob:1"), "ValidationError", 400,
                 "1 validation error detected: Value 'Bob:1' at 'name' failed to satisfy constraint: Member must satisfy "
                 "regular expression pattern: [\\w+=,.@-]*")
    expect_error(lambda: sts.get_federation_token(Name="Bob", DurationSeconds=129_601), "ValidationError", 400,
                 "1 validation error detected: Value '129601' at 'durationSeconds' failed to satisfy constraint: Member must "
                 "have value less than or equal to 129600")
    # A role session may not federate users.
    role_arn = make_role(bulwark, f"r{unique_name.replace('_', '')[:40]}", "sts:AssumeRole", {"AWS": user_arn},
                         [allow("sts:GetFederationToken")])
    bulwark.client("iam").put_user_policy(UserName=name, PolicyName="assume", PolicyDocument=policy(allow("sts:AssumeRole")))
    credentials = client("sts").assume_role(RoleArn=role_arn, RoleSessionName="s1")["Credentials"]
    expect_error(lambda: session_client(bulwark, "sts", credentials).get_federation_token(Name="Bob"),
                 "AccessDenied", 403, "Cannot call GetFederationToken with session credentials")


def test_federation_token_with_the_cli(bulwark):
    result = bulwark.aws("sts", "get-federation-token", "--name", "cli-user", "--policy",
                         policy(allow("lambda:ListFunctions")), "--output", "json")
    answer = json.loads(result.stdout)
    assert answer["FederatedUser"] == {"FederatedUserId": f"{bulwark.account_id}:cli-user",
                                       "Arn": f"arn:aws:sts::{bulwark.account_id}:federated-user/cli-user"}


# -- GetAccessKeyInfo -----------------------------------------------------------------------------

def test_access_key_info_of_keys_bulwark_issued_and_of_others(bulwark, user):
    name, _, client = user
    sts = bulwark.client("sts")
    admin_key, _ = bulwark.admin_key
    user_key = bulwark.client("iam").list_access_keys(UserName=name)["AccessKeyMetadata"][0]["AccessKeyId"]
    session_key = sts.get_session_token(DurationSeconds=900)["Credentials"]["AccessKeyId"]
    for key in (admin_key, user_key, session_key):
        assert without_metadata(sts.get_access_key_info(AccessKeyId=key)) == {"Account": bulwark.account_id}
    # Keys Bulwark did not issue: the account AWS encodes in the key id.
    assert without_metadata(sts.get_access_key_info(AccessKeyId="ASIAQNZGKIQY56JQ7WML")) == {"Account": "029608264753"}
    assert without_metadata(sts.get_access_key_info(AccessKeyId="AKIAIOSFODNN7EXAMPLE")) == {"Account": "581039954779"}
    # It is an action like any other: the user without a policy is refused.
    expect_error(lambda: client("sts").get_access_key_info(AccessKeyId=user_key), "AccessDenied", 403,
                 f"User: arn:aws:iam::{bulwark.account_id}:user/{name} is not authorized to perform: sts:GetAccessKeyInfo "
                 "on resource: * because no identity-based policy allows the sts:GetAccessKeyInfo action")
