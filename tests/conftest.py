"""Shared fixtures: the real sample courses under tests/fixtures/courses."""

from __future__ import annotations

from pathlib import Path

import pytest

from cpd_pack.loader import load_course
from cpd_pack.outline import Outline, build_outline
from cpd_pack.validate import validate_course

COURSES = Path(__file__).parent / "fixtures" / "courses"
REPO = Path(__file__).parent.parent


@pytest.fixture(scope="session")
def mini_dir() -> Path:
    """The small course that uses every feature."""
    return COURSES / "mini"


@pytest.fixture(scope="session")
def mini_outline(mini_dir: Path) -> Outline:
    """The mini course, loaded, validated and outlined."""
    return build_outline(validate_course(load_course(mini_dir)))
