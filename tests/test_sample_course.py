"""The sample course (course_source/) keeps the shape its customer asked for (issue 3)."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from pathlib import Path

import pytest
import webvtt
from mutagen.mp4 import MP4

from cpd_pack.build import check_course
from cpd_pack.model import Block, Question
from cpd_pack.outline import Outline, OutlinePage
from cpd_pack.state import SCORM12_SUSPEND_MAX, structural_size
from cpd_pack.studytime import MARGIN, estimate_study_time, hours_warning

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
    for unit in outline.units:
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
    # a page built round a set reading or an activity may have a short introduction only
    study = {p.id for p in teaching if kinds(p) & {"reading", "activity"}}
    assert all(n <= 700 and (n >= 250 or pid in study) for pid, n in lengths.items()), lengths
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


# ---- issue 10: an assessment that measures, a course that earns its hours ----

UNITS = ("u1", "u2", "u3", "u4", "u5")
MONTHS = "January February March April May June July August September October November December"
NOT_AUTHORS = {*MONTHS.split(), "Since", "In", "By", "From", "Until", "Summer", "Act"}


def _unit(question: Question) -> str:
    return question.id.split("-", 1)[0]


def test_quiz_bank_covers_every_unit(outline: Outline) -> None:
    questions = outline.quiz_questions
    assert len(questions) >= 40
    per_unit = Counter(_unit(q) for q in questions)
    assert all(q.topic == _unit(q) for q in questions)  # ready for a pool stratified by unit
    assert set(per_unit) == set(UNITS), per_unit
    assert min(per_unit.values()) >= 5, per_unit
    assert outline.course.quiz is not None
    assert outline.course.quiz.max_attempts == 3
    assert outline.course.pass_mark == 70


def test_quiz_keys_give_nothing_away(outline: Outline) -> None:
    singles = [q for q in outline.quiz_questions if q.type == "single"]
    positions = Counter(next(i for i, o in enumerate(q.options) if o.correct) for q in singles)
    assert len(singles) >= 20
    assert set(positions) == {0, 1, 2, 3}, positions
    assert max(positions.values()) <= 0.35 * len(singles), positions
    longest = [
        q.id
        for q in singles
        if max(len(o.text) for o in q.options) == len(next(o.text for o in q.options if o.correct))
    ]
    assert 0.1 * len(singles) <= len(longest) <= 0.3 * len(singles), longest
    answers = Counter(q.answer for q in outline.quiz_questions if q.type == "true-false")
    assert answers[True] >= 3 and answers[False] >= 3, answers
    for q in outline.quiz_questions:
        if q.type == "multiple":
            right = sum(o.correct for o in q.options)
            assert right >= 2 and len(q.options) - right >= 2, q.id
        texts = [o.text for o in q.options] + ([q.prompt] if q.type == "true-false" else [])
        assert not re.search(r"\b(always|never)\b", " ".join(texts), re.IGNORECASE), q.id


def test_quiz_is_mostly_scenarios_with_feedback_that_teaches(outline: Outline) -> None:
    people = re.compile(
        r"\b(client|counsellor|therapist|colleague|service|manager|practitioner|you)\b", re.I
    )
    questions = outline.quiz_questions
    scenarios = [q.id for q in questions if people.search(q.prompt) and len(q.prompt) > 90]
    assert len(scenarios) >= 0.6 * len(questions), sorted(
        {q.id for q in questions} - set(scenarios)
    )
    for q in questions:
        feedback = [o.feedback for o in q.options] + [q.feedback.correct, q.feedback.incorrect]
        assert not any(f.startswith(("Correct", "Incorrect")) for f in feedback), q.id


def test_every_unit_has_readings_or_activities_and_a_practice_log(outline: Outline) -> None:
    logs = 0
    for unit in outline.units:
        blocks = [b for p in unit.pages for b in p.blocks]
        readings = [b.reading for b in blocks if b.reading]
        activities = [b.activity for b in blocks if b.activity]
        assert readings and activities, unit.title
        assert all(len(r.questions) >= 3 for r in readings), unit.title
        logs += sum(a.type == "practice-log" for a in activities)
        assert any(a.type == "practice-log" for a in activities), unit.title
    assert logs >= 5


def test_study_time_estimate_is_within_the_margin_of_25_hours(outline: Outline) -> None:
    study = estimate_study_time(outline, SAMPLE)
    assert hours_warning(study, SAMPLE / "course.yaml") is None
    assert 25 / (1 + MARGIN) <= study.hours <= 25
    for unit in study.units:
        assert unit.declared_hours is not None
        assert unit.minutes / 60 * (1 + MARGIN) >= unit.declared_hours, unit.title


def _seconds(stamp: str) -> float:
    hours, minutes, seconds = stamp.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def test_the_video_has_captions_covering_it(outline: Outline) -> None:
    videos = [
        b.media for p in outline.pages for b in p.blocks if b.media and b.media.kind == "video"
    ]
    assert videos
    for video in videos:
        assert video.captions is not None
        path = SAMPLE / video.src
        assert path.stat().st_size < 600_000
        duration = MP4(path).info.length
        cues = webvtt.read(SAMPLE / video.captions)  # raises on a malformed file
        assert (SAMPLE / video.captions).read_text(encoding="utf-8").startswith("WEBVTT\n")
        times = [(_seconds(c.start), _seconds(c.end)) for c in cues]
        assert times[0][0] < 1.0
        assert all(start < end for start, end in times)
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(times))
        assert duration - 2.0 <= times[-1][1] <= duration
        lines = [c.text.split("\n") for c in cues]
        assert all(1 <= len(two) <= 2 and max(map(len, two)) <= 48 for two in lines), lines


def test_audio_has_transcripts_and_media_stay_small(outline: Outline) -> None:
    media = [b.media for p in outline.pages for b in p.blocks if b.media]
    audio = [m for m in media if m.kind == "audio"]
    assert len(audio) >= 3
    assert all(m.transcript and (SAMPLE / m.transcript).stat().st_size > 300 for m in audio)
    assert sum((SAMPLE / m.src).stat().st_size for m in media) < 1_100_000


def _course_text() -> str:
    files = [SAMPLE / "course.yaml", *sorted((SAMPLE / "units").glob("*.yaml"))]
    files += [p for p in sorted((SAMPLE / "media").glob("*.md"))]
    files += [SAMPLE / "pages" / "resources.md"]
    return "\n".join(p.read_text(encoding="utf-8") for p in files)


def test_every_in_text_citation_is_in_the_references() -> None:
    references = (SAMPLE / "pages" / "references.md").read_text(encoding="utf-8").splitlines()
    name = r"[A-Z][A-Za-zÀ-ÿ-]+(?:['\u2019]s)?"
    cited = re.findall(
        rf"\b({name})(?: et al\.)?(?:,? (?:and|&) {name})?,? \(?((?:19|20)\d\d)\b", _course_text()
    )
    checked = {
        (re.sub(r"['\u2019]s$", "", author), year)
        for author, year in cited
        if author not in NOT_AUTHORS
    }
    assert len(checked) >= 50
    missing = sorted(
        f"{author} ({year})"
        for author, year in checked
        if not any(author in line and year in line for line in references)
    )
    assert missing == []


def test_multiple_response_prompts_leave_the_hint_to_the_player(outline: Outline) -> None:
    """The player adds "(choose all that apply)"; a prompt saying it too reads twice (issue 9)."""
    questions = [*outline.quiz_questions, *outline.knowledge_checks]
    multiple = [q for q in questions if q.type == "multiple"]
    assert len(multiple) >= 5
    assert [q.id for q in multiple if "all that apply" in q.prompt.lower()] == []
