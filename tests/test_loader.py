from __future__ import annotations

from pathlib import Path

import pytest

from cpd_pack.exceptions import CourseError
from cpd_pack.loader import format_path, load_course, resolve_inside

COURSES = Path(__file__).parent / "fixtures" / "courses"


def test_units_are_read_from_their_files_with_locations(mini_dir: Path) -> None:
    raw = load_course(mini_dir)
    assert raw.data["units"][0]["title"] == "Start"
    place, field = raw.locations.find(("units", 0, "pages", 1, "blocks", 1, "reflection"))
    assert (place.file, place.line, place.column) == (
        f"{mini_dir.as_posix()}/units/01-start.yaml",
        20,
        9,
    )
    assert field == "pages[1].blocks[1].reflection"


def test_missing_key_points_at_its_mapping(mini_dir: Path) -> None:
    raw = load_course(mini_dir)
    problem = raw.locations.problem(("units", 1, "pages", 0, "nothing"), "x")
    assert (problem.line, problem.column, problem.field) == (17, 9, "units[1].pages[0].nothing")


def test_yaml_syntax_error_names_file_and_line() -> None:
    with pytest.raises(CourseError) as info:
        load_course(COURSES / "bad-yaml")
    assert info.value.message.splitlines()[0] == (
        f"{COURSES.as_posix()}/bad-yaml/course.yaml:6:1: "
        "invalid YAML: did not find expected ',' or ']'"
    )


def test_duplicate_yaml_keys_are_rejected(tmp_path: Path) -> None:
    (tmp_path / "course.yaml").write_text("id: a\ntitle: One\ntitle: Two\nunits: []\n")
    with pytest.raises(CourseError) as info:
        load_course(tmp_path)
    assert f"{tmp_path.as_posix()}/course.yaml:3:1: title: duplicate key" in info.value.message


def test_missing_course_file(tmp_path: Path) -> None:
    with pytest.raises(CourseError) as info:
        load_course(tmp_path)
    assert info.value.message.splitlines()[0] == (
        f"{tmp_path.as_posix()}/course.yaml:1:1: file not found (a course folder needs one)"
    )


def test_course_file_must_be_a_mapping(tmp_path: Path) -> None:
    (tmp_path / "course.yaml").write_text("- just\n- a list\n")
    with pytest.raises(CourseError, match="expected a mapping of keys; found list"):
        load_course(tmp_path)


def test_format_path() -> None:
    assert format_path(("units", 1, "pages", 0, "title")) == "units[1].pages[0].title"
    assert format_path(()) == ""


def test_unquoted_colon_gets_a_hint(tmp_path: Path) -> None:
    (tmp_path / "course.yaml").write_text("id: a\ntitle: Endings: a guide\n")
    with pytest.raises(CourseError) as info:
        load_course(tmp_path)
    assert info.value.message.splitlines()[0] == (
        f"{tmp_path.as_posix()}/course.yaml:2:15: invalid YAML: mapping values are not allowed "
        "in this context (a value that contains ': ' must be put in quotes, or written as a '|' block)"
    )


@pytest.mark.parametrize(
    ("rel", "message"),
    [
        (
            "my file.png",
            "file paths may use only letters, digits, '.', '-', '_' and '/' "
            "(packages are unzipped and served by many different LMSs); found 'my file.png'",
        ),
        ("../x.png", "must stay inside the course folder; found '../x.png'"),
        ("/etc/passwd", "must be a path relative to the course folder; found '/etc/passwd'"),
        ("gone.png", "file not found: 'gone.png'"),
        ("", "must name a file; found an empty path"),
    ],
)
def test_resolve_inside_explains_what_is_wrong(tmp_path: Path, rel: str, message: str) -> None:
    assert resolve_inside(tmp_path, rel) == message


def test_resolve_inside_finds_the_file(tmp_path: Path) -> None:
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "a_b-1.png").write_bytes(b"")
    assert (
        resolve_inside(tmp_path, "media/a_b-1.png") == (tmp_path / "media" / "a_b-1.png").resolve()
    )
