"""The saved-state format shared by this module and ``templates/static/js/player.js``.

The player keeps the learner's place in ``cmi.core.lesson_location`` / ``cmi.location`` (the
current page id, at most 40 characters) and, because some LMSs keep a stale location (Moodle's
2004 player sends only values that differ from those at launch), in ``suspend_data`` too: the
saved state wins on resume. Everything is one line of ``~``-separated fields; every character is
one of ``A-Za-z0-9-_~`` except inside the reflections field (lz-string's URI-safe alphabet adds
``+`` and ``$``)::

    2~HHHHHH~SEQ~PAGE~PAGES~QUIZ~CHECKS~BEFORE~AFTER~DONE~LOST~REFLECTIONS

``2``
    Format version.
``HHHHHH``
    :attr:`Outline.structure_hash`; state saved for another structure is discarded.
``SEQ``
    A save counter, 3 base36 characters, wrapping after ``zzz``. It changes on every save, so
    ``suspend_data`` always differs from its value at launch and every LMS sends it.
``PAGE``
    The page the learner is on, its index in reading order, 3 base36 characters.
``PAGES``
    Pages seen, a bitset over the pages in reading order: 6 bits per base64url character
    (character ``i`` holds pages ``6i..6i+5``, lowest bit first); ``ceil(pages / 6)`` characters.
``QUIZ``
    Empty when the course has no quiz; else one state character (``0`` answering, ``f`` last
    submit failed, ``p`` passed), the number of submits in base36 (2 characters, capped at
    ``zz``), the shuffle seed (4 base64url characters, 24 bits; ``AAAA`` = not drawn yet) and
    then each question's answer as a fixed-width option bitmask (see below).
``CHECKS``
    Knowledge checks: a bitset of the checks already checked (``ceil(checks / 6)`` characters),
    then each check's answer bitmask: its final answer, or for a check not yet done its last
    wrong try (so that a reload does not give the learner their tries back).
``BEFORE`` / ``AFTER``
    Self-assessment ratings, one base36 character per statement (``0`` = not rated, ``1``..``a``).
``DONE``
    The day the certificate was earned, in days since 1970-01-01 (UTC), 3 base36 characters
    (``000`` = not yet).
``LOST``
    A bitset over the reflections (``ceil(reflections / 6)`` characters): those the learning
    platform had no room for at the last save, so the learner can be told after a relaunch.
``REFLECTIONS``
    Empty, or lz-string ``compressToEncodedURIComponent`` of a JSON array of the reflection texts
    in :attr:`Outline.reflections` order. It gets whatever room the structural part leaves.

An answer bitmask has bit ``i`` set when option ``i`` (source order: ids ``a``, ``b``, ...) is
chosen, 6 options per base64url character. A true-false question has two options, ``true`` then
``false``, so always one character. The other question types keep fixed widths too:

* matching: one character per item, the chosen match's index plus one (``A`` = none chosen);
* sequencing: one character per position, the chosen item's index plus one (``A`` = none);
* fill-in: the answer's UTF-8 bytes, cut to 30 and padded with zero bytes, in base64url (40
  characters); numeric: the same with 12 bytes (16 characters).

A quiz keeps the answers of every question of its bank, drawn or not: the saved state's size
does not depend on the draw, and the build checks the whole bank against SCORM 1.2.
"""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass, field
from typing import Any

from cpd_pack.model import CHOICE_TYPES, Question
from cpd_pack.outline import Outline
from cpd_pack.question_rules import FILL_IN_BYTES, NUMERIC_CHARS

VERSION = "2"
SEPARATOR = "~"
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"

SCORM12_SUSPEND_MAX = 4096
SCORM12_LOCATION_MAX = 255
SCORM2004_SUSPEND_MAX = 64000
SCORM2004_LOCATION_MAX = 1000

QUIZ_HEADER = 1 + 2 + 4  # state, attempts, seed
SEQ_WIDTH = 3
PAGE_WIDTH = 3
DONE_WIDTH = 3
FIELDS = 12


TEXT_BYTES = {"fill-in": FILL_IN_BYTES, "numeric": NUMERIC_CHARS}
"""Bytes a typed answer keeps, by question type."""


def option_count(question: Question) -> int:
    """How many options the question has (true-false: two; other types: none)."""
    if question.type == "true-false":
        return 2
    return len(question.options)


def answer_width(question: Question) -> int:
    """Characters one answer takes (see the module docstring)."""
    if question.type in CHOICE_TYPES:
        return math.ceil(option_count(question) / 6)
    if question.type in TEXT_BYTES:
        return TEXT_BYTES[question.type] * 4 // 3
    return len(question.pairs) + len(question.items)


def encode_answer(question: Question, answer: Any) -> str:
    """Encode one answer: option flags, match/item indexes (-1: none) or typed text."""
    width = answer_width(question)
    if question.type in CHOICE_TYPES:
        return encode_bits(answer or [], width)
    if question.type in TEXT_BYTES:
        data = (answer or "").encode("utf-8")[: TEXT_BYTES[question.type]]
        while data:  # never cut a character in two
            try:
                data.decode("utf-8")
                break
            except UnicodeDecodeError:
                data = data[:-1]
        data = data.ljust(TEXT_BYTES[question.type], b"\0")
        return base64.urlsafe_b64encode(data).decode("ascii")
    picks = list(answer or [])
    return "".join(ALPHABET[picks[i] + 1 if i < len(picks) else 0] for i in range(width))


def decode_answer(question: Question, text: str) -> Any:
    """Decode one answer written by :func:`encode_answer` (or the player)."""
    width = answer_width(question)
    if question.type in CHOICE_TYPES:
        return decode_bits(text, option_count(question))
    if question.type in TEXT_BYTES:
        try:
            data = base64.urlsafe_b64decode(text.ljust(width, "A"))
        except ValueError:
            return ""
        return data.rstrip(b"\0").decode("utf-8", "ignore")
    choices = len(question.pairs) + len(question.items)
    picks = [max(ALPHABET.find(ch), 0) - 1 for ch in text.ljust(width, "A")[:width]]
    return [p if p < choices else -1 for p in picks]


def bitset_width(count: int) -> int:
    """Characters a bitset over ``count`` items takes."""
    return math.ceil(count / 6)


def structural_size(outline: Outline) -> int:
    """Worst-case length of suspend_data without reflection text (it is fixed-width anyway)."""
    quiz = outline.quiz_questions
    checks = outline.knowledge_checks
    statements = len(outline.statement_ids)
    fields = [
        len(VERSION),
        len(outline.structure_hash),
        SEQ_WIDTH,
        PAGE_WIDTH,
        bitset_width(len(outline.pages)),
        (QUIZ_HEADER + sum(answer_width(q) for q in quiz)) if quiz else 0,
        bitset_width(len(checks)) + sum(answer_width(q) for q in checks),
        statements,
        statements,
        DONE_WIDTH,
        bitset_width(len(outline.reflections)),
        0,
    ]
    return sum(fields) + len(fields) - 1


def _base36(value: int, width: int) -> str:
    digits = ""
    for _ in range(width):
        value, rest = divmod(value, 36)
        digits = BASE36[rest] + digits
    return digits


def encode_bits(bits: list[bool], width: int) -> str:
    """Encode ``bits`` as ``width`` base64url characters, lowest bit first."""
    out = []
    for i in range(width):
        value = sum(1 << k for k in range(6) if 6 * i + k < len(bits) and bits[6 * i + k])
        out.append(ALPHABET[value])
    return "".join(out)


def decode_bits(text: str, count: int) -> list[bool]:
    """Decode ``count`` bits from base64url characters (invalid characters read as 0)."""
    values = [max(ALPHABET.find(ch), 0) for ch in text]
    return [
        bool(values[i // 6] >> (i % 6) & 1) if i // 6 < len(values) else False for i in range(count)
    ]


@dataclass
class SavedState:
    """The decoded suspend_data; reflections stay in their compressed form."""

    pages_seen: list[bool]
    seq: int = 0
    page: int = 0
    quiz_state: str = "0"
    quiz_submits: int = 0
    quiz_seed: str = "AAAA"
    quiz_answers: list[Any] = field(default_factory=list)
    """Per bank question: option flags, match/item indexes or typed text."""
    checks_done: list[bool] = field(default_factory=list)
    check_answers: list[list[bool]] = field(default_factory=list)
    before: str = ""
    after: str = ""
    done_day: int = 0
    lost: list[bool] = field(default_factory=list)
    reflections: str = ""


def encode_state(outline: Outline, state: SavedState) -> str:
    """Encode ``state`` for ``outline`` exactly as the player does."""
    quiz = ""
    if outline.quiz_questions:
        submits = min(state.quiz_submits, 36 * 36 - 1)
        quiz = state.quiz_state + BASE36[submits // 36] + BASE36[submits % 36] + state.quiz_seed
        for i, q in enumerate(outline.quiz_questions):
            quiz += encode_answer(q, state.quiz_answers[i] if i < len(state.quiz_answers) else None)
    checks = encode_bits(state.checks_done, bitset_width(len(outline.knowledge_checks)))
    for i, q in enumerate(outline.knowledge_checks):
        bits = state.check_answers[i] if i < len(state.check_answers) else []
        checks += encode_bits(bits, answer_width(q))
    count = len(outline.statement_ids)
    parts = [
        VERSION,
        outline.structure_hash,
        _base36(state.seq, SEQ_WIDTH),
        _base36(state.page, PAGE_WIDTH),
        encode_bits(state.pages_seen, bitset_width(len(outline.pages))),
        quiz,
        checks,
        state.before.ljust(count, "0")[:count],
        state.after.ljust(count, "0")[:count],
        _base36(state.done_day, DONE_WIDTH),
        encode_bits(state.lost, bitset_width(len(outline.reflections))),
        state.reflections,
    ]
    return SEPARATOR.join(parts)


def decode_state(outline: Outline, text: str) -> SavedState | None:
    """Decode suspend_data written by the player; None when it is for another structure."""
    parts = text.split(SEPARATOR)
    if len(parts) != FIELDS or parts[0] != VERSION or parts[1] != outline.structure_hash:
        return None
    state = SavedState(
        pages_seen=decode_bits(parts[4], len(outline.pages)),
        seq=int(parts[2] or "0", 36),
        page=int(parts[3] or "0", 36),
    )
    quiz = parts[5]
    if outline.quiz_questions and len(quiz) >= QUIZ_HEADER:
        state.quiz_state = quiz[0]
        state.quiz_submits = int(quiz[1:3], 36)
        state.quiz_seed = quiz[3:7]
        pos = QUIZ_HEADER
        for q in outline.quiz_questions:
            width = answer_width(q)
            state.quiz_answers.append(decode_answer(q, quiz[pos : pos + width]))
            pos += width
    checks = parts[6]
    head = bitset_width(len(outline.knowledge_checks))
    state.checks_done = decode_bits(checks[:head], len(outline.knowledge_checks))
    pos = head
    for q in outline.knowledge_checks:
        width = answer_width(q)
        state.check_answers.append(decode_bits(checks[pos : pos + width], option_count(q)))
        pos += width
    state.before, state.after = parts[7], parts[8]
    state.done_day = int(parts[9] or "0", 36)
    state.lost = decode_bits(parts[10], len(outline.reflections))
    state.reflections = parts[11]
    return state
