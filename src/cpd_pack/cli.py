"""The command line: each command parses its options and calls one library function."""

from __future__ import annotations

import gc
from pathlib import Path

import click

from cpd_pack import __version__
from cpd_pack.packagers import FORMATS

course_dir_argument = click.argument(
    "course_dir", type=click.Path(exists=True, file_okay=False, path_type=Path)
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cpd-pack")
def cli() -> None:
    """Build e-learning packages (SCORM 2004, SCORM 1.2) from a course written in YAML.

    \b
    Examples:
      cpd-pack validate course_source
      cpd-pack build course_source
      cpd-pack build course_source --format scorm12 --out dist/
    """


@cli.command()
@course_dir_argument
def validate(course_dir: Path) -> None:
    """Check a course folder and report every problem (exit 1 if there is any).

    \b
    Example:
      cpd-pack validate course_source
    """
    from cpd_pack.build import check_course

    outline = check_course(course_dir)
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
def build(
    course_dir: Path, formats: tuple[str, ...], out_dir: Path, templates_dir: Path | None
) -> None:
    """Validate a course, then write one zip per format as OUT/<id>-<version>-<format>.zip.

    Nothing is written unless the whole course is valid. Zips are byte-identical for the same
    input; entry times come from SOURCE_DATE_EPOCH when it is set.

    \b
    Examples:
      cpd-pack build course_source
      cpd-pack build course_source -f scorm12 -f scorm2004 -o dist/
    """
    from cpd_pack.build import build_packages

    for path in build_packages(course_dir, formats or FORMATS, out_dir, templates_dir):
        click.echo(str(path))


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
