"""Every input, property-tested: mutated copies of valid courses build, or fail cleanly.

Each case copies a valid course (tests/fixtures/courses/mini or course_source) and applies one to
three mutations: a YAML value replaced by another type, a huge, empty or odd string, or a file
reference (missing, cyclic, outside); a key deleted, added or dedented; a list item deleted or
duplicated (duplicate ids, aliases), a value made to contain itself (an alias loop) or an alias
bomb; the text of a file broken (bytes, control characters, tabs, truncation); a file deleted,
emptied, filled with random bytes, or replaced by a symlink out of the folder, a symlink loop
or a folder. The property: the case builds every format, or raises CourseError / BuildError
whose lines have the documented shapes (see cpd_pack.exceptions); one case in ten goes through
the CLI into an empty folder, which must stay empty after a failure.

Each test runs two shards with fixed seeds and no example database, one per core, so CI sees
the same cases every time; ``benchmarks/robustness.py`` runs 10,000 with other seeds.
"""

from __future__ import annotations

import copy
import io
import multiprocessing
import re
import shutil
import tempfile
import traceback
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from cpd_pack.build import make_packages
from cpd_pack.cli import cli
from cpd_pack.exceptions import (
    BUILD_ERROR_LINE,
    PROBLEM_LINE,
    BuildError,
    CourseError,
    CourseWarning,
)
from cpd_pack.packagers import FORMATS

REPO = Path(__file__).parent.parent
SOURCES = {
    "mini": REPO / "tests" / "fixtures" / "courses" / "mini",
    "sample": REPO / "course_source",
}
SUMMARY = re.compile(
    r"^\d+ problems? found( \(\d+ warnings?(, errors with --strict)?\))?; nothing was written\.$"
)
ODD_TEXT = [
    "", " ", "x" * 100_000, "#1 Welcome", "<b>bold</b> <script>alert(1)</script>", "\x00\x01\x7f",
    "a\u2028b\x85c", "\ud7ff\ufffd\U0010ffff", "éàü 日本語 مرحبا 🙂", "../outside.png", "/etc/passwd",
    "media/square.png", "media/hello.md", "media/hello.wav", "pages/learning.md",
    "units/01-start.yaml", "course.yaml", "media", "0.7", "true", "[unclosed", "*alias", "{a: b}",
]  # fmt: skip
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(ODD_TEXT),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
garbage = st.one_of(
    st.binary(max_size=64),
    st.text(max_size=20).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.sampled_from(
        [b"\x00", b"\t", b"\xff\xfe", b": ", b"- ", b"#", b"&a [*a]", b"\n  ", b"\xef\xbb\xbf"]
    ),
)


def _paths(doc: Any) -> list[tuple[Any, ...]]:
    """Every path in ``doc``, visiting a shared (aliased) or recursive container once."""
    found: list[tuple[Any, ...]] = []
    seen: set[int] = set()
    stack: list[tuple[Any, tuple[Any, ...]]] = [(doc, ())]
    while stack:
        node, prefix = stack.pop()
        found.append(prefix)
        if isinstance(node, dict | list) and id(node) not in seen:
            seen.add(id(node))
            items = node.items() if isinstance(node, dict) else enumerate(node)
            stack.extend((value, (*prefix, key)) for key, value in items)
    return found


def _get(node: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        node = node[part]
    return node


def _mutate_data(data: st.DataObject, doc: Any) -> tuple[Any, str]:
    """One structural change to parsed YAML ``doc``."""
    paths = _paths(doc)
    path = data.draw(st.sampled_from(paths))
    kind = data.draw(
        st.sampled_from(["replace", "delete", "duplicate", "add", "copy", "dedent", "loop", "bomb"])
    )
    if not path:
        return (data.draw(values) if kind == "replace" else doc), f"{kind} root"
    parent, key = _get(doc, path[:-1]), path[-1]
    if kind == "replace":
        parent[key] = data.draw(values)
    elif kind == "delete":
        del parent[key]
    elif kind == "duplicate" and isinstance(parent, list):
        parent.insert(key, copy.deepcopy(parent[key]) if data.draw(st.booleans()) else parent[key])
    elif kind == "add" and isinstance(parent, dict):
        parent[
            data.draw(st.text(max_size=10) | st.sampled_from(["id", "title", "blocks", "prompt"]))
        ] = data.draw(values)
    elif kind == "copy":  # another value from the same file: duplicate ids, misplaced mappings
        parent[key] = copy.deepcopy(_get(doc, data.draw(st.sampled_from(paths))))
    elif kind == "loop" and isinstance(parent, list | dict):  # an alias inside its own anchor
        parent[key] = parent
    elif kind == "bomb":  # shared lists: YAML aliases that expand to 10**levels values
        bomb: list[Any] = ["lol"]
        for _ in range(data.draw(st.sampled_from([1, 2, 3, 7, 9]))):
            bomb = [bomb] * 10
        parent[key] = bomb
    elif kind == "dedent" and len(path) >= 2 and isinstance(_get(doc, path[:-2]), dict):
        grand = _get(doc, path[:-2])
        if isinstance(parent, dict) and isinstance(key, str):
            grand[key] = parent.pop(key)
    return doc, f"{kind} {path!r}"


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def mutate(data: st.DataObject, root: Path, outside: Path) -> list[str]:
    """Apply one to three mutations to the course copy at ``root``; describe them."""
    done = []
    for _ in range(data.draw(st.integers(1, 3))):
        files = _files(root)
        if not files:
            break
        target = data.draw(st.sampled_from(files))
        rel = target.relative_to(root).as_posix()
        kind = data.draw(st.sampled_from(["data", "data", "data", "text", "file"]))
        if kind == "data" and target.suffix == ".yaml":
            try:
                doc = yaml.load(target.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
            except (yaml.YAMLError, UnicodeDecodeError, RecursionError):
                continue
            doc, what = _mutate_data(data, doc)
            text = yaml.dump(doc, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False)
            target.write_text(text, encoding="utf-8")
            done.append(f"{rel}: {what}")
        elif kind in ("data", "text"):
            raw = target.read_bytes()
            at = data.draw(st.integers(0, len(raw)))
            cut = data.draw(st.integers(0, min(8, len(raw) - at)))
            insert = data.draw(garbage) if data.draw(st.booleans()) else b""
            target.write_bytes(raw[:at] + insert + raw[at + cut :])
            done.append(f"{rel}: bytes {at}..{at + cut} -> {insert!r}")
        else:
            action = data.draw(
                st.sampled_from(
                    ["delete", "empty", "random", "symlink-out", "loop", "folder", "case"]
                )
            )
            target.unlink()
            if action == "empty":
                target.write_bytes(b"")
            elif action == "random":
                target.write_bytes(data.draw(st.binary(max_size=256)))
            elif action == "symlink-out":
                target.symlink_to(
                    outside / data.draw(st.sampled_from(["secret.png", "secret.yaml"]))
                )
            elif action == "loop":
                target.symlink_to(target.name)
            elif action == "folder":
                target.mkdir()
            elif action == "case":
                target.with_name(target.name.upper()).write_bytes(b"moved")
            done.append(f"{rel}: {action}")
    return done


def problems_in(exc: CourseError | BuildError, root: Path) -> list[str]:
    """What is wrong with the shape of ``exc``'s message (empty when all is well)."""
    lines = exc.message.split("\n")
    if isinstance(exc, BuildError):
        return (
            []
            if len(lines) == 1 and BUILD_ERROR_LINE.match(lines[0])
            else [f"build error shape: {exc.message!r}"]
        )
    wrong = [] if SUMMARY.match(lines[-1]) else [f"summary: {lines[-1]!r}"]
    for line, problem in zip(lines[:-1], exc.problems, strict=True):
        found = PROBLEM_LINE.match(line)
        if not found or not found["file"].startswith(root.as_posix() + "/"):
            wrong.append(f"shape: {line!r}")
            continue
        if int(found["line"]) < 1 or int(found["column"]) < 1:
            wrong.append(f"position: {line!r}")
        if (": warning: " in line or found["rest"].startswith("warning: ")) != isinstance(
            problem, CourseWarning
        ):
            wrong.append(f"warning marker: {line!r}")
        source = Path(found["file"])
        if source.is_file() and not source.is_symlink():
            count = len(source.read_bytes().split(b"\n"))
            if int(found["line"]) > count:
                wrong.append(f"line {found['line']} beyond the {count} lines of the file: {line!r}")
    return wrong


def check_case(root: Path, out: Path | None) -> str | None:
    """Build the course at ``root`` (through the CLI into ``out`` when given); None when fine."""
    if out is not None:
        result = CliRunner().invoke(cli, ["build", str(root), "--out", str(out)])
        if result.exit_code == 0:
            return (
                None if len(list(out.iterdir())) == len(FORMATS) else "CLI build wrote too few zips"
            )
        if result.exit_code != 1 or not isinstance(result.exception, SystemExit):
            detail = (
                "".join(traceback.format_exception(result.exception)) if result.exception else ""
            )
            return f"CLI exit {result.exit_code}: {result.stderr[-2000:]}{detail[-3000:]}"
        if out.exists() and any(out.iterdir()):
            return f"a failed build wrote {sorted(p.name for p in out.iterdir())}"
        lines = result.stderr.removeprefix("Error: ").rstrip("\n").split("\n")
        if not all(
            PROBLEM_LINE.match(line) or SUMMARY.match(line) or BUILD_ERROR_LINE.match(line)
            for line in lines
        ):
            return f"CLI output shape: {result.stderr[-2000:]!r}"
        return None
    try:
        packages = make_packages(root, FORMATS)
    except (CourseError, BuildError) as exc:
        wrong = problems_in(exc, root)
        return "; ".join(wrong) + f"\n{exc.message[:3000]}" if wrong else None
    except Exception:
        return traceback.format_exc()[-4000:]
    for package in packages:
        with zipfile.ZipFile(io.BytesIO(package.data)) as archive:
            if "index.html" not in archive.namelist():
                return f"broken zip {package.filename}"
    return None


def run_case(
    data: st.DataObject, base: Path, name: str, use_cli: bool
) -> tuple[str | None, list[str]]:
    """Copy ``name`` under ``base``, mutate it and check it; (failure or None, mutations)."""
    with tempfile.TemporaryDirectory(dir=base) as folder:
        work = Path(folder)
        root = work / "course"
        shutil.copytree(SOURCES[name], root, symlinks=True)
        outside = work / "outside"
        outside.mkdir()
        (outside / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\n")
        (outside / "secret.yaml").write_text("title: Secret\npages: []\n")
        done = mutate(data, root, outside)
        return check_case(root, work / "dist" / "out" if use_cli else None), done


FUZZ = settings(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
"""No database and a fixed seed per shard: CI runs the same cases every time."""


def shard(name: str, examples: int, seed_: int) -> str | None:
    """Run ``examples`` cases of course ``name`` from ``seed_``; the failure report, or None."""
    with tempfile.TemporaryDirectory() as folder:

        @seed(seed_)
        @settings(FUZZ, max_examples=examples)
        @given(data=st.data())
        def case(data: st.DataObject) -> None:
            use_cli = data.draw(st.integers(0, 9)) == 0
            failure, done = run_case(data, Path(folder), name, use_cli)
            assert failure is None, f"{done}\n{failure}"

        try:
            case()
        except Exception as exc:  # hypothesis has shrunk it; its notes hold the draws
            return "".join(traceback.format_exception(exc))
    return None


@pytest.mark.parametrize(("name", "examples"), [("mini", 1000), ("sample", 100)])
def test_any_mutation_builds_or_fails_cleanly(name: str, examples: int) -> None:
    """Two shards of ``examples`` cases each, one per core."""
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        reports = list(pool.map(shard, [name, name], [examples, examples], [1, 2]))
    assert reports == [None, None], "\n".join(report for report in reports if report)
