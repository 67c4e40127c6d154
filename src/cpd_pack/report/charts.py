"""Geometry of the report's three charts, in SVG user units, for the template to draw.

Each chart is made twice: :data:`WIDE` for a screen or paper, :data:`NARROW` for a phone (the
page shows one of them with a CSS media query), so that its text stays readable: an SVG scaled
down to a phone's width would shrink 12-unit labels to 6 pixels.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

WIDE, NARROW = 640, 360
LEFT, RIGHT, TOP, BOTTOM = 52, 14, 30, 46
"""Margins around the plot area: room for the axis labels and titles."""


@dataclass(frozen=True)
class Bar:
    """One bar, with the text drawn by it."""

    x: float
    y: float
    width: float
    height: float
    label: str
    value: str
    strong: bool = True
    """Drawn in the full colour (a score band at or above the pass mark; a funnel step)."""


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


def _frame(width: int, height: int) -> Frame:
    return Frame(width, height, LEFT, width - RIGHT, TOP, height - BOTTOM)


def nice_top(largest: int) -> tuple[int, int]:
    """An axis top at or above ``largest`` and a tick step giving at most five steps."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if largest <= step * 5:
            return max(step, math.ceil(largest / step) * step), step
    step = 10 ** math.ceil(math.log10(largest / 5))
    return math.ceil(largest / step) * step, step


def histogram(bins: Sequence[tuple[str, int]], pass_mark: float, width: int) -> dict[str, Any]:
    """Learners per ten-point band of their best score, with the pass mark."""
    frame = _frame(width, 260)
    largest = max((count for _, count in bins), default=0)
    top, step = nice_top(largest + max(1, largest // 10))  # room for the labels over the bars
    band = (frame.x1 - frame.x0) / max(len(bins), 1)
    bars = []
    for i, (label, count) in enumerate(bins):
        height = (frame.y1 - frame.y0) * count / top
        low = float(label.split("-")[0])
        bars.append(Bar(frame.x0 + i * band + 1.5, frame.y1 - height, band - 3, height, label,
                        str(count) if count else "", low >= pass_mark))  # fmt: skip
    every = 10 if width >= WIDE else 20
    pass_x = frame.x(pass_mark / 100)
    return {
        "frame": frame,
        "bars": bars,
        "x_ticks": [Tick(frame.x(v / 100), str(v)) for v in range(0, 101, every)],
        "y_ticks": [Tick(frame.y(v / top), str(v)) for v in range(0, top + 1, step)],
        "pass_x": pass_x,
        "pass_anchor": "end" if pass_x > frame.x(0.6) else "start",
        "pass_label": f"pass mark {pass_mark:g}%",
    }


def quiz_map(
    points: Sequence[tuple[int, float, float, str]], width: int, easy: float, hard: float,
    weak: float,
) -> dict[str, Any]:  # fmt: skip
    """Questions placed by facility (x, 0-1) and point-biserial (y), with the flag zones.

    ``points`` are (question number, facility, point-biserial, worst flag severity or "").
    """
    frame = _frame(width, 320 if width >= WIDE else 420)  # taller on a phone: fewer overlaps
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


def funnel(steps: Sequence[Any], width: int) -> dict[str, Any]:
    """Horizontal bars, one per step of the course funnel."""
    label_width = 190 if width >= WIDE else 132
    most = max((step.reached for step in steps), default=0) or 1
    room = width - label_width - 48
    bars = [
        Bar(label_width, 4 + i * 32, room * step.reached / most, 22, step.label, str(step.reached))
        for i, step in enumerate(steps)
    ]
    return {"bars": bars, "height": 8 + len(bars) * 32, "width": width}
