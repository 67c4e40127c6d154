"""The preview's HTTP side (standard library ``http.server``): the page at ``/``, its static
files and JSON calls under ``/_preview/``, and a SCORM build's files under ``/content/<build>/``."""

from __future__ import annotations

import json
import mimetypes
import re
import urllib.parse
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from cpd_pack.preview.builder import FORMAT_LABELS, SCORM_VERSIONS
from cpd_pack.serving import HOST, TrackingServer

if TYPE_CHECKING:
    from cpd_pack.preview.server import PreviewServer

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
_TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css"}
_TEXT = ("text/", "application/json", "application/xml", "image/svg+xml")
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class Server(TrackingServer):
    """The threaded HTTP server of one :class:`PreviewServer` (``app``), on 127.0.0.1."""

    daemon_threads = True

    def __init__(self, port: int, app: PreviewServer) -> None:
        self.app = app
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )
        super().__init__(port, _Handler)

    def page(self) -> str:
        """The preview page (``templates/preview.html``)."""
        app = self.app
        status = app.status()
        config = {
            "format": app.format,
            "version": SCORM_VERSIONS.get(app.format, ""),
        }
        return self.env.get_template("preview.html").render(
            title=status["title"] or app.course_dir.name,
            format_label=FORMAT_LABELS[app.format],
            scorm=app.scorm,
            config=config,
        )


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Server
    timeout = 120

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: builds and statements are reported through the server's callback."""

    def do_GET(self) -> None:
        self._dispatch()

    do_HEAD = do_POST = do_GET

    def _send(
        self,
        status: int,
        body: bytes,
        kind: str = "text/plain; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, data: Any) -> None:
        self._send(200, json.dumps(data).encode(), "application/json")

    def _dispatch(self) -> None:
        app = self.server.app
        parts = urllib.parse.urlsplit(self.path)
        path, query = urllib.parse.unquote(parts.path), urllib.parse.parse_qs(parts.query)
        length_header = self.headers.get("Content-Length") or "0"
        length = int(length_header) if length_header.isdigit() else 1 << 30
        if 0 < length <= 65536:
            self.rfile.read(length)  # the page's POSTs carry nothing
        hosts = {f"{name}:{app.port}" for name in (HOST, "localhost")}
        post = self.command == "POST"
        origin = self.headers.get("Origin")
        if self.headers.get("Host") not in hosts:  # no DNS rebinding
            self._send(403, b"use http://127.0.0.1 or http://localhost")
        elif post and origin is not None and origin not in {f"http://{h}" for h in hosts}:
            self._send(403, b"launches start from the preview page")
        elif length > 65536:
            self.close_connection = True
            self._send(413, b"the preview takes no request bodies (or a bad Content-Length)")
        elif path == "/" and not post:
            self._send(200, self.server.page().encode(), "text/html; charset=utf-8")
        elif path == "/_preview/events" and not post:
            after = query.get("after", ["0"])[0]
            self._json(app.status(int(after) if after.isdigit() else 0))
        elif path == "/_preview/launch" and post:
            self._json(app.launch(fresh=query.get("fresh") == ["1"]))
        elif path.startswith("/_preview/static/") and not post:
            self._file(STATIC, path[len("/_preview/static/") :])
        elif path.startswith("/content/") and not post:
            number, _, rel = path[len("/content/") :].partition("/")
            build = app.build
            if build is None or build.content is None or number != str(build.number):
                self._send(404, b"not the current build")
            else:
                self._file(build.content, rel)
        elif path == "/favicon.ico":
            self._send(204, b"")
        else:
            self._send(404, f"nothing at {path}".encode())

    def _file(self, root: Path, rel: str) -> None:
        target = (root / rel).resolve()
        if not target.is_relative_to(root.resolve()) or not target.is_file():
            self._send(404, f"no file {rel!r}".encode())
            return
        kind = _TYPES.get(target.suffix.lower()) or mimetypes.guess_type(target.name)[0]
        kind = kind or "application/octet-stream"
        if kind.startswith(_TEXT):
            kind += "; charset=utf-8"
        data = target.read_bytes()
        size = len(data)
        match = _RANGE.match(self.headers.get("Range", "").strip())
        if not (match and size and (match[1] or match[2])):
            self._send(200, data, kind, {"Accept-Ranges": "bytes"})
            return
        # one range, as a media element asks when the learner seeks
        start = int(match[1]) if match[1] else max(0, size - int(match[2]))
        end = min(int(match[2]), size - 1) if match[1] and match[2] else size - 1
        if start >= size or start > end:
            self._send(416, b"", kind, {"Content-Range": f"bytes */{size}"})
            return
        self._send(
            206, data[start : end + 1], kind, {"Content-Range": f"bytes {start}-{end}/{size}"}
        )
