"""``cpd-pack launch`` with a real Ralph LRS behind it: every statement the AU and the launcher
record reaches Ralph exactly once, valid, and an LRS outage reaches the AU as a 5xx it can retry."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cpd_pack.launch import LaunchServer
from fixtures.aus.au import PUBLISHER_ID, Au, package_zip
from lrs.cmi5_rules import check_cmi5
from lrs.ralph import RalphLRS, ralph_installed, validate_statement
from prereq import require

require(ralph_installed(), "ralph-malph[lrs]==5.1.0 (the '.[test]' extra)", module=True)


@pytest.fixture
def srv(ralph_lrs: RalphLRS, tmp_path: Path) -> Iterator[LaunchServer]:
    """A launcher for the hand-made cmi5 package, forwarding to Ralph."""
    lrs = (ralph_lrs.endpoint, ralph_lrs.username, ralph_lrs.password)
    with LaunchServer(package_zip("cmi5", tmp_path / "cmi5.zip"), lrs=lrs) as server:
        yield server


def ids(statements: list[dict[str, Any]]) -> list[str]:
    return [s["id"] for s in statements]


def in_ralph(ralph_lrs: RalphLRS, registration: str) -> list[dict[str, Any]]:
    """Ralph's statements of one registration, in stored order (Ralph 5.1.0's fs backend
    answers in stored order by default, and reverses it for ``ascending=true``)."""
    return ralph_lrs.statements(registration=registration)


def test_a_cmi5_session_reaches_ralph_exactly_once(ralph_lrs: RalphLRS, srv: LaunchServer) -> None:
    au = Au(srv.launch_url()).start()
    session = au.passing_session()

    assert au.post(*session).status_code == 200
    assert au.post(*session).status_code == 200  # a resend: nothing new anywhere

    stored = in_ralph(ralph_lrs, au.registration)
    assert ids(stored) == ids(srv.statements)
    assert [s["verb"]["id"].rsplit("/", 1)[-1] for s in stored] == [
        "launched", "initialized", "answered", "completed", "passed", "terminated", "satisfied"
    ]  # fmt: skip
    for statement in stored:
        validate_statement(statement)
    violations = check_cmi5(
        stored,
        actor=au.actor,
        registration=au.registration,
        activity_id=au.activity_id,
        publisher_id=PUBLISHER_ID,
        session_ids=[s.id for s in srv.launcher.registration.sessions],
        mastery_score=0.8,
        move_on="CompletedAndPassed",
    )
    assert [str(v) for v in violations] == []


def test_an_outage_gives_502_and_the_resend_is_stored_once(
    ralph_lrs: RalphLRS, srv: LaunchServer
) -> None:
    au = Au(srv.launch_url()).start()
    initialized, answered, *_ = au.passing_session()
    assert au.post(initialized).status_code == 200

    ralph_lrs.stop()
    try:
        during = au.post(answered)
    finally:
        ralph_lrs.start()
    after = au.post(answered)
    again = au.post(answered)

    assert during.status_code in (502, 503)
    assert "unreachable" in during.json()["error"]
    assert (after.status_code, again.status_code) == (200, 200)
    stored = in_ralph(ralph_lrs, au.registration)
    assert ids(stored) == ids(srv.statements)
    assert ids(stored)[1:] == [initialized["id"], answered["id"]]


def test_the_launchers_own_statements_reach_ralph(ralph_lrs: RalphLRS, tmp_path: Path) -> None:
    lrs = (ralph_lrs.endpoint, ralph_lrs.username, ralph_lrs.password)
    with LaunchServer(package_zip("cmi5", tmp_path / "cmi5.zip"), lrs=lrs) as server:
        left = Au(server.launch_url()).start()
        left.post(left.statement("initialized"))
        Au(server.launch_url()).start()  # abandons the first session
        registration = server.registration
    # stopping the launcher abandons the second one

    stored = in_ralph(ralph_lrs, registration)
    verbs = [s["verb"]["id"].rsplit("/", 1)[-1] for s in stored]
    assert verbs == ["launched", "initialized", "abandoned", "launched", "abandoned"]
    for statement in stored:
        validate_statement(statement)
