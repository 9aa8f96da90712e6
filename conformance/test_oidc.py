"""OpenID Connect providers in IAM and AssumeRoleWithWebIdentity (issue #9): providers are registered
with IAM's API, their issuers' signing keys are configured offline (`bulwark iam oidc-keys`), and
tokens are verified — issuer, audience, expiry, RS256 signature — before the role's trust policy
decides with `<issuer>:sub` and `<issuer>:aud`. Messages are AWS's."""

from __future__ import annotations

import base64
import datetime
import json
import subprocess
import time

import boto3
import botocore
import pytest
from botocore.exceptions import ClientError

from support.lam import expect_error

ISSUER = "https://token.example.test/issuer"
ISSUER_KEY = "token.example.test/issuer"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Issuer:
    """An OpenID Connect issuer of our own: an RSA key (made by openssl) that signs RS256 tokens."""

    def __init__(self, directory):
        self.key = directory / "issuer.pem"
        subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", str(self.key)],
                       check=True, capture_output=True)
        modulus = subprocess.run(["openssl", "rsa", "-in", str(self.key), "-noout", "-modulus"], check=True,
                                 capture_output=True, text=True).stdout.strip().split("=", 1)[1]
        n = int(modulus, 16)
        self.jwks = {"keys": [{"kty": "RSA", "kid": "k1", "use": "sig", "alg": "RS256",
                               "n": b64url(n.to_bytes((n.bit_length() + 7) // 8, "big")), "e": b64url((65537).to_bytes(3, "big"))}]}

    def token(self, **claims) -> str:
        now = int(time.time())
        body = {"iss": ISSUER, "sub": "repo:octo/app:ref:refs/heads/main", "aud": "sts.amazonaws.com", "iat": now,
                "nbf": now, "exp": now + 600} | claims
        header = {"alg": "RS256", "typ": "JWT", "kid": "k1"}
        signed = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(body).encode())}"
        signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", str(self.key)], input=signed.encode(), check=True,
                                   capture_output=True).stdout
        return f"{signed}.{b64url(signature)}"


@pytest.fixture(scope="module")
def issuer(tmp_path_factory):
    return Issuer(tmp_path_factory.mktemp("issuer"))


def unsigned_sts(bulwark):
    return boto3.client("sts", endpoint_url=bulwark.endpoint, region_name="us-east-1",
                        config=botocore.config.Config(signature_version=botocore.UNSIGNED))


def configure_keys(bulwark, issuer, tmp_path):
    keys = tmp_path / "jwks.json"
    keys.write_text(json.dumps(issuer.jwks))
    result = subprocess.run([bulwark_binary(), "iam", "oidc-keys", "--data-dir", str(bulwark.data_dir), "--url", ISSUER,
                             "--jwks", str(keys)], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == f"Configured 1 signing key(s) for {ISSUER_KEY}."


def bulwark_binary() -> str:
    from conftest import BULWARK_BIN
    return BULWARK_BIN


def test_oidc_provider_lifecycle(bulwark, unique_name):
    iam = bulwark.client("iam")
    url = f"https://{unique_name.replace('_', '-')}.example.test/path"
    arn = f"arn:aws:iam::{bulwark.account_id}:oidc-provider/{unique_name.replace('_', '-')}.example.test/path"

    created = iam.create_open_id_connect_provider(Url=url, ClientIDList=["sts.amazonaws.com"], ThumbprintList=["a" * 40],
                                                  Tags=[{"Key": "team", "Value": "blue"}])
    assert {k: v for k, v in created.items() if k != "ResponseMetadata"} == {
        "OpenIDConnectProviderArn": arn, "Tags": [{"Key": "team", "Value": "blue"}]}
    expect_error(lambda: iam.create_open_id_connect_provider(Url=url, ClientIDList=["x"]), "EntityAlreadyExists", 409,
                 f"Provider with url {url} already exists.")

    iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="second")
    iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="second")
    iam.remove_client_id_from_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="sts.amazonaws.com")
    iam.update_open_id_connect_provider_thumbprint(OpenIDConnectProviderArn=arn, ThumbprintList=["b" * 40, "c" * 40])
    iam.tag_open_id_connect_provider(OpenIDConnectProviderArn=arn, Tags=[{"Key": "env", "Value": "test"}])
    iam.untag_open_id_connect_provider(OpenIDConnectProviderArn=arn, TagKeys=["team"])

    got = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert isinstance(got.pop("CreateDate"), datetime.datetime)
    assert {k: v for k, v in got.items() if k != "ResponseMetadata"} == {
        "Url": f"{unique_name.replace('_', '-')}.example.test/path", "ClientIDList": ["second"],
        "ThumbprintList": ["b" * 40, "c" * 40], "Tags": [{"Key": "env", "Value": "test"}]}
    assert {"Arn": arn} in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]
    tags = iam.list_open_id_connect_provider_tags(OpenIDConnectProviderArn=arn)
    assert {k: v for k, v in tags.items() if k != "ResponseMetadata"} == {"Tags": [{"Key": "env", "Value": "test"}], "IsTruncated": False}

    iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    expect_error(lambda: iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn), "NoSuchEntity", 404,
                 f"OpenIDConnect Provider not found for arn {arn}")
    assert {"Arn": arn} not in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]


def test_oidc_provider_refusals(bulwark):
    iam = bulwark.client("iam")
    expect_error(lambda: iam.create_open_id_connect_provider(Url="http://insecure.example.test", ClientIDList=["a"]),
                 "InvalidInput", 400, "Invalid Open ID Connect Provider URL")
    expect_error(lambda: iam.create_open_id_connect_provider(Url="https://many.example.test",
                                                             ThumbprintList=[c * 40 for c in "abcdef"]),
                 "InvalidInput", 400, "Thumbprint list must contain fewer than 5 entries.")
    expect_error(lambda: iam.create_open_id_connect_provider(Url="https://clients.example.test",
                                                             ClientIDList=[str(i) for i in range(101)]),
                 "LimitExceeded", 409, "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100")
    missing = f"arn:aws:iam::{bulwark.account_id}:oidc-provider/missing.example.test"
    expect_error(lambda: iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=missing, ClientID="a"),
                 "NoSuchEntity", 404, f"OpenIDConnect Provider not found for arn {missing}")


@pytest.fixture
def web_role(bulwark, issuer, tmp_path, unique_name):
    iam = bulwark.client("iam")
    provider = f"arn:aws:iam::{bulwark.account_id}:oidc-provider/{ISSUER_KEY}"
    try:
        iam.create_open_id_connect_provider(Url=ISSUER, ClientIDList=["sts.amazonaws.com"])
    except ClientError as error:
        assert error.response["Error"]["Code"] == "EntityAlreadyExists"
    configure_keys(bulwark, issuer, tmp_path)
    name = f"w{unique_name.replace('_', '')[:40]}"
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Federated": provider}, "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {f"{ISSUER_KEY}:aud": "sts.amazonaws.com"},
                      "StringLike": {f"{ISSUER_KEY}:sub": "repo:octo/app:*"}}}]}
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    iam.put_role_policy(RoleName=name, PolicyName="list", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "lambda:ListFunctions", "Resource": "*"}]}))
    return name, arn, provider


def test_assume_role_with_web_identity(bulwark, issuer, web_role):
    name, arn, provider = web_role
    role_id = bulwark.client("iam").get_role(RoleName=name)["Role"]["RoleId"]
    answer = unsigned_sts(bulwark).assume_role_with_web_identity(RoleArn=arn, RoleSessionName="ci", WebIdentityToken=issuer.token(),
                                                                 DurationSeconds=900)
    credentials = answer["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")
    assert {k: v for k, v in answer.items() if k != "ResponseMetadata"} == {
        "Credentials": credentials,
        "SubjectFromWebIdentityToken": "repo:octo/app:ref:refs/heads/main",
        "AssumedRoleUser": {"AssumedRoleId": f"{role_id}:ci", "Arn": f"arn:aws:sts::{bulwark.account_id}:assumed-role/{name}/ci"},
        "Provider": provider,
        "Audience": "sts.amazonaws.com",
    }
    session = bulwark.client("lambda", access_key=credentials["AccessKeyId"], secret_key=credentials["SecretAccessKey"],
                             session_token=credentials["SessionToken"])
    assert "Functions" in session.list_functions()
    # The call is in the trail, though unsigned.
    events = [e for e in bulwark.trail_events() if e.get("eventName") == "AssumeRoleWithWebIdentity"
              and (e.get("requestParameters") or {}).get("roleArn") == arn and "errorCode" not in e]
    assert events and events[-1]["userIdentity"]["type"] == "Unknown"


def test_web_identity_refusals(bulwark, issuer, web_role):
    _, arn, _ = web_role
    sts = unsigned_sts(bulwark)

    def assume(token):
        return lambda: sts.assume_role_with_web_identity(RoleArn=arn, RoleSessionName="ci", WebIdentityToken=token)

    expect_error(assume(issuer.token(aud="someone-else")), "InvalidIdentityToken", 400, "Incorrect token audience")
    expect_error(assume(issuer.token(iss="https://unknown.example.test")), "InvalidIdentityToken", 400,
                 "No OpenIDConnect provider found in your account for https://unknown.example.test")
    expired = int(time.time()) - 3600
    expect_error(assume(issuer.token(exp=expired)), "ExpiredTokenException", 400,
                 message_pattern=rf"Token expired: current date/time \d+ must be before the expiration date/time {expired}")
    good = issuer.token()
    head, body, signature = good.split(".")
    tampered_body = b64url(json.dumps({**json.loads(base64.urlsafe_b64decode(body + "==")), "sub": "repo:octo/app:evil"}).encode())
    expect_error(assume(f"{head}.{tampered_body}.{signature}"), "InvalidIdentityToken", 400,
                 message_prefix="The web identity token that was passed could not be validated by AWS.")
    expect_error(assume("not-a-token"), "InvalidIdentityToken", 400)
    # The trust policy's condition on <issuer>:sub refuses another repository.
    expect_error(assume(issuer.token(sub="repo:other/app:ref:refs/heads/main")), "AccessDenied", 403,
                 "Not authorized to perform sts:AssumeRoleWithWebIdentity")
    expect_error(lambda: sts.assume_role_with_web_identity(RoleArn="nothing-valid-in-here", RoleSessionName="ci",
                                                           WebIdentityToken=good), "ValidationError", 400,
                 "nothing-valid-in-here is invalid")
    # Other STS operations still need a signature.
    with pytest.raises(ClientError) as refused:
        sts.get_caller_identity()
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] in (400, 403)
