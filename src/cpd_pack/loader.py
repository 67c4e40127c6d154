"""Stage 1: read the course's YAML files into plain data, keeping where every value came from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cpd_pack.exceptions import CourseError, Problem

COURSE_FILE = "course.yaml"
SAFE_PATH = re.compile(r"[A-Za-z0-9._/-]+")

Path_ = tuple[str | int, ...]
# libyaml's parser is ten times faster and keeps the same marks; fall back when it is absent.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_COLON_HINT = " (a value that contains ': ' must be put in quotes, or written as a '|' block)"
YAML_HINTS = {  # the wording differs between libyaml and PyYAML's own parser
    "mapping values are not allowed in this context": _COLON_HINT,
    "mapping values are not allowed here": _COLON_HINT,
}


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
    """Format a data path as ``units[1].pages[0].title``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
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


def _walk(
    node: yaml.Node, file: str, prefix: Path_, locs: Locations, problems: list[Problem]
) -> None:
    """Record the position of every mapping key and sequence item under ``node``."""
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            key = key_node.value
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
            _walk(value_node, file, path, locs, problems)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            mark = item.start_mark
            path = (*prefix, index)
            locs.places[path] = Location(file, mark.line + 1, mark.column + 1)
            _walk(item, file, path, locs, problems)


def _read_yaml(
    path: Path, display: str, prefix: Path_, locs: Locations, problems: list[Problem]
) -> Any:
    """Parse one YAML file; record locations under ``prefix``. Returns None on a syntax error."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(display, 1, 1, "", f"not UTF-8 text ({exc.reason})"))
        return None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        hint = YAML_HINTS.get(str(exc.problem), "")
        problems.append(Problem(display, line, col, "", f"invalid YAML: {exc.problem}{hint}"))
        return None
    finally:
        loader.dispose()
    locs.roots[display] = prefix
    locs.places[prefix] = Location(display, 1, 1)
    if node is not None:
        _walk(node, display, prefix, locs, problems)
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
    target = (root / rel).resolve()
    if not target.is_relative_to(root.resolve()):
        return f"must stay inside the course folder; found {rel!r}"
    if not target.is_file():
        return f"file not found: {rel!r}"
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
        for index, unit in enumerate(units):
            if not isinstance(unit, str):
                continue
            target = resolve_inside(root, unit)
            if isinstance(target, str):
                problems.append(locs.problem(("units", index), target))
                units[index] = {}
            else:
                units[index] = _read_yaml(
                    target, _display(root, unit), ("units", index), locs, problems
                )
            if units[index] is None or isinstance(target, str):
                broken.append(("units", index))
    return RawCourse(root, data, locs, problems, broken)
