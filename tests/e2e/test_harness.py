"""The test LMS, the harness helpers and axe work end to end with a hand-written SCO."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from harness import LmsServer, default_initial, format_violations, launch, no_lms, relaunch_data
from harness import run_axe as axe

if TYPE_CHECKING:
    from playwright.sync_api import Page

MINI_SCO = Path(__file__).parent / "fixtures" / "mini_sco"


def test_scorm12_session(page: Page, http_server: LmsServer) -> None:
    not_found_before = len(http_server.not_found)
    session = launch(page, http_server, MINI_SCO, "1.2")
    assert session.frame.text_content("#learner") == "Doe, Jane"
    assert session.cmi()["cmi.core.lesson_location"] == "page-2"
    session.frame.click("#finish")
    final = session.wait_for_terminate()

    assert final is not None
    assert final["cmi.core.lesson_status"] == "passed"
    assert final["cmi.core.score.raw"] == "80"
    assert final["cmi.suspend_data"] == '{"page":2}'
    assert final["cmi.interactions.0.id"] == "q1"
    assert final["cmi.interactions.0.result"] == "correct"
    assert final["cmi.core.total_time"] == "00:01:05.5"  # scorm-again drops the trailing 0
    assert session.counts() == {"Initialize": 1, "Terminate": 1, "Commit": 1}
    assert session.errors() == []
    assert session.problems() == []
    assert session.set_values()["cmi.interactions.0.student_response"] == "b"
    assert session.console_errors == [] and session.page_errors == []
    assert http_server.not_found[not_found_before:] == []


def test_scorm2004_session_with_unload(page: Page, http_server: LmsServer) -> None:
    session = launch(page, http_server, MINI_SCO, "2004")
    final = session.unload()

    assert final is not None
    assert final["cmi.completion_status"] == "completed"
    assert final["cmi.success_status"] == "passed"
    assert final["cmi.score.scaled"] == "0.8"
    assert final["cmi.score.raw"] == "80"
    assert final["cmi.location"] == "page-2"
    assert final["cmi.interactions.0.learner_response"] == "b"
    assert final["cmi.interactions.0.timestamp"] == "2024-05-06T07:08:09.12Z"
    assert final["cmi.exit"] == "normal"
    assert session.counts() == {"Initialize": 1, "Terminate": 1, "Commit": 1}
    assert session.errors() == []
    # First launch: nothing stored yet, so reading suspend_data legitimately gives 403.
    assert [r["element"] for r in session.unset_reads()] == ["cmi.suspend_data"]
    assert session.problems() == []
    assert session.final_commit()["cmi"]["total_time"] == "PT1M5.5S"


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_relaunch_resumes_after_suspend(page: Page, http_server: LmsServer, version: str) -> None:
    first = launch(page, http_server, MINI_SCO, version, launch="index.html?exit=suspend")
    final = first.unload()
    assert final is not None
    initial = relaunch_data(final, version)
    entry = "cmi.core.entry" if version == "1.2" else "cmi.entry"
    assert initial[entry] == "resume"

    second_page = page.context.new_page()
    second = launch(second_page, http_server, MINI_SCO, version, initial)
    assert second.frame.text_content("#entry") == "resume"
    assert second.frame.text_content("#restored") == '{"page":2}'
    assert second.errors() == [] and second.unset_reads() == []


def test_relaunch_data_without_suspend() -> None:
    final = {"cmi.exit": "normal", "cmi.location": "p3", "cmi.completion_status": "completed",
             "cmi.score.raw": "90", "cmi.suspend_data": "x"}  # fmt: skip
    data = relaunch_data(final, "2004")
    assert data["cmi.entry"] == "ab-initio"
    assert data["cmi.completion_status"] == "completed" and data["cmi.score.raw"] == "90"
    assert "cmi.location" not in data and "cmi.suspend_data" not in data
    data12 = relaunch_data({"cmi.core.exit": "", "cmi.core.lesson_status": "failed"}, "scorm12")
    assert "cmi.core.entry" not in data12
    assert data12["cmi.core.lesson_status"] == "failed"
    assert data12["cmi.core.student_name"] == default_initial("1.2")["cmi.core.student_name"]


def test_invalid_value_is_recorded(page: Page, http_server: LmsServer) -> None:
    session = launch(page, http_server, MINI_SCO, "2004")
    api = "window.frames[0].parent.API_1484_11"
    assert page.evaluate(f"() => {api}.SetValue('cmi.completion_status', 'passed')") == "false"
    [error] = session.errors()
    assert error["element"] == "cmi.completion_status" and error["error"] == "406"
    assert any("cmi.completion_status='passed'" in p for p in session.problems())


def test_axe_and_no_lms(page: Page, http_server: LmsServer) -> None:
    run = no_lms(page, http_server, MINI_SCO)
    assert run.frame.text_content("#learner") == "(no LMS)"
    assert run.console_errors == [] and run.page_errors == []
    violations = axe(run.frame)
    assert violations == [], format_violations(violations)

    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=a>')")
    assert "image-alt" in {v["id"] for v in axe(run.frame)}


def test_axe_in_lms_iframe(page: Page, http_server: LmsServer) -> None:
    session = launch(page, http_server, MINI_SCO, "1.2")
    violations = axe(session.frame)
    assert violations == [], format_violations(violations)


def test_page_errors_are_collected(page: Page, http_server: LmsServer, tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(
        "<!doctype html><html lang=en><title>t</title><script>undefinedFn()</script></html>"
    )
    run = no_lms(page, http_server, tmp_path)
    assert any("undefinedFn" in e for e in run.page_errors)


MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="m" version="1" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
          xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <organizations default="org"><organization identifier="org"><title>T</title>
    <item identifier="i1" identifierref="r1"><title>SCO</title></item>
  </organization></organizations>
  <resources><resource identifier="r1" type="webcontent" adlcp:scormtype="sco"
                       href="sco/index.html"/></resources>
</manifest>"""


def test_launch_from_zip_follows_manifest(
    page: Page, http_server: LmsServer, tmp_path: Path
) -> None:
    package = tmp_path / "course.zip"
    with zipfile.ZipFile(package, "w") as zf:
        zf.writestr("imsmanifest.xml", MANIFEST)
        zf.write(MINI_SCO / "index.html", "sco/index.html")
    session = launch(page, http_server, package, "scorm12")
    assert session.launch_url.endswith("/sco/index.html")
    assert session.counts()["Terminate"] == 0
    session.frame.click("#finish")
    final = session.wait_for_terminate()
    assert final is not None and final["cmi.core.lesson_status"] == "passed"


def _bare_lms(page: Page, server: LmsServer, version: str, **cfg: object) -> None:
    """The test LMS with its API and no SCO: the test plays the SCO's part."""
    page.goto(server.lms_url)
    page.evaluate(
        "cfg => startLMS(cfg)",
        {"version": version, "initial": default_initial(version), "launch": "about:blank", **cfg},
    )


def test_scorm12_mastery_override_applies_at_lmsfinish(page: Page, http_server: LmsServer) -> None:
    """As Moodle by default (standards.md §4, §11.11): incomplete plus a raw score at or above
    the mastery score (70) is stored as passed; below it, as failed."""
    for raw, stored in (("100", "passed"), ("40", "failed")):
        _bare_lms(page, http_server, "1.2")
        final = page.evaluate(
            """raw => { API.LMSInitialize(""); API.LMSSetValue("cmi.core.lesson_status", "incomplete");
            API.LMSSetValue("cmi.core.score.raw", raw); API.LMSFinish("");
            return window.lmsFinal.flat["cmi.core.lesson_status"]; }""",
            raw,
        )
        assert final == stored


def test_the_store_can_keep_only_changed_values(page: Page, http_server: LmsServer) -> None:
    """Moodle's 2004 player (§11.14): a location changed and changed back stays stored changed."""
    for only_changed, stored in ((True, "b"), (False, "a")):
        initial = {**default_initial("2004"), "cmi.location": "a", "cmi.entry": "resume"}
        _bare_lms(page, http_server, "2004", initial=initial, sendOnlyChanged=only_changed)
        result = page.evaluate(
            """() => { API_1484_11.Initialize(""); API_1484_11.SetValue("cmi.location", "b");
            API_1484_11.Commit(""); API_1484_11.SetValue("cmi.location", "a");
            API_1484_11.Terminate(""); return window.lmsStore["cmi.location"]; }"""
        )
        assert result == stored
