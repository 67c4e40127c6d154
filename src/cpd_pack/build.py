"""The pipeline: load -> validate -> outline -> render -> package -> write."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from cpd_pack.exceptions import BuildError
from cpd_pack.loader import load_course
from cpd_pack.outline import Outline, build_outline
from cpd_pack.packagers import FORMATS, PACKAGERS
from cpd_pack.packagers.archive import write_atomic, zip_bytes
from cpd_pack.render import adapter_source, render_site
from cpd_pack.validate import validate_course


@dataclass(frozen=True)
class Package:
    """A built package, in memory until written."""

    format: str
    filename: str
    data: bytes


def check_course(course_dir: str | Path, formats: Sequence[str] = FORMATS) -> Outline:
    """Load, validate and render the course and check it fits ``formats``; write nothing."""
    return _prepare(Path(course_dir), formats, None)[0]


def _prepare(
    root: Path, formats: Sequence[str], templates_dir: Path | None
) -> tuple[Outline, dict[str, bytes]]:
    unknown = [name for name in formats if name not in PACKAGERS]
    if unknown:
        raise BuildError(f"unknown format {unknown[0]!r}; expected one of: {', '.join(FORMATS)}")
    outline = build_outline(validate_course(load_course(root)))
    site = render_site(outline, root, templates_dir)
    for name in formats:
        PACKAGERS[name]().check(outline)
    return outline, site


def make_packages(
    course_dir: str | Path, formats: Sequence[str] = FORMATS, templates_dir: Path | None = None
) -> list[Package]:
    """Build every package in memory, after everything has been validated."""
    outline, site = _prepare(Path(course_dir), formats, templates_dir)
    course = outline.course
    contents = []
    for name in formats:
        packager = PACKAGERS[name]()
        contents.append(packager.package_files(outline, site, adapter_source(packager.adapter)))
    # One thread per zip: zlib releases the GIL, so the formats compress side by side.
    with ThreadPoolExecutor(max_workers=len(formats) or 1) as pool:
        archives = list(pool.map(zip_bytes, contents))
    return [
        Package(name, f"{course.id}-{course.version}-{name}.zip", data)
        for name, data in zip(formats, archives, strict=True)
    ]


def build_packages(
    course_dir: str | Path,
    formats: Sequence[str] = FORMATS,
    out_dir: str | Path = "dist",
    templates_dir: Path | None = None,
) -> list[Path]:
    """Build the course into one zip per format under ``out_dir``; return the paths written."""
    packages = make_packages(course_dir, formats, templates_dir)
    written = []
    for package in packages:
        target = Path(out_dir) / package.filename
        write_atomic(target, package.data)
        written.append(target)
    return written
