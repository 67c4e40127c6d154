"""The one deterministic zip writer every packager shares, and the atomic file writer."""

from __future__ import annotations

import os
import struct
import tempfile
import time
import zlib
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from cpd_pack.exceptions import BuildError

DEFAULT_EPOCH = 1580601600  # 2020-02-02, as hatchling; zip times cannot go before 1980
ZIP_EPOCH_MIN = 315532800  # 1980-01-01
LEVEL = 6
STORED, DEFLATED = 0, 8
"""The zip methods used (zipfile's ZIP_STORED and ZIP_DEFLATED, without importing zipfile)."""
"""zlib's compression level: its default, what zipfile uses."""
_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")
_VERSION, _UNIX = 20, 3  # "made by" and "needed": version 2.0, on Unix (so the mode is read)
_MODE = 0o644 << 16
# Media that is compressed already: deflating it again costs time and saves nothing.
COMPRESSED_SUFFIXES = (
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".webp",
    ".mp3",
    ".ogg",
    ".oga",
    ".m4a",
    ".mp4",
    ".webm",
    ".ogv",
    ".woff",
    ".woff2",
    ".zip",
)


def reproducible_timestamp() -> int:
    """The time of every zip entry: ``SOURCE_DATE_EPOCH`` when set, else a fixed date."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return DEFAULT_EPOCH
    try:
        return max(int(value), ZIP_EPOCH_MIN)
    except ValueError:
        raise BuildError(f"SOURCE_DATE_EPOCH must be whole seconds; found {value!r}") from None


@dataclass(frozen=True)
class _Entry:
    """A file's data as stored in a zip: its method, CRC, sizes and (compressed) bytes."""

    method: int
    crc: int
    size: int
    data: bytes


def _store(key: tuple[bytes, bool]) -> _Entry:
    data, deflate = key
    if not deflate:
        return _Entry(STORED, zlib.crc32(data), len(data), data)
    packer = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)  # raw deflate
    packed = packer.compress(data) + packer.flush()
    return _Entry(DEFLATED, zlib.crc32(data), len(data), packed)


def _check_name(name: str) -> None:
    if name.startswith("/") or "\\" in name or ".." in name.split("/"):
        raise BuildError(f"refusing unsafe archive path {name!r}")


def _archive(
    files: Mapping[str, bytes], entries: Mapping[tuple[bytes, bool], _Entry], stamp: int
) -> bytes:
    """The zip of ``files``, each file's data taken from ``entries``, byte for byte what
    :mod:`zipfile` writes for the same files (tests/packagers/test_archive.py compares)."""
    year, month, day, hour, minute, second = time.gmtime(stamp)[:6]
    dos_time = hour << 11 | minute << 5 | second // 2
    dos_date = (year - 1980) << 9 | month << 5 | day
    out: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for name in sorted(files):
        data = files[name]
        entry = entries[data, not name.lower().endswith(COMPRESSED_SUFFIXES)]
        try:
            raw, flags = name.encode("ascii"), 0
        except UnicodeEncodeError:
            raw, flags = name.encode("utf-8"), 0x800
        fields = (flags, entry.method, dos_time, dos_date, entry.crc, len(entry.data), entry.size)
        head = _LOCAL.pack(b"PK\x03\x04", _VERSION, 0, *fields, len(raw), 0)
        after = (len(raw), 0, 0, 0, 0, _MODE, offset)  # no extra, comment, disk or attributes
        central.append(_CENTRAL.pack(b"PK\x01\x02", _VERSION, _UNIX, _VERSION, 0, *fields, *after))
        central.append(raw)
        out += (head, raw, entry.data)
        offset += len(head) + len(raw) + len(entry.data)
    directory = b"".join(central)
    if len(central) > 2 * 0xFFFF or offset + len(directory) > 0xFFFFFFFF:
        raise BuildError("the package is too large for a zip without zip64 (65,535 files, 4 GB)")
    end = _END.pack(b"PK\x05\x06", 0, 0, len(files), len(files), len(directory), offset, 0)
    return b"".join([*out, directory, end])


def zip_many(file_sets: Sequence[Mapping[str, bytes]]) -> list[bytes]:
    """One zip per file set: entries sorted, fixed times and permissions, so that equal input
    gives equal bytes. A file that several sets share (the formats share nearly every file) is
    compressed once; files are compressed side by side in threads (zlib releases the GIL)."""
    stamp = reproducible_timestamp()
    todo: dict[tuple[bytes, bool], None] = {}
    for files in file_sets:
        for name, data in files.items():
            _check_name(name)
            todo[data, not name.lower().endswith(COMPRESSED_SUFFIXES)] = None
    big_first = sorted(todo, key=lambda key: len(key[0]), reverse=True)
    with ThreadPoolExecutor(max_workers=min(len(big_first), os.cpu_count() or 1) or 1) as pool:
        entries = dict(zip(big_first, pool.map(_store, big_first), strict=True))
    return [_archive(files, entries, stamp) for files in file_sets]


def zip_bytes(files: Mapping[str, bytes]) -> bytes:
    """A zip of ``files`` (see :func:`zip_many`)."""
    return zip_many([files])[0]


def write_atomic(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` through a temporary file and a rename: never half-written."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temp_name, 0o644)
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
