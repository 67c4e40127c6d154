"""The built xAPI and cmi5 packages in headless Chromium, launched by ``cpd-pack launch``
(LaunchServer) with a real Ralph LRS behind it. Every statement Ralph stores is checked with
Ralph's own models, and the cmi5 ones against every statement rule of the spec."""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import pytest
from harness import format_violations, run_axe
from test_scorm_runtime import go, visible_page, walk

from cpd_pack.build import make_packages
from cpd_pack.launch import LaunchServer
from lrs.cmi5_rules import check_cmi5
from lrs.ralph import validate_statement

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from conftest import CourseKit
    from lrs.ralph import RalphLRS

FORMATS = ["xapi", "cmi5"]
ADL = "http://adlnet.gov/expapi/verbs/"
PUBLISHER = "https://example.org/courses/mini-course/au"


@pytest.fixture(scope="module")
def zips(tmp_path_factory: pytest.TempPathFactory, mini_dir: Path) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("xapi-zips")
    paths = {}
    for package in make_packages(mini_dir, FORMATS):
        paths[package.format] = out / package.filename
        paths[package.format].write_bytes(package.data)
    return paths


@pytest.fixture
def launcher(
    request: pytest.FixtureRequest, zips: dict[str, Path], ralph_lrs: RalphLRS
) -> Iterator[LaunchServer]:
    lrs = (ralph_lrs.endpoint, ralph_lrs.username, ralph_lrs.password)
    with LaunchServer(zips[request.param], lrs=lrs, port=0) as server:
        yield server


def verbs(statements: list[dict[str, Any]]) -> list[str]:
    return [s["verb"]["id"].rsplit("/", 1)[-1] for s in statements]


@contextlib.contextmanager
def xapi_launcher(course_dir: Path, tmp: Path, ralph: RalphLRS) -> Iterator[LaunchServer]:
    """The course's xAPI zip served by ``cpd-pack launch`` machinery, forwarding to Ralph."""
    (package,) = make_packages(course_dir, ["xapi"])
    zip_path = tmp / package.filename
    zip_path.write_bytes(package.data)
    lrs = (ralph.endpoint, ralph.username, ralph.password)
    with LaunchServer(zip_path, lrs=lrs, port=0) as server:
        yield server


def open_course(page: Page, url: str) -> SimpleNamespace:
    errors: list[str] = []
    page.on(
        "console", lambda m: errors.append(f"{m.text} {m.location}") if m.type == "error" else None
    )
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_selector('[data-goto][aria-current="page"]')  # the player has started
    return SimpleNamespace(frame=page.main_frame, errors=errors)


def exit_course_view(frame: Any) -> None:
    """Press Exit; cmi5 goes back to the LMS's returnURL (the launcher's page), xAPI shows the
    exit view."""
    cmi5 = "fetch=" in frame.url
    frame.click('[data-action="exit"]')
    frame.click('[data-action="exit-confirm"]')  # Exit asks first
    if cmi5:
        frame.page.wait_for_url(re.compile(r"^http://127\.0\.0\.1:\d+/$"))
    else:
        frame.wait_for_selector("#cpd-exited:not([hidden])")


def wait_for(predicate: Any, timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.05)


def au_statements(srv: LaunchServer) -> list[dict[str, Any]]:
    """What the AU sent (the launcher's own launched/satisfied/abandoned left out)."""
    lms = {"launched", "satisfied", "abandoned"}
    return [s for s in srv.statements if verbs([s])[0] not in lms]


def check_stored(
    srv: LaunchServer, ralph: RalphLRS, fmt: str, **rules: Any
) -> list[dict[str, Any]]:
    """Ralph holds exactly the launcher's statements, once each, each valid; cmi5 rules hold."""
    stored = ralph.statements(registration=srv.registration)
    assert [s["id"] for s in stored] == [s["id"] for s in srv.statements]
    assert len({s["id"] for s in stored}) == len(stored)
    for statement in stored:
        validate_statement(statement)
    for statement in au_statements(srv):  # at most two fractional digits (standards.md §0.4)
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,2})?Z", statement["timestamp"])
        duration = statement.get("result", {}).get("duration", "PT0S")
        assert re.fullmatch(r"PT\d+H\d+M\d+(\.\d{1,2})?S|PT0S", duration), duration
    if fmt == "cmi5":
        violations = check_cmi5(
            stored, actor=srv.actor, registration=srv.registration, activity_id=srv.activity_id,
            publisher_id=PUBLISHER, mastery_score=0.7, move_on="CompletedAndPassed", **rules,
        )  # fmt: skip
        assert [str(v) for v in violations] == []
    return stored


@pytest.mark.parametrize("launcher", FORMATS, indirect=True)
def test_pass_path(
    page: Page, launcher: LaunchServer, ralph_lrs: RalphLRS, mini_kit: CourseKit
) -> None:
    srv, fmt = launcher, launcher.kind
    course = open_course(page, srv.launch_url())
    assert course.frame.text_content("#cpd-notice") == ""  # connected
    walk(course, mini_kit, mini_kit.all_correct())
    assert course.frame.is_visible("#cpd-certificate")
    violations = run_axe(course.frame)  # under the package's Content-Security-Policy
    assert violations == [], format_violations(violations)
    exit_course_view(course.frame)
    wait_for(
        lambda: (
            "terminated" in verbs(au_statements(srv)) or "suspended" in verbs(au_statements(srv))
        )
    )
    sent = au_statements(srv)
    names = verbs(sent)
    first = "initialized"
    assert names[0] == first and names[-1] == "terminated"
    assert names.count("answered") == 3 and names.count("experienced") == 5
    assert names.count("passed") == 1 and names.count("completed") == 1
    assert names.index("passed") < names.index("completed")
    passed = sent[names.index("passed")]
    assert passed["result"]["score"] == {"scaled": 1, "raw": 3, "min": 0, "max": 3}
    assert passed["result"]["success"] is True
    answered = [s for s in sent if verbs([s])[0] == "answered"]
    tf = next(s for s in answered if s["object"]["id"].endswith("/questions/q-tf"))
    assert tf["result"]["response"] == "false" and tf["result"]["success"] is True
    assert tf["object"]["definition"]["interactionType"] == "true-false"
    multi = next(s for s in answered if s["object"]["id"].endswith("/questions/q-multi"))
    assert multi["result"]["response"] == "a[,]b"
    for statement in sent:
        assert statement["actor"] == srv.actor
        assert statement["context"]["registration"] == srv.registration
    check_stored(srv, ralph_lrs, fmt)
    assert course.errors == []


@pytest.mark.parametrize("launcher", FORMATS, indirect=True)
def test_fail_then_retake_and_leave_and_resume(
    page: Page, launcher: LaunchServer, ralph_lrs: RalphLRS, mini_kit: CourseKit
) -> None:
    """Fail, retake and pass in one session: one passed (cmi5: no failed, one per session;
    xAPI: the failed attempt too). A relaunch resumes the page and the reflection, and sends no
    second passed or completed."""
    srv, kit = launcher, mini_kit
    course = open_course(page, srv.launch_url())
    reflection = kit.outline.reflections[0]
    go(course.frame, reflection.page_id)
    course.frame.fill(f'[data-reflection="{reflection.id}"]', "Zoë felt heard")
    go(course.frame, kit.page_with("quiz"))
    kit.answer_quiz(course.frame, kit.with_wrong({q.id for q in kit.questions}))
    course.frame.click('[data-action="retake-quiz"]')
    kit.answer_quiz(course.frame, kit.all_correct())
    go(course.frame, reflection.page_id)
    exit_course_view(course.frame)
    wait_for(lambda: verbs(au_statements(srv))[-1] in ("terminated", "suspended"))
    names = verbs(au_statements(srv))
    assert names.count("passed") == 1 and "completed" not in names
    assert names.count("failed") == (0 if srv.kind == "cmi5" else 1)

    again = open_course(page, srv.launch_url())
    assert visible_page(again.frame) == reflection.page_id
    assert again.frame.input_value(f'[data-reflection="{reflection.id}"]') == "Zoë felt heard"
    for pid in kit.page_ids:
        go(again.frame, pid)
    assert again.frame.is_visible("#cpd-certificate")
    exit_course_view(again.frame)
    wait_for(
        lambda: (
            verbs(au_statements(srv))[-1] == "terminated"
            and "completed" in verbs(au_statements(srv))
        )
    )
    names = verbs(au_statements(srv))
    assert names.count("passed") == 1 and names.count("completed") == 1
    check_stored(srv, ralph_lrs, srv.kind)


@pytest.mark.parametrize("launcher", FORMATS, indirect=True)
def test_a_closed_tab_still_ends_the_session(
    page: Page, launcher: LaunchServer, ralph_lrs: RalphLRS, mini_kit: CourseKit
) -> None:
    """Closing the tab mid-course: what was queued and the final statement still arrive
    (keepalive on page hide); nothing is left for the LMS to mark abandoned."""
    srv, kit = launcher, mini_kit
    course = open_course(page, srv.launch_url())
    for pid in kit.page_ids[:3]:
        go(course.frame, pid)
    page.close()
    end = "terminated" if srv.kind == "cmi5" else "suspended"
    wait_for(lambda: end in verbs(au_statements(srv)))
    names = verbs(au_statements(srv))
    assert names == ["initialized", *["experienced"] * 3, end]
    check_stored(srv, ralph_lrs, srv.kind, finished=True)


@pytest.mark.parametrize("launcher", ["cmi5"], indirect=True)
def test_cmi5_browse_mode_sends_only_initialized_and_terminated(
    page: Page, launcher: LaunchServer, ralph_lrs: RalphLRS, mini_kit: CourseKit
) -> None:
    srv, kit = launcher, mini_kit
    course = open_course(page, srv.launch_url(mode="Browse"))
    assert (course.frame.text_content("#cpd-notice") or "").startswith("Review mode:")
    walk(course, kit, kit.all_correct())
    exit_course_view(course.frame)
    wait_for(lambda: "terminated" in verbs(au_statements(srv)))
    assert verbs(au_statements(srv)) == ["initialized", "terminated"]
    check_stored(srv, ralph_lrs, "cmi5", launch_mode="Browse")


@pytest.mark.parametrize("launcher", FORMATS, indirect=True)
def test_an_lrs_outage_loses_and_duplicates_nothing(
    page: Page, launcher: LaunchServer, ralph_lrs: RalphLRS, mini_kit: CourseKit
) -> None:
    """Ralph stops mid-course; the learner goes on and is told records are waiting; Ralph comes
    back: every statement arrives exactly once, in the order it was made."""
    srv, kit = launcher, mini_kit
    course = open_course(page, srv.launch_url())
    go(course.frame, kit.page_ids[1])
    wait_for(lambda: "experienced" in verbs(au_statements(srv)))
    ralph_lrs.stop()
    try:
        for pid in kit.page_ids[2:]:
            go(course.frame, pid)
        go(course.frame, kit.page_with("quiz"))
        kit.answer_quiz(course.frame, kit.all_correct())
        course.frame.wait_for_function(
            "() => /waiting to be sent/.test(document.getElementById('cpd-sync').textContent)"
        )
    finally:
        ralph_lrs.start()
    course.frame.wait_for_function(
        "() => document.getElementById('cpd-sync').textContent === ''", timeout=90_000
    )
    exit_course_view(course.frame)
    end = "terminated"
    wait_for(lambda: end in verbs(au_statements(srv)) or "suspended" in verbs(au_statements(srv)))
    sent = au_statements(srv)
    made = sorted(sent, key=lambda s: s["timestamp"])
    assert [s["id"] for s in sent] == [s["id"] for s in made]  # in order
    check_stored(srv, ralph_lrs, srv.kind)
    assert verbs(sent).count("answered") == 3


@pytest.mark.parametrize("launcher", FORMATS, indirect=True)
def test_a_reload_loses_and_duplicates_nothing(
    page: Page, launcher: LaunchServer, ralph_lrs: RalphLRS, mini_kit: CourseKit
) -> None:
    """A reload mid-course (cmi5: the same session, its token kept, no second initialized)."""
    srv, kit = launcher, mini_kit
    course = open_course(page, srv.launch_url())
    go(course.frame, kit.page_ids[1])
    page.reload()  # the page is hidden: the session ends (terminated, or xAPI suspended)
    page.wait_for_selector('[data-goto][aria-current="page"]')
    frame = page.main_frame
    assert visible_page(frame) == kit.page_ids[1]  # resumed where the learner was
    if srv.kind == "cmi5":  # the session is over: shown, not recorded, nothing sent
        assert "This visit has ended in your learning platform" in (
            frame.text_content("#cpd-notice") or ""
        )
        walk(SimpleNamespace(frame=frame), kit, kit.all_correct(), start=1)
        frame.click('[data-action="exit"]')
        frame.click('[data-action="exit-confirm"]')  # Exit asks first
        time.sleep(0.5)
        assert verbs(au_statements(srv)) == [
            "initialized",
            "experienced",
            "experienced",
            "terminated",
        ]
    else:
        walk(SimpleNamespace(frame=frame), kit, kit.all_correct(), start=1)
        exit_course_view(frame)
        wait_for(lambda: verbs(au_statements(srv))[-1] == "terminated")
        names = verbs(au_statements(srv))
        assert [n for n in names if n in ("initialized", "resumed", "suspended")] == [
            "initialized", "suspended", "resumed"
        ]  # fmt: skip
        assert names.count("passed") == 1 and names.count("answered") == 3
    check_stored(srv, ralph_lrs, srv.kind)


@pytest.mark.parametrize("launcher", ["xapi"], indirect=True)
def test_a_refused_statement_is_kept_aside_and_not_retried(
    page: Page, launcher: LaunchServer, ralph_lrs: RalphLRS, mini_kit: CourseKit
) -> None:
    """The LRS answers 400 to the first answered statement: it is never sent again, the learner
    is told, and every later statement still arrives."""
    srv, kit = launcher, mini_kit
    tries: list[str] = []

    def refuse_answered(route: Any) -> None:
        body = route.request.post_data or ""
        if route.request.method == "POST" and "/verbs/answered" in body and not tries:
            tries.append(body)
            route.fulfill(status=400, body='{"error": "refused for the test"}')
        elif route.request.method == "POST" and body in tries:
            tries.append(body)
            route.fulfill(status=400, body='{"error": "sent again"}')
        else:
            route.continue_()

    page.route("**/xapi/statements*", refuse_answered)
    course = open_course(page, srv.launch_url())
    walk(course, kit, kit.all_correct())
    course.frame.wait_for_function(
        "() => /refused by your learning record store/.test(document.getElementById('cpd-sync').textContent)"
    )
    exit_course_view(course.frame)
    wait_for(lambda: "terminated" in verbs(au_statements(srv)))
    assert len(tries) == 1  # refused once, never sent again
    names = verbs(au_statements(srv))
    assert names.count("answered") == 2 and names.count("passed") == 1
    check_stored(srv, ralph_lrs, "xapi")


def test_xapi_straight_to_an_lrs_without_a_state_api(
    page: Page, http_server: Any, zips: dict[str, Path], ralph_lrs: RalphLRS, mini_kit: CourseKit
) -> None:
    """Launched straight at Ralph (no State API; endpoint without its trailing slash; the old
    array form of the actor): the place is kept in this browser, the learner is told, and a
    relaunch resumes it. Statements still reach Ralph."""
    import json
    import urllib.parse
    import uuid

    name = http_server.publish(zips["xapi"])
    registration = str(uuid.uuid4())
    query = urllib.parse.urlencode({
        "endpoint": ralph_lrs.endpoint.rstrip("/"),
        "auth": ralph_lrs.auth_header,
        "actor": json.dumps({"name": ["Jane Doe"], "mbox": ["mailto:jane@example.org"]}),
        "registration": registration,
        "activity_id": "https://example.org/courses/mini-course",
    })  # fmt: skip
    url = http_server.url(f"{name}/index.html?{query}")
    course = open_course(page, url)
    kit = mini_kit
    course.frame.wait_for_function(
        "() => /kept in this browser only/.test(document.getElementById('cpd-sync').textContent)"
    )
    reflection = kit.outline.reflections[0]
    go(course.frame, reflection.page_id)
    course.frame.fill(f'[data-reflection="{reflection.id}"]', "Kept here")
    go(course.frame, kit.page_with("quiz"))
    go(course.frame, reflection.page_id)
    page.goto("about:blank")

    again = open_course(page, url)
    assert visible_page(again.frame) == reflection.page_id
    assert again.frame.input_value(f'[data-reflection="{reflection.id}"]') == "Kept here"
    stored = ralph_lrs.statements(registration=registration)
    names = verbs(stored)
    assert names[0] == "initialized" and names.index("suspended") < names.index("resumed")
    assert stored[0]["actor"] == {
        "objectType": "Agent",
        "name": "Jane Doe",
        "mbox": "mailto:jane@example.org",
    }
    for statement in stored:
        validate_statement(statement)
    # the only console errors are the LRS's 404s for the State API it does not have
    assert all("/activities/state" in e for e in course.errors + again.errors)
