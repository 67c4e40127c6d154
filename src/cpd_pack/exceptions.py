"""The project's exceptions and the located problems and warnings they carry.

Shapes of what cpd-pack reports (click prints them without a traceback and exits 1):

* a problem: ``file:LINE:COL: field.path: message``; a problem about a whole file (its
  encoding or its YAML syntax) has no field: ``file:LINE:COL: message``;
* a warning: ``file:LINE:COL: field.path: warning: message`` (``--strict`` makes it an error);
* a :class:`BuildError`, which is not about one place in the course source: one line,
  ``subject: message``, the subject being a format, a folder or a template file.
"""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import click

PROBLEM_LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<column>\d+): (?P<rest>.+)$")
"""Every line of a :class:`CourseError` but the last (the count) matches this."""
BUILD_ERROR_LINE = re.compile(r"^(?P<subject>[^\n]+?): (?P<message>[^\n]+)$")
"""A :class:`BuildError` message matches this."""


@dataclass(frozen=True)
class Problem:
    """One problem in the course source, located as precisely as the source allows."""

    file: str
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


@dataclass(frozen=True)
class CourseWarning(Problem):
    """Something that builds but is probably a mistake; an error under ``--strict``."""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} warning: {self.message}"


class CpdPackError(click.ClickException):
    """Base class of every error cpd-pack raises on purpose."""

    exit_code = 1


class CourseError(CpdPackError):
    """The course source is invalid; carries every problem (and warning) found."""

    def __init__(self, problems: list[Problem], strict: bool = False) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.column, p.field))
        count = len(self.problems)
        warnings = sum(isinstance(p, CourseWarning) for p in self.problems)
        lines = [str(p) for p in self.problems]
        detail = ""
        if warnings:
            detail = f" ({warnings} warning{'s' * (warnings != 1)}"
            detail += ", errors with --strict)" if strict else ")"
        lines.append(f"{count} problem{'s' * (count != 1)} found{detail}; nothing was written.")
        super().__init__("\n".join(lines))

    def show(self, file: IO[Any] | None = None) -> None:
        """Print one problem a line, each starting with its file:line:column (no 'Error:')."""
        click.echo(self.format_message(), file=file, err=True)


class BuildError(CpdPackError):
    """The course is valid but cannot be packaged or written (``subject: message``)."""


def template_error(exc: Exception, dirs: list[Path]) -> BuildError:
    """A :class:`BuildError` naming the template file and line where rendering failed."""
    import jinja2  # here, so that importing cpd_pack stays cheap

    file, line = None, 1
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        file, line = exc.filename, exc.lineno
    else:  # Jinja rewrites tracebacks so that template frames carry the template's file and line
        folders = [Path(d).resolve() for d in dirs]
        for frame, lineno in traceback.walk_tb(exc.__traceback__):
            name = frame.f_code.co_filename
            if any(Path(name).resolve().is_relative_to(folder) for folder in folders):
                file, line = name, lineno
    message = exc.message if isinstance(exc, jinja2.TemplateError) else str(exc)
    if isinstance(exc, jinja2.TemplateNotFound):
        message = f"template {exc.name!r} not found"
    elif isinstance(exc, UnicodeDecodeError):  # the loader's frame knows which file it read
        names = [f.f_locals.get("filename") for f, _ in traceback.walk_tb(exc.__traceback__)]
        file = next((n for n in reversed(names) if isinstance(n, str)), None)
        line = exc.object.count(b"\n", 0, exc.start) + 1
        message = f"not UTF-8 text ({exc.reason}); save the template as UTF-8"
    where = f"{Path(file).as_posix()}:{line}:1" if file else "templates"
    return BuildError(f"{where}: template error: {message or type(exc).__name__}")
