"""KMS key material beyond symmetric keys (issue #11, decision 0014): rotation of symmetric keys, asymmetric RSA and
NIST elliptic-curve keys (Sign/Verify, GetPublicKey, RSA OAEP) and HMAC keys (GenerateMac/VerifyMac), with boto3 and
the aws CLI. Whole responses are compared with botocore's kms model and the KMS API reference, minus volatile members;
signatures made by Bulwark are verified by openssl, and ciphertexts made by openssl with the public key are decrypted
by Bulwark."""

from __future__ import annotations

import base64
import datetime
import hashlib
import subprocess

import pytest
from botocore.exceptions import ClientError

REGION = "us-east-1"

RSA_SIGNING = ["RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512",
               "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512"]
ECC_SIGNING = {"ECC_NIST_P256": "ECDSA_SHA_256", "ECC_NIST_P384": "ECDSA_SHA_384", "ECC_NIST_P521": "ECDSA_SHA_512"}
HASHES = {"256": hashlib.sha256, "384": hashlib.sha384, "512": hashlib.sha512}


@pytest.fixture
def kms(bulwark):
    return bulwark.client("kms")


def key_arn(account: str, key_id: str) -> str:
    return f"arn:aws:kms:{REGION}:{account}:key/{key_id}"


def error_of(call) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as raised:
        call()
    error = raised.value.response
    return error["Error"]["Code"], error["Error"].get("Message", ""), error["ResponseMetadata"]["HTTPStatusCode"]


def without_metadata(response: dict) -> dict:
    response = dict(response)
    response.pop("ResponseMetadata", None)
    return response


def metadata_of(account: str, key_id: str, spec: str, usage: str, **algorithms) -> dict:
    """AWS's KeyMetadata of a customer key of `spec` and `usage`, without CreationDate."""
    return {
        "AWSAccountId": account, "KeyId": key_id, "Arn": key_arn(account, key_id), "Enabled": True, "Description": "",
        "KeyUsage": usage, "KeyState": "Enabled", "Origin": "AWS_KMS", "KeyManager": "CUSTOMER",
        "CustomerMasterKeySpec": spec, "KeySpec": spec, "MultiRegion": False, **algorithms,
    }


def digest_of(algorithm: str, message: bytes) -> bytes:
    return HASHES[algorithm[-3:]](message).digest()


# -- rotation ------------------------------------------------------------------------------------------------------


def test_rotation_status_enable_disable(bulwark, kms):
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    assert without_metadata(kms.get_key_rotation_status(KeyId=key_id)) == {"KeyRotationEnabled": False, "KeyId": key_id}
    assert without_metadata(kms.enable_key_rotation(KeyId=key_id)) == {}
    status = without_metadata(kms.get_key_rotation_status(KeyId=key_arn(bulwark.account_id, key_id)))
    next_date = status.pop("NextRotationDate")
    assert status == {"KeyRotationEnabled": True, "KeyId": key_id, "RotationPeriodInDays": 365}
    expected = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=365)
    assert abs((next_date - expected).total_seconds()) < 120
    kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=90)
    assert kms.get_key_rotation_status(KeyId=key_id)["RotationPeriodInDays"] == 90
    assert without_metadata(kms.disable_key_rotation(KeyId=key_id)) == {}
    assert without_metadata(kms.get_key_rotation_status(KeyId=key_id)) == {"KeyRotationEnabled": False, "KeyId": key_id}


@pytest.mark.parametrize("days", [89, 2561, 0])
def test_the_rotation_period_is_90_to_2560_days(bulwark, days):
    kms = bulwark.client("kms", validate=False)
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    code, message, status = error_of(lambda: kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=days))
    assert (code, status) == ("ValidationException", 400)
    assert f"'{days}'" in message and "rotationPeriodInDays" in message
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is False


def test_on_demand_rotation_keeps_old_ciphertexts(bulwark, kms):
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    first_material = kms.describe_key(KeyId=key_id)["KeyMetadata"]["CurrentKeyMaterialId"]
    old = kms.encrypt(KeyId=key_id, Plaintext=b"before", EncryptionContext={"app": "x"})["CiphertextBlob"]
    assert without_metadata(kms.rotate_key_on_demand(KeyId=key_id)) == {"KeyId": key_id}
    new = kms.encrypt(KeyId=key_id, Plaintext=b"after")
    current = kms.describe_key(KeyId=key_id)["KeyMetadata"]["CurrentKeyMaterialId"]
    assert current != first_material and len(current) == 64
    decrypted = without_metadata(kms.decrypt(CiphertextBlob=old, EncryptionContext={"app": "x"}))
    assert decrypted == {"KeyId": key_arn(bulwark.account_id, key_id), "Plaintext": b"before",
                         "EncryptionAlgorithm": "SYMMETRIC_DEFAULT", "KeyMaterialId": first_material}
    assert kms.decrypt(CiphertextBlob=new["CiphertextBlob"])["KeyMaterialId"] == current

    rotations = without_metadata(kms.list_key_rotations(KeyId=key_id))
    rotation_date = rotations["Rotations"][0].pop("RotationDate")
    assert isinstance(rotation_date, datetime.datetime)
    assert rotations == {"Rotations": [{"KeyId": key_id, "KeyMaterialId": current, "KeyMaterialState": "CURRENT",
                                        "RotationType": "ON_DEMAND"}], "Truncated": False}
    everything = kms.list_key_rotations(KeyId=key_id, IncludeKeyMaterial="ALL_KEY_MATERIAL")["Rotations"]
    assert [(entry["KeyMaterialId"], entry["KeyMaterialState"], entry.get("RotationType")) for entry in everything] == [
        (first_material, "NON_CURRENT", None), (current, "CURRENT", "ON_DEMAND")]


def test_on_demand_rotations_are_limited_to_ten_and_list_in_pages(kms):
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    for _ in range(10):
        kms.rotate_key_on_demand(KeyId=key_id)
    code, _, status = error_of(lambda: kms.rotate_key_on_demand(KeyId=key_id))
    assert (code, status) == ("LimitExceededException", 400)
    seen, marker = [], None
    while True:
        page = kms.list_key_rotations(KeyId=key_id, Limit=4, **({"Marker": marker} if marker else {}))
        seen.extend(page["Rotations"])
        if not page["Truncated"]:
            assert "NextMarker" not in page
            break
        marker = page["NextMarker"]
    assert len(seen) == 10 and len({entry["KeyMaterialId"] for entry in seen}) == 10
    assert [entry["KeyMaterialState"] for entry in seen] == ["NON_CURRENT"] * 9 + ["CURRENT"]
    assert error_of(lambda: kms.list_key_rotations(KeyId=key_id, Marker="bogus"))[0] == "InvalidMarkerException"
    # The paginator of boto3 follows the same markers.
    assert sum(len(page["Rotations"]) for page in kms.get_paginator("list_key_rotations").paginate(
        KeyId=key_id, PaginationConfig={"PageSize": 3})) == 10


def test_rotation_refusals(bulwark, kms):
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    arn = key_arn(bulwark.account_id, key_id)
    kms.disable_key(KeyId=key_id)
    for call in (kms.enable_key_rotation, kms.disable_key_rotation, kms.rotate_key_on_demand):
        assert error_of(lambda: call(KeyId=key_id)) == ("DisabledException", f"{arn} is disabled.", 400)
    kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    for call in (kms.enable_key_rotation, kms.rotate_key_on_demand, kms.list_key_rotations):
        assert error_of(lambda: call(KeyId=key_id)) == ("KMSInvalidStateException", f"{arn} is pending deletion.", 400)
    signing = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    for call in (kms.enable_key_rotation, kms.disable_key_rotation, kms.rotate_key_on_demand, kms.list_key_rotations):
        code, _, status = error_of(lambda: call(KeyId=signing))
        assert (code, status) == ("UnsupportedOperationException", 400)
    assert without_metadata(kms.get_key_rotation_status(KeyId=signing)) == {"KeyRotationEnabled": False, "KeyId": signing}
    missing = "00000000-0000-0000-0000-000000000000"
    assert error_of(lambda: kms.rotate_key_on_demand(KeyId=missing)) == (
        "NotFoundException", f"Key '{key_arn(bulwark.account_id, missing)}' does not exist", 400)


def test_aws_managed_keys_rotate_yearly_and_refuse_customer_rotation(bulwark, kms):
    secrets = bulwark.client("secretsmanager")
    secrets.create_secret(Name=f"rotation-probe-{datetime.datetime.now().timestamp()}", SecretString="x")
    key_id = kms.describe_key(KeyId="alias/aws/secretsmanager")["KeyMetadata"]["KeyId"]
    status = without_metadata(kms.get_key_rotation_status(KeyId=key_id))
    assert isinstance(status.pop("NextRotationDate"), datetime.datetime)
    assert status == {"KeyRotationEnabled": True, "KeyId": key_id, "RotationPeriodInDays": 365}
    arn = key_arn(bulwark.account_id, key_id)
    for call, action in ((kms.enable_key_rotation, "EnableKeyRotation"), (kms.disable_key_rotation, "DisableKeyRotation"),
                         (kms.rotate_key_on_demand, "RotateKeyOnDemand")):
        code, message, status_code = error_of(lambda: call(KeyId=key_id))
        assert (code, status_code) == ("AccessDeniedException", 400)
        assert f"kms:{action} on resource: {arn}" in message
    assert kms.list_key_rotations(KeyId=key_id)["Rotations"] == []


# -- asymmetric keys -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", ["RSA_2048", "RSA_3072", "RSA_4096"])
def test_rsa_signing_keys(bulwark, kms, spec, tmp_path):
    created = kms.create_key(KeySpec=spec, KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    key_id = created["KeyId"]
    created.pop("CreationDate")
    assert created == metadata_of(bulwark.account_id, key_id, spec, "SIGN_VERIFY", SigningAlgorithms=RSA_SIGNING)
    public = without_metadata(kms.get_public_key(KeyId=key_id))
    der = public.pop("PublicKey")
    assert public == {"KeyId": key_arn(bulwark.account_id, key_id), "CustomerMasterKeySpec": spec, "KeySpec": spec,
                      "KeyUsage": "SIGN_VERIFY", "SigningAlgorithms": RSA_SIGNING}
    pem = to_pem(der, tmp_path)
    assert f"Public-Key: ({spec[4:]} bit)" in openssl("pkey", "-pubin", "-in", pem, "-noout", "-text")
    message = b"signed by bulwark"
    for algorithm in RSA_SIGNING:
        for message_type, body in (("RAW", message), ("DIGEST", digest_of(algorithm, message))):
            signed = without_metadata(kms.sign(KeyId=key_id, Message=body, MessageType=message_type, SigningAlgorithm=algorithm))
            signature = signed.pop("Signature")
            assert signed == {"KeyId": key_arn(bulwark.account_id, key_id), "SigningAlgorithm": algorithm}
            assert len(signature) == int(spec[4:]) // 8
            assert openssl_verifies(pem, algorithm, message, signature, tmp_path)
            verified = without_metadata(kms.verify(KeyId=key_id, Message=message, Signature=signature, SigningAlgorithm=algorithm))
            assert verified == {"KeyId": key_arn(bulwark.account_id, key_id), "SignatureValid": True, "SigningAlgorithm": algorithm}


@pytest.mark.parametrize("spec", sorted(ECC_SIGNING))
def test_ecc_signing_keys(bulwark, kms, spec, tmp_path):
    algorithm = ECC_SIGNING[spec]
    created = kms.create_key(KeySpec=spec, KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    key_id = created["KeyId"]
    created.pop("CreationDate")
    assert created == metadata_of(bulwark.account_id, key_id, spec, "SIGN_VERIFY", SigningAlgorithms=[algorithm])
    public = without_metadata(kms.get_public_key(KeyId=key_id))
    pem = to_pem(public.pop("PublicKey"), tmp_path)
    assert public == {"KeyId": key_arn(bulwark.account_id, key_id), "CustomerMasterKeySpec": spec, "KeySpec": spec,
                      "KeyUsage": "SIGN_VERIFY", "SigningAlgorithms": [algorithm]}
    curve = {"ECC_NIST_P256": "prime256v1", "ECC_NIST_P384": "secp384r1", "ECC_NIST_P521": "secp521r1"}[spec]
    assert curve in openssl("pkey", "-pubin", "-in", pem, "-noout", "-text")
    message = b"ecdsa by bulwark"
    for message_type, body in (("RAW", message), ("DIGEST", digest_of(algorithm, message))):
        signature = kms.sign(KeyId=key_id, Message=body, MessageType=message_type, SigningAlgorithm=algorithm)["Signature"]
        assert signature[0] == 0x30  # DER
        assert openssl_verifies(pem, algorithm, message, signature, tmp_path)
        assert kms.verify(KeyId=key_id, Message=body, MessageType=message_type, Signature=signature,
                          SigningAlgorithm=algorithm)["SignatureValid"] is True
    code, message_text, status = error_of(lambda: kms.verify(KeyId=key_id, Message=b"tampered", Signature=signature,
                                                             SigningAlgorithm=algorithm))
    assert (code, status) == ("KMSInvalidSignatureException", 400)


def test_signing_refusals(bulwark, kms):
    key_id = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    arn = key_arn(bulwark.account_id, key_id)
    assert error_of(lambda: kms.sign(KeyId=key_id, Message=b"x", SigningAlgorithm="RSASSA_PSS_SHA_256")) == (
        "InvalidKeyUsageException", "Algorithm RSASSA_PSS_SHA_256 is incompatible with key spec ECC_NIST_P256.", 400)
    assert error_of(lambda: kms.sign(KeyId=key_id, Message=b"x" * 31, MessageType="DIGEST", SigningAlgorithm="ECDSA_SHA_256")) == (
        "ValidationException", "Digest is invalid length for algorithm ECDSA_SHA_256.", 400)
    assert error_of(lambda: kms.encrypt(KeyId=key_id, Plaintext=b"x")) == (
        "InvalidKeyUsageException", f"{arn} key usage is SIGN_VERIFY which is not valid for Encrypt.", 400)
    assert error_of(lambda: kms.generate_data_key(KeyId=key_id, KeySpec="AES_256"))[0] == "InvalidKeyUsageException"
    symmetric = kms.create_key()["KeyMetadata"]["KeyId"]
    assert error_of(lambda: kms.sign(KeyId=symmetric, Message=b"x", SigningAlgorithm="ECDSA_SHA_256")) == (
        "InvalidKeyUsageException", f"{key_arn(bulwark.account_id, symmetric)} key usage is ENCRYPT_DECRYPT which is not valid for Sign.", 400)
    assert error_of(lambda: kms.get_public_key(KeyId=symmetric))[0] == "UnsupportedOperationException"
    kms.disable_key(KeyId=key_id)
    assert error_of(lambda: kms.sign(KeyId=key_id, Message=b"x", SigningAlgorithm="ECDSA_SHA_256")) == (
        "DisabledException", f"{arn} is disabled.", 400)
    assert error_of(lambda: kms.get_public_key(KeyId=key_id))[0] == "DisabledException"
    for parameters in ({"KeySpec": "ECC_NIST_P256", "KeyUsage": "ENCRYPT_DECRYPT"}, {"KeySpec": "HMAC_256"},
                       {"KeySpec": "RSA_2048", "KeyUsage": "GENERATE_VERIFY_MAC"}):
        assert error_of(lambda: kms.create_key(**parameters))[0] == "ValidationException"
    for spec in ("ECC_SECG_P256K1", "SM2", "ML_DSA_44", "ECC_NIST_EDWARDS25519"):
        code, message, status = error_of(lambda: kms.create_key(KeySpec=spec, KeyUsage="SIGN_VERIFY"))
        assert (code, status) == ("UnsupportedOperationException", 400) and spec in message


@pytest.mark.parametrize("spec,limits", [("RSA_2048", (214, 190)), ("RSA_3072", (342, 318)), ("RSA_4096", (470, 446))])
def test_rsa_encryption_keys(bulwark, kms, spec, limits, tmp_path):
    created = kms.create_key(KeySpec=spec, KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]
    key_id = created["KeyId"]
    created.pop("CreationDate")
    algorithms = ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]
    assert created == metadata_of(bulwark.account_id, key_id, spec, "ENCRYPT_DECRYPT", EncryptionAlgorithms=algorithms)
    public = without_metadata(kms.get_public_key(KeyId=key_id))
    pem = to_pem(public.pop("PublicKey"), tmp_path)
    assert public == {"KeyId": key_arn(bulwark.account_id, key_id), "CustomerMasterKeySpec": spec, "KeySpec": spec,
                      "KeyUsage": "ENCRYPT_DECRYPT", "EncryptionAlgorithms": algorithms}
    for algorithm, limit in zip(algorithms, limits):
        plaintext = bytes(range(256)) * 2
        plaintext = plaintext[:limit]
        encrypted = without_metadata(kms.encrypt(KeyId=key_id, Plaintext=plaintext, EncryptionAlgorithm=algorithm))
        blob = encrypted.pop("CiphertextBlob")
        assert encrypted == {"KeyId": key_arn(bulwark.account_id, key_id), "EncryptionAlgorithm": algorithm}
        assert len(blob) == int(spec[4:]) // 8
        assert without_metadata(kms.decrypt(KeyId=key_id, CiphertextBlob=blob, EncryptionAlgorithm=algorithm)) == {
            "KeyId": key_arn(bulwark.account_id, key_id), "Plaintext": plaintext, "EncryptionAlgorithm": algorithm}
        code, _, status = error_of(lambda: kms.encrypt(KeyId=key_id, Plaintext=plaintext + b"x", EncryptionAlgorithm=algorithm))
        assert (code, status) == ("ValidationException", 400)
        # A ciphertext made outside KMS with the public key decrypts in Bulwark.
        outside = openssl_encrypt(pem, algorithm, b"made by openssl", tmp_path)
        assert kms.decrypt(KeyId=key_id, CiphertextBlob=outside, EncryptionAlgorithm=algorithm)["Plaintext"] == b"made by openssl"
    assert error_of(lambda: kms.decrypt(CiphertextBlob=blob, KeyId=key_id, EncryptionAlgorithm="RSAES_OAEP_SHA_1"))[0] == (
        "InvalidCiphertextException")
    assert error_of(lambda: kms.encrypt(KeyId=key_id, Plaintext=b"x")) == (
        "InvalidKeyUsageException", f"Algorithm SYMMETRIC_DEFAULT is incompatible with key spec {spec}.", 400)


# -- HMAC keys -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bits", ["224", "256", "384", "512"])
def test_hmac_keys(bulwark, kms, bits):
    spec, algorithm = f"HMAC_{bits}", f"HMAC_SHA_{bits}"
    created = kms.create_key(KeySpec=spec, KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]
    key_id = created["KeyId"]
    created.pop("CreationDate")
    assert created == metadata_of(bulwark.account_id, key_id, spec, "GENERATE_VERIFY_MAC", MacAlgorithms=[algorithm])
    generated = without_metadata(kms.generate_mac(KeyId=key_id, Message=b"hello", MacAlgorithm=algorithm))
    mac = generated.pop("Mac")
    assert generated == {"MacAlgorithm": algorithm, "KeyId": key_arn(bulwark.account_id, key_id)}
    assert len(mac) == int(bits) // 8
    assert kms.generate_mac(KeyId=key_id, Message=b"hello", MacAlgorithm=algorithm)["Mac"] == mac
    assert kms.generate_mac(KeyId=key_id, Message=b"other", MacAlgorithm=algorithm)["Mac"] != mac
    assert without_metadata(kms.verify_mac(KeyId=key_id, Message=b"hello", MacAlgorithm=algorithm, Mac=mac)) == {
        "KeyId": key_arn(bulwark.account_id, key_id), "MacValid": True, "MacAlgorithm": algorithm}
    code, _, status = error_of(lambda: kms.verify_mac(KeyId=key_id, Message=b"hellO", MacAlgorithm=algorithm, Mac=mac))
    assert (code, status) == ("KMSInvalidMacException", 400)
    other = "HMAC_SHA_256" if bits != "256" else "HMAC_SHA_512"
    assert error_of(lambda: kms.generate_mac(KeyId=key_id, Message=b"x", MacAlgorithm=other)) == (
        "InvalidKeyUsageException", f"Algorithm {other} is incompatible with key spec {spec}.", 400)
    arn = key_arn(bulwark.account_id, key_id)
    assert error_of(lambda: kms.encrypt(KeyId=key_id, Plaintext=b"x")) == (
        "InvalidKeyUsageException", f"{arn} key usage is GENERATE_VERIFY_MAC which is not valid for Encrypt.", 400)
    assert error_of(lambda: kms.sign(KeyId=key_id, Message=b"x", SigningAlgorithm="ECDSA_SHA_256")) == (
        "InvalidKeyUsageException", f"{arn} key usage is GENERATE_VERIFY_MAC which is not valid for Sign.", 400)
    assert without_metadata(kms.get_key_rotation_status(KeyId=key_id)) == {"KeyRotationEnabled": False, "KeyId": key_id}
    symmetric = kms.create_key()["KeyMetadata"]["KeyId"]
    assert error_of(lambda: kms.generate_mac(KeyId=symmetric, Message=b"x", MacAlgorithm=algorithm)) == (
        "InvalidKeyUsageException",
        f"{key_arn(bulwark.account_id, symmetric)} key usage is ENCRYPT_DECRYPT which is not valid for GenerateMac.", 400)


def test_the_cli_signs_and_verifies(bulwark, tmp_path):
    key_id = bulwark.aws("kms", "create-key", "--key-spec", "ECC_NIST_P384", "--key-usage", "SIGN_VERIFY").json["KeyMetadata"]["KeyId"]
    message = tmp_path / "message"
    message.write_bytes(b"from the cli")
    signed = bulwark.aws("kms", "sign", "--key-id", key_id, "--message", f"fileb://{message}",
                         "--signing-algorithm", "ECDSA_SHA_384").json
    signature = tmp_path / "signature"
    signature.write_bytes(base64.b64decode(signed["Signature"]))
    verified = bulwark.aws("kms", "verify", "--key-id", key_id, "--message", f"fileb://{message}", "--signature",
                           f"fileb://{signature}", "--signing-algorithm", "ECDSA_SHA_384").json
    assert verified == {"KeyId": key_arn(bulwark.account_id, key_id), "SignatureValid": True, "SigningAlgorithm": "ECDSA_SHA_384"}
    rotation = bulwark.aws("kms", "create-key").json["KeyMetadata"]["KeyId"]
    bulwark.aws("kms", "enable-key-rotation", "--key-id", rotation, "--rotation-period-in-days", "180")
    assert bulwark.aws("kms", "get-key-rotation-status", "--key-id", rotation).json["RotationPeriodInDays"] == 180
    assert bulwark.aws("kms", "rotate-key-on-demand", "--key-id", rotation).json == {"KeyId": rotation}


# -- openssl -------------------------------------------------------------------------------------------------------


def openssl(*args: str, data: bytes | None = None) -> str:
    result = subprocess.run(["openssl", *args], input=data, capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout.decode(errors="replace")


def to_pem(der: bytes, tmp_path) -> str:
    path = tmp_path / "public.der"
    path.write_bytes(der)
    pem = tmp_path / "public.pem"
    openssl("pkey", "-pubin", "-inform", "DER", "-in", str(path), "-out", str(pem))
    return str(pem)


def openssl_verifies(pem: str, algorithm: str, message: bytes, signature: bytes, tmp_path) -> bool:
    (tmp_path / "message").write_bytes(message)
    (tmp_path / "signature").write_bytes(signature)
    options = []
    if algorithm.startswith("RSASSA_PSS"):
        options = ["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:digest"]
    result = subprocess.run(["openssl", "dgst", f"-sha{algorithm[-3:]}", "-verify", pem, "-signature", str(tmp_path / "signature"),
                             *options, str(tmp_path / "message")], capture_output=True, timeout=60)
    return result.returncode == 0 and b"Verified OK" in result.stdout


def openssl_encrypt(pem: str, algorithm: str, plaintext: bytes, tmp_path) -> bytes:
    digest = "sha1" if algorithm == "RSAES_OAEP_SHA_1" else "sha256"
    (tmp_path / "plain").write_bytes(plaintext)
    subprocess.run(["openssl", "pkeyutl", "-encrypt", "-pubin", "-inkey", pem, "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt",
                    f"rsa_oaep_md:{digest}", "-pkeyopt", f"rsa_mgf1_md:{digest}", "-in", str(tmp_path / "plain"), "-out",
                    str(tmp_path / "cipher")], check=True, capture_output=True, timeout=60)
    return (tmp_path / "cipher").read_bytes()
