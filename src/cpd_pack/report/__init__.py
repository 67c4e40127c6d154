"""``cpd-pack report``: item analysis of a course's quiz from LMS and LRS data.

The stages, one module each: :mod:`.course` (the course source, with file:line),
:mod:`.moodle` and :mod:`.lrs` (inputs into :class:`.results.Results`), :mod:`.analysis`
(figures), :mod:`.flags` (plain-language findings), :mod:`.html` and :mod:`.tables` (output).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cpd_pack.report.analysis import Analysis, analyse
from cpd_pack.report.course import load_key
from cpd_pack.report.flags import Flag, all_flags
from cpd_pack.report.results import ReportError, Results

__all__ = ["Report", "ReportError", "make_report"]


@dataclass(frozen=True)
class Report:
    """What :func:`make_report` wrote, and what the designer should be told."""

    paths: list[Path]
    analysis: Analysis
    flags: list[Flag]

    @property
    def notices(self) -> list[str]:
        """Notes about the inputs, and the ids in the data that the course does not have."""
        found = list(self.analysis.results.notices)
        unknown = self.analysis.results.unknown
        if unknown:
            ids = ", ".join(sorted(unknown))
            found.append(
                f"{len(unknown)} id(s) in the data are not in the course source and were left "
                f"out (renamed or removed since the package was built?): {ids}"
            )
        return found


def _generated() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def collect(
    course_dir: str | Path,
    moodle: Sequence[Path] = (),
    statements: Sequence[Path] = (),
    lrs: tuple[str, str] | None = None,
) -> Analysis:
    """Read the course and every input, and analyse them (nothing is written)."""
    from cpd_pack.report import lrs as xapi
    from cpd_pack.report.moodle import read_moodle

    if not (moodle or statements or lrs):
        raise ReportError(
            "no results given: name Moodle report files, --statements FILE.json, or --lrs URL"
        )
    key = load_key(course_dir)
    results = Results()
    for path in moodle:
        results.merge(read_moodle(Path(path), key))
    for path in statements:
        results.merge(xapi.read_statements(xapi.load_statements(Path(path)), key, str(path)))
    if lrs is not None:
        if key.activity_iri is None:
            raise ReportError(
                "--lrs: the course has no xapi.activity_iri in course.yaml, so its statements "
                "cannot be selected"
            )
        found, notice = xapi.fetch_statements(lrs[0], lrs[1], key.activity_iri)
        from_lrs = xapi.read_statements(found, key, f"LRS {lrs[0]} ({len(found)} statements)")
        from_lrs.notices += [notice] if notice else []
        state = xapi.fetch_ratings(lrs[0], lrs[1], key.activity_iri, from_lrs, key)
        from_lrs.notices += [state] if state else []
        results.merge(from_lrs)
    questions = [id_ for id_ in results.unknown if not id_.startswith("page ")]
    if questions and not any(s.answers for s in results.submissions):
        results.notices.append(
            f"None of the {len(questions)} question ids in the data is in the course source "
            f"{Path(course_dir).as_posix()}: give the course source the package was built from "
            "(an older version can be taken from version control, e.g. git worktree add)"
        )
    return analyse(key, results)


def make_report(
    course_dir: str | Path,
    out_dir: Path,
    moodle: Sequence[Path] = (),
    statements: Sequence[Path] = (),
    lrs: tuple[str, str] | None = None,
) -> Report:
    """Analyse the inputs and write ``report.html``, ``report.json`` and one CSV per table."""
    from cpd_pack.report.html import render_html
    from cpd_pack.report.tables import tables, to_csv, to_json

    analysis = collect(course_dir, moodle, statements, lrs)
    flags = all_flags(analysis.questions)
    generated = _generated()
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(
            f"{out_dir.as_posix()}: cannot write the report here ({exc.strerror or exc}); "
            "choose another --out folder"
        ) from None
    files = {"report.html": render_html(analysis, flags, out_dir, generated)}
    all_tables = tables(analysis, flags)
    about = {
        "course": analysis.key.title,
        "version": analysis.key.version,
        "generated": generated,
        "sources": analysis.results.sources,
    }
    files["report.json"] = to_json(all_tables, about)
    files.update({f"{name}.csv": to_csv(rows) for name, rows in all_tables.items()})
    paths = []
    for name, text in files.items():
        path = out_dir / name
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise ReportError(
                f"{path.as_posix()}: cannot be written ({exc.strerror or exc})"
            ) from None
        paths.append(path)
    return Report(paths, analysis, flags)
