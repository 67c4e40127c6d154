"""The command line: each command parses its options and calls one library function."""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cpd_pack import __version__
from cpd_pack.exceptions import BuildError, CourseWarning
from cpd_pack.packagers import FORMATS

if TYPE_CHECKING:
    from cpd_pack.outline import Outline

course_dir_argument = click.argument(
    "course_dir", type=click.Path(exists=True, file_okay=False, path_type=Path)
)
strict_option = click.option(
    "--strict",
    is_flag=True,
    help="Treat warnings as errors: exit 1 and write nothing when there is any.",
)


def _color() -> bool | None:
    """Colour on a terminal only (click's default), never when NO_COLOR is set (no-color.org)."""
    return False if os.environ.get("NO_COLOR") else None


def _stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


def _show_warnings(warnings: tuple[CourseWarning, ...]) -> None:
    """Print each warning on stderr as ``file:L:C: field: warning: message``."""
    for warning in warnings:
        click.echo(click.style(str(warning), fg="yellow"), err=True, color=_color())


class _Steps:
    """Build progress on stderr: each step with its time (--verbose), else a progress bar on a
    terminal for a build of several formats (``eager``) or one that takes a while."""

    SLOW = 0.5
    """Seconds after which a one-format build shows the bar too (a large course)."""

    def __init__(
        self, stack: contextlib.ExitStack, total: int, verbose: bool, bar: bool, *, eager: bool
    ) -> None:
        self.stack, self.total, self.verbose, self.eager = stack, total, verbose, eager
        self.want_bar = bar and not verbose and _stderr_is_terminal()
        self.bar: Any = None
        self.done = 0
        self.started = time.perf_counter()

    def __call__(self, line: str) -> None:
        self.done += 1
        elapsed = time.perf_counter() - self.started
        if self.verbose:
            step = click.style(f"{elapsed:5.2f} s  {line}", dim=True)
            click.echo(step, err=True, color=_color())
        elif self.bar is not None:
            self.bar.update(1)
        elif self.want_bar and (self.eager or elapsed > self.SLOW):
            bar = click.progressbar(
                length=self.total, label="Building", file=sys.stderr, color=_color()
            )
            self.bar = self.stack.enter_context(bar)
            self.bar.update(self.done)


class _Group(click.Group):
    """A group whose --help shows each command's whole one-line summary (click cuts it short)."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=1000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _show_study_time(outline: Outline | None, course_dir: Path) -> None:
    """Print the estimated study time per unit and in total on stderr, then any warning."""
    from cpd_pack.studytime import study_time_lines

    if outline is not None:
        for line in study_time_lines(outline, course_dir):
            click.echo(line, err=True)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cpd-pack")
def cli() -> None:
    """Build e-learning packages (SCORM 2004, SCORM 1.2, xAPI, cmi5) from a course written in YAML.

    \b
    Examples:
      cpd-pack validate course_source
      cpd-pack build course_source
      cpd-pack build course_source --format scorm12 --out dist/
    """


@cli.command()
@course_dir_argument
@strict_option
def validate(course_dir: Path, strict: bool) -> None:
    """Check a course folder and report every problem (exit 1 if there is any).

    Warnings (what builds but is probably a mistake) are printed on stderr; with --strict
    they are errors.

    \b
    Examples:
      cpd-pack validate course_source
      cpd-pack validate course_source --strict
    """
    from cpd_pack.build import check_course

    outline = check_course(course_dir, strict=strict)
    _show_warnings(outline.warnings)
    _show_study_time(outline, course_dir)
    click.echo(
        f"{course_dir / 'course.yaml'}: OK: {len(outline.units)} units, {len(outline.pages)} pages, "
        f"{len(outline.quiz_questions)} quiz questions"
    )


@cli.command()
@course_dir_argument
@click.option(
    "--format",
    "-f",
    "formats",
    type=click.Choice(FORMATS),
    multiple=True,
    help="Format to build (repeatable). Default: every format.",
)
@click.option(
    "--out",
    "-o",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("dist"),
    show_default=True,
    help="Folder to write the zips into.",
)
@click.option(
    "--templates",
    "templates_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder of templates that override the built-in ones.",
)
@strict_option
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@click.option("--verbose", "-v", is_flag=True, help="Print each step with its time.")
def build(
    course_dir: Path,
    formats: tuple[str, ...],
    out_dir: Path,
    templates_dir: Path | None,
    strict: bool,
    quiet: bool,
    verbose: bool,
) -> None:
    """Validate a course, then write one zip per format as OUT/<id>-<version>-<format>.zip.

    Nothing is written unless the whole course is valid (and, with --strict, has no
    warnings). Zips are byte-identical for the same input; entry times come from
    SOURCE_DATE_EPOCH when it is set.

    \b
    Examples:
      cpd-pack build course_source
      cpd-pack build course_source -f scorm12 -f scorm2004 -o dist/
      cpd-pack build course_source --strict
      cpd-pack build course_source --verbose
    """
    from cpd_pack.build import build_packages, build_steps

    if quiet and verbose:
        raise click.UsageError("--quiet and --verbose go one at a time")
    formats = formats or FORMATS
    with contextlib.ExitStack() as stack:
        steps = _Steps(stack, build_steps(formats), verbose, not quiet, eager=len(formats) > 1)
        built = build_packages(
            course_dir, formats, out_dir, templates_dir, strict=strict, on_step=steps
        )
    if quiet:
        return
    _show_warnings(built.warnings)
    _show_study_time(built.outline, course_dir)
    for path in built.paths:
        click.echo(str(path))


@cli.command()
@click.argument("package", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
def check(ctx: click.Context, package: Path, as_json: bool) -> None:
    """Check any SCORM 1.2/2004, xAPI or cmi5 zip before uploading it to an LMS.

    Detects the kind and version, validates the manifest against the official schemas, checks
    the packaging rules a schema cannot and lists what is known to go wrong in real LMSs. The zip
    is read in memory, never extracted. Exit 0 when there is no error (warnings allowed), 1
    otherwise.

    \b
    Examples:
      cpd-pack check dist/advanced-therapeutic-relationships-1.0-scorm12.zip
      cpd-pack check vendor-course.zip --json
    """
    import json

    from cpd_pack.check import PackageRefusedError, check_package

    try:
        report = check_package(package)
    except PackageRefusedError as exc:
        if not as_json:
            raise
        click.echo(json.dumps({"package": str(package), "refused": exc.message}, indent=2))
        ctx.exit(1)
    click.echo(report.to_json() if as_json else report.to_text())
    ctx.exit(report.exit_code)


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path))
def new(folder: Path) -> None:
    """Start a course: write a small, commented course that builds at once into FOLDER.

    FOLDER must be new or empty. The course has two units, every kind of block and a short
    quiz; its YAML files start with the line that gives editors the schema (schema/).

    \b
    Examples:
      cpd-pack new my-course
      cpd-pack new first-course && cpd-pack build first-course
    """
    import shlex

    from cpd_pack.scaffold import create_course

    written = create_course(folder)
    shown = shlex.quote(folder.as_posix())
    click.echo(f"{folder.as_posix()}: a new course in {len(written)} files. Next:")
    click.echo(f"  cpd-pack preview {shown} --open   see it as a learner does")
    click.echo(f"  cpd-pack build {shown}            make the zips")


@cli.command()
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the schema to this file instead of printing it.",
)
@click.option("--unit", is_flag=True, help="The schema of a unit file instead of course.yaml.")
def schema(output: Path | None, unit: bool) -> None:
    """Print the JSON Schema of course.yaml (or of a unit file), for editors.

    Generated from the same model the validator uses. Point the first line of a YAML file at
    it, and VS Code's YAML extension (and other editors using yaml-language-server) complete
    keys and flag errors as you type:
    '# yaml-language-server: $schema=schema/course.schema.json'.

    \b
    Examples:
      cpd-pack schema -o schema/course.schema.json
      cpd-pack schema --unit -o schema/unit.schema.json
    """
    from cpd_pack.course_schema import schema_json

    text = schema_json(unit=unit)
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise BuildError(f"{output.as_posix()}: cannot write the schema: {exc.strerror}") from None


def main() -> None:
    """The console entry point: ``cli`` in a short-lived process.

    The cyclic garbage collector only costs time here (about a tenth of a cold build), and
    freezing what is left at the end skips the collection at exit.
    """
    gc.disable()
    try:
        cli()
    finally:
        gc.freeze()


@cli.command()
@course_dir_argument
@click.argument(
    "moodle_files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--statements",
    "statement_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A JSON file of xAPI statements (repeatable).",
)
@click.option("--lrs", "lrs_url", metavar="URL", help="xAPI endpoint of an LRS to read from.")
@click.option("--lrs-auth", metavar="KEY:SECRET", help="Basic credentials for --lrs.")
@click.option(
    "--out",
    "-o",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("report"),
    show_default=True,
    help="Folder to write report.html, report.json and the CSV tables into.",
)
def report(
    course_dir: Path,
    moodle_files: tuple[Path, ...],
    statement_files: tuple[Path, ...],
    lrs_url: str | None,
    lrs_auth: str | None,
    out_dir: Path,
) -> None:
    """Item analysis: which quiz questions work, from Moodle's SCORM reports or xAPI statements.

    MOODLE_FILES are Moodle SCORM report downloads (Interactions or Basic report, "Text file",
    ODS or Excel). Writes OUT/report.html (open it in a browser), OUT/report.json and one CSV per
    table; flags point to each question's file:line in COURSE_DIR.

    \b
    Examples:
      cpd-pack report course_source moodle-interactions.txt
      cpd-pack report course_source --lrs https://lrs.example.com/xapi/ --lrs-auth KEY:SECRET
      cpd-pack report course_source --statements statements.json --out report/
    """
    from cpd_pack.report import make_report

    if (lrs_url is None) != (lrs_auth is None):
        raise click.UsageError("--lrs and --lrs-auth go together")
    lrs = (lrs_url, lrs_auth) if lrs_url is not None and lrs_auth is not None else None
    done = make_report(course_dir, out_dir, moodle_files, statement_files, lrs)
    for notice in done.notices:
        click.echo(f"note: {notice}", err=True)
    a = done.analysis
    click.echo(
        f"{a.learners} learners, {a.attempts} attempts, {a.submissions} quiz submissions; "
        f"{len(done.flags)} flags"
    )
    click.echo(str(done.paths[0]))


# Registered here, defined in their own module (cli_servers.py) to keep this one short.
def _add_server_commands() -> None:
    from cpd_pack.cli_servers import launch, preview

    cli.add_command(launch)
    cli.add_command(preview)


_add_server_commands()
