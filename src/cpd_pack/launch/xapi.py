"""The xAPI resources the AU talks to at ``/xapi/``: statements, activities/state,
agents/profile and about (xAPI 1.0.3 Communication section 2), independent of the HTTP server."""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cpd_pack.launch.lms import Launcher
from cpd_pack.launch.model import LAUNCH_DATA, Grant
from cpd_pack.launch.store import UUID_RE, Document, DocumentStore, XapiError, now_iso, parse_agent

XAPI_VERSION = "1.0.3"
VERSION_HEADER = "X-Experience-API-Version"
_VERSION = re.compile(r"^1\.0(?:\.\d+)?$")
_SINGLE_ONLY = {"statementId", "voidedStatementId", "attachments", "format"}
_MAX_LIMIT = 500


@dataclass
class Request:
    """An xAPI request: ``resource`` is the path after ``/xapi/`` (``statements``, ...)."""

    method: str
    resource: str
    params: dict[str, str]
    headers: dict[str, str]
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """A request header, by name in any case."""
        return self.headers.get(name.lower())


@dataclass
class Response:
    """What to send back."""

    status: int
    body: bytes = b""
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


def json_response(status: int, value: Any, headers: dict[str, str] | None = None) -> Response:
    """A JSON response."""
    body = json.dumps(value, separators=(",", ":")).encode("utf-8")
    return Response(status, body, "application/json", headers or {})


def error_response(status: int, message: str) -> Response:
    """An error as ``{"error": message}``."""
    return json_response(status, {"error": message})


def _json_body(request: Request) -> Any:
    content_type = request.header("Content-Type") or "application/json"
    if content_type.lower().startswith("multipart/"):
        raise XapiError(400, "statements with attachments are not supported")
    try:
        return json.loads(request.body or b"null")
    except ValueError as exc:
        raise XapiError(400, f"the body is not JSON: {exc}") from exc


def _document_response(doc: Document | None) -> Response:
    if doc is None:
        return error_response(404, "no such document")
    return Response(
        200, doc.content, doc.content_type, {"ETag": doc.etag, "Last-Modified": doc.updated}
    )


class XapiResources:
    """Dispatches :class:`Request` objects to the launcher's stores."""

    def __init__(self, launcher: Launcher) -> None:
        self.launcher = launcher
        self._routes: dict[str, Callable[[Request, Grant], Response]] = {
            "statements": self.statements,
            "activities/state": self.state,
            "agents/profile": self.profile,
        }

    def handle(self, request: Request) -> Response:
        """Answer one request; every answer carries the version header."""
        try:
            response = self._handle(request)
        except XapiError as exc:
            response = error_response(exc.status, exc.message)
        response.headers[VERSION_HEADER] = XAPI_VERSION
        return response

    def _handle(self, request: Request) -> Response:
        resource = request.resource.strip("/")
        if resource == "about":  # the About resource answers any version (xAPI 1.0.3 2.8)
            if request.method != "GET":
                raise XapiError(405, "about accepts GET only")
            return json_response(200, {"version": ["1.0.0", "1.0.1", "1.0.2", XAPI_VERSION]})
        version = request.header(VERSION_HEADER)
        if not version:
            raise XapiError(400, f"the {VERSION_HEADER} header is required")
        if not _VERSION.match(version.strip()):
            raise XapiError(400, f"{VERSION_HEADER} {version!r}: this LRS speaks 1.0.x")
        if "method" in request.params:
            raise XapiError(400, "the alternate request syntax (?method=) is not supported")
        grant = self.launcher.authorize(request.header("Authorization"))
        route = self._routes.get(resource)
        if route is None:
            raise XapiError(404, f"{resource!r} is not a resource of this LRS")
        return route(request, grant)

    # ------------------------------------------------------------------ statements

    def statements(self, request: Request, grant: Grant) -> Response:
        """PUT (statementId), POST (one or a list), GET (one, or a StatementResult)."""
        launcher, params = self.launcher, request.params
        if request.method == "PUT":
            sid = params.get("statementId", "")
            if not UUID_RE.match(sid):
                raise XapiError(400, "PUT needs a statementId parameter (a UUID)")
            statement = _json_body(request)
            if (
                isinstance(statement, dict)
                and str(statement.setdefault("id", sid)).lower() != sid.lower()
            ):
                raise XapiError(400, "the statement's id differs from statementId")
            launcher.record([statement], grant)
            return Response(204)
        if request.method == "POST":
            body = _json_body(request)
            return json_response(
                200, launcher.record(body if isinstance(body, list) else [body], grant)
            )
        if request.method != "GET":
            raise XapiError(405, f"statements does not accept {request.method}")
        consistent = {"X-Experience-API-Consistent-Through": now_iso()}
        single = params.get("statementId") or params.get("voidedStatementId")
        if single is not None:
            if set(params) - _SINGLE_ONLY:
                raise XapiError(400, "statementId cannot be combined with filters")
            with launcher.lock:
                found = launcher.statements.get(single) if "statementId" in params else None
            if found is None:
                raise XapiError(404, f"no statement {single}")
            return json_response(200, found, {**consistent, "Last-Modified": found["stored"]})
        try:
            limit = int(params.get("limit", "0")) or _MAX_LIMIT
            offset = int(params.get("cursor", "0"))
        except ValueError as exc:
            raise XapiError(400, "limit and cursor must be integers") from exc
        with launcher.lock:
            matching = launcher.statements.query(params)
        page = matching[offset : offset + min(limit, _MAX_LIMIT)]
        more = ""
        if offset + len(page) < len(matching):
            rest = {k: v for k, v in params.items() if k != "cursor"}
            more = "/xapi/statements?" + urllib.parse.urlencode(
                {**rest, "cursor": offset + len(page)}
            )
        return json_response(200, {"statements": page, "more": more}, consistent)

    # ------------------------------------------------------------------ documents

    def state(self, request: Request, grant: Grant) -> Response:
        """The State resource; the AU may read but not change LMS.LaunchData (cmi5 10.0)."""
        params = request.params
        activity = params.get("activityId")
        if not activity:
            raise XapiError(400, "the activityId parameter is required")
        registration = params.get("registration", "")
        if registration and not UUID_RE.match(registration):
            raise XapiError(400, f"registration {registration!r} is not a UUID")
        prefix = (activity, parse_agent(params.get("agent")), registration.lower())
        state_id = params.get("stateId")
        if request.method != "GET" and (state_id or LAUNCH_DATA) == LAUNCH_DATA:
            with self.launcher.lock:
                protected = self.launcher.state.get((*prefix, LAUNCH_DATA)) is not None
            if protected:
                raise XapiError(403, "LMS.LaunchData belongs to the LMS (cmi5 10.0)")
        return self._documents(request, self.launcher.state, prefix, state_id, "stateId")

    def profile(self, request: Request, grant: Grant) -> Response:
        """The Agent Profile resource (the learner's cmi5LearnerPreferences live here)."""
        prefix = (parse_agent(request.params.get("agent")),)
        profile_id = request.params.get("profileId")
        if request.method == "DELETE" and not profile_id:
            raise XapiError(400, "DELETE needs a profileId")
        return self._documents(request, self.launcher.profiles, prefix, profile_id, "profileId")

    def _documents(
        self,
        request: Request,
        store: DocumentStore,
        prefix: tuple[str, ...],
        doc_id: str | None,
        id_name: str,
    ) -> Response:
        if_match = request.header("If-Match")
        if_none_match = request.header("If-None-Match")
        with self.launcher.lock:
            if request.method == "GET":
                if doc_id:
                    return _document_response(store.get((*prefix, doc_id)))
                return json_response(200, store.ids(prefix, request.params.get("since")))
            if request.method == "DELETE":
                if doc_id:
                    store.check((*prefix, doc_id), if_match, None)
                store.delete(prefix, doc_id)
                return Response(204)
            if request.method not in ("PUT", "POST"):
                raise XapiError(405, f"documents do not accept {request.method}")
            if not doc_id:
                raise XapiError(400, f"{request.method} needs a {id_name}")
            key = (*prefix, doc_id)
            store.check(key, if_match, if_none_match, put=request.method == "PUT")
            content_type = request.header("Content-Type") or "application/octet-stream"
            if request.method == "PUT":
                doc = store.put(key, request.body, content_type)
            else:
                doc = store.post(key, request.body, content_type)
            return Response(204, headers={"ETag": doc.etag})
