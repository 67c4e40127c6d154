"""The course theme (src/cpd_pack/theme.py): WCAG contrast maths, validation errors with file,
line and the ratio found, the generated css/theme.css, image widths, logo and signature in the
site, and the size of the browser runtime."""

from __future__ import annotations

import gzip
import re
import shutil
from pathlib import Path

import pytest

from cpd_pack import theme
from cpd_pack.exceptions import CourseError
from cpd_pack.loader import load_course
from cpd_pack.model import Theme
from cpd_pack.outline import build_outline
from cpd_pack.render import adapter_source, render_site
from cpd_pack.validate import validate_course

COURSES = Path(__file__).parent / "fixtures" / "courses"
THEMED = COURSES / "themed"
REPO = Path(__file__).resolve().parents[1]


def _site(course: Path) -> dict[str, bytes]:
    return render_site(build_outline(validate_course(load_course(course))), course)


@pytest.fixture(scope="module")
def themed_site() -> dict[str, bytes]:
    return _site(THEMED)


def _course_with_theme(tmp_path: Path, theme_yaml: str) -> Path:
    """The mini course with ``theme_yaml`` (indented mapping lines) inserted after line 4."""
    root = Path(shutil.copytree(COURSES / "mini", tmp_path / "c"))
    course = root / "course.yaml"
    lines = course.read_text(encoding="utf-8").splitlines(keepends=True)
    course.write_text("".join([*lines[:4], "theme:\n", theme_yaml, *lines[4:]]), encoding="utf-8")
    return root


def _problems(course: Path) -> list[str]:
    with pytest.raises(CourseError) as info:
        validate_course(load_course(course))
    prefix = f"{course.as_posix()}/"
    return [line.removeprefix(prefix) for line in info.value.message.splitlines()[:-1]]


# --------------------------------------------------------------------------- contrast maths


def test_contrast_ratios_match_the_wcag_definition() -> None:
    assert theme.contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert theme.contrast("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert round(theme.contrast("#777777", "#ffffff"), 2) == 4.48  # the classic just-failing grey
    assert round(theme.contrast("#767676", "#ffffff"), 2) == 4.54  # and the one that passes
    assert round(theme.contrast("#ffffff", "#1a4f7a"), 2) == 8.59  # the default header
    assert theme.contrast("#1a4f7a", "#ffffff") == theme.contrast("#ffffff", "#1a4f7a")


def test_the_default_theme_and_the_themed_fixture_pass() -> None:
    assert list(theme.problems(Theme())) == []
    assert list(theme.problems(Theme(primary_color="#6B2D5C", accent_color="#1d6b5f"))) == []


def test_each_failing_colour_is_reported_once_with_the_ratio_found() -> None:
    found = list(theme.problems(Theme(primary_color="#7fb3d5", accent_color="#e0a000")))
    assert found == [
        (
            ("theme", "primary_color"),
            "white text on #7fb3d5 (header and buttons) has a contrast ratio of 2.25:1; "
            "WCAG AA needs at least 4.5:1, so choose a darker colour",
        ),
        (
            ("theme", "accent_color"),
            "#e0a000 links on white has a contrast ratio of 2.28:1; "
            "WCAG AA needs at least 4.5:1, so choose a darker colour",
        ),
    ]


def test_an_accent_that_passes_on_white_but_not_on_the_light_background_fails() -> None:
    # 4.54:1 on white, under 4.5:1 on #f3f5f7 (the tinted background links also sit on)
    assert round(theme.contrast("#767676", theme.WHITE), 2) == 4.54
    assert list(theme.problems(Theme(accent_color="#767676"))) == [
        (
            ("theme", "accent_color"),
            "#767676 links on the light background #f3f5f7 has a contrast ratio of 4.15:1; "
            "WCAG AA needs at least 4.5:1, so choose a darker colour",
        )
    ]


# --------------------------------------------------------------------------- validation


def test_contrast_failures_are_validation_errors_at_their_line(tmp_path: Path) -> None:
    course = _course_with_theme(
        tmp_path, '  primary_color: "#7fb3d5"\n  accent_color: "#0b57a0"\n  provider: Acme\n'
    )
    assert _problems(course) == [
        "course.yaml:6:3: theme.primary_color: white text on #7fb3d5 (header and buttons) has a "
        "contrast ratio of 2.25:1; WCAG AA needs at least 4.5:1, so choose a darker colour"
    ]


def test_theme_values_are_checked(tmp_path: Path) -> None:
    course = _course_with_theme(
        tmp_path,
        '  primary_color: "blue"\n'
        '  accent_color: "#12345"\n'
        "  font_stack: 'Comic; background: url(x)'\n"
        "  logo: media/missing.png\n"
        "  signature: media/hello.md\n"
        "  primary_colour: red\n",
    )
    assert _problems(course) == [
        "course.yaml:6:3: theme.primary_color: must be a colour written as #rrggbb; found 'blue'",
        "course.yaml:7:3: theme.accent_color: must be a colour written as #rrggbb; found '#12345'",
        "course.yaml:8:3: theme.font_stack: must be font names separated by commas, such as "
        "'Georgia, serif'; found 'Comic; background: url(x)'",
        "course.yaml:9:3: theme.logo: file not found: 'media/missing.png'",
        "course.yaml:10:3: theme.signature: must end with .png, .jpg, .jpeg, .gif, .svg, .webp; "
        "found 'media/hello.md'",
        "course.yaml:11:3: theme.primary_colour: unknown key 'primary_colour'; "
        "did you mean 'primary_color'?",
    ]


def test_image_width_and_align_are_checked(tmp_path: Path) -> None:
    root = Path(shutil.copytree(COURSES / "mini", tmp_path / "c"))
    unit = root / "units" / "01-start.yaml"
    text = unit.read_text(encoding="utf-8")
    text = text.replace("          caption: Figure 1. A square.\n",
                        "          caption: Figure 1. A square.\n          width: 120%\n"
                        "          align: middle\n")  # fmt: skip
    unit.write_text(text, encoding="utf-8")
    assert _problems(root) == [
        "units/01-start.yaml:32:11: pages[1].blocks[4].image.width: must be small, medium, "
        "full or a percentage such as '40%'; found '120%'",
        "units/01-start.yaml:33:11: pages[1].blocks[4].image.align: expected 'left', 'center' "
        "or 'right'; found 'middle'",
    ]


def test_an_image_still_needs_its_alt_key(tmp_path: Path) -> None:
    """alt stays required; only an explicit alt: "" marks an image as decorative."""
    root = Path(shutil.copytree(COURSES / "mini", tmp_path / "c"))
    unit = root / "units" / "01-start.yaml"
    text = unit.read_text(encoding="utf-8").replace("          alt: A red square\n", "")
    unit.write_text(text, encoding="utf-8")
    assert _problems(root) == [
        "units/01-start.yaml:28:9: pages[1].blocks[4].image.alt: required key is missing"
    ]


# --------------------------------------------------------------------------- the site


def test_theme_css_holds_the_colours_font_and_used_widths(themed_site: dict[str, bytes]) -> None:
    assert themed_site["css/theme.css"].decode() == (
        "/* cpd-pack theme: generated from course.yaml 'theme:' (docs/theming.md). */\n"
        ":root {\n"
        "  --brand: #6b2d5c;\n"
        "  --accent: #1d6b5f;\n"
        "  --link: #1d6b5f;\n"
        '  --font: Georgia, "Times New Roman", serif;\n'
        "}\n"
        ".cpd-w-40 { width: 40%; }\n"
        ".cpd-w-small { width: 33%; }\n"
    )


def test_the_default_theme_css(mini_dir: Path) -> None:
    css = _site(mini_dir)["css/theme.css"].decode()
    assert "  --brand: #1a4f7a;\n  --accent: #0b57a0;\n" in css
    assert f"  --font: {theme.DEFAULT_FONT};\n" in css
    assert "cpd-w-" not in css


def test_logo_signature_and_provider_are_in_the_page(themed_site: dict[str, bytes]) -> None:
    html = themed_site["index.html"].decode()
    assert themed_site["media/logo.svg"] == (THEMED / "media" / "logo.svg").read_bytes()
    assert themed_site["media/signature.svg"] == (THEMED / "media" / "signature.svg").read_bytes()
    assert html.count('src="media/logo.svg" alt="Northway Institute of Counselling">') == 2
    assert '<img src="media/signature.svg" alt="Signature">' in html
    assert '<p class="cpd-cert-provider">Northway Institute of Counselling</p>' in html
    assert html.index('href="css/cpd.css"') < html.index('href="css/theme.css"')
    assert "style=" not in html  # the CSP allows no inline style: the theme is a stylesheet


def test_images_get_their_width_and_alignment_and_decorative_ones_no_name(
    themed_site: dict[str, bytes],
) -> None:
    html = themed_site["index.html"].decode()
    figures = re.findall(r'<figure class="cpd-image ([^"]*)">\s*<img ([^>]*)>', html)
    assert figures == [
        ("cpd-w-small cpd-align-left", 'src="media/square.png" alt="A red square"'),
        ("cpd-w-40 cpd-align-right", 'src="media/square.png" alt="" role="presentation"'),
    ]


def test_theme_css_is_in_every_format_and_the_runtime_stays_small(mini_dir: Path) -> None:
    """JS + CSS gzipped (what a package's browser runtime loads, per format) <= 40 KB."""
    site = _site(REPO / "course_source")
    base = b"".join(data for name, data in sorted(site.items()) if name.endswith((".js", ".css")))
    sizes = {
        fmt: len(gzip.compress(base + adapter_source(fmt), 9, mtime=0))
        for fmt in ("scorm12", "scorm2004", "xapi", "cmi5")
    }
    assert "css/theme.css" in site and "js/certificate.js" in site
    assert max(sizes.values()) <= 40 * 1024, sizes
