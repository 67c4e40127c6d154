"""Which ids must be unique across a course, and how an id is made when the author gives none.

One table, :data:`SCOPES`, serves both the validator (on the typed model) and the JSON
Schema's ``uniqueIds`` keyword (on the parsed YAML), so the two cannot drift apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, is_dataclass
from typing import Any

Path_ = tuple[str | int, ...]


def slugify(text: str, prefix: str = "p") -> str:
    """Make a stable id from a title: lowercase words joined by hyphens, at most 40 characters."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40].strip("-")
    if not slug or not slug[0].isalpha():
        slug = f"{prefix}-{slug}".strip("-")[:40].strip("-")
    return slug


@dataclass(frozen=True)
class Scope:
    """Objects whose ids share one namespace: where they are and how an absent id is made."""

    kind: str
    paths: tuple[tuple[str, ...], ...]
    """Where the objects are: keys, with ``*`` for every item of a list."""
    fallback: str
    """``title`` (a slug of the title), ``position`` (``s`` and the 1-based position) or ``none``."""
    prefix: str = "p"


UNIT = Scope("unit", (("units", "*"),), "title", "unit")
PAGE = Scope("page", (("units", "*", "pages", "*"),), "title", "page")
SCOPES = (
    UNIT,
    PAGE,
    Scope(
        "question",
        (
            ("units", "*", "pages", "*", "blocks", "*", "knowledge_check"),
            ("quiz", "questions", "*"),
        ),
        "none",
    ),
    Scope("statement", (("self_assessment", "statements", "*"),), "position"),
)


def unit_key(unit: Any) -> str:
    """The unit's id, or one made from its title."""
    return str(unit.id or slugify(unit.title, UNIT.prefix))


def page_key(page: Any) -> str:
    """The page's id, or one made from its title."""
    return str(page.id or slugify(page.title, PAGE.prefix))


def _get(node: Any, key: str) -> Any:
    if isinstance(node, dict):
        return node.get(key)
    return getattr(node, key, None) if is_dataclass(node) else None


def _walk(node: Any, keys: tuple[str, ...], path: Path_ = ()) -> Iterator[tuple[Path_, Any, int]]:
    """Each object at ``keys`` under ``node``, with its path and its position in its list."""
    if not keys:
        yield path, node, path[-1] if path and isinstance(path[-1], int) else 0
        return
    key, rest = keys[0], keys[1:]
    if key == "*":
        if isinstance(node, list | tuple):
            for index, item in enumerate(node):
                yield from _walk(item, rest, (*path, index))
    elif (child := _get(node, key)) is not None:
        yield from _walk(child, rest, (*path, key))


def _key(scope: Scope, node: Any, position: int) -> tuple[str, str] | None:
    """The object's id and the field it comes from, or None if it has none to compare."""
    given = _get(node, "id")
    if isinstance(given, str) and given:
        return given, "id"
    title = _get(node, "title")
    if scope.fallback == "title" and isinstance(title, str) and title.strip():
        return slugify(title, scope.prefix), "title"
    if scope.fallback == "position":
        return f"s{position + 1}", ""
    return None


def duplicates(
    course: Any, scopes: tuple[Scope, ...] = SCOPES
) -> Iterator[tuple[Path_, str, Path_]]:
    """Each reuse of an id as (its path, the message's start, the first use's path).

    ``course`` is the typed model or the parsed YAML (with unit files read in place).
    """
    for scope in scopes:
        seen: dict[str, Path_] = {}
        for keys in scope.paths:
            for path, node, position in _walk(course, keys):
                found = _key(scope, node, position)
                if found is None:
                    continue
                key, field = found
                where = (*path, field) if field else path
                if key not in seen:
                    seen[key] = where
                    continue
                made = " made from the title" if field == "title" else ""
                yield where, f"duplicate {scope.kind} id {key!r}{made}", seen[key]


def schema_keyword() -> dict[str, Any]:
    """The value of the JSON Schema's ``uniqueIds`` keyword: :data:`SCOPES` as data."""
    return {
        scope.kind: {
            "paths": ["/".join(keys) for keys in scope.paths],
            "fallback": scope.fallback,
            **({"prefix": scope.prefix} if scope.fallback == "title" else {}),
        }
        for scope in SCOPES
    }


def scopes_from_keyword(value: dict[str, Any]) -> tuple[Scope, ...]:
    """The scopes a ``uniqueIds`` keyword value describes (the inverse of :func:`schema_keyword`)."""
    return tuple(
        Scope(
            kind,
            tuple(tuple(path.split("/")) for path in spec["paths"]),
            spec["fallback"],
            spec.get("prefix", "p"),
        )
        for kind, spec in value.items()
    )
