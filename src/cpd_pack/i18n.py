"""Interface text: one message catalogue per language (``messages/<lang>.yaml``).

The course's ``language`` picks the catalogue (``fr-CA`` uses ``fr``); ``interface:`` in
course.yaml overrides single entries. Templates call ``t(key, **params)``; the player gets the
whole resolved catalogue in its data island and formats counts with ``Intl.PluralRules``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

REFERENCE = "en"
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")

Entry = str | dict[str, str] | list[str]
MESSAGES = Path(__file__).parent / "messages"
"""The shipped catalogues (package data, a plain folder: cpd-pack is never run from a zip)."""


def available() -> tuple[str, ...]:
    """The languages with a shipped catalogue, e.g. ``('cy', 'de', 'en', 'es', 'fr')``."""
    folder = MESSAGES
    return tuple(sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml")))


@cache
def load(lang: str) -> dict[str, Entry]:
    """The shipped catalogue for a primary language subtag (``KeyError`` when there is none)."""
    path = MESSAGES / f"{lang}.yaml"
    if not path.is_file():
        raise KeyError(lang)
    # libyaml's loader when pyyaml has it: about ten times faster than the pure-Python one
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    return {str(k): v for k, v in data.items()}


def catalogue_for(language: str) -> str | None:
    """The catalogue a language tag uses (``'fr'`` for ``'fr-CA'``), or None if none is shipped."""
    primary = language.split("-")[0].lower()
    return primary if primary in available() else None


def placeholders(entry: Entry) -> set[str]:
    """The ``{names}`` an entry uses (in any of its plural forms)."""
    texts = (
        entry.values() if isinstance(entry, dict) else entry if isinstance(entry, list) else [entry]
    )
    return {name for text in texts for name in PLACEHOLDER.findall(str(text))}


def override_problem(key: str, text: str) -> str | None:
    """Why ``interface: {key: text}`` cannot replace an entry (None when it can)."""
    reference = load(REFERENCE)
    if key not in reference or key.startswith("_meta."):
        import difflib

        close = difflib.get_close_matches(key, [k for k in reference if not k.startswith("_")], 1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return f"unknown interface text{hint} (the keys are listed in docs/course-format.md)"
    if not isinstance(reference[key], str):
        return "this entry is a list or depends on a count; it cannot be replaced by one text"
    missing = placeholders(reference[key]) - placeholders(text)
    extra = placeholders(text) - placeholders(reference[key])
    if missing or extra:
        want = ", ".join(f"{{{n}}}" for n in sorted(placeholders(reference[key]))) or "none"
        return f"the text must use the same placeholders as the original ({want})"
    return None


@dataclass(frozen=True)
class Messages:
    """The resolved interface text of one course."""

    language: str
    entries: dict[str, Entry]

    def __call__(self, key: str, **params: Any) -> str:
        """The text of ``key`` with ``{placeholders}`` filled (for templates: never a plural)."""
        entry = self.entries[key]
        if not isinstance(entry, str):
            raise TypeError(f"interface text {key!r} is not a single text")
        return PLACEHOLDER.sub(lambda m: str(params[m.group(1)]), entry)

    def list(self, key: str) -> list[str]:
        """A list entry (the default self-assessment scale)."""
        entry = self.entries[key]
        assert isinstance(entry, list)
        return entry

    def number(self, value: float) -> str:
        """A number as the language writes it (``2,5`` in French), without trailing zeros."""
        text = f"{value:.2f}".rstrip("0").rstrip(".")
        return text.replace(".", str(self.entries["_meta.decimal"]))

    def for_player(self) -> dict[str, Entry]:
        """The entries the browser needs (everything but metadata)."""
        return {k: v for k, v in self.entries.items() if not k.startswith("_meta.")}


def messages(language: str, overrides: dict[str, str] | None = None) -> Messages:
    """The catalogue for ``language`` (English when none is shipped) with the course's overrides."""
    entries = dict(load(REFERENCE))
    lang = catalogue_for(language)
    if lang and lang != REFERENCE:
        entries.update(load(lang))
    entries.update(overrides or {})
    return Messages(language, entries)
