"""The report's charts (cpd_pack.report.charts): pygal's SVG with no script and nothing fetched,
named for assistive technology, with the figures and series the report needs; the hand-drawn quiz
map's range, flag zones and the phone variants' coarser ticks."""

from __future__ import annotations

import re

from lxml import etree

from cpd_pack.report.analysis import FunnelStep, RatingChange
from cpd_pack.report.charts import NARROW, SVG, WIDE, attempts, funnel, histogram, quiz_map, ratings
from cpd_pack.report.html import plain

BINS = (("0-9", 0), ("10-19", 0), ("20-29", 0), ("30-39", 6), ("40-49", 4), ("50-59", 6),
        ("60-69", 13), ("70-79", 6), ("80-89", 1), ("90-100", 0))  # fmt: skip
NS = {"s": SVG}


def _texts(svg: str, where: str) -> list[str]:
    root = etree.fromstring(svg.encode("utf-8"))
    return [t.text for t in root.xpath(where, namespaces=NS) if t.text]  # pygal writes empty ones


def test_charts_are_self_contained_and_named() -> None:
    svg = str(histogram(BINS, 70, WIDE, "scores-w"))
    assert not re.search(r"<script|xlink:href|@import|url\(|https?://(?!www\.w3\.org)", svg)
    assert not svg.startswith("<?xml")
    root = etree.fromstring(svg.encode("utf-8"))
    assert (root.get("id"), root.get("role"), root.get("aria-labelledby")) == (
        "scores-w", "img", "scores-w-title scores-w-desc",
    )  # fmt: skip
    assert _texts(svg, "/s:svg/s:title") == ["Best score per learner"]
    assert _texts(svg, "/s:svg/s:desc") == [
        "Bar chart: learners per ten-point band of their best score; bands at or above the pass "
        "mark of 70% are darker. The same figures are in the table below."
    ]
    assert len(root.xpath("//s:desc | //s:title", namespaces=NS)) == 2  # no tooltip texts
    assert "#scores-w " in svg and "chart-" not in svg  # pygal's CSS bound to the fixed id


def test_histogram_marks_the_bands_at_or_above_the_pass_mark() -> None:
    svg = str(histogram(BINS, 70, WIDE, "h"))
    assert _texts(svg, "//s:g[contains(@class, 'legend')]/s:text") == [
        "below the pass mark (70%)", "at or above the pass mark (70%)",
    ]  # fmt: skip
    below = _texts(svg, "//s:g[contains(@class, 'serie-0')]//s:text[contains(@class, 'value')]")
    above = _texts(svg, "//s:g[contains(@class, 'serie-1')]//s:text[contains(@class, 'value')]")
    assert (below, above) == (["6", "4", "6", "13"], ["6", "1"])  # empty bands print nothing
    labels = _texts(svg, "//s:g[contains(@class, 'axis x')]//s:text")
    assert labels == ["0\u20139", "10\u201319", "20\u201329", "30\u201339", "40\u201349",
                      "50\u201359", "60\u201369", "70\u201379", "80\u201389", "90\u2013100"]  # fmt: skip
    narrow = str(histogram(BINS, 62.5, NARROW, "n"))
    assert "below the pass mark (62.5%)" in narrow and 'viewBox="0 0 360 320"' in narrow


def test_funnel_attempts_and_ratings() -> None:
    steps = [
        FunnelStep("Known to the data", "course", 40, 0),
        FunnelStep("Passed", "course", 10, 0),
    ]
    svg = str(funnel(steps, NARROW, "f"))
    assert _texts(svg, "//s:text[contains(@class, 'value')]") == ["10", "40"]  # bottom up
    assert "Known to the data" in _texts(svg, "//s:g[contains(@class, 'axis y')]//s:text")
    both = str(attempts([(1, 38), (2, 3)], [(1, 30), (3, 1)], WIDE, "a"))
    assert _texts(both, "//s:g[contains(@class, 'serie-0')]//s:text") == ["38", "3"]
    assert _texts(both, "//s:g[contains(@class, 'serie-1')]//s:text") == ["30", "1"]
    assert str(attempts([], [], WIDE, "a")) == ""
    rows = [
        RatingChange("a", "Listen", 12, 2.5, 3.8, 0.6),
        RatingChange("b", "X", 3, None, None, None),
    ]
    svg = str(ratings(rows, 5, NARROW, "r"))
    assert _texts(svg, "//s:text[contains(@class, 'value')]") == ["3.8", "2.5"]  # end, start
    assert str(ratings(rows[1:], 5, WIDE, "r")) == ""


def test_quiz_map_range_zones_and_colours() -> None:
    points = [(1, 0.5, 0.3, ""), (2, 0.95, -0.51, "check"), (3, 0.1, 0.9, "review")]
    wide = quiz_map(points, WIDE, easy=0.9, hard=0.3, weak=0.2)
    assert [t.label for t in wide["y_ticks"]] == [
        "-0.6", "-0.4", "-0.2", "0.0", "0.2", "0.4", "0.6", "0.8", "1.0",
    ]  # fmt: skip
    frame = wide["frame"]
    assert (wide["hard_x"], wide["easy_x"]) == (frame.x(0.3), frame.x(0.9))
    assert wide["zero"] == frame.y(0.6 / 1.6) and wide["weak"] == frame.y(0.8 / 1.6)
    assert [(p["label"], p["severity"]) for p in wide["points"]] == [
        ("1", ""), ("2", "check"), ("3", "review"),
    ]  # fmt: skip
    narrow = quiz_map([], NARROW, easy=0.9, hard=0.3, weak=0.2)
    assert [t.label for t in narrow["y_ticks"]] == ["-0.2", "0.2", "0.6"]
    assert [t.label for t in narrow["x_ticks"]] == ["0%", "50%", "100%"]


def test_prompts_lose_their_markdown_emphasis() -> None:
    assert plain("What does *Gillick competence* mean? **Both**, _either_; snake_case; 2 * 3") == (
        "What does Gillick competence mean? Both, either; snake_case; 2 * 3"
    )


def test_build_does_not_import_pygal() -> None:
    import subprocess
    import sys

    code = "import sys, cpd_pack.build; print('pygal' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout == "False\n"
