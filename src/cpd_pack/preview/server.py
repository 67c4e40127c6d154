"""``PreviewServer``: build, watch, rebuild and serve the course inside the preview page."""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cpd_pack.exceptions import CpdPackError
from cpd_pack.launch import LaunchError, LaunchServer, describe_statement
from cpd_pack.preview.builder import (
    FORMAT_LABELS,
    SCORM_VERSIONS,
    PreviewBuild,
    build_preview,
    describe_error,
)
from cpd_pack.preview.handler import HOST, Server
from cpd_pack.preview.watcher import Watcher
from cpd_pack.serving import serve_until_interrupted

Json = dict[str, Any]


class PreviewError(CpdPackError):
    """The preview cannot start (a busy port, an unknown format)."""


class PreviewServer:
    """Serve ``course_dir`` built as ``fmt`` on 127.0.0.1 in an LMS-like page; use as a context
    manager. Rebuilds when a file under ``course_dir`` (or ``templates_dir``, the templates that
    override the built-in ones) changes; a build that fails is reported (``error``) while the
    last good build stays up. ``on_message`` gets each line worth printing.
    """

    def __init__(
        self,
        course_dir: Path | str,
        fmt: str = "scorm2004",
        *,
        port: int = 8000,
        templates_dir: Path | None = None,
        on_message: Callable[[str], None] | None = None,
        debounce_ms: int = 300,
    ) -> None:
        if fmt not in FORMAT_LABELS:
            raise PreviewError(
                f"unknown format {fmt!r}; expected one of: {', '.join(FORMAT_LABELS)}"
            )
        self.course_dir = Path(course_dir)
        self.templates_dir = templates_dir
        self.format = fmt
        self.port = port
        self.on_message = on_message
        self.build: PreviewBuild | None = None
        """The last good build (``None`` until one succeeds)."""
        self.error: str | None = None
        """Why the latest build failed (``file:line:col: ...`` lines), or ``None``."""
        self.failed = 0
        """How many builds have failed so far."""
        self.launcher: LaunchServer | None = None
        """xAPI and cmi5: the ``cpd-pack launch`` server that plays the LMS and keeps statements."""
        watched = [self.course_dir, *([templates_dir] if templates_dir else [])]
        self._watcher = Watcher(watched, self._changed, debounce_ms=debounce_ms)
        self._lock = threading.Lock()  # build, error, statements
        self._build_lock = threading.Lock()  # one build at a time
        self._builds = 0
        self._statements: list[Json] = []
        self._tmp: Path | None = None
        self._httpd: Server | None = None

    @property
    def scorm(self) -> bool:
        """Whether the format is SCORM (hosted by scorm-again in the page)."""
        return self.format in SCORM_VERSIONS

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT/``, the preview page."""
        return f"http://{HOST}:{self.port}/"

    # ------------------------------------------------------------------ life cycle

    def start(self) -> PreviewServer:
        """Listen on 127.0.0.1, build once, then watch the course folder and serve."""
        try:
            self._httpd = Server(self.port, self)
        except OSError as exc:
            raise PreviewError(
                f"cannot listen on {HOST}:{self.port} ({exc.strerror}); "
                "choose another --port (0 picks a free one)"
            ) from exc
        self.port = int(self._httpd.server_address[1])
        self._tmp = Path(tempfile.mkdtemp(prefix="cpd-pack-preview-"))
        try:
            self.rebuild()
            self._watcher.start()
        except BaseException:
            self.close()
            raise
        self._httpd.serve_in_thread()
        return self

    def close(self) -> None:
        """Stop watching and serving; delete the builds."""
        self._watcher.close()
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            httpd.stop()
        if self.launcher is not None:
            self.launcher.close()
            self.launcher = None
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def __enter__(self) -> PreviewServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def serve_until_interrupted(self) -> None:
        """Block until Ctrl+C (or SIGTERM, in the main thread)."""
        serve_until_interrupted()

    # ------------------------------------------------------------------ building

    def _say(self, message: str) -> None:
        if self.on_message is not None:
            self.on_message(message)

    def _changed(self, paths: set[str]) -> None:
        names = sorted(Path(p).name for p in paths)
        self._say(f"Changed: {', '.join(names[:5])}{' ...' if len(names) > 5 else ''}")
        self.rebuild()

    def rebuild(self) -> bool:
        """Build again; on success serve the new build, else keep the last good one."""
        assert self._tmp is not None, "the preview is not started"
        with self._build_lock:
            self._builds += 1
            folder = self._tmp / f"build-{self._builds}"
            folder.mkdir()
            try:
                new = build_preview(
                    self.course_dir, self.format, folder, self._builds, self.templates_dir
                )
                if not self.scorm:
                    self._serve_xapi(new)
            except CpdPackError as exc:
                return self._failed(folder, describe_error(exc))
            except Exception as exc:  # a bug must not take the preview down
                return self._failed(folder, f"{type(exc).__name__}: {exc}")
            with self._lock:
                old, self.build, self.error = self.build, new, None
            if old is not None:
                shutil.rmtree(old.folder, ignore_errors=True)
            self._say(
                f"Build {new.number}: {self.format} in {new.seconds:.2f} s, serving {self.url}"
            )
            for warning in new.warnings:
                self._say(warning)
            return True

    def _failed(self, folder: Path, error: str) -> bool:
        shutil.rmtree(folder, ignore_errors=True)
        with self._lock:
            self.error = error
            self.failed += 1
        kept = "" if self.build is None else f"; still serving build {self.build.number}"
        self._say(f"Build failed{kept}:\n{error}")
        return False

    def _serve_xapi(self, new: PreviewBuild) -> None:
        """Hand the new zip to the launcher (a new launcher for a new activity)."""
        if self.launcher is not None:
            try:
                self.launcher.replace_package(new.zip_path)
                return
            except LaunchError:
                self.launcher.close()
                self.launcher = None
        self.launcher = LaunchServer(
            new.zip_path,
            actor="preview@example.com",
            name="Preview Learner",
            on_statement=self._statement,
            on_notice=lambda message: self._say(f"warning: {message}"),
        ).start()

    def _statement(self, statement: Json) -> None:
        text = describe_statement(statement)
        with self._lock:
            self._statements.append(
                {"seq": len(self._statements) + 1, "text": text, "statement": statement}
            )
        self._say(text)

    # ------------------------------------------------------------------ what the page asks

    def launch(self, *, fresh: bool = False) -> Json:
        """A launch of the current build: ``{build, url, initial, title}``. ``fresh`` starts a
        new attempt (xAPI and cmi5: a new registration; SCORM: the page resets its own API)."""
        with self._lock:
            build = self.build
        if build is None:
            return {"build": 0, "url": "", "initial": {}, "title": ""}
        if self.scorm:
            url = f"/content/{build.number}/{build.launch}"
        else:
            assert self.launcher is not None
            url = self.launcher.launch_url(new_registration=fresh)
        return {"build": build.number, "url": url, "initial": build.initial, "title": build.title}

    def status(self, after: int = 0) -> Json:
        """The current build, the latest error and the statements after number ``after``."""
        with self._lock:
            build, error = self.build, self.error
            statements = self._statements[after:]
        found: Json = {
            "build": build.number if build else 0,
            "seconds": f"{build.seconds:.2f}" if build else "",
            "title": build.title if build else "",
            "warnings": list(build.warnings) if build else [],
            "error": error,
            "statements": statements,
            "state": {},
        }
        if self.launcher is not None:
            registration = self.launcher.registration
            found["state"] = {
                state_id: value.decode("utf-8", "replace") if isinstance(value, bytes) else value
                for (_, reg, state_id), value in self.launcher.state.items()
                if reg == registration
            }
        return found
