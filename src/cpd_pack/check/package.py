"""Check one package zip: open it safely, find its descriptor, run that format's checks."""

from __future__ import annotations

import io
import posixpath
from pathlib import Path
from typing import IO

from cpd_pack.check.archive import Archive, Limits, PackageRefusedError, open_zip
from cpd_pack.check.report import CheckReport
from cpd_pack.check.scorm import MANIFEST, check_scorm
from cpd_pack.check.xapi import CMI5_FILE, check_cmi5, check_tincan, tincan_root

DESCRIPTORS = {CMI5_FILE: "cmi5", MANIFEST: "SCORM", "tincan.xml": "xAPI"}
"""The descriptor of each format, in the order they are preferred when several are present."""


def check_package(path: str | Path, *, limits: Limits | None = None) -> CheckReport:
    """Check the package zip at ``path``; raise :class:`PackageRefusedError` if it cannot be."""
    label = str(path)
    try:
        with Path(path).open("rb") as handle:
            return _check(handle, label, limits or Limits())
    except OSError as exc:
        raise PackageRefusedError(
            f"{label}: cannot read the file ({exc.strerror or exc})"
        ) from None


def check_bytes(
    data: bytes, name: str = "package.zip", *, limits: Limits | None = None
) -> CheckReport:
    """Check a package zip held in memory; ``name`` labels the report."""
    return _check(io.BytesIO(data), name, limits or Limits())


def _check(fileobj: IO[bytes], label: str, limits: Limits) -> CheckReport:
    with open_zip(fileobj, label) as zf:
        archive = Archive(zf, label, limits)
        report = CheckReport(label)
        archive.report_entries(report)
        _check_descriptor(archive, report)
        return report.finish()


def _check_descriptor(archive: Archive, report: CheckReport) -> None:
    present = [name for name in DESCRIPTORS if name in archive.files]
    tincan, misplaced = tincan_root(archive)
    if not present and tincan:
        present = [tincan]
    if not present:
        _missing(archive, report, misplaced)
        return
    chosen = present[0]
    if len(present) > 1:
        report.warning(
            "descriptor-ambiguous",
            f"the package has {' and '.join(present)} at its root; it was checked as "
            f"{DESCRIPTORS[chosen]} ({chosen}), but an LMS of another format reads "
            f"{present[1]} instead",
            chosen,
            None,
            "standards.md 0.8, 5, 6",
        )
    if chosen == CMI5_FILE:
        check_cmi5(archive, report)
    elif chosen == MANIFEST:
        check_scorm(archive, report)
    else:
        check_tincan(archive, report, chosen)


def _missing(archive: Archive, report: CheckReport, misplaced: str | None) -> None:
    if misplaced:
        report.kind = "xapi"
        report.error("tincan-location", misplaced, "", None, "standards.md 5")
        return
    hint = ""
    for name in DESCRIPTORS:
        other = archive.other_case(name)
        if other and "/" not in other:
            hint = f"; {other!r} is there, but LMSs look for the exact lower-case name {name!r}"
            break
    if not hint:
        nested = sorted(n for n in archive.files if posixpath.basename(n) in DESCRIPTORS)
        if nested:
            hint = (
                f"; {nested[0]!r} is in a folder: zip the contents of the course folder, "
                "not the folder itself"
            )
    report.error(
        "descriptor-missing",
        "no imsmanifest.xml (SCORM), cmi5.xml (cmi5) or tincan.xml (xAPI) at the root of the zip"
        + hint,
        "",
        None,
        "standards.md 0.8, 5, 6",
    )
