"""The pipeline: load -> validate -> outline -> render -> package -> write.

Everything is checked before any byte is written. Warnings (things that build but are probably
mistakes) are returned with the result; ``strict=True`` turns them into a :class:`CourseError`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from jinja2 import TemplateError

from cpd_pack.exceptions import BuildError, CourseError, CourseWarning, template_error
from cpd_pack.loader import load_course
from cpd_pack.outline import Outline, build_outline
from cpd_pack.packagers import FORMATS, PACKAGERS
from cpd_pack.packagers.archive import write_atomic, zip_many
from cpd_pack.render import adapter_source, builtin_templates, render, search_path
from cpd_pack.validate import validate

Progress = Callable[[str], None]
"""Called by :func:`build_packages` with one line per step (:func:`build_steps` of them)."""


@dataclass(frozen=True)
class Package:
    """A built package, in memory until written."""

    format: str
    filename: str
    data: bytes


@dataclass(frozen=True)
class Built:
    """What :func:`build_packages` wrote, and the warnings found on the way."""

    paths: list[Path]
    warnings: tuple[CourseWarning, ...]
    outline: Outline | None = None
    """The course as built (for the study-time estimate and other summaries)."""


def check_course(
    course_dir: str | Path, formats: Sequence[str] = FORMATS, *, strict: bool = False
) -> Outline:
    """Load, validate and render the course and check it fits ``formats``; write nothing.

    The outline's ``warnings`` hold what was found that builds but is probably a mistake.
    """
    return _prepare(Path(course_dir), formats, None, strict)[0]


def _prepare(
    root: Path, formats: Sequence[str], templates_dir: Path | None, strict: bool
) -> tuple[Outline, dict[str, bytes]]:
    unknown = [name for name in formats if name not in PACKAGERS]
    if unknown:
        raise BuildError(f"unknown format {unknown[0]!r}; expected one of: {', '.join(FORMATS)}")
    warnings: list[CourseWarning] = []
    try:
        course, warnings = validate(load_course(root))
        outline = build_outline(course)
        site, more = render(outline, root, templates_dir)
    except CourseError as exc:  # report the warnings found so far with the errors
        raise CourseError(list(dict.fromkeys([*exc.problems, *warnings])), strict) from None
    except (TemplateError, UnicodeDecodeError) as exc:  # a template, not the course, is wrong
        raise template_error(exc, search_path(templates_dir)) from None
    found = tuple(
        sorted(dict.fromkeys([*warnings, *more]), key=lambda w: (w.file, w.line, w.column))
    )
    if strict and found:
        raise CourseError(list(found), strict=True)
    outline = replace(outline, warnings=found)
    for name in formats:
        PACKAGERS[name]().check(outline)
    return outline, site


def build_steps(formats: Sequence[str]) -> int:
    """How many steps :func:`build_packages` reports: the course, then a zip and a file a format."""
    return 1 + 2 * len(formats)


def check_templates_dir(templates_dir: Path) -> None:
    """Raise :class:`BuildError` when ``templates_dir`` holds none of the files a build uses."""
    shipped = builtin_templates()
    used = sorted(p.relative_to(shipped).as_posix() for p in shipped.rglob("*") if p.is_file())
    if not any((templates_dir / rel).is_file() for rel in used):
        raise BuildError(
            f"{templates_dir.as_posix()}: --templates: none of the template files a build uses is "
            "here, so it would change nothing; copy the one to change from the built-in "
            "templates, keeping its path (such as index.html or static/css/cpd.css): see "
            "docs/theming.md"
        )


def _package(
    root: Path,
    formats: Sequence[str],
    templates_dir: Path | None,
    strict: bool,
    on_step: Progress | None = None,
) -> tuple[Outline, list[Package]]:
    step = on_step or (lambda _: None)
    if templates_dir is not None:
        check_templates_dir(Path(templates_dir))
    outline, site = _prepare(root, formats, templates_dir, strict)
    course = outline.course
    step(
        f"{course.id}: {len(outline.units)} units, {len(outline.pages)} pages, "
        f"{len(site)} site files"
    )
    contents = []
    for name in formats:
        packager = PACKAGERS[name]()
        contents.append(packager.package_files(outline, site, adapter_source(packager.adapter)))
    archives = zip_many(contents)  # the files the formats share are compressed once
    for name, files, data in zip(formats, contents, archives, strict=True):
        step(f"{name}: {len(files)} files, {len(data) / 1024:.0f} KB zipped")
    packages = [
        Package(name, f"{course.id}-{course.version}-{name}.zip", data)
        for name, data in zip(formats, archives, strict=True)
    ]
    return outline, packages


def make_packages(
    course_dir: str | Path,
    formats: Sequence[str] = FORMATS,
    templates_dir: Path | None = None,
    *,
    strict: bool = False,
) -> list[Package]:
    """Build every package in memory, after everything has been validated."""
    return _package(Path(course_dir), formats, templates_dir, strict)[1]


def check_out_dir(out_dir: Path) -> None:
    """Raise :class:`BuildError` when ``out_dir`` cannot be a folder (it, or a parent, is a file)."""
    for folder in (out_dir, *out_dir.parents):
        if folder.is_dir():
            return
        if folder.exists() or folder.is_symlink():
            what = "a file" if folder.is_file() else "not a folder"
            culprit = "it" if folder == out_dir else repr(folder.as_posix())
            raise BuildError(
                f"{out_dir.as_posix()}: cannot write the packages here: {culprit} is {what}; "
                "choose another --out folder"
            )


def build_packages(
    course_dir: str | Path,
    formats: Sequence[str] = FORMATS,
    out_dir: str | Path = "dist",
    templates_dir: Path | None = None,
    *,
    strict: bool = False,
    on_step: Progress | None = None,
) -> Built:
    """Build the course into one zip per format under ``out_dir``; return what was written.

    ``on_step`` is called with one line per step (progress for the command line).
    """
    outline, packages = _package(Path(course_dir), formats, templates_dir, strict, on_step)
    out = Path(out_dir)
    check_out_dir(out)
    written: list[Path] = []
    try:
        for package in packages:
            target = out / package.filename
            write_atomic(target, package.data)
            written.append(target)
            if on_step:
                on_step(f"wrote {target.as_posix()}")
    except OSError as exc:
        for path in written:
            path.unlink(missing_ok=True)
        reason = exc.strerror or str(exc)
        raise BuildError(f"{out.as_posix()}: cannot write the packages: {reason}") from None
    return Built(written, outline.warnings, outline)
