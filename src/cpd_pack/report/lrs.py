"""xAPI statements, from an LRS (following ``more`` links) or a JSON file, read into results.

Statements are selected by the course's activity IRI with ``related_activities``, so the LRS
returns the course's own statements and those whose context names the course as parent
(``experienced`` pages and ``answered`` questions). Plain HTTP (``urllib``) is used rather than
tincan's RemoteLRS, which turns statements into its own classes and back.
"""

from __future__ import annotations

import base64
import json
import math
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from cpd_pack.report.course import CourseKey
from cpd_pack.report.results import Answer, Attempt, ReportError, Results, Submission

XAPI_VERSION = "1.0.3"
VERBS = "http://adlnet.gov/expapi/verbs/"
MAX_PAGES = 10_000
"""Most ``more`` pages followed (a guard against an LRS that loops)."""
MAX_STATES = 5_000
"""Most learners whose saved state is read (one request each)."""
STATE_ID = "https://w3id.org/xapi/cpd-pack/state/v1"
"""The package's State API document: ``{location, suspendData, ...}`` (see README)."""


def _get(
    url: str, target: str, headers: dict[str, str], timeout: float, *, absent: bool = False
) -> Any:
    """GET ``target`` as JSON; ``absent=True``: None when the LRS answers 404 (no document)."""
    request = urllib.request.Request(target, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        if absent and exc.code == 404:
            return None
        raise ReportError(
            f"--lrs {url}: the LRS answered {exc.code} {exc.reason} to {target}"
            + ("; check --lrs-auth" if exc.code in (401, 403) else "")
        ) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ReportError(f"--lrs {url}: cannot reach the LRS ({reason})") from None
    except ValueError as exc:
        raise ReportError(f"--lrs {url}: the answer is not JSON ({exc})") from None


def _headers(auth: str) -> dict[str, str]:
    """The headers of every request: HTTP Basic from ``KEY:SECRET``, the xAPI version."""
    key, colon, secret = auth.partition(":")
    if not colon:
        raise ReportError("--lrs-auth: expected KEY:SECRET")
    token = base64.b64encode(f"{key}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {token}", "X-Experience-API-Version": XAPI_VERSION}


def _pages(url: str, first: str, headers: dict[str, str], timeout: float) -> list[Any]:
    """Every statement from ``first`` on, following ``more`` links."""
    base = url if url.endswith("/") else url + "/"
    next_url: str | None = first
    found: list[Any] = []
    for _ in range(MAX_PAGES):
        if next_url is None:
            return found
        body = _get(url, next_url, headers, timeout)
        if not isinstance(body, dict) or not isinstance(body.get("statements"), list):
            raise ReportError(f"--lrs {url}: the answer is not a StatementResult")
        found += body["statements"]
        more = body.get("more")
        next_url = urllib.parse.urljoin(base, more) if more else None
    raise ReportError(f"--lrs {url}: more than {MAX_PAGES} pages of statements; stopped")


def fetch_statements(
    url: str, auth: str, activity: str, timeout: float = 30
) -> tuple[list[Any], str | None]:
    """Every statement about ``activity`` in the LRS at ``url``, following ``more`` links, and a
    notice when the LRS had to be read whole.

    ``auth`` is ``KEY:SECRET`` (HTTP Basic). When the filtered query finds nothing, every
    statement is read and filtered here: some LRSs (Ralph 5) never match ``activity=``.
    Raises :class:`ReportError` on any failure.
    """
    headers = _headers(auth)
    statements = (url if url.endswith("/") else url + "/") + "statements"
    query = urllib.parse.urlencode({"activity": activity, "related_activities": "true"})
    found = _pages(url, f"{statements}?{query}", headers, timeout)
    if found:
        return found, None
    found = _pages(url, statements, headers, timeout)
    notice = (
        f"--lrs {url}: the LRS found no statement for activity={activity}, so all "
        f"{len(found)} of its statements were read and those of the course kept (some LRSs, "
        "Ralph 5 among them, do not filter by activity)"
    )
    return found, notice if found else None


def fetch_ratings(
    url: str, auth: str, activity: str, results: Results, key: CourseKey, timeout: float = 30
) -> str | None:
    """Read each learner's self-assessment ratings from their saved state (the package's State
    API document) into ``results.ratings``; a notice when there is none or it cannot be read."""
    if not key.statements:
        return None
    from cpd_pack.state import decode_state

    headers = _headers(auth)
    base = (url if url.endswith("/") else url + "/") + "activities/state"
    read = other = 0
    for learner, agent in list(results.agents.items())[:MAX_STATES]:
        registrations = {a.attempt for a in results.attempts if a.learner == learner} or {"1"}
        for registration in sorted(registrations):
            course = results.course_objects.get(learner, activity)
            query = {"activityId": course, "agent": json.dumps(agent), "stateId": STATE_ID}
            if registration != "1":
                query["registration"] = registration
            target = f"{base}?{urllib.parse.urlencode(query)}"
            text = _dict(_get(url, target, headers, timeout, absent=True)).get("suspendData")
            if not isinstance(text, str) or not text:
                continue
            read += 1
            state = decode_state(key.outline, text)
            if state is None:
                other += 1
            elif "0" in "".join(results.ratings.get(learner, ("0", ""))):
                results.ratings[learner] = (state.before, state.after)
    if not read:
        return (
            f"--lrs {url}: no saved state (State API document {STATE_ID}) for any learner, so "
            "no self-assessment ratings (an LRS without the State API keeps none)"
        )
    if other:
        return (
            f"--lrs {url}: {other} of {read} saved states are for another version of the course "
            "(its pages or questions differ) and were not read"
        )
    return None


def load_statements(path: Path) -> list[Any]:
    """Statements from a JSON file: a list, or a StatementResult (``{"statements": [...]}``)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ReportError(f"{path}: not UTF-8 text ({exc.reason})") from None
    except json.JSONDecodeError as exc:
        raise ReportError(f"{path}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}") from None
    if isinstance(data, dict) and isinstance(data.get("statements"), list):
        data = data["statements"]
    if not isinstance(data, list):
        raise ReportError(f"{path}:1: expected a list of xAPI statements or a StatementResult")
    return data


def _dict(value: Any) -> dict[str, Any]:
    """``value`` when it is a JSON object, else an empty one (statements are not trusted)."""
    return value if isinstance(value, dict) else {}


def _learner(actor: Any) -> tuple[str, str]:
    """A stable key and a display name for an xAPI actor."""
    if not isinstance(actor, dict):
        return "", ""
    name = str(actor.get("name") or "")
    if actor.get("mbox"):
        return str(actor["mbox"]).removeprefix("mailto:"), name
    account = actor.get("account")
    if isinstance(account, dict) and account.get("name"):
        return f"{account.get('homePage', '')}#{account['name']}", name
    for field in ("mbox_sha1sum", "openid"):
        if actor.get(field):
            return str(actor[field]), name
    return "", name


def _response(question: str, text: str, key: CourseKey) -> tuple[str, ...]:
    info = key.questions[question]
    if info.type == "true-false":
        return (text.strip().lower(),)
    return tuple(part for part in text.split("[,]") if part)


def _course_objects(statements: list[dict[str, Any]], base: str) -> set[str]:
    """The ids the course itself has in the statements: its IRI, and the parent of its pages
    and questions (a cmi5 LMS gives the AU an id of its own)."""
    found = {base}
    for statement in statements:
        if str(_dict(statement.get("object")).get("id", "")).startswith(base + "/"):
            parents = _dict(_dict(statement.get("context")).get("contextActivities")).get("parent")
            found |= {
                str(_dict(p).get("id")) for p in (parents if isinstance(parents, list) else [])
            }
    return found - {"None"}


def read_statements(statements: list[Any], key: CourseKey, source: str) -> Results:
    """Turn statements into results: answers (``answered``), pages opened (``experienced``)."""
    base = key.activity_iri
    results = Results(sources=[source], has_visits=True)
    if base is None:
        results.notices.append(
            f"{source}: the course has no xapi.activity_iri, so no statement can be matched to it"
        )
        return results
    voided = {
        str(_dict(s.get("object")).get("id"))
        for s in map(_dict, statements)
        if str(_dict(s.get("verb")).get("id", "")).endswith("/voided")
    }
    usable = [s for s in map(_dict, statements) if s and str(s.get("id")) not in voided]
    usable.sort(key=lambda s: str(s.get("timestamp") or s.get("stored") or ""))
    open_: dict[tuple[str, str], tuple[int, list[Answer]]] = {}
    done: list[tuple[int, Submission]] = []
    attempts: dict[tuple[str, str], Attempt] = {}
    pages = {page.id for page in key.pages}
    courses = _course_objects(usable, base)
    for order, statement in enumerate(usable):
        learner, name = _learner(statement.get("actor"))
        verb = str(_dict(statement.get("verb")).get("id", ""))
        target = str(_dict(statement.get("object")).get("id", ""))
        inside = target.startswith(base + "/")
        if not learner or not verb.startswith(VERBS) or not (inside or target in courses):
            continue
        results.add_learner(learner, name)
        results.agents.setdefault(learner, statement["actor"])
        context = _dict(statement.get("context"))
        attempt = str(context.get("registration") or "1")
        kind, _, item = target[len(base) + 1 :].partition("/") if inside else ("", "", "")
        verb = verb[len(VERBS) :]
        if not kind:  # the course itself: the attempt and its best score
            results.course_objects.setdefault(learner, target)
            scaled = _dict(_dict(statement.get("result")).get("score")).get("scaled")
            score = None
            if isinstance(scaled, int | float) and not isinstance(scaled, bool):
                score = round(float(scaled) * 100, 2) if math.isfinite(scaled) else None
            old = attempts.get((learner, attempt), Attempt(learner, attempt, None, "started"))
            if score is not None and (old.score is None or score > old.score):
                old = Attempt(learner, attempt, score, "")
            attempts[(learner, attempt)] = old
        elif verb == "experienced" and kind == "pages":
            if item not in pages:
                results.count_unknown(f"page {item}")
                continue
            seen = results.visits.setdefault(learner, [])
            if item not in seen:
                seen.append(item)
        elif verb == "answered" and kind == "questions":
            if item not in key.questions:
                results.count_unknown(item)
                continue
            result = _dict(statement.get("result"))
            response = _response(item, str(result.get("response", "")), key)
            answer = Answer(item, response, bool(result.get("success")))
            start, current = open_.setdefault((learner, attempt), (order, []))
            if any(a.question == item for a in current):  # a repeated question: a new submission
                done.append((start, Submission(learner, attempt, tuple(current))))
                open_[(learner, attempt)] = start, current = order, []
            current.append(answer)
    done += [(start, Submission(*who, tuple(a))) for who, (start, a) in open_.items() if a]
    results.submissions = [submission for _, submission in sorted(done, key=lambda d: d[0])]
    results.attempts = list(attempts.values())
    return results
