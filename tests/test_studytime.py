"""The study-time estimate: its counts, its rule, its warning and what the CLI prints."""

from __future__ import annotations

import re
import wave
from pathlib import Path

import pytest
from click.testing import CliRunner

from cpd_pack import studytime
from cpd_pack.build import check_course
from cpd_pack.cli import cli
from cpd_pack.model import Media
from cpd_pack.studytime import (
    StudyTime,
    UnitTime,
    count_words,
    describe,
    estimate_study_time,
    hours_warning,
    media_minutes,
)

README = Path(__file__).parent.parent / "README.md"

COURSE = """\
id: timed
title: Timed
hours: 1
xapi: {activity_iri: "https://example.org/timed"}
units:
  - id: one
    title: One
    hours: 0.25
    pages:
      - id: p1
        title: Reading page
        blocks:
          - text: "{words}"
          - reflection:
              prompt: Think now.
          - reflection:
              prompt: Just pause.
              answer: false
          - knowledge_check:
              id: kc
              type: true-false
              prompt: Is this a check?
              answer: true
          - media:
              src: media/tone.wav
              title: Tone
              transcript: media/tone.md
  - id: two
    title: Two
    pages:
      - id: p2
        title: Quiz
        blocks:
          - quiz: final
quiz:
  questions:
    - id: q1
      type: true-false
      prompt: One?
      answer: true
    - id: q2
      type: true-false
      prompt: Two?
      answer: false
"""


@pytest.fixture
def course_dir(tmp_path: Path) -> Path:
    """A course whose estimate is known: 300 words, two reflections, a check, 6 s of audio."""
    (tmp_path / "media").mkdir()
    (tmp_path / "course.yaml").write_text(COURSE.replace("{words}", " ".join(["word"] * 294)))
    (tmp_path / "media" / "tone.md").write_text("Six seconds of silence.\n")
    with wave.open(str(tmp_path / "media" / "tone.wav"), "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(1)
        audio.setframerate(8000)
        audio.writeframes(b"\x80" * 48000)
    return tmp_path


def test_every_part_is_counted_in_its_unit(course_dir: Path) -> None:
    study = estimate_study_time(check_course(course_dir), course_dir)
    one, two = study.units
    assert one == UnitTime(
        "one",
        "One",
        0.25,
        words=300,
        reflections=1,
        pauses=1,
        knowledge_checks=1,
        media_minutes=0.1,
    )
    assert two == UnitTime("two", "Two", None, words=1, quiz_questions=2)
    assert one.minutes == pytest.approx(300 / 150 + 10 + 3 + 2 + 0.1 * 1.5)
    assert two.minutes == pytest.approx(1 / 150 + 2 * 1.5)
    assert study.minutes == pytest.approx(one.minutes + two.minutes)
    assert study.declared_hours == 1


def test_describe_states_each_unit_beside_its_declared_hours(course_dir: Path) -> None:
    study = estimate_study_time(check_course(course_dir), course_dir)
    assert describe(study) == [
        "study time: estimated 20 min; declared 1 h",
        "  One: estimated 17 min; declared 15 min",
        "  Two: estimated 3 min",
    ]
    long = StudyTime((UnitTime("u", "U", 25, declared_minutes=1250),), 25)
    assert describe(long) == [
        "study time: estimated 20.8 h; declared 25 h",
        "  U: estimated 20.8 h; declared 25 h",
    ]


def test_a_declared_time_within_the_margin_gives_no_warning(tmp_path: Path) -> None:
    units = (UnitTime("u", "U", None, declared_minutes=50),)
    assert hours_warning(StudyTime(units, 1.0), tmp_path / "course.yaml") is None
    assert hours_warning(StudyTime(units, 0.5), tmp_path / "course.yaml") is None


def test_declared_hours_beyond_the_margin_warn_on_the_hours_line(tmp_path: Path) -> None:
    course = tmp_path / "course.yaml"
    course.write_text("id: x\ntitle: X\nhours: 25\n")
    units = (UnitTime("u", "U", None, declared_minutes=1200),)
    warning = hours_warning(StudyTime(units, 25), course)
    assert warning is not None
    assert str(warning) == (
        f"{course.as_posix()}:3:1: hours: warning: 25 h declared, but the study time is "
        "estimated at 20 h; at most 24 h can be declared (the estimate plus 20%): add study "
        "(readings, activities) or declare fewer hours"
    )


def test_words_are_counted_without_markup() -> None:
    assert count_words("## A *heading*\n\n- one-to-one; don't (p. 12) | cell |") == 7
    assert count_words("") == 0


def test_unreadable_media_fall_back_to_declared_minutes(course_dir: Path) -> None:
    media = Media(src="media/tone.wav", title="Tone", transcript="media/tone.md")
    assert media_minutes(media, course_dir) == 0.1
    (course_dir / "media" / "tone.wav").write_bytes(b"RIFF not really")
    assert media_minutes(media, course_dir) == 0
    webm = Media(src="media/clip.webm", title="Clip", captions="c.vtt")
    assert media_minutes(webm, course_dir) == 0  # WebM is not read: no minutes declared
    declared = Media(src="media/clip.webm", title="Clip", captions="c.vtt", minutes=2.5)
    assert media_minutes(declared, course_dir) == 2.5


def test_validate_and_build_print_the_estimate_on_stderr(course_dir: Path, tmp_path: Path) -> None:
    expected = [
        "study time: estimated 20 min; declared 1 h",
        "  One: estimated 17 min; declared 15 min",
        "  Two: estimated 3 min",
        f"{(course_dir / 'course.yaml').as_posix()}:3:1: hours: warning: 1 h declared, but the "
        "study time is estimated at 20 min; at most 24 min can be declared (the estimate plus "
        "20%): add study (readings, activities) or declare fewer hours",
    ]
    runner = CliRunner()
    checked = runner.invoke(cli, ["validate", str(course_dir)])
    assert (checked.exit_code, checked.stderr.splitlines()) == (0, expected)
    built = runner.invoke(cli, ["build", str(course_dir), "-f", "scorm12", "-o", str(tmp_path)])
    assert (built.exit_code, built.stderr.splitlines()) == (0, expected)


def _readme_rule() -> dict[str, str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Study time\n", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| (.+?) \| (.+?) \|$", section, re.MULTILINE)
    return {what: value for what, value in rows[2:]}


def test_the_readme_states_the_rule_the_code_applies() -> None:
    assert _readme_rule() == {
        "every word on a page (text, files, case studies, key points, prompts, captions)": (
            f"{studytime.WORDS_PER_MINUTE} words a minute"
        ),
        "a reflection or review prompt with an answer box": (
            f"{studytime.REFLECTION_MINUTES} minutes"
        ),
        "a reflection without an answer box": f"{studytime.PAUSE_MINUTES} minutes",
        "a knowledge check": f"{studytime.KNOWLEDGE_CHECK_MINUTES} minutes",
        "a final-quiz question (the number drawn per attempt when the quiz draws from a pool)": (
            f"{studytime.QUIZ_QUESTION_MINUTES} minutes"
        ),
        "a self-assessment statement, at each placement": (
            f"{studytime.STATEMENT_MINUTES} minutes"
        ),
        "a minute of audio or video (its length read from the file, else its `minutes`)": (
            f"{studytime.MEDIA_FACTOR} minutes"
        ),
        "a block that declares `minutes` (a set reading, an activity, a practice log)": (
            "its `minutes`"
        ),
        "the margin: declared `hours` may exceed the estimate by": f"{studytime.MARGIN:.0%}",
    }


def test_a_pooled_quiz_counts_the_questions_one_attempt_draws(course_dir: Path) -> None:
    course = course_dir / "course.yaml"
    course.write_text(course.read_text().replace("quiz:\n", "quiz:\n  draw: 1\n"))
    study = estimate_study_time(check_course(course_dir), course_dir)
    assert study.units[1].quiz_questions == 1
