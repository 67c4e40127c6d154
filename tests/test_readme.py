"""The README's advice for LMS admins matches what the packages do (issue 6)."""

from __future__ import annotations

from pathlib import Path

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def test_moodle_completion_advice_is_given_per_version() -> None:
    # 2004: "Passed" reads success_status, set by the quiz alone (standards.md §11.13)
    assert '**SCORM 2004**: "Require status: **Completed**"' in README
    assert 'Do not use "Passed" for 2004' in README
    assert '**SCORM 1.2**: "Require status: **Passed**"' in README
    assert '"Force completed": **No**' in README
