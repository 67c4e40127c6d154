"""The pipeline end to end, in process: determinism, package contents, size budget."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml

from cpd_pack.build import build_packages, check_course, make_packages
from cpd_pack.exceptions import BuildError, CourseError
from cpd_pack.schemas import validation_errors

COURSES = Path(__file__).parent / "fixtures" / "courses"


def test_same_source_gives_byte_identical_zips(mini_dir: Path, tmp_path: Path) -> None:
    first = [p.read_bytes() for p in build_packages(mini_dir, out_dir=tmp_path / "a").paths]
    second = [p.read_bytes() for p in build_packages(mini_dir, out_dir=tmp_path / "b").paths]
    assert first == second


def test_source_date_epoch_changes_only_the_times(
    mini_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = make_packages(mini_dir, ["scorm12"])[0].data
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    dated = make_packages(mini_dir, ["scorm12"])[0].data
    assert plain != dated
    with zipfile.ZipFile(io.BytesIO(plain)) as a, zipfile.ZipFile(io.BytesIO(dated)) as b:
        assert a.namelist() == b.namelist()
        assert all(a.read(n) == b.read(n) for n in a.namelist())


@pytest.mark.parametrize(
    ("fmt", "schema_set"), [("scorm12", "scorm12"), ("scorm2004", "scorm2004-4th")]
)
def test_package_contents(mini_dir: Path, fmt: str, schema_set: str) -> None:
    (package,) = make_packages(mini_dir, [fmt])
    with zipfile.ZipFile(io.BytesIO(package.data)) as archive:
        names = archive.namelist()
        manifest = archive.read("imsmanifest.xml")
        adapter = archive.read("js/lms.js")
    assert validation_errors(schema_set, manifest) == []
    assert {"index.html", "js/player.js", "js/lms.js", "css/cpd.css"} <= set(names)
    assert {"media/hello.wav", "media/square.png"} <= set(names)
    assert names == sorted(names)
    assert (b"API_1484_11" in adapter) == (fmt == "scorm2004")


def test_unknown_format_is_refused(mini_dir: Path) -> None:
    with pytest.raises(
        BuildError, match="unknown format 'pdf'; expected one of: scorm2004, scorm12, xapi, cmi5"
    ):
        make_packages(mini_dir, ["pdf"])


def test_a_course_whose_state_cannot_fit_scorm12_fails_clearly(tmp_path: Path) -> None:
    options = [{"text": f"Option {i}", "correct": i == 0} for i in range(26)]
    questions = [
        {"id": f"q-{n}", "type": "multiple", "prompt": "Pick", "options": options}
        for n in range(820)
    ]
    course = {
        "id": "huge",
        "title": "Huge quiz",
        "units": [{"title": "U", "pages": [{"title": "Quiz", "blocks": [{"quiz": "final"}]}]}],
        "quiz": {"questions": questions},
    }
    (tmp_path / "course.yaml").write_text(yaml.safe_dump(course), encoding="utf-8")
    with pytest.raises(BuildError) as info:
        build_packages(tmp_path, ["scorm2004", "scorm12"], out_dir=tmp_path / "dist")
    assert info.value.message == (
        "scorm12: the course's saved state can need 4135 characters, but SCORM 1.2 keeps at most "
        "4096 in cmi.suspend_data; use fewer pages, questions, options or self-assessment "
        "statements, or build only scorm2004"
    )
    assert not (tmp_path / "dist").exists()
    assert len(make_packages(tmp_path, ["scorm2004"])) == 1


BAD_WARNINGS = COURSES / "bad-warnings"


def test_out_below_an_existing_file_is_refused(mini_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    out = tmp_path / "file" / "sub"
    with pytest.raises(BuildError) as info:
        build_packages(mini_dir, ["scorm12"], out_dir=out)
    assert info.value.message == (
        f"{out.as_posix()}: cannot write the packages here: {(tmp_path / 'file').as_posix()!r} "
        "is a file; choose another --out folder"
    )
    with pytest.raises(BuildError, match="here: it is a file; choose another --out folder"):
        build_packages(mini_dir, ["scorm12"], out_dir=tmp_path / "file")
    assert [p.name for p in tmp_path.iterdir()] == ["file"]


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("<p>\n{{ course.title }\n", "index.html:2:1: template error: unexpected '}'"),
        ("<p>\n\n{{ nope }}\n", "index.html:3:1: template error: 'nope' is undefined"),
        ("{% include 'gone.html' %}", "index.html:1:1: template error: template 'gone.html' not found"),
        ("<p>\xff</p>", "index.html:1:1: template error: not UTF-8 text (invalid start byte); "
         "save the template as UTF-8"),
    ],
)  # fmt: skip
def test_template_errors_name_the_file_and_line(
    mini_dir: Path, tmp_path: Path, template: str, message: str
) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "index.html").write_bytes(template.encode("latin-1"))
    with pytest.raises(BuildError) as info:
        build_packages(mini_dir, ["scorm12"], tmp_path / "dist", templates)
    assert info.value.message == f"{templates.as_posix()}/{message}"
    assert not (tmp_path / "dist").exists()


def test_warnings_are_returned_and_strict_makes_them_errors(tmp_path: Path) -> None:
    prefix = f"{BAD_WARNINGS.as_posix()}/"
    built = build_packages(BAD_WARNINGS, ["scorm12"], tmp_path / "a")
    assert [p.name for p in built.paths] == ["bad-warnings-1.0-scorm12.zip"]
    assert [str(w).removeprefix(prefix) for w in built.warnings] == [
        "course.yaml:3:1: pass_mark: warning: 1 means 1%; did you mean 100?",
        "course.yaml:7:9: units[0].pages[0].id: warning: is empty: a '#' starts a comment; if "
        'that is the value, quote it: id: "#welcome"',
        "course.yaml:13:13: units[0].pages[0].blocks[0].text: warning: raw HTML '<kbd>' (and 1 "
        "more) is shown to learners as literal text, not as HTML; write it in Markdown instead",
        "course.yaml:15:15: units[0].pages[0].blocks[1].image.src: warning: 'media/dot.png' holds "
        "a GIF image, not a PNG image; rename it 'media/dot.gif' so that browsers and LMSs get "
        "its type right",
        "pages/notes.md:3:1: warning: raw HTML '<b>' (and 2 more) is shown to learners as literal "
        "text, not as HTML; write it in Markdown instead",
    ]
    assert check_course(BAD_WARNINGS).warnings == built.warnings
    with pytest.raises(CourseError) as info:
        build_packages(BAD_WARNINGS, ["scorm12"], tmp_path / "b", strict=True)
    lines = info.value.message.splitlines()
    assert [line.removeprefix(prefix) for line in lines[:-1]] == [
        str(w).removeprefix(prefix) for w in built.warnings
    ]
    assert lines[-1] == "5 problems found (5 warnings, errors with --strict); nothing was written."
    assert not (tmp_path / "b").exists()
    with pytest.raises(CourseError):
        make_packages(BAD_WARNINGS, ["scorm12"], strict=True)


def test_errors_are_reported_with_the_warnings_found_so_far(tmp_path: Path) -> None:
    shutil.copytree(BAD_WARNINGS, tmp_path / "c")
    (tmp_path / "c" / "pages" / "notes.md").unlink()
    with pytest.raises(CourseError) as info:
        make_packages(tmp_path / "c", ["scorm12"])
    lines = info.value.message.splitlines()
    assert lines[-1] == "4 problems found (3 warnings); nothing was written."
    assert lines[3].endswith("units[0].pages[1].blocks[0].file: file not found: 'pages/notes.md'")


def test_a_clean_course_has_no_warnings(mini_dir: Path, tmp_path: Path) -> None:
    assert build_packages(mini_dir, ["scorm12"], tmp_path, strict=True).warnings == ()
    assert check_course(mini_dir, strict=True).warnings == ()
