#!/usr/bin/env python3
"""Writes reference-symbols.json: QR code matrices from independent encoders, for QRCodeReferenceTests.

    python3 -m venv /tmp/qr && /tmp/qr/bin/pip install qrcode==8.2 segno==1.6.6
    /tmp/qr/bin/python generate.py > reference-symbols.json

Matrices come from the PyPI package `qrcode`, in byte mode with version, error correction level and mask forced.
Penalty scores come from `segno` (its `mask_scores`, ISO/IEC 18004:2015 Table 11), applied to those finished
matrices. Neither encoder picks masks the way Bulwark does (both judge a mask before the format information is
drawn), so the fixture records the scores and the tests pick the mask themselves.
"""

import hashlib
import json
import sys
from importlib import metadata

import qrcode
from qrcode import constants, util
from segno import encoder as segno_encoder

LEVELS = {
    "L": constants.ERROR_CORRECT_L,
    "M": constants.ERROR_CORRECT_M,
    "Q": constants.ERROR_CORRECT_Q,
    "H": constants.ERROR_CORRECT_H,
}
SEED_BASE32 = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
AWS_URI = (
    "otpauth://totp/Amazon%20Web%20Services:root-account-mfa-device@123456789012"
    f"?secret={SEED_BASE32}&issuer=Amazon%20Web%20Services"
)


def matrix(data: bytes, level: str, version: int, mask: int) -> list[list[bool]]:
    qr = qrcode.QRCode(version=version, error_correction=LEVELS[level], border=0, mask_pattern=mask)
    qr.add_data(util.QRData(data, mode=util.MODE_8BIT_BYTE))
    qr.make(fit=False)
    return qr.get_matrix()


def best_version(data: bytes, level: str) -> int:
    qr = qrcode.QRCode(error_correction=LEVELS[level], border=0)
    qr.add_data(util.QRData(data, mode=util.MODE_8BIT_BYTE))
    return qr.best_fit()


def rows(modules: list[list[bool]]) -> list[str]:
    return ["".join("1" if module else "0" for module in row) for row in modules]


def digest(modules: list[list[bool]]) -> str:
    return hashlib.sha256("\n".join(rows(modules)).encode()).hexdigest()


def scores(modules: list[list[bool]]) -> list[int]:
    size = len(modules)
    return list(segno_encoder.mask_scores([bytearray(row) for row in modules], size, size))


def filler(count: int, version: int) -> bytes:
    """Deterministic printable ASCII; QRCodeReferenceTests builds the same bytes."""
    return bytes((index * 7 + version) % 95 + 32 for index in range(count))


def capacity(level: str, version: int) -> int:
    """The most filler bytes that `qrcode` fits in the version, by bisection over its own overflow check."""
    low, high = 1, 3000
    while low < high:
        middle = (low + high + 1) // 2
        try:
            matrix(filler(middle, version), level, version, 0)
            low = middle
        except qrcode.exceptions.DataOverflowError:
            high = middle - 1
    return low


def main() -> None:
    symbols = []
    full = [
        (AWS_URI, "M", None, range(8)),
        ("HELLO WORLD", "L", 1, [0, 3]),
        ("HELLO WORLD", "M", 1, [1, 4]),
        ("HELLO WORLD", "Q", 1, [2, 5]),
        ("HELLO WORLD", "H", 2, [6, 7]),
        ("Bulwark — MFA ✓ 日本", "M", 2, [2]),
        ("https://example.com/" + "a" * 120, "L", 7, [5]),
    ]
    for text, level, version, masks in full:
        data = text.encode()
        version = version or best_version(data, level)
        for mask in masks:
            modules = matrix(data, level, version, mask)
            symbols.append(
                {"text": text, "level": level, "version": version, "mask": mask, "rows": rows(modules), "scores": scores(modules)}
            )

    # Every version and level, filled to capacity, so that capacities, block layouts, alignment patterns and version
    # information are all exercised; matrices are recorded by digest to keep the file small.
    digests = []
    for version in range(1, 41):
        for index, level in enumerate("LMQH"):
            count = capacity(level, version)
            data = filler(count, version)
            mask = (version + index) % 8
            modules = matrix(data, level, version, mask)
            digests.append(
                {
                    "version": version,
                    "level": level,
                    "mask": mask,
                    "length": count,
                    "bestVersion": best_version(data, level),
                    "sha256": digest(modules),
                }
            )

    json.dump(
        {
            "generator": f"qrcode {metadata.version('qrcode')}, segno {metadata.version('segno')}",
            "symbols": symbols,
            "digests": digests,
        },
        sys.stdout,
        indent=1,
        ensure_ascii=False,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
