"""The one deterministic zip writer every packager shares, and the atomic file writer."""

from __future__ import annotations

import io
import os
import tempfile
import time
import zipfile
from collections.abc import Mapping
from pathlib import Path

from cpd_pack.exceptions import BuildError

DEFAULT_EPOCH = 1580601600  # 2020-02-02, as hatchling; zip times cannot go before 1980
ZIP_EPOCH_MIN = 315532800  # 1980-01-01
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


def zip_bytes(files: Mapping[str, bytes]) -> bytes:
    """A zip of ``files``: entries sorted, fixed times and permissions, so equal input gives equal bytes."""
    stamp = time.gmtime(reproducible_timestamp())[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            if name.startswith("/") or "\\" in name or ".." in name.split("/"):
                raise BuildError(f"refusing unsafe archive path {name!r}")
            info = zipfile.ZipInfo(name, date_time=stamp)
            packed = name.lower().endswith(COMPRESSED_SUFFIXES)
            info.compress_type = zipfile.ZIP_STORED if packed else zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so that the permissions below are read
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name], compresslevel=None if packed else 6)
    return buffer.getvalue()


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
