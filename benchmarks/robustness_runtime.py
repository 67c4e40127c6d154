"""The browser half of the robustness figures (issue 8): XSS vectors tried and executions, and LMS
fault scenarios passed, from the e2e tests that prove them (headless Chromium).

    .venv/bin/python benchmarks/robustness_runtime.py

runs tests/e2e/test_hostile_content.py, test_lms_faults.py and test_csp.py once (about two
minutes on 2 CPUs) and prints what they found. ``benchmarks/robustness.py`` can call
:func:`run` and the two ``print_*`` functions to put these figures beside the fuzz figures.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
E2E = REPO / "tests" / "e2e"
FILES = ("test_hostile_content.py", "test_lms_faults.py", "test_csp.py")


@dataclass
class Figures:
    """What one run of the runtime robustness tests found."""

    records: list[dict[str, Any]] = field(default_factory=list)  # tests/e2e/report.py lines
    tests: dict[str, dict[str, str]] = field(default_factory=dict)  # file -> {test: outcome}
    seconds: float = 0.0
    exit_code: int = 0

    def outcomes(self, file: str) -> Counter[str]:
        return Counter(self.tests.get(file, {}).values())


def run(python: str = sys.executable) -> Figures:
    """Run the three test files with a report file and a JUnit file; collect both."""
    figures = Figures()
    with tempfile.TemporaryDirectory() as tmp:
        report, junit = Path(tmp) / "report.jsonl", Path(tmp) / "junit.xml"
        env = {**os.environ, "CPD_ROBUSTNESS_REPORT": str(report)}
        args = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={junit}"]
        start = time.perf_counter()
        done = subprocess.run(
            [*args, *(str(E2E / f) for f in FILES)], cwd=REPO, env=env, capture_output=True,
            text=True, check=False,
        )  # fmt: skip
        figures.seconds = time.perf_counter() - start
        figures.exit_code = done.returncode
        if report.exists():
            figures.records = [json.loads(line) for line in report.read_text().splitlines()]
        if junit.exists():
            for case in ET.parse(junit).getroot().iter("testcase"):
                file = case.get("classname", "").rsplit(".", 1)[-1] + ".py"
                outcome = "passed"
                for child in case:
                    if child.tag in ("failure", "error"):
                        outcome = "failed"
                    elif child.tag == "skipped":
                        outcome = "skipped"
                figures.tests.setdefault(file, {})[case.get("name", "?")] = outcome
        if done.returncode not in (0, 1):
            print(done.stdout[-3000:], done.stderr[-3000:], file=sys.stderr)
    return figures


def print_xss(figures: Figures) -> None:
    """XSS vectors tried, executions, and what became of the URL vectors."""
    pages = [r for r in figures.records if r["kind"] == "xss"]
    urls = [r for r in figures.records if r["kind"] == "xss-url"]
    print("Hostile content: tests/fixtures/courses/xss, every page opened in headless Chromium")
    for r in pages:
        print(f"  {r['context']:<28} {r['vectors']:>4} vectors  {r['executions']} executions")
    outcomes = Counter(r["outcome"] for r in urls)
    detail = ", ".join(f"{n} {what}" for what, n in sorted(outcomes.items()))
    print(f"  {'Markdown URL vectors':<28} {len(urls):>4} vectors  "
          f"{sum(r['executions'] for r in urls)} executions ({detail})")  # fmt: skip
    tried = sum(r["vectors"] for r in pages) + len(urls)
    executions = sum(r["executions"] for r in pages + urls)
    tests = figures.outcomes("test_hostile_content.py") + figures.outcomes("test_csp.py")
    print(f"XSS vectors tried: {tried}, executions: {executions} "
          f"(hostile-content and CSP tests: {tests['passed']} passed, {tests['failed']} failed)")  # fmt: skip


def print_faults(figures: Figures) -> None:
    """Fault scenarios passed, one line per scenario."""
    tests = figures.tests.get("test_lms_faults.py", {})
    passed = sum(outcome == "passed" for outcome in tests.values())
    print("LMS faults: the test LMS (scorm-again) failing on demand, and cpd-pack launch for xAPI")
    seen: dict[str, list[str]] = {}
    for r in figures.records:
        if r["kind"] == "fault":
            seen.setdefault(r["scenario"], []).append(r["format"])
    for scenario, formats in seen.items():
        print(f"  passed  {scenario} ({', '.join(formats)})")
    for name, outcome in tests.items():
        if outcome != "passed":
            print(f"  {outcome.upper():<7} {name}")
    print(f"Fault scenarios passed: {passed} of {len(tests)}")


def main() -> int:
    figures = run()
    print_xss(figures)
    print()
    print_faults(figures)
    print(f"\n({figures.seconds:.0f} s; pytest exit code {figures.exit_code})")
    return figures.exit_code


if __name__ == "__main__":
    raise SystemExit(main())
