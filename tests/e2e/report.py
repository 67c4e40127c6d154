"""What the robustness tests found, for benchmarks/robustness_runtime.py: with the environment
variable CPD_ROBUSTNESS_REPORT set to a file, each :func:`record` call appends one JSON line."""

from __future__ import annotations

import json
import os
from typing import Any


def record(kind: str, **data: Any) -> None:
    """Append ``{"kind": kind, **data}`` to $CPD_ROBUSTNESS_REPORT (nothing when it is unset)."""
    path = os.environ.get("CPD_ROBUSTNESS_REPORT")
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps({"kind": kind, **data}) + "\n")
