"""The sample course (course_source/) keeps the shape its customer asked for (issue 3)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cpd_pack.build import check_course
from cpd_pack.model import Block
from cpd_pack.outline import Outline, OutlinePage
from cpd_pack.state import SCORM12_SUSPEND_MAX, structural_size

SAMPLE = Path(__file__).parent.parent / "course_source"
UNIT_NAMES = ["Introduction", "The Beginning", "The Middle", "The End", "Conclusion"]
SPECIAL = {"self_assessment", "quiz", "certificate"}


@pytest.fixture(scope="module")
def outline() -> Outline:
    return check_course(SAMPLE)


def kinds(page: OutlinePage) -> set[str]:
    return {block.kind for block in page.blocks}


def words(page: OutlinePage) -> int:
    text = []
    for block in page.blocks:
        if block.text:
            text.append(block.text)
        elif block.file:
            text.append((SAMPLE / block.file).read_text(encoding="utf-8"))
        elif block.case_study:
            text.append(block.case_study.text)
    return len(re.findall(r"[A-Za-z0-9']+", " ".join(text)))


def test_metadata_and_completion(outline: Outline) -> None:
    course = outline.course
    assert course.title == "Advanced therapeutic relationships"
    assert (course.hours, course.pass_mark, course.completion_rule) == (25, 70, "pages-and-quiz")
    assert "Advanced therapeutic relationships" in course.certificate
    assert "25" in course.certificate
    assert sum(unit.hours or 0 for unit in outline.units) == 25


def test_five_units_in_order_each_with_the_required_parts(outline: Outline) -> None:
    assert [u.title.split(": ")[-1] for u in outline.units] == UNIT_NAMES
    for unit in outline.units:
        found = set().union(*(kinds(page) for page in unit.pages))
        assert {"case_study", "key_points", "review", "reflection"} <= found, unit.title
        assert "review" in kinds(unit.pages[-1]) or any(
            "review" in kinds(p) for p in unit.pages[-3:]
        ), unit.title
    for unit in outline.units[1:4]:
        assert any("knowledge_check" in kinds(p) for p in unit.pages), unit.title


def test_size_and_page_lengths(outline: Outline) -> None:
    assert len(outline.pages) >= 30
    introductions = {unit.pages[0].id for unit in outline.units}
    teaching = [
        p
        for p in outline.pages
        if not kinds(p) & (SPECIAL | {"review"})
        and p.id not in introductions
        and p.id != "references"
    ]
    lengths = {p.id: words(p) for p in teaching}
    assert len(teaching) >= 25
    assert all(250 <= n <= 700 for n in lengths.values()), lengths
    assert sum(words(p) for p in outline.pages) >= 15000
    reflections = sum(1 for p in outline.pages for b in p.blocks if b.reflection)
    assert reflections >= 30


def test_self_assessment_before_and_after(outline: Outline) -> None:
    placed = {
        b.self_assessment: page.unit_index
        for page in outline.pages
        for b in page.blocks
        if b.self_assessment
    }
    assert placed == {"before": 0, "after": 4}
    assert len(outline.statement_ids) >= 8


def test_final_quiz(outline: Outline) -> None:
    questions = outline.quiz_questions
    assert len(questions) >= 15
    assert {q.type for q in questions} == {"single", "multiple", "true-false"}
    for question in questions:
        if question.type == "true-false":
            assert question.feedback.correct and question.feedback.incorrect, question.id
        else:
            assert all(option.feedback.strip() for option in question.options), question.id
    last_pages = [p.id for p in outline.pages[-2:]]
    assert last_pages == ["final-quiz", "certificate"]


def test_study_planner_references_and_audio(outline: Outline) -> None:
    ids = [p.id for p in outline.pages]
    assert "study-planner" in ids and "references" in ids
    references = [b for p in outline.pages if p.id == "references" for b in p.blocks]
    text = "".join((SAMPLE / b.file).read_text() for b in references if b.file)
    for author in ("Bordin", "Flückiger", "Norcross", "Wampold", "Safran", "Mearns", "Rogers"):
        assert author in text, author
    media: list[Block] = [b for p in outline.pages for b in p.blocks if b.media]
    assert media and media[0].media.kind == "audio" and media[0].media.transcript
    assert (SAMPLE / media[0].media.src).stat().st_size < 150_000


def test_saved_state_fits_scorm12(outline: Outline) -> None:
    assert structural_size(outline) < SCORM12_SUSPEND_MAX // 4


def test_each_unit_ends_with_further_reading_and_research_ideas(outline: Outline) -> None:
    for unit in outline.units:
        text = " ".join(
            (b.text or "") + ((SAMPLE / b.file).read_text(encoding="utf-8") if b.file else "")
            for page in unit.pages[-4:]
            for b in page.blocks
        ).lower()
        assert "further reading" in text or "further study" in text, unit.title
        assert "research" in text, unit.title
