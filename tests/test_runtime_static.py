"""What the browser runtime must never do, checked in its source (pitfalls 3 and 4)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

JS = sorted((Path(__file__).parent.parent / "templates" / "static" / "js").rglob("*.js"))


@pytest.mark.parametrize("path", JS, ids=lambda p: p.name)
def test_no_unload_handlers_or_synchronous_requests(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert not re.search(r"""["'](before)?unload["']|\bon(before)?unload\b""", source)
    assert "XMLHttpRequest" not in source  # the LMS API does the transport
    assert "setInterval" not in source  # commits follow events, never a timer


def test_the_runtime_is_there() -> None:
    assert {p.name for p in JS} >= {"player.js", "scorm12.js", "scorm2004.js", "none.js"}
