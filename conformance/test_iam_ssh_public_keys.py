"""SSH public keys through boto3 (CodeCommit's SSH access): ssh-rsa and PEM RSA keys of 2048 bits or
more, the MD5 fingerprint OpenSSH shows, both encodings on request, five keys per user, AWS's errors."""

from __future__ import annotations

import datetime
import re
import subprocess
import time
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

KEY_ID = re.compile(r"^APKA[A-Z2-7]{16}$")


@pytest.fixture
def iam(bulwark):
    return bulwark.client("iam")


@pytest.fixture
def name(request):
    base = re.sub(r"[^a-zA-Z0-9]", "", request.node.name)[:40]
    return f"{base}{int(time.time() * 1000) % 100000000}"


def keygen(directory: Path, kind: str = "rsa", bits: int = 2048) -> dict:
    """A fresh key pair made by OpenSSH: its public line, PEM forms and MD5 fingerprint."""
    path = directory / f"{kind}{bits}-{time.monotonic_ns()}"
    subprocess.run(["ssh-keygen", "-q", "-t", kind, *(["-b", str(bits)] if kind == "rsa" else []), "-N", "", "-C", "conformance",
                    "-f", str(path)], check=True)
    public = path.with_suffix(".pub").read_text().strip()
    fingerprint = subprocess.run(["ssh-keygen", "-l", "-E", "md5", "-f", str(path) + ".pub"], check=True, capture_output=True,
                                 text=True).stdout.split()[1].removeprefix("MD5:")
    key = {"ssh": public, "fingerprint": fingerprint}
    if kind == "rsa":
        key["pem"] = subprocess.run(["ssh-keygen", "-e", "-m", "PKCS8", "-f", str(path) + ".pub"], check=True, capture_output=True,
                                    text=True).stdout
        key["pkcs1"] = subprocess.run(["ssh-keygen", "-e", "-m", "PEM", "-f", str(path) + ".pub"], check=True, capture_output=True,
                                      text=True).stdout
    return key


def error_of(call) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as info:
        call()
    response = info.value.response
    return response["Error"]["Code"], response["Error"]["Message"], response["ResponseMetadata"]["HTTPStatusCode"]


def test_upload_get_list_update_delete(iam, name, tmp_path):
    key = keygen(tmp_path)
    iam.create_user(UserName=name)
    uploaded = iam.upload_ssh_public_key(UserName=name, SSHPublicKeyBody=key["ssh"])["SSHPublicKey"]
    key_id = uploaded.pop("SSHPublicKeyId")
    assert KEY_ID.match(key_id)
    assert isinstance(uploaded.pop("UploadDate"), datetime.datetime)
    assert uploaded == {"UserName": name, "Fingerprint": key["fingerprint"], "SSHPublicKeyBody": key["ssh"], "Status": "Active"}

    ssh = iam.get_ssh_public_key(UserName=name, SSHPublicKeyId=key_id, Encoding="SSH")["SSHPublicKey"]
    ssh.pop("UploadDate")
    assert ssh == {"UserName": name, "SSHPublicKeyId": key_id, "Fingerprint": key["fingerprint"],
                   "SSHPublicKeyBody": key["ssh"].removesuffix(" conformance"), "Status": "Active"}
    pem = iam.get_ssh_public_key(UserName=name, SSHPublicKeyId=key_id, Encoding="PEM")["SSHPublicKey"]
    assert pem["SSHPublicKeyBody"].split() == key["pem"].split()

    iam.update_ssh_public_key(UserName=name, SSHPublicKeyId=key_id, Status="Inactive")
    listed = iam.list_ssh_public_keys(UserName=name)
    listed.pop("ResponseMetadata")
    assert isinstance(listed["SSHPublicKeys"][0].pop("UploadDate"), datetime.datetime)
    assert listed == {"SSHPublicKeys": [{"UserName": name, "SSHPublicKeyId": key_id, "Status": "Inactive"}], "IsTruncated": False}

    assert error_of(lambda: iam.delete_user(UserName=name)) == (
        "DeleteConflict", "Cannot delete entity, must delete SSH public keys first.", 409)
    iam.delete_ssh_public_key(UserName=name, SSHPublicKeyId=key_id)
    assert error_of(lambda: iam.get_ssh_public_key(UserName=name, SSHPublicKeyId=key_id, Encoding="SSH")) == (
        "NoSuchEntity", f"The Public Key with id {key_id} cannot be found.", 404)
    assert iam.list_ssh_public_keys(UserName=name)["SSHPublicKeys"] == []
    iam.delete_user(UserName=name)


def test_pem_keys_and_duplicates(iam, name, tmp_path):
    key = keygen(tmp_path)
    iam.create_user(UserName=name)
    uploaded = iam.upload_ssh_public_key(UserName=name, SSHPublicKeyBody=key["pem"])["SSHPublicKey"]
    assert uploaded["Fingerprint"] == key["fingerprint"] and uploaded["SSHPublicKeyBody"] == key["pem"]
    duplicate = ("DuplicateSSHPublicKey",
                 "The request was rejected because the SSH public key is already associated with the specified IAM user.", 400)
    for body in (key["pem"], key["ssh"], key["pkcs1"]):
        assert error_of(lambda: iam.upload_ssh_public_key(UserName=name, SSHPublicKeyBody=body)) == duplicate
    # Another user may hold the same key.
    iam.create_user(UserName=name + "b")
    iam.upload_ssh_public_key(UserName=name + "b", SSHPublicKeyBody=key["ssh"])


def test_bad_keys_are_refused(iam, name, tmp_path):
    iam.create_user(UserName=name)
    invalid = ("InvalidPublicKey", "The request was rejected because the public key is malformed or otherwise invalid.", 400)
    unrecognized = ("UnrecognizedPublicKeyEncoding",
                    "The request was rejected because the public key encoding format is unsupported or unrecognized.", 400)
    assert error_of(lambda: iam.upload_ssh_public_key(UserName=name, SSHPublicKeyBody=keygen(tmp_path, bits=1024)["ssh"])) == invalid
    assert error_of(lambda: iam.upload_ssh_public_key(UserName=name, SSHPublicKeyBody="ssh-rsa AAAAB3NzaC1yc2E=")) == invalid
    assert error_of(lambda: iam.upload_ssh_public_key(UserName=name, SSHPublicKeyBody=keygen(tmp_path, kind="ed25519")["ssh"])) == unrecognized
    assert error_of(lambda: iam.upload_ssh_public_key(UserName=name, SSHPublicKeyBody="hello")) == unrecognized
    assert error_of(lambda: iam.upload_ssh_public_key(UserName=name + "x", SSHPublicKeyBody=keygen(tmp_path)["ssh"])) == (
        "NoSuchEntity", f"The user with name {name}x cannot be found.", 404)
    assert iam.list_ssh_public_keys(UserName=name)["SSHPublicKeys"] == []


def test_five_keys_per_user_and_other_users_keys(iam, name, tmp_path):
    iam.create_user(UserName=name)
    iam.create_user(UserName=name + "b")
    ids = [iam.upload_ssh_public_key(UserName=name, SSHPublicKeyBody=keygen(tmp_path)["ssh"])["SSHPublicKey"]["SSHPublicKeyId"]
           for _ in range(5)]
    assert error_of(lambda: iam.upload_ssh_public_key(UserName=name, SSHPublicKeyBody=keygen(tmp_path)["ssh"])) == (
        "LimitExceeded", "Cannot exceed quota for SSHPublicKeysPerUser: 5", 409)
    page = iam.list_ssh_public_keys(UserName=name, MaxItems=2)
    assert len(page["SSHPublicKeys"]) == 2 and page["IsTruncated"] is True
    rest = iam.list_ssh_public_keys(UserName=name, Marker=page["Marker"])
    assert {k["SSHPublicKeyId"] for k in page["SSHPublicKeys"] + rest["SSHPublicKeys"]} == set(ids)
    assert error_of(lambda: iam.delete_ssh_public_key(UserName=name + "b", SSHPublicKeyId=ids[0])) == (
        "NoSuchEntity", f"The Public Key with id {ids[0]} cannot be found.", 404)
    code, _, status = error_of(lambda: iam.update_ssh_public_key(UserName=name, SSHPublicKeyId=ids[0], Status="Expired"))
    assert (code, status) == ("ValidationError", 400)
