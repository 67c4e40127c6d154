"""A real Ralph LRS (``ralph-malph`` 5.1.0) in a subprocess, for tests.

:class:`RalphLRS` starts ``uvicorn`` serving ``ralph.api:app`` on 127.0.0.1 with the file-system
backend in a directory of its own and HTTP Basic auth, and can be stopped and started again on
the same port with the same data (to simulate an LRS outage). See standards.md section 9 for the
Ralph quirks handled here.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import TYPE_CHECKING, Any

# bcrypt, requests and ralph are imported where used, so that this module imports without them
# and the tests can skip (or fail in CI) through require() instead of a collection error.
if TYPE_CHECKING:
    import requests

XAPI_VERSION = "1.0.3"
CORS_METHODS = ["GET", "POST", "PUT", "DELETE"]
CORS_HEADERS = [
    "Authorization",
    "User-Agent",
    "Keep-Alive",
    "Content-Type",
    "X-Experience-API-Version",
]

# Runs in the child. argv[1] is a JSON config. A watchdog thread exits when the parent dies.
_LAUNCHER = r"""
import json, os, sys, threading, time

cfg = json.loads(sys.argv[1])

def _watchdog():
    while os.getppid() == cfg["parent_pid"]:
        time.sleep(0.25)
    os._exit(0)

threading.Thread(target=_watchdog, daemon=True).start()

from ralph.backends.data.base import BaseOperationType
from ralph.backends.data.fs import FSDataBackend

# Ralph 5.1.0's fs backend refuses every write after the first (CREATE on an existing file).
FSDataBackend.default_operation_type = BaseOperationType.APPEND

import uvicorn

if cfg["any_origin"]:
    # RALPH_RUNSERVER_CORS_ALLOW_ORIGINS accepts only exact http(s) origins, never "*".
    from fastapi.middleware.cors import CORSMiddleware
    from ralph.api import app

    app.add_middleware(
        CORSMiddleware,
        allow_origin_regex=".*",
        allow_credentials=True,
        allow_methods=cfg["cors_methods"],
        allow_headers=cfg["cors_headers"],
    )

uvicorn.run(
    "ralph.api:app",
    host="127.0.0.1",
    port=cfg["port"],
    workers=1,
    log_level="warning",
    timeout_graceful_shutdown=2,
)
"""


def ralph_installed() -> bool:
    """Whether ralph-malph with its LRS server, bcrypt and requests can be imported."""
    names = ("ralph", "uvicorn", "fastapi", "bcrypt", "requests")
    return all(importlib.util.find_spec(name) is not None for name in names)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def validate_statement(stmt: dict[str, Any]) -> Any:
    """Validate strictly with Ralph's own xAPI model; raises ``pydantic.ValidationError``.

    The LRS itself accepts statements laxly (``LaxStatement``), e.g. ``score.scaled=1.5``.
    """
    from ralph.models.xapi.base.statements import BaseXapiStatement

    return BaseXapiStatement.model_validate(stmt)


class RalphLRS:
    """Ralph 5.1.0 on 127.0.0.1, fs backend, Basic auth, CORS for any origin."""

    def __init__(
        self,
        data_dir: Path | None = None,
        *,
        port: int | None = None,
        username: str = "cpd-pack-test",
        password: str | None = None,
        cors_origins: list[str] | None = None,
        startup_timeout: float = 30.0,
    ) -> None:
        """Prepare (not start) the LRS; ``cors_origins=None`` allows any origin."""
        self._own_dir = data_dir is None
        self.data_dir = Path(data_dir or tempfile.mkdtemp(prefix="ralph-lrs-"))
        self.port = port or free_port()
        self.username = username
        self.password = password or secrets.token_urlsafe(12)
        self.cors_origins = cors_origins
        self.startup_timeout = startup_timeout
        self.startup_seconds: float | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: Any = None
        self.app_dir.mkdir(parents=True, exist_ok=True)
        self.store_dir.mkdir(parents=True, exist_ok=True)
        self._write_auth_file()

    # ------------------------------------------------------------------ layout and credentials

    @property
    def app_dir(self) -> Path:
        """RALPH_APP_DIR: holds auth.json."""
        return self.data_dir / "app"

    @property
    def store_dir(self) -> Path:
        """The fs backend's directory; statements are appended to ``fs_lrs.jsonl`` in it."""
        return self.data_dir / "lrs"

    @property
    def log_path(self) -> Path:
        """The server's stdout and stderr."""
        return self.data_dir / "ralph.log"

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def endpoint(self) -> str:
        """The xAPI base endpoint, with a trailing slash."""
        return f"{self.base_url}/xAPI/"

    @property
    def auth_header(self) -> str:
        """The complete ``Authorization`` header value."""
        token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        return f"Basic {token}"

    @property
    def headers(self) -> dict[str, str]:
        """Headers for an xAPI request: auth, version, JSON."""
        return {
            "Authorization": self.auth_header,
            "X-Experience-API-Version": XAPI_VERSION,
            "Content-Type": "application/json",
        }

    def _write_auth_file(self) -> None:
        """auth.json in Ralph's format; bcrypt with few rounds keeps requests fast."""
        import bcrypt

        hashed = bcrypt.hashpw(self.password.encode(), bcrypt.gensalt(rounds=4)).decode()
        users = [
            {
                "username": self.username,
                "hash": hashed,
                "scopes": ["all"],
                "agent": {"mbox": f"mailto:{self.username}@example.com", "objectType": "Agent"},
            }
        ]
        (self.app_dir / "auth.json").write_text(json.dumps(users, indent=2), encoding="utf-8")

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("RALPH_")}
        env.update(
            RALPH_APP_DIR=str(self.app_dir),
            RALPH_AUTH_FILE=str(self.app_dir / "auth.json"),
            RALPH_RUNSERVER_BACKEND="fs",
            RALPH_RUNSERVER_AUTH_BACKENDS="basic",
            RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH=str(self.store_dir),
            PYTHONUNBUFFERED="1",
        )
        if self.cors_origins:
            env["RALPH_RUNSERVER_CORS_ALLOW_ORIGINS"] = json.dumps(self.cors_origins)
        return env

    # ------------------------------------------------------------------ process

    @property
    def running(self) -> bool:
        """Whether the server process is alive."""
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> RalphLRS:
        """Start the server (same port and data as before) and wait for its heartbeat."""
        if self.running:
            return self
        self.stop()  # a process that died by itself: close its log
        config = {
            "parent_pid": os.getpid(),
            "port": self.port,
            "any_origin": not self.cors_origins,
            "cors_methods": CORS_METHODS,
            "cors_headers": CORS_HEADERS,
        }
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        started = time.monotonic()
        self._proc = subprocess.Popen(
            [sys.executable, "-c", _LAUNCHER, json.dumps(config)],
            cwd=self.data_dir,  # Ralph reads a ".env" file from the working directory
            env=self._env(),
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        try:
            self._wait_ready(started)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - started
        return self

    def _wait_ready(self, started: float) -> None:
        import requests

        url = f"{self.base_url}/__heartbeat__"
        while time.monotonic() - started < self.startup_timeout:
            if self._proc is None or self._proc.poll() is not None:
                raise RuntimeError(f"Ralph exited during startup:\n{self.log_tail()}")
            try:
                if requests.get(url, timeout=1).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.05)
        raise RuntimeError(
            f"Ralph did not answer {url} in {self.startup_timeout}s:\n{self.log_tail()}"
        )

    def stop(self, *, kill: bool = False) -> None:
        """Stop the server (SIGTERM, or SIGKILL with ``kill=True``); the data stays."""
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None

    def close(self) -> None:
        """Stop, and delete the data directory if this object created it."""
        self.stop()
        if self._own_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of the server log."""
        if not self.log_path.exists():
            return ""
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def __enter__(self) -> RalphLRS:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ xAPI client helpers

    def post(
        self, statements: dict[str, Any] | list[dict[str, Any]], **kwargs: Any
    ) -> requests.Response:
        """POST one statement or a list to ``statements``."""
        import requests

        return requests.post(
            self.endpoint + "statements",
            json=statements,
            headers=self.headers,
            timeout=10,
            **kwargs,
        )

    def statements(self, **params: Any) -> list[dict[str, Any]]:
        """All stored statements (matching the query ``params``) in stored order, following ``more``."""
        import requests

        url: str | None = self.endpoint + "statements"
        query: dict[str, Any] | None = params
        found: list[dict[str, Any]] = []
        while url:
            response = requests.get(url, params=query, headers=self.headers, timeout=10)
            response.raise_for_status()
            body = response.json()
            found.extend(body["statements"])
            more = body.get("more")
            url = urllib.parse.urljoin(self.base_url, more) if more else None
            query = None
        return found
