"""The report's charts (cpd_pack.report.charts): pygal's SVG with no script and nothing fetched,
named for assistive technology, with the figures and series the report needs; the histogram's
pass-mark line and the quiz map's dots and zones where their data puts them (read back through
the chart's own axes), and the phone variants' coarser ticks."""

from __future__ import annotations

import re

import pytest
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
        "Bar chart: learners per ten-point band of their best score; a dashed line marks the pass "
        "mark of 70%, and the bands at or above it are darker. The same figures are in the table "
        "below."
    ]
    assert len(root.xpath("//s:desc | //s:title", namespaces=NS)) == 2  # no tooltip texts
    assert "#scores-w " in svg and "chart-" not in svg  # pygal's CSS bound to the fixed id


def _numbers(d: str) -> list[tuple[float, float]]:
    """The points of an SVG path written as pygal writes them (``M x y L x y x y ...``)."""
    values = [float(v) for v in re.findall(r"-?[\d.]+", d)]
    return list(zip(values[::2], values[1::2], strict=True))


def _scale(root: etree._Element, axis: str) -> tuple[float, float]:
    """(offset, slope) turning a value on the chart's ``axis`` into its position, from the
    positions pygal gave two of its labels (each label's guide line starts at its position)."""
    found = {}
    for guides in root.xpath(f"//s:g[@class='axis {axis}' or @class='axis {axis} always_show']"
                             "/s:g[@class='guides']", namespaces=NS):  # fmt: skip
        label = guides.find(f"{{{SVG}}}text").text.replace("\u2212", "-")
        x, y = [float(v) for v in re.findall(r"[\d.]+", guides.find(f"{{{SVG}}}path").get("d"))][:2]
        value = float(label.rstrip("%")) / (100 if label.endswith("%") else 1)
        found[value] = x if axis == "x" else y
    (v0, p0), (v1, p1) = sorted(found.items())[:2]
    return p0 - v0 * (p1 - p0) / (v1 - v0), (p1 - p0) / (v1 - v0)


def _series(root: etree._Element, index: int, layer: str = "plot") -> etree._Element:
    return root.xpath(f"//s:g[@class='{layer}']/s:g[contains(@class, 'serie-{index} ')]",
                      namespaces=NS)[0]  # fmt: skip


def test_histogram_draws_the_pass_mark_between_the_bands() -> None:
    svg = str(histogram(BINS, 70, WIDE, "h"))
    root = etree.fromstring(svg.encode("utf-8"))
    assert "xy-graph" in root.xpath(
        "string(//s:g[contains(@class, 'graph')]/@class)", namespaces=NS
    )
    assert _texts(svg, "//s:g[contains(@class, 'legend')]/s:text") == [
        "below the pass mark", "at or above the pass mark", "pass mark: 70%",
    ]  # fmt: skip
    x0, dx = _scale(root, "x")

    def edges(index: int) -> list[float]:  # each bar's left and right edge, in score points
        xs = [round((x - x0) / dx, 3) for x, _ in _numbers(_series(root, index)[0].get("d"))]
        return sorted(set(xs))

    assert edges(0) == [30.6, 39.4, 40.6, 49.4, 50.6, 59.4, 60.6, 69.4]  # below: 30-69
    assert edges(1) == [70.6, 79.4, 80.6, 89.4]  # at or above: 70-89 (empty bands not drawn)
    line = _series(root, 2)[0]
    assert [round((x - x0) / dx, 3) for x, _ in _numbers(line.get("d"))] == [70, 70]
    assert "nofill" in line.get("class")
    assert "#h .series.serie-2{stroke-dasharray:7,4}" in svg  # pygal's stroke_style
    assert "#h .serie-2 .line{stroke-width:2.5px;stroke-opacity:1}" in svg  # on pygal's 1px
    # the counts: centred 5 units above their bars, dark, and not in the legend
    y0, dy = _scale(root, "y")
    labels = _series(root, 3, "plot text-overlay")
    assert [t.text for t in labels] == ["6", "4", "6", "13", "6", "1"]
    assert [round((float(t.get("x")) - x0) / dx, 2) for t in labels] == [35, 45, 55, 65, 75, 85]
    assert [round((float(t.get("y")) + 5 - y0) / dy, 2) for t in labels] == [6, 4, 6, 13, 6, 1]
    assert {t.get("text-anchor") for t in labels} == {"middle"}
    assert "#h .text-overlay .serie-3 text{fill:#1b1b1b}" in svg
    # the line reaches the top of the plot, which leaves room for the tallest bar's count
    assert [round((y - y0) / dy, 2) for _, y in _numbers(line.get("d"))] == [0, 14.95]
    narrow = str(histogram(BINS, 62.5, NARROW, "n"))
    root = etree.fromstring(narrow.encode("utf-8"))
    x0, dx = _scale(root, "x")
    mark = {round((x - x0) / dx, 3) for x, _ in _numbers(_series(root, 2)[0].get("d"))}
    assert mark == {62.5}  # inside the 60-69 band, drawn as below: not all of it passed
    assert 'viewBox="0 0 360 340"' in narrow
    assert _texts(narrow, "//s:g[@class='axis x']//s:text") == ["0", "20", "40", "60", "80", "100"]


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


POINTS = [(1, 0.5, 0.3, ""), (2, 0.95, -0.51, "check"), (3, 0.1, 0.9, "review"),
          (4, 0.62, 0.12, "review"), (5, 1.0, 0.45, "")]  # fmt: skip


def test_quiz_map_places_each_question_by_its_figures() -> None:
    svg = str(quiz_map(POINTS, WIDE, "map-w", easy=0.9, hard=0.3, weak=0.2))
    root = etree.fromstring(svg.encode("utf-8"))
    assert (root.get("id"), root.get("class")) == ("map-w", "pygal-chart")
    assert "xy-graph" in root.xpath(
        "string(//s:g[contains(@class, 'graph')]/@class)", namespaces=NS
    )
    assert _texts(svg, "/s:svg/s:title") == ["Facility against discrimination, per question"]
    assert _texts(svg, "//s:g[contains(@class, 'legend')]/s:text") == [
        "something to check", "something to review", "no flag", "too hard: under 30%",
        "too easy: over 90%", "weak: 0 to 0.20", "check the key: below 0",
    ]  # fmt: skip
    x0, dx = _scale(root, "x")
    y0, dy = _scale(root, "y")
    placed, pixels = {}, {}
    for index, severity in enumerate(["check", "review", ""]):
        dots = _series(root, index, "plot overlay").xpath(".//s:circle", namespaces=NS)
        labels = _series(root, index, "plot text-overlay").xpath("s:text", namespaces=NS)
        assert len(dots) == len(labels)
        for dot, label in zip(dots, labels, strict=True):
            cx, cy = float(dot.get("cx")), float(dot.get("cy"))
            # the number centred on its dot: pygal's offset (one value font size) taken back
            assert (float(label.get("x")), float(label.get("y"))) == pytest.approx(
                (cx, cy + 12 / 3), abs=0.01
            )
            assert (label.get("text-anchor"), dot.get("r")) == ("middle", "9")
            facility, discrimination = (cx - x0) / dx, (cy - y0) / dy
            placed[int(label.text)] = (round(facility, 4), round(discrimination, 4), severity)
            pixels[int(label.text)] = (cx, cy)
    assert placed == {n: (f, r, s) for n, f, r, s in POINTS}
    # a higher facility further right, a higher discrimination higher up (a smaller y)
    assert pixels[4][0] > pixels[1][0] > pixels[3][0] and pixels[1][1] < pixels[4][1]


def test_quiz_map_zones_cover_the_flag_thresholds() -> None:
    svg = str(quiz_map(POINTS, WIDE, "m", easy=0.9, hard=0.3, weak=0.2))
    root = etree.fromstring(svg.encode("utf-8"))
    x0, dx = _scale(root, "x")
    y0, dy = _scale(root, "y")

    def extent(index: int) -> tuple[float, float, float, float]:
        path = _series(root, index)[0]
        assert "nofill" not in path.get("class")  # filled
        points = [((x - x0) / dx, (y - y0) / dy) for x, y in _numbers(path.get("d"))]
        xs, ys = [round(x, 4) for x, _ in points], [round(y, 4) for _, y in points]
        return min(xs), max(xs), min(ys), max(ys)

    # y from -0.6 (below the lowest point, -0.51) to 1.0 (above the highest, 0.9)
    assert extent(3) == (0, 0.3, -0.6, 1.0)  # too hard
    assert extent(4) == (0.9, 1, -0.6, 1.0)  # too easy
    assert extent(6) == (0, 1, -0.6, 0)  # check the key
    # weak: traced round from 0 to 0.2, its fill down to the bottom is a line, not an area
    weak = [(round((x - x0) / dx, 4), round((y - y0) / dy, 4))
            for x, y in _numbers(_series(root, 5)[0].get("d"))]  # fmt: skip
    assert weak == [(0, -0.6), (0, 0), (0, 0.2), (1, 0.2), (1, 0), (0, 0), (0, -0.6)]
    assert _texts(svg, "//s:g[@class='axis y always_show']//s:text") == [
        "\u22120.6", "\u22120.4", "\u22120.2", "0", "0.2", "0.4", "0.6", "0.8", "1.0",
    ]  # fmt: skip
    assert _texts(svg, "//s:g[@class='axis x']//s:text") == ["0%", "25%", "50%", "75%", "100%"]
    for zone in range(3, 7):  # light tints, no outline
        assert f"#m .serie-{zone} .line{{fill-opacity:0.35;stroke-width:0}}" in svg


def test_quiz_map_on_a_phone_and_without_some_severities() -> None:
    svg = str(quiz_map([(7, 0.4, 0.25, "")], NARROW, "map-n", easy=0.9, hard=0.3, weak=0.2))
    assert 'viewBox="0 0 360 560"' in svg
    assert _texts(svg, "//s:g[@class='axis y always_show']//s:text") == [
        "0", "0.4", "0.8",
    ]  # fmt: skip
    assert _texts(svg, "//s:g[@class='axis x']//s:text") == ["0%", "50%", "100%"]
    assert _texts(svg, "//s:g[contains(@class, 'legend')]/s:text")[:2] == [
        "no flag", "too hard: under 30%",
    ]  # fmt: skip
    assert _texts(svg, "//s:g[contains(@class, 'text-overlay')]//s:text") == ["7"]


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
