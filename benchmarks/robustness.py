"""Measure how cpd-pack stands up to hostile and broken input (issue 8); one line per figure.

Usage: .venv/bin/python benchmarks/robustness.py [--examples N] [--seed S] [--jobs J]

* fuzz: N mutated copies of the test courses (nine in ten tests/fixtures/courses/mini, one in
  ten course_source; one in ten built through the CLI), made by the mutations of
  tests/test_fuzz.py. A case passes when it builds every format, or fails with CourseError /
  BuildError lines of the documented shapes and writes nothing. Prints the cases run and the
  failures, then the first few failures in full. Runs J processes, each with its own seed.

Each measurement is a function returning its lines; ``main`` prints them in order.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

import test_fuzz  # noqa: E402  (tests/ is not a package)


def _fuzz_worker(examples: int, worker_seed: int) -> tuple[int, list[str]]:
    """Run ``examples`` cases; return how many ran and a description of each failure."""
    ran = 0
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)

        @seed(worker_seed)
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(data=st.data())
        def case(data: st.DataObject) -> None:
            nonlocal ran
            name = data.draw(st.sampled_from(["mini"] * 9 + ["sample"]))
            use_cli = data.draw(st.integers(0, 9)) == 0
            try:
                failure, done = test_fuzz.run_case(data, base, name, use_cli)
            except Exception as exc:  # the harness itself must not stop the count
                failure, done = f"harness: {exc!r}", []
            ran += 1  # only cases that ran to the end (hypothesis drops those out of data)
            if failure is not None:
                failures.append(f"{name}: {done}\n{failure}")

        case()
    return ran, failures


def fuzz(examples: int, first_seed: int, jobs: int) -> list[str]:
    """Fuzz cases run and failures, split over ``jobs`` processes."""
    jobs = max(1, min(jobs, examples))
    shares = [examples // jobs + (i < examples % jobs) for i in range(jobs)]
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(_fuzz_worker, shares, range(first_seed, first_seed + jobs)))
    ran = sum(count for count, _ in results)
    failures = [failure for _, found in results for failure in found]
    elapsed = time.perf_counter() - started
    lines = [
        f"fuzz cases run: {ran} ({elapsed:.0f} s, seeds {first_seed}..{first_seed + jobs - 1})",
        f"fuzz failures: {len(failures)}",
    ]
    for failure in failures[:3]:
        lines.extend("    " + line for line in failure.splitlines()[:40])
    return lines


def main(argv: list[str] | None = None) -> int:
    """Print one line per measurement; exit 1 when any fuzz case failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=10_000, help="fuzz cases (10000)")
    parser.add_argument("--seed", type=int, default=8, help="seed of the first process (8)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes")
    parser.add_argument("--no-browser", action="store_true", help="fuzz figures only")
    args = parser.parse_args(argv)
    lines = fuzz(args.examples, args.seed, args.jobs)
    for line in lines:
        print(line, flush=True)
    failed = any(line.startswith("fuzz failures: ") and not line.endswith(": 0") for line in lines)
    if not args.no_browser:  # XSS vectors and LMS faults, from the browser tests that prove them
        from robustness_runtime import print_faults, print_xss, run

        figures = run()
        print_xss(figures)
        print_faults(figures)
        failed = failed or figures.exit_code != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
