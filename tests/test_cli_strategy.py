"""``cen-search strategy new|list|show|check`` from the command line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cen_search.cli.app import app

DATA = Path(__file__).parent / "data" / "strategies"
REPO = Path(__file__).resolve().parents[1]
CD012661 = DATA / "ovid-medline_clef-tar_CD012661_prognosis-prediabetes.txt"
# Lines 40-41 of the Cochrane CD012419 MEDLINE appendix: line 41 has the published error.
CD012419 = (
    "40. medication therapy management/\n41. ((patient* or client* or consumer* or user* "
    "or subject? or carer* or caregiver* or care giver*) and (manag* adj5 (medication* "
    "or medicines)).ti,ab,kw\n42. 40 or 41\n"
)


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in an empty folder (not a review) with no user config."""
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.chdir(folder)
    monkeypatch.setenv("CEN_SEARCH_CONFIG", str(tmp_path / "no-user-config.toml"))
    for name in ("CEN_SEARCH_DATE_FROM", "CEN_SEARCH_DATE_TO"):
        monkeypatch.delenv(name, raising=False)
    return folder


def run(*args: str, stdin: str | None = None) -> Result:
    result = CliRunner().invoke(app, list(args), input=stdin)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


def test_new_writes_header_and_keeps_the_paste_byte_for_byte(isolated: Path) -> None:
    result = run(
        "strategy",
        "new",
        "prediabetes",
        "--database",
        "MEDLINE",
        "--platform",
        "ovid",
        "--from-file",
        str(CD012661),
    )
    assert result.exit_code == 0, result.output
    path = isolated / "strategies" / "prediabetes.txt"
    data = path.read_bytes()
    assert data.endswith(CD012661.read_bytes())
    assert data.startswith(b"---\ncen_search: 1\nid: prediabetes\ndatabase: MEDLINE")
    assert "57 lines parsed" in result.output


def test_new_refuses_to_overwrite_without_yes(isolated: Path) -> None:
    assert run("strategy", "new", "m", "-d", "MEDLINE", "-p", "ovid").exit_code == 0
    again = run("strategy", "new", "m", "-d", "MEDLINE", "-p", "ovid", "-f", str(CD012661))
    assert again.exit_code == 1 and "already exists" in again.output and "--yes" in again.output
    assert (isolated / "strategies" / "m.txt").read_text().rstrip().endswith("---")
    forced = run(
        "strategy", "new", "m", "-d", "MEDLINE", "-p", "ovid", "-f", str(CD012661), "--yes"
    )
    assert forced.exit_code == 0
    assert (isolated / "strategies" / "m.txt").read_bytes().endswith(CD012661.read_bytes())


def test_new_reads_standard_input_and_states_no_limit_the_strategy_did_not_apply(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cen_search.workspace import Workspace

    Workspace.init(isolated / "review", date_from="2003", date_to="2019")
    monkeypatch.chdir(isolated / "review")
    result = run(
        "strategy",
        "new",
        "cinahl",
        "-d",
        "CINAHL",
        "-p",
        "EBSCOhost",
        "-f",
        "-",
        stdin='S1 (MH "Dementia+") OR TI dementia\n',
    )
    assert result.exit_code == 0, result.output
    text = (isolated / "review" / "strategies" / "cinahl.txt").read_text()
    assert "platform: EBSCOhost" in text and "syntax: ebsco" in text
    # The review's window (2003-2019) is not a limit of this strategy: its lines apply none.
    assert "\ndate_from:  #" in text and "\ndate_to:\n" in text
    check = run("strategy", "check", "strategies/cinahl.txt", "--json")
    codes = {f["code"] for f in json.loads(check.stdout)["files"][0]["findings"]}
    assert "CS-M02" not in codes  # no header/lines disagreement is created


def test_new_states_the_date_limit_the_user_gives(isolated: Path) -> None:
    result = run(
        "strategy", "new", "m", "-d", "MEDLINE", "-p", "ovid", "--date-from", "2003",
        "--date-to", "2019-12-31", "--searched", "2020-01-15",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = (isolated / "strategies" / "m.txt").read_text()
    assert "date_from: 2003  #" in text and "date_to: 2019-12-31" in text
    assert "searched_on: 2020-01-15  #" in text  # --searched: the older name, still accepted


def test_new_searched_on_and_its_old_name_must_agree() -> None:
    result = run(
        "strategy", "new", "m", "-d", "MEDLINE", "-p", "ovid", "--searched-on", "2020-01-15",
        "--searched", "2020-01-16",
    )  # fmt: skip
    assert result.exit_code == 2 and "disagree" in result.output


@pytest.mark.parametrize(
    ("typed", "label"),
    [
        ("Web of Science", "Web of Science"),
        ("wos", "Web of Science"),
        ("scopus", "Scopus"),
        ("Embase.com", "Embase.com"),
        ("Cochrane Library", "Cochrane Library"),
        ("Dialog", "Dialog"),
    ],
)
def test_new_saves_a_platform_without_a_parser_verbatim_as_not_parsed(
    isolated: Path, typed: str, label: str
) -> None:
    paste = "#1\tTS=(borderline NEAR/3 personalit*)\t1,204\n#2\t#1 AND PY=(2003-2019)\t980\n"
    result = run("strategy", "new", "x", "-d", "Web of Science Core Collection", "-p", typed,
                 "-f", "-", stdin=paste)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "not parsed" in result.output
    text = (isolated / "strategies" / "x.txt").read_text()
    assert f"platform: {label}  #" in text and "syntax: none  #" in text
    assert text.endswith(paste)
    listed = run("strategy", "list")
    assert "not parsed" in listed.stdout
    shown = run("strategy", "show", "x")
    assert shown.exit_code == 0 and "TS=(borderline NEAR/3 personalit*)" in shown.stdout
    assert "not parsed:" in shown.stdout
    check = run("strategy", "check", "strategies/x.txt")
    assert check.exit_code == 0  # nothing to check is not a failure
    assert "CS-R02" in check.stdout and "1 not parsed" in check.output
    translated = run("strategy", "translate", "strategies/x.txt", "--to", "pubmed")
    assert translated.exit_code == 1 and "not parsed" in translated.output


def test_translate_and_run_take_a_strategys_name_as_check_and_show_do(isolated: Path) -> None:
    # found by a stranger's trial: `strategy check medline-ovid` worked, `strategy run
    # medline-ovid` said "no such strategy file"
    shutil.copytree(REPO / "strategies", isolated / "strategies")
    by_name = run("strategy", "translate", "medline-ovid", "--to", "pubmed")
    by_path = run("strategy", "translate", "strategies/medline-ovid.txt", "--to", "pubmed")
    assert by_name.exit_code == 0 and by_name.stdout == by_path.stdout
    dry = run("strategy", "run", "medline-ovid", "--on", "pubmed", "--dry-run")
    assert dry.exit_code == 0 and "esearch" in dry.stdout
    missing = run("strategy", "translate", "nonesuch", "--to", "pubmed")
    assert missing.exit_code == 1 and "no strategy 'nonesuch'" in missing.output


def test_list_shows_each_strategy_with_its_check_status(isolated: Path) -> None:
    folder = isolated / "strategies"
    shutil.copytree(REPO / "strategies", folder)
    (folder / "cochrane.txt").write_text(CD012419, encoding="utf-8")
    result = run("strategy", "list")
    assert result.exit_code == 0, result.output
    assert "medline-ovid" in result.stdout and "ProQuest" in result.stdout
    assert "2 errors" in result.stdout
    listed = run("strategy", "list", "--json")
    document = json.loads(listed.stdout)
    assert document["schema_version"] == 1
    rows = {row["name"]: row for row in document["strategies"]}
    assert set(rows) == {
        "assia-proquest",
        "cinahl-ebsco",
        "cochrane",
        "embase-ovid",
        "hmic-ovid",
        "medline-ovid",
        "spp-ovid",
    }
    assert rows["medline-ovid"]["lines"] == 28 and rows["medline-ovid"]["status"] == "ok"
    assert rows["cochrane"]["status"] == "errors" and rows["cochrane"]["errors"] == 2


def test_list_in_a_review_shows_when_the_strategy_s_exports_were_searched(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The example review's strategies give no searched_on; their exports were imported with
    # --searched-on and --strategy, yet the 'searched' column was empty (found following the
    # docs verbatim).
    review = isolated / "review"
    shutil.copytree(REPO / "examples" / "cen-review", review)
    monkeypatch.chdir(review)
    listed = json.loads(run("strategy", "list", "--json").stdout)
    rows = {row["name"]: row for row in listed["strategies"]}
    assert rows["medline-ovid"]["searched_on"] == "2019-12-09"
    assert rows["assia-proquest"]["searched_on"] == "2019-12-12"
    elsewhere = json.loads(run("strategy", "list", "--dir", "strategies", "--json").stdout)
    assert {r["searched_on"] for r in elsewhere["strategies"]} == {""}  # the files alone


def test_list_of_an_empty_folder_says_how_to_start() -> None:
    result = run("strategy", "list")
    assert result.exit_code == 0 and "strategy new" in result.output


def test_show_prints_each_line_with_its_meaning() -> None:
    result = run("strategy", "show", str(REPO / "strategies" / "medline-ovid.txt"))
    assert result.exit_code == 0, result.output
    assert "database: MEDLINE" in result.stdout
    assert "heading 'Personality Disorders' (MeSH, exploded)" in result.stdout
    assert "limit set 27 to publication year 2003 to 2019" in result.stdout


def test_show_json_is_the_syntax_tree(isolated: Path) -> None:
    shutil.copy(CD012661, isolated / "p.txt")
    result = run("strategy", "show", "p.txt", "--json")
    tree = json.loads(result.stdout)["strategy"]
    assert tree["type"] == "Strategy" and tree["platform"] == "ovid"
    command = tree["lines"][55]["node"]
    assert command["type"] == "Command" and command["target"]["target"] == "55"


def test_check_reports_file_line_column_and_fails_on_errors(isolated: Path) -> None:
    (isolated / "cochrane.txt").write_text(CD012419, encoding="utf-8")
    result = run("strategy", "check", "cochrane.txt")
    assert result.exit_code == 1
    assert "cochrane.txt:2:5: error CS-P01" in result.stdout
    assert "cochrane.txt:2:145: error CS-P03" in result.stdout
    assert "2 errors" in result.output


def test_check_passes_on_warnings_unless_strict(isolated: Path) -> None:
    (isolated / "cup.txt").write_text(
        "1. (Personality disorder* or Axis-II). ti, ab.\n", encoding="utf-8"
    )
    assert run("strategy", "check", "cup.txt").exit_code == 0
    strict = run("strategy", "check", "cup.txt", "--strict")
    assert strict.exit_code == 1 and "warning CS-P03" in strict.stdout


def test_check_json_and_info(isolated: Path) -> None:
    result = run("strategy", "check", str(CD012661), "--json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    (file,) = document["files"]
    codes = {f["code"] for f in file["findings"]}
    assert {"CS-L03", "CS-T03", "CS-B02"} <= codes and file["errors"] == 0
    assert file["findings"][0]["file_line"] >= 1 and not document["failed"]
    plain = run("strategy", "check", str(CD012661))
    assert "CS-L03" not in plain.stdout and "info (show with --info)" in plain.output
    assert "CS-L03" in run("strategy", "check", str(CD012661), "--info").stdout


def test_the_review_strategies_pass_check() -> None:
    paths = sorted(str(p) for p in (REPO / "strategies").glob("*.txt"))
    result = run("strategy", "check", *paths)
    assert result.exit_code == 0, result.output
    assert "0 errors" in result.output


def test_check_of_a_missing_file_is_an_input_error() -> None:
    result = run("strategy", "check", "nowhere.txt")
    assert result.exit_code == 1 and "strategy list" in result.output


def test_status_counts_each_strategys_lines_and_errors_and_names_those_not_parsed(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cen_search.workspace import Workspace

    ws = Workspace.init(isolated / "review")
    (ws.strategies_dir / "cochrane.txt").write_text(
        "---\ndatabase: MEDLINE\nplatform: Ovid\nsearched_on: 2020-01-01\n---\n"
        "41. (a adj5 b).ti,ab\n",
        encoding="utf-8",
    )
    (ws.strategies_dir / "wos.txt").write_text(
        "---\ndatabase: Web of Science\nplatform: Web of Science\n---\nTS=(x)\n", encoding="utf-8"
    )
    monkeypatch.chdir(ws.root)
    result = run("status")
    assert "strategies/cochrane.txt: 1 line, 1 error, 0 warnings" in result.stdout
    assert "strategies/wos.txt: kept verbatim, not parsed" in result.stdout
