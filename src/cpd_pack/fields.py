"""Field rules shared by the model's classes (``model.py``, ``quiz_model.py``)."""

from __future__ import annotations

import re
from dataclasses import field
from typing import Any

ID_RE = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
ID_RULE = "lowercase letters, digits and hyphens, starting with a letter, at most 40 characters"


def rule(default: Any = ..., **rules: Any) -> Any:
    """A dataclass field with validation rules: nonempty, pattern, ge, gt, le, min_items,
    max_items, source (a file inside the course folder), suffix (allowed file endings),
    percent (0 to 100, not a fraction)."""
    if default is ...:
        return field(metadata=rules)
    return field(default=default, metadata=rules)


ID = {"pattern": (ID_RE, ID_RULE)}
