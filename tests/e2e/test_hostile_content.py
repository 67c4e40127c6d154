"""Hostile content (issue 8): the XSS course (tests/fixtures/courses/xss, made by xss_course.py)
built as SCORM 1.2, SCORM 2004 and xAPI and every page opened in headless Chromium, with a
learner name from the LMS that is an attack too. Nothing may run: no dialog, no console message
from a payload, no request to the marker host, no page error; no element or attribute a payload
brought; and every text is shown literally. SCORM 2004 is also played with the page's
Content-Security-Policy removed, to show the escaping alone holds. Links and images with a URL
the build may refuse are built one by one: a clear build error or a harmless page both pass."""

from __future__ import annotations

import html
import json
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import xss_course
import yaml
from harness import default_initial, launch, no_lms, normalize_version
from report import record
from test_scorm_runtime import go
from xss_course import (
    ALT_TEXT,
    COURSE_DIR,
    HOSTILE_LEARNER,
    MARKDOWN_VECTORS,
    MARKER_HOST,
    URL_VECTORS,
    VECTORS,
    hostile,
)

from cpd_pack.build import make_packages
from cpd_pack.exceptions import CourseError
from cpd_pack.launch import LaunchServer
from test_render import RUNTIME_SCRIPTS

if TYPE_CHECKING:
    from harness import LmsServer
    from playwright.sync_api import Frame, Page

FORMATS = ["scorm12", "scorm2004", "xapi"]
PAGES = ["text", "file", "media", "review", "quiz", "cert"]
# the player has started (the first page shows before it does, from the HTML alone)
RUNNING = '[data-goto][aria-current="page"]'
MINI = Path(__file__).parents[1] / "fixtures" / "courses" / "mini"

# Everything a payload could have brought into the page.
DOM_SCAN = """({scripts, marker}) => {
  const bad = [], host = marker.replace(/\\./g, "\\\\.");
  const risky = new RegExp("^\\\\s*(javascript|vbscript|data:text|data:image/svg)|" + host, "i");
  for (const el of document.querySelectorAll("*")) {
    for (const a of Array.from(el.attributes)) {
      if (/^on/i.test(a.name)) bad.push(el.tagName + " " + a.name);
      // an author's link elsewhere is no request; a javascript: or data: one is a payload
      const link = el.tagName === "A" && a.name === "href" && /^\\s*(https?:)?\\/\\//i.test(a.value);
      if (/^(href|src|srcset|action|formaction|data|xlink:href|poster|background|style)$/i.test(a.name) &&
          risky.test(a.value) && !link) bad.push(el.tagName + " " + a.name + "=" + a.value);
    }
  }
  for (const s of document.querySelectorAll("script")) {
    const island = s.id === "cpd-data" && s.type === "application/json";
    if (!island && !scripts.includes(s.getAttribute("src"))) bad.push("script " + s.outerHTML.slice(0, 80));
  }
  // the template's own icons are inline svg.cpd-icon holding paths only; any other svg is foreign
  const foreign = "iframe, frame, object, embed, svg:not(.cpd-icon), svg.cpd-icon :not(path), math, base, style, template, noscript, body link, " +
    "body meta, form:not(#cpd-quiz), input[autofocus], source, marquee, xmp, title ~ title";
  for (const el of document.querySelectorAll(foreign)) bad.push("element " + el.tagName);
  for (const img of document.querySelectorAll("img")) {
    if (!/^media\\/[\\w.-]+$/.test(img.getAttribute("src") || "")) bad.push("img " + img.getAttribute("src"));
  }
  return bad;
}"""

SHOWN = """() => {
  const q = (s) => document.querySelector(s), all = (s) => Array.from(document.querySelectorAll(s));
  const text = (s) => (q(s) || {}).textContent;
  return {
    documentTitle: document.title, header: text(".cpd-course-title"), certCourse: text(".cpd-cert-course"),
    units: all(".cpd-unit-title").map((e) => e.textContent),
    pages: Object.fromEntries(all("section.cpd-page[data-page]").map((s) => [s.dataset.page, text("#title-" + s.dataset.page)])),
    toc: all(".cpd-toc [data-goto]").map((a) => a.textContent),
    caseTitle: text(".cpd-case h2"), caseLabel: q(".cpd-case").getAttribute("aria-label"),
    reviewTitle: text(".cpd-review h2"), reviewLabel: q(".cpd-review").getAttribute("aria-label"),
    mediaCaption: text(".cpd-media figcaption"), mediaLabel: q(".cpd-media audio").getAttribute("aria-label"),
    imageAlt: q(".cpd-image img").getAttribute("alt"), imageCaption: text(".cpd-image figcaption"),
    saBefore: text("#sa-title-before"), saAfter: text("#sa-title-after"),
    statements: all('.cpd-sa[data-sa="before"] .cpd-likert legend').map((e) => Array.from(e.childNodes)
      .filter((n) => !(n.classList && n.classList.contains("cpd-likert-num"))).map((n) => n.textContent).join("").trim()),
    table: all(".cpd-sa-table tbody th").map((e) => e.textContent),
    scale: all('label[for^="sa-before-s1-"]').map((e) => e.textContent),
    quizTitle: text("#quiz-title"), certName: text('[data-cert="name"]'), resultsNext: text("[data-results-next]"),
    body: document.body.textContent,
  };
}"""


@dataclass
class Watch:
    """What a page did that only a running payload would do."""

    dialogs: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def executions(self) -> list[str]:
        return self.dialogs + self.console + self.requests + self.page_errors


def watch(page: Page) -> Watch:
    seen = Watch()

    def dialog(d: Any) -> None:
        seen.dialogs.append(f"dialog {d.type}: {d.message}")
        d.dismiss()

    page.on("dialog", dialog)
    page.on("console", lambda m: seen.console.append(m.text) if "XSS" in m.text[:8] else None)

    # requests that leave the page (a route sees none the Content-Security-Policy blocked)
    def sent(route: Any) -> None:
        seen.requests.append(f"request {route.request.url}")
        route.fulfill(status=204, body="")

    page.route(re.compile(rf"^(https?:)?//{re.escape(MARKER_HOST)}(/|$)", re.IGNORECASE), sent)
    page.on("pageerror", lambda e: seen.page_errors.append(f"page error: {e}"))
    return seen


def display_name(name: str) -> str:
    """scorm-api.js displayName: "Last, First" -> "First Last"."""
    parts = name.split(",")
    return f"{parts[1].strip()} {parts[0].strip()}".strip() if len(parts) == 2 else name.strip()


def visit_everything(frame: Frame) -> None:
    """Every page, every activity that shows more text: ratings, reflections (hostile too),
    the transcript, the knowledge check, the quiz and its feedback, the certificate."""
    for pid in PAGES:
        go(frame, pid)
        section = f'section[data-page="{pid}"]'
        for phase in ("before", "after"):
            for sid in ("s1", "s2"):
                box = f'{section} input[name="sa-{phase}-{sid}"][value="2"]'
                if frame.locator(box).count():
                    frame.check(box)
        for area in frame.locator(f"{section} textarea[data-reflection]").all():
            area.fill(hostile("reflection"))
            area.press("Tab")  # blur: saved
        if pid == "media":
            frame.click(f"{section} .cpd-transcript summary")
            frame.check('input[name="kc-kc1"][value="a"]')
            frame.click('[data-action="check"][data-question="kc1"]')
        if pid == "quiz":
            frame.check('input[name="q-q1"][value="a"]')
            frame.check('input[name="q-q2"][value="true"]')
            frame.click('[data-action="submit-quiz"]')
            frame.wait_for_selector("#cpd-quiz-results:not([hidden])")
    assert frame.is_visible("#cpd-certificate")
    frame.wait_for_timeout(300)  # let anything that would fire late (onload, timers) fire


def check_page(frame: Frame, seen: Watch, learner: str, context: str) -> None:
    """Nothing ran, nothing foreign is in the page, every text is shown as written."""
    tried = len(VECTORS) + len(MARKDOWN_VECTORS) + len(xss_course.PLAIN_FIELDS) + 2  # alt, learner
    record("xss", context=context, vectors=tried, executions=len(seen.executions()))
    assert seen.executions() == []
    assert frame.evaluate(DOM_SCAN, {"scripts": RUNTIME_SCRIPTS, "marker": MARKER_HOST}) == []
    got = frame.evaluate(SHOWN)
    title = hostile("course-title")
    assert got["documentTitle"] == got["header"] == got["certCourse"] == title
    assert got["units"] == [hostile("unit-1"), hostile("unit-2")]
    assert got["pages"] == {pid: hostile(f"page-{pid}") for pid in PAGES}
    assert all(hostile(f"page-{pid}") in toc for pid, toc in zip(PAGES, got["toc"], strict=True))
    assert got["caseTitle"] == got["caseLabel"] == hostile("case-title")
    assert got["reviewTitle"] == got["reviewLabel"] == hostile("review-title")
    assert got["mediaCaption"] == got["mediaLabel"] == hostile("media-title")
    assert got["imageAlt"] == ALT_TEXT
    assert got["imageCaption"] == hostile("image-caption")
    assert got["saBefore"] == hostile("sa-title")
    assert got["saAfter"] == hostile("sa-title") + ": after the course"
    assert (
        got["statements"] == got["table"] == [hostile("sa-statement-1"), hostile("sa-statement-2")]
    )
    assert got["scale"] == [hostile(f"sa-scale-{n}") for n in (1, 2, 3)]
    assert got["quizTitle"] == hostile("quiz-title")
    assert got["certName"] == learner
    assert hostile("page-cert") in got["resultsNext"]
    body = got["body"]
    missing = [v.id for v in VECTORS if v.markdown_shown not in body]
    assert missing == [], f"vectors not shown as text: {missing}"
    assert frame.locator("textarea[data-reflection]").first.input_value() == hostile("reflection")


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def xss_zips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("xss-zips")
    zips = {}
    for package in make_packages(COURSE_DIR, FORMATS):
        zips[package.format] = out / package.filename
        zips[package.format].write_bytes(package.data)
    return zips


def _without_csp(zip_path: Path, out: Path) -> Path:
    """The package unzipped, its index.html without the Content-Security-Policy meta."""
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(out)
    index = out / "index.html"
    text, n = re.subn(r'<meta http-equiv="Content-Security-Policy"[^>]*>\n?', "", index.read_text())
    assert n == 1
    index.write_text(text)
    return out


# --------------------------------------------------------------------------- tests


def test_the_fixture_is_what_xss_course_writes() -> None:
    """tests/fixtures/courses/xss is generated: regenerate with python tests/e2e/xss_course.py."""
    on_disk = {
        p.relative_to(COURSE_DIR).as_posix(): p.read_bytes()
        for p in COURSE_DIR.rglob("*")
        if p.is_file()
    }
    assert on_disk == xss_course.files()


def test_the_data_island_cannot_end_early(xss_zips: dict[str, Path]) -> None:
    """</script>, <!-- and U+2028 in the course text stay inside the JSON data island: no "<" in
    it at all, and it reads back to the very same text."""
    page = zipfile.ZipFile(xss_zips["scorm2004"]).read("index.html").decode("utf-8")
    start = page.index('<script type="application/json" id="cpd-data">') + 46
    island = page[start : page.index("</script>", start)]
    assert "<" not in island and ">" not in island
    data = json.loads(island)
    assert data["course"]["title"] == hostile("course-title")
    assert [p["title"] for p in data["pages"]] == [hostile(f"page-{p}") for p in PAGES]
    # and each script element of the page ends where it should
    assert page.count("</script>") == page.count("<script") == len(RUNTIME_SCRIPTS) + 1


@pytest.mark.parametrize("fmt", ["scorm12", "scorm2004"])
@pytest.mark.usefixtures("no_404s")  # an <img src=x> that got through would ask for x
def test_nothing_runs_scorm(
    page: Page, http_server: LmsServer, xss_zips: dict[str, Path], fmt: str
) -> None:
    version = normalize_version(fmt)
    name = "cmi.core.student_name" if version == "1.2" else "cmi.learner_name"
    seen = watch(page)
    session = launch(
        page,
        http_server,
        xss_zips[fmt],
        version,
        default_initial(version, **{name: HOSTILE_LEARNER}),
    )
    visit_everything(session.frame)
    check_page(session.frame, seen, display_name(HOSTILE_LEARNER), fmt)
    assert session.errors() == []  # the hostile text reached the LMS as valid data too
    assert session.console_errors == []


def test_nothing_runs_xapi(page: Page, xss_zips: dict[str, Path]) -> None:
    seen = watch(page)
    with LaunchServer(xss_zips["xapi"], name=HOSTILE_LEARNER, port=0) as server:
        page.goto(server.launch_url())
        page.wait_for_selector(RUNNING, state="attached")
        visit_everything(page.main_frame)
        check_page(page.main_frame, seen, HOSTILE_LEARNER, "xapi")
        page.click('[data-action="exit"]')
        page.click('[data-action="exit-confirm"]')  # Exit asks first
        page.wait_for_selector("#cpd-exited:not([hidden])")
    assert seen.executions() == []


@pytest.mark.usefixtures("no_404s")
def test_nothing_runs_without_the_csp(
    page: Page, http_server: LmsServer, xss_zips: dict[str, Path], tmp_path: Path
) -> None:
    """The same in SCORM 2004 with the Content-Security-Policy taken out: escaping alone holds."""
    package = _without_csp(xss_zips["scorm2004"], tmp_path / "no-csp")
    seen = watch(page)
    initial = default_initial("2004", **{"cmi.learner_name": HOSTILE_LEARNER})
    session = launch(page, http_server, package, "2004", initial)
    assert (
        session.frame.evaluate(
            "() => document.querySelectorAll('meta[http-equiv=\"Content-Security-Policy\"]').length"
        )
        == 1
    )  # only the adapter's connect-src 'none', added at run time
    visit_everything(session.frame)
    check_page(session.frame, seen, display_name(HOSTILE_LEARNER), "scorm2004 without the CSP")


def test_the_watch_sees_a_payload_that_runs(
    page: Page, http_server: LmsServer, xss_zips: dict[str, Path], tmp_path: Path
) -> None:
    """The check itself: a dialog, a console message and a request to the marker host made by
    script in the page (here without the CSP, which would block the request) are all caught."""
    seen = watch(page)
    run = no_lms(page, http_server, _without_csp(xss_zips["scorm2004"], tmp_path / "probe"))
    run.frame.evaluate(
        f"""() => {{ alert("probe"); console.log("XSS probe");
        new Image().src = "https://{MARKER_HOST}/probe.png"; }}"""
    )
    run.frame.wait_for_timeout(300)
    assert seen.dialogs == ["dialog alert: probe"]
    assert seen.console == ["XSS probe"]
    assert seen.requests == [f"request https://{MARKER_HOST}/probe.png"]


def test_a_javascript_return_url_from_the_lms_is_not_followed(page: Page, tmp_path: Path) -> None:
    """cmi5: the Exit button goes back to LMS.LaunchData's returnURL, only when it is http(s):
    a javascript: one is not even tried (the CSP would refuse it too, with a console error)."""
    [package] = make_packages(MINI, ["cmi5"])
    (tmp_path / "cmi5.zip").write_bytes(package.data)
    seen = watch(page)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    def hostile_launch_data(route: Any) -> None:
        response = route.fetch()
        data = response.json()
        data["returnURL"] = "javascript:alert('returnURL')"
        route.fulfill(response=response, json=data)

    page.route(re.compile(r".*/activities/state\?.*LMS\.LaunchData.*"), hostile_launch_data)
    with LaunchServer(tmp_path / "cmi5.zip", port=0) as server:
        page.goto(url := server.launch_url())
        page.wait_for_selector(RUNNING, state="attached")
        page.click('[data-action="exit"]')
        page.click('[data-action="exit-confirm"]')  # Exit asks first
        page.wait_for_selector("#cpd-exited:not([hidden])")
        page.wait_for_timeout(3500)  # the runtime waits up to 3 s for the queue before leaving
        assert page.url == url
    assert seen.executions() == [] and errors == []


def _with_vector(tmp: Path, text: str) -> Path:
    """The mini course with ``text`` added to the first page's text block."""
    course = tmp / "course"
    shutil.copytree(MINI, course)
    unit_file = course / "units" / "01-start.yaml"
    unit = yaml.safe_load(unit_file.read_text(encoding="utf-8"))
    unit["pages"][0]["blocks"][0]["text"] += "\n" + text + "\n"
    unit_file.write_text(
        yaml.safe_dump(unit, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    return course


@pytest.mark.parametrize("vector", URL_VECTORS, ids=lambda v: v.id)
def test_url_vector(
    page: Page, http_server: LmsServer, tmp_path: Path, vector: xss_course.Vector
) -> None:
    """Refused by the build with file:line:col and a message, or built and harmless."""
    course = _with_vector(tmp_path, vector.text)
    try:
        [package] = make_packages(course, ["scorm2004"])
    except CourseError as exc:
        lines = exc.format_message().splitlines()
        assert lines[-1].endswith("nothing was written.")
        assert all(re.match(r"^\S+:\d+:\d+: \S.{10,}", line) for line in lines[:-1]), lines
        record("xss-url", vector=vector.id, outcome="refused by the build", message=lines[0],
               executions=0)  # fmt: skip
        return
    zip_path = tmp_path / package.filename
    zip_path.write_bytes(package.data)
    seen = watch(page)
    run = no_lms(page, http_server, zip_path)
    run.frame.wait_for_timeout(300)
    scan = run.frame.evaluate(DOM_SCAN, {"scripts": RUNTIME_SCRIPTS, "marker": MARKER_HOST})
    shown = run.frame.text_content("section.cpd-page:not([hidden])") or ""
    literal = html.unescape(vector.text.split("\n")[0][:8]) in shown
    outcome = "shown as text" if literal else "made a link or image"
    record("xss-url", vector=vector.id, outcome=outcome, executions=len(seen.executions()))
    assert seen.executions() == []
    # a remote image is the author's (the CSP keeps the browser from fetching it), not a payload
    remote = re.compile(r"^(IMG src=|img )(https?:)?//")
    assert [s for s in scan if not remote.match(s)] == []
    assert run.page_errors == []
