"""``cpd-pack check``: will this SCORM 1.2/2004, xAPI or cmi5 zip, from any tool, work in an LMS?

:func:`check_package` returns a :class:`CheckReport` (kind, version, errors, warnings, notes,
each :class:`Finding` with a code, a message, a location and its source) and never prints;
``report.to_text()``, ``report.to_json()`` and ``report.exit_code`` (1 with errors, else 0)
serve the CLI. A zip that cannot be checked safely raises :class:`PackageRefusedError`.
"""

from __future__ import annotations

from cpd_pack.check.archive import Limits, PackageRefusedError
from cpd_pack.check.package import check_bytes, check_package
from cpd_pack.check.report import CheckReport, Finding

__all__ = [
    "CheckReport",
    "Finding",
    "Limits",
    "PackageRefusedError",
    "check_bytes",
    "check_package",
]
