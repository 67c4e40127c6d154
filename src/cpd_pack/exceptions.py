"""The project's exceptions; click prints them without a traceback and exits 1."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Any

import click


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


class CpdPackError(click.ClickException):
    """Base class of every error cpd-pack raises on purpose."""

    exit_code = 1


class CourseError(CpdPackError):
    """The course source is invalid; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.column, p.field))
        count = len(self.problems)
        lines = [str(p) for p in self.problems]
        lines.append(f"{count} problem{'s' if count != 1 else ''} found; nothing was written.")
        super().__init__("\n".join(lines))

    def show(self, file: IO[Any] | None = None) -> None:
        """Print one problem a line, each starting with its file:line:column (no 'Error:')."""
        click.echo(self.format_message(), file=file, err=True)


class BuildError(CpdPackError):
    """The course is valid but cannot be packaged (for example a size budget is exceeded)."""
