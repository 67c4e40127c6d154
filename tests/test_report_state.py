"""Self-assessment change from the package's saved state, read through a real State API (the
xAPI endpoint of ``cpd-pack launch``): each learner's State document holds ``suspendData`` in
the format of ``cpd_pack.state``, with the ratings before and after."""

from __future__ import annotations

import base64
import json
import statistics
import urllib.parse
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import requests

from cpd_pack.build import make_packages
from cpd_pack.launch import LaunchServer
from cpd_pack.report import collect
from cpd_pack.report.course import load_key
from cpd_pack.report.lrs import STATE_ID
from cpd_pack.state import SavedState, encode_state

MINI = Path(__file__).parent / "fixtures" / "courses" / "mini"
VERBS = "http://adlnet.gov/expapi/verbs/"
LEARNERS = 12
T = TypeVar("T")


def ratings(n: int) -> tuple[str, str]:
    """Learner n's ratings (before, after) of the mini course's two statements; the last
    learner left the second statement unrated at the end."""
    after_second = "0" if n == LEARNERS - 1 else str(2 + n % 2)
    return f"{1 + n % 3}{2}", f"{3 + n % 3}{after_second}"


def with_saved_states(tmp_path: Path, run: Callable[[tuple[str, str]], T]) -> T:
    """Serve the mini course's xAPI package with ``cpd-pack launch``, store statements and a
    saved state for each learner, and call ``run((endpoint, KEY:SECRET))``."""
    [package] = make_packages(MINI, ["xapi"])
    zip_path = tmp_path / package.filename
    zip_path.write_bytes(package.data)
    key = load_key(MINI)
    with LaunchServer(zip_path, port=0) as server:
        auth = server.launch().auth or ""
        headers = {"Authorization": auth, "X-Experience-API-Version": "1.0.3"}
        iri = server.activity_id
        for n in range(LEARNERS):
            actor = {"objectType": "Agent", "mbox": f"mailto:l{n}@example.com", "name": f"L {n}"}
            registration = str(uuid.uuid4())
            statement = {"actor": actor, "verb": {"id": VERBS + "initialized"},
                         "object": {"id": iri}, "context": {"registration": registration}}  # fmt: skip
            posted = requests.post(server.endpoint + "statements", json=statement,
                                   headers=headers, timeout=10)  # fmt: skip
            assert posted.status_code == 200
            before, after = ratings(n)
            state = SavedState(pages_seen=[True] * len(key.outline.pages), before=before,
                               after=after)  # fmt: skip
            query = urllib.parse.urlencode({"activityId": iri, "agent": json.dumps(actor),
                                            "stateId": STATE_ID, "registration": registration})  # fmt: skip
            document = {"suspendData": encode_state(key.outline, state), "location": "welcome"}
            put = requests.put(f"{server.endpoint}activities/state?{query}", json=document,
                               headers=headers, timeout=10)  # fmt: skip
            assert put.status_code == 204
        credentials = base64.b64decode(auth.removeprefix("Basic ")).decode()
        return run((server.endpoint, credentials))


def test_self_assessment_change_from_saved_states(tmp_path: Path) -> None:
    analysis = with_saved_states(tmp_path, lambda lrs: collect(MINI, lrs=lrs))
    assert analysis.learners == LEARNERS
    assert analysis.results.notices == []
    first, second = analysis.self_assessment
    pairs = [ratings(n) for n in range(LEARNERS)]
    assert (first.id, first.n) == ("listen", LEARNERS)
    assert first.before == statistics.fmean(int(b[0]) for b, _ in pairs)
    assert first.after == statistics.fmean(int(a[0]) for _, a in pairs)
    assert first.improved == 1.0
    assert (second.id, second.n) == ("s2", LEARNERS - 1)
    assert second.before == 2.0
    assert second.after == statistics.fmean(int(a[1]) for _, a in pairs[:-1])
    assert second.improved == 5 / 11  # odd learners rate it 3 at the end
    assert analysis.scale == 5


def test_no_saved_state_is_said(tmp_path: Path) -> None:
    [package] = make_packages(MINI, ["xapi"])
    zip_path = tmp_path / package.filename
    zip_path.write_bytes(package.data)
    with LaunchServer(zip_path, port=0) as server:
        auth = server.launch().auth or ""
        headers = {"Authorization": auth, "X-Experience-API-Version": "1.0.3"}
        statement = {"actor": {"mbox": "mailto:a@example.com"}, "verb": {"id": VERBS + "initialized"},
                     "object": {"id": server.activity_id}}  # fmt: skip
        assert requests.post(server.endpoint + "statements", json=statement, headers=headers,
                             timeout=10).status_code == 200  # fmt: skip
        credentials = base64.b64decode(auth.removeprefix("Basic ")).decode()
        analysis = collect(MINI, lrs=(server.endpoint, credentials))
    assert analysis.self_assessment == ()
    assert analysis.results.notices == [
        f"--lrs {server.endpoint}: no saved state (State API document {STATE_ID}) for any "
        "learner, so no self-assessment ratings (an LRS without the State API keeps none)"
    ]
