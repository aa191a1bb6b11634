"""Conventions every command keeps: help with a summary and an example, documentation in the
README's command reference, ``python -m cen_search``, usage errors without tracebacks, and a
core that works without typer or rich."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from cen_search.cli.app import app

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"


def walk(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every command and sub-command of the CLI with its path (``("config", "show")``)."""
    if path:
        yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        if not getattr(sub, "hidden", False):
            yield from walk(sub, (*path, name))


COMMANDS = list(walk(typer.main.get_command(app)))
PATHS = [" ".join(path) for path, _ in COMMANDS]


def test_the_foundation_commands_are_registered() -> None:
    for name in ("info", "convert", "init", "import", "status", "config", "config show"):
        assert name in PATHS


@pytest.mark.parametrize("path", PATHS)
def test_every_command_has_help_with_a_summary_and_an_example(path: str) -> None:
    result = CliRunner().invoke(app, [*path.split(), "--help"])
    assert result.exit_code == 0, result.output
    command = dict(zip(PATHS, (c for _, c in COMMANDS), strict=True))[path]
    summary = (command.short_help or command.help or "").strip().splitlines()
    assert summary and len(summary[0]) > 10, f"{path}: no one-line summary"
    assert "Example" in result.stdout, f"{path}: no example in --help"
    examples = [line.strip() for line in result.stdout.splitlines()]
    assert any(line.startswith(f"cen-search {path}") for line in examples), (
        f"{path}: --help shows no example line starting 'cen-search {path}'"
    )


def _section(text: str, title: str) -> str:
    """The Markdown section whose heading contains ``title`` (case-insensitive), or ""."""
    lines = text.splitlines()
    for number, line in enumerate(lines):
        heading = re.match(r"^(#+)\s+(.*)", line)
        if heading and title in heading.group(2).lower():
            level = len(heading.group(1))
            body = []
            for rest in lines[number + 1 :]:
                deeper = re.match(r"^(#+)\s", rest)
                if deeper and len(deeper.group(1)) <= level:
                    break
                body.append(rest)
            return "\n".join(body)
    return ""


def command_reference() -> str:
    return _section(README.read_text(encoding="utf-8"), "command reference")


@pytest.mark.parametrize("path", PATHS)
def test_every_command_appears_in_the_readme_command_reference(path: str) -> None:
    pattern = rf"cen-search {re.escape(path)}(\s|`|$)"
    found = re.search(pattern, command_reference(), re.MULTILINE) is not None
    assert found, f"'cen-search {path}' is not in README's command reference"


def test_python_dash_m_runs_the_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cen_search", "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0
    assert "Usage: cen-search" in result.stdout
    for name in ("info", "convert", "init", "import", "status", "config"):
        assert name in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["no-such-command"],
        ["config", "no-such-subcommand"],
        ["info", "--no-such-option", "x.ris"],
        ["convert", "x.ris"],
        ["info"],
    ],
)
def test_usage_errors_exit_2_without_a_traceback(args: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cen_search", *args], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "Error" in result.stderr or "error" in result.stderr


def test_an_expected_failure_in_a_real_process_exits_1_without_a_traceback(
    tmp_path: Path,
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cen_search", "info", "missing.ris"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("error: missing.ris: no such file")
    assert "Traceback" not in result.stderr


def test_global_flags_after_the_command_are_moved_before_it() -> None:
    from cen_search.cli.app import hoist_global_flags

    assert hoist_global_flags(["dedupe", "a.ris", "-q"]) == ["-q", "dedupe", "a.ris"]
    assert hoist_global_flags(["-v", "info", "x"]) == ["-v", "info", "x"]
    assert hoist_global_flags(["info", "--", "-q"]) == ["info", "--", "-q"]  # a file named -q
