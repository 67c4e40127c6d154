from __future__ import annotations

import re
import shutil
from pathlib import Path

import jinja2
import pytest

from cpd_pack.exceptions import CourseError
from cpd_pack.loader import load_course
from cpd_pack.outline import Outline, build_outline
from cpd_pack.render import adapter_source, data_json, render_site
from cpd_pack.validate import validate_course

RUNTIME_SCRIPTS = [
    "js/lz-string.js",
    "js/state.js",
    "js/lms.js",
    "js/certificate.js",
    "js/contents.js",
    "js/questions.js",
    "js/quiz.js",
    "js/reflections.js",
    "js/player.js",
]
"""The runtime's scripts in the order index.html loads them (test_hostile_content.py uses it)."""


def _outline(root: Path) -> Outline:
    return build_outline(validate_course(load_course(root)))


@pytest.fixture(scope="module")
def site(mini_outline: Outline, mini_dir: Path) -> dict[str, bytes]:
    return render_site(mini_outline, mini_dir)


@pytest.fixture()
def course_copy(tmp_path: Path, mini_dir: Path) -> Path:
    """A writable copy of the mini course."""
    return Path(shutil.copytree(mini_dir, tmp_path / "mini"))


def _html(site: dict[str, bytes]) -> str:
    return site["index.html"].decode("utf-8")


def test_site_files(site: dict[str, bytes]) -> None:
    assert sorted(site) == [
        "css/cpd.css",
        "css/theme.css",
        "index.html",
        "js/certificate.js",
        "js/contents.js",
        "js/lz-string.js",
        "js/player.js",
        "js/questions.js",
        "js/quiz.js",
        "js/reflections.js",
        "js/state.js",
        "media/hello.wav",
        "media/square.png",
    ]
    assert site["media/square.png"].startswith(b"\x89PNG")


def test_every_page_is_a_section_and_scripts_load_in_order(
    site: dict[str, bytes], mini_outline: Outline
) -> None:
    html = _html(site)
    for page in mini_outline.pages:
        assert f'<section class="cpd-page" id="page-{page.id}" data-page="{page.id}"' in html
        assert (
            f'<h1 id="title-{page.id}" class="cpd-page-title" tabindex="-1">{page.title}</h1>'
            in html
        )
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert scripts == RUNTIME_SCRIPTS
    assert '<html lang="en-GB">' in html
    assert html.count("<h1 ") == len(mini_outline.pages) + 1  # + the "left the course" view


def test_controls_and_hooks(site: dict[str, bytes]) -> None:
    html = _html(site)
    for action in ("prev", "next", "exit", "submit-quiz", "retake-quiz", "check", "print"):
        assert f'data-action="{action}"' in html
    assert 'name="q-q-single" value="a"' in html
    assert 'name="q-q-tf" value="false"' in html
    assert 'name="kc-kc-listen" value="b"' in html
    assert 'name="sa-before-listen" value="5"' in html
    assert 'data-reflection="learning-r1"' in html and 'data-reflection="wrap-up-r1"' in html
    assert 'role="progressbar"' in html
    assert "<main " in html and "<nav " in html and "<header " in html


def test_data_island(site: dict[str, bytes], mini_outline: Outline) -> None:
    data = data_json(site)
    assert data["course"] == {
        "id": "mini-course", "title": "Mini course", "hours": 2.0, "version": "1.0", "language": "en-GB",
    }  # fmt: skip
    assert data["passMark"] == 70.0
    assert data["completion"] == "pages-and-quiz"
    assert data["hash"] == mini_outline.structure_hash
    assert [p["id"] for p in data["pages"]] == [
        "welcome",
        "learning",
        "wrap-up",
        "final-quiz",
        "certificate",
    ]
    assert [p["unit"] for p in data["pages"]] == [0, 0, 1, 1, 1]
    assert data["quiz"]["shuffle"] is True
    assert data["quiz"]["questions"][1] == {
        "id": "q-multi", "type": "multiple", "options": ["a", "b", "c"], "correct": ["a", "b"],
        "text": "Which are fruits?",
    }  # fmt: skip
    assert data["quiz"]["questions"][2]["options"] == ["true", "false"]
    assert data["quiz"]["questions"][2]["correct"] == ["false"]
    assert data["checks"][0]["id"] == "kc-listen"
    assert data["reflections"] == [
        {"id": "learning-r1", "page": "learning"},
        {"id": "wrap-up-r1", "page": "wrap-up"},
    ]
    assert data["statements"] == ["listen", "s2"]
    assert data["scale"] == 5
    assert (data["quiz_page"], data["certificate_page"]) == ("final-quiz", "certificate")
    assert (data["sa_before_page"], data["sa_after_page"]) == ("welcome", "wrap-up")


def test_markdown_is_rendered_and_images_rewritten(site: dict[str, bytes]) -> None:
    html = _html(site)
    assert '<img src="media/square.png" alt="A red square" />' in html
    assert "<h2>Learning</h2>" in html  # from pages/learning.md
    assert "Think of a time you felt <em>heard</em>." in html
    assert '<audio controls preload="metadata" src="media/hello.wav"' in html
    assert "<p>Hello and welcome to the mini course.</p>" in html  # transcript


def test_text_is_escaped_and_raw_html_disabled(course_copy: Path) -> None:
    yaml = course_copy / "course.yaml"
    text = yaml.read_text().replace(
        "title: Mini course", 'title: "Mini <script>alert(1)</script> & co"'
    )
    yaml.write_text(text)
    (course_copy / "pages" / "learning.md").write_text(
        "# Top\n\n<b>bold</b> and <script>x</script>\n"
    )
    html = _html(render_site(_outline(course_copy), course_copy))
    assert "<script>alert(1)</script>" not in html
    assert "Mini &lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and "<b>bold</b>" not in html
    assert "<h2>Top</h2>" in html  # a Markdown h1 is demoted below the page title
    data = data_json(render_site(_outline(course_copy), course_copy))
    assert data["course"]["title"] == "Mini <script>alert(1)</script> & co"


def test_missing_image_in_markdown_file(course_copy: Path) -> None:
    (course_copy / "pages" / "learning.md").write_text(
        "## Learning\n\nText\nmore ![x](media/gone.png)\n"
    )
    with pytest.raises(CourseError) as err:
        render_site(_outline(course_copy), course_copy)
    assert str(err.value.message).splitlines()[0] == (
        f"{course_copy.as_posix()}/pages/learning.md:4:1: image: file not found: 'media/gone.png'"
    )


def test_missing_link_target_in_yaml_block_scalar(course_copy: Path) -> None:
    unit = course_copy / "units" / "01-start.yaml"
    unit.write_text(
        unit.read_text().replace("## Hello", "## Hello\n          See [notes](notes/a.pdf).")
    )
    with pytest.raises(CourseError) as err:
        render_site(_outline(course_copy), course_copy)
    assert [str(p) for p in err.value.problems] == [
        f"{course_copy.as_posix()}/units/01-start.yaml:10:9: pages[0].blocks[0].text: "
        "link: file not found: 'notes/a.pdf'"
    ]


def test_link_outside_course_and_urls(course_copy: Path) -> None:
    (course_copy / "pages" / "learning.md").write_text(
        "[web](https://example.org) [mail](mailto:a@b.c) [top](#x) [up](../course.yaml)\n"
    )
    with pytest.raises(CourseError) as err:
        render_site(_outline(course_copy), course_copy)
    assert [p.message for p in err.value.problems] == [
        "link: must stay inside the course folder; found '../course.yaml'"
    ]


def test_linked_course_file_is_copied(course_copy: Path) -> None:
    (course_copy / "notes.txt").write_text("notes")
    (course_copy / "pages" / "learning.md").write_text("[notes](notes.txt)\n")
    site = render_site(_outline(course_copy), course_copy)
    assert site["media/notes.txt"] == b"notes"
    assert '<a href="media/notes.txt">notes</a>' in _html(site)


def test_deterministic(mini_outline: Outline, mini_dir: Path, site: dict[str, bytes]) -> None:
    assert render_site(mini_outline, mini_dir) == site
    assert list(site) == sorted(site)


def test_templates_override_and_strict_undefined(
    tmp_path: Path, mini_outline: Outline, mini_dir: Path
) -> None:
    (tmp_path / "static" / "css").mkdir(parents=True)
    (tmp_path / "static" / "css" / "cpd.css").write_text("body{}")
    site = render_site(mini_outline, mini_dir, tmp_path)
    assert site["css/cpd.css"] == b"body{}"
    assert b"cpd-data" in site["index.html"]  # index.html still comes from the built-ins
    (tmp_path / "index.html").write_text("{{ course.title }} {{ no_such_name }}")
    with pytest.raises(jinja2.UndefinedError, match="no_such_name"):
        render_site(mini_outline, mini_dir, tmp_path)


def test_adapters() -> None:
    for fmt in ("scorm12", "scorm2004", "xapi", "cmi5", "none"):
        assert b"window.CPD_LMS" in adapter_source(fmt)
    assert b'"API_1484_11"' in adapter_source("scorm2004")
    for fmt in ("xapi", "cmi5"):  # the shared xAPI client and adapter come first
        source = adapter_source(fmt)
        assert source.index(b"CPD_XAPI_CLIENT = {") < source.index(b"CPD_XAPI_ADAPTER = function")
        assert source.index(b"CPD_XAPI_ADAPTER = function") < source.rindex(b"window.CPD_LMS =")
    assert b"CPD_XAPI_CLIENT" not in adapter_source("scorm12")
    with pytest.raises(ValueError, match="unknown adapter 'aicc'"):
        adapter_source("aicc")


def test_asset_paths_are_normalised(course_copy: Path) -> None:
    (course_copy / "pics").mkdir()
    (course_copy / "pics" / "a_b.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (course_copy / "pages" / "learning.md").write_text(
        "![one](./media/square.png) ![two](pics/a_b.png) [three](media/hello.md#top)\n"
    )
    site = render_site(_outline(course_copy), course_copy)
    html = _html(site)
    assert '<img src="media/square.png" alt="one" />' in html
    assert '<img src="media/pics/a_b.png" alt="two" />' in html
    assert '<a href="media/hello.md#top">three</a>' in html
    assert site["media/pics/a_b.png"] == b"\x89PNG\r\n\x1a\n"


def test_two_files_for_one_archive_path(course_copy: Path) -> None:
    (course_copy / "square.png").write_bytes(b"other")
    (course_copy / "pages" / "learning.md").write_text("![a](square.png)\n")
    with pytest.raises(CourseError) as err:
        render_site(_outline(course_copy), course_copy)
    assert [p.message for p in err.value.problems] == [
        "image: 'square.png' and 'media/square.png' would both be stored as 'media/square.png'; "
        "rename one"
    ]


def test_markdown_file_not_utf8(course_copy: Path) -> None:
    (course_copy / "pages" / "learning.md").write_bytes(b"Hello\nthe caf\xe9\n")
    with pytest.raises(CourseError) as err:
        render_site(_outline(course_copy), course_copy)
    assert [str(p) for p in err.value.problems] == [
        f"{course_copy.as_posix()}/pages/learning.md:2:8: not UTF-8 text: byte 0xE9 cannot be read "
        "(invalid continuation byte); save the file as UTF-8 (in most editors: Save As, Encoding: UTF-8)"
    ]


def test_a_file_named_in_markdown_holds_what_its_name_says(course_copy: Path) -> None:
    (course_copy / "media" / "fake.png").write_text("not a picture")
    (course_copy / "pages" / "learning.md").write_text("Intro\n\n![A chart](media/fake.png)\n")
    with pytest.raises(CourseError) as err:
        render_site(_outline(course_copy), course_copy)
    assert [str(p) for p in err.value.problems] == [
        f"{course_copy.as_posix()}/pages/learning.md:3:1: image: 'media/fake.png' holds text, not a PNG image"
    ]
