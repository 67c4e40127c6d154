"""Run the JavaScript unit tests of the LMS adapters (tests/js, node's own test runner)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from prereq import require

JS_TESTS = Path(__file__).parent / "js"


def test_adapter_unit_tests_pass() -> None:
    node = shutil.which("node")
    require(node is not None, "node (the adapter unit tests run in it)")
    assert node is not None
    result = subprocess.run(
        [node, "--test", str(JS_TESTS)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "# fail 0" in result.stdout and "# pass 11" in result.stdout
