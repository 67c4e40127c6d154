from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from cpd_pack import __version__
from cpd_pack.cli import cli

COURSES = Path(__file__).parent / "fixtures" / "courses"


def _without_study_time(stderr: str) -> list[str]:
    """stderr's lines but the study-time estimate (tests/test_studytime.py checks those)."""
    return [
        line
        for line in stderr.splitlines()
        if not line.startswith(("study time:", "  ")) and ": hours: warning: " not in line
    ]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--version"])
    assert (result.exit_code, result.output) == (0, f"cpd-pack, version {__version__}\n")


@pytest.mark.parametrize("command", [[], *([name] for name in sorted(cli.commands))])
def test_every_command_has_help_with_examples(runner: CliRunner, command: list[str]) -> None:
    result = runner.invoke(cli, [*command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output and "cpd-pack " in result.output


def test_top_level_help_shows_each_whole_summary(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--help"])
    listed = " ".join(result.output.split("Commands:")[1].split())
    for name, command in sorted(cli.commands.items()):
        summary = " ".join((command.help or "").split("\n\n")[0].split())
        assert f"{name} {summary}" in listed
        assert summary.endswith(".") and "..." not in summary


def test_validate_a_good_course(runner: CliRunner, mini_dir: Path) -> None:
    result = runner.invoke(cli, ["validate", str(mini_dir)])
    assert result.exit_code == 0
    assert result.stdout == (
        f"{mini_dir / 'course.yaml'}: OK: 2 units, 5 pages, 3 quiz questions\n"
    )


def test_validate_reports_every_problem_and_exits_1(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["validate", str(COURSES / "bad-quiz")])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == (
        f"{(COURSES / 'bad-quiz').as_posix()}/course.yaml:11:7: quiz.questions[0]: no option is "
        "marked 'correct: true'; a question needs a correct answer"
    )
    assert lines[-1] == "3 problems found; nothing was written."


@pytest.mark.parametrize(
    "name",
    ["bad-keys", "bad-quiz", "bad-files", "bad-yaml", "bad-ids", "bad-mistakes", "bad-bytes"],
)
def test_build_of_a_broken_course_writes_nothing(
    runner: CliRunner, tmp_path: Path, name: str
) -> None:
    out = tmp_path / "dist"
    result = runner.invoke(cli, ["build", str(COURSES / name), "--out", str(out)])
    assert result.exit_code == 1
    assert "nothing was written." in result.stderr
    assert not out.exists()


def test_usage_errors_exit_2(runner: CliRunner, mini_dir: Path) -> None:
    assert runner.invoke(cli, ["build"]).exit_code == 2
    assert runner.invoke(cli, ["build", str(mini_dir), "--format", "pdf"]).exit_code == 2
    assert runner.invoke(cli, ["validate", "no/such/folder"]).exit_code == 2


def test_build_writes_one_zip_per_format(runner: CliRunner, mini_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["build", str(mini_dir), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [f"mini-course-1.0-{f}.zip" for f in ("cmi5", "scorm12", "scorm2004", "xapi")]
    assert result.stdout.splitlines() == [
        str(tmp_path / f"mini-course-1.0-{f}.zip") for f in ("scorm2004", "scorm12", "xapi", "cmi5")
    ]
    manifests = {"scorm12": "imsmanifest.xml", "xapi": "tincan.xml", "cmi5": "cmi5.xml"}
    for fmt, manifest in manifests.items():
        with zipfile.ZipFile(tmp_path / f"mini-course-1.0-{fmt}.zip") as archive:
            assert manifest in archive.namelist()


def test_build_one_format(runner: CliRunner, mini_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["build", str(mini_dir), "-f", "scorm12", "-o", str(tmp_path)])
    assert result.exit_code == 0
    assert [p.name for p in tmp_path.iterdir()] == ["mini-course-1.0-scorm12.zip"]


def test_warnings_go_to_stderr_and_strict_makes_them_errors(
    runner: CliRunner, tmp_path: Path
) -> None:
    course = COURSES / "bad-warnings"
    prefix = f"{course.as_posix()}/"
    result = runner.invoke(cli, ["validate", str(course)])
    assert result.exit_code == 0
    assert result.stdout == f"{course / 'course.yaml'}: OK: 1 units, 2 pages, 0 quiz questions\n"
    warnings = _without_study_time(result.stderr)
    assert [line.removeprefix(prefix) for line in warnings][:2] == [
        "course.yaml:3:1: pass_mark: warning: 1 means 1%; did you mean 100?",
        "course.yaml:7:9: units[0].pages[0].id: warning: is empty: a '#' starts a comment; if "
        'that is the value, quote it: id: "#welcome"',
    ]
    assert len(warnings) == 5
    strict = runner.invoke(cli, ["validate", str(course), "--strict"])
    assert strict.exit_code == 1
    assert strict.stderr.splitlines() == [
        *warnings,
        "5 problems found (5 warnings, errors with --strict); nothing was written.",
    ]
    out = tmp_path / "dist"
    built = runner.invoke(cli, ["build", str(course), "-f", "scorm12", "-o", str(out)])
    assert (built.exit_code, _without_study_time(built.stderr)) == (0, warnings)
    assert built.stdout == f"{out / 'bad-warnings-1.0-scorm12.zip'}\n"
    refused = runner.invoke(cli, ["build", str(course), "-o", str(tmp_path / "b"), "--strict"])
    assert refused.exit_code == 1
    assert not (tmp_path / "b").exists()


def test_out_below_a_file_exits_1(runner: CliRunner, mini_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    result = runner.invoke(cli, ["build", str(mini_dir), "-o", str(tmp_path / "file" / "sub")])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {(tmp_path / 'file' / 'sub').as_posix()}: cannot write the packages here: "
        f"{(tmp_path / 'file').as_posix()!r} is a file; choose another --out folder\n"
    )


def test_a_broken_template_exits_1(runner: CliRunner, mini_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "index.html").write_text("{% if %}\n")
    result = runner.invoke(
        cli, ["build", str(mini_dir), "--templates", str(tmp_path / "t"), "-o", str(tmp_path / "d")]
    )
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {(tmp_path / 't').as_posix()}/index.html:1:1: template error: Expected an "
        "expression, got 'end of statement block'\n"
    )
    assert not (tmp_path / "d").exists()


def test_check_a_built_package_and_a_file_that_is_no_zip(
    runner: CliRunner, mini_dir: Path, tmp_path: Path
) -> None:
    assert (
        runner.invoke(cli, ["build", str(mini_dir), "-f", "scorm12", "-o", str(tmp_path)]).exit_code
        == 0
    )
    package = tmp_path / "mini-course-1.0-scorm12.zip"
    result = runner.invoke(cli, ["check", str(package)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"{package}: SCORM 1.2",
        "OK: 0 errors, 0 warnings; the package can be uploaded.",
    ]
    report = json.loads(runner.invoke(cli, ["check", "--json", str(package)]).output)
    assert (report["kind"], report["errors"]) == ("scorm12", [])
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    result = runner.invoke(cli, ["check", str(bad)])
    assert result.exit_code == 1
    assert result.output == f"Error: {bad}: not a zip file (File is not a zip file)\n"
    result = runner.invoke(cli, ["check", "--json", str(bad)])
    assert (result.exit_code, json.loads(result.output)["refused"]) == (
        1,
        f"{bad}: not a zip file (File is not a zip file)",
    )


def _steps(stderr: str) -> list[str]:
    """--verbose lines without their times."""
    return [re.sub(r"^ *\d+\.\d\d s  ", "", line) for line in stderr.splitlines()]


def test_build_verbose_prints_each_step(runner: CliRunner, mini_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        cli, ["build", str(mini_dir), "-f", "scorm12", "-f", "cmi5", "-o", str(tmp_path), "-v"]
    )
    assert result.exit_code == 0, result.output
    steps = [
        re.sub(r"\d+ (site files|files|KB)", r"N \1", line)
        for line in _steps(result.stderr)
        if not line.startswith(("study time", "  "))
    ]
    assert steps[:5] == [
        "mini-course: 2 units, 5 pages, N site files",
        "scorm12: N files, N KB zipped",
        "cmi5: N files, N KB zipped",
        f"wrote {tmp_path.as_posix()}/mini-course-1.0-scorm12.zip",
        f"wrote {tmp_path.as_posix()}/mini-course-1.0-cmi5.zip",
    ]
    assert all(re.match(r"^ *\d+\.\d\d s  ", line) for line in result.stderr.splitlines()[:5])


def test_build_quiet_prints_nothing(runner: CliRunner, tmp_path: Path) -> None:
    course = COURSES / "bad-warnings"
    result = runner.invoke(cli, ["build", str(course), "-f", "scorm12", "-o", str(tmp_path), "-q"])
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert [p.name for p in tmp_path.iterdir()] == ["bad-warnings-1.0-scorm12.zip"]
    both = runner.invoke(cli, ["build", str(course), "-q", "-v"])
    assert (both.exit_code, both.stderr.splitlines()[-1]) == (
        2,
        "Error: --quiet and --verbose go one at a time",
    )


def test_colour_only_on_a_terminal_and_never_with_no_color(
    runner: CliRunner, tmp_path: Path
) -> None:
    args = ["validate", str(COURSES / "bad-warnings")]
    coloured = runner.invoke(cli, args, color=True)  # as on a terminal
    assert coloured.stderr.startswith("\x1b[33m") and "warning: 1 means 1%" in coloured.stderr
    assert "\x1b[" not in runner.invoke(cli, args).stderr  # not a terminal
    no_color = runner.invoke(cli, args, color=True, env={"NO_COLOR": "1"})
    assert "\x1b[" not in no_color.stderr
    assert no_color.stderr.splitlines()[0] == click.unstyle(coloured.stderr.splitlines()[0])


def test_progress_bar_on_a_terminal_for_several_formats_or_a_slow_build(
    runner: CliRunner, mini_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("cpd_pack.cli._stderr_is_terminal", lambda: True)
    several = runner.invoke(cli, ["build", str(mini_dir), "-o", str(tmp_path)])
    assert several.exit_code == 0
    assert several.stderr.startswith("Building")  # click draws the bar only on a real terminal
    one = runner.invoke(cli, ["build", str(mini_dir), "-f", "scorm12", "-o", str(tmp_path)])
    assert "Building" not in one.stderr
    monkeypatch.setattr("cpd_pack.cli._Steps.SLOW", 0.0)  # a one-format build that takes a while
    slow = runner.invoke(cli, ["build", str(mini_dir), "-f", "scorm12", "-o", str(tmp_path)])
    assert slow.stderr.startswith("Building")
    quiet = runner.invoke(cli, ["build", str(mini_dir), "-o", str(tmp_path), "-q"])
    assert quiet.stderr == ""
    monkeypatch.setattr("cpd_pack.cli._stderr_is_terminal", lambda: False)
    piped = runner.invoke(cli, ["build", str(mini_dir), "-o", str(tmp_path)])
    assert "Building" not in piped.stderr


def test_templates_without_any_template_file_exit_1(
    runner: CliRunner, mini_dir: Path, tmp_path: Path
) -> None:
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "cpd.css").write_text("body { color: red }\n")
    out = tmp_path / "d"
    result = runner.invoke(
        cli, ["build", str(mini_dir), "--templates", str(tmp_path / "t"), "-o", str(out)]
    )
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {(tmp_path / 't').as_posix()}: --templates: none of the template files a build "
        "uses is here, so it would change nothing; copy the one to change from the built-in "
        "templates, keeping its path (such as index.html or static/css/cpd.css): see "
        "docs/theming.md\n"
    )
    assert not out.exists()
