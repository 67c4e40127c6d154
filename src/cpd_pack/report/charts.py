"""The report's charts as inline SVG: drawn by pygal, except the quiz map (see docs/report.md).

Each chart is made twice: :data:`WIDE` for a screen or paper, :data:`NARROW` for a phone (the
page shows one of them with a CSS media query), so that its text stays readable: an SVG scaled
down to a phone's width would shrink 12-unit labels to 6 pixels. pygal renders without its
tooltip script (``js=[]``); :func:`_accessible` then gives each SVG a fixed id, ``role="img"``
and a title and description, and drops its inline config script and the tooltips' hidden texts.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pygal  # type: ignore[import-untyped]
from lxml import etree
from markupsafe import Markup
from pygal.style import Style  # type: ignore[import-untyped]

WIDE, NARROW = 640, 360
LEFT, RIGHT, TOP, BOTTOM = 52, 14, 30, 46
"""Margins around the quiz map's plot area: room for the axis labels and titles."""
SVG = "http://www.w3.org/2000/svg"
INK, MUTED, BAR, BAR_LIGHT, CHECK = "#1b1b1b", "#4a4a4a", "#1f5fa8", "#5b84c4", "#a4262c"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"


def _style(width: int, *colors: str) -> Style:
    """The report's colours and type; a phone's chart has larger text for its narrower box."""
    big = width < WIDE
    return Style(
        font_family=FONT,
        background="#ffffff",
        plot_background="#ffffff",
        foreground=INK,
        foreground_strong=INK,
        foreground_subtle="#e3e3e3",
        opacity="1",
        opacity_hover="1",
        transition="0s",
        colors=colors,
        title_font_size=14,
        label_font_size=13 if big else 12,
        major_label_font_size=13 if big else 12,
        legend_font_size=13 if big else 12,
        value_font_size=13 if big else 12,
        tooltip_font_size=12,
        value_colors=("#ffffff",) * len(colors),
    )


def _chart(kind: type[Any], width: int, height: int, colors: Sequence[str], **options: Any) -> Any:
    """A pygal chart with no script, no XML declaration and nothing fetched."""
    defaults: dict[str, Any] = {
        "legend_at_bottom": True,
        "legend_box_size": 12,
        "print_values": True,
        "print_zeroes": False,
        "truncate_legend": -1,
        "legend_at_bottom_columns": 1 if width < WIDE else None,
        "show_y_guides": True,
        "margin": 8,
        "spacing": 8,
    }
    return kind(
        width=width,
        height=height,
        style=_style(width, *colors),
        js=[],
        disable_xml_declaration=True,
        explicit_size=False,
        **(defaults | options),
    )


def _accessible(svg: str, id: str, title: str, desc: str) -> Markup:
    """``svg`` with the fixed ``id``, ``role="img"`` named by a title and a description."""
    random = re.search(r'id="(chart-[0-9a-f-]+)"', svg)
    if random:
        svg = svg.replace(random.group(1), id)
    root = etree.fromstring(svg.encode("utf-8"))
    # comments, pygal's inline config script (written even with js=[]) and its tooltips' texts
    found = root.xpath("//comment() | //s:script | //s:desc | //s:title", namespaces={"s": SVG})
    for node in found if isinstance(found, list) else []:
        if isinstance(node, etree._Element) and (parent := node.getparent()) is not None:
            parent.remove(node)
    root.set("role", "img")
    root.set("aria-labelledby", f"{id}-title {id}-desc")
    root.set("focusable", "false")
    head = etree.Element(f"{{{SVG}}}title", id=f"{id}-title")
    head.text = title
    body = etree.Element(f"{{{SVG}}}desc", id=f"{id}-desc")
    body.text = desc
    root.insert(0, body)
    root.insert(0, head)
    return Markup(etree.tostring(root, encoding="unicode"))


def histogram(bins: Sequence[tuple[str, int]], pass_mark: float, width: int, id: str) -> Markup:
    """Learners per ten-point band of their best score; bands at or above the pass mark darker."""
    labels = [label for label, _ in bins]
    passing = [float(label.split("-")[0]) >= pass_mark for label in labels]
    # two series, below and at or above the pass mark, stacked: one bar per band
    chart = _chart(pygal.StackedBar, width, 300 if width >= WIDE else 320, (BAR_LIGHT, BAR),
                   x_title="Best score (%)", y_title="Learners",
                   x_label_rotation=0 if width >= WIDE else -45, min_scale=1, max_scale=5)  # fmt: skip
    chart.x_labels = [label.replace("-", "\u2013") for label in labels]
    counts = [count for _, count in bins]
    chart.add(f"below the pass mark ({pass_mark:g}%)",
              [None if ok or not c else c for c, ok in zip(counts, passing, strict=True)])  # fmt: skip
    chart.add(f"at or above the pass mark ({pass_mark:g}%)",
              [c if ok and c else None for c, ok in zip(counts, passing, strict=True)])  # fmt: skip
    return _accessible(
        chart.render(is_unicode=True), id, "Best score per learner",
        f"Bar chart: learners per ten-point band of their best score; bands at or above the pass "
        f"mark of {pass_mark:g}% are darker. The same figures are in the table below.",
    )  # fmt: skip


def funnel(steps: Sequence[Any], width: int, id: str) -> Markup:
    """Horizontal bars, one per step of the course funnel, the first step at the top."""
    chart = _chart(pygal.HorizontalBar, width, 60 + 40 * len(steps), (BAR,), show_legend=False,
                   show_y_guides=False, show_x_guides=True,
                   truncate_label=-1, min_scale=1, max_scale=5)  # fmt: skip
    chart.x_labels = [step.label for step in reversed(steps)]
    chart.add("Learners", [step.reached for step in reversed(steps)])
    return _accessible(
        chart.render(is_unicode=True), id, "Learners reaching each step",
        "Horizontal bars: learners reaching each step, from those known to the data to those "
        "who passed. The same figures are in the table below.",
    )  # fmt: skip


def attempts(per_attempt: Sequence[tuple[int, int]], per_submission: Sequence[tuple[int, int]],
             width: int, id: str) -> Markup:  # fmt: skip
    """Learners by their number of LMS attempts and of quiz submissions, side by side."""
    counts = sorted({k for k, _ in per_attempt} | {k for k, _ in per_submission})
    if not counts:
        return Markup("")
    attempt, submission = dict(per_attempt), dict(per_submission)
    chart = _chart(pygal.Bar, width, 260, (BAR, "#8a5a00"), x_title="Number per learner",
                   y_title="Learners", min_scale=1, max_scale=5)  # fmt: skip
    chart.x_labels = [str(k) for k in counts]
    chart.add("LMS attempts", [attempt.get(k, 0) or None for k in counts])
    chart.add("quiz submissions", [submission.get(k, 0) or None for k in counts])
    return _accessible(
        chart.render(is_unicode=True), id, "Attempts and quiz submissions per learner",
        "Bar chart: learners by their number of LMS attempts and of quiz submissions. The same "
        "figures are in the table beside it.",
    )  # fmt: skip


def ratings(rows: Sequence[Any], scale: int, width: int, id: str) -> Markup:
    """Mean self-assessment rating at the start and the end, per statement (those with figures)."""
    shown = [r for r in rows if r.before is not None and r.after is not None]
    if not shown or scale < 2:
        return Markup("")
    chart = _chart(pygal.HorizontalBar, width, 90 + 52 * len(shown), (BAR_LIGHT, BAR),
                   range=(0, scale), show_y_guides=False, show_x_guides=True,
                   formatter=lambda v: f"{v:.1f}")  # fmt: skip
    chart.x_labels = [f"S{i}" for i in range(len(shown), 0, -1)]  # numbered in the table
    chart.add("start", [r.before for r in reversed(shown)])
    chart.add("end", [r.after for r in reversed(shown)])
    return _accessible(
        chart.render(is_unicode=True), id, "Self-assessment at the start and at the end",
        f"Horizontal bars: each statement's mean rating (1 to {scale}) at the start (lighter) and at the end "
        "(darker) of the course. The same figures are in the table below.",
    )  # fmt: skip


@dataclass(frozen=True)
class Tick:
    """A tick on an axis: where, and its label."""

    at: float
    label: str


@dataclass(frozen=True)
class Frame:
    """The chart's size and its plot area."""

    width: float
    height: float
    x0: float
    x1: float
    y0: float
    y1: float

    def x(self, share: float) -> float:
        """Horizontal position of ``share`` (0 to 1) of the plot's width."""
        return self.x0 + (self.x1 - self.x0) * share

    def y(self, share: float) -> float:
        """Vertical position of ``share`` (0 at the bottom, 1 at the top) of the plot's height."""
        return self.y1 - (self.y1 - self.y0) * share


def quiz_map(
    points: Sequence[tuple[int, float, float, str]], width: int, easy: float, hard: float,
    weak: float,
) -> dict[str, Any]:  # fmt: skip
    """Questions placed by facility (x, 0-1) and point-biserial (y), with the flag zones.

    ``points`` are (question number, facility, point-biserial, worst flag severity or "").
    Drawn by templates/charts.html: pygal has no shaded zones and no numbered dots.
    """
    height = 320 if width >= WIDE else 420  # taller on a phone: fewer overlaps
    frame = Frame(width, height, LEFT, width - RIGHT, TOP, height - BOTTOM)
    low = math.floor(min([-0.2, *(p[2] for p in points)]) * 5) / 5
    high = math.ceil(max([0.8, *(p[2] for p in points)]) * 5) / 5
    low, high = max(low, -1.0), min(high, 1.0)

    def y(value: float) -> float:
        return frame.y((value - low) / (high - low))

    every = 0.2 if width >= WIDE else 0.4
    count = round((high - low) / every)
    ticks = [low + i * every for i in range(count + 1) if low + i * every <= high + 1e-9]
    shares = (0, 25, 50, 75, 100) if width >= WIDE else (0, 50, 100)
    return {
        "frame": frame,
        "points": [
            {"x": frame.x(f), "y": y(r), "label": str(n), "severity": s} for n, f, r, s in points
        ],
        "hard_x": frame.x(hard),
        "easy_x": frame.x(easy),
        "zero": y(0.0),
        "weak": y(weak),
        "x_ticks": [Tick(frame.x(v / 100), f"{v}%") for v in shares],
        "y_ticks": [Tick(y(v), f"{v:.1f}".replace("-0.0", "0.0")) for v in ticks],
        "radius": 9 if width >= WIDE else 8,
    }
