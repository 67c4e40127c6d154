"""What ``cpd-pack check`` found in a package: located findings, a readable report and JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

KIND_LABELS = {
    "scorm12": "SCORM 1.2",
    "scorm2004": "SCORM 2004",
    "xapi": "xAPI (tincan.xml)",
    "cmi5": "cmi5 (cmi5.xml)",
}


@dataclass(frozen=True)
class Finding:
    """One problem, warning or note, located in a member of the zip (line when known)."""

    code: str
    message: str
    file: str = ""
    """The zip member it is about; empty when it is about the package as a whole."""
    line: int | None = None
    source: str = ""
    """Where the rule comes from: a section of standards.md, a pitfall number, a specification."""

    @property
    def location(self) -> str:
        """``file:line``, ``file`` or '' (the whole package)."""
        if self.file and self.line:
            return f"{self.file}:{self.line}"
        return self.file

    def to_dict(self) -> dict[str, Any]:
        """The finding as JSON-ready data."""
        return {
            "code": self.code,
            "message": self.message,
            "file": self.file or None,
            "line": self.line,
            "source": self.source or None,
        }


def _order(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.file, f.line or 0))


@dataclass
class CheckReport:
    """The result of checking one package; ``exit_code`` is 1 with errors, else 0."""

    package: str
    kind: str | None = None
    """``scorm12``, ``scorm2004``, ``xapi``, ``cmi5`` or None when no descriptor was found."""
    version: str | None = None
    """``1.2``; ``2nd Edition``, ``3rd Edition`` or ``4th Edition`` for SCORM 2004; else None."""
    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    notes: list[Finding] = field(default_factory=list)

    def error(
        self, code: str, message: str, file: str = "", line: int | None = None, source: str = ""
    ) -> None:
        """Record something that makes the package fail or be rejected."""
        self.errors.append(Finding(code, message, file, line, source))

    def warning(
        self, code: str, message: str, file: str = "", line: int | None = None, source: str = ""
    ) -> None:
        """Record something that works in some LMSs but not as intended in others."""
        self.warnings.append(Finding(code, message, file, line, source))

    def note(
        self, code: str, message: str, file: str = "", line: int | None = None, source: str = ""
    ) -> None:
        """Record what the check could not cover, or a fact worth knowing before upload."""
        self.notes.append(Finding(code, message, file, line, source))

    def finish(self) -> CheckReport:
        """Order each list by location (stable), so that the report reads top to bottom."""
        self.errors, self.warnings, self.notes = (
            _order(self.errors),
            _order(self.warnings),
            _order(self.notes),
        )
        return self

    @property
    def label(self) -> str:
        """``SCORM 2004 4th Edition``, ``SCORM 1.2``, ``cmi5 (cmi5.xml)``... or ``unknown``."""
        if self.kind is None:
            return "unknown"
        label = KIND_LABELS[self.kind]
        if self.kind == "scorm2004":
            return f"{label} {self.version}" if self.version else f"{label} (edition unknown)"
        return label

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return not self.errors

    @property
    def exit_code(self) -> int:
        """The CLI's exit status: 1 with errors, 0 when clean (warnings allowed)."""
        return 0 if self.ok else 1

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return {
            "package": self.package,
            "kind": self.kind,
            "version": self.version,
            "label": self.label,
            "ok": self.ok,
            "exit_code": self.exit_code,
            "errors": [f.to_dict() for f in self.errors],
            "warnings": [f.to_dict() for f in self.warnings],
            "notes": [f.to_dict() for f in self.notes],
        }

    def to_json(self) -> str:
        """The report as indented JSON text."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def to_text(self) -> str:
        """The readable report: one line a finding, ``where: severity: code: message [source]``."""
        lines = [f"{self.package}: {self.label}"]
        for severity, findings in (
            ("error", self.errors),
            ("warning", self.warnings),
            ("note", self.notes),
        ):
            for finding in findings:
                where = f"{finding.location}: " if finding.location else ""
                cited = f" [{finding.source}]" if finding.source else ""
                lines.append(f"{where}{severity}: {finding.code}: {finding.message}{cited}")
        counts = f"{_count(len(self.errors), 'error')}, {_count(len(self.warnings), 'warning')}"
        if self.ok:
            lines.append(f"OK: {counts}; the package can be uploaded.")
        else:
            lines.append(f"FAILED: {counts}; fix the errors before uploading.")
        return "\n".join(lines)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' * (number != 1)}"
