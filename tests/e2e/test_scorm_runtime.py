"""The built SCORM 1.2 and 2004 packages played in the scorm-again test LMS, end to end.

Every test launches the real zip with the manifest's pass mark loaded as an LMS would, drives the
player like a learner and checks what the LMS stored: status, score, interactions, exit, times,
and that scorm-again reported no error and the strict Moodle/ADL checks found no problem.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import string
from typing import TYPE_CHECKING, Any

import pytest
from harness import LmsSession, normalize_version, relaunch_data

from cpd_pack.state import decode_state

if TYPE_CHECKING:
    from harness import LmsServer
    from playwright.sync_api import Frame, Page

    from conftest import CourseKit
    from cpd_pack.model import Question

pytestmark = pytest.mark.usefixtures("no_404s")
FORMATS = ["scorm12", "scorm2004"]
AUDIO_DURATION = """() => new Promise((resolve) => {
  const audio = document.querySelector("audio");
  if (audio.readyState >= 1) resolve(audio.duration);
  audio.addEventListener("loadedmetadata", () => resolve(audio.duration));
  audio.addEventListener("error", () => resolve(-1));
  audio.load();
})"""

TIMESPAN_12 = re.compile(r"\d{4}:\d{2}:\d{2}\.\d{2}")  # always two hundredths digits (§11.6)
CLOCK_12 = re.compile(r"\d{2}:\d{2}:\d{2}")
DURATION_2004 = re.compile(r"PT\d+H\d+M\d+(\.\d{1,2})?S")
TIMESTAMP_2004 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,2})?Z")
REFLECTION = "Zoë felt heard — 😀 ~&<\"'> naïve 日本語 \\ 100%"


# --------------------------------------------------------------------------- helpers


def key(version: str, name: str) -> str:
    """The CMI element for a generic ``name`` in ``version``."""
    v12 = normalize_version(version) == "1.2"
    names = {
        "status": "cmi.core.lesson_status" if v12 else "cmi.completion_status",
        "raw": "cmi.core.score.raw" if v12 else "cmi.score.raw",
        "min": "cmi.core.score.min" if v12 else "cmi.score.min",
        "max": "cmi.core.score.max" if v12 else "cmi.score.max",
        "exit": "cmi.core.exit" if v12 else "cmi.exit",
        "location": "cmi.core.lesson_location" if v12 else "cmi.location",
        "session_time": "cmi.core.session_time" if v12 else "cmi.session_time",
        "entry": "cmi.core.entry" if v12 else "cmi.entry",
    }
    return names[name]


def interactions(flat: dict[str, Any]) -> list[dict[str, Any]]:
    """The flattened ``cmi.interactions.n.*`` grouped into one dict per record, in order; the
    self-assessment's likert ratings left out (tests/e2e/test_question_types_runtime.py checks them)."""
    records: dict[int, dict[str, Any]] = {}
    for name, value in flat.items():
        if m := re.fullmatch(r"cmi\.interactions\.(\d+)\.(.+)", name):
            records.setdefault(int(m[1]), {})[m[2]] = value
    assert sorted(records) == list(range(len(records))), "interaction indexes are not 0..n-1"
    return [records[n] for n in range(len(records)) if records[n].get("type") != "likert"]


def response(version: str, q: Question, ids: list[str]) -> str:
    """How the SCO must write ``ids`` as a response/pattern in ``version``."""
    if normalize_version(version) == "1.2":
        return ",".join({"true": "t", "false": "f"}.get(i, i) for i in ids)
    return "[,]".join(ids)


def check_interactions(
    records: list[dict[str, Any]],
    kit: CourseKit,
    version: str,
    answers: dict[str, list[str]],
    questions: list[Question] | None = None,
) -> None:
    """One record per quiz question (``questions``: those drawn; default all), in question
    order, with every field as the standard says."""
    v12 = normalize_version(version) == "1.2"
    questions = list(kit.questions) if questions is None else questions
    assert len(records) == len(questions)
    for rec, q in zip(records, questions, strict=True):
        right = sorted(answers[q.id]) == sorted(kit.correct(q))
        want_type = "true-false" if q.type == "true-false" else "choice"
        assert rec["type"] == want_type, q.id
        assert rec["correct_responses.0.pattern"] == response(version, q, kit.correct(q)), q.id
        assert rec["weighting"] == "1"
        if v12:
            assert rec["id"] == q.id
            assert rec["student_response"] == response(version, q, answers[q.id]), q.id
            assert rec["result"] == ("correct" if right else "wrong"), q.id
            assert CLOCK_12.fullmatch(rec["time"]), rec["time"]
            assert re.fullmatch(r"\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?", rec["latency"]), rec["latency"]
        else:
            assert rec["id"] == f"urn:cpd-pack:{kit.course_id}:{q.id}"
            assert rec["learner_response"] == response(version, q, answers[q.id]), q.id
            assert rec["result"] == ("correct" if right else "incorrect"), q.id
            assert TIMESTAMP_2004.fullmatch(rec["timestamp"]), rec["timestamp"]
            assert DURATION_2004.fullmatch(rec["latency"]), rec["latency"]


def check_clean(session: LmsSession, terminated: bool = True) -> None:
    """No scorm-again error, no strict problem, no JS error; one Initialize (and Terminate)."""
    assert session.errors() == []
    if terminated:
        assert session.problems() == []
    counts = session.counts()
    assert (counts["Initialize"], counts["Terminate"]) == (1, 1 if terminated else 0)
    assert session.console_errors == []
    assert session.page_errors == []


def check_sent_times(session: LmsSession) -> None:
    """session_time and interaction latencies were sent in the strict format of the version
    (1.2: HHHH:MM:SS.SS with two hundredths digits; scorm-again reformats what it stores)."""
    sent = session.set_values()
    pattern = TIMESPAN_12 if session.version == "1.2" else DURATION_2004
    names = [key(session.version, "session_time")]
    names += [n for n in sent if re.fullmatch(r"cmi\.interactions\.\d+\.latency", n)]
    for name in names:
        assert pattern.fullmatch(sent[name]), (name, sent[name])


def check_passed(final: dict[str, Any], version: str, raw: str, scaled: str) -> None:
    """Completed and passed with score ``raw`` out of 0..100 (2004: ``scaled``)."""
    if normalize_version(version) == "1.2":
        assert final["cmi.core.lesson_status"] == "passed"
    else:
        assert final["cmi.completion_status"] == "completed"
        assert final["cmi.success_status"] == "passed"
        assert final["cmi.score.scaled"] == scaled
        assert final["cmi.progress_measure"] == "1"
    assert final[key(version, "raw")] == raw
    assert final[key(version, "min")] == "0"
    assert final[key(version, "max")] == "100"


def visible_page(frame: Frame) -> str:
    """Id of the one page section shown."""
    ids = frame.eval_on_selector_all(
        "section.cpd-page:not([hidden])", "els => els.map(e => e.dataset.page || e.id)"
    )
    assert len(ids) == 1, ids
    return ids[0]


def focused_id(frame: Frame) -> str:
    return frame.evaluate("() => document.activeElement && document.activeElement.id")


def go(frame: Frame, page_id: str) -> None:
    """Open ``page_id`` through its table-of-contents link."""
    frame.click(f'[data-goto="{page_id}"]')
    assert visible_page(frame) == page_id


def rate(frame: Frame, kit: CourseKit, phase: str, value: int) -> None:
    """Rate every self-assessment statement ``value`` in ``phase`` (before/after)."""
    for sid in kit.outline.statement_ids:
        frame.check(f'input[name="sa-{phase}-{sid}"][value="{value}"]')


def walk(
    session: LmsSession,
    kit: CourseKit,
    answers: dict[str, list[str]],
    *,
    start: int = 0,
    reflection: str = REFLECTION,
) -> None:
    """Walk from page ``start`` to the last page with Next, doing each page's activity."""
    frame = session.frame
    sa_before = kit.page_with("self_assessment", "before")
    sa_after = kit.page_with("self_assessment", "after")
    quiz = kit.page_with("quiz")
    first_reflection = kit.outline.reflections[0]
    ids = kit.page_ids
    for i in range(start, len(ids)):
        pid = ids[i]
        assert visible_page(frame) == pid
        if i > start:
            assert focused_id(frame) == f"title-{pid}"  # focus follows navigation
        if pid == sa_before:
            rate(frame, kit, "before", 2)
        if pid == sa_after:
            rate(frame, kit, "after", 4)
        if pid == first_reflection.page_id:
            frame.fill(f'[data-reflection="{first_reflection.id}"]', reflection)
        if pid == quiz:
            kit.answer_quiz(frame, answers)
        if i < len(ids) - 1:
            frame.click('[data-action="next"]')
    assert frame.is_disabled('[data-action="next"]')


def today() -> str:
    """Today's date (UTC) as the player writes it for en-GB, e.g. "5 March 2025"."""
    d = dt.datetime.now(dt.UTC).date()
    month = dt.date(2000, d.month, 1).strftime("%B")
    return f"{d.day} {month} {d.year}"


def exit_course(session: LmsSession) -> dict[str, Any]:
    """Press Exit, check the exit view, return the data stored at Terminate."""
    session.frame.click('[data-action="exit"]')
    session.frame.click('[data-action="exit-confirm"]')  # Exit asks first
    final = session.wait_for_terminate()
    assert final is not None
    assert visible_page(session.frame) == "cpd-exited"
    assert focused_id(session.frame) == "cpd-exited-title"
    return final


def check_suspend_limits(final: dict[str, Any], version: str) -> None:
    """1.2: suspend_data <= 4096 and lesson_location <= 255 (portable limits, §0.7)."""
    if normalize_version(version) == "1.2":
        assert len(final["cmi.suspend_data"]) <= 4096
        assert len(final["cmi.core.lesson_location"]) <= 255
    else:
        assert len(final["cmi.suspend_data"]) <= 64000
        assert len(final["cmi.location"]) <= 1000


# --------------------------------------------------------------------------- (a) sample course


@pytest.mark.parametrize("fmt", FORMATS)
def test_sample_course_passed_with_all_correct(
    page: Page, http_server: LmsServer, sample_kit: CourseKit, fmt: str
) -> None:
    """Walk every page, rate, reflect, pass with every answer right, see the certificate, Exit."""
    kit, version = sample_kit, normalize_version(fmt)
    session = kit.launch(page, http_server, version)
    # the narrated welcome on the first page is in the package and the browser can decode it
    duration = session.frame.evaluate(AUDIO_DURATION)
    assert 30 < duration < 40, duration
    answers = kit.all_correct()
    drawn = kit.drawn(session.frame)
    walk(session, kit, answers)
    frame = session.frame

    assert visible_page(frame) == kit.page_with("certificate")
    assert frame.is_visible("#cpd-certificate")
    assert frame.is_hidden("#cpd-cert-missing")
    assert frame.text_content('[data-cert="name"]') == "Jane Doe"
    assert frame.text_content(".cpd-cert-course") == kit.outline.course.title
    assert frame.text_content('[data-cert="hours"]') == "25"
    assert frame.text_content('[data-cert="date"]') == today()
    pages = len(kit.page_ids)
    assert frame.text_content("#cpd-progress-text") == f"{pages} of {pages} pages seen"

    final = exit_course(session)
    check_passed(final, version, raw="100", scaled="1")
    check_interactions(interactions(final), kit, version, answers, drawn)
    assert final[key(version, "exit")] == "suspend"
    assert final[key(version, "location")] == "certificate"
    check_suspend_limits(final, version)
    check_sent_times(session)
    if version == "2004":
        assert session.set_values()["adl.nav.request"] == "suspendAll"
    check_clean(session)
    # Few LMS calls: a commit per page change, rating, reflection and quiz submit, no timer storm.
    assert pages - 1 <= session.counts()["Commit"] <= pages + 6

    state = decode_state(kit.outline, final["cmi.suspend_data"])
    assert state is not None
    assert all(state.pages_seen)
    assert (state.quiz_state, state.quiz_submits) == ("p", 1)
    assert state.before == "2" * len(kit.outline.statement_ids)
    assert state.after == "4" * len(kit.outline.statement_ids)
    assert state.done_day == dt.datetime.now(dt.UTC).date().toordinal() - 719163
    assert state.reflections  # the compressed reflection is stored


@pytest.mark.parametrize("fmt", FORMATS)
def test_sample_course_passed_with_four_wrong(
    page: Page, http_server: LmsServer, sample_kit: CourseKit, fmt: str
) -> None:
    """Four wrong of the questions drawn (20: 80% >= 70): passed, the four recorded wrong."""
    kit, version = sample_kit, normalize_version(fmt)
    session = kit.launch(page, http_server, version)
    drawn = kit.drawn(session.frame)  # the pool's draw is made at launch
    by_type: dict[str, list[str]] = {}
    for q in drawn:
        by_type.setdefault(q.type if q.type == "single" else "other", []).append(q.id)
    wrong = {by_type["single"][0], by_type["single"][-1], by_type["other"][0], by_type["other"][-1]}
    assert len(wrong) == 4
    answers = kit.with_wrong(wrong)
    walk(session, kit, answers)
    total = len(drawn)
    right = total - 4
    assert f"{right} of {total}" in (session.frame.text_content("[data-results-score]") or "")

    final = exit_course(session)
    raw = round(100 * right / total, 2)
    check_passed(final, version, raw=f"{raw:g}", scaled=f"{round(right / total, 4):g}")
    records = interactions(final)
    check_interactions(records, kit, version, answers, drawn)
    bad = "wrong" if version == "1.2" else "incorrect"
    assert sum(r["result"] == bad for r in records) == 4
    check_sent_times(session)
    check_clean(session)


# --------------------------------------------------------------------------- (b) fail, retake


@pytest.mark.parametrize("fmt", FORMATS)
def test_fail_then_retake_and_pass(
    page: Page, http_server: LmsServer, mini_kit: CourseKit, fmt: str
) -> None:
    """1 of 3 fails (33.33); the retake in the same session passes and appends 3 interactions."""
    kit, version = mini_kit, normalize_version(fmt)
    session = kit.launch(page, http_server, version)
    frame = session.frame
    quiz = kit.page_with("quiz")
    go(frame, quiz)
    first = kit.questions[0].id
    failing = kit.with_wrong({q.id for q in kit.questions} - {first})
    kit.answer_quiz(frame, failing)

    assert "1 of 3" in (frame.text_content("[data-results-score]") or "")
    assert "not passed" in (frame.text_content("[data-results-verdict]") or "")
    assert frame.is_visible('[data-action="retake-quiz"]')
    assert focused_id(frame) == "cpd-quiz-results"
    live = session.cmi()
    assert live[key(version, "raw")] == "33.33"
    assert (live[key(version, "min")], live[key(version, "max")]) == ("0", "100")
    if version == "1.2":
        # not "failed" while a retake is allowed: Moodle would reopen in review mode (§11.12)
        assert live["cmi.core.lesson_status"] == "incomplete"
    else:
        assert live["cmi.success_status"] == "failed"
        assert live["cmi.completion_status"] == "incomplete"
        assert live["cmi.score.scaled"] == "0.3333"
    check_interactions(interactions(live), kit, version, failing)

    frame.click('[data-action="retake-quiz"]')
    assert frame.is_hidden("#cpd-quiz-results")
    assert not frame.is_checked(f'input[name="q-{first}"][value="a"]')  # answers cleared
    assert focused_id(frame).startswith("q-")
    passing = kit.all_correct()
    kit.answer_quiz(frame, passing)
    assert "You passed" in (frame.text_content("[data-results-verdict]") or "")
    live = session.cmi()
    assert live[key(version, "raw")] == "100"
    records = interactions(live)
    assert len(records) == 6
    check_interactions(records[:3], kit, version, failing)
    check_interactions(records[3:], kit, version, passing)
    # pages are not all seen yet: passed quiz, course not complete
    if version == "1.2":
        assert live["cmi.core.lesson_status"] == "incomplete"
    else:
        assert (live["cmi.success_status"], live["cmi.completion_status"]) == (
            "passed",
            "incomplete",
        )

    for pid in kit.page_ids:
        go(frame, pid)
    final = exit_course(session)
    check_passed(final, version, raw="100", scaled="1")
    assert len(interactions(final)) == 6
    check_sent_times(session)
    check_clean(session)


# --------------------------------------------------------------------------- (c) suspend, resume


@pytest.mark.parametrize("fmt", FORMATS)
def test_leave_half_way_and_resume(
    page: Page, http_server: LmsServer, mini_kit: CourseKit, fmt: str
) -> None:
    """Leave mid-course by closing the player; the relaunch restores page, answers and text."""
    kit, version = mini_kit, normalize_version(fmt)
    session = kit.launch(page, http_server, version)
    frame = session.frame
    sids = kit.outline.statement_ids
    check = kit.outline.knowledge_checks[0]
    reflection = kit.outline.reflections[0]
    quiz = kit.page_with("quiz")
    draft = kit.with_wrong({kit.questions[1].id})

    assert visible_page(frame) == kit.page_with("self_assessment", "before")
    frame.check(f'input[name="sa-before-{sids[0]}"][value="3"]')
    frame.check(f'input[name="sa-before-{sids[1]}"][value="5"]')
    frame.click('[data-action="next"]')
    assert visible_page(frame) == reflection.page_id
    frame.fill(f'[data-reflection="{reflection.id}"]', REFLECTION)
    kit.choose(frame, "kc", check, kit.correct(check))
    frame.click(f'[data-action="check"][data-question="{check.id}"]')
    assert frame.text_content(f'[data-check="{check.id}"] [data-verdict]') == "Correct."
    go(frame, quiz)
    kit.answer_quiz(frame, draft, submit=False)
    go(frame, reflection.page_id)

    final = session.unload()
    assert final is not None
    assert final[key(version, "exit")] == "suspend"
    assert final[key(version, "location")] == reflection.page_id
    if version == "1.2":
        assert final["cmi.core.lesson_status"] == "incomplete"
    else:
        assert final["cmi.completion_status"] == "incomplete"
        assert final["cmi.success_status"] == "unknown"
        assert final["cmi.progress_measure"] == "0.5"  # 3 of 5 pages + quiz = 3/6 steps
    assert interactions(final) == []  # no quiz answer yet (the ratings are likert records)
    check_suspend_limits(final, version)
    check_sent_times(session)
    check_clean(session)

    again = kit.launch(
        page,
        http_server,
        version,
        initial=relaunch_data(final, version, kit.initial(version)),
    )
    assert again.cmi()[key(version, "entry")] == "resume"
    frame = again.frame
    assert visible_page(frame) == reflection.page_id
    assert frame.input_value(f'[data-reflection="{reflection.id}"]') == REFLECTION
    assert frame.is_checked(f'input[name="kc-{check.id}"][value="{kit.correct(check)[0]}"]')
    assert frame.text_content(f'[data-check="{check.id}"] [data-verdict]') == "Correct."
    assert frame.is_checked(f'input[name="sa-before-{sids[0]}"][value="3"]')
    assert frame.is_checked(f'input[name="sa-before-{sids[1]}"][value="5"]')
    assert frame.text_content("#cpd-progress-text") == "3 of 5 pages seen"
    for pid in kit.page_ids:
        seen = pid in (kit.page_ids[0], reflection.page_id, quiz)
        assert frame.is_visible(f'[data-seen-for="{pid}"]') == seen, pid
    for q in kit.questions:  # the unsubmitted quiz answers come back
        for oid in kit.option_ids(q):
            checked = frame.is_checked(f'input[name="q-{q.id}"][value="{oid}"]')
            assert checked == (oid in draft[q.id]), (q.id, oid)
    scale = kit.outline.course.self_assessment.scale  # type: ignore[union-attr]
    assert frame.text_content(f'[data-sa-before="{sids[1]}"]') == scale[4]

    answers = kit.all_correct()
    walk(again, kit, answers, start=kit.page_ids.index(reflection.page_id), reflection=REFLECTION)
    final = exit_course(again)
    check_passed(final, version, raw="100", scaled="1")
    check_interactions(interactions(final), kit, version, answers)
    check_sent_times(again)
    check_clean(again)
    state = decode_state(kit.outline, final["cmi.suspend_data"])
    assert state is not None and state.before == "35" and state.after == "44"


def _pass_mini(page: Page, server: LmsServer, kit: CourseKit, version: str) -> dict[str, Any]:
    session = kit.launch(page, server, version)
    walk(session, kit, kit.all_correct())
    final = exit_course(session)
    check_passed(final, version, raw="100", scaled="1")
    check_clean(session)
    return final


@pytest.mark.parametrize("fmt", FORMATS)
def test_relaunch_after_passing_keeps_passed(
    page: Page, http_server: LmsServer, mini_kit: CourseKit, fmt: str
) -> None:
    """A relaunch after passing shows the pass and certificate; leaving changes nothing."""
    kit, version = mini_kit, normalize_version(fmt)
    first = _pass_mini(page, http_server, kit, version)

    session = kit.launch(
        page,
        http_server,
        version,
        initial=relaunch_data(first, version, kit.initial(version)),
    )
    frame = session.frame
    assert visible_page(frame) == "certificate"
    assert frame.is_visible("#cpd-certificate")
    assert frame.text_content('[data-cert="name"]') == "Jane Doe"
    go(frame, kit.page_with("quiz"))
    assert "You passed" in (frame.text_content("[data-results-verdict]") or "")
    assert frame.is_hidden('[data-action="retake-quiz"]')
    assert frame.is_disabled(f'input[name="q-{kit.questions[0].id}"][value="a"]')
    final = session.unload()
    assert final is not None
    check_passed(final, version, raw="100", scaled="1")
    assert final[key(version, "exit")] == "suspend"
    assert interactions(final) == []  # nothing re-sent
    sets = session.set_values()
    assert key(version, "raw") not in sets
    if version == "1.2":
        assert "cmi.core.lesson_status" not in sets
    else:
        assert sets["cmi.success_status"] == "passed"
    check_sent_times(session)
    check_clean(session)


@pytest.mark.parametrize("fmt", FORMATS)
def test_later_failed_attempt_never_downgrades(
    page: Page, http_server: LmsServer, mini_kit: CourseKit, fmt: str
) -> None:
    """The LMS holds passed/100 but lost the saved state: failing the quiz again keeps both.
    The certificate comes from the course's own state, never from an LMS status alone."""
    kit, version = mini_kit, normalize_version(fmt)
    first = _pass_mini(page, http_server, kit, version)
    held = relaunch_data(first, version, kit.initial(version))
    held.pop("cmi.suspend_data", None)
    held.pop(key(version, "location"), None)

    session = kit.launch(page, http_server, version, initial=held)
    frame = session.frame
    assert visible_page(frame) == kit.page_ids[0]
    go(frame, kit.page_with("certificate"))
    assert frame.is_hidden("#cpd-certificate")  # an LMS status alone earns nothing (issue 6)
    go(frame, kit.page_with("quiz"))
    kit.answer_quiz(frame, kit.with_wrong({q.id for q in kit.questions}))
    assert "not passed" in (frame.text_content("[data-results-verdict]") or "")
    final = session.unload()
    assert final is not None
    check_passed(final, version, raw="100", scaled="1")
    records = interactions(final)
    assert [r["result"] for r in records] == ["wrong" if version == "1.2" else "incorrect"] * 3
    check_sent_times(session)
    check_clean(session)


@pytest.mark.parametrize("fmt", FORMATS)
def test_lms_pass_mark_wins(
    page: Page, http_server: LmsServer, mini_kit: CourseKit, fmt: str
) -> None:
    """The LMS's pass mark (30%) overrides the course's 70%: 1 of 3 = 33.33 passes."""
    kit, version = mini_kit, normalize_version(fmt)
    mark = (
        {"cmi.student_data.mastery_score": "30"}
        if version == "1.2"
        else {"cmi.scaled_passing_score": "0.3"}
    )
    session = kit.launch(page, http_server, version, initial=kit.initial(version, **mark))
    first = kit.questions[0].id
    answers = kit.with_wrong({q.id for q in kit.questions} - {first})
    walk(session, kit, answers)
    frame = session.frame
    go(frame, kit.page_with("quiz"))
    assert frame.text_content("[data-results-verdict]") == "You passed. The pass mark is 30%."
    go(frame, kit.page_with("certificate"))
    assert frame.is_visible("#cpd-certificate")
    final = exit_course(session)
    check_passed(final, version, raw="33.33", scaled="0.3333")
    check_interactions(interactions(final), kit, version, answers)
    check_clean(session)


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_api_that_appears_after_the_content_loads_is_used(
    page: Page, http_server: LmsServer, mini_kit: CourseKit, fmt: str
) -> None:
    """Pitfall 18: the LMS creates its API 0.6 s after the SCO starts; it is found and used."""
    kit, version = mini_kit, normalize_version(fmt)
    session = kit.launch(page, http_server, version, api_delay_ms=600)
    frame = session.frame
    assert frame.text_content("#cpd-notice") == ""
    answers = kit.all_correct()
    walk(session, kit, answers)
    final = exit_course(session)
    check_passed(final, version, raw="100", scaled="1")
    check_clean(session)


@pytest.mark.parametrize("fmt", FORMATS)
def test_long_reflection_never_breaks_the_suspend_data_limit(
    page: Page, http_server: LmsServer, mini_kit: CourseKit, fmt: str
) -> None:
    """A reflection too long for 1.2's 4,096 characters is left out (and the learner told);
    the shorter one is kept. 2004's 64,000 keeps both. Everything comes back on relaunch."""
    kit, version = mini_kit, normalize_version(fmt)
    rng = random.Random(7)
    long_text = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(9000))
    short_text = REFLECTION
    first, second = kit.outline.reflections[:2]
    session = kit.launch(page, http_server, version)
    frame = session.frame
    go(frame, first.page_id)
    frame.fill(f'[data-reflection="{first.id}"]', long_text)
    go(frame, second.page_id)
    frame.fill(f'[data-reflection="{second.id}"]', short_text)
    frame.click('[data-action="next"]')  # blur and navigate: saved and committed

    status = frame.text_content(f'[data-reflection-status="{first.id}"]') or ""
    assert frame.text_content(f'[data-reflection-status="{second.id}"]') == ""
    final = session.unload()
    assert final is not None
    check_suspend_limits(final, version)
    check_clean(session)
    if version == "1.2":
        assert "no room left to save this reflection" in status
        assert len(final["cmi.suspend_data"]) <= 4096
    else:
        assert status == ""
        assert len(final["cmi.suspend_data"]) > 4096

    again = kit.launch(
        page,
        http_server,
        version,
        initial=relaunch_data(final, version, kit.initial(version)),
    )
    frame = again.frame
    kept = "" if version == "1.2" else long_text
    assert frame.input_value(f'[data-reflection="{first.id}"]') == kept
    assert frame.input_value(f'[data-reflection="{second.id}"]') == short_text
    assert again.errors() == []
