"""The commands that serve a package or a course on 127.0.0.1 until Ctrl+C: launch, preview."""

from __future__ import annotations

import gc
from pathlib import Path

import click

port_option = click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port on 127.0.0.1 (0 picks a free one).",
)
course_dir_argument = click.argument(
    "course_dir", type=click.Path(exists=True, file_okay=False, path_type=Path)
)


@click.command()
@click.argument("package", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--lrs", "lrs_url", metavar="URL", help="xAPI endpoint of an LRS to forward to.")
@click.option("--lrs-auth", metavar="KEY:SECRET", help="Basic credentials for --lrs.")
@click.option(
    "--actor", default="learner@example.com", show_default=True, help="The learner's email."
)
@click.option("--name", default="Test Learner", show_default=True, help="The learner's name.")
@click.option(
    "--mode",
    type=click.Choice(["Normal", "Browse", "Review"]),
    default="Normal",
    show_default=True,
    help="cmi5 launch mode (the page can change it per launch).",
)
@port_option
@click.option("--open", "open_browser", is_flag=True, help="Open the launch page in a browser.")
def launch(
    package: Path,
    lrs_url: str | None,
    lrs_auth: str | None,
    actor: str,
    name: str,
    mode: str,
    port: int,
    open_browser: bool,
) -> None:
    """Try an xAPI or cmi5 zip: serve it on 127.0.0.1 and play the LMS's part of the launch.

    Statements go to the launcher's own xAPI endpoint, which keeps them (with State and
    Agent Profile documents) and, with --lrs, forwards them to that LRS. One line is printed
    per statement. Stop with Ctrl+C (open cmi5 sessions are then recorded as abandoned).

    \b
    Examples:
      cpd-pack launch dist/advanced-therapeutic-relationships-1.0-cmi5.zip --open
      cpd-pack launch dist/advanced-therapeutic-relationships-1.0-xapi.zip \\
        --lrs https://lrs.example.com/xapi/ --lrs-auth KEY:SECRET --actor me@example.com
    """
    import webbrowser

    from cpd_pack.launch import LaunchServer, describe_statement

    if (lrs_url is None) != (lrs_auth is None):
        raise click.UsageError("--lrs and --lrs-auth go together")
    lrs = None
    if lrs_url is not None and lrs_auth is not None:
        key, colon, secret = lrs_auth.partition(":")
        if not colon:
            raise click.UsageError("--lrs-auth must be KEY:SECRET")
        lrs = (lrs_url, key, secret)

    def echo(statement: dict[str, object]) -> None:
        click.echo(describe_statement(statement))

    def notice(message: str) -> None:
        click.echo(f"warning: {message}", err=True)

    with LaunchServer(
        package,
        lrs=lrs,
        actor=actor,
        name=name,
        mode=mode,
        port=port,
        on_statement=echo,
        on_notice=notice,
    ) as server:
        kind = "cmi5" if server.kind == "cmi5" else "xAPI"
        click.echo(f"{kind} package {server.package.title!r} for {actor}")
        click.echo(f"Launch page: {server.url}/  (Ctrl+C stops)")
        if open_browser:
            webbrowser.open(server.url + "/")
        server.serve_until_interrupted()
    click.echo("Stopped.")


@click.command()
@course_dir_argument
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(["scorm2004", "scorm12", "xapi", "cmi5"]),
    default="scorm2004",
    show_default=True,
    help="Format to preview.",
)
@port_option
@click.option(
    "--templates",
    "templates_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder of templates that override the built-in ones (watched too).",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in a browser.")
def preview(
    course_dir: Path, fmt: str, port: int, templates_dir: Path | None, open_browser: bool
) -> None:
    """Preview a course in an LMS-like page that logs every runtime call or statement.

    Builds into a temporary folder and serves it on 127.0.0.1 beside a live log (SCORM:
    every API call and the data model; xAPI and cmi5: every statement). Rebuilds and reloads
    when a file changes; a broken edit is shown (file:line) and the last good build stays up.
    Stop with Ctrl+C.

    \b
    Examples:
      cpd-pack preview course_source --open
      cpd-pack preview course_source --format cmi5 --port 8001
    """
    import webbrowser

    from cpd_pack.preview import PreviewServer

    gc.enable()  # a long-running server, unlike the other commands
    with PreviewServer(
        course_dir, fmt, port=port, templates_dir=templates_dir, on_message=click.echo
    ) as server:
        click.echo(f"Preview: {server.url}  (Ctrl+C stops)")
        if open_browser:
            webbrowser.open(server.url)
        server.serve_until_interrupted()
    click.echo("Stopped.")
