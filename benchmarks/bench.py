"""Measure cpd-pack's build speed, memory and output sizes in one run, and print the figures.

Usage: .venv/bin/python benchmarks/bench.py [--runs N]

Targets (issue 2): the sample course in both SCORM formats <= 0.3 s from a cold CLI start; a
generated large course (50 units x 20 pages, 300 questions) <= 5 s and <= 250 MB; the runtime's
JS + CSS <= 40 KB gzipped. For scale: Adapt's build takes about 7 s for one format of a small
course on these machines, LiaScript's exporter about 3.5 s; Adapt ships about 480 KB of runtime.
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from cpd_pack.build import make_packages
from cpd_pack.render import adapter_source, render_site

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "course_source"
CLI = Path(sys.executable).parent / "cpd-pack"
FORMATS = ["-f", "scorm12", "-f", "scorm2004"]
PARAGRAPH = (
    "Counsellors notice how the working alliance grows from agreement on goals and tasks and "
    "from the bond between client and therapist. This paragraph is filler text for a benchmark "
    "course, repeated to give each page a realistic length of a few hundred words. "
)


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
        "units": unit_files,
        "quiz": {"shuffle": True, "questions": quiz},
    }
    (root / "course.yaml").write_text(yaml.safe_dump(course, sort_keys=False), encoding="utf-8")


def cold_cli(course: Path, out: Path, env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall time (s) and peak memory (MB) of one `cpd-pack build` in a fresh process."""
    start = time.perf_counter()
    command = [str(CLI), "build", str(course), *FORMATS, "-o", str(out)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"cpd-pack build {course} failed with status {status}")
    return elapsed, usage.ru_maxrss / 1024


def empty_temp(folder: Path) -> dict[str, str]:
    """An environment whose temp folder is the new, empty ``folder``."""
    folder.mkdir()
    return {**os.environ, "TMPDIR": str(folder)}


def in_process(course: Path, runs: int) -> float:
    """Median time (s) of an in-process build of both SCORM formats (after one warm-up)."""
    make_packages(course, ["scorm12", "scorm2004"])
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        make_packages(course, ["scorm12", "scorm2004"])
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def runtime_gzipped() -> dict[str, int]:
    """Gzipped bytes of what a package's browser runtime loads, per format."""
    site = render_site_for_sizes()
    base = b"".join(data for name, data in sorted(site.items()) if name.endswith((".js", ".css")))
    return {
        fmt: len(gzip.compress(base + adapter_source(fmt), 9, mtime=0))
        for fmt in ("scorm12", "scorm2004")
    }


def render_site_for_sizes() -> dict[str, bytes]:
    from cpd_pack.loader import load_course
    from cpd_pack.outline import build_outline
    from cpd_pack.validate import validate_course

    outline = build_outline(validate_course(load_course(SAMPLE)))
    return render_site(outline, SAMPLE)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="repetitions per timing (median)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        tmp = Path(temp)
        large = tmp / "large"
        make_large_course(large)
        cold_cli(SAMPLE, tmp / "warm")  # fill the OS file cache and .pyc files once
        # The very first build also compiles the templates into Jinja's bytecode cache (kept in
        # the temp folder): measure that too, each run with a new, empty temp folder.
        first_ever = statistics.median(
            cold_cli(SAMPLE, tmp / f"f{i}", empty_temp(tmp / f"c{i}"))[0] for i in range(3)
        )
        sample_runs = [cold_cli(SAMPLE, tmp / f"s{i}") for i in range(args.runs)]
        large_runs = [cold_cli(large, tmp / f"l{i}") for i in range(max(1, args.runs // 2))]
        sample_cold = statistics.median(t for t, _ in sample_runs)
        sample_mem = max(m for _, m in sample_runs)
        large_cold = statistics.median(t for t, _ in large_runs)
        large_mem = max(m for _, m in large_runs)
        sample_warm = in_process(SAMPLE, args.runs)
        large_warm = in_process(large, max(1, args.runs // 2))
        sizes = {
            p.name: p.stat().st_size
            for p in sorted((tmp / "s0").iterdir()) + sorted((tmp / "l0").iterdir())
        }
    runtime = runtime_gzipped()
    rows = [
        (
            "sample course, both SCORM formats, cold CLI (median)",
            f"{sample_cold:.3f} s",
            0.3,
            sample_cold,
        ),
        (
            "  the same with an empty template cache (median)",
            f"{first_ever:.3f} s",
            0.3,
            first_ever,
        ),
        ("sample course, both formats, in process (median)", f"{sample_warm:.3f} s", None, None),
        ("sample course, peak memory (cold CLI)", f"{sample_mem:.0f} MB", None, None),
        (
            "large course (50x20 pages, 300 questions), cold CLI",
            f"{large_cold:.3f} s",
            5.0,
            large_cold,
        ),
        ("large course, in process (median)", f"{large_warm:.3f} s", None, None),
        ("large course, peak memory (cold CLI)", f"{large_mem:.0f} MB", 250.0, large_mem),
    ]
    rows += [
        (f"runtime JS+CSS gzipped ({fmt})", f"{size / 1024:.1f} KB", 40.0, size / 1024)
        for fmt, size in runtime.items()
    ]
    print(f"cpd-pack benchmark (Python {sys.version.split()[0]}, {os.cpu_count()} CPUs)")
    for label, value, target, measured in rows:
        ratio = f"  target {target:g}: {measured / target:.2f} of it" if target else ""
        print(f"  {label:<58} {value:>10}{ratio}")
    print("  zip sizes:")
    for name, size in sizes.items():
        print(f"    {name:<55} {size / 1024:>8.1f} KB")
    print(
        f"  ratios: Adapt (7 s, one format) / cpd-pack sample cold = {7 / sample_cold:.0f}x; "
        f"LiaScript (3.5 s) / cpd-pack = {3.5 / sample_cold:.0f}x; "
        f"Adapt runtime (480 KB) / cpd-pack = {480 / (max(runtime.values()) / 1024):.0f}x"
    )


if __name__ == "__main__":
    main()
