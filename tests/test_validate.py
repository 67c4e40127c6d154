"""Exact error messages for broken fixture courses (tests/fixtures/courses/bad-*)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cpd_pack.exceptions import CourseError
from cpd_pack.loader import load_course
from cpd_pack.validate import slugify, validate_course

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


def test_duplicate_ids() -> None:
    assert problems("bad-ids") == [
        "course.yaml:11:5: units[1].id: duplicate unit id 'unit-a' (first used at units[0].id)",
        "course.yaml:14:9: units[1].pages[0].title: duplicate page id 'intro' "
        "(first used at units[0].pages[0].id)",
        "course.yaml:25:7: quiz.questions[0].id: duplicate question id 'q-1' "
        "(first used at units[1].pages[0].blocks[1].knowledge_check.id)",
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
    (tmp_path / "course.yaml").write_text(base + yaml_text)
    with pytest.raises(CourseError) as info:
        validate_course(load_course(tmp_path))
    assert info.value.message.splitlines()[0] == f"{tmp_path.as_posix()}/{expected}"


def test_block_needs_exactly_one_kind(tmp_path: Path) -> None:
    (tmp_path / "course.yaml").write_text(
        "id: c\ntitle: T\nunits:\n  - title: U\n    pages:\n      - title: P\n        blocks:\n"
        "          - text: Hi\n            key_points: [a]\n"
    )
    with pytest.raises(CourseError) as info:
        validate_course(load_course(tmp_path))
    assert info.value.message.splitlines()[0].endswith(
        "course.yaml:8:13: units[0].pages[0].blocks[0]: a block needs exactly one of: text, file, "
        "reflection, case_study, key_points, review, knowledge_check, media, image, "
        "self_assessment, quiz, certificate; found text, key_points"
    )


def test_the_mini_course_is_valid(mini_dir: Path) -> None:
    course = validate_course(load_course(mini_dir))
    assert course.completion_rule == "pages-and-quiz"
    assert [q.type for q in course.quiz.questions] == ["single", "multiple", "true-false"]


def test_slugify() -> None:
    assert slugify("The Beginning: first sessions!") == "the-beginning-first-sessions"
    assert slugify("2 endings", "page") == "page-2-endings"


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
    for name in ("talk.mp4", "talk.ogg", "t.md"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "course.yaml").write_text(
        "id: c\ntitle: T\nunits:\n  - title: U\n    pages:\n      - title: P\n        blocks:\n"
        f"          - media: {media}\n"
    )
    with pytest.raises(CourseError) as info:
        validate_course(load_course(tmp_path))
    assert info.value.message.splitlines()[0].split(": ", 2)[2] == message
