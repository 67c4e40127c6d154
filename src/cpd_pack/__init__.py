"""cpd-pack: build SCORM, xAPI and cmi5 packages from a course written in YAML and Markdown."""

from __future__ import annotations

__version__ = "0.1.0"

from cpd_pack.exceptions import CourseError, CpdPackError

__all__ = ["CourseError", "CpdPackError", "__version__"]
