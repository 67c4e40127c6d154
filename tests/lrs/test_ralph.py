"""The test LRS itself: a real Ralph 5.1.0 stores, returns and survives a restart."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from lrs.ralph import RalphLRS, ralph_installed, validate_statement
from prereq import require

require(ralph_installed(), "ralph-malph[lrs]==5.1.0 (the '.[test]' extra)", module=True)

import pydantic  # noqa: E402 - only once require() has passed
import requests  # noqa: E402

ACTOR = {
    "objectType": "Agent",
    "account": {"homePage": "https://lms.example.com", "name": "learner-1"},
}
AU_ID = "https://example.com/cpd/au/intro"


def statement(registration: str, verb: str = "experienced", **extra: Any) -> dict[str, Any]:
    """A valid xAPI 1.0.3 statement with a fresh id and a timestamp."""
    return {
        "id": str(uuid.uuid4()),
        "timestamp": "2026-01-15T09:30:00.250Z",
        "actor": ACTOR,
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}", "display": {"en-US": verb}},
        "object": {"id": AU_ID, "objectType": "Activity"},
        "context": {"registration": registration},
        **extra,
    }


@pytest.fixture
def registration() -> str:
    """A registration of this test's own, to filter the shared LRS by."""
    return str(uuid.uuid4())


def test_two_posts_in_two_requests_are_both_stored(ralph_lrs: RalphLRS, registration: str) -> None:
    first, second = statement(registration), statement(registration, "answered")

    one = ralph_lrs.post(first)
    two = ralph_lrs.post(second)  # Ralph's unpatched fs backend answers 500 here

    assert (one.status_code, one.json()) == (200, [first["id"]])
    assert (two.status_code, two.json()) == (200, [second["id"]])
    assert [s["id"] for s in ralph_lrs.statements(registration=registration)] == [
        first["id"],
        second["id"],
    ]


def test_get_returns_what_was_sent(ralph_lrs: RalphLRS, registration: str) -> None:
    sent = statement(registration, "completed", result={"completion": True, "duration": "PT1M2.5S"})
    assert ralph_lrs.post([sent]).status_code == 200

    [stored] = ralph_lrs.statements(registration=registration)

    assert {k: stored[k] for k in sent} == sent
    assert stored["authority"] == {
        "mbox": f"mailto:{ralph_lrs.username}@example.com",
        "objectType": "Agent",
    }
    assert stored["stored"].endswith("+00:00")


def test_repost_of_the_same_id_is_accepted_once(ralph_lrs: RalphLRS, registration: str) -> None:
    sent = statement(registration)

    first = ralph_lrs.post(sent)
    again = ralph_lrs.post(sent)
    again_in_list = ralph_lrs.post([sent])

    assert [first.status_code, again.status_code, again_in_list.status_code] == [200, 204, 204]
    assert [s["id"] for s in ralph_lrs.statements(registration=registration)] == [sent["id"]]


def test_repost_without_timestamp_is_a_conflict(ralph_lrs: RalphLRS, registration: str) -> None:
    """Ralph stamps a missing timestamp on receipt, so a retry differs from the stored copy."""
    sent = statement(registration)
    del sent["timestamp"]

    assert ralph_lrs.post(sent).status_code == 200
    again = ralph_lrs.post(sent)

    assert again.status_code == 409
    assert sent["id"] in again.json()["detail"]
    assert len(ralph_lrs.statements(registration=registration)) == 1


def test_statements_follows_more_in_stored_order(ralph_lrs: RalphLRS, registration: str) -> None:
    sent = [statement(registration, verb) for verb in ("initialized", "answered", "completed")]
    for one in sent:
        assert ralph_lrs.post(one).status_code == 200

    first_page = requests.get(
        ralph_lrs.endpoint + "statements",
        params={"registration": registration, "limit": 2},
        headers=ralph_lrs.headers,
        timeout=10,
    ).json()

    assert [s["id"] for s in first_page["statements"]] == [s["id"] for s in sent[:2]]
    assert first_page["more"].startswith("/xAPI/statements")
    assert [s["id"] for s in ralph_lrs.statements(registration=registration, limit=2)] == [
        s["id"] for s in sent
    ]


@pytest.mark.parametrize(
    "auth",
    [("cpd-pack-test", "wrong"), ("nobody", "secret"), None],
    ids=["wrong-password", "unknown-user", "no-credentials"],
)
def test_wrong_credentials_get_401(
    ralph_lrs: RalphLRS, registration: str, auth: tuple[str, str] | None
) -> None:
    headers = {"X-Experience-API-Version": "1.0.3"}

    posted = requests.post(
        ralph_lrs.endpoint + "statements",
        json=statement(registration),
        auth=auth,
        headers=headers,
        timeout=10,
    )
    read = requests.get(ralph_lrs.endpoint + "statements", auth=auth, headers=headers, timeout=10)

    assert (posted.status_code, read.status_code) == (401, 401)
    assert ralph_lrs.statements(registration=registration) == []


def test_cors_preflight_allows_a_course_page_on_another_port(ralph_lrs: RalphLRS) -> None:
    origin = "http://127.0.0.1:18765"
    response = requests.options(
        ralph_lrs.endpoint + "statements",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type,x-experience-api-version",
        },
        timeout=10,
    )

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == origin
    allowed = {
        h.strip().lower() for h in response.headers["access-control-allow-headers"].split(",")
    }
    assert {"authorization", "content-type", "x-experience-api-version"} <= allowed


def test_validate_statement_accepts_a_valid_statement() -> None:
    sent = statement(
        str(uuid.uuid4()),
        "passed",
        result={
            "score": {"scaled": 0.8, "raw": 8, "min": 0, "max": 10},
            "success": True,
            "duration": "PT12M3.25S",
        },
    )

    assert str(validate_statement(sent).id) == sent["id"]


@pytest.mark.parametrize(
    ("result", "field"),
    [
        ({"score": {"scaled": 1.5}}, "scaled"),
        ({"duration": "12 minutes"}, "duration"),
    ],
    ids=["scaled-1.5", "non-iso-duration"],
)
def test_validate_statement_rejects_what_ralph_stores(
    ralph_lrs: RalphLRS, registration: str, result: dict[str, Any], field: str
) -> None:
    sent = statement(registration, result=result)

    with pytest.raises(pydantic.ValidationError) as error:
        validate_statement(sent)

    assert field in str(error.value)
    assert ralph_lrs.post(sent).status_code == 200  # the LRS itself is lax


def test_stop_and_start_keep_port_and_statements(ralph_lrs: RalphLRS, registration: str) -> None:
    before = statement(registration, "initialized")
    after = statement(registration, "terminated")
    endpoint = ralph_lrs.endpoint
    assert ralph_lrs.post(before).status_code == 200

    ralph_lrs.stop()
    try:
        with pytest.raises(requests.ConnectionError):
            ralph_lrs.post(after)
    finally:
        ralph_lrs.start()

    assert ralph_lrs.endpoint == endpoint
    assert ralph_lrs.post(after).status_code == 200
    assert [s["id"] for s in ralph_lrs.statements(registration=registration)] == [
        before["id"],
        after["id"],
    ]


def test_startup_takes_a_few_seconds(ralph_lrs: RalphLRS) -> None:
    assert ralph_lrs.startup_seconds is not None
    assert ralph_lrs.startup_seconds < 15


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting for a reaper counts as gone)."""
    try:
        os.kill(pid, 0)
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (ProcessLookupError, FileNotFoundError):
        return False
    return state != "Z"


def test_server_dies_with_its_parent(tmp_path: Path, ralph_lrs: RalphLRS) -> None:
    """A parent that exits without cleaning up does not leave Ralph running."""
    script = (
        "import os, sys; sys.path.insert(0, sys.argv[1]);"
        "from lrs.ralph import RalphLRS;"
        "lrs = RalphLRS(__import__('pathlib').Path(sys.argv[2])).start();"
        "print(lrs._proc.pid, flush=True); os._exit(0)"
    )
    tests_dir = str(Path(__file__).resolve().parents[1])
    parent = subprocess.run(
        [sys.executable, "-c", script, tests_dir, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert parent.returncode == 0, parent.stderr
    child = int(parent.stdout.split()[0])

    deadline = time.monotonic() + 5
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.1)

    assert not _alive(child)
