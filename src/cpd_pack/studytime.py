"""The estimated study time of a course, per unit and in total, beside its declared hours.

The rule (the README's "Study time" section states the same numbers; a test keeps them equal):
every word the learner reads on a page counts at :data:`WORDS_PER_MINUTE`; each activity the
learner does adds a fixed allowance; media count their running time times :data:`MEDIA_FACTOR`;
a block that declares its own ``minutes`` (a set reading, a skills activity, a practice log)
counts those minutes and not its words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from cpd_pack.exceptions import CourseWarning
from cpd_pack.model import Block, Course, Media
from cpd_pack.outline import Outline

WORDS_PER_MINUTE = 150
"""Study reading: adults read non-fiction silently at about 238 words a minute (Brysbaert,
2019); reading to learn, with re-reading and tables, is slower."""
REFLECTION_MINUTES = 10
"""A reflection or review prompt with a private answer box: think, then write a few lines."""
PAUSE_MINUTES = 3
"""A reflection without an answer box: a pause to think."""
KNOWLEDGE_CHECK_MINUTES = 2
"""An ungraded question: read, answer, read the feedback."""
QUIZ_QUESTION_MINUTES = 1.5
"""A final-quiz question, counted once (one attempt)."""
STATEMENT_MINUTES = 0.5
"""A self-assessment statement, rated once per placement."""
MEDIA_FACTOR = 1.5
"""Minutes of study per minute of audio or video: listening plus pausing and replaying."""
MARGIN = 0.20
"""Declared hours may exceed the estimate by this fraction before a warning."""

_WORD = re.compile(r"[^\W_]+(?:['\u2019.-][^\W_]+)*")


@dataclass(frozen=True)
class UnitTime:
    """The estimate for one unit, with the counts it was made from."""

    id: str
    title: str
    declared_hours: float | None
    words: int = 0
    reflections: int = 0
    pauses: int = 0
    knowledge_checks: int = 0
    quiz_questions: int = 0
    statements: int = 0
    media_minutes: float = 0.0
    declared_minutes: float = 0.0
    """Minutes declared by blocks with ``minutes`` (readings, activities)."""

    @property
    def minutes(self) -> float:
        """The estimated study minutes."""
        return (
            self.words / WORDS_PER_MINUTE
            + self.reflections * REFLECTION_MINUTES
            + self.pauses * PAUSE_MINUTES
            + self.knowledge_checks * KNOWLEDGE_CHECK_MINUTES
            + self.quiz_questions * QUIZ_QUESTION_MINUTES
            + self.statements * STATEMENT_MINUTES
            + self.media_minutes * MEDIA_FACTOR
            + self.declared_minutes
        )


@dataclass(frozen=True)
class StudyTime:
    """The estimate for a course: its units in order and the declared hours."""

    units: tuple[UnitTime, ...]
    declared_hours: float

    @property
    def minutes(self) -> float:
        """The estimated study minutes of the whole course."""
        return sum(unit.minutes for unit in self.units)

    @property
    def hours(self) -> float:
        """The estimated study hours of the whole course."""
        return self.minutes / 60


def count_words(text: str) -> int:
    """Count the words of Markdown text (markup characters are not words)."""
    return len(_WORD.findall(text))


_READERS = {
    ".mp3": ("mutagen.mp3", "MP3"),
    ".mp4": ("mutagen.mp4", "MP4"),
    ".m4a": ("mutagen.mp4", "MP4"),
    ".wav": ("mutagen.wave", "WAVE"),
    ".ogg": ("mutagen.oggvorbis", "OggVorbis"),
    ".oga": ("mutagen.oggvorbis", "OggVorbis"),
    ".ogv": ("mutagen.oggtheora", "OggTheora"),
}
"""The mutagen reader for each media type it reads (not WebM); only the one needed is imported."""


def media_minutes(media: Media, root: Path) -> float:
    """The running time in minutes: from the file's header, else the declared ``minutes``, else 0."""
    import importlib

    reader = _READERS.get(Path(media.src).suffix.lower())
    length = 0.0
    if reader is not None:
        module = importlib.import_module(reader[0])
        try:
            length = float(getattr(module, reader[1])(root / media.src).info.length or 0)
        except Exception:  # mutagen raises its own errors and others on damaged files
            length = 0.0
    if length > 0:
        return length / 60
    return float(getattr(media, "minutes", None) or 0)


def _read(root: Path, rel: str | None) -> str:
    if not rel:
        return ""
    try:
        return (root / rel).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _add_block(counts: dict[str, float], block: Block, course: Course, root: Path) -> None:
    value = block.value
    minutes = getattr(value, "minutes", None)
    if block.media is not None:
        counts["media_minutes"] += media_minutes(block.media, root)
        return
    if minutes is not None:
        counts["declared_minutes"] += float(minutes)
        return
    texts: list[str] = []
    if block.text is not None:
        texts.append(block.text)
    elif block.file is not None:
        texts.append(_read(root, block.file))
    elif block.key_points is not None:
        texts.extend(block.key_points)
    elif block.case_study is not None:
        case = block.case_study
        texts += [case.title, case.text, _read(root, case.file)]
    elif block.review is not None:
        review = block.review
        texts += [review.title, review.text, _read(root, review.file), review.prompt]
        counts["reflections"] += bool(review.prompt.strip())
    elif block.reflection is not None:
        texts.append(block.reflection.prompt)
        counts["reflections" if block.reflection.answer else "pauses"] += 1
    elif block.knowledge_check is not None:
        counts["knowledge_checks"] += 1
    elif block.image is not None:
        texts.append(block.image.caption)
    elif block.self_assessment is not None and course.self_assessment is not None:
        texts.append(course.self_assessment.intro)
        counts["statements"] += len(course.self_assessment.statements)
    elif block.quiz is not None and course.quiz is not None:
        texts.append(course.quiz.intro)
        counts["quiz_questions"] += _drawn(course)
    counts["words"] += sum(count_words(text) for text in texts)


def _drawn(course: Course) -> int:
    """Questions in one attempt: the number drawn from a pool, else all of them."""
    return course.quiz.drawn if course.quiz is not None else 0


def estimate_study_time(outline: Outline, root: str | Path) -> StudyTime:
    """Estimate the study time of every unit of ``outline`` (files are read from ``root``)."""
    folder = Path(root)
    units = []
    for unit in outline.units:
        counts: dict[str, float] = dict.fromkeys(
            ("words", "reflections", "pauses", "knowledge_checks", "quiz_questions"), 0
        )
        counts |= {"statements": 0, "media_minutes": 0.0, "declared_minutes": 0.0}
        for page in unit.pages:
            counts["words"] += count_words(page.title)
            for block in page.blocks:
                _add_block(counts, block, outline.course, folder)
        ints = {key: int(value) for key, value in counts.items() if not key.endswith("minutes")}
        units.append(
            UnitTime(
                unit.id,
                unit.title,
                unit.hours,
                **ints,
                media_minutes=counts["media_minutes"],
                declared_minutes=counts["declared_minutes"],
            )
        )
    return StudyTime(tuple(units), outline.course.hours)


def _hours(value: float) -> str:
    """``25 h``, ``20.8 h``; under an hour in minutes (``35 min``)."""
    if value < 1:
        return f"{round(value * 60)} min"
    return f"{value:.1f}".removesuffix(".0") + " h"


def describe(study: StudyTime) -> list[str]:
    """Lines stating the estimate per unit and in total beside the declared hours."""
    lines = [
        f"study time: estimated {_hours(study.hours)}; declared {_hours(study.declared_hours)}"
    ]
    for unit in study.units:
        declared = unit.declared_hours
        beside = f"; declared {_hours(declared)}" if declared is not None else ""
        lines.append(f"  {unit.title}: estimated {_hours(unit.minutes / 60)}{beside}")
    return lines


def hours_warning(study: StudyTime, course_file: str | Path) -> CourseWarning | None:
    """A warning on ``hours`` in ``course_file`` when the declared hours exceed the estimate by
    more than :data:`MARGIN`; else None."""
    limit = study.hours * (1 + MARGIN)
    if study.declared_hours <= limit:
        return None
    path = Path(course_file)
    line = 1
    text = _read(path.parent, path.name)
    found = re.search(r"^hours[ \t]*:", text, re.MULTILINE)
    if found:
        line = text.count("\n", 0, found.start()) + 1
    return CourseWarning(
        path.as_posix(),
        line,
        1,
        "hours",
        f"{_hours(study.declared_hours)} declared, but the study time is estimated at "
        f"{_hours(study.hours)}; at most {_hours(limit)} can be declared (the estimate plus "
        f"{MARGIN:.0%}): add study (readings, activities) or declare fewer hours",
    )


def study_time_lines(outline: Outline, root: str | Path) -> list[str]:
    """The estimate's lines (:func:`describe`), then the hours warning if there is one."""
    study = estimate_study_time(outline, root)
    warning = hours_warning(study, Path(root) / "course.yaml")
    return describe(study) + ([str(warning)] if warning else [])
