from __future__ import annotations

import time
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


def first_problem(root: Path) -> str:
    with pytest.raises(CourseError) as info:
        load_course(root)
    return info.value.message.splitlines()[0].removeprefix(f"{root.as_posix()}/")


def test_control_characters_are_located_with_a_fix(tmp_path: Path) -> None:
    (tmp_path / "course.yaml").write_text("id: a\ntitle: Bad\x00title\n", encoding="utf-8")
    assert first_problem(tmp_path) == (
        "course.yaml:2:11: invalid YAML: control character U+0000 is not allowed; delete it "
        '(most editors do not show it), or write it as "\\x00" inside a double-quoted value'
    )


def test_bytes_fixture_reports_every_file_at_the_bad_byte() -> None:
    assert problems_of(COURSES / "bad-bytes") == [
        "units/empty.yaml:1:1: the unit file is empty; a unit needs a 'title' and 'pages'",
        "units/latin1.yaml:3:15: not UTF-8 text: byte 0xE9 cannot be read (invalid "
        "continuation byte); save the file as UTF-8 (in most editors: Save As, Encoding: UTF-8)",
        "units/nul.yaml:3:17: invalid YAML: control character U+0000 is not allowed; delete it "
        '(most editors do not show it), or write it as "\\x00" inside a double-quoted value',
    ]


def problems_of(root: Path) -> list[str]:
    from cpd_pack.validate import validate_course

    with pytest.raises(CourseError) as info:
        validate_course(load_course(root))
    return [
        line.removeprefix(f"{root.as_posix()}/") for line in info.value.message.splitlines()[:-1]
    ]


def test_utf16_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "course.yaml").write_bytes("id: a\n".encode("utf-16"))
    assert first_problem(tmp_path) == (
        "course.yaml:1:1: not UTF-8 text: the file is saved as UTF-16; save it as UTF-8"
    )


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n"])
def test_an_empty_unit_file_is_a_problem_not_a_crash(tmp_path: Path, text: str) -> None:
    (tmp_path / "course.yaml").write_text("id: a\ntitle: T\nunits:\n  - u.yaml\n")
    (tmp_path / "u.yaml").write_text(text)
    assert problems_of(tmp_path) == [
        "u.yaml:1:1: the unit file is empty; a unit needs a 'title' and 'pages'"
    ]


def test_unit_files_listed_twice_or_the_course_file_itself(tmp_path: Path) -> None:
    (tmp_path / "course.yaml").write_text(
        "id: a\ntitle: T\nunits:\n  - u.yaml\n  - ./u.yaml\n  - course.yaml\n"
    )
    (tmp_path / "u.yaml").write_text("title: U\npages: [{title: P, blocks: [{text: x}]}]\n")
    assert problems_of(tmp_path) == [
        "course.yaml:5:5: units[1]: './u.yaml' is listed already as units[0]; list each unit "
        "file once",
        "course.yaml:6:5: units[2]: 'course.yaml' is the course file itself; list unit files here",
    ]


BILLION_LAUGHS = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [
        f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    ]
)


def test_an_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    (tmp_path / "course.yaml").write_text(BILLION_LAUGHS + "\n")
    started = time.perf_counter()
    message = first_problem(tmp_path)
    assert time.perf_counter() - started < 0.5
    assert message == (
        "course.yaml:1:4: invalid YAML: aliases (*name) expand this file to 490,329,064 values; "
        "write the repeated values out, or use fewer aliases (at most 1,000,000 more values)"
    )


def test_aliases_within_reason_still_work(tmp_path: Path) -> None:
    (tmp_path / "course.yaml").write_text("id: a\nfeedback: &fb {correct: Well done}\nagain: *fb\n")
    assert load_course(tmp_path).data["again"] == {"correct": "Well done"}


def test_an_alias_loop_is_refused(tmp_path: Path) -> None:
    (tmp_path / "course.yaml").write_text("id: a\nunits: &u [1, *u]\n")
    assert first_problem(tmp_path) == (
        "course.yaml:2:8: invalid YAML: an alias (*name) refers to the value that contains it; "
        "remove the loop"
    )


@pytest.mark.parametrize(
    ("depth", "message"),
    [
        (100, "course.yaml:1:67: invalid YAML: values are nested more than 64 levels deep here; "
              "check the indentation and the brackets"),
        (5000, "course.yaml:1:1003: invalid YAML: exceeded maximum nesting depth"),
    ],
)  # fmt: skip
def test_deep_nesting_is_refused_quickly(tmp_path: Path, depth: int, message: str) -> None:
    (tmp_path / "course.yaml").write_text("a: " + "[" * depth + "]" * depth + "\n")
    started = time.perf_counter()
    assert first_problem(tmp_path) == message
    assert time.perf_counter() - started < 0.5


def test_a_tab_in_the_indentation_gets_a_hint(tmp_path: Path) -> None:
    (tmp_path / "course.yaml").write_text("id: a\nunits:\n\t- x\n")
    assert first_problem(tmp_path) == (
        "course.yaml:3:1: invalid YAML: found character that cannot start any token (YAML "
        "indents with spaces only; replace the tab with spaces)"
    )


def test_unsafe_tags_are_refused(tmp_path: Path) -> None:
    (tmp_path / "course.yaml").write_text("id: !!python/object/apply:os.system ['true']\n")
    assert first_problem(tmp_path).startswith(
        "course.yaml:1:5: invalid YAML: could not determine a constructor for the tag"
    )


def test_odd_keys_are_quoted_in_field_paths() -> None:
    assert format_path(("units", 0, "my key", "a\nb", 3, "ok_1")) == (
        "units[0]['my key']['a\\nb'][3].ok_1"
    )


@pytest.mark.parametrize(
    ("rel", "message"),
    [
        (
            "media/Square.PNG",
            "file not found: 'media/Square.PNG'; did you mean 'media/square.png'?",
        ),
        (
            "Media/square.png",
            "file not found: 'Media/square.png'; did you mean 'media/square.png'?",
        ),
        (
            "media/square.jpg",
            "file not found: 'media/square.jpg'; did you mean 'media/square.png'?",
        ),
        ("media/circle.png", "file not found: 'media/circle.png'"),
    ],
)
def test_missing_files_get_a_did_you_mean(tmp_path: Path, rel: str, message: str) -> None:
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "square.png").write_bytes(b"")
    assert resolve_inside(tmp_path, rel) == message


def test_symlinks_out_of_the_folder_and_loops(tmp_path: Path) -> None:
    course = tmp_path / "course"
    course.mkdir()
    (tmp_path / "secret.png").write_bytes(b"")
    (course / "out.png").symlink_to(tmp_path / "secret.png")
    (course / "loop.png").symlink_to("loop.png")
    assert (
        resolve_inside(course, "out.png") == "must stay inside the course folder; found 'out.png'"
    )
    assert str(resolve_inside(course, "loop.png")).startswith("cannot be read: 'loop.png' (")


def test_a_number_too_long_for_python(tmp_path: Path) -> None:
    (tmp_path / "course.yaml").write_text("id: a\nhours: " + "9" * 5000 + "\n")
    assert first_problem(tmp_path) == (
        "course.yaml:1:1: invalid YAML: a number has more than 4300 digits; put it in quotes if "
        "it is text"
    )
