"""The report's charts as inline SVG, drawn by pygal.

Each chart is made twice: :data:`WIDE` for a screen or paper, :data:`NARROW` for a phone (the
page shows one of them with a CSS media query), so that its text stays readable: an SVG scaled
down to a phone's width would shrink 12-unit labels to 6 pixels. pygal renders without its
tooltip script (``js=[]``); :func:`_accessible` then gives each SVG a fixed id, ``role="img"``
and a title and description, drops its inline config script and the tooltips' hidden texts, and
moves the labels pygal prints beside a point (``print_labels``) onto it. The score histogram and
the quiz map are ``pygal.XY`` charts: bars and flag zones are filled series, the pass mark a
dashed line series, each question a dot labelled with its number.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

import pygal  # type: ignore[import-untyped]
from lxml import etree
from markupsafe import Markup
from pygal.style import Style  # type: ignore[import-untyped]

WIDE, NARROW = 640, 360
SVG = "http://www.w3.org/2000/svg"
INK, BAR, CHECK, REVIEW = "#1b1b1b", "#1f5fa8", "#a4262c", "#8a5a00"
GREY = "#6e6e6e"
"""Bars before the mark or the change (white text on it: 5.1:1; on BAR: 6.4:1)."""
"""Bands below the pass mark (5.1:1 against white)."""
ZONE, ZONE_WEAK, ZONE_BAD = "#c6c6c6", "#ffdd57", "#f49ea9"
"""The quiz map's zones (too hard or too easy, weak, check the key), drawn at 35% opacity:
light tints that the grid lines show through."""
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
DASHED = {"dasharray": "7,4"}
"""``stroke_style`` of the pass mark's line."""


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
        value_font_size=_value_size(width),
        value_label_font_size=12,
        tooltip_font_size=12,
        value_colors=("#ffffff",) * len(colors),
    )


def _value_size(width: int) -> int:
    """Font size of printed values: pygal also offsets printed labels by it."""
    return 13 if width < WIDE else 12


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


def _css(id: str, *rules: str) -> tuple[str, ...]:
    """pygal's style sheets and ``rules`` for the chart whose fixed id will be ``id``.

    pygal's own rule ``.reactive { stroke-width: 1 }`` sits on every line, so a series'
    ``stroke_style`` width is lost: widths and outlines are set here instead.
    """
    return (
        "file://style.css",
        "file://graph.css",
        "inline:" + " ".join(f"#{id} {r}" for r in rules),
    )


def _accessible(
    svg: str, id: str, title: str, desc: str, shift: tuple[float, float] = (0.0, 0.0)
) -> Markup:
    """``svg`` with the fixed ``id``, ``role="img"`` named by a title and a description.

    Printed labels (``print_labels``) move ``shift`` back, centred: pygal writes them one value
    font size right of and below their point, and centred on it suits a dot or a bar better.
    """
    random = re.search(r'id="(chart-[0-9a-f-]+)"', svg)
    if random:
        svg = svg.replace(random.group(1), id)
    root = etree.fromstring(svg.encode("utf-8"))
    # comments, pygal's inline config script (written even with js=[]) and its tooltips' texts
    found = root.xpath("//comment() | //s:script | //s:desc | //s:title", namespaces={"s": SVG})
    for node in found if isinstance(found, list) else []:
        if isinstance(node, etree._Element) and (parent := node.getparent()) is not None:
            parent.remove(node)
    labels = root.xpath("//s:g[contains(@class, 'text-overlay')]//s:text[@class='label']",
                        namespaces={"s": SVG})  # fmt: skip
    for label in labels if isinstance(labels, list) else []:
        if isinstance(label, etree._Element):
            label.set("x", f"{float(label.get('x', 0)) - shift[0]:g}")
            label.set("y", f"{float(label.get('y', 0)) - shift[1]:g}")
            label.set("text-anchor", "middle")
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
    """Learners per ten-point band of their best score, the pass mark a dashed line over them.

    An XY chart on a 0-100 score axis: the bars are two filled series (bands below the pass mark,
    and at or above it, darker), each band's count is printed above its bar (readable however
    short the bar), and the pass mark is its own series, a dashed vertical line drawn after the
    bars, from the axis to the top of the plot.
    """
    wide = width >= WIDE
    top = max([1, *(count for _, count in bins)]) * 1.15  # room for the tallest bar's count
    gap = 0.6 if wide else 1.0  # score points left blank on each side of a bar
    below: list[tuple[float, float]] = []
    above: list[tuple[float, float]] = []
    counts: list[dict[str, Any]] = []
    for label, count in bins:
        start = float(label.split("-")[0])
        if count:
            left, right = start + gap, start + 10 - gap
            (above if start >= pass_mark else below).extend(
                [(left, 0), (left, count), (right, count), (right, 0)]
            )
            counts.append({"value": (start + 5, count), "label": str(count)})
    series = [("below the pass mark", GREY, below), ("at or above the pass mark", BAR, above)]
    shown = [(title, colour, bars) for title, colour, bars in series if bars]
    css = _css(id, ".series .line { stroke-width: 0; }",  # no outlines; the pass mark's line:
               f".serie-{len(shown)} .line {{ stroke-width: 2.5px; stroke-opacity: 1; }}",
               f".text-overlay .serie-{len(shown) + 1} text {{ fill: {INK}; }}")  # fmt: skip
    chart = _chart(pygal.XY, width, 300 if wide else 340, [c for _, c, _ in shown] + [INK, INK],
                   x_title="Best score (%)", y_title="Learners", xrange=(0, 100), zero=0,
                   range=(0, top),
                   x_labels=list(range(0, 101, 10 if wide else 20)), x_value_formatter=_whole,
                   min_scale=1, max_scale=5, print_values=False, print_labels=True,
                   show_x_guides=False, legend_at_bottom_columns=3 if wide else 1,
                   margin_right=16, margin_bottom=14, css=css)  # fmt: skip
    for title, _, bars in shown:
        chart.add(title, bars, fill=True, show_dots=False)
    chart.add(f"pass mark: {pass_mark:g}%", [(pass_mark, 0), (pass_mark, top)], show_dots=False,
              stroke_style=DASHED)  # fmt: skip
    chart.add(None, counts, stroke=False, dots_size=0)  # the counts, not in the legend
    fs = _value_size(width)
    return _accessible(
        chart.render(is_unicode=True), id, "Best score per learner",
        f"Bar chart: learners per ten-point band of their best score; a dashed line marks the "
        f"pass mark of {pass_mark:g}%, and the bands at or above it are darker. The same figures "
        "are in the table below.", (fs, fs * 4 / 3 + 5),  # 5 units above the bar
    )  # fmt: skip


def _whole(value: float) -> str:
    return f"{value:g}"


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
    chart = _chart(pygal.HorizontalBar, width, 90 + 52 * len(shown), (GREY, BAR),
                   range=(0, scale), show_y_guides=False, show_x_guides=True,
                   formatter=lambda v: f"{v:.1f}")  # fmt: skip
    chart.x_labels = [f"S{i}" for i in range(len(shown), 0, -1)]  # numbered in the table
    chart.add("start", [r.before for r in reversed(shown)])
    chart.add("end", [r.after for r in reversed(shown)])
    return _accessible(
        chart.render(is_unicode=True), id, "Self-assessment at the start and at the end",
        f"Horizontal bars: each statement's mean rating (1 to {scale}) at the start (grey) and at the end "
        "(blue) of the course. The same figures are in the table below.",
    )  # fmt: skip


def quiz_map(points: Sequence[tuple[int, float, float, str]], width: int, id: str, easy: float,
             hard: float, weak: float) -> Markup:  # fmt: skip
    """Questions placed by facility (x, 0-1) and point-biserial (y), on the flag zones.

    ``points`` are (question number, facility, point-biserial, worst flag severity or "").
    An XY chart: one dot series per severity (its colour and legend), each dot labelled with
    its question number; the zones are filled series in light tints, filled down to pygal's
    ``zero``, the bottom of the y range (the weak zone is traced round, so it fills 0 to weak).
    """
    wide = width >= WIDE
    low = max(math.floor(min([-0.2, *(p[2] for p in points)]) * 5) / 5, -1.0)
    high = min(math.ceil(max([0.8, *(p[2] for p in points)]) * 5) / 5, 1.0)
    every = 0.2 if wide else 0.4
    ticks = [round(k * every, 1) for k in range(math.ceil(low / every - 1e-9),
                                                 math.floor(high / every + 1e-9) + 1)]  # fmt: skip
    severities = (("check", "something to check", CHECK),
                  ("review", "something to review", REVIEW), ("", "no flag", BAR))  # fmt: skip
    dots = []  # one series per severity that has questions: (title, colour, labelled points)
    for severity, title, colour in severities:
        values = [{"value": (f, r), "label": str(n)} for n, f, r, s in points if s == severity]
        if values:
            dots.append((title, colour, values))
    zones = [
        (f"too hard: under {hard:.0%}", ZONE, [(0.0, high), (hard, high)]),
        (f"too easy: over {easy:.0%}", ZONE, [(easy, high), (1.0, high)]),
        # traced round: filled from 0 up to weak only, not down to the bottom
        (f"weak: 0 to {weak:.2f}", ZONE_WEAK, [(0, 0), (0, weak), (1, weak), (1, 0), (0, 0)]),
        ("check the key: below 0", ZONE_BAD, [(0.0, 0.0), (1.0, 0.0)]),
    ]
    tints = range(len(dots), len(dots) + len(zones))  # the zones' series
    css = _css(id, ".dot { stroke: #ffffff; stroke-width: 1.5px; }",
               ".legend rect { stroke: #1b1b1b; stroke-width: 0.5px; }",
               *(f".serie-{i} .line {{ fill-opacity: 0.35; stroke-width: 0; }}" for i in tints),
               *(f"#activate-serie-{i} rect {{ fill-opacity: 0.35; }}" for i in tints))  # fmt: skip
    chart = _chart(pygal.XY, width, 400 if wide else 560,
                   [d[1] for d in dots] + [z[1] for z in zones],
                   x_title="Facility: share correct at the first attempt",
                   y_title="Discrimination (point-biserial)", range=(low, high), zero=low,
                   xrange=(0, 1), x_labels=[0, 0.25, 0.5, 0.75, 1] if wide else [0, 0.5, 1],
                   x_value_formatter=lambda v: f"{v:.0%}", y_labels=ticks,
                   value_formatter=_tick, print_values=False, print_labels=True,
                   # None: pygal's 3 columns; asked for 3, it leaves room for 7 // 3 rows only
                   legend_at_bottom_columns=None if wide else 1,
                   margin_right=20, margin_bottom=14, css=css)  # fmt: skip
    for title, _, values in dots:
        chart.add(title, values, stroke=False, dots_size=9)
    for title, _, corners in zones:
        chart.add(title, corners, fill=True, show_dots=False)
    fs = _value_size(width)
    return _accessible(
        chart.render(is_unicode=True), id, "Facility against discrimination, per question",
        "Each numbered dot is a question, placed by the share of learners who answered it "
        "correctly (left: hard, right: easy) and by its point-biserial discrimination (higher is "
        "better). Shaded: too hard, too easy, weak discrimination, and below zero, check the "
        "key. The same figures are in the table below.", (fs, fs),
    )  # fmt: skip


def _tick(value: float) -> str:
    """A discrimination tick: ``0`` (pygal draws its line as the axis), or one decimal."""
    return "0" if abs(value) < 1e-9 else f"{value:.1f}".replace("-", "\u2212")
