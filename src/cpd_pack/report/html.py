"""The report as one self-contained HTML file: inline CSS, charts as inline SVG drawn by pygal
through :mod:`.charts`; no script, nothing fetched."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from cpd_pack.report import charts
from cpd_pack.report.analysis import MIN_LEARNERS, Analysis
from cpd_pack.report.flags import EASY, HARD, WEAK, Flag
from cpd_pack.report.moodle import SCORM2004_MARKER

TEMPLATES = Path(__file__).parent / "templates"
SEVERITY = {"check": 0, "review": 1}
EMPHASIS = re.compile(r"(?<!\w)(\*{1,2}|_{1,2})(?=\S)(.+?)(?<=\S)\1(?!\w)")


def plain(markdown: str) -> str:
    """A question's prompt without its Markdown emphasis markers (``*Gillick*`` -> Gillick)."""
    return EMPHASIS.sub(r"\2", markdown)


@dataclass(frozen=True)
class Missing:
    """A figure the inputs cannot give: what, why, and what to use instead."""

    figure: str
    why: str
    instead: str


def figure(value: float | None, n: int, kind: str = "share") -> str:
    """A figure with the learners it rests on, or why there is none."""
    if value is None:
        return f"too few learners (n={n}; needs {MIN_LEARNERS})"
    return f"{_value(value, kind)} (n={n})"


def _value(value: float, kind: str) -> str:
    return f"{round(value * 100)}%" if kind == "share" else f"{value:.2f}".replace("-", "\u2212")


def value(number: float | None, kind: str = "share") -> str:
    """A figure alone (its n is shown beside it), or "too few" when there is none."""
    return "too few" if number is None else _value(number, kind)


def missing(analysis: Analysis) -> list[Missing]:
    """What Moodle's SCORM reports cannot give for this course, and what to use instead."""
    if not any(source.startswith("Moodle report") for source in analysis.results.sources):
        return []
    lrs = "the xAPI or cmi5 package through an LRS (cpd-pack report --lrs)"
    found = []
    empty_2004 = any(SCORM2004_MARKER in notice for notice in analysis.results.notices)
    if analysis.attempts and not analysis.submissions and empty_2004:
        found.append(Missing(
            "Question figures: facility, discrimination, options chosen",
            "Moodle's Interactions report is empty for a SCORM 2004 activity: it reads only "
            "SCORM 1.2 element names, although Moodle stored every answer.",
            f"the SCORM 1.2 package in Moodle (its Interactions report), or {lrs}.",
        ))  # fmt: skip
    elif analysis.attempts and not analysis.submissions:
        found.append(Missing(
            "Question figures: facility, discrimination, options chosen",
            "The files given hold scores only (Moodle's Basic or Objectives report).",
            "Moodle's Interactions report, with Question, Response, Right answer and Result "
            "ticked under its options.",
        ))  # fmt: skip
    if not analysis.page_funnel:
        found.append(Missing(
            "Where learners leave: learners reaching each unit and page",
            "Moodle's downloads list no pages. The package keeps the pages a learner opened in "
            "its saved state (cmi.suspend_data), which no download includes.",
            f"{lrs}: it sends an \u201cexperienced\u201d statement for every page opened.",
        ))  # fmt: skip
    if analysis.key.statements and not analysis.self_assessment:
        found.append(Missing(
            "Self-assessment change from the start to the end of the course",
            "The package keeps each learner's ratings in its saved state (cmi.suspend_data), "
            "which no download includes.",
            f"{lrs}, with an LRS that has the xAPI State API, where the package saves its state.",
        ))  # fmt: skip
    return found


def _groups(analysis: Analysis, flags: list[Flag]) -> list[dict[str, Any]]:
    """Flagged questions, those with something to check first, then in quiz order."""
    by_id = {q.question.id: q for q in analysis.questions}
    groups: dict[str, list[Flag]] = {}
    for flag in flags:
        groups.setdefault(flag.question, []).append(flag)
    found = [
        {"stats": by_id[qid], "flags": sorted(found, key=lambda f: SEVERITY[f.severity])}
        for qid, found in groups.items()
        if qid in by_id
    ]
    return sorted(
        found, key=lambda g: (SEVERITY[g["flags"][0].severity], g["stats"].question.number)
    )


def _points(analysis: Analysis, worst: dict[str, str]) -> list[tuple[int, float, float, str]]:
    return [
        (q.question.number, q.facility, q.point_biserial, worst.get(q.question.id, ""))
        for q in analysis.questions
        if q.facility is not None and q.point_biserial is not None
    ]


def render_html(analysis: Analysis, flags: list[Flag], out_dir: Path, generated: str) -> str:
    """The report's HTML; links to source files are relative to ``out_dir``."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    root = analysis.key.root.as_posix().rstrip("/") + "/"

    def source_href(where: str) -> str:
        file = where.rsplit(":", 1)[0]
        return Path(os.path.relpath(Path(file).resolve(), out_dir.resolve())).as_posix()

    def source_label(where: str) -> str:
        return where.removeprefix(root)

    env.filters.update(figure=figure, value=value, source_href=source_href)
    env.filters["source_label"] = source_label
    env.filters["plain"] = plain
    by_question: dict[str, list[Flag]] = {}
    worst: dict[str, str] = {}
    for flag in flags:
        by_question.setdefault(flag.question, []).append(flag)
        if SEVERITY[flag.severity] < SEVERITY.get(worst.get(flag.question, ""), 9):
            worst[flag.question] = flag.severity
    points = _points(analysis, worst)
    page_groups: dict[str, list[Any]] = {}
    for step in analysis.page_funnel:
        page_groups.setdefault(step.group, []).append(step)
    steps = analysis.course_funnel
    bins, mark = analysis.score_bins, analysis.key.pass_mark
    return env.get_template("report.html").render(
        a=analysis,
        flags=flags,
        groups=_groups(analysis, flags),
        by_question=by_question,
        missing=missing(analysis),
        charts={
            size: {
                "histogram": charts.histogram(bins, mark, width, f"scores-{size[0]}"),
                "attempts": charts.attempts(
                    analysis.attempts_per_learner,
                    analysis.submissions_per_learner,
                    width,
                    f"attempts-{size[0]}",
                ),
                "map": charts.quiz_map(points, width, f"map-{size[0]}", EASY, HARD, WEAK),
                "funnel": charts.funnel(steps, width, f"funnel-{size[0]}"),
                "ratings": charts.ratings(
                    analysis.self_assessment, analysis.scale, width, f"ratings-{size[0]}"
                ),
            }
            for size, width in (("wide", charts.WIDE), ("narrow", charts.NARROW))
        },
        has_map=bool(points),
        page_groups=list(page_groups.items()),
        thresholds={"easy": EASY, "hard": HARD, "weak": WEAK},
        min_learners=MIN_LEARNERS,
        generated=generated,
    )
