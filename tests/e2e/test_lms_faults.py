"""An LMS that misbehaves (issue 8), made to fail on demand by the test LMS (``lms/lms.js``
cfg.faults): Commit or SetValue answering "false" (or null, or throwing) with error codes,
Initialize failing, an API later than the 3 s wait, Terminate failing or the LMS ending the
session itself while the page is hidden; a course left open for hours; two windows of the same
attempt. The learner is told when progress could not be saved, what failed goes again at the
next event, nothing throws, no console error comes from the course, and newer progress is never
overwritten by older."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from harness import normalize_version, relaunch_data
from report import record
from test_scorm_runtime import (
    FORMATS,
    check_clean,
    check_passed,
    exit_course,
    go,
    interactions,
    key,
    visible_page,
)

from cpd_pack.build import make_packages
from cpd_pack.launch import LaunchServer
from cpd_pack.state import decode_state

if TYPE_CHECKING:
    from harness import LmsServer, LmsSession
    from playwright.sync_api import Frame, Page

    from conftest import CourseKit

pytestmark = pytest.mark.usefixtures("no_404s")
# the player has started (the first page shows before it does, from the HTML alone)
RUNNING = '[data-goto][aria-current="page"]'
MINI = Path(__file__).parents[1] / "fixtures" / "courses" / "mini"
NOT_SAVED = "did not save your latest progress"
TWIN = "also open in another window"


def sync(frame: Frame) -> str:
    return frame.text_content("#cpd-sync") or ""


def code(version: str, v12: str, v2004: str) -> str:
    return v12 if normalize_version(version) == "1.2" else v2004


def seen(kit: CourseKit, data: str) -> list[bool]:
    state = decode_state(kit.outline, data)
    assert state is not None
    return list(state.pages_seen)


def quiet(session: LmsSession) -> None:
    """Nothing threw and nothing reached the console; scorm-again saw only valid calls."""
    assert session.page_errors == []
    assert session.console_errors == []
    assert session.errors() == []


def scenario(name: str, fmt: str) -> None:
    record("fault", scenario=name, format=fmt)  # reached the end: passed


def finish_course(session: LmsSession, kit: CourseKit) -> dict[str, Any]:
    """Every page, the quiz passed, Exit; the final data shows a pass."""
    frame = session.frame
    for pid in kit.page_ids:
        go(frame, pid)
    go(frame, kit.page_with("quiz"))
    if frame.is_visible('[data-action="submit-quiz"]'):
        kit.answer_quiz(frame, kit.all_correct())
    go(frame, kit.page_with("certificate"))
    assert frame.is_visible("#cpd-certificate")
    final = exit_course(session)
    check_passed(final, session.version, raw="100", scaled="1")
    return final


# --------------------------------------------------------------------------- Commit, SetValue


@pytest.mark.parametrize("mode", ["false", "throw", "null"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_failed_commit_is_told_and_sent_again(
    page: Page, http_server: LmsServer, mini_kit: CourseKit, fmt: str, mode: str
) -> None:
    kit, version = mini_kit, normalize_version(fmt)
    session = kit.launch(page, http_server, version, faults={"commit": mode})
    frame, ids = session.frame, kit.page_ids
    assert NOT_SAVED in sync(frame)  # the first save, at launch, was not taken
    frame.click('[data-action="next"]')
    assert NOT_SAVED in sync(frame)
    assert key(version, "location") not in session.stored()  # nothing reached the server
    session.set_faults({})
    frame.click('[data-action="next"]')  # the next event: committed
    assert sync(frame) == ""
    stored = session.stored()
    assert stored[key(version, "location")] == ids[2]
    assert seen(kit, stored["cmi.suspend_data"])[:3] == [True, True, True]
    failed = [f for f in session.faults() if f["method"].endswith("Commit")]
    assert len(failed) == 2
    finish_course(session, kit)
    assert "Your progress has been saved." in (frame.text_content("[data-exit-message]") or "")
    quiet(session)
    check_clean(session)
    scenario(f"Commit answers {mode}", fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_value_the_lms_failed_to_take_goes_again_in_order(
    page: Page, http_server: LmsServer, mini_kit: CourseKit, fmt: str
) -> None:
    """suspend_data and an interaction's id fail with a general error: the learner is told;
    at the next event they are sent again, the interaction's later fields behind its id."""
    kit, version = mini_kit, normalize_version(fmt)
    general = code(version, "101", "351")
    faults = {"setValue": {r"^cmi\.suspend_data$": general, r"^cmi\.interactions\.0\.id$": general}}
    session = kit.launch(page, http_server, version, faults=faults)
    frame = session.frame
    go(frame, kit.page_with("quiz"))
    kit.answer_quiz(frame, kit.all_correct())
    assert NOT_SAVED in sync(frame)
    assert "cmi.suspend_data" not in session.stored()
    assert not any(k.startswith("cmi.interactions.0.") for k in session.cmi())  # held back
    session.set_faults({})
    go(frame, kit.page_ids[0])
    assert sync(frame) == ""
    stored, live = session.stored(), session.cmi()
    assert seen(kit, stored["cmi.suspend_data"])[0]
    records = interactions(live)
    assert len(records) == 3 and all(r.get("id") for r in records)
    finish_course(session, kit)
    quiet(session)
    check_clean(session)  # strict: every interaction's id before its other fields
    scenario("SetValue fails with a general error", fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_value_the_lms_will_never_take_is_told_and_not_repeated(
    page: Page, http_server: LmsServer, mini_kit: CourseKit, fmt: str
) -> None:
    kit, version = mini_kit, normalize_version(fmt)
    location = key(version, "location")
    mismatch = code(version, "405", "406")
    session = kit.launch(
        page, http_server, version, faults={"setValue": {f"^{re.escape(location)}$": mismatch}}
    )
    frame = session.frame
    for pid in kit.page_ids[1:4]:
        go(frame, pid)
    assert "refused part of your progress" in sync(frame)
    assert NOT_SAVED not in sync(frame)  # nothing is waiting: it is not sent again
    sets = [c["args"][0] for c in session.calls() if c["generic"] == "SetValue"]
    assert sets.count(location) == sets.count("cmi.suspend_data")  # once a save, no resend
    assert session.counts()["Commit"] == 4
    quiet(session)
    scenario("SetValue refused with a data model error", fmt)


# --------------------------------------------------------------------------- Initialize, late API


@pytest.mark.parametrize("fmt", FORMATS)
def test_initialize_failing_is_told_and_asked_again_a_few_times(
    page: Page, http_server: LmsServer, mini_kit: CourseKit, fmt: str
) -> None:
    kit, version = mini_kit, normalize_version(fmt)
    session = kit.launch(page, http_server, version, faults={"initialize": "false"})
    frame = session.frame
    assert "did not start recording this visit" in (frame.text_content("#cpd-notice") or "")
    for pid in kit.page_ids * 2:
        go(frame, pid)
    counts = session.counts()
    assert 2 <= counts["Initialize"] <= 6 and counts["Commit"] == counts["Terminate"] == 0
    assert [c["generic"] for c in session.calls()] == ["Initialize"] * counts["Initialize"]
    frame.click('[data-action="exit"]')
    frame.click('[data-action="exit-confirm"]')  # Exit asks first
    message = frame.text_content("[data-exit-message]") or ""
    assert message.startswith("Your learning platform did not start recording this visit")
    assert session.page_errors == [] and session.console_errors == []
    scenario("Initialize fails every time", fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_initialize_failing_once_is_asked_again_at_the_next_event(
    page: Page, http_server: LmsServer, mini_kit: CourseKit, fmt: str
) -> None:
    """The first event is the save as the first page shows: Initialize is asked again then."""
    kit, version = mini_kit, normalize_version(fmt)
    session = kit.launch(page, http_server, version, faults={"initialize": 1})
    frame = session.frame
    page.wait_for_function("() => window.lmsCounts.Commit > 0")
    assert session.counts()["Initialize"] == 2
    assert frame.text_content("#cpd-notice") == ""
    frame.click('[data-action="next"]')
    stored = session.stored()
    assert seen(kit, stored["cmi.suspend_data"])[:2] == [True, True]
    finish_course(session, kit)
    quiet(session)
    assert session.counts()["Initialize"] == 2
    scenario("Initialize fails once", fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_api_that_comes_after_the_wait_is_used_from_the_next_event(
    page: Page, http_server: LmsServer, mini_kit: CourseKit, fmt: str
) -> None:
    """The API appears 4 s after the SCO loads, beyond the 3 s wait: the course starts without
    it, then finds it at the next event and records the attempt, pages seen before included."""
    kit, version = mini_kit, normalize_version(fmt)
    session = kit.launch(
        page, http_server, version, faults={"lateApiMs": 4000}, wait_initialize=False
    )
    frame = session.frame
    frame.wait_for_function(  # the course started without it, after the 3 s wait
        "() => document.getElementById('cpd-notice').textContent === 'Progress is not being recorded.'"
    )
    frame.click('[data-action="next"]')
    page.wait_for_function("() => !!(window.API || window.API_1484_11)", timeout=10_000)
    # 0, or 1 when a slow machine made that click only after the API had come
    assert session.counts()["Initialize"] <= 1
    frame.click('[data-action="next"]')
    frame.wait_for_function("() => document.getElementById('cpd-notice').textContent === ''")
    assert seen(kit, session.stored()["cmi.suspend_data"])[:3] == [True, True, True]
    finish_course(session, kit)
    quiet(session)
    check_clean(session)
    scenario("API later than the 3 s wait", fmt)


# --------------------------------------------------------------------------- page hide


@pytest.mark.parametrize("mode", ["false", "throw", "null"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_commit_and_terminate_failing_while_the_page_is_hidden(
    page: Page, http_server: LmsServer, mini_kit: CourseKit, fmt: str, mode: str
) -> None:
    """Pitfall 6 (Cornerstone answers null during unload): nothing throws, and what was
    committed at the last event is what the LMS keeps."""
    kit, version = mini_kit, normalize_version(fmt)
    session = kit.launch(page, http_server, version)
    frame = session.frame
    go(frame, kit.page_ids[2])
    session.set_faults({"commit": mode, "terminate": mode})
    session.unload()
    assert session.stored()[key(version, "location")] == kit.page_ids[2]
    quiet(session)
    scenario(f"Commit and Terminate answer {mode} on page hide", fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_lms_ending_the_session_before_the_page_is_hidden(
    page: Page, http_server: LmsServer, mini_kit: CourseKit, fmt: str
) -> None:
    """The LMS terminates the session itself as the learner leaves: the SCO's late calls fail,
    it stops after them, nothing throws, and the LMS kept the learner's last page."""
    kit, version = mini_kit, normalize_version(fmt)
    session = kit.launch(page, http_server, version, faults={"terminateOnHide": True})
    go(session.frame, kit.page_ids[3])
    before = len(session.calls())
    page.evaluate("() => window.unloadSCO()")
    page.wait_for_function("() => window.lmsTerminatedByLms === 'true'")
    page.wait_for_timeout(300)
    late = session.calls()[before:]
    assert len(late) <= 8, late  # a few refused calls, then nothing
    assert session.final()[key(version, "location")] == kit.page_ids[3]  # type: ignore[index]
    assert session.page_errors == [] and session.console_errors == []
    scenario("the LMS terminates first on page hide", fmt)


# --------------------------------------------------------------------------- hours


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_course_left_open_for_hours(
    page: Page, http_server: LmsServer, mini_kit: CourseKit, fmt: str
) -> None:
    """Three hours of (fake) time pass with the course open: no call at all meanwhile, and the
    session time sent at the end is three hours."""
    kit, version = mini_kit, normalize_version(fmt)
    page.clock.install()
    session = kit.launch(page, http_server, version)
    go(session.frame, kit.page_ids[1])
    calls = len(session.calls())
    page.clock.run_for("03:00:00")  # every timer due in three hours runs
    assert len(session.calls()) == calls
    go(session.frame, kit.page_ids[2])
    final = exit_course(session)
    sent = session.set_values()[key(version, "session_time")]
    three_hours = r"0003:00:0\d\.\d\d" if version == "1.2" else r"PT3H0M\d(\.\d{1,2})?S"
    assert re.fullmatch(three_hours, sent), sent
    assert session.counts()["Commit"] <= 4
    assert final[key(version, "location")] == kit.page_ids[2]
    quiet(session)
    check_clean(session)
    scenario("left open for three hours", fmt)


# --------------------------------------------------------------------------- two windows


@pytest.mark.parametrize("fmt", FORMATS)
def test_two_windows_of_one_attempt_never_overwrite_newer_progress(
    page: Page, http_server: LmsServer, mini_kit: CourseKit, fmt: str
) -> None:
    """Both windows relaunch from the same stored attempt. Window A goes on and passes; window B,
    still showing the older state, takes A's progress over (and says so) before it saves
    anything, so neither the LMS's copy in B nor the one in A ever goes back."""
    kit, version = mini_kit, normalize_version(fmt)
    first = kit.launch(page, http_server, version)
    go(first.frame, kit.page_ids[1])
    data = relaunch_data(first.unload(), version, kit.initial(version))  # type: ignore[arg-type]

    a = kit.launch(page, http_server, version, initial=data, published=first.name)
    b_page = page.context.new_page()
    b = kit.launch(b_page, http_server, version, initial=data, published=first.name)
    assert visible_page(a.frame) == visible_page(b.frame) == kit.page_ids[1]
    assert TWIN not in sync(a.frame) + sync(b.frame)

    page.bring_to_front()  # (a background tab's frames are throttled, which slows Playwright)
    for pid in kit.page_ids:
        go(a.frame, pid)
    go(a.frame, kit.page_with("quiz"))
    kit.answer_quiz(a.frame, kit.all_correct())
    b.frame.wait_for_function(
        f"() => document.getElementById('cpd-sync').textContent.includes('{TWIN}')"
    )
    b_page.bring_to_front()
    assert b.frame.is_visible(f'[data-seen-for="{kit.page_ids[-1]}"]')  # B shows A's progress
    b.frame.click('[data-action="next"]')
    stored = b.stored()
    assert all(seen(kit, stored["cmi.suspend_data"]))
    state = decode_state(kit.outline, stored["cmi.suspend_data"])
    assert state is not None and state.quiz_state == "p"
    final_b = exit_course(b)
    check_passed(final_b, version, raw="100", scaled="1")
    page.bring_to_front()
    final_a = exit_course(a)  # A, which now is the older one, takes B's over too
    check_passed(final_a, version, raw="100", scaled="1")
    assert all(seen(kit, final_a["cmi.suspend_data"]))
    for session in (a, b):
        quiet(session)
    scenario("two windows of one attempt", fmt)


def verbs(server: LaunchServer) -> list[str]:
    return [s["verb"]["id"].rsplit("/", 1)[-1] for s in server.statements]


def wait_for(predicate: Any, timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.05)


def _xapi_doc(server: LaunchServer) -> dict[str, Any]:
    [doc] = [d for k, d in server.state.items() if k[2].endswith("/state/v1")]
    return doc


@pytest.mark.parametrize("devices", [False, True], ids=["two-tabs", "two-devices"])
def test_two_xapi_windows_of_one_registration(
    page: Page, mini_kit: CourseKit, tmp_path: Path, devices: bool
) -> None:
    """xAPI, one registration open twice: in two tabs (they share this browser's storage) or on
    two devices (separate browsers: the LRS answers 412 to the older one's If-Match). The older
    window takes the newer state over and says so; the LRS's state document never goes back and
    passed and completed are sent once."""
    [package] = make_packages(MINI, ["xapi"])
    zip_path = tmp_path / package.filename
    zip_path.write_bytes(package.data)
    kit = mini_kit
    with LaunchServer(zip_path, port=0) as server:
        url = server.launch_url()
        a = page
        b_context = page.context.browser.new_context() if devices else page.context  # type: ignore[union-attr]
        b = b_context.new_page()
        errors: list[str] = []
        for p in (a, b):
            p.on("pageerror", lambda e: errors.append(str(e)))
            p.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            p.goto(url)
            p.wait_for_selector(RUNNING, state="attached")
        go(b.main_frame, kit.page_ids[1])
        a.bring_to_front()  # (a background tab's frames are throttled, which slows Playwright)
        for pid in kit.page_ids:
            go(a.main_frame, pid)
        go(a.main_frame, kit.page_with("quiz"))
        kit.answer_quiz(a.main_frame, kit.all_correct())
        wait_for(lambda: {"passed", "completed"} <= set(verbs(server)))
        b.bring_to_front()
        go(b.main_frame, kit.page_ids[2])  # B saves: it must not go back
        # two devices: only the LRS's 412 tells; two tabs: this browser's copy (or the 412)
        told = "on another device" if devices else "also (open|used) in another window"
        b.wait_for_function(f"() => /{told}/.test(document.getElementById('cpd-sync').textContent)")
        wait_for(lambda: all(seen(kit, _xapi_doc(server)["suspendData"])))
        doc = _xapi_doc(server)
        assert doc["completed"] and doc["passed"]
        sent = verbs(server)
        assert sent.count("passed") == 1 and sent.count("completed") == 1
        # the only console errors: the browser logging the LRS's 412 (the conflict detected)
        assert [e for e in errors if "412 (Precondition Failed)" not in e] == []
        b.close()
        if devices:
            b_context.close()
    scenario("two xAPI " + ("devices" if devices else "tabs") + " of one registration", "xapi")
