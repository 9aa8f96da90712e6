"""GetRandomPassword: AWS's character types (lower and upper case letters, digits, the punctuation of the API
reference, the space on request), exclusions, one of each kept type unless RequireEachIncludedType is false,
lengths 1–4096 (32 by default), InvalidParameterException when the password cannot be made; the trail records
the call and never the password."""

from __future__ import annotations

import string

import pytest
from botocore.exceptions import ClientError

PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"


@pytest.fixture
def sm(bulwark):
    return bulwark.client("secretsmanager")


def error_of(call) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as raised:
        call()
    error = raised.value.response["Error"]
    return error["Code"], error["Message"], raised.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_the_default_password_has_32_characters_of_every_type(sm):
    for _ in range(20):
        answer = sm.get_random_password()
        assert set(answer) == {"RandomPassword", "ResponseMetadata"}
        password = answer["RandomPassword"]
        assert len(password) == 32
        assert set(password) <= set(string.ascii_letters + string.digits + PUNCTUATION)
        for kind in (string.ascii_lowercase, string.ascii_uppercase, string.digits, PUNCTUATION):
            assert set(password) & set(kind), (kind, password)
    # Drawn anew each time.
    assert len({sm.get_random_password()["RandomPassword"] for _ in range(20)}) == 20


def test_exclusions_the_space_and_lengths(sm):
    digits_only = sm.get_random_password(PasswordLength=64, ExcludeLowercase=True, ExcludeUppercase=True,
                                         ExcludePunctuation=True)["RandomPassword"]
    assert len(digits_only) == 64 and set(digits_only) <= set(string.digits)

    excluded = sm.get_random_password(PasswordLength=200, ExcludeCharacters="aeiouAEIOU0'\"\\")["RandomPassword"]
    assert not set(excluded) & set("aeiouAEIOU0'\"\\")

    spaced = sm.get_random_password(PasswordLength=5, ExcludeLowercase=True, ExcludeUppercase=True, ExcludeNumbers=True,
                                    ExcludePunctuation=True, IncludeSpace=True)["RandomPassword"]
    assert spaced == "     "

    assert len(sm.get_random_password(PasswordLength=4096)["RandomPassword"]) == 4096
    # Without RequireEachIncludedType, a password shorter than the number of types is possible.
    assert len(sm.get_random_password(PasswordLength=1, RequireEachIncludedType=False)["RandomPassword"]) == 1


def test_passwords_that_cannot_be_made(bulwark, sm):
    assert error_of(lambda: sm.get_random_password(PasswordLength=3)) == (
        "InvalidParameterException", "Password length is too short based on the required types.", 400)
    assert error_of(lambda: sm.get_random_password(
        ExcludeLowercase=True, ExcludeUppercase=True, ExcludeNumbers=True, ExcludePunctuation=True)) == (
        "InvalidParameterException", "The password can't be generated: every character type is excluded.", 400)
    assert error_of(lambda: sm.get_random_password(ExcludeCharacters=string.digits, ExcludeLowercase=True,
                                                   ExcludeUppercase=True, ExcludePunctuation=True))[0] == "InvalidParameterException"
    unchecked = bulwark.client("secretsmanager", validate=False)
    assert error_of(lambda: unchecked.get_random_password(PasswordLength=0)) == (
        "ValidationException", "1 validation error detected: Value '0' at 'passwordLength' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1", 400)
    assert error_of(lambda: unchecked.get_random_password(PasswordLength=4097)) == (
        "ValidationException", "1 validation error detected: Value '4097' at 'passwordLength' failed to satisfy constraint: "
        "Member must have value less than or equal to 4096", 400)


def test_the_trail_records_the_call_not_the_password(bulwark, sm):
    password = sm.get_random_password(PasswordLength=48)["RandomPassword"]
    events = [event for event in bulwark.trail_events() if event["eventName"] == "GetRandomPassword"]
    assert events and events[-1]["requestParameters"] == {"passwordLength": 48}
    assert all(password not in str(event) for event in bulwark.trail_events())
