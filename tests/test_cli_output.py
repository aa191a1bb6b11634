"""What the CLI prints is data: verbatim (no rich markup, no emoji codes), counted nouns in
the right number, and one way of writing usage lines and line numbers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from cen_search.cli import _output
from cen_search.cli.app import app
from cen_search.errors import InputError

DATA = ":100: [bold]x[/bold] [x] :smile:"


def test_say_warn_detail_and_errors_print_markup_and_emoji_codes_verbatim(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_output.state, "verbose", True)
    monkeypatch.setattr(_output.state, "quiet", False)
    _output.say(DATA)
    _output.warn(DATA)
    _output.detail(DATA)
    _output.render_error(InputError(DATA, hint=DATA))
    _output.out.print(DATA)
    _output.err.print(_output.styled(("bold", "bold"), " ", DATA))
    captured = capsys.readouterr()
    assert captured.out == DATA + "\n"
    lines = captured.err.splitlines()
    assert lines == [
        DATA,
        f"warning: {DATA}",
        DATA,
        f"error: {DATA}",
        f"  hint: {DATA}",
        f"bold {DATA}",
    ]
    assert "💯" not in captured.err + captured.out and "😄" not in captured.err


def test_rich_tables_print_cells_verbatim(capsys: pytest.CaptureFixture[str]) -> None:
    from rich.table import Table

    table = Table(box=None)
    table.add_column("name")
    table.add_row(DATA)
    _output.out.print(table)
    assert DATA in capsys.readouterr().out


def _strategy(folder: Path, body: str) -> Path:
    path = folder / "x.txt"
    path.write_text(
        "---\ncen_search: 1\ndatabase: MEDLINE\nplatform: Ovid\n---\n" + body, encoding="utf-8"
    )
    return path


def test_translate_prints_a_position_at_column_100_verbatim(tmp_path: Path) -> None:
    # personalit* starts at column 100 of file line 6 (issue 8: "line 7💯").
    path = _strategy(tmp_path, "1 (" + "a" * 92 + " or personalit*).ti,ab.\n")
    result = CliRunner().invoke(app, ["strategy", "translate", str(path), "--to", "openalex"])
    assert result.exit_code == 0, result.output
    assert f"{path}:6:100: set 1: approximate (narrower): truncation personalit*" in result.stderr
    assert "💯" not in result.output


def test_translate_and_check_number_lines_the_same_way_and_translate_warns_on_errors(
    tmp_path: Path,
) -> None:
    # Set 41 is on file line 7; its error (an unclosed parenthesis) is reported at 7:5.
    path = _strategy(
        tmp_path, "40. medication therapy management/\n41. ((patient* adj5 medication*).ti,ab\n"
    )
    check = CliRunner().invoke(app, ["strategy", "check", str(path)])
    assert check.exit_code == 1
    assert f"{path}:7:5: error CS-P01" in check.stdout
    translated = CliRunner().invoke(app, ["strategy", "translate", str(path), "--to", "pubmed"])
    assert translated.exit_code == 0
    assert (
        f"warning: {path}: 'cen-search strategy check' finds 2 errors "
        f"(first: {path}:7:5: CS-P01" in translated.stderr
    )
    located = [line for line in translated.stderr.splitlines() if line.startswith(f"{path}:")]
    assert located and all(re.match(rf"{re.escape(str(path))}:7:\d+: set 41: ", x) for x in located)


def test_counted_nouns_agree_with_their_number() -> None:
    assert _output.count(1, "warning") == "1 warning"
    assert _output.count(2, "warning") == "2 warnings"
    assert _output.count(0, "record") == "0 records"
    assert _output.count(1, "search") == "1 search" and _output.count(3, "search") == "3 searches"
    assert _output.count(2, "entry", "entries") == "2 entries"


def test_check_summary_says_1_warning_and_1_file(tmp_path: Path) -> None:
    path = _strategy(tmp_path, "1 (nurse or nurse).ti.\n")
    result = CliRunner().invoke(app, ["strategy", "check", str(path)])
    assert "1 file: 0 errors, 1 warning" in result.stderr


def test_show_says_at_most_1_word_between() -> None:
    from cen_search.strategies import parse_strategy_text
    from cen_search.strategies.describe import describe

    node = parse_strategy_text("1 (a adj2 b).ti.", platform="ovid").lines[0].node
    assert "at most 1 word between" in describe(node)


def _all_help() -> dict[str, str]:
    from tests.test_cli_conventions import PATHS

    return {
        path: CliRunner().invoke(app, [*path.split(), "--help"], env={"COLUMNS": "200"}).stdout
        for path in PATHS
    }


def test_usage_lines_name_arguments_the_unix_way() -> None:
    helps = _all_help()
    for path, text in helps.items():
        assert "{" not in text.splitlines()[0], f"{path}: {text.splitlines()[0]}"
        assert not re.search(r"<(list\[)?(str|path|int|float|Path)\]?>", text), path
    first = {path: text.splitlines()[0] for path, text in helps.items()}
    assert first["info"] == "Usage: cen-search info [OPTIONS] FILE..."
    assert first["init"] == "Usage: cen-search init [OPTIONS] [DIR]"
    assert first["strategy check"] == "Usage: cen-search strategy check [OPTIONS] FILE..."
    assert first["strategy new"] == "Usage: cen-search strategy new [OPTIONS] NAME"
    assert first["dedupe"] == "Usage: cen-search dedupe [OPTIONS] [FILE]..."
    assert "FILE...  Export files to describe." in helps["info"]
    assert "--format TEXT" in helps["info"]


def test_help_examples_that_wrap_continue_with_a_backslash() -> None:
    for path, text in _all_help().items():
        lines = text.splitlines()
        for number, line in enumerate(lines[:-1]):
            following = lines[number + 1]
            if line.strip().startswith("cen-search ") and following.startswith("      -"):
                assert line.rstrip().endswith("\\"), f"{path}: {line!r} wraps without '\\'"


def test_import_searched_on_is_the_name_and_searched_still_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cen_search.workspace import Workspace

    ws = Workspace.init(tmp_path / "review")
    export = tmp_path / "a.ris"
    export.write_text("TY  - JOUR\nTI  - One\nER  - \n", encoding="utf-8")
    other = tmp_path / "b.ris"
    other.write_text("TY  - JOUR\nTI  - Two\nER  - \n", encoding="utf-8")
    runner = CliRunner()
    monkeypatch.chdir(ws.root)
    base = ["import", "--database", "MEDLINE"]
    assert runner.invoke(app, [*base, str(export), "--searched-on", "2024-03-01"]).exit_code == 0
    assert runner.invoke(app, [*base, str(other), "--searched", "2024-03-02"]).exit_code == 0
    assert [e.searched for e in Workspace(ws.root).imports()] == ["2024-03-01", "2024-03-02"]
    helped = runner.invoke(app, ["import", "--help"]).stdout
    assert "--searched-on" in helped and "--searched " not in helped


def test_every_command_group_builds_commands_with_the_shared_help_class() -> None:
    from cen_search.cli._help import Command

    root = typer.main.get_command(app)
    for _path, command in _walk(root):
        if not hasattr(command, "commands"):
            assert isinstance(command, Command), _path


def _walk(command, path=()):
    for name, sub in getattr(command, "commands", {}).items():
        yield (*path, name), sub
        yield from _walk(sub, (*path, name))
