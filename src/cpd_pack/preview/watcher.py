"""Watch the course folder with watchfiles and call back, in a thread, when something changed."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from watchfiles import watch


class Watcher:
    """Call ``on_change`` with the changed paths after each burst of changes under ``folders``.

    ``debounce_ms`` groups an editor's several writes into one call. :meth:`start` returns once
    the folder is being watched; :meth:`close` stops the thread.
    """

    def __init__(
        self,
        folders: list[Path],
        on_change: Callable[[set[str]], None],
        *,
        debounce_ms: int = 300,
    ) -> None:
        self.folders = folders
        self.on_change = on_change
        self.debounce_ms = debounce_ms
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> Watcher:
        """Start watching; wait (at most 5 s) until the folders are watched."""
        self._thread = threading.Thread(
            target=self._run, name="cpd-pack-preview-watch", daemon=True
        )
        self._thread.start()
        self._ready.wait(timeout=5)
        return self

    def _run(self) -> None:
        changes = watch(
            *self.folders,
            debounce=self.debounce_ms,
            step=50,
            stop_event=self._stop,
            rust_timeout=200,
            yield_on_timeout=True,  # the first (empty) yield says the watch is live
            raise_interrupt=False,
        )
        try:
            for changed in changes:
                self._ready.set()
                if changed and not self._stop.is_set():
                    self.on_change({path for _, path in changed})
        finally:
            self._ready.set()

    def close(self) -> None:
        """Stop watching and wait for the thread (and any rebuild it is running)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
