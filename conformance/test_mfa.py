"""Virtual MFA devices (issue #4): created with a seed and a QR code, enabled with two consecutive codes of an
authenticator (pyotp here), and proven to GetSessionToken so that `aws:MultiFactorAuthPresent` lets a user do
what its policy allows only with MFA.

Each accepted code is used up: the tests count TOTP steps explicitly and give every call a code of a step that
has not been used yet, so that they never wait for the clock."""

from __future__ import annotations

import base64
import json
import struct
import time
import zlib

import pyotp
import pytest
from botocore.exceptions import ClientError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def current_step() -> int:
    return int(time.time()) // 30


def totp_of(device: dict) -> pyotp.TOTP:
    """The authenticator of a device, from the Base32 text that boto3 gives as bytes."""
    seed = device["Base32StringSeed"].decode("ascii")
    assert len(base64.b32decode(seed)) >= 20
    return pyotp.TOTP(seed)


def expect_error(call, code: str, status: int, message: str | None = None) -> dict:
    with pytest.raises(ClientError) as info:
        call()
    response = info.value.response
    assert response["Error"]["Code"] == code, response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status
    if message is not None:
        assert response["Error"]["Message"] == message
    return response


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, after checking that its chunks are whole and its image data inflates."""
    assert data.startswith(PNG_SIGNATURE)
    offset, chunks, image = len(PNG_SIGNATURE), [], b""
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset:offset + 4])
        kind, body = data[offset + 4:offset + 8], data[offset + 8:offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length:offset + 12 + length])
        assert zlib.crc32(kind + body) == crc
        chunks.append(kind)
        image += body if kind == b"IDAT" else b""
        offset += 12 + length
    assert chunks[0] == b"IHDR" and chunks[-1] == b"IEND" and zlib.decompress(image)
    return struct.unpack(">II", data[16:24])


def session_client(bulwark, service: str, credentials: dict):
    return bulwark.client(service, access_key=credentials["AccessKeyId"], secret_key=credentials["SecretAccessKey"],
                          session_token=credentials["SessionToken"])


@pytest.fixture
def name(request):
    return f"mfa{abs(hash(request.node.name)) % 10**6}{int(time.time() * 1000) % 10**7}"


@pytest.fixture
def iam(bulwark):
    return bulwark.client("iam")


def test_create_answers_the_seed_and_a_qr_code(bulwark, iam, name):
    device = iam.create_virtual_mfa_device(
        Path="/team/", VirtualMFADeviceName=name, Tags=[{"Key": "owner", "Value": "ops"}])["VirtualMFADevice"]

    assert device["SerialNumber"] == f"arn:aws:iam::{bulwark.account_id}:mfa/team/{name}"
    assert len(base64.b32decode(device["Base32StringSeed"])) == 40
    width, height = png_size(device["QRCodePNG"])
    assert width == height and width > 100
    assert device["Tags"] == [{"Key": "owner", "Value": "ops"}]

    expect_error(lambda: iam.create_virtual_mfa_device(Path="/team/", VirtualMFADeviceName=name.upper()),
                 "EntityAlreadyExists", 409, "MFADevice entity at the same path and name already exists.")
    unassigned = iam.list_virtual_mfa_devices(AssignmentStatus="Unassigned")["VirtualMFADevices"]
    listed = [entry for entry in unassigned if entry["SerialNumber"] == device["SerialNumber"]]
    assert listed == [{"SerialNumber": device["SerialNumber"]}]

    iam.tag_mfa_device(SerialNumber=device["SerialNumber"], Tags=[{"Key": "floor", "Value": "2"}])
    iam.untag_mfa_device(SerialNumber=device["SerialNumber"], TagKeys=["owner"])
    assert iam.list_mfa_device_tags(SerialNumber=device["SerialNumber"])["Tags"] == [{"Key": "floor", "Value": "2"}]

    iam.delete_virtual_mfa_device(SerialNumber=device["SerialNumber"])
    expect_error(lambda: iam.delete_virtual_mfa_device(SerialNumber=device["SerialNumber"]), "NoSuchEntity", 404,
                 f"VirtualMFADevice with serial number {device['SerialNumber']} doesn't exist.")


def test_bad_names_and_paths_are_validation_errors(bulwark, name):
    iam = bulwark.client("iam", validate=False)
    for arguments in ({"VirtualMFADeviceName": "my phone"}, {"Path": "team", "VirtualMFADeviceName": name},
                      {"VirtualMFADeviceName": ""}):
        expect_error(lambda: iam.create_virtual_mfa_device(**arguments), "ValidationError", 400)
    expect_error(lambda: iam.list_virtual_mfa_devices(AssignmentStatus="Maybe"), "ValidationError", 400)


def test_cli_writes_the_qr_code_and_the_seed(bulwark, name, tmp_path):
    qr = tmp_path / "qr.png"
    created = bulwark.aws("iam", "create-virtual-mfa-device", "--virtual-mfa-device-name", name, "--outfile", str(qr),
                          "--bootstrap-method", "QRCodePNG", "--output", "json").json
    serial = created["VirtualMFADevice"]["SerialNumber"]
    assert serial == f"arn:aws:iam::{bulwark.account_id}:mfa/{name}"
    assert png_size(qr.read_bytes())[0] > 100

    seed_file = tmp_path / "seed.txt"
    other = bulwark.aws("iam", "create-virtual-mfa-device", "--virtual-mfa-device-name", f"{name}-b", "--outfile",
                        str(seed_file), "--bootstrap-method", "Base32StringSeed", "--output", "json").json
    seed = seed_file.read_text()
    assert len(seed) == 64 and len(base64.b32decode(seed)) == 40

    # The CLI enables, lists and removes it too.
    totp, step = pyotp.TOTP(seed), current_step()
    bulwark.aws("iam", "create-user", "--user-name", name)
    bulwark.aws("iam", "enable-mfa-device", "--user-name", name, "--serial-number", other["VirtualMFADevice"]["SerialNumber"],
                "--authentication-code1", totp.generate_otp(step - 1), "--authentication-code2", totp.generate_otp(step))
    listed = bulwark.aws("iam", "list-mfa-devices", "--user-name", name, "--output", "json").json["MFADevices"]
    assert [device["SerialNumber"] for device in listed] == [other["VirtualMFADevice"]["SerialNumber"]]
    bulwark.aws("iam", "deactivate-mfa-device", "--user-name", name, "--serial-number", other["VirtualMFADevice"]["SerialNumber"])
    for device in (serial, other["VirtualMFADevice"]["SerialNumber"]):
        bulwark.aws("iam", "delete-virtual-mfa-device", "--serial-number", device)
    bulwark.aws("iam", "delete-user", "--user-name", name)


def test_mfa_makes_the_difference_for_a_policy_that_requires_it(bulwark, iam, name):
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="with-mfa-only", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "lambda:ListFunctions", "Resource": "*",
             "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}},
            {"Effect": "Allow", "Action": "sts:GetSessionToken", "Resource": "*"},
        ],
    }))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    user = {"access_key": key["AccessKeyId"], "secret_key": key["SecretAccessKey"]}
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]
    serial, totp = device["SerialNumber"], totp_of(device)

    # Two codes that are not consecutive, or in the wrong order, do not enable the device.
    step = current_step()
    for first, second in ((step - 2, step), (step, step - 1)):
        expect_error(lambda: iam.enable_mfa_device(UserName=name, SerialNumber=serial, AuthenticationCode1=totp.generate_otp(first),
                                                   AuthenticationCode2=totp.generate_otp(second)),
                     "InvalidAuthenticationCode", 403, "Authentication code for device is not valid.")
    iam.enable_mfa_device(UserName=name, SerialNumber=serial, AuthenticationCode1=totp.generate_otp(step - 1),
                          AuthenticationCode2=totp.generate_otp(step))

    [listed] = iam.list_mfa_devices(UserName=name)["MFADevices"]
    assert listed["SerialNumber"] == serial and listed["UserName"] == name and listed["EnableDate"]
    assigned = [entry for entry in iam.list_virtual_mfa_devices(AssignmentStatus="Assigned")["VirtualMFADevices"]
                if entry["SerialNumber"] == serial]
    assert [entry["User"]["UserName"] for entry in assigned] == [name] and "Base32StringSeed" not in assigned[0]
    assert serial not in [entry["SerialNumber"] for entry in iam.list_virtual_mfa_devices(AssignmentStatus="Unassigned")["VirtualMFADevices"]]

    # Long-term keys and a session without MFA are denied; a session made with a code of the device is allowed.
    expect_error(lambda: bulwark.client("lambda", **user).list_functions(), "AccessDeniedException", 403)
    plain = bulwark.client("sts", **user).get_session_token()["Credentials"]
    expect_error(lambda: session_client(bulwark, "lambda", plain).list_functions(), "AccessDeniedException", 403)
    sts = bulwark.client("sts", **user)
    # The codes that enabled the device are used up.
    expect_error(lambda: sts.get_session_token(SerialNumber=serial, TokenCode=totp.generate_otp(step)), "AccessDenied", 403)
    code = totp.generate_otp(step + 1)
    with_mfa = sts.get_session_token(SerialNumber=serial, TokenCode=code)["Credentials"]
    assert "Functions" in session_client(bulwark, "lambda", with_mfa).list_functions()
    assert session_client(bulwark, "sts", with_mfa).get_caller_identity()["Arn"].endswith(f":user/{name}")
    expect_error(lambda: sts.get_session_token(SerialNumber=serial, TokenCode=code), "AccessDenied", 403)

    # An enabled device keeps its user, and is deactivated before it is deleted.
    iam.delete_user_policy(UserName=name, PolicyName="with-mfa-only")
    iam.delete_access_key(UserName=name, AccessKeyId=key["AccessKeyId"])
    expect_error(lambda: iam.delete_user(UserName=name), "DeleteConflict", 409, "Cannot delete entity, must delete MFA device first.")
    expect_error(lambda: iam.delete_virtual_mfa_device(SerialNumber=serial), "DeleteConflict", 409,
                 "MFA VirtualDevice in use. Must deactivate first.")
    iam.deactivate_mfa_device(UserName=name, SerialNumber=serial)
    assert iam.list_mfa_devices(UserName=name)["MFADevices"] == []
    expect_error(lambda: iam.deactivate_mfa_device(UserName=name, SerialNumber=serial), "NoSuchEntity", 404)
    iam.delete_virtual_mfa_device(SerialNumber=serial)
    iam.delete_user(UserName=name)


def test_resync_and_the_errors_of_enable(bulwark, iam, name):
    iam.create_user(UserName=name)
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]
    serial, totp, step = device["SerialNumber"], totp_of(device), current_step()

    def codes(first: int) -> dict:
        return {"AuthenticationCode1": totp.generate_otp(first), "AuthenticationCode2": totp.generate_otp(first + 1)}

    expect_error(lambda: iam.enable_mfa_device(UserName=f"{name}-nobody", SerialNumber=serial, **codes(step - 1)), "NoSuchEntity", 404,
                 f"The user with name {name}-nobody cannot be found.")
    unknown = f"arn:aws:iam::{bulwark.account_id}:mfa/{name}-none"
    expect_error(lambda: iam.enable_mfa_device(UserName=name, SerialNumber=unknown, **codes(step - 1)), "NoSuchEntity", 404,
                 f"VirtualMFADevice with serial number {unknown} doesn't exist.")
    expect_error(lambda: iam.resync_mfa_device(UserName=name, SerialNumber=serial, **codes(step - 1)), "NoSuchEntity", 404)

    iam.enable_mfa_device(UserName=name, SerialNumber=serial, **codes(step - 1))
    expect_error(lambda: iam.enable_mfa_device(UserName=name, SerialNumber=serial, **codes(step + 1)), "EntityAlreadyExists", 409,
                 "MFA Device is already in use.")
    expect_error(lambda: iam.resync_mfa_device(UserName=name, SerialNumber=serial, **codes(step - 1)), "InvalidAuthenticationCode", 403)
    iam.resync_mfa_device(UserName=name, SerialNumber=serial, **codes(step + 1))
    expect_error(lambda: iam.resync_mfa_device(UserName=name, SerialNumber=serial, **codes(step + 1)), "InvalidAuthenticationCode", 403)

    iam.deactivate_mfa_device(UserName=name, SerialNumber=serial)
    iam.delete_virtual_mfa_device(SerialNumber=serial)
    iam.delete_user(UserName=name)


def test_a_user_lists_and_deactivates_its_own_devices(bulwark, iam, name):
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="own-mfa", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["iam:ListMFADevices", "iam:DeactivateMFADevice"],
                       "Resource": f"arn:aws:iam::{bulwark.account_id}:user/{name}"}],
    }))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    own = bulwark.client("iam", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]
    serial, totp, step = device["SerialNumber"], totp_of(device), current_step()
    iam.enable_mfa_device(UserName=name, SerialNumber=serial, AuthenticationCode1=totp.generate_otp(step - 1),
                          AuthenticationCode2=totp.generate_otp(step))

    assert [entry["SerialNumber"] for entry in own.list_mfa_devices()["MFADevices"]] == [serial]
    expect_error(lambda: own.list_virtual_mfa_devices(), "AccessDenied", 403)
    expect_error(lambda: own.delete_virtual_mfa_device(SerialNumber=serial), "AccessDenied", 403)
    own.deactivate_mfa_device(SerialNumber=serial)
    assert own.list_mfa_devices()["MFADevices"] == []

    iam.delete_virtual_mfa_device(SerialNumber=serial)
    iam.delete_access_key(UserName=name, AccessKeyId=key["AccessKeyId"])
    iam.delete_user_policy(UserName=name, PolicyName="own-mfa")
    iam.delete_user(UserName=name)
