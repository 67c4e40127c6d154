"""The report as one self-contained HTML file: inline CSS, charts as inline SVG made here and
drawn by the Jinja2 template (no script, nothing fetched at view time)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from cpd_pack.report.analysis import MIN_LEARNERS, Analysis
from cpd_pack.report.flags import Flag

TEMPLATES = Path(__file__).parent / "templates"
WIDTH, HEIGHT, PAD = 640, 240, 40


@dataclass(frozen=True)
class Bar:
    """One bar of a chart, in SVG user units."""

    x: float
    y: float
    width: float
    height: float
    label: str
    value: str


def figure(value: float | None, n: int, kind: str = "share") -> str:
    """A figure with the learners it rests on, or why there is none."""
    if value is None:
        return f"too few learners (n={n}; needs {MIN_LEARNERS})"
    text = f"{round(value * 100)}%" if kind == "share" else f"{value:.2f}"
    return f"{text} (n={n})"


def _histogram(bins: tuple[tuple[str, int], ...], pass_mark: float) -> dict[str, Any]:
    top = max((count for _, count in bins), default=0) or 1
    step = (WIDTH - 2 * PAD) / len(bins)
    bars = [
        Bar(PAD + i * step + 2, HEIGHT - PAD - (HEIGHT - 2 * PAD) * count / top, step - 4,
            (HEIGHT - 2 * PAD) * count / top, label, str(count))
        for i, (label, count) in enumerate(bins)
    ]  # fmt: skip
    return {"bars": bars, "top": top, "pass_x": PAD + (WIDTH - 2 * PAD) * pass_mark / 100}


def _quiz_map(analysis: Analysis) -> dict[str, Any]:
    """Facility (x, 0-1) against point-biserial (y) for every question with both figures."""
    points = [
        (q.question.number, q.facility, q.point_biserial)
        for q in analysis.questions
        if q.facility is not None and q.point_biserial is not None
    ]
    low = min([-0.2, *(p[2] for p in points)])
    high = max([0.8, *(p[2] for p in points)])

    def y(value: float) -> float:
        return HEIGHT - PAD - (HEIGHT - 2 * PAD) * (value - low) / (high - low)

    return {
        "points": [
            {"x": PAD + (WIDTH - 2 * PAD) * f, "y": y(r), "label": str(n), "f": f, "r": r}
            for n, f, r in points
        ],
        "zero": y(0.0),
        "weak": y(0.2),
        "low": low,
        "high": high,
    }


def _funnel(steps: tuple[Any, ...]) -> list[Bar]:
    top = max((s.reached for s in steps), default=0) or 1
    return [
        Bar(220, 6 + i * 26, (WIDTH - 260) * s.reached / top, 18, s.label, str(s.reached))
        for i, s in enumerate(steps)
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

    def source_href(where: str) -> str:
        file = where.rsplit(":", 1)[0]
        return Path(os.path.relpath(Path(file).resolve(), out_dir.resolve())).as_posix()

    env.filters["figure"] = figure
    env.filters["source_href"] = source_href
    by_question: dict[str, list[Flag]] = {}
    for flag in flags:
        by_question.setdefault(flag.question, []).append(flag)
    return env.get_template("report.html").render(
        a=analysis,
        flags=flags,
        by_question=by_question,
        histogram=_histogram(analysis.score_bins, analysis.key.pass_mark),
        quiz_map=_quiz_map(analysis),
        funnel=_funnel(analysis.course_funnel),
        min_learners=MIN_LEARNERS,
        width=WIDTH,
        height=HEIGHT,
        pad=PAD,
        generated=generated,
    )
