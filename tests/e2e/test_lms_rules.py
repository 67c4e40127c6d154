"""LMS behaviour no package can change, reproduced in the test LMS, and what the course does about
it (issue 6): Moodle's "mastery score overrides status" (scorm-again applies the same rule at
LMSFinish), review mode after a stored status, a 2004 player that sends only changed values,
an exit inside an LMS frame or a popup, and reflections the LMS has no room for."""

from __future__ import annotations

import random
import shutil
import string
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from harness import format_violations, normalize_version, relaunch_data, run_axe
from test_scorm_runtime import (
    FORMATS,
    check_clean,
    check_passed,
    exit_course,
    go,
    key,
    visible_page,
    walk,
)

from conftest import CourseKit, _build_kit
from cpd_pack.state import decode_state

if TYPE_CHECKING:
    from harness import LmsServer
    from playwright.sync_api import Page

pytestmark = pytest.mark.usefixtures("no_404s")
MINI = Path(__file__).parents[1] / "fixtures" / "courses" / "mini"


def _variant(tmp: Path, **quiz: Any) -> CourseKit:
    """The mini course with ``quiz`` keys changed, built as both SCORM zips."""
    course = yaml.safe_load((MINI / "course.yaml").read_text(encoding="utf-8"))
    course["quiz"].update(quiz)
    src = tmp / "course"
    shutil.copytree(MINI, src)
    (src / "course.yaml").write_text(yaml.safe_dump(course, sort_keys=False), encoding="utf-8")
    (tmp / "zips").mkdir()
    return _build_kit(src, tmp / "zips")


@pytest.fixture(scope="module")
def two_attempts(tmp_path_factory: pytest.TempPathFactory) -> CourseKit:
    """The mini course whose quiz allows two attempts."""
    return _variant(tmp_path_factory.mktemp("two-attempts"), max_attempts=2)


# --------------------------------------------------------------------------- quiz-only pass


@pytest.mark.parametrize(
    ("fmt", "lms_mastery"), [("scorm12", False), ("scorm12", True), ("scorm2004", False)]
)
def test_passing_only_the_quiz_is_never_recorded_as_a_pass(
    page: Page, http_server: LmsServer, mini_kit: CourseKit, fmt: str, lms_mastery: bool
) -> None:
    """Quiz passed with pages unseen, then left: the LMS (mastery override on) stores no pass
    and the relaunch shows no certificate, even when the LMS says passed. ``lms_mastery``: the
    LMS sets a mastery score of its own (the manifest declares none for this rule)."""
    kit, version = mini_kit, normalize_version(fmt)
    assert kit.pass_marks["1.2"] is None  # pages-and-quiz: no adlcp:masteryscore
    mastery = {"cmi.student_data.mastery_score": "70"} if lms_mastery else {}
    initial = kit.initial(version, **mastery)
    session = kit.launch(page, http_server, version, initial=initial)
    frame = session.frame
    go(frame, kit.page_with("quiz"))
    kit.answer_quiz(frame, kit.all_correct())
    assert "You passed" in (frame.text_content("[data-results-verdict]") or "")
    final = session.unload()
    assert final is not None
    check_clean(session)
    if version == "1.2":
        assert final["cmi.core.lesson_status"] == "incomplete"
        # with a mastery score, a score would let the override pass the learner: held back
        assert final.get("cmi.core.score.raw", "") == ("" if lms_mastery else "100")
    else:
        assert (final["cmi.completion_status"], final["cmi.success_status"]) == (
            "incomplete",
            "passed",
        )

    # What Moodle stored before this fix: passed, with 2 of 5 pages seen in the saved state.
    held = relaunch_data(final, version, initial)
    held[key(version, "status")] = "passed" if version == "1.2" else "completed"
    held.update({key(version, "raw"): "100", key(version, "min"): "0", key(version, "max"): "100"})
    again = kit.launch(page, http_server, version, initial=held)
    frame = again.frame
    go(frame, kit.page_with("certificate"))
    assert frame.is_hidden("#cpd-certificate")
    needs = frame.text_content("[data-cert-needs]") or ""
    assert "Visit every page (3 of 5 seen so far)." in needs
    # and nothing the LMS holds is downgraded
    assert (
        again.set_values().get(key(version, "status"), held[key(version, "status")])
        == held[key(version, "status")]
    )

    # Seeing every page completes the course: now the pass (and the held-back score) is sent.
    for pid in kit.page_ids:
        go(frame, pid)
    assert frame.is_visible("#cpd-certificate")
    final = exit_course(again)
    check_passed(final, version, raw="100", scaled="1")
    check_clean(again)


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_last_failed_attempt_is_failed_and_offers_no_retake(
    page: Page, http_server: LmsServer, two_attempts: CourseKit, fmt: str
) -> None:
    """max_attempts 2: the first fail stays incomplete in 1.2 (a retake is allowed); the second
    is failed, without a Retake button, and says so."""
    kit, version = two_attempts, normalize_version(fmt)
    session = kit.launch(page, http_server, version)
    frame = session.frame
    go(frame, kit.page_with("quiz"))
    failing = kit.with_wrong({q.id for q in kit.questions})
    kit.answer_quiz(frame, failing)
    assert "Attempts left: 1." in (frame.text_content("[data-results-verdict]") or "")
    live = session.cmi()
    assert live[key(version, "raw")] == "0"
    if version == "1.2":
        assert live["cmi.core.lesson_status"] == "incomplete"
    else:
        assert live["cmi.success_status"] == "failed"
    frame.click('[data-action="retake-quiz"]')
    kit.answer_quiz(frame, failing)
    verdict = frame.text_content("[data-results-verdict]") or ""
    assert "You have used all 2 attempts." in verdict
    assert frame.is_hidden('[data-action="retake-quiz"]')
    final = exit_course(session)
    if version == "1.2":
        assert final["cmi.core.lesson_status"] == "failed"
    else:
        assert (final["cmi.success_status"], final["cmi.completion_status"]) == (
            "failed",
            "incomplete",
        )
    check_clean(session)
    state = decode_state(kit.outline, final["cmi.suspend_data"])
    assert state is not None and (state.quiz_state, state.quiz_submits) == ("f", 2)


# --------------------------------------------------------------------------- review mode

REVIEW = {
    "1.2": {"cmi.core.lesson_mode": "review", "cmi.core.credit": "no-credit", "cmi.core.entry": ""},
    "2004": {"cmi.mode": "review", "cmi.credit": "no-credit", "cmi.entry": ""},
}


@pytest.mark.parametrize("fmt", FORMATS)
def test_review_mode_shows_the_results_and_writes_nothing(
    page: Page, http_server: LmsServer, mini_kit: CourseKit, fmt: str
) -> None:
    """After a pass Moodle reopens a 1.2 attempt in review mode (standards.md §11.12): the
    course shows the certificate and results, says the visit may not be recorded, and sets
    no value at all."""
    kit, version = mini_kit, normalize_version(fmt)
    session = kit.launch(page, http_server, version)
    walk(session, kit, kit.all_correct())
    first = exit_course(session)
    held = relaunch_data(first, version, kit.initial(version))
    held.update(REVIEW[version])
    held["cmi.suspend_data"] = first["cmi.suspend_data"]  # the reviewed attempt's own data

    again = kit.launch(page, http_server, version, initial=held)
    frame = again.frame
    notice = frame.text_content("#cpd-notice") or ""
    assert notice.startswith("Review mode:") and "may not be recorded" in notice
    assert visible_page(frame) == "certificate"
    assert frame.is_visible("#cpd-certificate")
    go(frame, kit.page_with("quiz"))
    assert "You passed" in (frame.text_content("[data-results-verdict]") or "")
    frame.click('[data-action="exit"]')
    frame.click('[data-action="exit-confirm"]')  # Exit asks first
    again.wait_for_terminate()
    assert "This visit was not recorded." in (frame.text_content("[data-exit-message]") or "")
    assert again.set_values() == {}
    assert again.counts()["Commit"] == 0
    check_clean(again)


# --------------------------------------------------------------------------- stale location


def test_2004_location_is_right_when_the_lms_sends_only_changed_values(
    page: Page, http_server: LmsServer, mini_kit: CourseKit
) -> None:
    """Moodle's 2004 player sends only values that differ from those at launch (§11.14): a
    learner who relaunches on the certificate, visits the quiz and comes back is stored at the
    quiz. The saved state (always sent: it changes on every save) brings them back right."""
    kit, version = mini_kit, "2004"
    session = kit.launch(page, http_server, version, send_only_changed=True)
    walk(session, kit, kit.all_correct())
    exit_course(session)
    stored = session.stored()
    assert stored["cmi.location"] == "certificate"

    again = kit.launch(
        page, http_server, version, relaunch_data(stored, version), send_only_changed=True
    )
    assert visible_page(again.frame) == "certificate"
    go(again.frame, kit.page_with("quiz"))
    go(again.frame, "certificate")
    exit_course(again)
    stored = again.stored()
    assert stored["cmi.location"] == kit.page_with("quiz")  # stale, as Moodle keeps it
    check_clean(again)

    third = kit.launch(page, http_server, version, relaunch_data(stored, version))
    assert visible_page(third.frame) == "certificate"


# --------------------------------------------------------------------------- exit view


@pytest.mark.parametrize("popup", [False, True], ids=["lms-frame", "popup"])
def test_exit_view_says_how_to_leave(
    page: Page, http_server: LmsServer, mini_kit: CourseKit, popup: bool
) -> None:
    """In an LMS frame the window is the LMS's own: point to its exit control; in a popup the
    learner can close the window."""
    session = mini_kit.launch(page, http_server, "1.2", popup=popup)
    final = exit_course(session)
    assert final["cmi.core.exit"] == "suspend"
    message = session.frame.text_content("[data-exit-message]") or ""
    assert message.startswith("Your progress has been saved. ")
    if popup:
        assert message.endswith("You can close this window.")
    else:
        assert "use your learning platform\u2019s own exit or back link" in message
        assert "close this window" not in message
    check_clean(session)


# --------------------------------------------------------------------------- reflections


def test_reflections_the_lms_cannot_keep_are_told_where_the_learner_is(
    page: Page, http_server: LmsServer, sample_kit: CourseKit, tmp_path: Path
) -> None:
    """SCORM 1.2: three long, barely compressible reflections on three pages. At each loss the
    learner, on the page they are writing on, is told which reflection it was and can download
    every reflection; after a relaunch they are told again."""
    kit = sample_kit
    rng = random.Random(3)
    texts = [
        "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(2500))
        for _ in range(3)
    ]
    spots, pages = [], []
    for r in kit.outline.reflections:  # the first reflection on each of three pages
        if r.page_id not in pages:
            spots.append(r)
            pages.append(r.page_id)
        if len(spots) == 3:
            break
    titles = {p.id: f"page {p.index + 1} \u201c{p.title}\u201d" for p in kit.outline.pages}
    session = kit.launch(page, http_server, "1.2")
    frame = session.frame
    lost_after: list[str] = []
    for spot, text in zip(spots, texts, strict=True):
        go(frame, spot.page_id)
        frame.fill(f'[data-reflection="{spot.id}"]', text)
        frame.press(f'[data-reflection="{spot.id}"]', "Tab")  # blur: saved now
        lost_after.append(
            frame.text_content("[data-lost-list]") if frame.is_visible("#cpd-lost") else ""
        )
    assert lost_after[0] == ""
    assert titles[spots[0].page_id] in lost_after[1]  # told on page 2 that page 1's was lost
    assert titles[spots[1].page_id] in lost_after[2]
    # the alert is in view where the learner is
    box = frame.locator("#cpd-lost").bounding_box()
    height = frame.evaluate("() => innerHeight")
    assert box is not None and 0 <= box["y"] < height
    violations = run_axe(frame)  # the alert and the download buttons are accessible too
    assert violations == [], format_violations(violations)
    status = frame.text_content(f'[data-reflection-status="{spots[0].id}"]') or ""
    assert "no room left to save this reflection" in status

    with page.expect_download() as download:
        frame.click('#cpd-lost [data-action="download-reflections"]')
    saved = download.value.path().read_text(encoding="utf-8-sig")
    assert all(text in saved for text in texts)
    assert saved.startswith(kit.outline.course.title)

    final = session.unload()
    assert final is not None and len(final["cmi.suspend_data"]) <= 4096
    check_clean(session)
    again = kit.launch(
        page, http_server, "1.2", initial=relaunch_data(final, "1.2", kit.initial("1.2"))
    )
    frame = again.frame
    assert frame.is_visible("#cpd-lost")
    told = frame.text_content("[data-lost-list]") or ""
    assert titles[spots[0].page_id] in told and titles[spots[1].page_id] in told
    assert "When you last left the course" in (frame.text_content("[data-lost-text]") or "")
    assert frame.input_value(f'[data-reflection="{spots[2].id}"]') == texts[2]
    assert frame.input_value(f'[data-reflection="{spots[0].id}"]') == ""
