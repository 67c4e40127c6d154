"""The one rule for a missing prerequisite (browser, node, LRS, npm package): skip locally, fail
when ``CI=true``, so CI never passes by skipping."""

from __future__ import annotations

import os

import pytest


def require(ok: bool, what: str, *, module: bool = False) -> None:
    """Skip when ``what`` is missing (``module=True``: the whole module); fail with ``CI=true``."""
    if ok:
        return
    message = f"{what} is missing; run ./scripts/setup"
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message, allow_module_level=module)
