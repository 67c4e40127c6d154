"""Unit tests of the strict SCO value checks (no browser needed)."""

from __future__ import annotations

from typing import Any

import pytest
from strict import check_calls, check_value


def _session(version: str, *sets: tuple[str, Any]) -> list[dict[str, Any]]:
    names = {"1.2": ("LMSInitialize", "LMSSetValue", "LMSFinish")}.get(
        version, ("Initialize", "SetValue", "Terminate")
    )
    calls = [{"generic": "Initialize", "method": names[0], "args": [""]}]
    calls += [{"generic": "SetValue", "method": names[1], "args": list(s)} for s in sets]
    calls.append({"generic": "Terminate", "method": names[2], "args": [""]})
    return calls


@pytest.mark.parametrize(
    ("element", "value"),
    [
        ("cmi.core.session_time", "0000:01:05.50"),
        ("cmi.core.session_time", "01:05:00"),
        ("cmi.core.score.raw", "85.5"),
        ("cmi.core.lesson_status", "passed"),
        ("cmi.suspend_data", "x" * 4096),
        ("cmi.core.lesson_location", "x" * 255),
        ("cmi.interactions.0.time", "13:04:05.5"),
        ("cmi.interactions.0.result", "wrong"),
        ("cmi.interactions.0.id", "q1_choice-2"),
        ("cmi.core.exit", ""),
    ],
)
def test_valid_scorm12_values(element: str, value: str) -> None:
    assert check_value(element, value, "1.2") is None


@pytest.mark.parametrize(
    ("element", "value"),
    [
        ("cmi.core.session_time", "1:30:00"),
        ("cmi.core.session_time", "00:01:05.5"),
        ("cmi.core.session_time", "PT1M"),
        ("cmi.core.score.raw", "185"),
        ("cmi.core.lesson_status", "not attempted"),
        ("cmi.suspend_data", "x" * 4097),
        ("cmi.core.lesson_location", "x" * 256),
        ("cmi.interactions.0.time", "2024-01-01T10:00:00"),
        ("cmi.interactions.0.result", "incorrect"),
        ("cmi.interactions.0.id", "q 1"),
        ("cmi.core.exit", "normal"),
        ("cmi.core.total_time", "00:00:01"),
    ],
)
def test_invalid_scorm12_values(element: str, value: str) -> None:
    assert check_value(element, value, "1.2") is not None


@pytest.mark.parametrize(
    ("element", "value"),
    [
        ("cmi.session_time", "PT1H2M3.45S"),
        ("cmi.session_time", "P1DT5M"),
        ("cmi.interactions.0.timestamp", "2024-05-06T07:08:09.12Z"),
        ("cmi.interactions.0.timestamp", "2024-05-06T07:08:09+02:00"),
        ("cmi.score.scaled", "-0.25"),
        ("cmi.score.raw", "80"),
        ("cmi.interactions.0.id", "urn:cpd:quiz-1"),
        ("cmi.interactions.0.result", "incorrect"),
        ("cmi.interactions.0.result", "0.5"),
        ("cmi.completion_status", "completed"),
        ("cmi.exit", "suspend"),
        ("cmi.location", "x" * 1000),
        ("cmi.suspend_data", "x" * 64000),
    ],
)
def test_valid_scorm2004_values(element: str, value: str) -> None:
    assert check_value(element, value, "2004") is None


@pytest.mark.parametrize(
    ("element", "value"),
    [
        ("cmi.session_time", "PT"),
        ("cmi.session_time", "PT1.234S"),
        ("cmi.session_time", "00:01:00"),
        ("cmi.interactions.0.timestamp", "2024-05-06T07:08:09.123Z"),
        ("cmi.interactions.0.timestamp", "2040-01-01T00:00:00"),
        ("cmi.score.scaled", "1.5"),
        ("cmi.score.raw", ".5"),
        ("cmi.score.raw", "1e2"),
        ("cmi.interactions.0.id", "has space"),
        ("cmi.interactions.0.id", "urn:bad_nid:x"),
        ("cmi.interactions.0.result", "wrong"),
        ("cmi.completion_status", "passed"),
        ("cmi.exit", "bogus"),
        ("cmi.location", "x" * 1001),
        ("cmi.suspend_data", "x" * 64001),
    ],
)
def test_invalid_scorm2004_values(element: str, value: str) -> None:
    assert check_value(element, value, "2004") is not None


@pytest.mark.parametrize(
    ("version", "kind", "response", "ok"),
    [
        ("1.2", "choice", "a,b", True),
        ("1.2", "choice", "ab", False),
        ("1.2", "choice", "A", False),
        ("1.2", "true-false", "t", True),
        ("1.2", "true-false", "yes", False),
        ("2004", "choice", "opt_1[,]opt.2", True),
        ("2004", "choice", "a[,]a", False),
        ("2004", "choice", "a[,]", False),
        ("2004", "choice", "choice-1", False),
        ("2004", "choice", "[,]".join(f"c{i}" for i in range(37)), False),
        ("2004", "true-false", "true", True),
        ("2004", "true-false", "t", False),
    ],
)
def test_responses_by_type(version: str, kind: str, response: str, ok: bool) -> None:
    field = "student_response" if version == "1.2" else "learner_response"
    problem = check_value(f"cmi.interactions.0.{field}", response, version, kind)
    assert (problem is None) is ok, problem


def test_clean_session_has_no_problems() -> None:
    calls = _session(
        "2004",
        ("cmi.interactions.0.id", "q1"),
        ("cmi.interactions.0.type", "choice"),
        ("cmi.interactions.0.learner_response", "b"),
        ("cmi.interactions.1.id", "q2"),
        ("cmi.session_time", "PT5S"),
    )
    assert check_calls(calls, "2004") == []


def test_interaction_order_and_index() -> None:
    calls = _session(
        "2004",
        ("cmi.interactions.0.type", "choice"),
        ("cmi.interactions.2.id", "q3"),
        ("cmi.interactions.2.learner_response", "a"),
    )
    problems = check_calls(calls, "2004")
    assert any("must be id" in p for p in problems)
    assert any("skips" in p for p in problems)
    assert any("type must be set" in p for p in problems)


def test_call_sequence() -> None:
    calls = _session("1.2", ("cmi.core.lesson_status", "passed"))
    calls.append(calls[-1])  # LMSFinish twice
    calls.append({"generic": "SetValue", "method": "LMSSetValue", "args": ["cmi.comments", 5]})
    problems = check_calls(calls[1:], "1.2")  # no LMSInitialize
    assert "LMSInitialize called 0 times" in problems
    assert "LMSFinish called 2 times" in problems
    assert any("outside Initialize..Terminate" in p for p in problems)
    assert any("not a string" in p for p in problems)


def test_write_only_get() -> None:
    calls = _session("1.2")
    calls.insert(1, {"generic": "GetValue", "method": "LMSGetValue",
                     "args": ["cmi.interactions.0.result"]})  # fmt: skip
    calls.insert(1, {"generic": "GetValue", "method": "LMSGetValue",
                     "args": ["cmi.interactions.0.objectives._count"]})  # fmt: skip
    problems = check_calls(calls, "1.2")
    assert len(problems) == 1 and "write-only" in problems[0]
