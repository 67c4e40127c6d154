"""Strict checks of the values a SCO sends, following Moodle/ADL (stricter than scorm-again).

See shared/reference/standards.md sections 0.4, 3.2, 3.3 and 4. ``check_calls`` takes the
LMS call log (``LmsSession.calls()``) and returns human-readable problems (empty = fine).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

Check = Callable[[str], str | None]

# ------------------------------------------------------------------ value checkers


def _regex(pattern: str, what: str) -> Check:
    rx = re.compile(pattern)
    return lambda v: None if rx.fullmatch(v) else f"not a valid {what}"


def _vocab(*words: str) -> Check:
    return lambda v: None if v in words else f"not one of {'|'.join(words)}"


def _max_len(n: int) -> Check:
    return lambda v: None if len(v) <= n else f"longer than {n} characters ({len(v)})"


def _all(*checks: Check) -> Check:
    def check(v: str) -> str | None:
        return next((p for c in checks if (p := c(v))), None)

    return check


def _number_in(lo: float, hi: float) -> Check:
    def check(v: str) -> str | None:
        return None if lo <= float(v) <= hi else f"outside {lo:g}..{hi:g}"

    return check


def _clock(v: str) -> str | None:
    """Hours < 24 (only for times of day), minutes and seconds < 60."""
    h, m, s = v.split(":")
    return None if int(m) < 60 and float(s) < 60 and int(h) < 24 else "clock out of range"


def _timespan_12(v: str) -> str | None:
    m = re.fullmatch(r"\d{2,4}:(\d{2}):(\d{2})(\.\d{2})?", v)
    if not m:
        return "not a SCORM 1.2 timespan HH[HH]:MM:SS[.SS] (2 hundredths digits)"
    return None if int(m[1]) < 60 and int(m[2]) < 60 else "minutes/seconds out of range"


def _time_2004(v: str) -> str | None:
    m = re.fullmatch(
        r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,2})?(Z|[+-]\d{2}(:\d{2})?)?", v
    )
    if not m:
        return "not a 2004 timestamp YYYY-MM-DDThh:mm:ss[.s|.ss][TZ] (max 2 fraction digits)"
    year, month, day, hour, minute, sec = (int(g) for g in m.groups()[:6])
    if not 1970 <= year <= 2038:
        return "year outside 1970..2038"
    if not (1 <= month <= 12 and 1 <= day <= 31 and hour < 24 and minute < 60 and sec < 60):
        return "date/time field out of range"
    return None


_DURATION = re.compile(r"P(\d+Y)?(\d+M)?(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d{1,2})?S)?)?")


def _duration_2004(v: str) -> str | None:
    if not _DURATION.fullmatch(v) or v.endswith(("P", "T")):
        return "not a 2004 duration like PT1H2M3.45S (max 2 decimals, not ending in P/T)"
    return None


STATUS_12 = ("passed", "completed", "failed", "incomplete", "browsed")
COMPLETION = ("completed", "incomplete", "not attempted", "unknown")
SUCCESS = ("passed", "failed", "unknown")
TYPES_12 = ("true-false", "choice", "fill-in", "matching", "performance", "sequencing")
TYPES_12 = (*TYPES_12, "likert", "numeric")
TYPES_2004 = (*TYPES_12, "long-fill-in", "other")
DEC_12 = _all(_regex(r"\d{1,3}(\.\d+)?", "SCORM 1.2 decimal"), _number_in(0, 100))
DEC_2004 = _regex(r"-?\d{1,5}(\.\d{1,18})?", "CMIDecimal")
SCALED = _all(DEC_2004, _number_in(-1, 1))
FRACTION = _all(DEC_2004, _number_in(0, 1))
ID_12 = _regex(r"[\x21-\x7E]{1,255}", "CMIIdentifier (printable ASCII, no spaces, <=255)")
ID_2004 = _regex(r"(?:(?!urn:)\S{1,4000}|urn:[A-Za-z0-9-]{1,31}:\S{1,4000})", "long identifier")
TIME_12 = _all(_regex(r"\d{2}:\d{2}:\d{2}(\.\d{1,2})?", "CMITime HH:MM:SS[.SS]"), _clock)
RESULT_12 = _regex(r"correct|wrong|unanticipated|neutral|-?\d+(\.\d+)?", "1.2 result")
RESULT_2004 = _regex(
    r"correct|incorrect|unanticipated|neutral|-?\d{1,5}(\.\d{1,18})?", "2004 result"
)
NAV_REQUEST = _regex(
    r"continue|previous|exit|exitAll|abandon|abandonAll|suspendAll|_none_"
    r"|\{target=[^}]+\}(choice|jump)",
    "adl.nav.request",
)


def _blank_or(check: Check) -> Check:
    return lambda v: None if v == "" else check(v)


def _choice_2004(v: str) -> str | None:
    items = v.split("[,]")
    if len(items) > 36:
        return "more than 36 choice identifiers"
    if len(set(items)) != len(items):
        return "duplicate choice identifiers"
    bad = [i for i in items if not re.fullmatch(r"[\w.]{1,250}", i, re.ASCII)]
    return f"bad choice identifiers {bad} (need [A-Za-z0-9_.], joined by [,])" if bad else None


_SHORT_ID = r"[\w.:-]{1,250}"
_RESPONSES_12 = {  # SCORM 1.2 RTE 3.4.4: single characters, comma-joined
    "choice": r"[0-9a-z](,[0-9a-z])*",
    "sequencing": r"[0-9a-z](,[0-9a-z])*",
    "matching": r"[0-9a-z]\.[0-9a-z](,[0-9a-z]\.[0-9a-z])*",
    "likert": r"[0-9a-z]?",
    "numeric": r"-?\d+(\.\d+)?",
}
_RESPONSES_2004 = {  # SCORM 2004 RTE 4.2.9 (short identifiers; [,] between, [.] inside pairs)
    "sequencing": rf"{_SHORT_ID}(\[,\]{_SHORT_ID})*",
    "matching": rf"{_SHORT_ID}\[\.\]{_SHORT_ID}(\[,\]{_SHORT_ID}\[\.\]{_SHORT_ID})*",
    "likert": _SHORT_ID,
}
_RANGE_2004 = re.compile(r"(-?\d{1,5}(\.\d{1,18})?)?\[:\](-?\d{1,5}(\.\d{1,18})?)?")
_FILL_PATTERN_2004 = re.compile(r"(\{case_matters=(true|false)\})?(\{order_matters=(true|false)\})?"
                                r"(\{lang=[A-Za-z-]{2,}\})?(?!\{)[^\[\]]{0,250}")  # fmt: skip


def _response(version: str, kind: str | None, v: str, pattern: bool = False) -> str | None:
    """Check a learner/student response or (``pattern``) a correct-response pattern for the
    interaction type."""
    if version == "1.2":
        if kind == "true-false":
            return _vocab("t", "f", "0", "1", "true", "false")(v)
        if kind in _RESPONSES_12:
            ok = re.fullmatch(_RESPONSES_12[kind], v)
            return None if ok else f"not a valid 1.2 {kind} response (single chars [0-9a-z])"
        return _max_len(255)(v)
    if kind == "choice":
        return _choice_2004(v)
    if kind == "true-false":
        return _vocab("true", "false")(v)
    if kind == "numeric":
        if pattern:
            return None if _RANGE_2004.fullmatch(v) else "not a numeric range min[:]max"
        return DEC_2004(v)
    if kind == "fill-in" and pattern:
        return None if _FILL_PATTERN_2004.fullmatch(v) else "not a fill-in pattern"
    if kind in _RESPONSES_2004:
        ok = re.fullmatch(_RESPONSES_2004[kind], v, re.ASCII)
        return None if ok else f"not a valid 2004 {kind} response"
    return _max_len(4000)(v)


# ------------------------------------------------------------------ element rules
# Responses/patterns are checked separately, with the interaction's type (see _response).

_I = r"cmi\.interactions\.\d+\."
_O = r"cmi\.objectives\.\d+\."
_ELEMENT_RULES: dict[str, list[tuple[str, Check]]] = {
    "1.2": [
        (r"cmi\.core\.lesson_status", _vocab(*STATUS_12)),
        (r"cmi\.core\.exit", _vocab("time-out", "suspend", "logout", "")),
        (r"cmi\.core\.score\.(raw|min|max)", _blank_or(DEC_12)),
        (r"cmi\.core\.session_time", _timespan_12),
        (r"cmi\.core\.lesson_location", _max_len(255)),
        (r"cmi\.suspend_data", _max_len(4096)),
        (r"cmi\.comments", _max_len(4096)),
        (r"cmi\.student_preference\.(audio|speed|text|language)", _max_len(255)),
        (_O + r"id", ID_12),
        (_O + r"score\.(raw|min|max)", _blank_or(DEC_12)),
        (_O + r"status", _vocab(*STATUS_12, "not attempted")),
        (_I + r"id", ID_12),
        (_I + r"objectives\.\d+\.id", ID_12),
        (_I + r"time", TIME_12),
        (_I + r"type", _vocab(*TYPES_12)),
        (_I + r"weighting", _regex(r"-?\d+(\.\d+)?", "CMIDecimal")),
        (_I + r"result", RESULT_12),
        (_I + r"latency", _timespan_12),
    ],
    "2004": [
        (r"cmi\.completion_status", _vocab(*COMPLETION)),
        (r"cmi\.success_status", _vocab(*SUCCESS)),
        (r"cmi\.exit", _vocab("time-out", "suspend", "logout", "normal", "")),
        (r"cmi\.score\.scaled", SCALED),
        (r"cmi\.score\.(raw|min|max)", DEC_2004),
        (r"cmi\.progress_measure", FRACTION),
        (r"cmi\.session_time", _duration_2004),
        (r"cmi\.location", _max_len(1000)),
        (r"cmi\.suspend_data", _max_len(64000)),
        (r"cmi\.comments_from_learner\.\d+\.comment", _max_len(4000)),
        (r"cmi\.comments_from_learner\.\d+\.location", _max_len(250)),
        (r"cmi\.comments_from_learner\.\d+\.timestamp", _time_2004),
        (r"cmi\.learner_preference\.(audio_level|delivery_speed)", DEC_2004),
        (r"cmi\.learner_preference\.(language|audio_captioning)", _max_len(250)),
        (_O + r"id", ID_2004),
        (_O + r"score\.scaled", SCALED),
        (_O + r"score\.(raw|min|max)", DEC_2004),
        (_O + r"success_status", _vocab(*SUCCESS)),
        (_O + r"completion_status", _vocab(*COMPLETION)),
        (_O + r"progress_measure", FRACTION),
        (_O + r"description", _max_len(250)),
        (_I + r"id", ID_2004),
        (_I + r"objectives\.\d+\.id", ID_2004),
        (_I + r"type", _vocab(*TYPES_2004)),
        (_I + r"timestamp", _time_2004),
        (_I + r"weighting", DEC_2004),
        (_I + r"result", RESULT_2004),
        (_I + r"latency", _duration_2004),
        (_I + r"description", _max_len(250)),
        (r"adl\.nav\.request", NAV_REQUEST),
    ],
}
_RULES = {v: [(re.compile(p), c) for p, c in rules] for v, rules in _ELEMENT_RULES.items()}
_WRITE_ONLY = {
    "1.2": re.compile(r"cmi\.core\.(exit|session_time)|cmi\.interactions\.\d+\.(?!.*_count$).+"),
    "2004": re.compile(r"cmi\.(exit|session_time)"),
}
_INTERACTION = re.compile(r"cmi\.interactions\.(\d+)\.(.+)")
_RESPONSE_FIELD = re.compile(r"(student_response|learner_response|correct_responses\.\d+\.pattern)")


def check_value(element: str, value: Any, version: str, kind: str | None = None) -> str | None:
    """Problem with one SetValue, or None. ``kind`` is the interaction's type, if known."""
    if not isinstance(value, str):
        return f"{element}: value {value!r} is not a string"
    if _RESPONSE_FIELD.search(element) and element.startswith("cmi.interactions."):
        problem = _response(version, kind, value, "correct_responses" in element)
    else:
        rule = next((c for rx, c in _RULES[version] if rx.fullmatch(element)), None)
        if rule is None:
            return f"{element}: not a writable element known to the strict checks ({version})"
        problem = rule(value)
    return f"{element}={value[:80]!r}: {problem}" if problem else None


def check_calls(calls: Iterable[dict[str, Any]], version: str) -> list[str]:
    """Problems in an LMS call log: call sequence, value formats and interaction field order."""
    version = "1.2" if str(version).lower().removeprefix("scorm") in ("1.2", "12") else "2004"
    problems: list[str] = []
    counts = {"Initialize": 0, "Terminate": 0}
    types: dict[int, str] = {}
    fields: dict[int, set[str]] = {}
    for call in calls:
        generic, method, args = call["generic"], call["method"], call.get("args") or []
        if generic in counts:
            counts[generic] += 1
            continue
        if generic in ("GetLastError", "GetErrorString", "GetDiagnostic"):
            continue
        where = f"{method}({', '.join(repr(a) for a in args)[:100]})"
        if counts["Initialize"] == 0 or counts["Terminate"] > 0:
            problems.append(f"{where}: called outside Initialize..Terminate")
        if generic == "GetValue" and args and _WRITE_ONLY[version].fullmatch(str(args[0])):
            problems.append(f"{where}: element is write-only")
        if generic != "SetValue":
            continue
        if len(args) != 2:
            problems.append(f"{where}: expected 2 arguments")
            continue
        element, value = str(args[0]), args[1]
        if m := _INTERACTION.fullmatch(element):
            n, name = int(m[1]), m[2]
            if n > len(fields):
                problems.append(f"{where}: interaction index {n} skips {len(fields)}")
            seen = fields.setdefault(n, set())
            if not seen and name != "id":
                problems.append(f"{where}: first field set for interaction {n} must be id")
            if version == "2004" and _RESPONSE_FIELD.fullmatch(name) and n not in types:
                problems.append(f"{where}: type must be set before responses")
            if name == "type" and isinstance(value, str):
                types[n] = value
            seen.add(name)
            problem = check_value(element, value, version, types.get(n))
        else:
            problem = check_value(element, value, version)
        if problem:
            problems.append(problem)
    for name, count in counts.items():
        if count != 1:
            label = {"1.2": {"Initialize": "LMSInitialize", "Terminate": "LMSFinish"}}
            problems.append(f"{label.get(version, {}).get(name, name)} called {count} times")
    return problems
