"""``cpd-pack preview`` (src/cpd_pack/preview): builds, the server, the command, and the page in
headless Chromium (SCORM under the shipped scorm-again, xAPI and cmi5 through the launcher)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import pytest
from click.testing import CliRunner

from cpd_pack.cli import cli
from cpd_pack.preview import PreviewError, PreviewServer
from cpd_pack.preview.builder import build_preview
from prereq import require

if TYPE_CHECKING:
    from playwright.sync_api import FrameLocator, Page

REPO = Path(__file__).resolve().parent.parent
MINI = REPO / "tests" / "fixtures" / "courses" / "mini"
VENDOR = REPO / "src" / "cpd_pack" / "preview" / "static" / "scorm-again"
NPM = REPO / "node_modules"
UNIT = "units/01-start.yaml"
BROKEN = "title: [Start"  # an unclosed flow sequence (line 2 of UNIT; YAML notices on line 3)


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A copy of the mini course, free to edit."""
    target = tmp_path / "mini"
    shutil.copytree(MINI, target)
    return target


def edit(course: Path, old: str, new: str, name: str = UNIT) -> None:
    """Replace ``old`` by ``new`` in one of the course's files (which must contain it)."""
    path = course / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def wait_for(check: Callable[[], object], timeout: float = 15.0) -> None:
    """Wait until ``check()`` is true."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def fetch(
    url: str, *, method: str = "GET", headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    """``(status, body)`` of one request."""
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def yaml_error(course: Path) -> str:
    return (
        f"{course / UNIT}:3:6: invalid YAML: did not find expected ',' or ']'\n"
        "1 problem found; still showing the last good build."
    )


# --------------------------------------------------------------------------- the shipped scorm-again


def test_scorm_again_copy_is_the_pinned_npm_file() -> None:
    require((NPM / "scorm-again").is_dir(), "node_modules/scorm-again (npm ci)")
    pinned = json.loads((REPO / "package.json").read_text())["devDependencies"]["scorm-again"]
    installed = json.loads((NPM / "scorm-again" / "package.json").read_text())["version"]
    assert installed == pinned
    assert sorted(p.name for p in VENDOR.iterdir()) == ["LICENSE", "scorm-again.min.js"]
    dist = NPM / "scorm-again" / "dist" / "scorm-again.min.js"
    assert (VENDOR / "scorm-again.min.js").read_bytes() == dist.read_bytes()
    assert (VENDOR / "LICENSE").read_bytes() == (NPM / "scorm-again" / "LICENSE").read_bytes()


# --------------------------------------------------------------------------- builds


def test_scorm2004_build_is_extracted_with_the_manifest_pass_mark(tmp_path: Path) -> None:
    build = build_preview(MINI, "scorm2004", tmp_path, 7)
    assert (build.number, build.title, build.warnings, build.launch) == (
        7,
        "Mini course",
        (),
        "index.html",
    )
    assert build.zip_path == tmp_path / "mini-course-1.0-scorm2004.zip"
    assert build.content == tmp_path / "content"
    assert (tmp_path / "content" / "imsmanifest.xml").is_file()
    assert build.initial == {
        "cmi.learner_id": "preview",
        "cmi.learner_name": "Preview, Learner",
        "cmi.credit": "credit",
        "cmi.mode": "normal",
        "cmi.entry": "ab-initio",
        "cmi.scaled_passing_score": "0.7",
    }


def test_scorm12_build_has_no_mastery_score_for_pages_and_quiz(tmp_path: Path) -> None:
    build = build_preview(MINI, "scorm12", tmp_path, 1)
    assert build.initial == {
        "cmi.core.student_id": "preview",
        "cmi.core.student_name": "Preview, Learner",
        "cmi.core.credit": "credit",
        "cmi.core.lesson_mode": "normal",
        "cmi.core.entry": "ab-initio",
    }


def test_scorm12_build_has_the_mastery_score_for_quiz_completion(
    course: Path, tmp_path: Path
) -> None:
    edit(course, "completion: pages-and-quiz", "completion: quiz", "course.yaml")
    out = tmp_path / "out"
    out.mkdir()
    assert (
        build_preview(course, "scorm12", out, 1).initial["cmi.student_data.mastery_score"] == "70"
    )


def test_xapi_build_is_the_zip_the_launcher_serves(tmp_path: Path) -> None:
    build = build_preview(MINI, "xapi", tmp_path, 1)
    assert (build.zip_path.name, build.content, build.launch, build.initial) == (
        "mini-course-1.0-xapi.zip",
        None,
        "",
        {},
    )


# --------------------------------------------------------------------------- the server


def test_unknown_format_is_refused(course: Path) -> None:
    with pytest.raises(PreviewError) as caught:
        PreviewServer(course, "html")
    assert caught.value.message == (
        "unknown format 'html'; expected one of: scorm2004, scorm12, xapi, cmi5"
    )


def test_busy_port_is_a_clear_error(course: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(PreviewError) as caught:
            PreviewServer(course, port=port).start()
    assert caught.value.message == (
        f"cannot listen on 127.0.0.1:{port} (Address already in use); "
        "choose another --port (0 picks a free one)"
    )


def test_binds_127_0_0_1_only_and_answers_only_its_own_host(course: Path) -> None:
    with PreviewServer(course, "scorm12", port=0) as srv:
        assert srv.url == f"http://127.0.0.1:{srv.port}/"
        with pytest.raises(ConnectionRefusedError):  # another loopback address: nobody there
            socket.create_connection(("127.0.0.2", srv.port), timeout=5).close()
        assert fetch(srv.url, headers={"Host": f"evil.example:{srv.port}"}) == (
            403,
            b"use http://127.0.0.1 or http://localhost",
        )
        assert fetch(
            srv.url + "_preview/launch", method="POST", headers={"Origin": "http://evil.example"}
        ) == (403, b"launches start from the preview page")
        status, page = fetch(srv.url)
        assert status == 200
        assert b"<title>Preview: Mini course (SCORM 1.2)</title>" in page


def test_status_and_launch_of_the_first_build(course: Path) -> None:
    with PreviewServer(course, "scorm2004", port=0) as srv:
        status, body = fetch(srv.url + "_preview/events")
        events = json.loads(body)
        assert status == 200
        assert float(events.pop("seconds")) > 0
        assert events == {
            "build": 1,
            "title": "Mini course",
            "warnings": [],
            "error": None,
            "statements": [],
            "state": {},
        }
        launch = json.loads(fetch(srv.url + "_preview/launch", method="POST")[1])
        assert (launch["build"], launch["url"], launch["title"]) == (
            1,
            "/content/1/index.html",
            "Mini course",
        )
        assert fetch(srv.url + "content/1/imsmanifest.xml")[0] == 200
        assert fetch(srv.url + "content/1/../../etc/passwd")[0] == 404
        assert fetch(srv.url + "content/2/index.html") == (404, b"not the current build")


def test_media_is_served_in_ranges_for_seeking(course: Path) -> None:
    wav = (MINI / "media" / "hello.wav").read_bytes()
    with PreviewServer(course, "scorm12", port=0) as srv:
        url = srv.url + "content/1/media/hello.wav"
        whole = urllib.request.urlopen(url, timeout=10)
        assert (whole.status, whole.headers["Accept-Ranges"], whole.read()) == (200, "bytes", wav)
        request = urllib.request.Request(url, headers={"Range": "bytes=4-11"})
        with urllib.request.urlopen(request, timeout=10) as part:
            assert (part.status, part.headers["Content-Range"], part.read()) == (
                206,
                f"bytes 4-11/{len(wav)}",
                wav[4:12],
            )
        assert fetch(url, headers={"Range": f"bytes={len(wav)}-"})[0] == 416
        assert fetch(
            srv.url + "_preview/launch", method="POST", headers={"Content-Length": "x"}
        ) == (
            413,
            b"the preview takes no request bodies (or a bad Content-Length)",
        )


def test_a_broken_edit_is_reported_and_the_last_good_build_stays(course: Path) -> None:
    messages: list[str] = []
    with PreviewServer(course, "scorm12", port=0, on_message=messages.append) as srv:
        edit(course, "title: Start", BROKEN)
        wait_for(lambda: srv.failed == 1)
        assert srv.error == yaml_error(course)
        assert srv.build is not None and srv.build.number == 1
        assert fetch(srv.url + "content/1/index.html")[0] == 200
        assert json.loads(fetch(srv.url + "_preview/events")[1])["error"] == yaml_error(course)
        assert messages[-2:] == [
            "Changed: 01-start.yaml",
            f"Build failed; still serving build 1:\n{yaml_error(course)}",
        ]
        edit(course, BROKEN, "title: Start")
        wait_for(lambda: srv.build is not None and srv.build.number == 3)
        assert srv.error is None
        assert fetch(srv.url + "content/1/index.html")[0] == 404  # the old build is gone
        assert fetch(srv.url + "content/3/index.html")[0] == 200
        edit(course, "pass_mark: 70", "pass_mark: 170", "course.yaml")
        wait_for(lambda: srv.failed == 2)
        assert srv.error == (
            f"{course / 'course.yaml'}:8:1: pass_mark: must be at most 100; found 170\n"
            "1 problem found; still showing the last good build."
        )


def test_a_course_broken_from_the_start_is_served_once_fixed(course: Path) -> None:
    edit(course, "title: Start", BROKEN)
    with PreviewServer(course, "scorm2004", port=0) as srv:
        assert (srv.build, srv.error) == (None, yaml_error(course))
        events = json.loads(fetch(srv.url + "_preview/events")[1])
        assert (events["build"], events["error"]) == (0, yaml_error(course))
        launch = json.loads(fetch(srv.url + "_preview/launch", method="POST")[1])
        assert launch == {"build": 0, "url": "", "initial": {}, "title": ""}
        edit(course, BROKEN, "title: Start")
        wait_for(lambda: srv.build is not None)
        assert (srv.build.number, srv.error) == (2, None)


def test_xapi_rebuilds_keep_the_launcher_and_its_registration(course: Path) -> None:
    with PreviewServer(course, "xapi", port=0) as srv:
        launcher = srv.launcher
        assert launcher is not None
        registration = launcher.registration
        edit(course, "title: Learning", "title: Learning, edited")
        wait_for(lambda: srv.build is not None and srv.build.number == 2)
        assert srv.launcher is launcher and launcher.registration == registration
        status, page = fetch(launcher.url + "/content/index.html")
        assert status == 200 and b"Learning, edited" in page
        iri = "https://example.org/courses/mini-course"
        edit(course, f'activity_iri: "{iri}"', f'activity_iri: "{iri}-2"', "course.yaml")
        wait_for(lambda: srv.build is not None and srv.build.number == 3)
        assert srv.launcher is not launcher  # another activity: a launcher of its own
        assert srv.launcher is not None and srv.launcher.activity_id == f"{iri}-2"


def test_templates_override_and_are_watched_too(course: Path, tmp_path: Path) -> None:
    theme = tmp_path / "theme"
    (theme / "static" / "css").mkdir(parents=True)
    css = theme / "static" / "css" / "cpd.css"
    css.write_text("body { color: #111; }\n", encoding="utf-8")
    with PreviewServer(course, "scorm12", port=0, templates_dir=theme) as srv:
        assert fetch(srv.url + "content/1/css/cpd.css") == (200, b"body { color: #111; }\n")
        css.write_text("body { color: #222; }\n", encoding="utf-8")
        wait_for(lambda: srv.build is not None and srv.build.number == 2)
        assert fetch(srv.url + "content/2/css/cpd.css") == (200, b"body { color: #222; }\n")


# --------------------------------------------------------------------------- the command


class _FakeServer:
    calls: list[tuple[Any, ...]] = []  # noqa: RUF012 - a record for one test

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.calls.append((args, kwargs))
        self.url = "http://127.0.0.1:8123/"

    def __enter__(self) -> _FakeServer:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def serve_until_interrupted(self) -> None:
        pass


def test_cli_calls_the_preview_server(course: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(_FakeServer, "calls", [])
    monkeypatch.setattr("cpd_pack.preview.PreviewServer", _FakeServer)
    monkeypatch.setattr("webbrowser.open", opened.append)
    result = CliRunner().invoke(cli, ["preview", str(course), "-f", "cmi5", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert result.output == "Preview: http://127.0.0.1:8123/  (Ctrl+C stops)\nStopped.\n"
    assert _FakeServer.calls == [
        ((course, "cmi5"), {"port": 8123, "templates_dir": None, "on_message": click.echo})
    ]
    assert opened == []
    result = CliRunner().invoke(cli, ["preview", str(course), "--open", "--templates", str(course)])
    assert result.exit_code == 0, result.output
    assert _FakeServer.calls[1] == (
        (course, "scorm2004"),
        {"port": 8000, "templates_dir": course, "on_message": click.echo},
    )
    assert opened == ["http://127.0.0.1:8123/"]


def test_cli_busy_port_exits_1(course: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(cli, ["preview", str(course), "--port", str(port)])
    assert (result.exit_code, result.output) == (
        1,
        f"Error: cannot listen on 127.0.0.1:{port} (Address already in use); "
        "choose another --port (0 picks a free one)\n",
    )


def test_ctrl_c_stops_cleanly_and_deletes_the_builds(course: Path, tmp_path: Path) -> None:
    temp = tmp_path / "temp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp)}
    command = [sys.executable, "-m", "cpd_pack", "preview", str(course), "--port", "0"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("Build 1: scorm2004 in ")
        url = first.rsplit("serving ", 1)[1].strip()
        assert proc.stdout.readline() == f"Preview: {url}  (Ctrl+C stops)\n"
        assert fetch(url)[0] == 200
        assert len(list(temp.glob("cpd-pack-preview-*"))) == 1
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=20)
    finally:
        proc.kill()
    assert (proc.returncode, out) == (0, "Stopped.\n")
    assert list(temp.glob("cpd-pack-preview-*")) == []


# --------------------------------------------------------------------------- in Chromium


def log_text(page: Page) -> str:
    return page.inner_text("#log")


def wait_log(page: Page, text: str, after: str = "") -> None:
    """Wait until the log panel shows ``text`` (after the last ``after``, when given)."""
    page.wait_for_function(
        """([text, after]) => {
             const log = document.getElementById('log').innerText;
             return log.slice(after ? log.lastIndexOf(after) : 0).includes(text);
           }""",
        arg=[text, after],
    )


def heading(page: Page, name: str) -> None:
    """Wait until the course frame shows the page heading ``name``."""
    frame: FrameLocator = page.frame_locator("#course")
    frame.get_by_role("heading", name=name, exact=True).first.wait_for(state="visible")


SCORM = {
    "scorm12": {
        "init": 'LMSInitialize("") → "true"',
        "entry": 'LMSGetValue("cmi.core.entry") → ',
        "location": "cmi.core.lesson_location",
        "set": 'LMSSetValue("cmi.core.lesson_location", ',
    },
    "scorm2004": {
        "init": 'Initialize("") → "true"',
        "entry": 'GetValue("cmi.entry") → ',
        "location": "cmi.location",
        "set": 'SetValue("cmi.location", ',
    },
}


@pytest.mark.parametrize("fmt", list(SCORM))
def test_scorm_preview_logs_calls_reloads_keeps_last_good_and_resets(
    page: Page, course: Path, fmt: str
) -> None:
    names = SCORM[fmt]
    with PreviewServer(course, fmt, port=0) as srv:
        page.goto(srv.url)
        wait_log(page, names["set"] + '"welcome") → "true"')
        log = log_text(page)
        assert names["init"] in log
        assert names["entry"] + '"ab-initio"' in log
        if fmt == "scorm2004":  # an unset element: 403, shown as normal, not as a failure
            assert 'GetValue("cmi.location") → "" (403: no value yet, as on a first launch)' in log
        assert page.locator("#log li.failed").count() == 0
        page.wait_for_function(
            "line => document.getElementById('model').textContent.split('\\n').includes(line)",
            arg=f"{names['location']}: welcome",
        )
        page.frame_locator("#course").locator('[data-action="next"]').first.click()
        wait_log(page, names["set"] + '"learning") → "true"')

        # an edit: rebuilt, reloaded on the same attempt, the change visible
        edit(course, "title: Learning", "title: Learning, edited")
        wait_log(page, "Build 2: reloaded")
        heading(page, "Learning, edited")
        wait_log(page, names["entry"] + '"resume"', after="Build 2: reloaded")
        assert page.frame_locator("#course").locator("body").count() == 1
        assert page.eval_on_selector("#course", "f => f.src") == srv.url + "content/2/index.html"

        # a broken edit: the error with file:line, and the last good build stays
        edit(course, "title: Start", BROKEN)
        page.wait_for_selector("#build-error", state="visible")
        assert page.inner_text("#build-error-text") == yaml_error(course)
        assert page.inner_text("#build-kept") == (
            "The preview keeps showing build 2, the last good one, until the error is fixed."
        )
        seconds = json.loads(fetch(srv.url + "_preview/events")[1])["seconds"]
        assert page.inner_text("#build-status") == f"Build 2 ({seconds} s); the latest edit failed"
        heading(page, "Learning, edited")
        assert page.eval_on_selector("#course", "f => f.src") == srv.url + "content/2/index.html"

        # fixed: the next good build replaces it
        edit(course, BROKEN, "title: Start")
        wait_log(page, "Build 4: reloaded")
        page.wait_for_selector("#build-error", state="hidden")

        # reset: a fresh attempt (entry ab-initio, back on the first page)
        page.click("#reset")
        wait_log(page, names["set"] + '"welcome") → "true"', after="Reset: a fresh attempt")
        after_reset = log_text(page).rsplit("Reset: a fresh attempt", 1)[1]
        assert names["entry"] + '"ab-initio"' in after_reset
        assert names["entry"] + '"resume"' not in after_reset


@pytest.mark.parametrize("fmt", ["xapi", "cmi5"])
def test_xapi_preview_lists_statements_reloads_and_resets(
    page: Page, course: Path, fmt: str
) -> None:
    iri = "https://example.org/courses/mini-course"
    with PreviewServer(course, fmt, port=0) as srv:
        page.goto(srv.url)
        wait_log(page, f"experienced {iri}/pages/welcome")
        assert " initialized " in log_text(page)
        if fmt == "cmi5":
            assert " launched " in log_text(page)
        assert srv.launcher is not None
        first = srv.launcher.registration
        page.wait_for_function(
            "() => document.getElementById('model').textContent.includes('https://w3id.org/xapi/cpd-pack/state/v1')"
        )
        page.frame_locator("#course").locator('[data-action="next"]').first.click()
        wait_log(page, f"experienced {iri}/pages/learning")

        edit(course, "title: Learning", "title: Learning, edited")
        wait_log(page, "Build 2: reloaded")
        heading(page, "Learning, edited")
        wait_log(page, f"experienced {iri}/pages/learning", after="Build 2: reloaded")
        assert srv.launcher.registration == first  # the same attempt
        if fmt == "xapi":
            wait_log(page, " resumed ", after="Build 2: reloaded")
        reloaded = log_text(page).rsplit("Build 2: reloaded", 1)[0]
        assert " suspended " in reloaded or " terminated " in reloaded  # the old session ended

        page.click("#reset")
        wait_log(page, f"experienced {iri}/pages/welcome", after="Reset: a fresh attempt")
        assert srv.launcher.registration != first
        assert " initialized " in log_text(page).rsplit("Reset: a fresh attempt", 1)[1]


def test_preview_page_is_accessible(page: Page, course: Path) -> None:
    axe = NPM / "axe-core" / "axe.min.js"
    require(axe.is_file(), "node_modules/axe-core (npm ci)")

    def violations() -> list[str]:
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.add_script_tag(path=str(axe))
        found = page.evaluate(
            """() => axe.run(document, {
                 runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                 iframes: false, resultTypes: ['violations']}).then(r => r.violations)"""
        )
        return [f"{v['id']}: {n['target']}" for v in found for n in v["nodes"]]

    with PreviewServer(course, "scorm12", port=0) as srv:
        page.goto(srv.url)
        wait_log(page, 'LMSCommit("") → "true"')
        assert violations() == []
        edit(course, "title: Start", BROKEN)
        page.wait_for_selector("#build-error", state="visible")
        assert violations() == []
