"""``cpd-pack launch``: the LMS side of xAPI and cmi5 launches, driven over HTTP as an AU would.

The packages are the hand-made ones in tests/fixtures/aus (no browser, no real LRS here; the
tests with a real Ralph LRS behind the launcher are in tests/lrs/test_launch_ralph.py).
"""

from __future__ import annotations

import json
import stat
import time
import urllib.parse
import uuid
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner

from cpd_pack.cli import cli
from cpd_pack.launch import LaunchError, LaunchServer, PackageError, describe_statement
from cpd_pack.launch.server import LaunchServer as ServerClass
from cpd_pack.schemas import validation_errors
from fixtures.aus.au import COURSE_ID, PUBLISHER_ID, Au, package_zip
from lrs.cmi5_rules import EXT_LAUNCHMODE, EXT_MASTERY, EXT_MOVEON, EXT_SESSION, check_cmi5

EXT_LAUNCHURL = "https://w3id.org/xapi/cmi5/context/extensions/launchurl"
CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
ABANDONED = "https://w3id.org/xapi/adl/verbs/abandoned"
SATISFIED = "https://w3id.org/xapi/adl/verbs/satisfied"
VERSION = {"X-Experience-API-Version": "1.0.3"}
UUID4 = r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"


@pytest.fixture
def cmi5_zip(tmp_path: Path) -> Path:
    return package_zip("cmi5", tmp_path / "launch-test-cmi5.zip")


@pytest.fixture
def xapi_zip(tmp_path: Path) -> Path:
    return package_zip("xapi", tmp_path / "launch-test-xapi.zip")


@pytest.fixture
def reported() -> list[dict[str, Any]]:
    """The statements the launcher of ``srv`` reported through its callback."""
    return []


@pytest.fixture
def srv(cmi5_zip: Path, reported: list[dict[str, Any]]) -> Iterator[LaunchServer]:
    """A launcher serving the cmi5 package."""
    with LaunchServer(cmi5_zip, on_statement=reported.append) as server:
        yield server


def verbs(statements: list[dict[str, Any]]) -> list[str]:
    return [s["verb"]["id"].rsplit("/", 1)[-1] for s in statements]


def check(srv: LaunchServer, *, launch_mode: str = "Normal", finished: bool = True) -> list[str]:
    """The cmi5 rules over everything the launcher stored, as strings."""
    sessions = [s.id for reg in srv.launcher.registrations for s in reg.sessions]
    return [
        str(v)
        for v in check_cmi5(
            srv.statements,
            actor=srv.actor,
            registration=srv.registration,
            activity_id=srv.activity_id,
            publisher_id=PUBLISHER_ID,
            session_ids=sessions,
            launch_mode=launch_mode,
            mastery_score=0.8,
            move_on="CompletedAndPassed",
            finished=finished,
        )
    ]


# ---------------------------------------------------------------------- packages


def test_the_hand_made_cmi5_xml_is_valid_against_the_schema() -> None:
    xml = (Path(__file__).parent / "fixtures" / "aus" / "cmi5" / "cmi5.xml").read_bytes()
    assert validation_errors("cmi5", xml) == []


def unsafe_zip(path: Path, name: str, *, symlink: bool = False) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "cmi5.xml", (Path(__file__).parent / "fixtures/aus/cmi5/cmi5.xml").read_text()
        )
        info = zipfile.ZipInfo(name)
        if symlink:
            info.create_system = 3
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, "/etc/passwd" if symlink else "evil")
    return path


@pytest.mark.parametrize(
    ("name", "symlink", "message"),
    [
        ("../evil.txt", False, "points outside the package"),
        ("js/../../evil.txt", False, "points outside the package"),
        ("/tmp/evil.txt", False, "is an absolute path"),
        ("C:/evil.txt", False, "is an absolute path"),
        ("..\\evil.txt", False, "points outside the package"),
        ("index.html", True, "is a symbolic link"),
    ],
    ids=["zip-slip", "nested-zip-slip", "absolute", "drive-letter", "backslash", "symlink"],
)
def test_unsafe_zips_are_refused_before_anything_is_written(
    tmp_path: Path, name: str, symlink: bool, message: str
) -> None:
    package = unsafe_zip(tmp_path / "bad.zip", name, symlink=symlink)

    with pytest.raises(PackageError, match=message):
        LaunchServer(package).start()

    assert not (tmp_path / "evil.txt").exists()


def test_a_zip_expanding_beyond_the_limit_is_refused(cmi5_zip: Path, tmp_path: Path) -> None:
    big = package_zip("cmi5", tmp_path / "big.zip", extra={"media/big.bin": b"\0" * 200_000})

    with pytest.raises(PackageError, match="expands to more than 100000 bytes"):
        LaunchServer(big, max_bytes=100_000).start()


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ({"index.html": "<p>"}, "not an xAPI or cmi5 package"),
        ({"imsmanifest.xml": "<manifest/>"}, "not an xAPI or cmi5 package"),
        ({"tincan.xml": "<tincan"}, "tincan.xml: not well-formed XML"),
    ],
    ids=["no-manifest", "scorm", "broken-tincan"],
)
def test_packages_of_another_kind_get_a_clear_error(
    tmp_path: Path, entries: dict[str, str], message: str
) -> None:
    path = tmp_path / "other.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in entries.items():
            archive.writestr(name, text)

    with pytest.raises(PackageError, match=message):
        LaunchServer(path).start()


def test_not_a_zip_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "course.zip"
    path.write_text("not a zip")
    with pytest.raises(PackageError, match="not a readable zip file"):
        LaunchServer(path).start()


def test_tincan_xml_may_sit_in_a_single_subfolder(tmp_path: Path) -> None:
    path = tmp_path / "nested.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name in ("tincan.xml", "index.html"):
            archive.write(Path(__file__).parent / "fixtures/aus/xapi" / name, f"course/{name}")

    with LaunchServer(path) as server:
        assert server.kind == "xapi"
        assert requests.get(server.launch_url(), timeout=5).status_code == 200


# ---------------------------------------------------------------------- xAPI launch


def test_xapi_launch_url_follows_the_rustici_convention(xapi_zip: Path) -> None:
    with LaunchServer(xapi_zip, actor="ada@example.com", name="Ada") as server:
        url = server.launch_url()
        au = Au(url)
        split = urllib.parse.urlsplit(url)

        assert f"{split.scheme}://{split.netloc}{split.path}" == server.url + "/content/index.html"
        assert set(au.params) == {"endpoint", "auth", "actor", "registration", "activity_id"}
        assert au.params["endpoint"] == server.url + "/xapi/"
        assert au.params["auth"].startswith("Basic ")
        assert au.actor == {"objectType": "Agent", "name": "Ada", "mbox": "mailto:ada@example.com"}
        assert au.params["registration"] == server.registration
        assert au.params["activity_id"] == COURSE_ID == server.activity_id
        assert "%20" in split.query and "+" not in split.query  # RFC 3986 encoding

        statement = {
            "actor": au.actor,
            "verb": {"id": "http://adlnet.gov/expapi/verbs/initialized"},
            "object": {"id": COURSE_ID},
            "context": {"registration": au.registration},
        }
        posted = au.request("POST", "statements", json=statement)
        assert posted.status_code == 200
        [stored] = server.statements
        assert stored["id"] == posted.json()[0]
        assert stored["authority"]["account"]["name"] == "cpd-pack-launch"
        assert {"stored", "timestamp", "version"} <= set(stored)
        # every launch gets its own token; earlier ones stay valid while the launcher runs
        second = Au(server.launch_url())
        assert second.auth != au.auth
        assert second.request("GET", "statements").json()["statements"][0]["id"] == stored["id"]


def test_an_unreachable_lrs_gives_502_and_stores_nothing(xapi_zip: Path) -> None:
    dead = ("http://127.0.0.1:9/xapi/", "key", "secret")  # the discard port: nothing listens
    with LaunchServer(xapi_zip, lrs=dead) as server:
        au = Au(server.launch_url())
        answer = au.post(au.statement("initialized", defined=False))

        assert answer.status_code == 502
        assert "unreachable" in answer.json()["error"]
        assert answer.headers["X-Experience-API-Version"] == "1.0.3"
        assert server.statements == []


def test_a_cmi5_launch_needs_the_lrs_to_accept_launched(cmi5_zip: Path) -> None:
    with LaunchServer(cmi5_zip, lrs=("http://127.0.0.1:9/xapi", "k", "s")) as server:
        with pytest.raises(LaunchError, match=r"cannot launch: the LRS at .* is unreachable"):
            server.launch_url()
        assert server.launcher.registration.sessions == []


# ---------------------------------------------------------------------- cmi5 launch


def test_cmi5_launch_url_has_exactly_the_five_parameters(srv: LaunchServer) -> None:
    url = srv.launch_url()
    au = Au(url)

    assert url.startswith(srv.url + "/content/index.html?")
    assert set(au.params) == {"endpoint", "fetch", "actor", "registration", "activityId"}
    assert au.endpoint == srv.url + "/xapi/"
    assert au.params["fetch"].startswith(srv.url + "/fetch/")
    assert au.actor == {
        "objectType": "Agent",
        "name": "Test Learner",
        "account": {"homePage": "https://cpd-pack.invalid/launch", "name": "learner@example.com"},
    }
    assert au.registration == srv.registration
    assert au.activity_id == srv.activity_id != PUBLISHER_ID


def test_activity_id_is_stable_and_registrations_are_new_on_request(srv: LaunchServer) -> None:
    first, again = Au(srv.launch_url()), Au(srv.launch_url())
    other = Au(srv.launch_url(new_registration=True))

    assert first.registration == again.registration != other.registration
    assert first.activity_id == again.activity_id == other.activity_id
    assert first.params["fetch"] != again.params["fetch"]


def test_launched_is_recorded_before_the_au_runs(
    srv: LaunchServer, reported: list[dict[str, Any]]
) -> None:
    au = Au(srv.launch_url()).start()

    [launched] = srv.statements
    session = au.launch_data["contextTemplate"]["extensions"][EXT_SESSION]
    assert launched["verb"]["id"] == "http://adlnet.gov/expapi/verbs/launched"
    assert launched["actor"] == au.actor
    assert launched["object"]["id"] == au.activity_id
    assert launched["context"]["registration"] == au.registration
    assert launched["context"]["contextActivities"] == {
        "category": [{"id": CMI5}],
        "grouping": [{"id": PUBLISHER_ID}],
    }
    assert launched["context"]["extensions"] == {
        EXT_SESSION: session,
        EXT_LAUNCHMODE: "Normal",
        EXT_MOVEON: "CompletedAndPassed",
        EXT_LAUNCHURL: srv.url + "/content/index.html",
        EXT_MASTERY: 0.8,
    }
    assert reported == srv.statements


def test_launch_data_is_written_for_each_session(srv: LaunchServer) -> None:
    au = Au(srv.launch_url(mode="Browse")).start()
    session = srv.launcher.registration.sessions[-1]

    expected = {
        "contextTemplate": {
            "contextActivities": {"grouping": [{"id": PUBLISHER_ID}]},
            "extensions": {EXT_SESSION: session.id},
        },
        "launchMode": "Browse",
        "moveOn": "CompletedAndPassed",
        "masteryScore": 0.8,
        "returnURL": srv.url + "/",
    }
    assert au.launch_data == expected == srv.launch_data()
    assert srv.statements[-1]["context"]["extensions"][EXT_LAUNCHMODE] == "Browse"
    assert au.preferences == {"languagePreference": "en-GB", "audioPreference": "on"}


def test_fetch_gives_the_token_once_then_error_1(srv: LaunchServer) -> None:
    au = Au(srv.launch_url())
    fetch = au.params["fetch"]

    refused = requests.get(fetch, timeout=5)
    first = requests.post(fetch, timeout=5)
    second = requests.post(fetch, timeout=5)
    unknown = requests.post(srv.url + "/fetch/nope", timeout=5)

    assert (refused.status_code, refused.headers["Allow"]) == (405, "POST")
    assert first.status_code == 200
    assert first.headers["Content-Type"] == "application/json"
    assert set(first.json()) == {"auth-token"}
    assert second.status_code == 200
    assert second.json()["error-code"] == "1" and second.json()["error-text"]
    assert unknown.json()["error-code"] == "2"


def test_the_xapi_endpoint_needs_the_token_from_fetch(srv: LaunchServer) -> None:
    au = Au(srv.launch_url())
    au.start()
    statement = au.statement("initialized")

    missing = au.post(statement, auth=False)
    wrong = au.post(statement, headers={"Authorization": "Basic bm9ib2R5OnNlY3JldA=="})
    right = au.post(statement)

    assert (missing.status_code, wrong.status_code, right.status_code) == (401, 401, 200)
    assert verbs(srv.statements) == ["launched", "initialized"]


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 400),
        ({"X-Experience-API-Version": "2.0.0"}, 400),
        ({"X-Experience-API-Version": "1.0"}, 200),
    ],
    ids=["missing", "2.0.0", "1.0"],
)
def test_the_version_header_is_required(
    srv: LaunchServer, headers: dict[str, str], status: int
) -> None:
    au = Au(srv.launch_url()).start()
    sent = {"Authorization": au.auth or "", **headers}

    answer = requests.get(au.endpoint + "statements", headers=sent, timeout=5)

    assert answer.status_code == status
    assert answer.headers["X-Experience-API-Version"] == "1.0.3"


def test_about_answers_without_version_or_token(srv: LaunchServer) -> None:
    answer = requests.get(srv.endpoint + "about", timeout=5)
    assert answer.status_code == 200
    assert "1.0.3" in answer.json()["version"]


def test_state_round_trip_with_etags(srv: LaunchServer) -> None:
    au = Au(srv.launch_url()).start()
    params = au.state_params("cpd.progress")

    put = au.request("PUT", "activities/state", params=params, json={"page": 3})
    got = au.get_state("cpd.progress")
    stale = au.request(
        "PUT", "activities/state", params=params, json={"page": 4}, headers={"If-Match": '"stale"'}
    )
    merged = au.request(
        "POST",
        "activities/state",
        params=params,
        json={"answers": {"q1": "b"}},
        headers={"If-Match": got.headers["ETag"]},
    )
    listed = au.request(
        "GET", "activities/state", params={k: v for k, v in params.items() if k != "stateId"}
    )

    assert put.status_code == 204
    assert (got.status_code, got.json()) == (200, {"page": 3})
    assert got.headers["ETag"].startswith('"')
    assert stale.status_code == 412
    assert merged.status_code == 204
    assert au.get_state("cpd.progress").json() == {"page": 3, "answers": {"q1": "b"}}
    assert srv.state[(au.activity_id, au.registration, "cpd.progress")] == {
        "page": 3,
        "answers": {"q1": "b"},
    }
    assert sorted(listed.json()) == ["LMS.LaunchData", "cpd.progress"]
    assert au.request("DELETE", "activities/state", params=params).status_code == 204
    assert au.get_state("cpd.progress").status_code == 404


def test_the_au_cannot_change_launch_data(srv: LaunchServer) -> None:
    au = Au(srv.launch_url()).start()
    params = au.state_params("LMS.LaunchData")

    for method in ("PUT", "POST", "DELETE"):
        assert au.request(method, "activities/state", params=params, json={}).status_code == 403
    everything = {k: v for k, v in params.items() if k != "stateId"}
    assert au.request("DELETE", "activities/state", params=everything).status_code == 403
    assert au.get_state("LMS.LaunchData").json() == au.launch_data


def test_agent_profile_follows_the_concurrency_rules(srv: LaunchServer) -> None:
    au = Au(srv.launch_url()).start()
    params = {"agent": au.params["actor"], "profileId": "cmi5LearnerPreferences"}
    current = au.request("GET", "agents/profile", params=params)

    blind = au.request("PUT", "agents/profile", params=params, json={"audioPreference": "off"})
    matched = au.request(
        "PUT",
        "agents/profile",
        params=params,
        json={"audioPreference": "off"},
        headers={"If-Match": current.headers["ETag"]},
    )

    assert blind.status_code == 409
    assert matched.status_code == 204
    assert au.request("GET", "agents/profile", params=params).json() == {"audioPreference": "off"}
    ids = au.request("GET", "agents/profile", params={"agent": au.params["actor"]})
    assert ids.json() == ["cmi5LearnerPreferences"]


# ---------------------------------------------------------------------- statements


def test_a_full_session_keeps_every_cmi5_rule(srv: LaunchServer) -> None:
    au = Au(srv.launch_url()).start()
    session = au.passing_session()

    answer = au.post(*session)

    assert answer.status_code == 200
    assert answer.json() == [s["id"] for s in session]
    assert verbs(srv.statements) == [
        "launched", "initialized", "answered", "completed", "passed", "terminated", "satisfied"
    ]  # fmt: skip
    assert check(srv) == []
    satisfied = srv.statements[-1]
    assert (
        satisfied["object"]["definition"]["type"]
        == "https://w3id.org/xapi/cmi5/activitytype/course"
    )
    assert satisfied["object"]["id"] not in (COURSE_ID, PUBLISHER_ID)
    assert satisfied["context"]["contextActivities"]["grouping"] == [{"id": COURSE_ID}]
    assert (
        satisfied["context"]["extensions"][EXT_SESSION]
        == au.launch_data["contextTemplate"]["extensions"][EXT_SESSION]
    )


def test_the_checker_sees_a_broken_session_through_the_launcher(srv: LaunchServer) -> None:
    au = Au(srv.launch_url()).start()
    passed = au.statement(
        "passed", result={"score": {"scaled": 0.5}, "success": True, "duration": "PT1S"}
    )
    assert au.post(au.statement("initialized"), passed).status_code == 200

    assert any(v.startswith("9.3.4.0-2") for v in check(srv, finished=False))


def test_statements_are_idempotent_by_id(srv: LaunchServer, reported: list[dict[str, Any]]) -> None:
    au = Au(srv.launch_url()).start()
    initialized = au.statement("initialized")

    first = au.post(initialized)
    again = au.post(initialized)
    put_again = au.request(
        "PUT", "statements", params={"statementId": initialized["id"]}, json=initialized
    )
    changed = au.post({**initialized, "timestamp": au.stamp()})

    assert (first.status_code, again.status_code, put_again.status_code) == (200, 200, 204)
    assert again.json() == [initialized["id"]]
    assert changed.status_code == 409
    assert verbs(srv.statements) == ["launched", "initialized"]
    assert len(reported) == 2


def test_concurrent_resends_store_a_statement_once(srv: LaunchServer) -> None:
    au = Au(srv.launch_url()).start()
    initialized = au.statement("initialized")
    endpoint, headers = au.endpoint + "statements", {**VERSION, "Authorization": au.auth or ""}

    def send(_: int) -> int:
        return requests.post(endpoint, json=initialized, headers=headers, timeout=10).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(send, range(16)))

    assert codes == [200] * 16
    assert verbs(srv.statements) == ["launched", "initialized"]


def test_put_needs_a_matching_statement_id(srv: LaunchServer) -> None:
    au = Au(srv.launch_url()).start()
    statement = au.statement("initialized")

    without = au.request("PUT", "statements", json=statement)
    other = au.request(
        "PUT", "statements", params={"statementId": str(uuid.uuid4())}, json=statement
    )

    assert (without.status_code, other.status_code) == (400, 400)


def test_get_statements_by_id_and_by_filters(srv: LaunchServer) -> None:
    au = Au(srv.launch_url()).start()
    session = au.passing_session()
    au.post(*session)

    one = au.request("GET", "statements", params={"statementId": session[3]["id"]})
    passed = au.request("GET", "statements", params={"verb": session[3]["verb"]["id"]})
    page = au.request(
        "GET",
        "statements",
        params={"registration": au.registration, "limit": 3, "ascending": "true"},
    )
    pages = [page.json()]
    while pages[-1]["more"]:
        more = srv.url + pages[-1]["more"]
        headers = {**VERSION, "Authorization": au.auth or ""}
        pages.append(au.http.get(more, headers=headers, timeout=5).json())
    mine = au.request("GET", "statements", params={"agent": json.dumps(au.actor)})
    missing = au.request("GET", "statements", params={"statementId": str(uuid.uuid4())})
    mixed = au.request("GET", "statements", params={"statementId": session[0]["id"], "verb": "x"})

    assert one.status_code == 200 and one.json()["id"] == session[3]["id"]
    assert [s["id"] for s in passed.json()["statements"]] == [session[3]["id"]]
    assert [verbs(p["statements"]) for p in pages] == [
        ["launched", "initialized", "answered"],
        ["completed", "passed", "terminated"],
        ["satisfied"],
    ]
    assert len(mine.json()["statements"]) == 7
    assert (missing.status_code, mixed.status_code) == (404, 400)
    assert "X-Experience-API-Consistent-Through" in one.headers


def test_the_au_may_not_void(srv: LaunchServer) -> None:
    au = Au(srv.launch_url()).start()
    voiding = au.statement("voided", defined=False)
    voiding["verb"]["id"] = "http://adlnet.gov/expapi/verbs/voided"
    voiding["object"] = {"objectType": "StatementRef", "id": srv.statements[0]["id"]}

    assert au.post(voiding).status_code == 403


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b'{"verb": {"id": "x"}}',
        b'[{"id": "not-a-uuid", "actor": {}, "verb": {"id": "x"}, "object": {}}]',
    ],
    ids=["not-json", "no-actor", "bad-id"],
)
def test_malformed_statements_get_400(srv: LaunchServer, body: bytes) -> None:
    au = Au(srv.launch_url()).start()
    answer = au.request(
        "POST", "statements", data=body, headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 400
    assert len(srv.statements) == 1


# ---------------------------------------------------------------------- sessions


def test_a_new_session_abandons_the_open_one(srv: LaunchServer) -> None:
    left = Au(srv.launch_url()).start()
    assert left.post(left.statement("initialized")).status_code == 200
    old_session = srv.launcher.registration.sessions[0].id

    Au(srv.launch_url()).start()

    assert verbs(srv.statements) == ["launched", "initialized", "abandoned", "launched"]
    abandoned = srv.statements[2]
    assert abandoned["verb"]["id"] == ABANDONED
    assert abandoned["context"]["extensions"][EXT_SESSION] == old_session
    assert abandoned["context"]["contextActivities"]["category"] == [{"id": CMI5}]
    assert abandoned["result"]["duration"].startswith("PT")
    assert abandoned["timestamp"] > srv.statements[1]["timestamp"]
    late = left.post(left.statement("terminated", result={"duration": "PT1S"}))
    assert late.status_code == 403  # cmi5 9.3.6: nothing more for an abandoned session
    assert check(srv, finished=False) == []


def test_stopping_the_launcher_abandons_open_sessions(cmi5_zip: Path) -> None:
    reported: list[dict[str, Any]] = []
    with LaunchServer(cmi5_zip, on_statement=reported.append) as server:
        au = Au(server.launch_url()).start()
        au.post(*au.passing_session()[:2])
        finished = Au(server.launch_url(new_registration=True)).start()
        finished.post(
            finished.statement("initialized"),
            finished.statement("terminated", result={"duration": "PT1S"}),
        )

    assert verbs(reported) == [
        "launched", "initialized", "answered", "launched", "initialized", "terminated", "abandoned"
    ]  # fmt: skip
    assert reported[-1]["context"]["registration"] == au.registration


def test_a_terminated_session_is_closed_after_the_grace_period(cmi5_zip: Path) -> None:
    with LaunchServer(cmi5_zip, terminated_grace=0.2) as server:
        au = Au(server.launch_url()).start()
        au.post(
            au.statement("initialized"), au.statement("terminated", result={"duration": "PT1S"})
        )
        time.sleep(0.3)

        late = au.post(au.statement("experienced", defined=False))

        assert late.status_code == 403
        assert "terminated" in late.json()["error"]
        assert au.fetch().json()["error-code"] == "1"


def test_browse_mode_session_passes_the_rules(srv: LaunchServer) -> None:
    au = Au(srv.launch_url(mode="Browse")).start()
    au.post(au.statement("initialized"), au.statement("terminated", result={"duration": "PT2S"}))

    assert check(srv, launch_mode="Browse") == []
    with pytest.raises(LaunchError, match="launch mode 'Bogus'"):
        srv.launch_url(mode="Bogus")


# ---------------------------------------------------------------------- pages and content


def test_the_lms_page_launches_the_au(srv: LaunchServer) -> None:
    page = requests.get(srv.url + "/", timeout=5)
    launched = requests.post(
        srv.url + "/launch", data={"mode": "Review"}, allow_redirects=False, timeout=5
    )

    assert page.status_code == 200 and "Launch test AU" in page.text
    assert '<form method="post" action="/launch">' in page.text
    assert launched.status_code == 303
    au = Au(launched.headers["Location"]).start()
    assert au.launch_data["launchMode"] == "Review"
    assert "launched" in requests.get(srv.url + "/", timeout=5).text


def test_content_is_served_from_the_package_only(srv: LaunchServer) -> None:
    index = requests.get(srv.url + "/content/index.html", timeout=5)
    ranged = requests.get(
        srv.url + "/content/index.html", headers={"Range": "bytes=0-9"}, timeout=5
    )
    escape = requests.get(srv.url + "/content/%2e%2e/%2e%2e/etc/passwd", timeout=5)

    assert (index.status_code, index.headers["Content-Type"]) == (200, "text/html; charset=utf-8")
    assert (ranged.status_code, ranged.content) == (206, index.content[:10])
    assert escape.status_code == 404
    assert requests.get(srv.url + "/content/missing.js", timeout=5).status_code == 404
    head = requests.head(srv.url + "/content/index.html", timeout=5)
    assert (head.status_code, head.headers["Content-Length"]) == (200, str(len(index.content)))
    tail = requests.get(srv.url + "/content/index.html", headers={"Range": "bytes=-5"}, timeout=5)
    assert (tail.status_code, tail.content) == (206, index.content[-5:])


def test_other_hosts_and_origins_are_refused(srv: LaunchServer) -> None:
    """A page elsewhere cannot reach the launcher by DNS rebinding or start launches."""
    rebound = requests.get(srv.url + "/", headers={"Host": f"evil.example:{srv.port}"}, timeout=5)
    local = requests.get(srv.url + "/", headers={"Host": f"localhost:{srv.port}"}, timeout=5)
    forged = requests.post(
        srv.url + "/launch",
        headers={"Origin": "https://evil.example"},
        allow_redirects=False,
        timeout=5,
    )

    assert (rebound.status_code, local.status_code, forged.status_code) == (403, 200, 403)
    assert srv.launcher.registration.sessions == []


def test_an_au_url_with_its_own_query_keeps_it(tmp_path: Path) -> None:
    path = package_zip(
        "cmi5",
        tmp_path / "query.zip",
        replace={"<url>index.html</url>": "<url>index.html?lang=en&amp;x=1</url>"},
    )
    with LaunchServer(path) as server:
        au = Au(server.launch_url())

        assert au.launch_url.startswith(server.url + "/content/index.html?lang=en&x=1&endpoint=")
        assert au.params["lang"] == "en"
        launched = server.statements[0]["context"]["extensions"][EXT_LAUNCHURL]
        assert launched == server.url + "/content/index.html?lang=en&x=1"


@pytest.mark.parametrize(
    ("move_on", "sent", "satisfied_after"),
    [
        ("NotApplicable", [], "registration"),
        ("Completed", ["completed"], "completed"),
        ("Passed", ["completed"], None),
        ("CompletedOrPassed", ["passed"], "passed"),
    ],
)
def test_satisfied_follows_move_on(
    tmp_path: Path, move_on: str, sent: list[str], satisfied_after: str | None
) -> None:
    path = package_zip(
        "cmi5",
        tmp_path / "moveon.zip",
        replace={'moveOn="CompletedAndPassed"': f'moveOn="{move_on}"'},
    )
    with LaunchServer(path) as server:
        au = Au(server.launch_url()).start()
        results = {
            "completed": {"completion": True, "duration": "PT1S"},
            "passed": {"score": {"scaled": 0.9}, "success": True, "duration": "PT1S"},
        }
        au.post(au.statement("initialized"), *(au.statement(v, result=results[v]) for v in sent))
        seen = verbs(server.statements)

    if satisfied_after is None:
        assert "satisfied" not in seen
    elif satisfied_after == "registration":
        assert seen[:2] == ["satisfied", "launched"]
    else:
        assert seen[seen.index(satisfied_after) + 1] == "satisfied"


def test_describe_statement_is_one_line() -> None:
    line = describe_statement(
        {
            "timestamp": "2026-03-02T09:15:30.120Z",
            "verb": {"id": "http://adlnet.gov/expapi/verbs/passed", "display": {"en-US": "passed"}},
            "object": {"id": "https://example.org/au"},
            "result": {
                "score": {"scaled": 0.9, "raw": 9, "max": 10},
                "success": True,
                "duration": "PT1M",
            },
        }
    )
    assert (
        line
        == "09:15:30 passed       https://example.org/au  score 0.9 (9/10) success duration PT1M"
    )


# ---------------------------------------------------------------------- the command


def test_launch_help(cli_runner: CliRunner) -> None:
    result = cli_runner.invoke(cli, ["launch", "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output and "cpd-pack launch " in result.output


@pytest.fixture
def cli_runner() -> CliRunner:
    return CliRunner()


def test_launch_command_serves_until_stopped(
    cli_runner: CliRunner, cmi5_zip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def play(self: LaunchServer) -> None:
        au = Au(self.launch_url()).start()
        au.post(au.statement("initialized"))

    monkeypatch.setattr(ServerClass, "serve_until_interrupted", play)

    result = cli_runner.invoke(cli, ["launch", str(cmi5_zip), "--port", "0"])

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "cmi5 package 'Launch test AU' for learner@example.com"
    assert lines[1].startswith("Launch page: http://127.0.0.1:")
    assert [line.split()[1] for line in lines[2:-1]] == ["launched", "initialized", "abandoned"]
    assert lines[-1] == "Stopped."


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--lrs", "http://127.0.0.1:9/xapi/"], 2, "--lrs and --lrs-auth go together"),
        (["--lrs", "http://127.0.0.1:9/xapi/", "--lrs-auth", "nocolon"], 2, "KEY:SECRET"),
        (["--lrs", "ftp://x", "--lrs-auth", "k:s"], 1, "must be an http(s) URL"),
    ],
    ids=["lrs-without-auth", "auth-without-colon", "bad-url"],
)
def test_launch_command_option_errors(
    cli_runner: CliRunner, cmi5_zip: Path, args: list[str], code: int, message: str
) -> None:
    result = cli_runner.invoke(cli, ["launch", str(cmi5_zip), "--port", "0", *args])
    assert result.exit_code == code
    assert message in result.stderr


def test_launch_command_refuses_other_packages(cli_runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "scorm.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("imsmanifest.xml", "<manifest/>")
    slip = unsafe_zip(tmp_path / "slip.zip", "../evil.txt")

    other = cli_runner.invoke(cli, ["launch", str(path), "--port", "0"])
    unsafe = cli_runner.invoke(cli, ["launch", str(slip), "--port", "0"])

    assert other.exit_code == 1
    assert "not an xAPI or cmi5 package" in other.stderr
    assert unsafe.exit_code == 1
    assert "refusing the package: '../evil.txt' points outside the package" in unsafe.stderr
