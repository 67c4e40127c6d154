"""Forwarding statements to the real LRS given with ``--lrs`` (standard library HTTP client)."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from cpd_pack.launch.store import XapiError

XAPI_VERSION = "1.0.3"
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


class Upstream:
    """An LRS reached with Basic credentials; ``endpoint`` is its xAPI base URL."""

    def __init__(self, endpoint: str, key: str, secret: str, *, timeout: float = 10.0) -> None:
        if not endpoint.startswith(("http://", "https://")):
            raise ValueError(f"the LRS endpoint must be an http(s) URL, not {endpoint!r}")
        self.endpoint = endpoint if endpoint.endswith("/") else endpoint + "/"
        self.timeout = timeout
        host = urllib.parse.urlsplit(self.endpoint).hostname or ""
        # A proxy from the environment must not sit between the launcher and a local LRS.
        handlers = [urllib.request.ProxyHandler({})] if host in _LOOPBACK else []
        self._opener = urllib.request.build_opener(*handlers)
        token = base64.b64encode(f"{key}:{secret}".encode()).decode("ascii")
        self._headers = {
            "Authorization": f"Basic {token}",
            "X-Experience-API-Version": XAPI_VERSION,
            "Content-Type": "application/json",
        }

    def post_statements(self, statements: list[dict[str, Any]]) -> int:
        """POST the statements as one list; returns the LRS's 2xx status.

        XapiError carries the LRS's own status for any other answer, and 502 when the LRS
        cannot be reached (refused, timed out), so that the AU keeps the statements and retries.
        """
        body = json.dumps(statements, separators=(",", ":")).encode("utf-8")
        request = urllib.request.Request(
            self.endpoint + "statements", data=body, headers=self._headers, method="POST"
        )
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                response.read()
                return int(response.status)
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")[:500]
            raise XapiError(exc.code, f"the LRS answered {exc.code}: {detail}") from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise XapiError(502, f"the LRS at {self.endpoint} is unreachable: {reason}") from exc
