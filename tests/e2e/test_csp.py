"""The Content-Security-Policy of the generated page (templates/index.html) and the one the
runtime adds at launch: present with the exact directives, the course works under them in every
format without a single violation, an inline script or handler put into the page does not run,
and the page may connect nowhere (SCORM: its API is JavaScript) or only to the LRS (xAPI)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import urllib.parse
import uuid
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from harness import no_lms, normalize_version
from test_scorm_runtime import check_clean, exit_course, walk

from cpd_pack.build import make_packages
from cpd_pack.launch import LaunchServer

if TYPE_CHECKING:
    from harness import LmsServer
    from playwright.sync_api import Frame, Page

    from conftest import CourseKit
    from lrs.ralph import RalphLRS

ALL_FORMATS = ["scorm12", "scorm2004", "xapi", "cmi5"]
# the player has started (the first page shows before it does, from the HTML alone)
RUNNING = '[data-goto][aria-current="page"]'
MINI = Path(__file__).parents[1] / "fixtures" / "courses" / "mini"
# markdown-it writes the alignment of a table column as a style attribute: allowed by hash only
ALIGN_STYLES = ("text-align:left", "text-align:center", "text-align:right")


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-hashes'", *(_hash(s) for s in ALIGN_STYLES)],
    "img-src": ["'self'", "data:", "blob:"],
    "media-src": ["'self'"],
    "connect-src": ["'self'", "https:", "http://127.0.0.1:*", "http://localhost:*"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'none'"],
}
# Records every violation in every frame, before the page's own scripts run.
RECORD_VIOLATIONS = """document.addEventListener("securitypolicyviolation", (e) => {
  (window.__csp = window.__csp || []).push(e.effectiveDirective + " " + (e.blockedURI || "inline"));
});"""
POLICIES = """() => Array.from(document.querySelectorAll('meta[http-equiv="Content-Security-Policy"]'))
  .map((m) => m.content)"""


def parse(policy: str) -> dict[str, list[str]]:
    out = {}
    for part in policy.split(";"):
        name, *values = part.split()
        out[name] = values
    return out


def violations(frame: Frame) -> list[str]:
    return frame.evaluate("() => window.__csp || []")


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The mini course in every format, as zips."""
    out = tmp_path_factory.mktemp("csp-zips")
    zips = {}
    for package in make_packages(MINI, ALL_FORMATS):
        zips[package.format] = out / package.filename
        zips[package.format].write_bytes(package.data)
    return zips


def test_the_policy_is_in_every_page_with_these_directives(sites: dict[str, Path]) -> None:
    """The same page in every format (rendered once), the policy its first element after the
    charset, and exactly these directives."""
    pages = {fmt: zipfile.ZipFile(z).read("index.html").decode() for fmt, z in sites.items()}
    assert len(set(pages.values())) == 1
    page = pages["scorm2004"]
    head = page[page.index("<head>") : page.index("</head>")]
    first = re.findall(r"<(meta|link|script|title|style)\b[^>]*>", head)
    assert first[:2] == ["meta", "meta"]
    metas = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', page)
    assert len(metas) == 1
    assert head.index("Content-Security-Policy") < head.index("<meta name=") < head.index("<link")
    assert parse(metas[0]) == POLICY
    assert "style=" not in page  # no inline style of the template's own
    assert re.findall(r"<script\b[^>]*>", page) == [
        '<script type="application/json" id="cpd-data">',  # data, which CSP does not block
        *(
            f'<script src="js/{n}.js">'
            for n in (
                "lz-string",
                "state",
                "lms",
                "certificate",
                "contents",
                "questions",
                "quiz",
                "reflections",
                "player",
            )
        ),
    ]


@pytest.mark.parametrize("fmt", ["scorm12", "scorm2004"])
def test_scorm_works_under_the_policy_without_a_violation(
    page: Page, http_server: LmsServer, mini_kit: CourseKit, fmt: str
) -> None:
    """The whole course, audio, quiz, certificate and Exit; the adapter allows no connection."""
    page.context.add_init_script(RECORD_VIOLATIONS)
    version = normalize_version(fmt)
    session = mini_kit.launch(page, http_server, version)
    frame = session.frame
    assert frame.evaluate(POLICIES)[1:] == ["connect-src 'none'"]
    walk(session, mini_kit, mini_kit.all_correct())
    assert frame.is_visible("#cpd-certificate")
    assert frame.evaluate("() => document.querySelector('audio').readyState") > 0  # media-src
    exit_course(session)
    assert violations(frame) == []
    check_clean(session)


def test_an_aligned_table_keeps_its_alignment(
    page: Page, http_server: LmsServer, tmp_path: Path
) -> None:
    """Markdown tables set text-align in a style attribute: allowed by its hash, nothing else."""
    course = tmp_path / "course"
    shutil.copytree(MINI, course)
    unit_file = course / "units" / "01-start.yaml"
    unit = yaml.safe_load(unit_file.read_text(encoding="utf-8"))
    unit["pages"][0]["blocks"][0]["text"] += "\n| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n"
    unit_file.write_text(yaml.safe_dump(unit, sort_keys=False), encoding="utf-8")
    [package] = make_packages(course, ["scorm2004"])
    (tmp_path / "p.zip").write_bytes(package.data)
    page.context.add_init_script(RECORD_VIOLATIONS)
    run = no_lms(page, http_server, tmp_path / "p.zip")
    aligned = run.frame.eval_on_selector_all(
        ".cpd-text td", "tds => tds.map((td) => getComputedStyle(td).textAlign)"
    )
    assert aligned == ["left", "center", "right"]
    assert violations(run.frame) == []
    assert run.console_errors == []


def test_script_put_into_the_page_does_not_run(
    page: Page, http_server: LmsServer, mini_kit: CourseKit
) -> None:
    """An inline script element, an event handler attribute, a javascript: link and an inline
    style element are all refused; styles the runtime sets from its own script still apply."""
    page.context.add_init_script(RECORD_VIOLATIONS)
    session = mini_kit.launch(page, http_server, "2004")
    frame = session.frame
    ran = frame.evaluate(
        """() => {
      const s = document.createElement("script");
      s.textContent = "window.__ran = (window.__ran || []).concat('inline')";
      document.body.appendChild(s);
      const b = document.createElement("button");
      b.setAttribute("onclick", "window.__ran = (window.__ran || []).concat('handler')");
      document.body.appendChild(b);
      b.click();
      const a = document.createElement("a");
      a.href = "javascript:window.__ran = (window.__ran || []).concat('url')";
      document.body.appendChild(a);
      a.click();
      const st = document.createElement("style");
      st.textContent = "body { letter-spacing: 7px }";
      document.head.appendChild(st);
      const bar = document.querySelector(".cpd-progress-bar");
      return { spacing: getComputedStyle(document.body).letterSpacing, bar: bar.style.width !== "" };
    }"""
    )
    frame.wait_for_timeout(200)
    assert frame.evaluate("() => window.__ran || []") == []
    assert ran == {"spacing": "normal", "bar": True}  # (eval: no 'unsafe-eval' in the policy)
    directives = {v.split()[0] for v in violations(frame)}
    assert {"script-src-elem", "script-src-attr", "style-src-elem"} <= directives
    assert session.page_errors == []


def _probe(page: Page, frame: Frame, urls: list[str]) -> dict[str, Any]:
    """fetch and sendBeacon each URL from the page: which fetches were blocked, and which
    requests left the page (a route sees only those)."""
    left: list[str] = []

    def answer(route: Any) -> None:
        left.append(route.request.url)
        route.fulfill(status=204, headers={"Access-Control-Allow-Origin": "*"}, body="")

    page.route(re.compile(r".*/__probe__.*"), answer)
    results = frame.evaluate(
        """async (urls) => {
      const out = {};
      for (const u of urls) {
        try { await fetch(u, { cache: "no-store" }); out[u] = "answered"; } catch (e) { out[u] = "blocked"; }
      }
      for (const u of urls) { try { navigator.sendBeacon(u + "-beacon", "x"); } catch (e) { /* refused */ } }
      return out;
    }""",
        urls,
    )
    frame.wait_for_timeout(200)
    page.unroute(re.compile(r".*/__probe__.*"))
    return {"results": results, "left": left, "violations": violations(frame)}


def test_a_scorm_page_connects_nowhere(
    page: Page, http_server: LmsServer, mini_kit: CourseKit
) -> None:
    page.context.add_init_script(RECORD_VIOLATIONS)
    session = mini_kit.launch(page, http_server, "1.2")
    own = http_server.base_url
    other = own.replace("127.0.0.1", "localhost")
    got = _probe(page, session.frame, [f"{own}/__probe__a", f"{other}/__probe__b"])
    assert got["results"] == {f"{own}/__probe__a": "blocked", f"{other}/__probe__b": "blocked"}
    assert got["left"] == []
    assert all(v.startswith("connect-src") for v in got["violations"])


def test_an_xapi_page_connects_only_to_its_lrs(
    page: Page, http_server: LmsServer, sites: dict[str, Path], ralph_lrs: RalphLRS
) -> None:
    """Launched at Ralph (another origin): the page may reach Ralph, not its own server, not
    another loopback port the static policy would allow."""
    page.context.add_init_script(RECORD_VIOLATIONS)
    name = http_server.publish(sites["xapi"])
    query = urllib.parse.urlencode({
        "endpoint": ralph_lrs.endpoint,
        "auth": ralph_lrs.auth_header,
        "actor": json.dumps({"name": "Jane Doe", "mbox": "mailto:jane@example.org"}),
        "registration": str(uuid.uuid4()),
    })  # fmt: skip
    page.goto(http_server.url(f"{name}/index.html?{query}"))
    frame = page.main_frame
    frame.wait_for_selector(RUNNING, state="attached")
    lrs = ralph_lrs.base_url.rstrip("/")
    assert frame.evaluate(POLICIES)[1:] == [f"connect-src {lrs}"]
    own, other = http_server.base_url, lrs.replace("127.0.0.1", "localhost")
    got = _probe(page, frame, [f"{lrs}/__probe__lrs", f"{own}/__probe__own", f"{other}/__probe__x"])
    assert got["results"] == {
        f"{lrs}/__probe__lrs": "answered",
        f"{own}/__probe__own": "blocked",
        f"{other}/__probe__x": "blocked",
    }
    assert sorted(got["left"]) == [f"{lrs}/__probe__lrs", f"{lrs}/__probe__lrs-beacon"]
    blocked = [v for v in got["violations"] if v.startswith("connect-src")]
    assert len(blocked) == 4 and all(lrs not in v for v in blocked)


def test_cmi5_allows_its_endpoint_and_fetch_url_and_an_unlaunched_page_nothing(
    page: Page, http_server: LmsServer, sites: dict[str, Path]
) -> None:
    page.context.add_init_script(RECORD_VIOLATIONS)
    with LaunchServer(sites["cmi5"], port=0) as server:
        page.goto(server.launch_url())
        page.wait_for_selector(RUNNING, state="attached")
        origin = f"http://127.0.0.1:{server.port}"
        assert page.evaluate(POLICIES)[1:] == [f"connect-src {origin}"]
        assert violations(page.main_frame) == []
    for fmt in ("xapi", "cmi5"):  # opened without launch parameters: works, connects nowhere
        run = no_lms(page, http_server, sites[fmt])
        run.frame.wait_for_selector(RUNNING, state="attached")
        assert run.frame.evaluate(POLICIES)[1:] == ["connect-src 'none'"]
        assert "kept in this browser only" in (run.frame.text_content("#cpd-notice") or "")
