"""cpd-pack report's inputs: any bytes as a Moodle export and any JSON as statements give a
:class:`ReportError` or results, never a traceback; LRS failures are named plainly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cpd_pack.report.analysis import analyse
from cpd_pack.report.course import load_key
from cpd_pack.report.lrs import fetch_statements, read_statements
from cpd_pack.report.moodle import read_moodle
from cpd_pack.report.results import ReportError

if TYPE_CHECKING:
    from lrs.ralph import RalphLRS

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "courses" / "mini"
HEADER = 'Name\t"Email address"\tAttempt\t"Started on"\t"Last accessed on"\tScore\tSCO'
IRI = "https://example.org/courses/mini-course"
KEY = load_key(MINI)

cells = st.sampled_from(["", "-", "1", "2", "q-single", "q-multi", "q-tf", "a", "a,b", "t",
                         "correct", "wrong", '"x y"', "50/100", "Incomplete", "\u00e9"])  # fmt: skip
rows = st.lists(st.lists(cells, max_size=14).map("\t".join), max_size=6)
block = "\t".join(f'"{p} {n}"' for n in range(2) for p in ("Question", "Response",
                                                           "Right answer", "Result"))  # fmt: skip


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=rows, blocks=st.booleans(), raw=st.binary(max_size=64))
def test_any_export_reads_or_fails_plainly(
    tmp_path: Path, body: list[str], blocks: bool, raw: bytes
) -> None:
    path = tmp_path / "export.txt"
    header = HEADER + ("\t" + block if blocks else "")
    for data in ("\n".join([header, *body]).encode(), raw):
        path.write_bytes(data)
        try:
            analyse(KEY, read_moodle(path, KEY))
        except ReportError as exc:
            assert exc.message.startswith(str(path))


json_values = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.sampled_from(
        ["answered", "experienced", "passed", IRI, f"{IRI}/questions/q-tf", f"{IRI}/pages/welcome",
         "http://adlnet.gov/expapi/verbs/answered", "http://adlnet.gov/expapi/verbs/passed",
         "mailto:a@example.com", "true", "a[,]b"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["id", "actor", "mbox", "verb", "object", "result", "response", "success",
                         "score", "scaled", "context", "registration", "timestamp"]),
        inner, max_size=5),
    max_leaves=20,
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(statements=st.lists(json_values, max_size=8))
def test_any_statements_give_results(statements: list[Any]) -> None:
    analyse(KEY, read_statements(statements, KEY, "test"))


def test_answers_and_pages_from_statements() -> None:
    verbs = "http://adlnet.gov/expapi/verbs/"
    actor = {"mbox": "mailto:ann@example.com", "name": "Ann"}

    def st_(n: int, verb: str, target: str, **result: Any) -> dict[str, Any]:
        found = {"id": f"00000000-0000-4000-8000-{n:012d}", "actor": actor,
                 "verb": {"id": verbs + verb}, "object": {"id": target},
                 "timestamp": f"2026-11-30T10:00:{n:02d}Z"}  # fmt: skip
        return {**found, "result": result} if result else found

    data = [
        st_(1, "experienced", f"{IRI}/pages/welcome"),
        st_(2, "answered", f"{IRI}/questions/q-tf", response="true", success=False),
        st_(3, "answered", f"{IRI}/questions/q-multi", response="a[,]b", success=True),
        st_(4, "answered", f"{IRI}/questions/q-old", response="a", success=True),
        st_(5, "failed", IRI, score={"scaled": 0.5}),
        st_(6, "answered", f"{IRI}/questions/q-tf", response="false", success=True),
        st_(7, "passed", IRI, score={"scaled": 1.0}),
        st_(8, "experienced", f"{IRI}/pages/no-such-page"),
        {"id": "v", "actor": actor, "verb": {"id": verbs + "voided"},
         "object": {"objectType": "StatementRef", "id": "00000000-0000-4000-8000-000000000001"}},
    ]  # fmt: skip
    results = read_statements(data, KEY, "file")
    assert [[(a.question, a.response, a.correct) for a in s.answers] for s in results.submissions] == [
        [("q-tf", ("true",), False), ("q-multi", ("a", "b"), True)],
        [("q-tf", ("false",), True)],
    ]  # fmt: skip
    assert results.visits == {}  # the only known page was voided
    assert results.unknown == {"q-old": 1, "page no-such-page": 1}
    assert [(a.learner, a.attempt, a.score) for a in results.attempts] == [
        ("ann@example.com", "1", 100.0)
    ]
    assert results.learners == {"ann@example.com": "Ann"}


def test_statements_file_errors(tmp_path: Path) -> None:
    from cpd_pack.report.lrs import load_statements

    path = tmp_path / "s.json"
    path.write_text(json.dumps({"statements": 3}), encoding="utf-8")
    with pytest.raises(ReportError) as caught:
        load_statements(path)
    assert caught.value.message == (
        f"{path}:1: expected a list of xAPI statements or a StatementResult"
    )


def test_unreachable_lrs_is_named() -> None:
    with pytest.raises(ReportError) as caught:
        fetch_statements("http://127.0.0.1:9/xAPI/", "k:s", IRI, timeout=5)
    assert caught.value.message == (
        "--lrs http://127.0.0.1:9/xAPI/: cannot reach the LRS ([Errno 111] Connection refused)"
    )
    with pytest.raises(ReportError) as caught:
        fetch_statements("http://127.0.0.1:9/xAPI/", "no-colon", IRI)
    assert caught.value.message == "--lrs-auth: expected KEY:SECRET"


def test_wrong_credentials_say_so(ralph_lrs: RalphLRS) -> None:
    with pytest.raises(ReportError) as caught:
        fetch_statements(ralph_lrs.endpoint, f"{ralph_lrs.username}:wrong", IRI)
    assert caught.value.message.startswith(f"--lrs {ralph_lrs.endpoint}: the LRS answered 401 ")
    assert caught.value.message.endswith("; check --lrs-auth")


def test_cmi5_au_id_and_other_courses() -> None:
    """A cmi5 LMS gives the AU an id of its own: course statements use it, and pages and
    questions name it as parent. A course whose IRI merely starts like this one is not read."""
    au = "https://lms.example.com/courses/7/au/0"
    verbs = "http://adlnet.gov/expapi/verbs/"
    actor = {"account": {"homePage": "https://lms.example.com", "name": "u7"}, "name": "Uma"}
    context = {"registration": "5b0f2a5e-0000-4000-8000-000000000007",
               "contextActivities": {"parent": [{"id": au}]}}  # fmt: skip
    data = [
        {"actor": actor, "verb": {"id": verbs + "answered"}, "context": context,
         "object": {"id": f"{IRI}/questions/q-tf"}, "result": {"response": "false", "success": True},
         "timestamp": "2026-11-30T10:00:01Z"},
        {"actor": actor, "verb": {"id": verbs + "passed"}, "context": context, "object": {"id": au},
         "result": {"score": {"scaled": 0.75}}, "timestamp": "2026-11-30T10:00:02Z"},
        {"actor": actor, "verb": {"id": verbs + "answered"}, "context": context,
         "object": {"id": f"{IRI}-copy/questions/q-tf"}, "result": {"response": "true"},
         "timestamp": "2026-11-30T10:00:03Z"},
    ]  # fmt: skip
    results = read_statements(data, KEY, "file")
    learner = "https://lms.example.com#u7"
    assert [(a.learner, a.attempt, a.score) for a in results.attempts] == [
        (learner, context["registration"], 75.0)
    ]
    assert [len(s.answers) for s in results.submissions] == [1]
    assert results.course_objects == {learner: au}
    assert results.unknown == {}
