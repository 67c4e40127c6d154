"""The course source as item analysis needs it: questions, keys, options, pages, and where each
question is written (``file:line``), so that every flag links back to the source."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cpd_pack.loader import Locations, Path_, load_course
from cpd_pack.outline import Outline, build_outline
from cpd_pack.render import OPTION_IDS
from cpd_pack.validate import validate

TRUE_FALSE = (("true", "True"), ("false", "False"))


@dataclass(frozen=True)
class OptionInfo:
    """One option of a question, with the id the packages give it."""

    id: str
    text: str
    correct: bool


@dataclass(frozen=True)
class QuestionInfo:
    """A final-quiz question and where it is written."""

    id: str
    number: int
    type: str
    prompt: str
    options: tuple[OptionInfo, ...]
    file: str
    line: int

    @property
    def key(self) -> tuple[str, ...]:
        """The correct response, as option ids."""
        return tuple(option.id for option in self.options if option.correct)

    @property
    def where(self) -> str:
        """``file:line`` of the question's id in the course source."""
        return f"{self.file}:{self.line}"

    def label(self, option_id: str) -> str:
        """The letter a designer sees for an option (``A``), or ``True``/``False``."""
        return option_id.capitalize() if self.type == "true-false" else option_id.upper()


@dataclass(frozen=True)
class PageInfo:
    """A page in reading order."""

    id: str
    number: str
    title: str
    unit: str
    """The unit's title."""


@dataclass(frozen=True)
class CourseKey:
    """What the report needs from the course source."""

    root: Path
    title: str
    version: str
    pass_mark: float
    activity_iri: str | None
    questions: dict[str, QuestionInfo]
    pages: tuple[PageInfo, ...]
    statements: tuple[tuple[str, str], ...]
    """Self-assessment statements: (id, text)."""
    outline: Outline
    """To decode the package's saved state (``cpd_pack.state``)."""
    scale: tuple[str, ...] = ()
    """The self-assessment's rating labels (1 = the first)."""


def _dicts(data: Any, path: Path_ = ()) -> Iterator[tuple[Path_, dict[str, Any]]]:
    """Every mapping in ``data`` with its data path."""
    if isinstance(data, dict):
        yield path, data
        for key, value in data.items():
            yield from _dicts(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _dicts(value, (*path, index))


def _question_paths(data: dict[str, Any]) -> dict[str, Path_]:
    """Question id -> data path of its ``id`` key, for questions in the final quiz."""
    found: dict[str, Path_] = {}
    for path, item in _dicts(data):
        if "quiz" in path and isinstance(item.get("id"), str) and "type" in item:
            found.setdefault(item["id"], (*path, "id"))
    return found


def _statements(course: Any) -> tuple[Any, ...]:
    return course.self_assessment.statements if course.self_assessment else ()


def _where(locations: Locations, path: Path_ | None) -> tuple[str, int]:
    if path is None:
        return "course.yaml", 1
    place, _ = locations.find(path)
    return place.file, place.line


def load_key(course_dir: str | Path) -> CourseKey:
    """Read and validate the course; raise :class:`~cpd_pack.exceptions.CourseError` if invalid."""
    raw = load_course(course_dir)
    course, _warnings = validate(raw)
    outline = build_outline(course)
    paths = _question_paths(raw.data)
    questions: dict[str, QuestionInfo] = {}
    for number, q in enumerate(outline.quiz_questions, start=1):
        if q.type == "true-false":
            options = tuple(OptionInfo(i, t, (i == "true") == q.answer) for i, t in TRUE_FALSE)
        else:
            options = tuple(
                OptionInfo(OPTION_IDS[i], " ".join(o.text.split()), o.correct)
                for i, o in enumerate(q.options)
            )
        file, line = _where(raw.locations, paths.get(q.id))
        prompt = " ".join(q.prompt.split())
        questions[q.id] = QuestionInfo(q.id, number, q.type, prompt, options, file, line)
    units = {unit.index: unit.title for unit in outline.units}
    pages = tuple(PageInfo(p.id, p.number, p.title, units[p.unit_index]) for p in outline.pages)
    return CourseKey(
        root=Path(course_dir),
        title=course.title,
        version=course.version,
        pass_mark=course.pass_mark,
        activity_iri=course.xapi.activity_iri if course.xapi else None,
        questions=questions,
        pages=pages,
        statements=tuple(
            zip(outline.statement_ids, (s.text for s in _statements(course)), strict=True)
        ),
        outline=outline,
        scale=course.self_assessment.scale if course.self_assessment else (),
    )
