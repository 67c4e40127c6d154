"""``cpd-pack new``: a small, commented starter course that builds at once.

The starter's files are package data (``starter/``); the editor schemas are generated into
``schema/`` at creation, so they always match the installed cpd-pack.
"""

from __future__ import annotations

from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

from cpd_pack.course_schema import schema_json
from cpd_pack.exceptions import CpdPackError
from cpd_pack.ids import slugify

STARTER_ID = "my-course"
"""The course id in the starter's ``course.yaml``, replaced by one made from the folder name."""


def starter_files() -> dict[str, bytes]:
    """The starter course: relative path -> content."""
    files: dict[str, bytes] = {}

    def walk(folder: Traversable, prefix: str) -> None:
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.is_dir():
                walk(entry, f"{prefix}{entry.name}/")
            elif not entry.name.startswith("."):
                files[prefix + entry.name] = entry.read_bytes()

    walk(resources.files(__name__) / "starter", "")
    return files


def course_id(folder: Path) -> str:
    """An id for the new course, made from the folder's name."""
    return slugify(folder.resolve().name, "course") or STARTER_ID


def create_course(folder: str | Path) -> list[Path]:
    """Write the starter course into ``folder`` (new or empty); return the files written.

    Raises :class:`CpdPackError` when ``folder`` is a file or a folder that is not empty.
    """
    root = Path(folder)
    shown = root.as_posix()
    if root.exists() and not root.is_dir():
        raise CpdPackError(f"{shown}: is a file; give a new or empty folder for the course")
    if root.is_dir() and any(root.iterdir()):
        raise CpdPackError(
            f"{shown}: the folder is not empty; give a new or empty folder for the course"
        )
    files = starter_files()
    new_id = course_id(root)
    files["course.yaml"] = (
        files["course.yaml"]
        .replace(f"id: {STARTER_ID} ".encode(), f"id: {new_id} ".encode(), 1)
        .replace(f"/courses/{STARTER_ID}".encode(), f"/courses/{new_id}".encode(), 1)
    )
    files["schema/course.schema.json"] = schema_json().encode("utf-8")
    files["schema/unit.schema.json"] = schema_json(unit=True).encode("utf-8")
    written = []
    try:
        for rel, data in sorted(files.items()):
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            written.append(target)
    except OSError as exc:
        raise CpdPackError(f"{shown}: cannot write the course: {exc.strerror or exc}") from None
    return written
