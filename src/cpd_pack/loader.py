"""Stage 1: read the course's YAML files into plain data, keeping where every value came from.

Files are read as UTF-8 and parsed with YAML's safe loader only. Characters YAML cannot hold,
values nested implausibly deep and aliases that expand a file past :data:`MAX_VALUES` are
refused, with the line and column, before any Python object is built.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cpd_pack.exceptions import CourseError, Problem
from cpd_pack.warnings import similar_file

COURSE_FILE = "course.yaml"
SAFE_PATH = re.compile(r"[A-Za-z0-9._/-]+")
MAX_DEPTH = 64
"""Deepest nesting of YAML values accepted (a course needs about ten levels)."""
MAX_VALUES = 1_000_000
"""Most values a file may expand to through aliases (``*name``) beyond what it spells out."""

Path_ = tuple[str | int, ...]
# libyaml's parser is ten times faster and keeps the same marks; fall back when it is absent.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_COLON_HINT = " (a value that contains ': ' must be put in quotes, or written as a '|' block)"
_TAB_HINT = " (YAML indents with spaces only; replace the tab with spaces)"
YAML_HINTS = {  # the wording differs between libyaml and PyYAML's own parser
    "mapping values are not allowed in this context": _COLON_HINT,
    "mapping values are not allowed here": _COLON_HINT,
    "found character '\\t' that cannot start any token": _TAB_HINT,
}
# Characters YAML 1.1 does not allow in a stream (it allows tab, LF, CR, NEL and printable text),
# spelt out: the complement of what it allows takes milliseconds to compile.
_NOT_YAML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_AMPERSAND = re.compile(r"&[^\s\[\]{},]")


@dataclass(frozen=True)
class Location:
    """A position in a source file (1-based line and column)."""

    file: str
    line: int
    column: int


@dataclass
class Locations:
    """Maps a data path (keys and indexes) to the place in the YAML it was read from."""

    places: dict[Path_, Location] = field(default_factory=dict)
    roots: dict[str, Path_] = field(default_factory=dict)
    comments: dict[Path_, str] = field(default_factory=dict)
    """Values YAML read as empty because a ``#`` started a comment: path -> the comment."""

    def find(self, path: Path_) -> tuple[Location, str]:
        """Return the closest known location of ``path`` and the field path relative to its file."""
        for end in range(len(path), -1, -1):
            place = self.places.get(tuple(path[:end]))
            if place is not None:
                break
        else:  # pragma: no cover - the root is always known
            raise KeyError(path)
        root = self.roots.get(place.file, ())
        return place, format_path(path[len(root) :])

    def problem(self, path: Path_, message: str) -> Problem:
        """Build a :class:`Problem` for ``path``."""
        place, dotted = self.find(path)
        return Problem(place.file, place.line, place.column, dotted, message)


def format_path(path: Path_) -> str:
    """Format a data path as ``units[1].pages[0].title`` (odd keys quoted: ``['my key']``)."""
    out = ""
    for part in path:
        if isinstance(part, str) and _KEY.fullmatch(part):
            out += f".{part}" if out else part
        else:
            out += f"[{part!r}]"
    return out


@dataclass(frozen=True)
class RawCourse:
    """The course as plain data plus where each value came from."""

    root: Path
    data: dict[str, Any]
    locations: Locations
    problems: list[Problem] = field(default_factory=list)
    """Problems found while reading (a unit file missing or unreadable)."""
    broken: list[Path_] = field(default_factory=list)
    """Data paths whose source could not be read; validation ignores them."""


def _display(root: Path, rel: str) -> str:
    return (root / rel).as_posix()


def _where(text: str, index: int) -> tuple[int, int]:
    """The 1-based line and column of ``text[index]``."""
    return text.count("\n", 0, index) + 1, index - text.rfind("\n", 0, index)


def read_text(path: Path, display: str) -> str | Problem:
    """Read a UTF-8 text file; a :class:`Problem` at the first byte that is not UTF-8."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return Problem(display, 1, 1, "", f"cannot be read: {exc.strerror or exc}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return Problem(display, 1, 1, "", "not UTF-8 text: the file is saved as UTF-16; "
                           "save it as UTF-8")  # fmt: skip
        start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        column = len(data[start : exc.start].decode("utf-8")) + 1
        return Problem(
            display, line, column, "",
            f"not UTF-8 text: byte 0x{data[exc.start]:02X} cannot be read ({exc.reason}); "
            "save the file as UTF-8 (in most editors: Save As, Encoding: UTF-8)",
        )  # fmt: skip


def bad_character(text: str, display: str) -> Problem | None:
    """A :class:`Problem` at the first character YAML does not allow (NUL, other controls)."""
    found = _NOT_YAML.search(text)
    if found is None:
        return None
    line, column = _where(text, found.start())
    code = ord(found.group())
    kind = "control character" if code < 0x20 or 0x7F <= code <= 0x9F else "character"
    escape = f"\\x{code:02X}" if code < 0x100 else f"\\u{code:04X}"
    return Problem(
        display, line, column, "",
        f"invalid YAML: {kind} U+{code:04X} is not allowed; delete it (most editors do not "
        f'show it), or write it as "{escape}" inside a double-quoted value',
    )  # fmt: skip


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


class _Refused(Exception):
    """Stops reading a file whose shape is refused (see :func:`_walk`)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def _anchored(text: str) -> bool:
    """Whether ``text`` may hold a YAML anchor (``&name`` where a value starts)."""
    return any(
        not m.start() or text[m.start() - 1] in " \t\r\n[{," for m in _AMPERSAND.finditer(text)
    )


def _too_deep(display: str, node: yaml.Node) -> Problem:
    mark = node.start_mark
    return Problem(display, mark.line + 1, mark.column + 1, "", f"invalid YAML: values are "
                   f"nested more than {MAX_DEPTH} levels deep here; check the indentation and "
                   "the brackets")  # fmt: skip


def _shape_problem(root: yaml.Node, display: str) -> Problem | None:
    """Refuse alias loops and aliases that expand past :data:`MAX_VALUES`, and deep nesting."""
    sizes: dict[int, int] = {}
    active: set[int] = set()
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    shared: yaml.Node | None = None

    def at(node: yaml.Node, message: str) -> Problem:
        mark = node.start_mark
        return Problem(display, mark.line + 1, mark.column + 1, "", f"invalid YAML: {message}")

    while stack:
        node, depth, done = stack.pop()
        key = id(node)
        if done:
            active.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            continue
        if key in sizes:
            shared = shared or (node if _children(node) else None)
            continue
        if key in active:
            return at(
                node, "an alias (*name) refers to the value that contains it; remove the loop"
            )
        if depth > MAX_DEPTH and isinstance(node, yaml.CollectionNode):
            return _too_deep(display, node)
        active.add(key)
        stack.append((node, depth, True))
        stack.extend((child, depth + 1, False) for child in _children(node))
    total = sizes[id(root)]
    if shared is not None and total > len(sizes) + MAX_VALUES:
        return at(shared, f"aliases (*name) expand this file to {total:,} values; write the "
                  f"repeated values out, or use fewer aliases (at most {MAX_VALUES:,} more values)")  # fmt: skip
    return None


def _comment_after(lines: list[str], mark: yaml.Mark, node: yaml.Node) -> str | None:
    """The comment that left ``node`` empty, when it follows ``mark`` on the same line."""
    if not (isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null") and not node.value):
        return None
    if mark.line >= len(lines) or node.start_mark.line != mark.line:
        return None
    rest = lines[mark.line][mark.column :].lstrip(":").strip()
    return rest if rest.startswith("#") else None


def _walk(
    node: yaml.Node,
    file: str,
    prefix: Path_,
    locs: Locations,
    problems: list[Problem],
    lines: list[str],
    depth: int = 1,
) -> None:
    """Record the position of every mapping key and sequence item under ``node``.

    Raises :class:`_Refused` on values nested deeper than :data:`MAX_DEPTH`.
    """
    if depth > MAX_DEPTH and isinstance(node, yaml.CollectionNode):
        raise _Refused(_too_deep(file, node))
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else id(key_node)
            mark = key_node.start_mark
            path = (*prefix, key)
            if key in seen:
                problems.append(
                    Problem(
                        file, mark.line + 1, mark.column + 1, format_path(path), "duplicate key"
                    )
                )
            seen.add(key)
            locs.places[path] = Location(file, mark.line + 1, mark.column + 1)
            comment = _comment_after(lines, key_node.end_mark, value_node)
            if comment is not None:
                locs.comments[path] = comment
            _walk(value_node, file, path, locs, problems, lines, depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            mark = item.start_mark
            path = (*prefix, index)
            locs.places[path] = Location(file, mark.line + 1, mark.column + 1)
            comment = _comment_after(lines, mark, item)
            if comment is not None:
                locs.comments[path] = comment
            _walk(item, file, path, locs, problems, lines, depth + 1)


def _parse(text: str, display: str) -> tuple[yaml.Node | None, Any] | Problem:
    """Parse one YAML document: its node tree and its data, or the first problem."""
    bad = bad_character(text, display)
    if bad is not None:
        return bad
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        # Aliases need anchors: a file without one cannot loop or expand (depth: see _walk).
        shape = _shape_problem(node, display) if node is not None and _anchored(text) else None
        if shape is not None:
            return shape
        return node, (loader.construct_document(node) if node is not None else None)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        hint = YAML_HINTS.get(str(exc.problem), "")
        if not hint and mark and text[mark.index : mark.index + 1] == "\t":
            hint = _TAB_HINT
        return Problem(display, line, col, "", f"invalid YAML: {exc.problem}{hint}")
    except (yaml.YAMLError, ValueError, RecursionError) as exc:  # ValueError: int too long
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if "integer string conversion" in message:
            message = "a number has more than 4300 digits; put it in quotes if it is text"
        return Problem(display, 1, 1, "", f"invalid YAML: {message}")
    finally:
        loader.dispose()


def _read_yaml(
    path: Path, display: str, prefix: Path_, locs: Locations, problems: list[Problem]
) -> Any:
    """Parse one YAML file; record locations under ``prefix``. Returns None on a problem."""
    text = read_text(path, display)
    if isinstance(text, Problem):
        problems.append(text)
        return None
    parsed = _parse(text, display)
    if isinstance(parsed, Problem):
        problems.append(parsed)
        return None
    node, data = parsed
    locs.roots[display] = prefix
    locs.places[prefix] = Location(display, 1, 1)
    if node is not None:
        try:
            _walk(node, display, prefix, locs, problems, text.splitlines())
        except _Refused as refused:
            problems.append(refused.problem)
            return None
    return data


def resolve_inside(root: Path, rel: str) -> Path | str:
    """Resolve ``rel`` inside ``root``; return the path, or a message saying what is wrong."""
    if not rel.strip():
        return "must name a file; found an empty path"
    if rel.startswith(("/", "\\")) or Path(rel).is_absolute() or ":" in rel.split("/")[0]:
        return f"must be a path relative to the course folder; found {rel!r}"
    if not SAFE_PATH.fullmatch(rel):
        return (
            "file paths may use only letters, digits, '.', '-', '_' and '/' "
            f"(packages are unzipped and served by many different LMSs); found {rel!r}"
        )
    try:
        target = (root / rel).resolve()
        if not target.is_relative_to(root.resolve()):
            return f"must stay inside the course folder; found {rel!r}"
        if not target.is_file():
            other = similar_file(root, rel)
            hint = f"; did you mean {other!r}?" if other else ""
            return f"file not found: {rel!r}{hint}"
        if not os.access(target, os.R_OK):
            return f"cannot be read (permission denied): {rel!r}"
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop
        return f"cannot be read: {rel!r} ({exc})"
    return target


def _unit_problem(root: Path, rel: str, seen: dict[Path, int]) -> Path | str:
    """Resolve a unit file, refusing the course file itself and files listed twice."""
    target = resolve_inside(root, rel)
    if isinstance(target, str):
        return target
    if target == (root / COURSE_FILE).resolve():
        return f"{rel!r} is the course file itself; list unit files here"
    if target in seen:
        return f"{rel!r} is listed already as units[{seen[target]}]; list each unit file once"
    return target


def load_course(course_dir: str | Path) -> RawCourse:
    """Read ``course.yaml`` and every unit file it lists. Raises :class:`CourseError`."""
    root = Path(course_dir)
    course_path = root / COURSE_FILE
    display = _display(root, COURSE_FILE)
    if not course_path.is_file():
        raise CourseError(
            [Problem(display, 1, 1, "", "file not found (a course folder needs one)")]
        )
    locs = Locations()
    problems: list[Problem] = []
    broken: list[Path_] = []
    data = _read_yaml(course_path, display, (), locs, problems)
    if problems:
        raise CourseError(problems)
    if not isinstance(data, dict):
        found = type(data).__name__ if data is not None else "an empty file"
        raise CourseError(
            [Problem(display, 1, 1, "", f"expected a mapping of keys; found {found}")]
        )
    units = data.get("units")
    if isinstance(units, list):
        seen: dict[Path, int] = {}
        for index, unit in enumerate(units):
            if not isinstance(unit, str):
                continue
            target = _unit_problem(root, unit, seen)
            if isinstance(target, str):
                problems.append(locs.problem(("units", index), target))
                units[index] = None
                broken.append(("units", index))
                continue
            seen[target] = index
            unit_display = _display(root, unit)
            before = len(problems)
            units[index] = _read_yaml(target, unit_display, ("units", index), locs, problems)
            if units[index] is None:
                if len(problems) == before:
                    problems.append(Problem(unit_display, 1, 1, "", "the unit file is empty; "
                                            "a unit needs a 'title' and 'pages'"))  # fmt: skip
                broken.append(("units", index))
    return RawCourse(root, data, locs, problems, broken)
