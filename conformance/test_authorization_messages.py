"""sts:DecodeAuthorizationMessage (issue #9): every denial of the authorize stage seals its account — the
principal, action, resource, the request's condition keys and, for an explicit deny, the statements that
denied — into an encoded message. Lambda's and IAM's answers do not carry it (AWS's do not); the trail record
of the denied call does, and `bulwark iam explain` prints it, as AWS prints "Encoded authorization failure
message: …" in the services that have one. DecodeAuthorizationMessage answers the JSON AWS documents, to a
caller allowed the action, of the message's account (docs/decisions/0009)."""

from __future__ import annotations

import json
import re
import stat
import subprocess
import time

import pytest
from botocore.exceptions import ClientError

from conftest import BULWARK_BIN

ENCODED = re.compile(r"^Encoded authorization failure message: (\S+)$", re.MULTILINE)


def policy(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def denial(call) -> dict:
    with pytest.raises(ClientError) as info:
        call()
    return info.value.response


def audited(server, request_id: str) -> dict:
    """The trail's event of a call (the trail is flushed a moment after the answer)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        events = [event for event in server.trail_events() if event["requestID"] == request_id]
        if events:
            return events[0]
        time.sleep(0.2)
    raise AssertionError(f"no audit event for {request_id}")


def encoded_message(server, request_id: str) -> str:
    """The encoded message of a denied call, as a user finds it: `bulwark iam explain <request id>`."""
    audited(server, request_id)
    explained = subprocess.run([BULWARK_BIN, "iam", "explain", "--data-dir", str(server.data_dir), request_id],
                               capture_output=True, text=True, timeout=30)
    assert explained.returncode == 0, explained.stderr
    found = ENCODED.findall(explained.stdout)
    assert len(found) == 1, explained.stdout
    return found[0]


def make_user(server, name: str, *statements: dict):
    """An IAM user with an inline policy and a key: (its unique id, a client factory)."""
    iam = server.client("iam")
    user_id = iam.create_user(UserName=name)["User"]["UserId"]
    if statements:
        iam.put_user_policy(UserName=name, PolicyName="policy", PolicyDocument=policy(*statements))
    key = iam.create_access_key(UserName=name)["AccessKey"]

    def client(service: str, **options):
        return server.client(service, access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"], **options)

    return user_id, client


def items(*values: str) -> dict:
    return {"items": [{"value": value} for value in values]}


def principal_conditions(account: str, name: str, user_id: str) -> list[dict]:
    """The principal's condition keys of an IAM user, as the evaluator derives them."""
    return [
        {"key": "aws:PrincipalArn", "values": items(f"arn:aws:iam::{account}:user/{name}")},
        {"key": "aws:PrincipalAccount", "values": items(account)},
        {"key": "aws:PrincipalType", "values": items("User")},
        {"key": "aws:userid", "values": items(user_id)},
        {"key": "aws:username", "values": items(name)},
        {"key": "aws:PrincipalIsAWSService", "values": items("false")},
    ]


def request_conditions(decoded: dict, user_agent_of: str) -> list[dict]:
    """The request's keys of a call over plain HTTP from this host, with the values that change from call to
    call (time, user agent) taken from the answer after checking their form."""
    found = {item["key"]: item["values"]["items"][0]["value"] for item in decoded["context"]["conditions"]["items"]}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", found["aws:CurrentTime"]), found
    assert re.fullmatch(r"\d{10}", found["aws:EpochTime"]), found
    assert user_agent_of in found["aws:UserAgent"], found
    return [
        {"key": "aws:CurrentTime", "values": items(found["aws:CurrentTime"])},
        {"key": "aws:EpochTime", "values": items(found["aws:EpochTime"])},
        {"key": "aws:RequestedRegion", "values": items("us-east-1")},
        {"key": "aws:SecureTransport", "values": items("false")},
        {"key": "aws:SourceIp", "values": items("127.0.0.1")},
        {"key": "aws:UserAgent", "values": items(found["aws:UserAgent"])},
    ]


@pytest.fixture
def server(fresh_bulwark):
    return fresh_bulwark(execution_roles=False).start()


def test_an_implicit_deny_decodes_to_the_documented_message(server):
    account = server.account_id
    user_id, client = make_user(server, "dev", {"Effect": "Allow", "Action": "sts:DecodeAuthorizationMessage",
                                                "Resource": "*"})
    refused = denial(lambda: client("lambda").get_function(FunctionName="mine"))

    # Lambda's answer is AWS's, without an encoded message; the trail and `bulwark iam explain` have it.
    function_arn = f"arn:aws:lambda:us-east-1:{account}:function:mine"
    assert refused["Error"]["Message"] == (
        f"User: arn:aws:iam::{account}:user/dev is not authorized to perform: lambda:GetFunction on resource: "
        f"{function_arn} because no identity-based policy allows the lambda:GetFunction action")
    request_id = refused["ResponseMetadata"]["RequestId"]
    encoded = encoded_message(server, request_id)
    assert audited(server, request_id)["additionalEventData"]["encodedAuthorizationMessage"] == encoded
    assert re.fullmatch(r"[A-Za-z0-9_-]+", encoded) and len(encoded) <= 10240

    answer = client("sts").decode_authorization_message(EncodedMessage=encoded)
    del answer["ResponseMetadata"]
    decoded = json.loads(answer["DecodedMessage"])

    assert list(answer) == ["DecodedMessage"]
    assert decoded == {
        "allowed": False,
        "explicitDeny": False,
        "matchedStatements": {"items": []},
        "failures": {"items": []},
        "context": {
            "principal": {"id": user_id, "name": "dev", "arn": f"arn:aws:iam::{account}:user/dev"},
            "action": "lambda:GetFunction",
            "resource": function_arn,
            "conditions": {"items": principal_conditions(account, "dev", user_id)
                           + request_conditions(decoded, "Boto3")},
        },
    }
    # AWS's key order, as its documented example has it.
    assert answer["DecodedMessage"].startswith('{"allowed":false,"explicitDeny":false,"matchedStatements":')


def test_an_explicit_deny_lists_the_statements_that_denied(server):
    account = server.account_id
    user_id, client = make_user(
        server, "dev",
        {"Effect": "Allow", "Action": ["lambda:*", "sts:DecodeAuthorizationMessage"], "Resource": "*"},
        {"Sid": "NoPlainHTTP", "Effect": "Deny", "Action": ["lambda:Get*", "lambda:List*"], "Resource": "*",
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    )
    refused = denial(lambda: client("lambda").list_functions())
    assert refused["Error"]["Message"].endswith("with an explicit deny in an identity-based policy")

    encoded = encoded_message(server, refused["ResponseMetadata"]["RequestId"])
    decoded = json.loads(client("sts").decode_authorization_message(EncodedMessage=encoded)["DecodedMessage"])

    assert decoded == {
        "allowed": False,
        "explicitDeny": True,
        "matchedStatements": {"items": [{
            "statementId": "NoPlainHTTP",
            "effect": "DENY",
            "principals": items(user_id),
            "principalGroups": {"items": []},
            "actions": items("lambda:Get*", "lambda:List*"),
            "resources": items("*"),
            "conditions": {"items": [{"operator": "Bool", "key": "aws:SecureTransport", "values": items("false")}]},
        }]},
        "failures": {"items": []},
        "context": {
            "principal": {"id": user_id, "name": "dev", "arn": f"arn:aws:iam::{account}:user/dev"},
            "action": "lambda:ListFunctions",
            "resource": "*",
            "conditions": {"items": principal_conditions(account, "dev", user_id)
                           + request_conditions(decoded, "Boto3")},
        },
    }


def test_decoding_needs_the_permission(server):
    account = server.account_id
    _, client = make_user(server, "nobody")
    refused = denial(lambda: client("lambda").list_functions())
    encoded = encoded_message(server, refused["ResponseMetadata"]["RequestId"])

    # Not exempt, unlike GetCallerIdentity: the message holds what the caller may not see.
    refused = denial(lambda: client("sts").decode_authorization_message(EncodedMessage=encoded))

    assert refused["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert refused["Error"]["Code"] == "AccessDenied"
    assert refused["Error"]["Message"].startswith(
        f"User: arn:aws:iam::{account}:user/nobody is not authorized to perform: sts:DecodeAuthorizationMessage")
    # The account's administrator decodes it.
    decoded = json.loads(server.client("sts").decode_authorization_message(EncodedMessage=encoded)["DecodedMessage"])
    assert decoded["context"]["action"] == "lambda:ListFunctions"


def test_what_does_not_unseal_is_an_invalid_message(server):
    _, client = make_user(server, "nobody")
    refused = denial(lambda: client("lambda").list_functions())
    encoded = encoded_message(server, refused["ResponseMetadata"]["RequestId"])
    sts = server.client("sts")
    middle = len(encoded) // 2
    altered = encoded[:middle] + ("A" if encoded[middle] != "A" else "B") + encoded[middle + 1:]

    for bad in ["not a message", "AAAA", altered, encoded[:-1], encoded + "\n"]:
        refused = denial(lambda: sts.decode_authorization_message(EncodedMessage=bad))
        assert refused["ResponseMetadata"]["HTTPStatusCode"] == 400, bad
        assert refused["Error"] == {"Type": "Sender", "Code": "InvalidAuthorizationMessageException",
                                    "Message": "The message is invalid."}, bad


def test_a_message_opens_only_on_the_server_that_sealed_it(fresh_bulwark, server):
    _, client = make_user(server, "nobody")
    refused = denial(lambda: client("lambda").list_functions())
    encoded = encoded_message(server, refused["ResponseMetadata"]["RequestId"])
    other = fresh_bulwark(execution_roles=False).start()

    refused = denial(lambda: other.client("sts").decode_authorization_message(EncodedMessage=encoded))

    assert refused["Error"]["Code"] == "InvalidAuthorizationMessageException"


def test_the_encoded_message_length_is_validated(server):
    sts = server.client("sts", validate=False)
    for bad, constraint in [("", "Member must have length greater than or equal to 1"),
                            ("A" * 10241, "Member must have length less than or equal to 10240")]:
        refused = denial(lambda: sts.decode_authorization_message(EncodedMessage=bad))
        assert refused["ResponseMetadata"]["HTTPStatusCode"] == 400
        assert refused["Error"]["Code"] == "ValidationError"
        assert constraint in refused["Error"]["Message"]


def test_the_key_is_private_and_survives_a_restart(server):
    _, client = make_user(server, "nobody")
    refused = denial(lambda: client("iam").list_users())
    # IAM's answer is AWS's, without an encoded message.
    assert refused["Error"]["Message"] == (
        f"User: arn:aws:iam::{server.account_id}:user/nobody is not authorized to perform: iam:ListUsers on resource: * "
        "because no identity-based policy allows the iam:ListUsers action")
    encoded = encoded_message(server, refused["ResponseMetadata"]["RequestId"])
    key = server.data_dir / "keys" / "authorization-messages.key"

    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(key.parent.stat().st_mode) == 0o700
    assert key.stat().st_size == 32
    server.restart()
    decoded = json.loads(server.client("sts").decode_authorization_message(EncodedMessage=encoded)["DecodedMessage"])
    assert decoded["context"]["action"] == "iam:ListUsers"
    assert decoded["context"]["resource"] == "*"
