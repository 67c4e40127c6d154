"""Open a package zip for checking without extracting it: refuse hostile archives, read in memory.

Only the central directory is trusted for names and declared sizes; members are read with
:mod:`zipfile`, which never returns more than the declared size of a member, so the limits
below bound what is ever decompressed.
"""

from __future__ import annotations

import re
import stat
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from typing import IO, NoReturn

from cpd_pack.check.report import CheckReport
from cpd_pack.exceptions import CpdPackError

_DRIVE = re.compile(r"^[A-Za-z]:")


class PackageRefusedError(CpdPackError):
    """The package cannot be checked: unreadable, not a zip, unsafe or too large (``subject: message``)."""


@dataclass(frozen=True)
class Limits:
    """How big a package may be before it is refused unread."""

    max_entries: int = 20_000
    max_total_size: int = 2 * 1024**3
    """Declared uncompressed size of all members together (2 GiB)."""
    max_ratio: int = 100
    """Largest compression ratio allowed for a member bigger than ``ratio_floor``."""
    ratio_floor: int = 1024**2
    max_xml_size: int = 16 * 1024**2
    """Largest descriptor or schema file read into memory."""


def human_size(number: int) -> str:
    """``512 bytes``, ``1.5 MiB``, ``2.0 GiB``."""
    if number < 1024:
        return f"{number} bytes"
    value = number / 1024
    for unit in ("KiB", "MiB"):
        if value < 1024:
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GiB"


def unsafe_reason(name: str) -> str | None:
    """Why an entry name could write outside the extraction folder, or None when it is safe."""
    posix = name.replace("\\", "/")
    if posix.startswith("/") or _DRIVE.match(posix):
        return "has an absolute path"
    if ".." in posix.split("/"):
        return "climbs out of the package folder with '..' (zip slip)"
    return None


class Archive:
    """A zip opened for checking: names and sizes come from its central directory."""

    def __init__(self, zf: zipfile.ZipFile, label: str, limits: Limits) -> None:
        self.zip = zf
        self.label = label
        self.limits = limits
        self.infos = zf.infolist()
        self._refuse_hostile()
        self.by_name = {info.filename: info for info in self.infos}

    def _refuse(self, message: str) -> NoReturn:
        raise PackageRefusedError(f"{self.label}: refused: {message}")

    def _refuse_hostile(self) -> None:
        limits = self.limits
        if len(self.infos) > limits.max_entries:
            self._refuse(f"{len(self.infos)} entries, more than the limit of {limits.max_entries}")
        total = 0
        for info in self.infos:
            name = info.filename
            reason = unsafe_reason(name)
            if reason:
                self._refuse(f"entry {name!r} {reason}")
            if stat.S_ISLNK(info.external_attr >> 16):
                self._refuse(f"entry {name!r} is a symbolic link")
            size, packed = info.file_size, info.compress_size
            if size > limits.ratio_floor and size > max(packed, 1) * limits.max_ratio:
                ratio = size // max(packed, 1)
                self._refuse(
                    f"entry {name!r} would expand {ratio}x ({human_size(packed)} to {human_size(size)}), "
                    "a zip bomb"
                )
            total += size
        if total > limits.max_total_size:
            self._refuse(
                f"the files would expand to {human_size(total)}, more than the limit of "
                f"{human_size(limits.max_total_size)}"
            )

    @cached_property
    def files(self) -> frozenset[str]:
        """Every member that is a file (not a folder entry)."""
        return frozenset(info.filename for info in self.infos if not info.is_dir())

    @cached_property
    def folders(self) -> frozenset[str]:
        """Every folder, with its trailing '/', listed or implied by a file path."""
        found = {info.filename for info in self.infos if info.is_dir()}
        for name in self.files:
            parts = name.split("/")[:-1]
            found.update("/".join(parts[: i + 1]) + "/" for i in range(len(parts)))
        return frozenset(found)

    @cached_property
    def _folded(self) -> dict[str, str]:
        return {name.casefold(): name for name in sorted(self.files, reverse=True)}

    def has(self, path: str) -> bool:
        """True when ``path`` is a file, or a folder, of the package."""
        return path in self.files or path.rstrip("/") + "/" in self.folders

    def other_case(self, path: str) -> str | None:
        """The member named ``path`` but for letter case, if there is one."""
        found = self._folded.get(path.casefold())
        return found if found != path else None

    def read(self, name: str) -> bytes | None:
        """The bytes of member ``name``; None when it is bigger than ``max_xml_size``."""
        info = self.by_name[name]
        if info.flag_bits & 0x1:
            raise PackageRefusedError(f"{self.label}: cannot read {name!r}: it is encrypted")
        if info.file_size > self.limits.max_xml_size:
            return None
        try:
            with self.zip.open(info) as member:
                data = member.read(self.limits.max_xml_size + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
            raise PackageRefusedError(f"{self.label}: cannot read {name!r}: {exc}") from None
        return data if len(data) <= self.limits.max_xml_size else None

    def report_entries(self, report: CheckReport) -> None:
        """Record what is wrong with the entries themselves (not refused, but broken in an LMS)."""
        for name, count in Counter(info.filename for info in self.infos).items():
            if count > 1:
                report.error(
                    "zip-duplicate-entry",
                    f"the zip holds {count} entries named {name!r}; an LMS keeps only one of them",
                    name,
                )
        for info in self.infos:
            name = info.filename
            if "\\" in name:
                report.error(
                    "zip-backslash-name",
                    f"entry {name!r} uses backslashes as folder separators; servers that unpack "
                    "on Linux keep them in the file name, so links to the file break",
                    name,
                )
            if info.flag_bits & 0x1:
                report.error(
                    "zip-encrypted",
                    f"entry {name!r} is encrypted; an LMS cannot unpack it",
                    name,
                )
            if not info.flag_bits & 0x800 and not name.isascii():
                report.warning(
                    "zip-name-encoding",
                    f"entry {name!r} has a non-ASCII name not marked as UTF-8; LMSs may unpack it "
                    "under another name (zip it with a tool that writes UTF-8 names)",
                    name,
                    None,
                    "PKWARE APPNOTE 4.4.4 (general purpose flag bit 11)",
                )


def open_zip(fileobj: IO[bytes], label: str) -> zipfile.ZipFile:
    """A :class:`zipfile.ZipFile` over ``fileobj``, or :class:`PackageRefusedError`."""
    try:
        return zipfile.ZipFile(fileobj)
    except zipfile.BadZipFile as exc:
        raise PackageRefusedError(f"{label}: not a zip file ({exc})") from None
    except (OSError, EOFError, ValueError) as exc:
        raise PackageRefusedError(f"{label}: cannot read the zip ({exc})") from None
