"""The ``ralph_lrs`` fixture: one real Ralph LRS for the whole test session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from lrs.ralph import RalphLRS, ralph_installed, require


@pytest.fixture(scope="session")
def ralph_lrs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RalphLRS]:
    """A started :class:`lrs.ralph.RalphLRS`, stopped when the session ends.

    Shared by all tests: filter what you read by your own registration or statement ids.
    Tests that stop it must start it again (same port, same data).
    """
    require(ralph_installed(), "ralph-malph[cli,lrs]==5.1.0 (the '.[test]' extra)")
    data_dir: Path = tmp_path_factory.mktemp("ralph")
    lrs = RalphLRS(data_dir)
    try:
        lrs.start()
    except RuntimeError as exc:  # start() has stopped the process already
        require(False, f"a Ralph LRS that starts on 127.0.0.1 (startup failed: {exc})")
    try:
        yield lrs
    finally:
        lrs.stop()
