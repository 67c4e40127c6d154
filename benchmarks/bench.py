"""Measure cpd-pack's build speed, memory, output sizes and LRS traffic in one run; print the figures.

Usage: .venv/bin/python benchmarks/bench.py [--runs N] [--no-lrs]

Targets (issues 2 and 7): the sample course in all four formats (scorm2004, scorm12, xapi and
cmi5: what `cpd-pack build` makes by default) <= 0.4 s from a cold CLI start, both SCORM formats
alone <= 0.3 s; a generated large course (50 units x 20 pages, 300 questions) <= 5 s and <= 250 MB;
the runtime's JS + CSS <= 40 KB gzipped.

Peer: simple-scorm-packager (npm devDependency; `npm ci`) zips the very pages cpd-pack renders
(the SCORM 1.2 zip without its manifest and XSDs) into ONE SCORM 1.2 zip, driven by
benchmarks/scorm_peer.js in a new node process per run; cpd-pack builds all four from the YAML.

LRS traffic: a full pass of the sample course (every page, both self-assessments, a reflection,
the quiz passed with every answer right, Exit) in headless system Chromium, launched by
`cpd-pack launch` (LaunchServer) with a real Ralph LRS (tests/lrs/ralph.py) behind it; the
requests the page sends to the launcher's /xapi/ endpoint are counted. Skipped, with the reason,
when Chromium, Playwright or Ralph is missing.

For scale: Adapt's build takes about 7 s for one format of a small course on these machines,
LiaScript's exporter about 3.5 s; Adapt ships about 480 KB of runtime.
"""

from __future__ import annotations

import argparse
import compileall
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from cpd_pack.build import make_packages
from cpd_pack.loader import load_course
from cpd_pack.outline import Outline, build_outline
from cpd_pack.packagers import FORMATS as ALL_FORMATS
from cpd_pack.render import adapter_source, render_site
from cpd_pack.validate import validate_course

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Frame, Page, Request

    from cpd_pack.model import Question

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "course_source"
CLI = Path(sys.executable).parent / "cpd-pack"
PEER_SCRIPT = Path(__file__).resolve().parent / "scorm_peer.js"
PEER_PACKAGE = REPO / "node_modules" / "simple-scorm-packager"
SCORM = ("scorm12", "scorm2004")
PARAGRAPH = (
    "Counsellors notice how the working alliance grows from agreement on goals and tasks and "
    "from the bond between client and therapist. This paragraph is filler text for a benchmark "
    "course, repeated to give each page a realistic length of a few hundred words. "
)


# --------------------------------------------------------------------------- courses


def make_large_course(root: Path, units: int = 50, pages: int = 20, questions: int = 300) -> None:
    """Write a course of ``units`` x ``pages`` pages and a quiz of ``questions`` questions."""
    (root / "units").mkdir(parents=True)
    unit_files = []
    for u in range(units):
        unit = {
            "id": f"unit-{u + 1}",
            "title": f"Unit {u + 1}",
            "pages": [
                {
                    "id": f"u{u + 1}-page-{p + 1}",
                    "title": f"Page {p + 1} of unit {u + 1}",
                    "blocks": [
                        {"text": f"## Section {p + 1}\n\n" + (PARAGRAPH * 3 + "\n\n") * 3},
                        {"reflection": {"prompt": "What does this mean for your practice?"}},
                        {"key_points": ["The alliance matters.", "Ask for feedback."]},
                    ],
                }
                for p in range(pages)
            ],
        }
        name = f"units/unit-{u + 1:02d}.yaml"
        (root / name).write_text(yaml.safe_dump(unit, sort_keys=False), encoding="utf-8")
        unit_files.append(name)
    last = yaml.safe_load((root / unit_files[-1]).read_text())
    last["pages"].append({"id": "final-quiz", "title": "Final quiz", "blocks": [{"quiz": "final"}]})
    (root / unit_files[-1]).write_text(yaml.safe_dump(last, sort_keys=False), encoding="utf-8")
    quiz = [
        {
            "id": f"q-{q + 1}",
            "type": "single",
            "prompt": f"Question {q + 1}: which statement is right?",
            "options": [
                {"text": f"Option {o + 1}", "correct": o == q % 4, "feedback": "Because."}
                for o in range(4)
            ],
        }
        for q in range(questions)
    ]
    course = {
        "id": "large-course",
        "title": "Large generated course",
        "version": "1.0",
        "hours": 100,
        "pass_mark": 70,
        # the xapi and cmi5 formats (built by default) need a stable activity IRI
        "xapi": {"activity_iri": "https://example.org/courses/large-course"},
        "units": unit_files,
        "quiz": {"shuffle": True, "questions": quiz},
    }
    (root / "course.yaml").write_text(yaml.safe_dump(course, sort_keys=False), encoding="utf-8")


def sample_outline() -> Outline:
    return build_outline(validate_course(load_course(SAMPLE)))


# --------------------------------------------------------------------------- build timings


@dataclass(frozen=True)
class Cold:
    """Median wall time (s) and peak memory (MB) of repeated cold runs."""

    seconds: float
    peak_mb: float


Run = Callable[[int], tuple[float, float]]  # run number -> (wall seconds, peak MB)


def timed(
    command: list[str], env: dict[str, str] | None = None, log: Path | None = None
) -> tuple[float, float, int]:
    """Wall time (s), peak memory (MB) and exit code of ``command`` in a new process that gets
    no stdin; its output goes to ``log`` (or nowhere)."""
    with open(log or os.devnull, "wb") as out:
        start = time.perf_counter()
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=env
        )
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
    return elapsed, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def cold_cli(
    course: Path, out: Path, formats: Sequence[str] = (), env: dict[str, str] | None = None
) -> tuple[float, float]:
    """Wall time (s) and peak memory (MB) of one `cpd-pack build` in a fresh process; no
    ``formats`` builds the CLI's default (all four)."""
    flags = [arg for name in formats for arg in ("-f", name)]
    log = out.with_name(out.name + ".log")
    elapsed, peak, code = timed([str(CLI), "build", str(course), *flags, "-o", str(out)], env, log)
    if code != 0:
        message = log.read_text(errors="replace").strip()[-500:]
        raise SystemExit(f"cpd-pack build {course} {' '.join(flags)} failed ({code}):\n{message}")
    return elapsed, peak


def cli_run(
    tmp: Path, tag: str, course: Path, formats: Sequence[str] = (), empty_cache: bool = False
) -> Run:
    """One cold build per call, each into a new folder (and, with ``empty_cache``, with a new,
    empty temp folder: Jinja's bytecode cache lives there, so the templates are compiled again)."""

    def run(i: int) -> tuple[float, float]:
        env = empty_temp(tmp / f"{tag}-tmp{i}") if empty_cache else None
        return cold_cli(course, tmp / f"{tag}-{i}", formats, env)

    return run


IMPORTS = "import cpd_pack.cli, cpd_pack.build, cpd_pack.render, cpd_pack.packagers, tincan"
"""What a four-format `cpd-pack build` imports (tincan only when it reaches xapi and cmi5)."""


def python_run(tmp: Path, tag: str, code: str) -> Run:
    """A fresh Python (the one running this script: the .venv's) running only ``code``."""

    def run(i: int) -> tuple[float, float]:
        elapsed, peak, status = timed([sys.executable, "-c", code], None, tmp / f"{tag}-{i}.log")
        if status != 0:
            raise SystemExit(f"python -c {code!r} failed ({status})")
        return elapsed, peak

    return run


def round_robin(jobs: dict[str, tuple[int, Run]]) -> tuple[dict[str, Cold], dict[str, str]]:
    """Run every job its number of times, in turn (run 1 of each, then run 2 of each, ...), so
    that a burst of load elsewhere on the machine falls on all of them alike; the median of
    each, and why a job that raised RuntimeError stopped."""
    results: dict[str, list[tuple[float, float]]] = {tag: [] for tag in jobs}
    failed: dict[str, str] = {}
    for i in range(max(runs for runs, _ in jobs.values())):
        for tag, (runs, run) in jobs.items():
            if i < runs and tag not in failed:
                try:
                    results[tag].append(run(i))
                except RuntimeError as exc:
                    failed[tag] = str(exc)
    cold = {
        tag: Cold(statistics.median(t for t, _ in got), max(m for _, m in got))
        for tag, got in results.items()
        if got and tag not in failed
    }
    return cold, failed


def empty_temp(folder: Path) -> dict[str, str]:
    """An environment whose temp folder is the new, empty ``folder``."""
    folder.mkdir()
    return {**os.environ, "TMPDIR": str(folder)}


def in_process(course: Path, formats: Sequence[str], runs: int) -> float:
    """Median time (s) of an in-process build of ``formats`` (after one warm-up)."""
    make_packages(course, formats)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        make_packages(course, formats)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


@dataclass(frozen=True)
class TincanCost:
    """What importing ``tincan`` costs in a cold four-format build, by ``python -X importtime``."""

    import_ms: float  # median cumulative import time of the top-level tincan import
    in_scorm_only: bool  # whether a build of the SCORM formats alone imports it too


def import_times(tmp: Path, tag: str, formats: Sequence[str] = ()) -> dict[str, float]:
    """Module -> cumulative import time (ms) of one cold build under ``-X importtime``."""
    flags = [arg for name in formats for arg in ("-f", name)]
    command = [sys.executable, "-X", "importtime", str(CLI), "build", str(SAMPLE), *flags]
    result = subprocess.run(
        [*command, "-o", str(tmp / tag)], capture_output=True, text=True, check=True
    )
    times: dict[str, float] = {}
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line.split("|", 2)
        if cumulative.strip().isdigit():
            times[name.strip()] = max(times.get(name.strip(), 0.0), int(cumulative) / 1000)
    return times


def tincan_cost(tmp: Path, runs: int) -> TincanCost:
    """The top-level ``tincan`` import's cumulative time (only the modules it is the first to
    import) in a four-format build; and whether a SCORM-only build loads it at all."""
    costs = [import_times(tmp, f"it{i}").get("tincan", 0.0) for i in range(runs)]
    scorm_only = import_times(tmp, "it-scorm", SCORM)
    return TincanCost(statistics.median(costs), "tincan" in scorm_only)


# --------------------------------------------------------------------------- runtime sizes


def runtime_gzipped(outline: Outline) -> dict[str, int]:
    """Gzipped bytes of what a package's browser runtime loads, per format (the xapi and cmi5
    zips add the course's activity definitions in front of the adapter; not counted here)."""
    site = render_site(outline, SAMPLE)
    base = b"".join(data for name, data in sorted(site.items()) if name.endswith((".js", ".css")))
    return {fmt: len(gzip.compress(base + adapter_source(fmt), 9, mtime=0)) for fmt in ALL_FORMATS}


# --------------------------------------------------------------------------- the npm peer


@dataclass(frozen=True)
class PeerResult:
    """simple-scorm-packager's cold run (median) and the size of the zip it wrote."""

    cold: Cold
    zip_bytes: int
    version: str


def peer_missing() -> str | None:
    """Why the peer cannot run, or None."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not (PEER_PACKAGE / "package.json").is_file():
        return "node_modules/simple-scorm-packager is missing (npm ci)"
    return None


def prebuilt_site(scorm12_zip: Path, dest: Path) -> None:
    """The pages cpd-pack renders: the SCORM 1.2 zip without its manifest and schema files (the
    peer writes its own)."""
    with zipfile.ZipFile(scorm12_zip) as archive:
        for name in archive.namelist():
            if name == "imsmanifest.xml" or ("/" not in name and name.endswith((".xsd", ".dtd"))):
                continue
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(name))


def peer_run(site: Path, tmp: Path, outline: Outline, zips: list[Path]) -> Run:
    """One run of simple-scorm-packager making one SCORM 1.2 zip of ``site`` in a new node
    process (its path is appended to ``zips``).

    The packager writes its manifest, metadata and XSDs into the source folder, so every run
    gets a fresh copy of the site, copied before the clock starts."""
    course = outline.course

    def run(i: int) -> tuple[float, float]:
        source, out, log = tmp / f"peer-src{i}", tmp / f"peer-out{i}", tmp / f"peer{i}.log"
        shutil.copytree(site, source)
        command = [
            "node", str(PEER_SCRIPT), "--source", str(source), "--out", str(out),
            "--title", course.title, "--identifier", course.id, "--version", "1.2",
            "--mastery", str(course.pass_mark), "--start", "index.html",
            "--language", course.language, "--package-version", course.version,
        ]  # fmt: skip
        elapsed, peak, code = timed(command, log=log)
        written = sorted(out.glob("*.zip")) if out.is_dir() else []
        if code != 0 or len(written) != 1:
            raise RuntimeError(f"scorm_peer.js failed ({code}): {log.read_text()[-300:]}")
        zips.append(written[0])
        return elapsed, peak

    return run


def peer_version() -> str:
    return str(json.loads((PEER_PACKAGE / "package.json").read_text())["version"])


# --------------------------------------------------------------------------- LRS traffic


@dataclass
class Traffic:
    """What the page sent to the launcher's /xapi/ endpoint during one full pass."""

    requests: dict[str, int] = field(default_factory=dict)  # category -> requests
    body_bytes: dict[str, int] = field(default_factory=dict)  # category -> request body bytes
    methods: dict[str, int] = field(default_factory=dict)  # "POST statements" -> requests
    statements_sent: int = 0  # statements in the statement request bodies (resends included)
    statements_stored: int = 0  # in Ralph, for the registration (the launcher's own included)
    au_statements: int = 0  # distinct statement ids the AU made
    verbs: dict[str, int] = field(default_factory=dict)  # of the statements Ralph stored
    server_requests: int = 0  # /xapi/ requests the launcher answered (cross-check)
    fetch_requests: int = 0  # cmi5: POSTs to the launcher's one-time token URL (not /xapi/)
    seconds: float = 0.0  # the walk, from launch to the end of the traffic

    def add(self, category: str, method: str, body: bytes) -> None:
        self.requests[category] = self.requests.get(category, 0) + 1
        self.body_bytes[category] = self.body_bytes.get(category, 0) + len(body)
        key = f"{method} {category}"
        self.methods[key] = self.methods.get(key, 0) + 1


def lrs_missing() -> str | None:
    """Why the LRS pass cannot run, or None."""
    if shutil.which("chromium") is None:
        return "chromium is not installed (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is missing (pip install -e '.[test]')"
    sys.path.insert(0, str(REPO / "tests"))
    from lrs.ralph import ralph_installed

    if not ralph_installed():
        return "Ralph is not installed (ralph-malph[lrs]==5.1.0, the '.[test]' extra)"
    return None


def category(resource: str) -> str:
    """statements, state or other, from the path after /xapi/."""
    resource = resource.split("?", 1)[0].strip("/")
    if resource == "statements":
        return "statements"
    if resource == "activities/state":
        return "state"
    return "other"


def statements_in(body: bytes) -> list[dict[str, Any]]:
    """The statements in a statements request body (one, a list, or none)."""
    if not body:
        return []
    try:
        data = json.loads(body)
    except ValueError:
        return []
    return data if isinstance(data, list) else [data] if isinstance(data, dict) else []


def lrs_traffic(zips: dict[str, Path], outline: Outline) -> dict[str, Traffic | str]:
    """One full pass per package (xapi, cmi5) against a fresh Ralph LRS; a string says why a
    format was skipped or failed."""
    missing = lrs_missing()
    if missing:
        return dict.fromkeys(zips, f"skipped: {missing}")
    from playwright.sync_api import sync_playwright

    from conftest import CHROMIUM_ARGS  # tests/conftest.py: the flags the tests use
    from lrs.ralph import RalphLRS

    results: dict[str, Traffic | str] = {}
    ralph = RalphLRS()
    try:
        try:
            ralph.start()
        except RuntimeError as exc:
            return dict.fromkeys(zips, f"skipped: Ralph did not start ({str(exc)[:200]})")
        with sync_playwright() as pw:
            chromium = shutil.which("chromium")
            browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            try:
                for fmt, package in zips.items():
                    try:
                        results[fmt] = full_pass(browser, ralph, package, outline)
                    except Exception as exc:  # a benchmark reports, it does not stop
                        message = " ".join(str(exc).split())[:400]
                        results[fmt] = f"failed: {type(exc).__name__}: {message}"
            finally:
                browser.close()
    finally:
        ralph.close()
    return results


def full_pass(browser: Browser, ralph: Any, package: Path, outline: Outline) -> Traffic:
    """Launch ``package`` through a LaunchServer forwarding to ``ralph``, walk the course, pass
    the quiz, exit, leave the page; count what the page sent to /xapi/."""
    from cpd_pack.launch import LaunchServer
    from cpd_pack.launch.xapi import Request as XapiRequest
    from cpd_pack.launch.xapi import Response as XapiResponse

    traffic = Traffic()
    lrs = (ralph.endpoint, ralph.username, ralph.password)
    with LaunchServer(package, lrs=lrs, port=0) as server:
        answer = server.resources.handle

        def counted(request: XapiRequest) -> XapiResponse:
            traffic.server_requests += 1
            return answer(request)

        server.resources.handle = counted  # type: ignore[method-assign]
        prefix = f"{server.url}/xapi/"
        made: set[str] = set()

        def on_request(request: Request) -> None:
            if request.url.startswith(f"{server.url}/fetch/"):
                traffic.fetch_requests += 1
            if not request.url.startswith(prefix):
                return
            kind = category(request.url[len(prefix) :])
            body = request.post_data_buffer or b""
            traffic.add(kind, request.method, body)
            if kind == "statements" and request.method in ("POST", "PUT"):
                sent = statements_in(body)
                traffic.statements_sent += len(sent)
                made.update(str(s.get("id")) for s in sent)

        context = browser.new_context()
        errors: list[str] = []  # the page's own errors, to explain a pass that fails
        try:
            context.on("request", on_request)
            page = context.new_page()
            page.set_default_timeout(30_000)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            start = time.perf_counter()
            page.goto(server.launch_url())
            page.wait_for_selector("section.cpd-page:not([hidden])")
            walk(page.main_frame, outline)
            exit_course(page, server.kind, server.url)
            wait_for(lambda: ended(server.statements), "a terminated or suspended statement")
            page.goto("about:blank")  # the learner closes the tab: pagehide
            settle(lambda: traffic.server_requests)
            traffic.seconds = time.perf_counter() - start
        except Exception as exc:
            if errors:
                raise RuntimeError(f"{exc}; the page reported: {' | '.join(errors[:3])}") from exc
            raise
        finally:
            context.close()
        stored = ralph.statements(registration=server.registration)
    traffic.au_statements = len(made)
    traffic.statements_stored = len(stored)
    for statement in stored:
        verb = statement["verb"]["id"].rsplit("/", 1)[-1]
        traffic.verbs[verb] = traffic.verbs.get(verb, 0) + 1
    return traffic


def ended(statements: list[dict[str, Any]]) -> bool:
    verbs = {s["verb"]["id"].rsplit("/", 1)[-1] for s in statements}
    return bool(verbs & {"terminated", "suspended"})


def wait_for(predicate: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise TimeoutError(f"no {what} after {timeout:g} s")
        time.sleep(0.05)


def settle(count: Callable[[], int], quiet: float = 1.0, timeout: float = 30.0) -> None:
    """Wait until ``count()`` has not changed for ``quiet`` seconds."""
    end = time.monotonic() + timeout
    last, since = count(), time.monotonic()
    while time.monotonic() < end:
        time.sleep(0.1)
        now = count()
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return


# --------------------------------------------------------------------------- the learner


def shown_page(frame: Frame) -> str:
    """Id of the one page section shown."""
    ids = frame.eval_on_selector_all(
        "section.cpd-page:not([hidden])", "els => els.map(e => e.dataset.page || e.id)"
    )
    if len(ids) != 1:
        raise RuntimeError(f"expected one page shown, found {ids}")
    return str(ids[0])


def page_with(outline: Outline, kind: str, value: object = None) -> str:
    """Id of the first page with a block of ``kind`` (optionally equal to ``value``)."""
    for page in outline.pages:
        for block in page.blocks:
            got = getattr(block, kind)
            if got is not None and (value is None or got == value):
                return page.id
    raise LookupError(f"no page with a {kind} block")


def correct(q: Question) -> list[str]:
    """The correct option ids of ``q`` from the course source (as CourseKit.correct)."""
    if q.type == "true-false":
        return ["true" if q.answer else "false"]
    return [chr(97 + i) for i, option in enumerate(q.options) if option.correct]


def walk(frame: Frame, outline: Outline) -> None:
    """Walk every page with Next, doing each page's activity (as tests/e2e/test_scorm_runtime.py
    walk() does): rate both self-assessments, write the first reflection, pass the quiz with
    every answer right."""
    before = page_with(outline, "self_assessment", "before")
    after = page_with(outline, "self_assessment", "after")
    quiz = page_with(outline, "quiz")
    reflection = outline.reflections[0]
    ids = [p.id for p in outline.pages]
    for i, pid in enumerate(ids):
        if shown_page(frame) != pid:
            raise RuntimeError(f"expected page {pid}, the player shows {shown_page(frame)}")
        if pid in (before, after):
            phase, value = ("before", 2) if pid == before else ("after", 4)
            for sid in outline.statement_ids:
                frame.check(f'input[name="sa-{phase}-{sid}"][value="{value}"]')
        if pid == reflection.page_id:
            frame.fill(f'[data-reflection="{reflection.id}"]', "Zoë felt heard")
        if pid == quiz:
            for q in outline.quiz_questions:
                if not frame.is_visible(f'[data-question="{q.id}"]'):
                    continue  # not drawn in this attempt (quiz.draw)
                for option in correct(q):
                    frame.click(f'input[name="q-{q.id}"][value="{option}"]')
            frame.click('[data-action="submit-quiz"]')
            frame.wait_for_selector("#cpd-quiz-results:not([hidden])")
        if i < len(ids) - 1:
            frame.click('[data-action="next"]')


def exit_course(page: Page, kind: str, launcher_url: str) -> None:
    """Press Exit: cmi5 goes back to the launcher's returnURL (its own page), xAPI shows the
    exit view."""
    frame = page.main_frame
    frame.click('[data-action="exit"]')
    frame.click('[data-action="exit-confirm"]')  # Exit asks first
    if kind == "cmi5":
        page.wait_for_url(f"{launcher_url}/")
    else:
        frame.wait_for_selector("#cpd-exited:not([hidden])")


# --------------------------------------------------------------------------- report


@dataclass(frozen=True)
class Builds:
    """Every build figure of one run."""

    four: Cold  # sample course, the CLI's default (all four formats)
    four_first: Cold  # the same with an empty template cache
    start: Cold  # python -c pass
    imports: Cold  # python -c IMPORTS
    two: Cold  # sample course, both SCORM formats
    two_first: Cold
    one: Cold  # sample course, SCORM 1.2 alone
    large_four: Cold
    large_two: Cold
    peer: PeerResult | str  # or why it was skipped
    tincan: TincanCost
    sample_warm: float  # in process, four formats
    large_warm: float


def compile_bytecode() -> None:
    """Write cpd-pack's .pyc files, as pip does when it installs the wheel. The editable install
    of a checkout has none, and with PYTHONDONTWRITEBYTECODE set (as on the CI machines) Python
    would compile every module again at each start."""
    compileall.compile_dir(str(REPO / "src" / "cpd_pack"), quiet=1)


def measure_builds(tmp: Path, large: Path, runs: int, outline: Outline) -> Builds:
    few = max(1, runs // 2)
    compile_bytecode()
    cold_cli(SAMPLE, tmp / "warm")  # fill the OS file cache once

    jobs = {
        "four": (runs, cli_run(tmp, "s4", SAMPLE)),
        "start": (runs, python_run(tmp, "py", "pass")),
        "imports": (runs, python_run(tmp, "im", IMPORTS)),
        "two": (runs, cli_run(tmp, "s2", SAMPLE, SCORM)),
        "one": (runs, cli_run(tmp, "s1", SAMPLE, ["scorm12"])),
        # The very first build also compiles the templates into Jinja's bytecode cache (kept in
        # the temp folder): measure that too, each run with a new, empty temp folder.
        "four_first": (3, cli_run(tmp, "f4", SAMPLE, empty_cache=True)),
        "two_first": (3, cli_run(tmp, "f2", SAMPLE, SCORM, empty_cache=True)),
        "large_four": (few, cli_run(tmp, "l4", large)),
        "large_two": (few, cli_run(tmp, "l2", large, SCORM)),
    }
    peer: PeerResult | str | None = peer_missing()
    peer_zips: list[Path] = []
    if peer is None:
        prebuilt_site(next((tmp / "warm").glob("*-scorm12.zip")), tmp / "site")
        run = peer_run(tmp / "site", tmp, outline, peer_zips)
        try:
            run(-1)  # fill the OS file cache with node and node_modules once, as for cpd-pack
            jobs["peer"] = (runs, run)
        except RuntimeError as exc:
            peer = str(exc)
    cold, failed = round_robin(jobs)
    if peer is None:
        peer = failed.get("peer") or PeerResult(
            cold["peer"], peer_zips[-1].stat().st_size, peer_version()
        )
    return Builds(
        four=cold["four"],
        four_first=cold["four_first"],
        start=cold["start"],
        imports=cold["imports"],
        two=cold["two"],
        two_first=cold["two_first"],
        one=cold["one"],
        large_four=cold["large_four"],
        large_two=cold["large_two"],
        peer=peer,
        tincan=tincan_cost(tmp, runs),
        sample_warm=in_process(SAMPLE, ALL_FORMATS, runs),
        large_warm=in_process(large, ALL_FORMATS, few),
    )


def row(label: str, value: str, target: float | None = None, measured: float = 0.0) -> str:
    ratio = f"  target {target:g}: {measured / target:.2f} of it" if target else ""
    return f"  {label:<62} {value:>10}{ratio}"


def seconds(label: str, value: float, target: float | None = None) -> str:
    return row(label, f"{value:.3f} s", target, value)


def megabytes(label: str, value: float, target: float | None = None) -> str:
    return row(label, f"{value:.0f} MB", target, value)


def build_lines(b: Builds, runtime: dict[str, int]) -> list[str]:
    lines = [
        seconds("sample course, all four formats, cold CLI (median)", b.four.seconds, 0.4),
        seconds("  the same with an empty template cache (median)", b.four_first.seconds, 0.4),
        seconds("  of which Python starting (python -c pass)", b.start.seconds),
        seconds("  of which importing what the build imports (less the start)",
                b.imports.seconds - b.start.seconds),
        seconds("sample course, both SCORM formats, cold CLI (median)", b.two.seconds, 0.3),
        seconds("  the same with an empty template cache (median)", b.two_first.seconds, 0.3),
        seconds("sample course, SCORM 1.2 alone, cold CLI (median)", b.one.seconds),
        row("  xapi + cmi5 on top of both SCORM formats (four - two)",
            f"{(b.four.seconds - b.two.seconds) * 1000:.0f} ms"),
        row("  tincan import in the four-format build (-X importtime)",
            f"{b.tincan.import_ms:.1f} ms"),
        row("  tincan imported by a SCORM-only build", "yes" if b.tincan.in_scorm_only else "no"),
        seconds("sample course, all four formats, in process (median)", b.sample_warm),
        megabytes("sample course, four formats, peak memory (cold CLI)", b.four.peak_mb),
        seconds("large course (50x20 pages, 300 q.), four formats, cold CLI", b.large_four.seconds, 5.0),
        megabytes("large course, four formats, peak memory (cold CLI)", b.large_four.peak_mb, 250.0),
        seconds("large course, both SCORM formats, cold CLI", b.large_two.seconds, 5.0),
        megabytes("large course, both SCORM formats, peak memory", b.large_two.peak_mb, 250.0),
        seconds("large course, four formats, in process (median)", b.large_warm),
    ]  # fmt: skip
    lines += [
        row(f"runtime JS+CSS gzipped ({fmt})", f"{size / 1024:.1f} KB", 40.0, size / 1024)
        for fmt, size in runtime.items()
    ]
    return lines


def peer_lines(b: Builds, scorm12_kb: float) -> list[str]:
    lines = ["  peer: simple-scorm-packager, the same prebuilt pages -> ONE SCORM 1.2 zip"]
    peer = b.peer
    if isinstance(peer, str):
        return [*lines, f"    skipped: {peer}"]
    four, one, theirs = b.four.seconds, b.one.seconds, peer.cold.seconds
    verdict = "cpd-pack faster" if four < theirs else "cpd-pack SLOWER"
    return [
        *lines,
        seconds(f"  simple-scorm-packager {peer.version}, cold node (median)", theirs),
        megabytes("  simple-scorm-packager, peak memory", peer.cold.peak_mb),
        seconds("  cpd-pack, four formats from YAML, cold CLI (median)", four),
        f"    peer (one format) / cpd-pack (four formats) = {theirs / four:.2f} ({verdict}); "
        f"peer / cpd-pack SCORM 1.2 alone = {theirs / one:.2f}",
        f"    zip: peer {peer.zip_bytes / 1024:.1f} KB, cpd-pack SCORM 1.2 {scorm12_kb:.1f} KB",
    ]


def traffic_lines(fmt: str, traffic: Traffic | str) -> list[str]:
    if isinstance(traffic, str):
        return [f"  {fmt}: {traffic}"]
    total = sum(traffic.requests.values())
    total_bytes = sum(traffic.body_bytes.values())
    parts = ", ".join(
        f"{kind} {traffic.requests.get(kind, 0)} / {traffic.body_bytes.get(kind, 0) / 1024:.1f} KB"
        for kind in ("statements", "state", "other")
    )
    methods = ", ".join(f"{key} {n}" for key, n in sorted(traffic.methods.items()))
    verbs = ", ".join(f"{verb} {n}" for verb, n in traffic.verbs.items())
    posts = traffic.requests.get("statements", 0) - traffic.methods.get("GET statements", 0)
    resent = traffic.statements_sent - traffic.au_statements
    lines = [
        f"  {fmt}: {total} requests, {total_bytes / 1024:.1f} KB of request bodies ({parts})",
        f"    by method: {methods}",
        f"    statements: {traffic.statements_sent} sent in {posts} requests "
        f"({traffic.au_statements} distinct ids, {resent} sent again); "
        f"{traffic.statements_stored} stored in Ralph for the registration ({verbs})",
        f"    the pass took {traffic.seconds:.1f} s in the browser",
    ]
    if traffic.fetch_requests:
        lines.append(f"    and {traffic.fetch_requests} POST to the cmi5 token URL (/fetch/)")
    if traffic.server_requests != total:
        lines.append(f"    (the launcher answered {traffic.server_requests} /xapi/ requests)")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="repetitions per timing (median)")
    parser.add_argument("--no-lrs", action="store_true", help="skip the LRS traffic pass")
    args = parser.parse_args()
    load_before = ", ".join(f"{x:.2f}" for x in os.getloadavg())  # timings need an idle machine
    outline = sample_outline()
    with tempfile.TemporaryDirectory() as temp:
        tmp = Path(temp)
        large = tmp / "large"
        make_large_course(large)
        builds = measure_builds(tmp, large, args.runs, outline)
        built = {p.stem.rsplit("-", 1)[-1]: p for p in (tmp / "s4-0").glob("*.zip")}
        sizes = {p.name: p.stat().st_size for p in sorted(built.values())}
        sizes |= {p.name: p.stat().st_size for p in sorted((tmp / "l4-0").glob("*.zip"))}
        packages = {fmt: built[fmt] for fmt in ("xapi", "cmi5")}
        traffic: dict[str, Traffic | str] = (
            dict.fromkeys(packages, "skipped: --no-lrs")
            if args.no_lrs
            else lrs_traffic(packages, outline)
        )
    runtime = runtime_gzipped(outline)

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"cpd-pack benchmark (Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; "
        f"load average at the start {load_before}, at the end {load})"
    )
    print("\n".join(build_lines(builds, runtime)))
    print("\n".join(peer_lines(builds, sizes[built["scorm12"].name] / 1024)))
    print("  LRS traffic, a full pass of the sample course (page -> launcher /xapi/ -> Ralph):")
    for fmt, result in traffic.items():
        print("\n".join(traffic_lines(fmt, result)))
    print("  zip sizes:")
    for name, size in sizes.items():
        print(f"    {name:<55} {size / 1024:>8.1f} KB")
    four = builds.four.seconds
    print(
        f"  ratios: Adapt (7 s, one format) / cpd-pack sample, four formats cold = "
        f"{7 / four:.0f}x; LiaScript (3.5 s) / cpd-pack = {3.5 / four:.0f}x; "
        f"Adapt runtime (480 KB) / cpd-pack = {480 / (max(runtime.values()) / 1024):.0f}x"
    )


if __name__ == "__main__":
    main()
