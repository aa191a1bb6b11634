"""README examples are executed, and CI runs the README's test command.

Every fenced ``console`` block of README.md is read; its ``$ cen-search ...`` lines are run in
order, with the installed CLI, in a temporary folder holding a copy of ``examples/`` (so, as
from the repository root, ``cd examples/cen-review`` reaches the bundled example):

- ``$ cd DIR`` changes the folder for the commands after it;
- other ``$`` lines (``pip install``, ``pytest``) are not run here (CI runs them);
- a command ending in ``# exit N`` must exit with N, every other command with 0;
- lines after a command, up to the next ``$``, are its expected output: each must appear, in
  order, in what the command printed (stdout and stderr, spaces collapsed); ``...`` in a line
  matches anything.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
EXAMPLES = REPO / "examples"
CI_RUN = REPO / ".ci" / "run"
# The reference pages in docs/ are checked the same way.
DOC_PAGES = sorted((REPO / "docs").glob("*.md"))

_BLOCK = re.compile(r"^```console[ \t]*\n(.*?)^```", re.DOTALL | re.MULTILINE)
_EXIT = re.compile(r"\s+#\s*exit\s+(\d+)\s*$")


@dataclass
class Example:
    command: str
    expected_exit: int = 0
    output: list[str] = field(default_factory=list)


def console_commands(text: str) -> list[Example]:
    """Every ``$`` command of every console block, in order, with its expected output."""
    examples: list[Example] = []
    for block in _BLOCK.findall(text):
        current: Example | None = None
        pending = ""
        for line in block.splitlines():
            if pending or line.startswith("$ "):
                command = pending + (line[2:] if not pending else line.strip())
                if command.endswith("\\"):
                    pending = command[:-1].rstrip() + " "
                    continue
                pending = ""
                code = _EXIT.search(command)
                current = Example(
                    command=_EXIT.sub("", command).strip(),
                    expected_exit=int(code.group(1)) if code else 0,
                )
                examples.append(current)
            elif current is not None and line.strip():
                current.output.append(line)
    return examples


def _squash(text: str) -> str:
    return " ".join(text.split())


def _output_matches(expected: list[str], actual: str) -> str | None:
    """None when every expected line appears in order in ``actual``; else the missing line."""
    lines = [_squash(line) for line in actual.splitlines()]
    position = 0
    for wanted in expected:
        parts = _squash(wanted).split("...")
        pattern = re.compile(".*".join(re.escape(part.strip()) for part in parts))
        while position < len(lines) and not pattern.search(lines[position]):
            position += 1
        if position == len(lines):
            return wanted
        position += 1
    return None


def _environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CEN_SEARCH_")}
    scripts = Path(sys.executable).parent
    env["PATH"] = f"{scripts}{os.pathsep}{env.get('PATH', '')}"
    env["CEN_SEARCH_CONFIG"] = str(home / "no-user-config.toml")
    env["NO_COLOR"] = "1"
    env["COLUMNS"] = "120"
    return env


def run_examples(markdown: Path, workdir: Path) -> int:
    """Run the ``$ cen-search`` examples of ``markdown`` in ``workdir`` (which gets a copy of
    ``examples/``); returns how many ran."""
    if EXAMPLES.is_dir():
        shutil.copytree(EXAMPLES, workdir / "examples", dirs_exist_ok=True)
    env = _environment(workdir)
    cwd = workdir
    ran = 0
    for example in console_commands(markdown.read_text(encoding="utf-8")):
        words = shlex.split(example.command)
        if words[:1] == ["cd"]:
            cwd = (cwd / words[1]).resolve()
            continue
        # "python -m pip install . && cen-search ...": the install is CI's job; run the rest.
        parts = [p.strip() for p in example.command.split("&&")]
        command = " && ".join(p for p in parts if p.startswith("cen-search "))
        if not command:
            continue
        result = subprocess.run(
            ["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True
        )
        printed = result.stdout + result.stderr
        where = f"{markdown.name}: $ {command}"
        assert "Traceback" not in printed, f"{where}\n{printed}"
        assert result.returncode == example.expected_exit, (
            f"{where}: exit {result.returncode}, expected {example.expected_exit}\n{printed}"
        )
        missing = _output_matches(example.output, printed)
        assert missing is None, f"{where}: expected output line not found: {missing!r}\n{printed}"
        ran += 1
    return ran


def test_readme_examples_run(tmp_path: Path) -> None:
    run_examples(README, tmp_path)


@pytest.mark.parametrize("part", DOC_PAGES, ids=[p.name for p in DOC_PAGES])
def test_docs_examples_run(part: Path, tmp_path: Path) -> None:
    if not any(EXAMPLES.glob("*")):
        pytest.skip("examples/ has no bundled example files yet")
    run_examples(part, tmp_path)


def _without_pip_quiet(command: str) -> list[str]:
    # pip's -q only changes how much pip prints; everything else must be identical.
    return [w for w in shlex.split(command, comments=True) if w not in ("-q", "--quiet")]


def _readme_commands() -> list[str]:
    return [example.command for example in console_commands(README.read_text("utf-8"))]


def test_readme_starts_with_the_virtual_environment_its_commands_need() -> None:
    # README's two commands run inside an activated virtual environment; it says so and shows
    # how to make one first, and CI makes it exactly so.
    venv = _readme_commands()[0]
    assert "venv" in venv and "activate" in venv, venv
    ci_lines = [" ".join(line.split()) for line in CI_RUN.read_text("utf-8").splitlines()]
    assert ci_lines.count(" ".join(venv.split())) >= 2, f".ci/run does not run: {venv}"


def test_ci_runs_the_readme_test_command() -> None:
    commands = _readme_commands()
    assert commands, "README.md shows no commands"
    # README's second command installs the test needs and runs the tests: the first command
    # mentioning pytest.
    test_command = next((c for c in commands if "pytest" in c), "")
    assert test_command, "README shows no command that runs pytest"
    ci_lines = [line.strip() for line in CI_RUN.read_text("utf-8").splitlines()]
    wanted = _without_pip_quiet(test_command)
    assert any(_without_pip_quiet(line) == wanted for line in ci_lines if line), (
        f".ci/run does not run README's test command: {test_command}"
    )


def test_ci_runs_the_readme_first_command_in_a_fresh_install() -> None:
    first = next(c for c in _readme_commands() if c.startswith("python -m pip install . &&"))
    assert first.startswith("python -m pip install . && cen-search "), first
    ci_lines = [" ".join(line.split()) for line in CI_RUN.read_text("utf-8").splitlines()]
    assert " ".join(first.split()) in ci_lines, f".ci/run does not run README's first: {first}"


def test_console_commands_reads_commands_exit_codes_continuations_and_output() -> None:
    text = (
        "```console\n$ cen-search info a.ris\na.ris\n  format: ... (ris)\n\n"
        "$ cen-search import a.ris \\\n    --database MEDLINE   # exit 1\n```\n"
        "```python\n$ not a console block\n```\n"
    )
    first, second = console_commands(text)
    assert (first.command, first.expected_exit, first.output) == (
        "cen-search info a.ris",
        0,
        ["a.ris", "  format: ... (ris)"],
    )
    assert (second.command, second.expected_exit) == (
        "cen-search import a.ris --database MEDLINE",
        1,
    )
    assert _output_matches(first.output, "a.ris\n  format:   RIS (ris)\n") is None
    assert _output_matches(first.output, "b.ris\n") == "a.ris"
