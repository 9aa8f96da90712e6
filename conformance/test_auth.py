"""SigV4: every request is signed, and every refusal is AWS's.

AWS's answers for Lambda (rest-json), all HTTP 403: no signature → MissingAuthenticationTokenException
"Missing Authentication Token"; unknown access key or session token → UnrecognizedClientException
"The security token included in the request is invalid."; wrong secret or altered request →
InvalidSignatureException "The request signature we calculated does not match ..."; a date more than
5 minutes off → InvalidSignatureException "Signature expired: <date> is now earlier than <now-5min>
(<now> - 5 min.)" or "Signature not yet current: <date> is still later than <now+5min> (<now> + 5
min.)" (as quoted by users of Lambda in public issues, e.g. pulumi/pulumi-aws#55, aws/aws-cli#4600).
"""

from __future__ import annotations

import datetime
import json
import re
import time
import urllib.error
import urllib.request

import pytest

from support.lam import INVALID_TOKEN, RUNTIME, SIGNATURE_MISMATCH, create_function, expect_error
from support.wire import fetch_url, send, send_signed, sign, signing_clock, utc_now

STAMP = "%Y%m%dT%H%M%SZ"


def parse_stamp(text: str) -> datetime.datetime:
    return datetime.datetime.strptime(text, STAMP)


def test_wrong_secret_is_an_invalid_signature(bulwark):
    key, _ = bulwark.admin_key
    client = bulwark.client("lambda", access_key=key, secret_key="x" * 40)
    expect_error(client.list_functions, "InvalidSignatureException", 403, SIGNATURE_MISMATCH)


def test_unknown_access_key_is_unrecognized(bulwark):
    client = bulwark.client("lambda", access_key="AKIAIOSFODNN7EXAMPLE", secret_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    expect_error(client.list_functions, "UnrecognizedClientException", 403, INVALID_TOKEN)


def test_unknown_session_token_is_unrecognized(bulwark):
    # AWS words this one without the final period (observed on AWS: dacut/scratchstack-aws-signature,
    # "AWS Auth Error Ordering").
    client = bulwark.client("lambda", session_token="FwoGZXIvYXdzEBYaDNotARealSessionToken")
    expect_error(client.list_functions, "UnrecognizedClientException", 403, INVALID_TOKEN.rstrip("."))


def test_request_without_authentication_is_refused(bulwark):
    answer = fetch_url(bulwark.endpoint + "/2015-03-31/functions/")
    assert answer.status == 403
    assert answer.error_type == "MissingAuthenticationTokenException"
    assert answer.json == {"message": "Missing Authentication Token"}


def test_unsigned_create_does_not_create(bulwark, lambda_client, unique_name):
    body = json.dumps({
        "FunctionName": unique_name, "Runtime": RUNTIME, "Handler": "app.handler",
        "Role": f"arn:aws:iam::{bulwark.account_id}:role/r", "Code": {"ZipFile": "UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA=="},
    }).encode()
    answer = send(bulwark.endpoint, "POST", "/2015-03-31/functions", body=body, headers={"Content-Type": "application/json"})
    assert answer.status == 403
    assert answer.error_type == "MissingAuthenticationTokenException"
    expect_error(lambda: lambda_client.get_function(FunctionName=unique_name), "ResourceNotFoundException", 404)


def test_body_changed_after_signing_is_an_invalid_signature(bulwark, unique_name):
    key, secret = bulwark.admin_key
    signed_body = json.dumps({"Timeout": 5}).encode()
    headers = sign(bulwark.endpoint, "PUT", f"/2015-03-31/functions/{unique_name}/configuration", key, secret, body=signed_body)
    answer = send(bulwark.endpoint, "PUT", f"/2015-03-31/functions/{unique_name}/configuration",
                  body=json.dumps({"Timeout": 9}).encode(), headers=headers)
    assert answer.status == 403
    assert answer.error_type == "InvalidSignatureException"


def test_signature_ten_minutes_old_has_expired(bulwark):
    signed_at = utc_now().replace(microsecond=0) - datetime.timedelta(minutes=10)
    client = bulwark.client("lambda")
    with signing_clock(signed_at):
        error = expect_error(
            client.list_functions, "InvalidSignatureException", 403,
            message_pattern=r"Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)",
        )
    stamps = re.findall(r"\d{8}T\d{6}Z", error.response["Error"]["Message"])
    signed, earliest, now = (parse_stamp(stamp) for stamp in stamps)
    assert signed == signed_at
    assert now - earliest == datetime.timedelta(minutes=5)
    assert abs(now - utc_now()) < datetime.timedelta(seconds=30)


def test_signature_ten_minutes_ahead_is_not_yet_current(bulwark):
    signed_at = utc_now().replace(microsecond=0) + datetime.timedelta(minutes=10)
    client = bulwark.client("lambda")
    with signing_clock(signed_at):
        error = expect_error(
            client.list_functions, "InvalidSignatureException", 403,
            message_pattern=r"Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 5 min\.\)",
        )
    signed, latest, now = (parse_stamp(stamp) for stamp in re.findall(r"\d{8}T\d{6}Z", error.response["Error"]["Message"]))
    assert signed == signed_at
    assert latest - now == datetime.timedelta(minutes=5)


@pytest.mark.parametrize("minutes", [-4, 4])
def test_signature_within_five_minutes_is_accepted(bulwark, minutes):
    client = bulwark.client("lambda")
    with signing_clock(utc_now() + datetime.timedelta(minutes=minutes)):
        assert client.list_functions()["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_presigned_request_is_accepted(bulwark, lambda_client, unique_name):
    create_function(lambda_client, bulwark.account_id, unique_name)
    url = lambda_client.generate_presigned_url("get_function_configuration", Params={"FunctionName": unique_name}, ExpiresIn=60)

    answer = fetch_url(url)

    assert answer.status == 200, answer.body
    assert answer.json["FunctionName"] == unique_name


def test_presigned_request_past_its_expiry_is_refused(bulwark, lambda_client):
    url = lambda_client.generate_presigned_url("list_functions", ExpiresIn=1)
    time.sleep(2.5)
    answer = fetch_url(url)
    assert answer.status == 403
    assert "Functions" not in (answer.json or {})


def test_presigned_request_with_a_wrong_secret_is_refused(bulwark):
    key, _ = bulwark.admin_key
    client = bulwark.client("lambda", access_key=key, secret_key="y" * 40)
    answer = fetch_url(client.generate_presigned_url("list_functions", ExpiresIn=60))
    assert answer.status == 403
    assert answer.error_type == "InvalidSignatureException"


def test_signed_raw_request_is_accepted(bulwark):
    """The server agrees with botocore's signer on a request built by hand (no SDK involved)."""
    key, secret = bulwark.admin_key
    answer = send_signed(bulwark.endpoint, "GET", "/2015-03-31/functions/?MaxItems=1", key, secret)
    assert answer.status == 200, answer.body
    assert "Functions" in answer.json


def test_cli_with_a_wrong_secret_shows_the_signature_error(bulwark):
    key, _ = bulwark.admin_key
    result = bulwark.aws("lambda", "list-functions", check=False,
                         env={"AWS_ACCESS_KEY_ID": key, "AWS_SECRET_ACCESS_KEY": "z" * 40})
    assert result.returncode != 0
    assert f"An error occurred (InvalidSignatureException) when calling the ListFunctions operation: {SIGNATURE_MISMATCH}" in result.stderr


def test_cli_with_an_unknown_key_shows_unrecognized_client(bulwark):
    result = bulwark.aws("lambda", "list-functions", check=False,
                         env={"AWS_ACCESS_KEY_ID": "AKIAI44QH8DHBEXAMPLE", "AWS_SECRET_ACCESS_KEY": "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"})
    assert result.returncode != 0
    assert f"An error occurred (UnrecognizedClientException) when calling the ListFunctions operation: {INVALID_TOKEN}" in result.stderr


def test_there_is_no_test_key(bulwark):
    """Emulators often accept the key `test`/`test`; Bulwark has no such bypass."""
    client = bulwark.client("lambda", access_key="test", secret_key="test")
    expect_error(client.list_functions, "UnrecognizedClientException", 403, INVALID_TOKEN)


def test_plain_urllib_post_is_refused(bulwark):
    request = urllib.request.Request(bulwark.endpoint + "/2015-03-31/functions", data=b"{}", method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        urllib.request.urlopen(request, timeout=30)
        status = 200
    except urllib.error.HTTPError as error:
        status = error.code
    assert status == 403
