"""Stage 3: the course outline: ordered pages with stable ids, numbering and prev/next links."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from cpd_pack.exceptions import CourseWarning
from cpd_pack.ids import page_key, unit_key
from cpd_pack.model import CHOICE_TYPES, Block, Course, Question


@dataclass(frozen=True)
class OutlinePage:
    """A page in reading order."""

    index: int
    id: str
    title: str
    number: str
    unit_index: int
    blocks: tuple[Block, ...]
    prev_id: str | None
    next_id: str | None


@dataclass(frozen=True)
class OutlineUnit:
    """A unit and its pages in reading order."""

    index: int
    id: str
    title: str
    hours: float | None
    pages: tuple[OutlinePage, ...]


@dataclass(frozen=True)
class Reflection:
    """A place where the learner may write privately (a reflection or review prompt, an activity)."""

    index: int
    id: str
    page_id: str


@dataclass(frozen=True)
class Outline:
    """Everything later stages need, derived once from the validated course."""

    course: Course
    units: tuple[OutlineUnit, ...]
    pages: tuple[OutlinePage, ...]
    quiz_questions: tuple[Question, ...]
    knowledge_checks: tuple[Question, ...]
    reflections: tuple[Reflection, ...]
    statement_ids: tuple[str, ...]
    warnings: tuple[CourseWarning, ...] = ()
    """What validation and rendering found that builds but is probably a mistake."""

    @property
    def structure_hash(self) -> str:
        """A short hash of what the saved state depends on; a changed course discards old state."""
        parts = [page.id for page in self.pages]
        parts += [
            f"{q.id}:{len(q.options)}"
            + (f":{q.type}:{len(q.pairs) + len(q.items)}" if q.type not in CHOICE_TYPES else "")
            for q in (*self.quiz_questions, *self.knowledge_checks)
        ]
        parts += [r.id for r in self.reflections] + list(self.statement_ids)
        digest = hashlib.sha256("|".join(parts).encode()).hexdigest()
        return digest[:6]

    def reflection_ids(self, page: OutlinePage) -> list[str]:
        """The reflection ids on ``page``, in order."""
        return [r.id for r in self.reflections if r.page_id == page.id]


def build_outline(course: Course, warnings: tuple[CourseWarning, ...] = ()) -> Outline:
    """Order the course's pages, number them and link each to its neighbours."""
    flat: list[tuple[int, str, str, str, tuple[Block, ...]]] = []
    for u, unit in enumerate(course.units):
        for p, page in enumerate(unit.pages):
            flat.append((u, page_key(page), page.title, f"{u + 1}.{p + 1}", page.blocks))
    ids: list[str | None] = [None, *(entry[1] for entry in flat), None]
    pages = tuple(
        OutlinePage(i, pid, title, number, u, blocks, ids[i], ids[i + 2])
        for i, (u, pid, title, number, blocks) in enumerate(flat)
    )
    units = tuple(
        OutlineUnit(
            u, unit_key(unit), unit.title, unit.hours, tuple(p for p in pages if p.unit_index == u)
        )
        for u, unit in enumerate(course.units)
    )
    checks: list[Question] = []
    reflections: list[Reflection] = []
    for outline_page in pages:
        count = 0
        for block in outline_page.blocks:
            if block.knowledge_check is not None:
                checks.append(block.knowledge_check)
            has_box = (
                (block.reflection is not None and block.reflection.answer)
                or (block.review is not None and block.review.prompt.strip())
                or block.activity is not None
            )
            if has_box:
                count += 1
                rid = f"{outline_page.id}-r{count}"
                reflections.append(Reflection(len(reflections), rid, outline_page.id))
    statements = course.self_assessment.statements if course.self_assessment else ()
    return Outline(
        course=course,
        units=units,
        pages=pages,
        quiz_questions=course.quiz.questions if course.quiz else (),
        knowledge_checks=tuple(checks),
        reflections=tuple(reflections),
        statement_ids=tuple(s.id or f"s{i + 1}" for i, s in enumerate(statements)),
        warnings=warnings,
    )
