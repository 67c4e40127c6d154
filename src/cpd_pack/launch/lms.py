"""The LMS's part of a launch: registrations, cmi5 sessions (cmi5 sections 8 to 11), tokens, and
the statements the LMS itself records (launched, abandoned, satisfied)."""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from cpd_pack.launch.model import (
    ABANDONED,
    CMI5_CATEGORY,
    COMPLETED,
    COURSE_TYPE,
    EXT_LAUNCHMODE,
    EXT_LAUNCHURL,
    EXT_MASTERY,
    EXT_MOVEON,
    EXT_PARAMETERS,
    EXT_SESSION,
    LAUNCH_DATA,
    LAUNCHED,
    LEARNER_PREFERENCES,
    MODES,
    MOVE_ON,
    PASSED,
    SATISFIED,
    TERMINATED,
    Grant,
    Launch,
    LaunchError,
    Registration,
    Session,
    iso_duration,
    lms_id,
)
from cpd_pack.launch.package import Package
from cpd_pack.launch.store import (
    VOIDED,
    DocumentStore,
    Json,
    StatementStore,
    XapiError,
    agent_key,
    iso_time,
    now_iso,
    parse_time,
)
from cpd_pack.launch.upstream import Upstream


def _token(label: str) -> str:
    return base64.b64encode(f"{label}:{secrets.token_urlsafe(24)}".encode()).decode("ascii")


class Launcher:
    """The LMS side for one package and one learner; every method is thread-safe."""

    def __init__(
        self,
        package: Package,
        *,
        base_url: str,
        actor: Json,
        mode: str = "Normal",
        upstream: Upstream | None = None,
        on_statement: Callable[[Json], None] | None = None,
        on_notice: Callable[[str], None] | None = None,
        terminated_grace: float = 60.0,
    ) -> None:
        if mode not in MODES:
            raise LaunchError(f"launch mode {mode!r} is not one of {', '.join(MODES)}")
        self.package = package
        self.base_url = base_url
        self.endpoint = base_url + "/xapi/"
        self.actor = actor
        self.mode = mode
        self.upstream = upstream
        self.on_statement = on_statement
        self.on_notice = on_notice
        self.terminated_grace = terminated_grace
        self.lock = threading.RLock()
        self.statements = StatementStore(
            {"objectType": "Agent", "account": {"homePage": base_url, "name": "cpd-pack-launch"}}
        )
        self.state = DocumentStore(require_preconditions=False)
        self.profiles = DocumentStore(require_preconditions=True)
        self.activity_id = (
            lms_id(package.activity_id, "au") if package.kind == "cmi5" else package.activity_id
        )
        self.registrations: list[Registration] = []
        self._tokens: dict[str, Grant] = {}
        self._fetch: dict[str, Session] = {}
        self.learner_key = agent_key(actor)

    @property
    def registration(self) -> Registration:
        """The current registration (new launches use it)."""
        return self.registrations[-1]

    def start(self) -> None:
        """Create the first registration and the learner's cmi5 preferences."""
        with self.lock:
            if self.package.kind == "cmi5":
                prefs = {"languagePreference": self.package.language, "audioPreference": "on"}
                self.profiles.put(
                    (self.learner_key, LEARNER_PREFERENCES),
                    json.dumps(prefs).encode(),
                    "application/json",
                )
            self._new_registration()

    def _new_registration(self) -> Registration:
        reg = Registration(str(uuid.uuid4()))
        if self.package.kind == "cmi5" and self.package.move_on == "NotApplicable":
            try:  # cmi5 9.6.1: moveOn is evaluated at registration
                self._satisfy(reg, str(uuid.uuid4()))
            except XapiError as exc:
                raise LaunchError(f"cannot register: {exc.message}") from exc
        self.registrations.append(reg)
        return reg

    def _notice(self, message: str) -> None:
        if self.on_notice is not None:
            self.on_notice(message)

    # ------------------------------------------------------------------ launching

    def _au_url(self, params: dict[str, str] | None = None) -> str:
        parts = urllib.parse.urlsplit(self.package.url)
        path = urllib.parse.quote(urllib.parse.unquote(parts.path), safe="/")
        query = parts.query
        if params:
            extra = urllib.parse.urlencode(params, quote_via=urllib.parse.quote)
            query = f"{query}&{extra}" if query else extra
        url = f"{self.base_url}/content/{path}" + (f"?{query}" if query else "")
        return url + (f"#{parts.fragment}" if parts.fragment else "")

    def launch(self, *, mode: str | None = None, new_registration: bool = False) -> Launch:
        """A new launch. cmi5: abandon the registration's open session, record Launched, write
        LMS.LaunchData and make a one-time fetch URL. xAPI: a new auth token."""
        with self.lock:
            if new_registration:
                self._new_registration()
            reg = self.registration
            actor = json.dumps(self.actor, separators=(",", ":"))
            if self.package.kind != "cmi5":
                token = _token("xapi")
                self._tokens[token] = Grant(None)
                params = {
                    "endpoint": self.endpoint,
                    "auth": f"Basic {token}",
                    "actor": actor,
                    "registration": reg.id,
                    "activity_id": self.activity_id,
                }
                return Launch(self._au_url(params), reg.id, self.activity_id, auth=params["auth"])
            mode = mode or self.mode
            if mode not in MODES:
                raise LaunchError(f"launch mode {mode!r} is not one of {', '.join(MODES)}")
            session = Session(
                str(uuid.uuid4()), reg, mode, _token("cmi5"), secrets.token_urlsafe(24)
            )
            try:
                for old in reg.sessions:
                    if old.open:
                        self._abandon(old)
                self._launched(session)
            except XapiError as exc:
                raise LaunchError(f"cannot launch: {exc.message}") from exc
            self._write_launch_data(session)
            reg.sessions.append(session)
            self._tokens[session.token] = Grant(session)
            self._fetch[session.fetch_key] = session
            fetch_url = f"{self.base_url}/fetch/{session.fetch_key}"
            params = {
                "endpoint": self.endpoint,
                "fetch": fetch_url,
                "actor": actor,
                "registration": reg.id,
                "activityId": self.activity_id,
            }
            return Launch(self._au_url(params), reg.id, self.activity_id, session.id, fetch_url)

    def context_template(self, session: Session) -> Json:
        """The contextTemplate of LMS.LaunchData (cmi5 10.0)."""
        return {
            "contextActivities": {"grouping": [{"id": self.package.activity_id}]},
            "extensions": {EXT_SESSION: session.id},
        }

    def _write_launch_data(self, session: Session) -> None:
        pkg = self.package
        data: Json = {
            "contextTemplate": self.context_template(session),
            "launchMode": session.mode,
            "moveOn": pkg.move_on,
            "returnURL": self.base_url + "/",
        }
        if pkg.mastery_score is not None:
            data["masteryScore"] = pkg.mastery_score
        if pkg.launch_parameters is not None:
            data["launchParameters"] = pkg.launch_parameters
        if pkg.entitlement_key is not None:
            data["entitlementKey"] = {"courseStructure": pkg.entitlement_key}
        key = (self.activity_id, self.learner_key, session.registration.id, LAUNCH_DATA)
        self.state.put(key, json.dumps(data).encode(), "application/json")

    def _lms_statement(self, session_id: str, reg: Registration, verb: str, **parts: Any) -> Json:
        context = parts.pop("context", {})
        extensions = {EXT_SESSION: session_id, **context.pop("extensions", {})}
        return {
            "id": str(uuid.uuid4()),
            "timestamp": now_iso(),
            "actor": self.actor,
            "verb": {"id": verb, "display": {"en-US": verb.rsplit("/", 1)[-1]}},
            "object": parts.pop("object", {"id": self.activity_id, "objectType": "Activity"}),
            **parts,
            "context": {
                "registration": reg.id,
                "contextActivities": {
                    "category": [{"id": CMI5_CATEGORY}],
                    "grouping": context.pop("grouping", [{"id": self.package.activity_id}]),
                },
                "extensions": extensions,
            },
        }

    def _launched(self, session: Session) -> None:
        pkg = self.package
        extensions: Json = {
            EXT_LAUNCHMODE: session.mode,
            EXT_MOVEON: pkg.move_on,
            EXT_LAUNCHURL: self._au_url(),
        }
        if pkg.mastery_score is not None:
            extensions[EXT_MASTERY] = pkg.mastery_score
        if pkg.launch_parameters is not None:
            extensions[EXT_PARAMETERS] = pkg.launch_parameters
        statement = self._lms_statement(
            session.id, session.registration, LAUNCHED, context={"extensions": extensions}
        )
        if pkg.activity_type or pkg.title:
            definition: Json = {"name": {pkg.language: pkg.title}} if pkg.title else {}
            if pkg.activity_type:
                definition["type"] = pkg.activity_type
            statement["object"]["definition"] = definition
        self.record([statement])

    def _abandon(self, session: Session) -> None:
        """Record Abandoned for a session left without Terminated (cmi5 9.3.6, 9.5.4.2)."""
        end = session.last_statement_at or session.launched_at
        statement = self._lms_statement(
            session.id,
            session.registration,
            ABANDONED,
            result={"duration": iso_duration(end - session.launched_at)},
        )
        if session.last_timestamp is not None:  # after the AU's last statement, whatever its clock
            latest = session.last_timestamp + timedelta(milliseconds=1)
            statement["timestamp"] = max(statement["timestamp"], iso_time(latest))
        self.record([statement])
        session.abandoned = True

    def _satisfy(self, reg: Registration, session_id: str) -> None:
        """Record Satisfied for the course (one AU: its moveOn is met) once per registration."""
        course = self.package.course_id or self.package.activity_id
        statement = self._lms_statement(
            session_id,
            reg,
            SATISFIED,
            object={
                "id": lms_id(course, "course"),
                "objectType": "Activity",
                "definition": {"type": COURSE_TYPE},
            },
            context={"grouping": [{"id": course}]},
        )
        self.record([statement])
        reg.satisfied = True

    # ------------------------------------------------------------------ the AU's requests

    def fetch_token(self, key: str) -> Json:
        """The answer to a POST on a fetch URL (cmi5 8.2): the token once, then error 1."""
        with self.lock:
            session = self._fetch.get(key)
            if session is None:
                return {"error-code": "2", "error-text": "Unknown fetch URL."}
            if session.fetched:
                return {
                    "error-code": "1",
                    "error-text": "The authorization token has already been returned.",
                }
            if not self._live(session):
                return {"error-code": "1", "error-text": "The session has ended."}
            session.fetched = True
            return {"auth-token": session.token}

    def _live(self, session: Session) -> bool:
        if session.abandoned:
            return False
        ended = session.terminated_at
        return ended is None or time.monotonic() - ended <= self.terminated_grace

    def authorize(self, header: str | None) -> Grant:
        """The grant of an ``Authorization: Basic <token>`` header; XapiError 401 or 403."""
        scheme, _, credentials = (header or "").strip().partition(" ")
        with self.lock:
            grant = self._tokens.get(credentials.strip()) if scheme.lower() == "basic" else None
            if grant is None:
                raise XapiError(401, "a launch token is required (Authorization: Basic <token>)")
            if grant.session is not None and not self._live(grant.session):
                state = "abandoned" if grant.session.abandoned else "terminated"
                raise XapiError(403, f"the session {grant.session.id} has {state}")
            return grant

    def record(self, statements: Iterable[Any], grant: Grant | None = None) -> list[str]:
        """Store statements (forwarded first when there is an LRS); returns their ids.

        ``grant`` None means the LMS's own statements. XapiError when refused or when the LRS
        does not accept them; then nothing is stored and the sender may retry.
        """
        batch = list(statements)
        with self.lock:
            if grant is not None:
                if grant.session is not None and not self._live(grant.session):
                    raise XapiError(403, f"the session {grant.session.id} has ended")
                if any(
                    isinstance(s, dict) and (s.get("verb") or {}).get("id") == VOIDED for s in batch
                ):
                    raise XapiError(403, "the AU may not void statements (cmi5 6.3)")
            new, ids = self.statements.new_ones(batch)
            if new and self.upstream is not None:
                self.upstream.post_statements(new)
            for stored in self.statements.add(new):
                if self.on_statement is not None:
                    self.on_statement(stored)
                if grant is not None and grant.session is not None:
                    self._track(grant.session, stored)
            return ids

    def _track(self, session: Session, statement: Json) -> None:
        """Follow the session (terminated) and the registration's moveOn from AU statements."""
        session.last_statement_at = time.monotonic()
        stamp = parse_time(statement["timestamp"], "timestamp")
        session.last_timestamp = max(stamp, session.last_timestamp or stamp)
        verb = statement["verb"]["id"]
        if statement["object"].get("id") != self.activity_id:
            return
        activities = (statement.get("context") or {}).get("contextActivities")
        categories = activities.get("category") if isinstance(activities, dict) else None
        categories = [categories] if isinstance(categories, dict) else categories
        ids = {c.get("id") for c in categories if isinstance(c, dict)} if categories else set()
        if verb == TERMINATED:
            session.terminated_at = time.monotonic()
        if CMI5_CATEGORY not in ids or session.mode != "Normal":
            return
        reg = session.registration
        reg.completed = reg.completed or verb == COMPLETED
        reg.passed = reg.passed or verb == PASSED
        rule = MOVE_ON.get(self.package.move_on, MOVE_ON["NotApplicable"])
        if not reg.satisfied and rule(reg.completed, reg.passed):
            try:
                self._satisfy(reg, session.id)
            except XapiError as exc:  # tried again with the next statement
                self._notice(f"could not record satisfied: {exc.message}")

    def close(self) -> None:
        """Abandon every open session (the launcher stops)."""
        with self.lock:
            for reg in self.registrations:
                for session in reg.sessions:
                    if not session.open:
                        continue
                    try:
                        self._abandon(session)
                    except XapiError as exc:
                        session.abandoned = True
                        self._notice(f"could not record abandoned for {session.id}: {exc.message}")
