"""The report's chart geometry (cpd_pack.report.charts): axis tops and ticks, which score bands
are drawn as passing, the quiz map's range and flag zones, and the phone variants' coarser ticks.
"""

from __future__ import annotations

from cpd_pack.report.analysis import FunnelStep
from cpd_pack.report.charts import NARROW, WIDE, funnel, histogram, nice_top, quiz_map
from cpd_pack.report.html import plain

BINS = (("0-9", 0), ("10-19", 0), ("20-29", 0), ("30-39", 6), ("40-49", 4), ("50-59", 6),
        ("60-69", 13), ("70-79", 6), ("80-89", 1), ("90-100", 0))  # fmt: skip


def test_nice_top() -> None:
    assert [nice_top(n) for n in (0, 1, 4, 5, 6, 13, 26, 99, 1234, 40_000)] == [
        (1, 1), (1, 1), (4, 1), (5, 1), (6, 2), (15, 5), (30, 10), (100, 20), (1250, 250),
        (40_000, 10_000),
    ]  # fmt: skip


def test_histogram_marks_the_bands_at_or_above_the_pass_mark() -> None:
    wide = histogram(BINS, 70, WIDE)
    assert [b.strong for b in wide["bars"]] == [False] * 7 + [True] * 3
    assert [b.value for b in wide["bars"]] == ["", "", "", "6", "4", "6", "13", "6", "1", ""]
    assert [t.label for t in wide["y_ticks"]] == ["0", "5", "10", "15"]
    assert [t.label for t in wide["x_ticks"]] == [str(v) for v in range(0, 101, 10)]
    assert (round(wide["pass_x"], 1), wide["pass_anchor"], wide["pass_label"]) == (
        453.8, "end", "pass mark 70%",  # 52 + 0.7 * (640 - 52 - 14)
    )  # fmt: skip
    narrow = histogram(BINS, 62.5, NARROW)
    assert [t.label for t in narrow["x_ticks"]] == ["0", "20", "40", "60", "80", "100"]
    assert narrow["pass_label"] == "pass mark 62.5%"


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


def test_funnel_bars_scale_to_the_first_step() -> None:
    steps = [
        FunnelStep("Known to the data", "course", 40, 0),
        FunnelStep("Passed", "course", 10, 0),
    ]
    bars = funnel(steps, NARROW)["bars"]
    assert [(b.x, b.y, round(b.width, 1), b.value) for b in bars] == [
        (132, 4, 180.0, "40"), (132, 36, 45.0, "10"),
    ]  # fmt: skip


def test_prompts_lose_their_markdown_emphasis() -> None:
    assert plain("What does *Gillick competence* mean? **Both**, _either_; snake_case; 2 * 3") == (
        "What does Gillick competence mean? Both, either; snake_case; 2 * 3"
    )


def test_histogram_leaves_room_over_the_tallest_bar() -> None:
    one = histogram((("0-9", 0), ("60-69", 1)), 60, WIDE)
    assert [t.label for t in one["y_ticks"]] == ["0", "1", "2"]
    five = histogram((("0-9", 5),), 60, WIDE)
    assert [t.label for t in five["y_ticks"]] == ["0", "2", "4", "6"]
