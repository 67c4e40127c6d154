"""Browser test harness: a local HTTP server, a scorm-again test LMS and helpers around them.

The LMS page (``lms/lms.js``) hosts scorm-again and launches a SCO in an iframe like Moodle;
:func:`launch` drives it from Playwright and returns an :class:`LmsSession` to inspect.
"""

from __future__ import annotations

import shutil
import threading
import urllib.parse
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

import strict

if TYPE_CHECKING:
    from playwright.sync_api import Frame, Page

REPO = Path(__file__).resolve().parents[2]
NODE_MODULES = REPO / "node_modules"
SCORM_AGAIN_DIST = NODE_MODULES / "scorm-again" / "dist"
AXE_DIR = NODE_MODULES / "axe-core"
LMS_DIR = Path(__file__).resolve().parent / "lms"
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")

# URL prefix -> directory. Anything else is served from the server's temp root.
_ROUTES = {
    "/_lms/": LMS_DIR,
    "/_vendor/scorm-again/": SCORM_AGAIN_DIST,
    "/_vendor/axe-core/": AXE_DIR,
}


def normalize_version(version: str) -> str:
    """Map "1.2"/"scorm12" to "1.2" and "2004"/"scorm2004" to "2004"."""
    v = str(version).lower().removeprefix("scorm").replace("_", "")
    if v in ("1.2", "12"):
        return "1.2"
    if v == "2004":
        return "2004"
    raise ValueError(f"unknown SCORM version {version!r}")


# --------------------------------------------------------------------------- HTTP server


class _Handler(SimpleHTTPRequestHandler):
    """Static files from the temp root plus the fixed ``_ROUTES``; no caching; records 404s."""

    extensions_map = {  # noqa: RUF012 - same shape as the base class attribute
        **SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".json": "application/json",
        ".svg": "image/svg+xml",
        ".woff2": "font/woff2",
        ".xsd": "application/xml",
        ".xml": "application/xml",
    }

    def __init__(self, *args: Any, server_state: LmsServer, **kwargs: Any) -> None:
        self.state = server_state
        super().__init__(*args, directory=str(server_state.root), **kwargs)

    def translate_path(self, path: str) -> str:
        url_path = urllib.parse.unquote(urllib.parse.urlsplit(path).path)
        for prefix, directory in _ROUTES.items():
            if url_path.startswith(prefix):
                target = (directory / url_path[len(prefix) :]).resolve()
                if target == directory or directory in target.parents:
                    return str(target)
                return str(directory / "__outside__")
        return super().translate_path(path)

    def send_head(self) -> Any:
        if urllib.parse.urlsplit(self.path).path == "/favicon.ico":  # browsers ask for it
            self.send_response(204)
            self.end_headers()
            return None
        return super().send_head()

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code == 404:
            self.state.not_found.append(urllib.parse.urlsplit(self.path).path)
        super().send_error(code, message, explain)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class LmsServer:
    """A ThreadingHTTPServer on 127.0.0.1 serving ``root`` (packages), the LMS and vendor JS."""

    root: Path
    not_found: list[str] = field(default_factory=list)
    _httpd: ThreadingHTTPServer | None = None

    def start(self) -> LmsServer:
        handler = partial(_Handler, server_state=self)
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    @property
    def base_url(self) -> str:
        assert self._httpd, "server not started"
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def lms_url(self) -> str:
        return f"{self.base_url}/_lms/lms.html"

    def url(self, path: str) -> str:
        """Absolute URL of ``path`` relative to the server root."""
        return f"{self.base_url}/{path.lstrip('/')}"

    def publish(self, package: Path | str, name: str | None = None) -> str:
        """Copy a package directory (or extract a zip) under the root; return its folder name."""
        package = Path(package)
        base = name or package.name.removesuffix(".zip")
        name, n = base, 1
        while (self.root / name).exists():
            n += 1
            name = f"{base}-{n}"
        dest = self.root / name
        if package.is_dir():
            shutil.copytree(package, dest)
        else:
            with zipfile.ZipFile(package) as zf:
                for info in zf.infolist():
                    target = (dest / info.filename).resolve()
                    if dest.resolve() not in target.parents and target != dest.resolve():
                        raise ValueError(f"unsafe path in zip: {info.filename}")
                zf.extractall(dest)
        return name


def manifest_launch(package_dir: Path) -> str:
    """Launch href of the first SCO of the default organization, or ``index.html``."""
    manifest = package_dir / "imsmanifest.xml"
    if not manifest.is_file():
        return "index.html"

    def local(tag: str) -> str:
        return tag.rsplit("}", 1)[-1]

    root = ET.parse(manifest).getroot()
    orgs = [e for e in root.iter() if local(e.tag) == "organizations"]
    default = orgs[0].get("default") if orgs else None
    organizations = [e for e in root.iter() if local(e.tag) == "organization"]
    org = next((o for o in organizations if o.get("identifier") == default), None)
    org = org if org is not None else organizations[0]
    ref = next(i.get("identifierref") for i in org.iter() if i.get("identifierref"))
    res = next(r for r in root.iter() if local(r.tag) == "resource" and r.get("identifier") == ref)
    return res.get("href", "index.html")


# --------------------------------------------------------------------------- LMS sessions


def default_initial(version: str, **overrides: str) -> dict[str, str]:
    """Initial CMI a Moodle-like LMS gives on a first, credit attempt (pass mark 70%)."""
    if normalize_version(version) == "1.2":
        data = {
            "cmi.core.student_id": "learner-1",
            "cmi.core.student_name": "Doe, Jane",
            "cmi.core.credit": "credit",
            "cmi.core.lesson_mode": "normal",
            "cmi.core.entry": "ab-initio",
            "cmi.student_data.mastery_score": "70",
        }
    else:
        data = {
            "cmi.learner_id": "learner-1",
            "cmi.learner_name": "Doe, Jane",
            "cmi.credit": "credit",
            "cmi.mode": "normal",
            "cmi.entry": "ab-initio",
            "cmi.scaled_passing_score": "0.7",
        }
    data.update(overrides)
    return data


_CARRY_12 = (
    "cmi.core.lesson_location",
    "cmi.suspend_data",
    "cmi.core.lesson_status",
    "cmi.core.score.raw",
    "cmi.core.score.min",
    "cmi.core.score.max",
    "cmi.core.total_time",
)
_CARRY_2004 = (
    "cmi.completion_status",
    "cmi.success_status",
    "cmi.score.scaled",
    "cmi.score.raw",
    "cmi.score.min",
    "cmi.score.max",
    "cmi.progress_measure",
    "cmi.total_time",
)


def relaunch_data(
    final: dict[str, Any], version: str, base: dict[str, str] | None = None
) -> dict[str, str]:
    """Initial CMI for the next launch after a session that ended with flattened data ``final``.

    Moodle-like: status, score and total time are carried over; the entry is ``resume`` only
    when the SCO exited with ``suspend``. 1.2 always restores ``lesson_location`` and
    ``suspend_data``; 2004 restores ``location`` and ``suspend_data`` only after a suspend.
    Empty values are left out (scorm-again ignores them on load anyway).
    """
    version = normalize_version(version)
    data = dict(base if base is not None else default_initial(version))
    if version == "1.2":
        suspended = final.get("cmi.core.exit") == "suspend"
        keys = _CARRY_12
        data["cmi.core.entry"] = "resume" if suspended else ""
    else:
        suspended = final.get("cmi.exit") == "suspend"
        keys = _CARRY_2004 + (("cmi.location", "cmi.suspend_data") if suspended else ())
        data["cmi.entry"] = "resume" if suspended else "ab-initio"
    for key in keys:
        value = final.get(key)
        if value not in (None, ""):
            data[key] = str(value)
    return {k: v for k, v in data.items() if v != ""}


@dataclass
class LmsSession:
    """A SCO running in the test LMS. Reads state live from the LMS page."""

    page: Page
    version: str
    launch_url: str
    frame: Frame
    console_errors: list[str]
    page_errors: list[str]
    name: str = ""  # the package's folder on the server

    def _js(self, expression: str) -> Any:
        return self.page.evaluate(expression)

    def cmi(self) -> dict[str, Any]:
        """Current flattened CMI from the live API (``getFlattenedCMI``)."""
        return self._js("() => window.lmsApi.getFlattenedCMI()")

    def final(self) -> dict[str, Any] | None:
        """Flattened CMI captured right after a successful Terminate/LMSFinish, else None."""
        final = self._js("() => window.lmsFinal")
        return final and final.get("flat", final)

    def stored(self) -> dict[str, str]:
        """What the LMS's server holds now (launch values plus what Commit/Terminate sent)."""
        return self._js("() => window.lmsStore")

    def final_commit(self) -> dict[str, Any] | None:
        """``renderCommitCMI(true)`` captured after Terminate (nested, includes total_time)."""
        final = self._js("() => window.lmsFinal")
        return final and final.get("commit", final)

    def calls(self) -> list[dict[str, Any]]:
        """Every API call: {seq, t, method, generic, args, result, error?, diagnostic?}."""
        return self._js("() => window.lmsLog")

    def errors(self) -> list[dict[str, Any]]:
        """Calls that left a non-"0" error (except 2004 GetValue 403, see unset_reads)."""
        return self._js("() => window.lmsErrors")

    def unset_reads(self) -> list[dict[str, Any]]:
        """2004 GetValue calls answered 403 (element has no value yet): {element, ...}."""
        return self._js("() => window.lmsUnsetReads")

    def counts(self) -> dict[str, int]:
        """Number of Initialize, Terminate and Commit calls (either version's names)."""
        return self._js("() => window.lmsCounts")

    def messages(self) -> list[dict[str, Any]]:
        """scorm-again log messages {level, message} at WARN or above (settings.logLevel)."""
        return self._js("() => window.lmsMessages")

    def set_values(self) -> dict[str, str]:
        """Last value the SCO set for each element (successful or not)."""
        return {c["args"][0]: c["args"][1] for c in self.calls() if c["generic"] == "SetValue"}

    def problems(self) -> list[str]:
        """Strict (Moodle/ADL) problems in the calls so far, see ``strict.check_calls``."""
        return strict.check_calls(self.calls(), self.version)

    def faults(self) -> list[dict[str, Any]]:
        """The failures the LMS injected so far: {seq, method, element, fault, error}."""
        return self._js("() => window.lmsFaults")

    def set_faults(self, faults: dict[str, Any]) -> None:
        """Replace the LMS's faults from now on (``{}``: the LMS works again)."""
        self.page.evaluate("f => { window.lmsConfig.faults = f; }", faults)

    def wait_for_terminate(self, timeout: float = 10_000) -> dict[str, Any] | None:
        """Wait until the SCO has called Terminate/LMSFinish; return ``final()``."""
        self.page.wait_for_function("() => window.lmsCounts.Terminate > 0", timeout=timeout)
        return self.final()

    def unload(self, timeout: float = 10_000) -> dict[str, Any] | None:
        """Navigate the SCO iframe away (learner leaves), wait for Terminate, return ``final()``."""
        self._js("() => window.unloadSCO()")
        return self.wait_for_terminate(timeout)


def _collect_errors(page: Page) -> tuple[list[str], list[str]]:
    console: list[str] = []
    errors: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return console, errors


def launch(
    page: Page,
    server: LmsServer,
    package: Path | str,
    version: str,
    initial: dict[str, str] | None = None,
    *,
    launch: str | None = None,
    settings: dict[str, Any] | None = None,
    wait_initialize: bool = True,
    timeout: float = 10_000,
    api_delay_ms: int = 0,
    frame_size: tuple[int, int] | None = None,
    send_only_changed: bool = False,
    popup: bool = False,
    faults: dict[str, Any] | None = None,
    published: str | None = None,
) -> LmsSession:
    """Publish ``package`` (dir or zip) and launch its SCO in the test LMS.

    ``initial`` is the flattened CMI loaded before Initialize (default: ``default_initial``).
    ``launch`` is the SCO URL relative to the package (default: from imsmanifest.xml, or
    index.html). ``settings`` are merged into the scorm-again settings. ``api_delay_ms``
    exposes the API only that long after the SCO starts loading. ``frame_size`` fixes the
    player frame (width, height); ``send_only_changed`` stores only values that differ from
    those at launch (Moodle's 2004 player); ``popup`` opens the SCO in a new window.
    ``faults`` makes the LMS fail on demand (``lms/lms.js``: initialize, commit, setValue,
    terminate, terminateOnHide, lateApiMs); change them later with :meth:`LmsSession.set_faults`.
    ``published``: the folder of a package published before (:attr:`LmsSession.name`), to launch
    the same address again (two windows of one attempt share the browser's storage there).
    """
    version = normalize_version(version)
    name = published or server.publish(package)
    rel = launch or manifest_launch(server.root / name)
    launch_url = f"/{name}/{rel}"
    console, errors = _collect_errors(page)
    page.goto(server.lms_url)
    cfg = {
        "version": version,
        "initial": default_initial(version) if initial is None else initial,
        "launch": launch_url,
        "settings": settings or {},
        "apiDelayMs": api_delay_ms,
        "frame": {"width": frame_size[0], "height": frame_size[1]} if frame_size else None,
        "sendOnlyChanged": send_only_changed,
        "popup": popup,
        "faults": faults or {},
    }
    if popup:
        with page.expect_popup(timeout=timeout) as opened:
            page.evaluate("cfg => startLMS(cfg)", cfg)
        window = opened.value
        window.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
        window.on("pageerror", lambda e: errors.append(str(e)))
        frame = window.main_frame
    else:
        page.evaluate("cfg => startLMS(cfg)", cfg)
        handle = page.wait_for_selector("iframe#sco", state="attached", timeout=timeout)
        content = handle.content_frame()
        assert content is not None
        frame = content
    frame.wait_for_load_state("load", timeout=timeout)
    if wait_initialize:
        page.wait_for_function("() => window.lmsCounts.Initialize > 0", timeout=timeout)
    return LmsSession(page, version, launch_url, frame, console, errors, name)


@dataclass
class NoLmsRun:
    """A SCO opened directly, without any LMS API around it."""

    page: Page
    url: str
    console_errors: list[str]
    page_errors: list[str]

    @property
    def frame(self) -> Frame:
        return self.page.main_frame


def no_lms(
    page: Page, server: LmsServer, package: Path | str, *, launch: str | None = None
) -> NoLmsRun:
    """Open the SCO's launch page directly (no LMS) and collect console/page errors."""
    name = server.publish(package)
    url = server.url(f"{name}/{launch or manifest_launch(server.root / name)}")
    console, errors = _collect_errors(page)
    page.goto(url, wait_until="load")
    return NoLmsRun(page, url, console, errors)


# --------------------------------------------------------------------------- accessibility


def run_axe(frame: Frame, tags: tuple[str, ...] = WCAG_TAGS) -> list[dict[str, Any]]:
    """Run axe-core in ``frame``; return its violations. axe is loaded as a script of the page's
    own origin (answered by Playwright), which the package's Content-Security-Policy allows,
    from any server (the test LMS or ``cpd-pack launch``)."""
    if not frame.evaluate("() => typeof window.axe !== 'undefined'"):
        parts = urllib.parse.urlsplit(frame.url)
        url = f"{parts.scheme}://{parts.netloc}/__cpd_test__/axe.min.js"
        page = frame.page
        page.route(url, lambda route: route.fulfill(path=str(AXE_DIR / "axe.min.js")))
        try:
            frame.add_script_tag(url=url)
        finally:
            page.unroute(url)
    return frame.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                      resultTypes: ['violations']}).then(r => r.violations)""",
        list(tags),
    )


def format_violations(violations: list[dict[str, Any]]) -> str:
    """One line per axe violation and node, for assertion messages."""
    lines = []
    for v in violations:
        for node in v.get("nodes", []):
            lines.append(f"{v['id']} ({v.get('impact')}): {v['help']} at {node.get('target')}")
    return "\n".join(lines)
