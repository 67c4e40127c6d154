"""``LaunchServer``: the launcher as a context manager, and the API the tests use."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cpd_pack.launch.handler import HOST, Server
from cpd_pack.launch.lms import Launcher
from cpd_pack.launch.model import LAUNCH_DATA, Launch, LaunchError, make_actor
from cpd_pack.launch.package import MAX_BYTES, Package, open_package
from cpd_pack.launch.page import render_page
from cpd_pack.launch.store import Json
from cpd_pack.launch.upstream import Upstream
from cpd_pack.launch.xapi import XapiResources
from cpd_pack.serving import serve_until_interrupted


class LaunchServer:
    """Serve one package and play the LMS's part; use as a context manager.

    ``lrs`` is ``(endpoint, key, secret)`` of a real LRS to forward statements to; ``actor`` an
    email (made into an Agent, see :func:`~cpd_pack.launch.model.make_actor`) or an Agent.
    ``on_statement`` is called with each statement stored (the AU's and the LMS's own),
    ``on_notice`` with messages worth showing (an abandoned that could not be recorded).
    """

    def __init__(
        self,
        package_zip: Path | str,
        *,
        lrs: tuple[str, str, str] | None = None,
        actor: str | Json = "learner@example.com",
        name: str | None = "Test Learner",
        mode: str = "Normal",
        port: int = 0,
        on_statement: Callable[[Json], None] | None = None,
        on_notice: Callable[[str], None] | None = None,
        terminated_grace: float = 60.0,
        max_bytes: int = MAX_BYTES,
    ) -> None:
        self.package_zip = Path(package_zip)
        self._options = (actor, name, mode, on_statement, on_notice, terminated_grace)
        try:
            self.upstream = Upstream(*lrs) if lrs else None
        except ValueError as exc:
            raise LaunchError(str(exc)) from exc
        self.port = port
        self.max_bytes = max_bytes
        self._tmp: Path | None = None
        self._httpd: Server | None = None
        self.package: Package
        self.launcher: Launcher
        self.resources: XapiResources

    # ------------------------------------------------------------------ life cycle

    def start(self) -> LaunchServer:
        """Extract the package, listen on 127.0.0.1 and create the first registration."""
        actor, name, mode, on_statement, on_notice, grace = self._options
        self._tmp = Path(tempfile.mkdtemp(prefix="cpd-pack-launch-"))
        try:
            self.package = open_package(self.package_zip, self._tmp, max_bytes=self.max_bytes)
            try:
                self._httpd = Server(self.port, self)
            except OSError as exc:
                raise LaunchError(
                    f"cannot listen on {HOST}:{self.port} ({exc.strerror}); "
                    "choose another --port (0 picks a free one)"
                ) from exc
            self.port = int(self._httpd.server_address[1])
            self.launcher = Launcher(
                self.package,
                base_url=self.url,
                actor=make_actor(self.package.kind, actor, name),
                mode=mode,
                upstream=self.upstream,
                on_statement=on_statement,
                on_notice=on_notice,
                terminated_grace=grace,
            )
            self.resources = XapiResources(self.launcher)
            self.launcher.start()
        except BaseException:
            self._stop_http()
            shutil.rmtree(self._tmp, ignore_errors=True)
            raise
        self._httpd.serve_in_thread()
        return self

    def replace_package(self, package_zip: Path | str) -> Package:
        """Serve another build of the same package from now on (``cpd-pack preview``), keeping
        registrations, statements and State documents; LaunchError if it is another activity."""
        assert self._tmp is not None, "the launcher is not started"
        dest = Path(tempfile.mkdtemp(prefix="replaced-", dir=self._tmp))
        try:
            package = open_package(Path(package_zip), dest, max_bytes=self.max_bytes)
            if (package.kind, package.activity_id) != (self.package.kind, self.package.activity_id):
                raise LaunchError(
                    f"{Path(package_zip).name}: another activity ({package.kind} "
                    f"{package.activity_id}); start a new launcher for it"
                )
        except BaseException:
            shutil.rmtree(dest, ignore_errors=True)
            raise
        old = self.package.root
        self.package = self.launcher.package = package
        for folder in (old, *old.parents):  # the previous replacement, not the first extraction
            if folder.parent == self._tmp and folder.name.startswith("replaced-"):
                shutil.rmtree(folder, ignore_errors=True)
        return package

    def _stop_http(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            httpd.stop()

    def close(self) -> None:
        """Abandon open cmi5 sessions, stop serving and delete the extracted package."""
        try:
            if self._httpd is not None:
                self.launcher.close()
        finally:
            self._stop_http()
            if self._tmp is not None:
                shutil.rmtree(self._tmp, ignore_errors=True)
                self._tmp = None

    def __enter__(self) -> LaunchServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def serve_until_interrupted(self) -> None:
        """Block until Ctrl+C (or SIGTERM, in the main thread)."""
        serve_until_interrupted()

    # ------------------------------------------------------------------ the API for tests

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` (no trailing slash)."""
        return f"http://{HOST}:{self.port}"

    @property
    def kind(self) -> str:
        """``xapi`` or ``cmi5``."""
        return self.package.kind

    @property
    def endpoint(self) -> str:
        """The xAPI endpoint the AU gets."""
        return self.launcher.endpoint

    @property
    def actor(self) -> Json:
        """The launch actor."""
        return self.launcher.actor

    @property
    def activity_id(self) -> str:
        """The launch activity id (cmi5: LMS-generated; xAPI: the tincan.xml activity)."""
        return self.launcher.activity_id

    @property
    def registration(self) -> str:
        """The current registration id."""
        return self.launcher.registration.id

    def launch(self, *, mode: str | None = None, new_registration: bool = False) -> Launch:
        """A new launch (cmi5: a new session; same registration unless ``new_registration``)."""
        return self.launcher.launch(mode=mode, new_registration=new_registration)

    def launch_url(self, *, mode: str | None = None, new_registration: bool = False) -> str:
        """The AU launch URL of a new launch (see :meth:`launch`)."""
        return self.launch(mode=mode, new_registration=new_registration).url

    @property
    def statements(self) -> list[Json]:
        """Every stored statement, in arrival order (with ``stored`` and ``authority``)."""
        with self.launcher.lock:
            return self.launcher.statements.all()

    @property
    def state(self) -> dict[tuple[str, str, str], Any]:
        """The learner's State documents: ``(activityId, registration, stateId)`` -> parsed
        JSON (bytes when not JSON)."""
        agent = self.launcher.learner_key
        with self.launcher.lock:
            items = self.launcher.state.items()
        found: dict[tuple[str, str, str], Any] = {}
        for (activity, who, registration, state_id), doc in items:
            if who == agent:
                parsed = doc.json()
                found[(activity, registration, state_id)] = (
                    doc.content if parsed is None else parsed
                )
        return found

    def launch_data(self, registration: str | None = None) -> Json:
        """The current LMS.LaunchData of a registration (default: the current one)."""
        key = (self.activity_id, registration or self.registration, LAUNCH_DATA)
        data: Json = self.state[key]
        return data

    def page(self) -> str:
        """The LMS page (see :func:`~cpd_pack.launch.page.render_page`)."""
        return render_page(self)
