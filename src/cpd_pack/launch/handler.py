"""The HTTP plumbing: one threaded server on 127.0.0.1 and one handler that routes ``/``,
``/launch``, ``/content/``, ``/fetch/<key>`` and ``/xapi/`` (standard library ``http.server``)."""

from __future__ import annotations

import html
import mimetypes
import re
import socket
import urllib.parse
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any

from cpd_pack.launch.model import LaunchError
from cpd_pack.launch.xapi import (
    VERSION_HEADER,
    XAPI_VERSION,
    Request,
    Response,
    error_response,
    json_response,
)
from cpd_pack.serving import HOST, TrackingServer

if TYPE_CHECKING:
    from cpd_pack.launch.server import LaunchServer

MAX_BODY = 16 * 1024 * 1024
_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".vtt": "text/vtt",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".wasm": "application/wasm",
}
_TEXT = ("text/", "application/json", "application/xml", "image/svg+xml")
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class Server(TrackingServer):
    """The threaded HTTP server of one :class:`LaunchServer` (``app``), on 127.0.0.1."""

    daemon_threads = True

    def __init__(self, port: int, app: LaunchServer) -> None:
        self.app = app
        super().__init__(port, _Handler)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Server
    timeout = 120

    def setup(self) -> None:
        super().setup()
        # Headers and body leave in two writes; without this, Nagle's algorithm and the
        # client's delayed ACK hold every keep-alive response back by about 40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: statements are reported through the launcher's callback instead."""

    def do_GET(self) -> None:
        self._dispatch()

    do_HEAD = do_POST = do_PUT = do_DELETE = do_OPTIONS = do_GET

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        headers = {"Cache-Control": "no-store", **response.headers}
        if response.content_type:
            headers["Content-Type"] = response.content_type
        headers.setdefault("Content-Length", str(len(response.body)))  # HEAD sets its own
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            raise _HttpError(411, "send a Content-Length, not a chunked body")
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError as exc:
            raise _HttpError(400, "Content-Length is not a number") from exc
        if length > MAX_BODY:
            raise _HttpError(413, f"bodies are limited to {MAX_BODY} bytes")
        return self.rfile.read(length) if length > 0 else b""

    def _dispatch(self) -> None:
        app = self.server.app
        path, _, query = self.path.partition("?")
        hosts = self._hosts()
        try:
            body = self._body()
            if self.headers.get("Host") not in hosts:  # no DNS rebinding onto the LRS proxy
                response = error_response(403, "use http://127.0.0.1 or http://localhost")
            elif path.startswith("/xapi/"):
                params = {
                    k: v[0] for k, v in urllib.parse.parse_qs(query, keep_blank_values=True).items()
                }
                method = "GET" if self.command == "HEAD" else self.command
                headers = {k.lower(): v for k, v in self.headers.items()}
                request = Request(method, path[len("/xapi/") :], params, headers, body)
                response = app.resources.handle(request)
            elif path.startswith("/fetch/"):
                response = self._fetch(path[len("/fetch/") :])
            elif path.startswith("/content/"):
                response = self._content(urllib.parse.unquote(path[len("/content/") :]))
            elif path == "/" and self.command in ("GET", "HEAD"):
                response = Response(200, app.page().encode(), "text/html; charset=utf-8")
            elif path == "/launch" and self.command == "POST":
                response = self._launch(body)
            elif path == "/favicon.ico":  # browsers ask for it; nothing to show, nothing missing
                response = Response(204)
            else:
                response = error_response(404, f"nothing at {path}")
        except _HttpError as exc:
            response = error_response(exc.status, exc.message)
            self.close_connection = True
        except Exception as exc:  # a bug must not kill the connection without an answer
            response = error_response(500, f"{type(exc).__name__}: {exc}")
        if path.startswith("/xapi/"):
            response.headers[VERSION_HEADER] = XAPI_VERSION
        self._send(response)

    def _hosts(self) -> set[str]:
        """The Host header values this server answers to."""
        return {f"{name}:{self.server.app.port}" for name in (HOST, "localhost")}

    def _fetch(self, key: str) -> Response:
        """cmi5 8.2: POST only; the token once, then ``error-code`` 1 (always status 200)."""
        if self.command != "POST":
            return Response(
                405,
                b'{"error":"the fetch URL accepts POST only"}',
                "application/json",
                {"Allow": "POST"},
            )
        return json_response(200, self.server.app.launcher.fetch_token(key))

    def _launch(self, body: bytes) -> Response:
        origin = self.headers.get("Origin")
        if origin is not None and origin not in {f"http://{h}" for h in self._hosts()}:
            return error_response(403, "launches start from the launcher's own page")
        form = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode("utf-8", "replace")).items()}
        try:
            launch = self.server.app.launch(
                mode=form.get("mode") or None, new_registration=form.get("new_registration") == "1"
            )
        except LaunchError as exc:
            return Response(502, html.escape(str(exc.message)).encode(), "text/html; charset=utf-8")
        return Response(303, headers={"Location": launch.url})

    def _content(self, rel: str) -> Response:
        if self.command not in ("GET", "HEAD"):
            return error_response(405, "the package is read only")
        root = self.server.app.package.root.resolve()
        target = (root / rel).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            return error_response(404, f"no file {rel!r} in the package")
        size = target.stat().st_size
        kind = _TYPES.get(target.suffix.lower()) or mimetypes.guess_type(target.name)[0]
        kind = kind or "application/octet-stream"
        if kind.startswith(_TEXT):
            kind += "; charset=utf-8"
        headers = {"Accept-Ranges": "bytes"}
        start, end, status = 0, size - 1, 200
        match = _RANGE.match(self.headers.get("Range", "").strip())
        if match and size and (match[1] or match[2]):  # one range: media seeking needs it
            start = int(match[1]) if match[1] else max(0, size - int(match[2]))
            end = min(int(match[2]), size - 1) if match[1] and match[2] else size - 1
            if start >= size or start > end:
                return Response(416, headers={"Content-Range": f"bytes */{size}"})
            headers["Content-Range"] = f"bytes {start}-{end}/{size}"
            status = 206
        if self.command == "HEAD":
            return Response(status, b"", kind, {**headers, "Content-Length": str(end - start + 1)})
        with open(target, "rb") as file:
            file.seek(start)
            data = file.read(end - start + 1)
        return Response(status, data, kind, headers)


class _HttpError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
