"""The course theme: WCAG contrast checks of its colours and the ``css/theme.css`` it becomes.

The page's Content-Security-Policy allows no inline style, so the theme reaches the page as a
stylesheet of CSS custom properties that ``css/cpd.css`` reads (``--brand``, ``--accent``, ...).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cpd_pack.loader import Path_
    from cpd_pack.model import Theme

WHITE = "#ffffff"
SOFT = "#f3f5f7"
"""The lightest tinted background links and buttons sit on (``--soft`` in cpd.css)."""
DEFAULTS = {"primary_color": "#1a4f7a", "accent_color": "#0b57a0"}
DEFAULT_FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif'
AA_TEXT = 4.5
"""WCAG 2.1 SC 1.4.3: normal text needs a contrast ratio of at least 4.5:1."""
NAMED_WIDTHS = {"small": "33%", "medium": "60%", "full": "100%"}

# (field, foreground, background, what sits on what)
_PAIRS = (
    ("primary_color", WHITE, "primary_color", "white text on {bg} (header and buttons)"),
    ("primary_color", "primary_color", SOFT, "{fg} text on the light background {bg} (buttons)"),
    ("accent_color", "accent_color", WHITE, "{fg} links on white"),
    ("accent_color", "accent_color", SOFT, "{fg} links on the light background {bg}"),
)


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(color: str) -> float:
    """The relative luminance of ``#rrggbb`` (WCAG 2.1 definition)."""
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two ``#rrggbb`` colours, from 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def colors(theme: Theme) -> dict[str, str]:
    """The theme's colours with the defaults filled in, lowercased."""
    return {name: (getattr(theme, name) or default).lower() for name, default in DEFAULTS.items()}


def problems(theme: Theme) -> Iterator[tuple[Path_, str]]:
    """Yield ``(path, message)`` for each colour pair below WCAG AA contrast (4.5:1)."""
    chosen = colors(theme)
    reported = set()
    for name, fg, bg, what in _PAIRS:
        if getattr(theme, name) is None or name in reported:
            continue
        fore, back = chosen.get(fg, fg), chosen.get(bg, bg)
        ratio = contrast(fore, back)
        if ratio < AA_TEXT:
            reported.add(name)
            shown = what.format(fg=fore, bg=back)
            # rounded down, so a ratio shown as 4.5 is never one that failed
            found = int(ratio * 100) / 100
            yield (
                ("theme", name),
                f"{shown} has a contrast ratio of {found:.2f}:1; WCAG AA needs at least "
                f"{AA_TEXT}:1, so choose a darker colour",
            )


def _width_class(width: str) -> str:
    return "cpd-w-" + width.rstrip("%")


def width_class(width: str | None) -> str:
    """The class that gives an image its ``width`` (empty when it has none)."""
    return "" if width is None else _width_class(width)


def stylesheet(theme: Theme, widths: Iterable[str] = ()) -> bytes:
    """``css/theme.css``: the theme's custom properties and the image widths the course uses."""
    chosen = colors(theme)
    lines = [
        "/* cpd-pack theme: generated from course.yaml 'theme:' (docs/theming.md). */",
        ":root {",
        f"  --brand: {chosen['primary_color']};",
        f"  --accent: {chosen['accent_color']};",
        f"  --link: {chosen['accent_color']};",
        f"  --font: {theme.font_stack or DEFAULT_FONT};",
        "}",
    ]
    for width in sorted(set(widths)):
        value = NAMED_WIDTHS.get(width, width)
        lines.append(f".{_width_class(width)} {{ width: {value}; }}")
    return ("\n".join(lines) + "\n").encode("utf-8")
