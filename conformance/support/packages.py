"""Deployment packages for the tests: good ones, and the hostile ones Lambda must refuse.

The hostile archives are written byte by byte (not with `zipfile`) so that a test controls exactly
what the headers claim: sizes that lie, names that escape the root, symlinks, and entries that share
their compressed data.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

# Lambda's documented limits (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
ZIPPED_LIMIT = 52_428_800
UNZIPPED_LIMIT = 262_144_000

HANDLER_SOURCE = "def handler(event, context):\n    return {{'marker': {marker!r}}}\n"

_UNIX = 3
_S_IFLNK = 0o120000
_S_IFREG = 0o100000


def zip_of(files: dict[str, bytes | str]) -> bytes:
    """A normal deflated zip of `files` (name → content)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.external_attr = (_S_IFREG | 0o644) << 16
            info.create_system = _UNIX
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return buffer.getvalue()


def hello_zip(marker: str = "v1") -> bytes:
    """A small Python package; `marker` makes its bytes (and so its CodeSha256) distinct."""
    return zip_of({"app.py": HANDLER_SOURCE.format(marker=marker)})


def code_sha256(package: bytes) -> str:
    """Lambda's CodeSha256: the base64 of the SHA-256 of the package."""
    return base64.b64encode(hashlib.sha256(package).digest()).decode()


# -- hand-written archives ------------------------------------------------------------------------


@dataclass
class RawEntry:
    """One member of a hand-written zip. `declared_size` lets the headers lie about the content."""

    name: str
    compressed: bytes
    crc: int
    size: int
    method: int = 8  # deflate
    mode: int = _S_IFREG | 0o644
    declared_size: int | None = None


def deflated_entry(name: str, content: bytes, mode: int = _S_IFREG | 0o644) -> RawEntry:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    compressed = compressor.compress(content) + compressor.flush()
    return RawEntry(name, compressed, zlib.crc32(content), len(content), mode=mode)


def stored_entry(name: str, content: bytes, mode: int = _S_IFREG | 0o644) -> RawEntry:
    return RawEntry(name, content, zlib.crc32(content), len(content), method=0, mode=mode)


def zeros_entry(name: str, size: int) -> RawEntry:
    """`size` zero bytes, deflated in chunks (a few hundred MB compress to about a megabyte)."""
    compressor = zlib.compressobj(1, zlib.DEFLATED, -15)
    chunk = bytes(1 << 20)
    parts, crc, left = [], 0, size
    while left > 0:
        piece = chunk if left >= len(chunk) else bytes(left)
        parts.append(compressor.compress(piece))
        crc = zlib.crc32(piece, crc)
        left -= len(piece)
    parts.append(compressor.flush())
    return RawEntry(name, b"".join(parts), crc, size)


def raw_zip(entries: list[RawEntry], central: list[tuple[str, int]] | None = None) -> bytes:
    """Writes local headers and data for `entries`, then a central directory.

    `central` lists (name, index of the entry whose data it points at); by default one record per
    entry. Several records pointing at one entry's data make an overlapping-entries bomb.
    """
    out = io.BytesIO()
    offsets = []
    for entry in entries:
        offsets.append(out.tell())
        name = entry.name.encode()
        declared = entry.size if entry.declared_size is None else entry.declared_size
        out.write(struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, 0, entry.method, 0, 0x5821,
            entry.crc, len(entry.compressed), declared, len(name), 0,
        ))
        out.write(name)
        out.write(entry.compressed)
    records = central if central is not None else [(entry.name, index) for index, entry in enumerate(entries)]
    directory_start = out.tell()
    for name_text, index in records:
        entry = entries[index]
        name = name_text.encode()
        declared = entry.size if entry.declared_size is None else entry.declared_size
        out.write(struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, (_UNIX << 8) | 20, 20, 0, entry.method, 0, 0x5821,
            entry.crc, len(entry.compressed), declared, len(name), 0, 0, 0, 0,
            (entry.mode & 0xFFFF) << 16, offsets[index],
        ))
        out.write(name)
    directory_size = out.tell() - directory_start
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(records), len(records), directory_size, directory_start, 0))
    return out.getvalue()


def _app() -> RawEntry:
    return deflated_entry("app.py", HANDLER_SOURCE.format(marker="hostile").encode())


# -- the hostile packages -------------------------------------------------------------------------


def not_a_zip() -> bytes:
    return b"this is not a zipfile, just a random string"


def zip_slip() -> bytes:
    """A member whose path climbs out of the extraction root."""
    return raw_zip([_app(), deflated_entry("../../../tmp/evil.py", b"print('escaped')\n")])


def absolute_path_zip() -> bytes:
    """A member with an absolute path."""
    return raw_zip([_app(), deflated_entry("/tmp/evil.py", b"print('escaped')\n")])


def symlink_out_zip() -> bytes:
    """A symbolic link member pointing outside the package."""
    return raw_zip([_app(), stored_entry("passwd", b"../../../../etc/passwd", mode=_S_IFLNK | 0o777)])


def symlink_absolute_zip() -> bytes:
    """A symbolic link member pointing at an absolute path."""
    return raw_zip([_app(), stored_entry("passwd", b"/etc/passwd", mode=_S_IFLNK | 0o777)])


def symlink_inside_zip() -> bytes:
    """A symbolic link that stays inside the package (Lambda keeps such links, e.g. node_modules/.bin)."""
    return raw_zip([_app(), stored_entry("lib/handler.py", b"../app.py", mode=_S_IFLNK | 0o777)])


@functools.cache
def oversized_unzipped_zip() -> bytes:
    """Honest headers, but more than 250 MB once unzipped (about 1 MB zipped)."""
    return raw_zip([_app(), zeros_entry("data.bin", UNZIPPED_LIMIT + (8 << 20))])


@functools.cache
def lying_sizes_zip() -> bytes:
    """A bomb: the headers claim 1 KB, the deflate stream inflates to 300 MB."""
    bomb = zeros_entry("data.bin", 300 << 20)
    bomb.declared_size = 1024
    return raw_zip([_app(), bomb])


@functools.cache
def overlapping_entries_zip() -> bytes:
    """A bomb: many central-directory records share one 100 MB member's compressed data."""
    bomb = zeros_entry("data00.bin", 100 << 20)
    records = [("app.py", 0)] + [(f"data{index:02d}.bin", 1) for index in range(10)]
    return raw_zip([_app(), bomb], central=records)


@functools.cache
def oversized_zipped_zip() -> bytes:
    """Incompressible content just over the 50 MB zipped limit; the request stays under Lambda's 70 MB."""
    content = hashlib.shake_256(b"bulwark conformance").digest(ZIPPED_LIMIT)
    return raw_zip([_app(), stored_entry("blob.bin", content)])
