"""What the two local servers (``launch`` and ``preview``) share: a threading HTTP server on
127.0.0.1 that tracks its connections, and blocking until Ctrl+C."""

from __future__ import annotations

import contextlib
import signal
import socket
import sys
import threading
import time
from http.server import ThreadingHTTPServer
from typing import Any

HOST = "127.0.0.1"


class TrackingServer(ThreadingHTTPServer):
    """A threading HTTP server that can end its keep-alive connections when it stops."""

    def __init__(self, port: int, handler: type) -> None:
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        self.thread: threading.Thread | None = None
        super().__init__((HOST, port), handler)

    def serve_in_thread(self) -> None:
        """Serve from a daemon thread until :meth:`stop`."""
        self.thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        self.thread.start()

    def stop(self) -> None:
        """Stop serving (if it started), close the socket and end open keep-alives."""
        if self.thread is not None:
            self.shutdown()
            self.thread.join(timeout=5)
            self.thread = None
        self.server_close()
        self.close_connections()

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        """Track open connections, so that :meth:`close_connections` can end keep-alives."""
        with self.connections_lock:
            self.connections.add(request)
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self.connections_lock:
                self.connections.discard(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet when the browser went away mid-response (an aborted media request, a reload)."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def close_connections(self) -> None:
        """End the keep-alive connections still open (after ``shutdown``)."""
        with self.connections_lock:
            for sock in self.connections:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


def serve_until_interrupted() -> None:
    """Block until Ctrl+C (or SIGTERM, in the main thread)."""

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, stop) if main else None
    try:
        while True:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        if main:
            signal.signal(signal.SIGTERM, previous)
