"""The embedded LRS's memory: statements (append only, idempotent by id) and documents (State
and Agent Profile) with ETags. Pure data structures; the caller holds the lock."""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

Json = dict[str, Any]

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
_LRS_SET = ("stored", "authority", "version")  # ignored when comparing statements (xAPI 2.5)
_IFIS = ("mbox", "mbox_sha1sum", "openid", "account")


class XapiError(Exception):
    """An xAPI request that fails with ``status`` (400, 403, 404, 409, 412, ...)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def iso_time(moment: datetime) -> str:
    """A time as UTC ISO 8601 with milliseconds and ``Z``."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def now_iso() -> str:
    """The current UTC time as ISO 8601 with milliseconds and ``Z``."""
    return iso_time(datetime.now(UTC))


def parse_time(value: str, what: str) -> datetime:
    """An ISO 8601 timestamp (naive counts as UTC); XapiError 400 when unreadable."""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise XapiError(400, f"{what}: {value!r} is not an ISO 8601 timestamp") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def agent_key(agent: Any) -> str:
    """A canonical string for an Agent's inverse functional identifier; XapiError 400 if none."""
    if isinstance(agent, dict):
        for ifi in _IFIS:
            value = agent.get(ifi)
            if isinstance(value, dict) and value.get("homePage") and value.get("name"):
                return f"account:{value['homePage']}|{value['name']}"
            if isinstance(value, str) and value:
                return f"{ifi}:{value}"
    raise XapiError(400, f"not an Agent with an identifier: {json.dumps(agent)[:200]}")


def parse_agent(text: str | None) -> str:
    """The key of an ``agent`` query parameter (JSON); XapiError 400 when missing or invalid."""
    if not text:
        raise XapiError(400, "the agent parameter is required")
    try:
        return agent_key(json.loads(text))
    except json.JSONDecodeError as exc:
        raise XapiError(400, f"agent is not JSON: {exc}") from exc


def check_statement(statement: Any) -> Json:
    """The minimal xAPI shape checks; returns the statement, XapiError 400 otherwise."""
    if not isinstance(statement, dict):
        raise XapiError(400, "a statement must be a JSON object")
    for prop in ("actor", "verb", "object"):
        if not isinstance(statement.get(prop), dict):
            raise XapiError(400, f"statement without {prop}")
    if not isinstance(statement["verb"].get("id"), str):
        raise XapiError(400, "statement verb without id")
    for prop in ("context", "result"):
        if prop in statement and not isinstance(statement[prop], dict):
            raise XapiError(400, f"statement {prop} must be an object")
    registration = (statement.get("context") or {}).get("registration")
    if registration is not None and not (
        isinstance(registration, str) and UUID_RE.match(registration)
    ):
        raise XapiError(400, f"context.registration {registration!r} is not a UUID")
    sid = statement.get("id")
    if sid is not None and not (isinstance(sid, str) and UUID_RE.match(sid)):
        raise XapiError(400, f"statement id {sid!r} is not a UUID")
    version = statement.get("version")
    if version is not None and not (isinstance(version, str) and version.startswith("1.0")):
        raise XapiError(400, f"statement version {version!r} is not 1.0.x")
    if isinstance(statement.get("timestamp"), str):
        parse_time(statement["timestamp"], "timestamp")
    elif "timestamp" in statement:
        raise XapiError(400, "timestamp must be a string")
    return statement


def _comparable(statement: Mapping[str, Any]) -> Json:
    return {k: v for k, v in statement.items() if k not in _LRS_SET}


class StatementStore:
    """Statements in arrival order; a resend of a stored id is accepted, a different one is not."""

    def __init__(self, authority: Json) -> None:
        self.authority = authority
        self._stored: list[Json] = []
        self._received: dict[str, Json] = {}  # id -> the statement as the client sent it
        self._by_id: dict[str, Json] = {}

    def __len__(self) -> int:
        return len(self._stored)

    def all(self) -> list[Json]:
        """Deep copies of every stored statement, in arrival order."""
        return copy.deepcopy(self._stored)

    def get(self, statement_id: str) -> Json | None:
        """The stored statement with this id, or None."""
        found = self._by_id.get(statement_id.lower())
        return copy.deepcopy(found) if found is not None else None

    def new_ones(self, statements: Iterable[Any]) -> tuple[list[Json], list[str]]:
        """Checked copies of the statements not stored yet (each with an id), and the ids of all.

        XapiError 409 when a stored id comes with a different statement, or when one request
        holds one id twice with different statements; 400 for a malformed statement.
        """
        fresh: dict[str, Json] = {}
        ids = []
        for raw in statements:
            statement = copy.deepcopy(check_statement(raw))
            statement.setdefault("id", str(uuid.uuid4()))
            ids.append(statement["id"])
            key = statement["id"].lower()
            earlier = self._received.get(key) or fresh.get(key)
            if earlier is None:
                fresh[key] = statement
            elif _comparable(earlier) != _comparable(statement):
                raise XapiError(409, f"statement {statement['id']} exists with other content")
        return list(fresh.values()), ids

    def add(self, statements: Iterable[Json]) -> list[Json]:
        """Store statements returned by :meth:`new_ones`; returns the stored forms."""
        added = []
        for statement in statements:
            key = statement["id"].lower()
            if key in self._received:
                continue
            stored_at = now_iso()
            stored = {**copy.deepcopy(statement), "stored": stored_at, "authority": self.authority}
            stored.setdefault("timestamp", stored_at)
            stored.setdefault("version", "1.0.0")
            self._received[key] = copy.deepcopy(statement)
            self._by_id[key] = stored
            self._stored.append(stored)
            added.append(copy.deepcopy(stored))
        return added

    def query(self, params: Mapping[str, str]) -> list[Json]:
        """Statements matching the xAPI filters (agent, verb, activity, registration, since,
        until, related_*), oldest first unless ``ascending`` is false (the default)."""
        agent = parse_agent(params["agent"]) if "agent" in params else None
        related_agents = params.get("related_agents", "false") == "true"
        related_activities = params.get("related_activities", "false") == "true"
        since = parse_time(params["since"], "since") if "since" in params else None
        until = parse_time(params["until"], "until") if "until" in params else None
        found = []
        for st in self._stored:
            if agent is not None and agent not in _agents(st, related_agents):
                continue
            if "verb" in params and st["verb"]["id"] != params["verb"]:
                continue
            if "activity" in params and params["activity"] not in _activities(
                st, related_activities
            ):
                continue
            registration = (st.get("context") or {}).get("registration", "")
            if "registration" in params and registration.lower() != params["registration"].lower():
                continue
            stored = parse_time(st["stored"], "stored")
            if (since and stored <= since) or (until and stored > until):
                continue
            found.append(st)
        if params.get("ascending", "false") != "true":
            found.reverse()
        return copy.deepcopy(found)


def _agents(st: Json, related: bool) -> set[str]:
    candidates = [st.get("actor"), st.get("object")]
    if related:
        context = st.get("context") or {}
        candidates += [st.get("authority"), context.get("instructor"), context.get("team")]
        for group in list(candidates):
            if isinstance(group, dict) and isinstance(group.get("member"), list):
                candidates += group["member"]
    keys = set()
    for who in candidates:
        with contextlib.suppress(XapiError):
            keys.add(agent_key(who))
    return keys


def _activities(st: Json, related: bool) -> set[str]:
    ids = (
        {st["object"].get("id")}
        if st["object"].get("objectType", "Activity") == "Activity"
        else set()
    )
    if related:
        lists = ((st.get("context") or {}).get("contextActivities") or {}).values()
        for items in lists:
            for item in items if isinstance(items, list) else [items]:
                if isinstance(item, dict):
                    ids.add(item.get("id"))
    return {i for i in ids if isinstance(i, str)}


@dataclass(frozen=True)
class Document:
    """A State or Agent Profile document as stored."""

    content: bytes
    content_type: str
    etag: str
    updated: str

    def json(self) -> Any:
        """The content parsed as JSON (None when it is not JSON)."""
        try:
            return json.loads(self.content)
        except ValueError:
            return None


def _is_json(content_type: str) -> bool:
    return content_type.split(";", 1)[0].strip().lower() == "application/json"


class DocumentStore:
    """Documents keyed by a tuple whose last item is the document id (stateId, profileId)."""

    def __init__(self, *, require_preconditions: bool) -> None:
        """``require_preconditions``: a PUT over an existing document without If-Match or
        If-None-Match gets 409 (xAPI 1.0.3 for the Agent and Activity Profile resources)."""
        self.require_preconditions = require_preconditions
        self._docs: dict[tuple[str, ...], Document] = {}

    def get(self, key: tuple[str, ...]) -> Document | None:
        """The document, or None."""
        return self._docs.get(key)

    def items(self) -> list[tuple[tuple[str, ...], Document]]:
        """Every (key, document)."""
        return list(self._docs.items())

    def ids(self, prefix: tuple[str, ...], since: str | None = None) -> list[str]:
        """The ids of the documents under ``prefix`` (updated after ``since``)."""
        after = parse_time(since, "since") if since else None
        return [
            key[-1]
            for key, doc in self._docs.items()
            if key[:-1] == prefix and (after is None or parse_time(doc.updated, "") > after)
        ]

    def check(
        self,
        key: tuple[str, ...],
        if_match: str | None,
        if_none_match: str | None,
        *,
        put: bool = False,
    ) -> None:
        """The concurrency rules (xAPI 1.0.3 Communication 3.1): 412 or 409, else nothing."""
        existing = self._docs.get(key)
        if if_match is not None:
            tags = {t.strip() for t in if_match.split(",")}
            if existing is None or ("*" not in tags and existing.etag not in tags):
                raise XapiError(412, "If-Match does not match the document's ETag")
        if if_none_match is not None and existing is not None:
            tags = {t.strip() for t in if_none_match.split(",")}
            if "*" in tags or existing.etag in tags:
                raise XapiError(412, "If-None-Match matches the existing document")
        if (
            put
            and self.require_preconditions
            and existing is not None
            and if_match is None
            and if_none_match is None
        ):
            raise XapiError(409, "the document exists: send If-Match or If-None-Match")

    def put(self, key: tuple[str, ...], content: bytes, content_type: str) -> Document:
        """Store (replace) a document."""
        etag = '"' + hashlib.sha1(content).hexdigest() + '"'
        doc = Document(content, content_type or "application/octet-stream", etag, now_iso())
        self._docs[key] = doc
        return doc

    def post(self, key: tuple[str, ...], content: bytes, content_type: str) -> Document:
        """Merge a JSON object into a JSON document (xAPI 1.0.3 Communication 1.3)."""
        existing = self._docs.get(key)
        if existing is None:
            return self.put(key, content, content_type)
        new = _json_object(content) if _is_json(content_type) else None
        old = existing.json() if _is_json(existing.content_type) else None
        if not isinstance(new, dict) or not isinstance(old, dict):
            raise XapiError(400, "POST merges only a JSON object into a JSON object document")
        merged = json.dumps({**old, **new}, separators=(",", ":")).encode()
        return self.put(key, merged, "application/json")

    def delete(self, prefix: tuple[str, ...], doc_id: str | None) -> None:
        """Delete one document, or every document under ``prefix`` when ``doc_id`` is None."""
        for key in list(self._docs):
            if key[:-1] == prefix and (doc_id is None or key[-1] == doc_id):
                del self._docs[key]


def _json_object(content: bytes) -> Any:
    try:
        return json.loads(content)
    except ValueError as exc:
        raise XapiError(400, f"the document is not JSON: {exc}") from exc
