"""Exact error messages for broken fixture courses (tests/fixtures/courses/bad-*)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cpd_pack.exceptions import CourseError, CourseWarning
from cpd_pack.loader import load_course
from cpd_pack.validate import validate, validate_course

COURSES = Path(__file__).parent / "fixtures" / "courses"


def problems(name: str) -> list[str]:
    with pytest.raises(CourseError) as info:
        validate_course(load_course(COURSES / name))
    prefix = f"{COURSES.as_posix()}/{name}/"
    lines = info.value.message.splitlines()
    assert lines[-1].endswith("found; nothing was written.")
    return [line.removeprefix(prefix) for line in lines[:-1]]


def test_unknown_keys_bad_values_and_empty_titles_are_all_reported() -> None:
    assert problems("bad-keys") == [
        "course.yaml:1:1: title: required key is missing",
        "course.yaml:2:1: titel: unknown key 'titel'; did you mean 'title'?",
        "course.yaml:3:1: pass_mark: must be at most 100; found 150",
        "course.yaml:5:5: units[0].title: must not be empty",
        "course.yaml:9:13: units[0].pages[0].blocks[0].txt: unknown key 'txt'; did you mean 'text'?",
        "course.yaml:12:15: units[0].pages[0].blocks[1].reflection.anwser: "
        "unknown key 'anwser'; did you mean 'answer'?",
    ]


def test_questions_need_exactly_the_right_correct_answers() -> None:
    assert problems("bad-quiz") == [
        "course.yaml:11:7: quiz.questions[0]: no option is marked 'correct: true'; "
        "a question needs a correct answer",
        "course.yaml:17:7: quiz.questions[1]: a single-choice question has exactly one correct "
        "option; found 2",
        "course.yaml:25:7: quiz.questions[2]: a true-false question needs 'answer: true' or "
        "'answer: false'",
    ]


def test_missing_and_escaping_files_are_reported_in_their_own_file() -> None:
    assert problems("bad-files") == [
        "course.yaml:5:5: units[1]: file not found: 'units/missing.yaml'",
        "units/one.yaml:5:9: pages[0].blocks[0].file: file not found: 'pages/nowhere.md'",
        "units/one.yaml:7:11: pages[0].blocks[1].image.src: must stay inside the course folder; "
        "found '../../outside.png'",
    ]


def test_duplicate_ids_name_the_first_use() -> None:
    first = f"{COURSES.as_posix()}/bad-ids/course.yaml"
    assert problems("bad-ids") == [
        f"course.yaml:11:5: units[1].id: duplicate unit id 'unit-a' (first used at {first}:4)",
        "course.yaml:14:9: units[1].pages[0].title: duplicate page id 'intro' made from the "
        f"title (first used at {first}:7); give this page its own 'id'",
        "course.yaml:25:7: quiz.questions[0].id: duplicate question id 'q-1' "
        f"(first used at {first}:18)",
    ]


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("version: 1.0\n", "course.yaml:4:1: version: expected text; found 1.0"),
        ("pass_mark: -1\n", "course.yaml:4:1: pass_mark: must be at least 0; found -1"),
        (
            "completion: all\n",
            "course.yaml:4:1: completion: expected 'pages', 'quiz' or "
            "'pages-and-quiz'; found 'all'",
        ),
        (
            "completion: quiz\n",
            "course.yaml:4:1: completion: 'quiz' needs a 'quiz'; this course has none",
        ),
        (
            "quiz: {max_attempts: 1.5, questions: [{id: q, type: true-false, prompt: P, answer: true}]}\n",
            "course.yaml:4:8: quiz.max_attempts: expected a whole number; found 1.5",
        ),
        (
            "quiz: {max_attempts: 0, questions: [{id: q, type: true-false, prompt: P, answer: true}]}\n",
            "course.yaml:4:8: quiz.max_attempts: must be at least 1; found 0",
        ),
        (
            "id: Bad Id\n",
            "course.yaml:4:1: id: must be lowercase letters, digits and hyphens, starting "
            "with a letter, at most 64 characters; found 'Bad Id'",
        ),
    ],
)
def test_single_field_problems(tmp_path: Path, yaml_text: str, expected: str) -> None:
    base = "title: T\nunits:\n  - {title: U, pages: [{title: P, blocks: [{text: Hi}]}]}\n"
    if not yaml_text.startswith("id:"):
        base = "id: c\n" + base
        base, expected = base.replace("id: c\n", "id: c\n", 1), expected.replace(":4:", ":5:")
    assert first_problem(tmp_path, base + yaml_text) == f"{tmp_path.as_posix()}/{expected}"


def first_problem(folder: Path, course_yaml: str) -> str:
    """The first line of the error a course made of ``course_yaml`` alone raises."""
    (folder / "course.yaml").write_text(course_yaml)
    with pytest.raises(CourseError) as info:
        validate_course(load_course(folder))
    return info.value.message.splitlines()[0]


def test_a_statement_id_may_not_repeat_one_made_from_a_position(tmp_path: Path) -> None:
    course = (
        "id: c\ntitle: T\nunits:\n  - {title: U, pages: [{title: P, blocks: [{self_assessment: before}]}]}\n"
        "self_assessment:\n  statements:\n    - text: A\n    - {id: s1, text: B}\n"
    )
    assert first_problem(tmp_path, course) == (
        f"{tmp_path.as_posix()}/course.yaml:8:8: self_assessment.statements[1].id: duplicate "
        f"statement id 's1' (first used at {tmp_path.as_posix()}/course.yaml:7)"
    )


def test_block_needs_exactly_one_kind(tmp_path: Path) -> None:
    course = (
        "id: c\ntitle: T\nunits:\n  - title: U\n    pages:\n      - title: P\n        blocks:\n"
        "          - text: Hi\n            key_points: [a]\n"
    )
    assert first_problem(tmp_path, course).endswith(
        "course.yaml:8:13: units[0].pages[0].blocks[0]: a block needs exactly one of: text, file, "
        "reflection, case_study, key_points, review, knowledge_check, media, image, reading, "
        "activity, self_assessment, quiz, certificate; found text, key_points"
    )


def test_the_mini_course_is_valid(mini_dir: Path) -> None:
    course = validate_course(load_course(mini_dir))
    assert course.completion_rule == "pages-and-quiz"
    assert course.quiz is not None
    assert [q.type for q in course.quiz.questions] == ["single", "multiple", "true-false"]


@pytest.mark.parametrize(
    ("media", "message"),
    [
        (
            "{src: talk.mp4, title: Talk, transcript: t.md}",
            "a video needs 'captions' (a WebVTT file) so every learner can follow it",
        ),
        (
            "{src: talk.ogg, title: Talk}",
            "an audio piece needs a 'transcript' so every learner can follow it",
        ),
        (
            "{src: t.md, title: Talk, transcript: t.md}",
            "must end with .mp3, .ogg, .oga, .m4a, .wav, .mp4, .webm, .ogv; found 't.md'",
        ),
    ],
)
def test_media_must_be_accessible(tmp_path: Path, media: str, message: str) -> None:
    (tmp_path / "talk.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42")
    (tmp_path / "talk.ogg").write_bytes(b"OggS\x00\x02")
    (tmp_path / "t.md").write_bytes(b"x")
    (tmp_path / "course.yaml").write_text(
        "id: c\ntitle: T\nunits:\n  - title: U\n    pages:\n      - title: P\n        blocks:\n"
        f"          - media: {media}\n"
    )
    with pytest.raises(CourseError) as info:
        validate_course(load_course(tmp_path))
    assert info.value.message.splitlines()[0].split(": ", 2)[2] == message


def test_common_author_mistakes_fixture() -> None:
    assert problems("bad-mistakes") == [
        "course.yaml:3:1: pass_mark: is a percentage from 0 to 100, not a fraction; found 0.7: "
        "did you mean 70?",
        "course.yaml:7:9: units[0].pages[0].title: expected text; found nothing (a '#' starts "
        'a comment, so YAML read no value: quote it, as in title: "#1 Welcome")',
        "course.yaml:13:15: units[0].pages[1].blocks[0].image.src: file not found: "
        "'media/Photo.png'; did you mean 'media/photo.png'?",
        "course.yaml:16:15: units[0].pages[1].blocks[1].media.src: 'media/talk.mp3' holds text, "
        "not MP3 audio",
        "course.yaml:19:9: units[0].pages[2].blocks: required key is missing",
        "course.yaml:20:5: units[0].blocks: unknown key 'blocks' here; it looks mis-indented: it "
        "belongs to units[0].pages[2] (line 19), so indent it to line up with the keys there",
    ]


def test_warnings_are_returned_not_raised() -> None:
    course, warnings = validate(load_course(COURSES / "bad-warnings"))
    prefix = f"{COURSES.as_posix()}/bad-warnings/"
    assert course.pass_mark == 1
    assert [str(w).removeprefix(prefix) for w in warnings] == [
        "course.yaml:3:1: pass_mark: warning: 1 means 1%; did you mean 100?",
        "course.yaml:7:9: units[0].pages[0].id: warning: is empty: a '#' starts a comment; if "
        'that is the value, quote it: id: "#welcome"',
        "course.yaml:15:15: units[0].pages[0].blocks[1].image.src: warning: 'media/dot.png' "
        "holds a GIF image, not a PNG image; rename it 'media/dot.gif' so that browsers and "
        "LMSs get its type right",
    ]
    assert all(isinstance(w, CourseWarning) for w in warnings)


def _course(tmp_path: Path, blocks: str, extra: str = "") -> Path:
    (tmp_path / "course.yaml").write_text(
        "id: c\ntitle: T\nunits:\n  - title: U\n    pages:\n      - title: P\n        blocks:\n"
        + blocks
        + extra
    )
    return tmp_path


def messages(root: Path) -> list[str]:
    """The problems found in ``root``, without their file:line:col."""
    with pytest.raises(CourseError) as info:
        validate_course(load_course(root))
    return [line.split(": ", 1)[1] for line in info.value.message.splitlines()[:-1]]


@pytest.mark.parametrize(
    ("blocks", "expected"),
    [
        (  # a block's inner mapping removed
            "          - reflection:\n",
            "units[0].pages[0].blocks[0]: 'reflection' is empty; write the block's content "
            "after 'reflection:'",
        ),
        (  # replaced by another type
            "          - reflection: 3\n",
            "units[0].pages[0].blocks[0].reflection: expected a mapping of keys; found 3",
        ),
        (  # the block list replaced by a number, by nothing
            "            3\n",
            "units[0].pages[0].blocks: expected a list; found 3",
        ),
        ("", "units[0].pages[0].blocks: expected a list; found nothing"),
        (  # an empty block
            "          - {}\n",
            "units[0].pages[0].blocks[0]: a block needs exactly one of: text, file, reflection, "
            "case_study, key_points, review, knowledge_check, media, image, reading, activity, "
            "self_assessment, quiz, certificate; found nothing",
        ),
        (
            "          - text: #1 Hello\n",
            "units[0].pages[0].blocks[0]: 'text' is empty; write the block's content after "
            "'text:' (a '#' starts a comment, so YAML read no value: quote it, as in "
            'text: "#1 Hello")',
        ),
        (
            "          - key_points:\n            - #1 point\n",
            "units[0].pages[0].blocks[0].key_points[0]: expected text; found nothing (a '#' "
            'starts a comment, so YAML read no value: quote it, as in - "#1 point")',
        ),
        (
            '          - text: "a\\x01b"\n',
            "units[0].pages[0].blocks[0].text: contains the control character U+0001, which web "
            "pages and manifests cannot hold; delete it",
        ),
        (
            "          - reflection:\n              text: Think\n            prompt: Why?\n",
            "units[0].pages[0].blocks[0].prompt: unknown key 'prompt' here; it looks "
            "mis-indented: it belongs to units[0].pages[0].blocks[0].reflection (line 8), so "
            "indent it to line up with the keys there",
        ),
    ],
)
def test_mutated_blocks_are_reported_not_crashed(
    tmp_path: Path, blocks: str, expected: str
) -> None:
    assert expected in messages(_course(tmp_path, blocks))


@pytest.mark.parametrize(
    ("content", "message", "error"),
    [
        (b"", "'a.png' is empty; expected a PNG image", True),
        (b"<svg/>", "'a.png' holds text, not a PNG image", True),
        (b"\x00\x01\x02\x03", "'a.png' does not hold a PNG image (it does not start as one does); "
         "export it again", True),
        (b"ID3\x03\x00", "'a.png' holds MP3 audio, not a PNG image", True),
        (b"\xff\xd8\xff\xe0", "'a.png' holds a JPEG image, not a PNG image; rename it 'a.jpg' so "
         "that browsers and LMSs get its type right", False),
        (b"\x89PNG\r\n\x1a\n", None, False),
    ],
)  # fmt: skip
def test_media_content_must_match_its_extension(
    tmp_path: Path, content: bytes, message: str | None, error: bool
) -> None:
    (tmp_path / "a.png").write_bytes(content)
    _course(tmp_path, "          - image: {src: a.png, alt: A}\n")
    if error:
        assert messages(tmp_path) == [f"units[0].pages[0].blocks[0].image.src: {message}"]
        return
    _, warnings = validate(load_course(tmp_path))
    assert [w.message for w in warnings] == ([message] if message else [])


def test_captions_must_be_webvtt(tmp_path: Path) -> None:
    (tmp_path / "v.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42")
    (tmp_path / "c.vtt").write_text("1\n00:00:01,000 --> 00:00:02,000\nHi\n")
    _course(tmp_path, "          - media: {src: v.mp4, title: V, captions: c.vtt}\n")
    assert messages(tmp_path) == [
        "units[0].pages[0].blocks[0].media.captions: 'c.vtt' is not a WebVTT captions file: it "
        "must start with the line 'WEBVTT'"
    ]


def test_a_comment_with_a_space_is_not_a_warning(tmp_path: Path) -> None:
    _course(tmp_path, "          - text: Hi\n", "hours: # to do\n")
    assert messages(tmp_path) == ["hours: expected a number; found nothing"]
    (tmp_path / "course.yaml").write_text(
        (tmp_path / "course.yaml").read_text().replace("hours: # to do", "xapi: # none yet")
    )
    assert validate(load_course(tmp_path))[1] == []
