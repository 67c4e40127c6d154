"""The cmi5 statement rules an AU must keep, checked on the statements it left in an LRS.

Covers cmi5 (Quartz) sections 7.1, 9 and 10.2 as summarised in standards.md section 6.
Requirement ids ``X.X.X.X-N`` are the numbered requirements of ADL's CATAPULT
(``requirements/requirements.json``, reported by ``player/service/plugins/routes/lrs.js``). A rule
the spec states without a numbered requirement is reported under its bare spec section
(``9.5.1`` score value space, ``9.5.4`` duration format, ``9.5.5.1`` progress).

Order within a session is the timestamp order (cmi5 9.3); statements with equal, missing or
unreadable timestamps keep the order they were given in (an LRS's stored order).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

Json = dict[str, Any]  # a JSON object: a statement, an actor
Sessions = dict[Any, list[tuple[str, Json]]]  # session id -> (kind, statement) in time order

CMI5_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
MOVEON_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/moveon"
EXT_SESSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
EXT_MASTERY = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore"
EXT_LAUNCHMODE = "https://w3id.org/xapi/cmi5/context/extensions/launchmode"
EXT_MOVEON = "https://w3id.org/xapi/cmi5/context/extensions/moveon"
EXT_PROGRESS = "https://w3id.org/xapi/cmi5/result/extensions/progress"

ADL = "http://adlnet.gov/expapi/verbs/"
INITIALIZED, COMPLETED, PASSED, FAILED, TERMINATED, LAUNCHED = (
    ADL + v for v in ("initialized", "completed", "passed", "failed", "terminated", "launched")
)
ABANDONED, WAIVED, SATISFIED = (
    f"https://w3id.org/xapi/adl/verbs/{v}" for v in ("abandoned", "waived", "satisfied")
)
AU_DEFINED_VERBS = frozenset({INITIALIZED, COMPLETED, PASSED, FAILED, TERMINATED})
LMS_VERBS = frozenset({LAUNCHED, ABANDONED, WAIVED, SATISFIED})
JUDGED = frozenset({COMPLETED, PASSED, FAILED})  # the statements that carry the moveon category
DURATION_REQUIRED = {TERMINATED: "9.5.4.1-1", COMPLETED: "9.5.4.1-2", PASSED: "9.5.4.1-3", FAILED: "9.5.4.1-4"}  # fmt: skip

REQUIREMENTS = {
    "4.1.0.0-1": "An AU MUST conform to all requirements of the xAPI specification.",
    "7.1.1.0-1": "The AU MUST issue an Initialized statement after being launched.",
    "7.1.3.0-1": '"cmi5 allowed" statements MUST occur between Initialized and Terminated.',
    "8.1.3.0-3": 'The AU MUST use the launch "actor" value in xAPI requests.',
    "8.1.5.0-6": 'The AU MUST use the launch "activityId" as the object id of cmi5 defined statements.',
    "9.1.0.0-1": "The AU MUST assign a statement id in UUID format.",
    "9.2.0.0-2": 'The actor of cmi5 defined statements MUST be of objectType "Agent".',
    "9.2.0.0-3": 'The actor MUST contain an "account" IFI.',
    "9.3.0.0-1": "AUs MUST use the verbs of the cmi5 specification in cmi5 defined statements.",
    "9.3.0.0-2": "Verbs MUST NOT be duplicated in a session (cmi5 defined statements).",
    "9.3.0.0-3": "More than one of Passed/Failed MUST NOT be used in a session.",
    "9.3.0.0-4": "Initialized MUST be the first statement of the session.",
    "9.3.0.0-5": "Terminated MUST be the last statement of the session.",
    "9.3.0.0-6": "At most one Completed statement per registration.",
    "9.3.0.0-7": "At most one Passed statement per registration.",
    "9.3.0.0-8": "A Failed statement MUST NOT follow a Passed statement in the registration.",
    "9.3.2.0-1": "Initialized MUST follow the LMS's Launched statement.",
    "9.3.4.0-2": "The scaled score of Passed MUST be >= masteryScore.",
    "9.3.5.0-2": "The scaled score of Failed MUST be < masteryScore.",
    "9.3.6.0-2": "No statements may be recorded for a session after Abandoned.",
    "9.3.8.0-1": "The AU MUST send a Terminated statement.",
    "9.4.0.0-1": "An Object MUST be present in all cmi5 defined statements.",
    "9.5.1": "score: scaled in 0..1; raw, min, max integers with min <= raw <= max.",
    "9.5.1.0-2": 'cmi5 defined statements other than Passed/Failed MUST NOT include "score".',
    "9.5.1.0-3": 'The AU MUST provide "min" and "max" when "raw" is provided.',
    "9.5.2.0-1": '"success" MUST be true in Passed.',
    "9.5.2.0-2": '"success" MUST be false in Failed.',
    "9.5.2.0-3": 'cmi5 defined statements other than Passed/Failed MUST NOT include "success".',
    "9.5.3.0-1": '"completion" MUST be true in Completed.',
    "9.5.3.0-2": 'cmi5 defined statements other than Completed MUST NOT include "completion".',
    "9.5.4": "duration: ISO 8601, at most 0.01 s precision (xAPI 4.6).",
    "9.5.4.1-1": 'The AU MUST include the "duration" property in Terminated statements.',
    "9.5.4.1-2": 'The AU MUST include the "duration" property in Completed statements.',
    "9.5.4.1-3": 'The AU MUST include the "duration" property in Passed statements.',
    "9.5.4.1-4": 'The AU MUST include the "duration" property in Failed statements.',
    "9.5.5.1": "progress: an integer 0..100, not in a Completed statement.",
    "9.6.0.0-1": "All cmi5 defined statements MUST contain a context.",
    "9.6.1.0-1": "context.registration MUST be the launch registration.",
    "9.6.2.0-1": "cmi5 defined statements must include the contextActivities of the context template.",
    "9.6.2.1-1": "The cmi5 category activity MUST be used in cmi5 defined statements.",
    "9.6.2.2-1": "cmi5 defined statements with success/completion MUST have the moveon category.",
    "9.6.2.2-2": "Other statements MUST NOT include the moveon category.",
    "9.6.3.1-4": "The AU MUST include the session id extension in all its statements.",
    "9.6.3.2-1": "The LMS MUST add masteryScore to the Launched statement.",
    "9.6.3.2-2": "The AU MUST include the masteryScore extension in Passed/Failed based on it.",
    "9.6.3.3-1": "The LMS MUST add launchMode to the Launched statement.",
    "9.6.3.6-1": "The LMS MUST add moveOn to the Launched statement.",
    "9.7.0.0-1": "All statements MUST include a timestamp.",
    "9.7.0.0-2": "All timestamps MUST be recorded in UTC.",
    "10.2.1.0-6": "The AU MUST use the contextTemplate as a template for the context.",
    "10.2.1.0-7": "The AU MUST NOT overwrite values of the contextTemplate.",
    "10.2.2.0-2": "Browse mode: no Completed/Passed/Failed statements.",
    "10.2.2.0-3": "Review mode: no Completed/Passed/Failed statements.",
    "10.2.4.0-2": "Passed/Failed MUST be based on the masteryScore when one is provided.",
}

_UUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_UTC = re.compile(r"(?:Z|\+00:?(?:00)?)$")  # as CATAPULT's lrs.js
_DURATION = re.compile(
    r"^P(?!$)(?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d{1,2})?S)?)?$"
)


@dataclass(frozen=True)
class _Launch:
    """What the LMS gave the AU at launch."""

    actor: Json
    registration: str
    activity_id: str
    publisher_id: str
    session_ids: list[str] | None
    mastery: float | None


@dataclass(frozen=True)
class Violation:
    """One broken rule: the requirement id, what is wrong, and in which statement."""

    requirement: str
    message: str
    statement_id: str | None = None

    def __str__(self) -> str:
        where = f" [statement {self.statement_id}]" if self.statement_id else ""
        return f"{self.requirement}: {self.message}{where}"


class _Report(list[Violation]):
    def add(self, req: str, detail: str, st: Json | None = None) -> None:
        sid = st.get("id") if isinstance(st, dict) else None
        self.append(
            Violation(req, f"{REQUIREMENTS[req]} ({detail})", sid if isinstance(sid, str) else None)
        )


def _get(obj: Any, *path: str) -> Any:
    for key in path:
        obj = obj.get(key) if isinstance(obj, dict) else None
    return obj


def _ids(st: Json, kind: str) -> list[Any]:
    items = _get(st, "context", "contextActivities", kind)
    items = [items] if isinstance(items, dict) else items  # xAPI allows a single object
    return [_get(a, "id") for a in items] if isinstance(items, list) else []


def _timestamp(st: Json) -> datetime | None:
    value = st.get("timestamp")
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _in_time_order(statements: Iterable[Json]) -> list[Json]:
    """Stable sort by timestamp; a statement without one keeps the time of the one before."""
    keyed, last = [], datetime.min.replace(tzinfo=UTC)
    for st in statements:
        last = _timestamp(st) or last
        keyed.append((last, st))
    return [st for _, st in sorted(keyed, key=lambda pair: pair[0])]


def _is_int(value: Any) -> bool:
    return _is_number(value) and float(value).is_integer()


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _kind(st: Json, activity_id: str) -> str:
    """``lms``, ``defined`` (a cmi5 defined AU statement), ``bogus`` (cmi5 category, other verb) or ``allowed``."""
    verb = _get(st, "verb", "id")
    if verb in LMS_VERBS:
        return "lms"
    if CMI5_CATEGORY in _ids(st, "category"):
        return "defined" if verb in AU_DEFINED_VERBS else "bogus"
    if verb in AU_DEFINED_VERBS and _get(st, "object", "id") == activity_id:
        return "defined"  # meant as cmi5 defined, lacks the category (reported)
    return "allowed"


def check_cmi5(
    statements: Iterable[Json],
    *,
    actor: Json,
    registration: str,
    activity_id: str,
    publisher_id: str,
    session_ids: Iterable[str] | None = None,
    launch_mode: str = "Normal",
    mastery_score: float | None = None,
    move_on: str | None = None,
    finished: bool = True,
) -> list[Violation]:
    """Check one AU's statements in one registration (LMS statements included) against cmi5.

    ``session_ids``: the sessions the LMS launched (others count as overwritten template values).
    ``launch_mode`` applies where a session's Launched statement does not say. ``move_on`` and
    ``mastery_score`` are the launch data; the Launched statements must carry them. With
    ``finished`` every session must have been initialized and terminated (or abandoned).
    """
    report = _Report()
    known = None if session_ids is None else list(session_ids)
    launch = _Launch(actor, registration, activity_id, publisher_id, known, mastery_score)
    sessions: Sessions = {}
    current: Any = None
    for st in _in_time_order(statements):
        parts = [st.get(p) for p in ("actor", "verb", "object")]
        if not all(isinstance(p, dict) for p in parts) or not isinstance(
            _get(st, "verb", "id"), str
        ):
            report.add("4.1.0.0-1", "actor, verb (with an id) or object missing", st)
            continue
        kind = _kind(st, activity_id)
        sid = _get(st, "context", "extensions", EXT_SESSION)
        if isinstance(sid, str) and sid and (known is None or sid in known):
            current = sid  # else: counted in the session of the statement before it
        sessions.setdefault(current, []).append((kind, st))
        if kind == "lms":
            _check_launched(report, st, mastery_score, move_on)
        else:
            _check_statement(report, st, kind, launch)
    for sid in known or ():
        sessions.setdefault(sid, [])  # launched by the LMS, never heard of
    _check_sequences(report, sessions, launch_mode, finished)
    return list(report)


def _check_launched(report: _Report, st: Json, mastery: float | None, move_on: str | None) -> None:
    """The launch data on the LMS's Launched statement (9.6.3)."""
    if _get(st, "verb", "id") != LAUNCHED:
        return
    ext = _get(st, "context", "extensions") or {}
    if ext.get(EXT_LAUNCHMODE) not in ("Normal", "Browse", "Review"):
        report.add("9.6.3.3-1", f"launchmode {ext.get(EXT_LAUNCHMODE)!r}", st)
    if mastery is not None and ext.get(EXT_MASTERY) != mastery:
        report.add("9.6.3.2-1", f"masteryscore {ext.get(EXT_MASTERY)!r}, launch data {mastery}", st)
    if move_on is not None and ext.get(EXT_MOVEON) != move_on:
        report.add("9.6.3.6-1", f"moveon {ext.get(EXT_MOVEON)!r}, launch data {move_on!r}", st)


def _agent(who: Json) -> Json:
    return {**who, "objectType": who.get("objectType", "Agent")}  # no objectType means Agent


def _check_statement(report: _Report, st: Json, kind: str, launch: _Launch) -> None:
    """The rules on one AU statement by itself (9.1, 9.2, 9.4 to 9.7, 10.2.1)."""
    verb = _get(st, "verb", "id")
    if not isinstance(st.get("id"), str) or not _UUID.match(st["id"]):
        report.add("9.1.0.0-1", f"id {st.get('id')!r}", st)
    stamp = st.get("timestamp")
    if stamp is None:
        report.add("9.7.0.0-1", "no timestamp", st)
    elif _timestamp(st) is None:
        report.add("4.1.0.0-1", f"timestamp {stamp!r} is not ISO 8601", st)
    elif not _UTC.search(stamp):
        report.add("9.7.0.0-2", f"timestamp {stamp!r}", st)

    who = st["actor"]
    if kind == "defined" and who.get("objectType", "Agent") != "Agent":
        report.add("9.2.0.0-2", f"objectType {who.get('objectType')!r}", st)
    elif kind == "defined" and not (
        _get(who, "account", "name") and _get(who, "account", "homePage")
    ):
        report.add("9.2.0.0-3", "no account name and homePage", st)
    elif _agent(who) != _agent(launch.actor):
        report.add("8.1.3.0-3", f"actor {who}", st)

    if kind == "defined" and not _get(st, "object", "id"):
        report.add("9.4.0.0-1", "object without id", st)
    elif kind == "defined" and st["object"]["id"] != launch.activity_id:
        report.add("8.1.5.0-6", f"object id {st['object']['id']!r}", st)

    if kind == "bogus":
        report.add("9.3.0.0-1", f"cmi5 category on verb {verb}", st)
    _check_context(report, st, kind, launch)
    result = st.get("result") if isinstance(st.get("result"), dict) else {}
    duration = result.get("duration")
    if duration is not None and not (isinstance(duration, str) and _DURATION.match(duration)):
        report.add("9.5.4", f"duration {duration!r}", st)
    progress = _get(result, "extensions", EXT_PROGRESS)
    if progress is not None and not (_is_int(progress) and 0 <= progress <= 100):
        report.add("9.5.5.1", f"progress {progress!r}", st)
    if kind == "defined":
        _check_result(report, st, verb, result, launch.mastery)


def _check_context(report: _Report, st: Json, kind: str, launch: _Launch) -> None:
    """Registration, context template (session id, publisher grouping) and categories."""
    context = st.get("context")
    if not isinstance(context, dict):
        report.add("9.6.0.0-1" if kind == "defined" else "10.2.1.0-6", "no context", st)
        return
    if context.get("registration") != launch.registration:
        report.add("9.6.1.0-1", f"registration {context.get('registration')!r}", st)
    sid = _get(context, "extensions", EXT_SESSION)
    if not sid:
        report.add("9.6.3.1-4", "no session id", st)
    elif launch.session_ids is not None and sid not in launch.session_ids:
        report.add("10.2.1.0-7", f"session id {sid!r} is not one the LMS launched", st)
    if launch.publisher_id not in _ids(st, "grouping"):
        report.add(
            "9.6.2.0-1" if kind == "defined" else "10.2.1.0-6", "no publisher id in grouping", st
        )
    categories = _ids(st, "category")
    verb = _get(st, "verb", "id")
    if kind == "defined" and CMI5_CATEGORY not in categories:
        report.add("9.6.2.1-1", "no cmi5 category", st)
    if MOVEON_CATEGORY in categories and not (kind == "defined" and verb in JUDGED):
        report.add("9.6.2.2-2", f"moveon category on {verb}", st)
    result = st.get("result") if isinstance(st.get("result"), dict) else {}
    has_outcome = "success" in result or "completion" in result
    if kind == "defined" and has_outcome and MOVEON_CATEGORY not in categories:
        report.add("9.6.2.2-1", "no moveon category", st)


def _check_result(
    report: _Report, st: Json, verb: str, result: Json, mastery: float | None
) -> None:
    """Result rules of cmi5 defined statements (9.5, 9.3.4, 9.3.5, 9.6.3.2, 10.2.4)."""
    score = result.get("score")
    if score is not None and verb not in (PASSED, FAILED):
        report.add("9.5.1.0-2", f"score in {verb}", st)
    if isinstance(score, dict):
        scaled, raw, low, high = (score.get(k) for k in ("scaled", "raw", "min", "max"))
        if scaled is not None and not (_is_number(scaled) and 0 <= scaled <= 1):
            report.add("9.5.1", f"scaled {scaled!r}", st)
        if raw is not None and (low is None or high is None):
            report.add("9.5.1.0-3", f"raw {raw!r} with min {low!r}, max {high!r}", st)
        elif raw is not None and not (all(map(_is_int, (raw, low, high))) and low <= raw <= high):
            report.add("9.5.1", f"raw {raw!r}, min {low!r}, max {high!r}", st)
    if verb == PASSED and result.get("success") is not True:
        report.add("9.5.2.0-1", f"success {result.get('success')!r}", st)
    elif verb == FAILED and result.get("success") is not False:
        report.add("9.5.2.0-2", f"success {result.get('success')!r}", st)
    elif verb not in (PASSED, FAILED) and "success" in result:
        report.add("9.5.2.0-3", f"success in {verb}", st)
    if verb == COMPLETED and result.get("completion") is not True:
        report.add("9.5.3.0-1", f"completion {result.get('completion')!r}", st)
    elif verb != COMPLETED and "completion" in result:
        report.add("9.5.3.0-2", f"completion in {verb}", st)
    if verb in DURATION_REQUIRED and "duration" not in result:
        report.add(DURATION_REQUIRED[verb], "no duration", st)
    if verb == COMPLETED and _get(result, "extensions", EXT_PROGRESS) is not None:
        report.add("9.5.5.1", "progress in Completed", st)
    if mastery is None or verb not in (PASSED, FAILED):
        return
    given = _get(st, "context", "extensions", EXT_MASTERY)
    if given != mastery:
        report.add("9.6.3.2-2", f"masteryscore {given!r}, launch data {mastery}", st)
    scaled = _get(result, "score", "scaled")
    if not _is_number(scaled):
        report.add("10.2.4.0-2", "no scaled score to judge by the masteryScore", st)
    elif verb == PASSED and scaled < mastery:
        report.add("9.3.4.0-2", f"scaled {scaled} < masteryScore {mastery}", st)
    elif verb == FAILED and scaled >= mastery:
        report.add("9.3.5.0-2", f"scaled {scaled} >= masteryScore {mastery}", st)


def _check_sequences(report: _Report, sessions: Sessions, launch_mode: str, finished: bool) -> None:
    """Order rules within each session (9.3, 7.1.3, 10.2.2) and across the registration."""
    done: set[str] = set()  # completed/passed in earlier sessions of the registration
    for sid, entries in sessions.items():
        mode, launched, abandoned = launch_mode, False, False
        initialized = terminated = reported_first = False
        seen: set[str] = set()
        for kind, st in entries:
            verb = _get(st, "verb", "id")
            if kind == "lms":
                launched = launched or verb == LAUNCHED
                abandoned = abandoned or verb == ABANDONED
                if verb == LAUNCHED:
                    mode = _get(st, "context", "extensions", EXT_LAUNCHMODE) or mode
                continue
            if abandoned:
                report.add("9.3.6.0-2", f"{verb} after Abandoned", st)
            if kind != "defined":
                if not initialized or terminated:
                    report.add(
                        "7.1.3.0-1", f"{verb} outside Initialized..Terminated of session {sid}", st
                    )
                continue
            if verb == INITIALIZED and not initialized and not launched:
                report.add("9.3.2.0-1", f"no Launched before Initialized in session {sid}", st)
            if not initialized and verb != INITIALIZED and not reported_first:
                report.add("9.3.0.0-4", f"{verb} before Initialized in session {sid}", st)
                reported_first = True
            if terminated:
                report.add("9.3.0.0-5", f"{verb} after Terminated in session {sid}", st)
            if verb in seen:
                report.add("9.3.0.0-2", f"second {verb} in session {sid}", st)
            elif verb in (PASSED, FAILED) and seen & {PASSED, FAILED}:
                report.add(
                    "9.3.0.0-3", f"{verb} after {'passed' if PASSED in seen else 'failed'}", st
                )
            elif verb == COMPLETED and COMPLETED in done:
                report.add("9.3.0.0-6", "second Completed in the registration", st)
            elif verb == PASSED and PASSED in done:
                report.add("9.3.0.0-7", "second Passed in the registration", st)
            elif verb == FAILED and PASSED in done:
                report.add("9.3.0.0-8", "Failed after Passed in the registration", st)
            if verb in JUDGED and mode in ("Browse", "Review"):
                report.add(
                    "10.2.2.0-2" if mode == "Browse" else "10.2.2.0-3", f"{verb} in {mode} mode", st
                )
            seen.add(verb)
            initialized = initialized or verb == INITIALIZED
            terminated = terminated or verb == TERMINATED
        done |= seen & {COMPLETED, PASSED}
        if not (launched or any(kind != "lms" for kind, _ in entries) or not entries):
            continue  # only LMS statements of their own (waived, satisfied)
        if finished and not abandoned and not initialized and not reported_first:
            report.add("7.1.1.0-1", f"no Initialized in session {sid}")
        elif finished and not abandoned and not terminated:
            report.add("9.3.8.0-1", f"no Terminated in session {sid}")
