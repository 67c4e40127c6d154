"""``cpd-pack preview``: the course, built into a temporary folder, in an LMS-like page on
127.0.0.1 that shows every SCORM runtime call and the data model (scorm-again, shipped in
``static/scorm-again`` with its licence) or every xAPI/cmi5 statement (through
:mod:`cpd_pack.launch`), rebuilt and reloaded whenever a source file changes.

    with PreviewServer("course_source", "scorm12", port=0) as srv:
        print(srv.url)
"""

from __future__ import annotations

from cpd_pack.preview.builder import FORMAT_LABELS
from cpd_pack.preview.server import PreviewError, PreviewServer

__all__ = ["FORMAT_LABELS", "PreviewError", "PreviewServer"]
