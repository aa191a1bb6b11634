"""The ``cen-search screen`` subcommands end to end: sheets, dual screening, conflicts,
agreement, progress, retrieval, removals, studies; JSON output and ``--check`` exit codes."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from cen_search.screening.flow import load_screening
from cen_search.workspace import Workspace
from tests._dedupe_cli import Run, run_cli
from tests._screening import make_review

MEDLINE_1 = "medline/pmid:26000001"  # also in Embase (two records, one report)
DOIS = (
    "10.1186/s12888-015-0001-1",
    "10.1080/09638237.2017.0002",
    "10.1016/s2215-0366(16)0003-3",
    "10.1111/j.1365-2850.2012.0004.x",
)


@pytest.fixture()
def review(tmp_path: Path) -> Workspace:
    return make_review(tmp_path / "review")


@pytest.fixture()
def cli(review: Workspace, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    def run(*args: str | Path) -> Run:
        return run_cli(capsys, "-C", review.root, *args)

    return run


def _json(result: Run) -> dict[str, object]:
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["schema_version"] == 1
    return data


def _fill(path: Path, decisions: list[tuple[str, str]]) -> None:
    rows = list(csv.DictReader(io.StringIO(path.read_text("utf-8-sig"))))
    for row, (decision, reasons) in zip(rows, decisions, strict=False):
        row.update(decision=decision, reasons=reasons)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8-sig")


def test_export_fill_import_and_import_again(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sheet = tmp_path / "ann.csv"
    data = _json(cli("screen", "export", "--reviewer", "ann", "-o", sheet, "--json"))
    assert (data["rows"], data["to_do"], data["stage"]) == (8, 8, "ta")
    assert cli("screen", "export", "--reviewer", "ann", "-o", sheet).code == 1  # exists: --yes
    _fill(sheet, [("include", ""), ("exclude", "wrong setting"), ("maybe", "")])
    first = _json(cli("screen", "import", sheet, "--json"))
    assert (first["added"], first["unchanged"], first["blank"]) == (3, 0, 5)
    again = cli("screen", "import", sheet)
    assert again.code == 0 and "added 0 decisions; 3 already in the log" in again.err
    todo = _json(
        cli("screen", "export", "--reviewer", "ann", "-o", sheet, "--todo", "--yes", "--json")
    )
    assert todo["rows"] == 5


def test_export_names_the_sheet_to_import_by_the_path_it_was_written_to(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path
) -> None:
    sheet = tmp_path / "sheets" / "ann ta.csv"
    sheet.parent.mkdir()
    result = cli("screen", "export", "--reviewer", "ann", "-o", sheet)
    assert result.code == 0, result.err
    assert f"then cen-search screen import '{sheet}'" in result.err


def test_export_never_writes_csv_under_a_workbook_name_or_over_a_workbook(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path
) -> None:
    from openpyxl import Workbook

    named = tmp_path / "ann.xlsx"
    result = cli("screen", "export", "--reviewer", "ann", "-o", named)
    assert result.code == 2 and "the sheet is CSV" in result.err
    assert not named.exists()
    saved = tmp_path / "ann-filled.csv"  # a workbook a reviewer saved under the CSV's name
    book = Workbook()
    book.active.append(["report_id", "decision"])
    book.save(saved)
    before = saved.read_bytes()
    result = cli("screen", "export", "--reviewer", "ann", "-o", saved, "--yes")
    assert result.code == 2 and "never writes into it" in result.err
    assert saved.read_bytes() == before


def test_a_sheet_saved_by_excel_as_unicode_text_utf16_and_tabs_imports(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path
) -> None:
    # Excel's "Unicode Text (*.txt)": UTF-16 with a byte-order mark, tab-separated, CRLF
    sheet = tmp_path / "ann.csv"
    assert cli("screen", "export", "--reviewer", "ann", "-o", sheet).code == 0
    rows = list(csv.DictReader(io.StringIO(sheet.read_text("utf-8-sig"))))
    rows[0].update(decision="include")
    rows[1].update(decision="exclude", reasons="wrong setting", note="Größe – zu klein")
    saved = tmp_path / "ann.txt"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), delimiter="\t")
    writer.writeheader()
    writer.writerows(rows)
    saved.write_bytes(buffer.getvalue().encode("utf-16"))
    first = _json(cli("screen", "import", saved, "--json"))
    assert (first["added"], first["blank"]) == (2, 6)
    assert _json(cli("screen", "import", saved, "--json"))["added"] == 0


def test_a_sheet_is_never_written_over_what_a_person_made_even_with_yes(  # type: ignore[no-untyped-def]
    cli, review: Workspace
) -> None:
    assert cli("screen", "vote", MEDLINE_1, "--decision", "include", "--reviewer", "ann").code == 0
    made = [
        review.root / review.imports()[0].file,  # a raw export
        review.manifest_path,
        review.config_path,
        review.root / "screening" / "ann.jsonl",
        review.root / "log.jsonl",
    ]
    before = [path.read_bytes() for path in made]
    for path in made:
        result = cli("screen", "export", "--reviewer", "ann", "-o", path, "--yes")
        assert result.code == 2 and "nothing was written" in result.err, path
    assert [path.read_bytes() for path in made] == before


def test_import_of_a_file_that_is_not_a_sheet_asks_for_the_tool(cli) -> None:  # type: ignore[no-untyped-def]
    from tests._screening import DATA

    result = cli("screen", "import", DATA / "medline.ris")
    assert result.code == 2 and "--from rayyan|covidence|asreview" in result.err


def test_tool_import_reports_routes_and_unmatched_rows(cli) -> None:  # type: ignore[no-untyped-def]
    from tests._screening import DATA

    path = DATA / "review_1234_excluded_csv_20240101.csv"
    data = _json(cli("screen", "import", path, "--from", "covidence", "--json", "--dry-run"))
    assert data["matched_by"] == {"doi": 1, "dedupe": 1} and data["added"] == 4
    assert data["unmatched"][0]["where"].endswith(":4") and data["dry_run"] is True
    result = cli("screen", "import", path, "--from", "covidence")
    assert "not matched  review_1234_excluded_csv_20240101.csv:4: no record" in result.out
    assert "reasons not in [screening] reasons" not in result.err  # Wrong setting is listed


def _vote(cli, name: str, decision: str, reviewer: str, *extra: str) -> None:  # type: ignore[no-untyped-def]
    result = cli("screen", "vote", name, "--decision", decision, "--reviewer", reviewer, *extra)
    assert result.code == 0, result.err


def test_dual_screening_conflicts_resolution_and_agreement(cli, review: Workspace) -> None:  # type: ignore[no-untyped-def]
    for doi, a, b in zip(
        DOIS,
        ("include", "exclude", "include", "exclude"),
        ("include", "exclude", "exclude", "exclude"),
        strict=True,
    ):
        _vote(cli, doi, a, "ann")
        _vote(cli, doi, b, "bob")
    conflicts = _json(cli("screen", "conflicts", "--json"))["conflicts"]
    assert len(conflicts) == 1 and conflicts[0]["kind"] == "decision"
    assert {v["reviewer"]: v["decision"] for v in conflicts[0]["votes"]} == {
        "ann": "include",
        "bob": "exclude",
    }
    assert cli("screen", "conflicts", "--check").code == 4
    resolved = cli(
        "screen",
        "resolve",
        DOIS[2],
        "--decision",
        "exclude",
        "--reason",
        "wrong population",
        "--by",
        "cy",
    )
    assert resolved.code == 0 and "the 2 votes it settles are kept" in resolved.err
    assert cli("screen", "conflicts", "--check").code == 0
    agreement = _json(cli("screen", "agreement", "--json"))
    (pair,) = agreement["agreements"]
    assert pair["reviewers"] == ["ann", "bob"] and pair["n"] == 4 and pair["agreed"] == 3
    assert pair["table"] == [[1, 1], [0, 2]] and pair["kappa"] == pytest.approx(0.5)
    (design,) = agreement["designs"]
    assert design["conflicts"] == 1 and design["resolved_by"] == {"discussion": 1}
    text = cli("screen", "agreement")
    assert "n = 4, agreement 75.0%, kappa 0.500" in text.out


def test_full_text_reason_conflicts_are_listed(cli) -> None:  # type: ignore[no-untyped-def]
    _vote(cli, DOIS[0], "include", "ann")
    _vote(cli, DOIS[0], "exclude", "ann", "--stage", "ft", "--reason", "wrong setting")
    _vote(cli, DOIS[0], "exclude", "bob", "--stage", "ft", "--reason", "not qualitative")
    (conflict,) = _json(cli("screen", "conflicts", "--stage", "ft", "--json"))["conflicts"]
    assert conflict["kind"] == "reason"


def test_a_full_text_vote_before_title_abstract_inclusion_is_refused(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("screen", "vote", DOIS[0], "--decision", "include", "--stage", "ft")
    assert result.code == 2 and "not to be screened at ft" in result.err


def test_assign_draws_a_reproducible_recorded_sample(
    cli, review: Workspace, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    for i, doi in enumerate(DOIS):
        _vote(cli, doi, "include" if i == 0 else "exclude", "ann")
    copy = tmp_path / "copy"
    shutil.copytree(review.root, copy)
    data = _json(
        cli(
            "screen",
            "assign",
            "--reviewer",
            "bob",
            "--includes",
            "--fraction",
            "0.34",
            "--seed",
            "7",
            "--json",
        )
    )
    sample = data["sample"]
    assert (sample["population"], sample["included"], sample["drawn"], sample["seed"]) == (
        4,
        1,
        1,
        7,
    )
    assert data["assigned"] == 2
    again = run_cli_in(
        copy,
        "screen",
        "assign",
        "--reviewer",
        "bob",
        "--includes",
        "--fraction",
        "0.34",
        "--seed",
        "7",
        "--json",
    )
    assert again["sample"]["population_hash"] == sample["population_hash"]
    targets = [_assign_targets(review.root), _assign_targets(copy)]
    assert targets[0] == targets[1] and len(targets[0]) == 2
    # bob's queue is his sample; the sampled reports wait for his vote
    screening = load_screening(Workspace(review.root))
    assert sum(str(s.ta) == "pending" for s in screening.states.values()) == 4 + 2
    progress = _json(cli("screen", "progress", "--json"))
    assert progress["screening"]["stages"]["ta"]["pending"] == 6
    assert cli("screen", "progress", "--check").code == 4


def test_assign_of_one_report_says_one_report(cli) -> None:  # type: ignore[no-untyped-def]
    _vote(cli, DOIS[0], "include", "ann")
    result = cli("screen", "assign", "--reviewer", "bob", "--includes")
    assert result.code == 0, result.err
    assert "all includes: 1 report for bob (from 1 decided report;" in result.err


def test_another_spelling_of_a_reviewers_name_is_refused_not_made_a_second_reviewer(  # type: ignore[no-untyped-def]
    cli, review: Workspace
) -> None:
    _vote(cli, DOIS[0], "include", "ann")
    log = review.root / "screening" / "ann.jsonl"
    before = log.read_bytes()
    result = cli("screen", "vote", DOIS[0], "--decision", "exclude", "--reviewer", "Ann")
    assert result.code == 1
    assert "'Ann' would write to screening/ann.jsonl, the log of 'ann'" in result.err
    assert log.read_bytes() == before
    agreement = _json(cli("screen", "agreement", "--json"))
    assert agreement["agreements"] == []


def test_progress_with_a_stage_shows_only_that_stage_and_refuses_an_unknown_one(  # type: ignore[no-untyped-def]
    cli,
) -> None:
    _vote(cli, DOIS[0], "include", "ann")
    _vote(cli, DOIS[0], "include", "ann", "--stage", "ft")
    both = cli("screen", "progress")
    assert "title/abstract:" in both.out and "full text:" in both.out
    ft = cli("screen", "progress", "--stage", "ft")
    assert ft.code == 0 and "full text:" in ft.out and "title/abstract" not in ft.out
    ta = _json(cli("screen", "progress", "--stage", "ta", "--json"))
    assert list(ta["screening"]["stages"]) == ["ta"]  # type: ignore[index]
    wrong = cli("screen", "progress", "--stage", "fulltext")
    assert wrong.code == 2 and "is not ta or ft" in wrong.err


def test_assign_run_again_draws_only_from_reports_decided_since(  # type: ignore[no-untyped-def]
    cli, review: Workspace, tmp_path: Path
) -> None:
    sheet = tmp_path / "ann.csv"
    assert cli("screen", "export", "--reviewer", "ann", "-o", sheet).code == 0
    ids = [row["report_id"] for row in csv.DictReader(io.StringIO(sheet.read_text("utf-8-sig")))]
    for i, report in enumerate(ids[:5]):
        _vote(cli, report, "include" if i == 0 else "exclude", "ann")
    assign = ("screen", "assign", "--reviewer", "bob", "--includes", "--fraction", "0.25",
              "--seed", "7", "--json")  # fmt: skip
    first = _json(cli(*assign))
    assert (first["sample"]["population"], first["assigned"]) == (5, 2)  # type: ignore[index]
    again = cli(*assign)
    assert again.code == 2 and "was in an earlier draw for bob" in again.err
    logs = (review.root / "screening").glob("*.jsonl")
    draws = [line for log in logs for line in log.read_text("utf-8").splitlines()]
    assert sum('"event":"assign"' in line for line in draws) == 1  # the sample did not grow
    for report in ids[5:]:
        _vote(cli, report, "exclude", "ann")
    later = _json(cli(*assign))
    assert later["sample"]["population"] == len(ids) - 5  # type: ignore[index]
    assert later["assigned"] == 1


def test_resolve_says_how_many_votes_it_settles_in_the_right_number(cli) -> None:  # type: ignore[no-untyped-def]
    _vote(cli, DOIS[0], "include", "ann")
    one = cli("screen", "resolve", DOIS[0], "--decision", "include", "--by", "cy")
    assert one.code == 0 and "; the 1 vote it settles is kept" in one.err
    none = cli("screen", "resolve", DOIS[1], "--decision", "exclude", "--by", "cy")
    assert none.code == 0 and "; it settles no votes" in none.err


def test_resolve_at_full_text_of_a_report_excluded_on_title_and_abstract_is_refused(  # type: ignore[no-untyped-def]
    cli, review: Workspace
) -> None:
    _vote(cli, DOIS[0], "exclude", "ann")
    result = cli("screen", "resolve", DOIS[0], "--stage", "ft", "--decision", "include")
    assert result.code == 2 and "is not to be screened at ft" in result.err
    assert not any("resolve" in p.read_text("utf-8") for p in review.root.glob("screening/*"))
    # a full text reported not retrieved can still be resolved: it was found after all
    _vote(cli, DOIS[1], "include", "ann")
    assert cli("screen", "retrieval", DOIS[1], "--not-retrieved", "paywall").code == 0
    found = cli("screen", "resolve", DOIS[1], "--stage", "ft", "--decision", "include")
    assert found.code == 0, found.err
    ft = _json(cli("screen", "progress", "--stage", "ft", "--json"))
    assert ft["screening"]["stages"]["ft"]["decided"] == {"include": 1}  # type: ignore[index]


def run_cli_in(root: Path, *args: str) -> dict[str, object]:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "cen_search", "-C", str(root), *args],
        capture_output=True,
        text=True,
        env={"CEN_SEARCH_CONFIG": str(root / "none.toml"), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _assign_targets(root: Path) -> list[list[str]]:
    for path in (root / "screening").glob("*.jsonl"):
        for line in path.read_text("utf-8").splitlines():
            entry = json.loads(line)
            if entry["event"] == "assign":
                return entry["targets"]
    return []


def test_retrieval_removal_and_studies(cli, review: Workspace) -> None:  # type: ignore[no-untyped-def]
    for doi in DOIS[:3]:
        _vote(cli, doi, "include", "ann")
    assert cli("screen", "retrieval", DOIS[2], "--not-retrieved", "no access").code == 0
    for doi in DOIS[:2]:
        _vote(cli, doi, "include", "ann", "--stage", "ft")
    removed = cli(
        "screen", "remove", DOIS[3], "--kind", "automation", "--reason", "classifier score < 0.1"
    )
    assert removed.code == 0
    studies = _json(cli("screen", "studies", "--json"))
    assert studies["studies"] == [] and len(studies["unlinked"]) == 2
    assert cli("screen", "link", DOIS[0], DOIS[1], "--study", "S01").code == 0
    flow = load_screening(Workspace(review.root)).flow()
    assert flow.studies == ("S01",)
    assert sum(s.included for s in flow.reports) == 2
    assert [s.removed for s in flow.reports if s.removed] == ["automation"]
    assert [s.not_retrieved_reason for s in flow.reports if s.not_retrieved_reason] == ["no access"]
    assert cli("screen", "link", DOIS[1], "--undo").code == 0
    assert cli("screen", "link", "--each").code == 0
    studies = _json(cli("screen", "studies", "--json"))
    assert [s["study"] for s in studies["studies"]] == ["S01", "S02"]
    assert cli("screen", "remove", DOIS[3], "--undo").code == 0
    assert not any(s.removed for s in load_screening(Workspace(review.root)).flow().reports)


def test_dedupe_links_are_offered_as_suggested_study_links(cli, review: Workspace) -> None:  # type: ignore[no-untyped-def]
    screening = load_screening(review)
    records = {r.doi: str(r.id) for r in screening.library.records if r.doi}
    (review.root / "dedupe" / "links.csv").write_text(
        "a_record_id,b_record_id,relation,evidence\n"
        f"{records[DOIS[0]]},{records[DOIS[1]]},abstract-of,same authors and topic\n",
        encoding="utf-8",
    )
    _vote(cli, DOIS[0], "include", "ann")
    _vote(cli, DOIS[0], "include", "ann", "--stage", "ft")
    (suggestion,) = _json(cli("screen", "studies", "--json"))["suggestions"]
    assert suggestion["relation"] == "abstract-of"
    text = cli("screen", "studies")
    assert "confirm: cen-search screen link" in text.out


def test_status_shows_the_screening_section(cli) -> None:  # type: ignore[no-untyped-def]
    _vote(cli, DOIS[0], "include", "ann")
    _vote(cli, DOIS[0], "exclude", "bob")
    status = cli("status")
    assert "screening:" in status.out and "1 conflict" in status.out
    assert "cen-search screen conflicts" in status.out + status.err


def test_a_report_named_ambiguously_or_not_at_all_is_a_usage_error(cli) -> None:  # type: ignore[no-untyped-def]
    missing = cli("screen", "vote", "10.9999/none", "--decision", "include")
    assert missing.code == 2 and "no record in the review is called" in missing.err
    ok = cli("screen", "vote", "MEDLINE:26000001", "--decision", "include", "--reviewer", "ann")
    assert ok.code == 0, ok.err
    undo = cli("screen", "vote", MEDLINE_1, "--undo", "--reviewer", "ann")
    assert undo.code == 0 and "1 vote withdrawn" in undo.err


def test_a_sheet_without_a_reviewer_column_is_yours(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    sheet = tmp_path / "mine.csv"
    assert cli("screen", "export", "--reviewer", "ann", "-o", sheet).code == 0
    rows = list(csv.DictReader(io.StringIO(sheet.read_text("utf-8-sig"))))
    for row in rows:
        del row["reviewer"]
    rows[0]["decision"] = "exclude"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    sheet.write_text(buffer.getvalue(), encoding="utf-8")
    monkeypatch.setenv("CEN_SEARCH_REVIEWER", "zoe")
    assert cli("screen", "import", sheet).code == 0
    progress = _json(cli("screen", "progress", "--json"))
    assert progress["screening"]["stages"]["ta"]["votes"] == {"zoe": 1}


EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "cen-review"
LATE_DUPLICATE = "medline/fp:f1-2de9fd50f2adbded"
"""A report of the example that both reviewers screened on title and abstract, disagreeing
(resolved by discussion), and that was drawn in the double-screening sample."""


def test_removing_a_report_with_votes_warns_and_the_methods_count_what_the_boxes_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cen_search.dedupe.workspace_run import run_in_workspace

    root = tmp_path / "review"
    shutil.copytree(EXAMPLE, root)
    run_in_workspace(Workspace(root))

    def cli(*args: str) -> Run:
        return run_cli(capsys, "-C", root, *args)

    removed = cli(
        "screen", "remove", LATE_DUPLICATE, "--kind", "other", "--reason", "duplicate found late",
        "--reviewer", "senior-reviewer",
    )  # fmt: skip
    assert removed.code == 0, removed.err
    # it says what the report had, and what becomes of it
    assert (
        f"warning: {LATE_DUPLICATE} already has 2 title/abstract votes (reviewer-1, "
        "reviewer-2) and a title/abstract resolution" in " ".join(removed.err.split())
    )
    assert "no longer count" in removed.err and "--undo counts them again" in removed.err
    prisma = _json(cli("prisma", "--json"))
    lanes = prisma["lanes"]
    assert lanes["dbr"]["removed_other"] == 1 and lanes["dbr"]["screened"] == 46  # type: ignore[index]
    (ta,) = [m for m in prisma["methods"] if "titles and abstracts of" in m]  # type: ignore[attr-defined]
    # the 46 records of the Records screened box, not 47; one disagreement left, not two
    assert ta.startswith("2 reviewers screened the titles and abstracts of 46 records; 37 were")
    assert "38 reports for reviewer-1, reviewer-2, 1 of them since removed" in ta
    assert "1 disagreement was resolved by discussion" in ta
    assert any(
        "titles and abstracts before resolution: 97.3% of 37" in m for m in prisma["methods"]
    )  # type: ignore[attr-defined]
    # the screening commands count the same reports
    agreement = _json(cli("screen", "agreement", "--stage", "ta", "--json"))
    assert [a["n"] for a in agreement["agreements"]] == [37]  # type: ignore[index]
    assert [d["screened"] for d in agreement["designs"]] == [46]  # type: ignore[index]
    stages = _json(cli("screen", "progress", "--json"))["screening"]["stages"]  # type: ignore[index]
    assert stages["ta"]["eligible"] == 46 and stages["ta"]["votes"]["reviewer-2"] == 37  # type: ignore[index]
    assert "n = 37" in cli("status").out
    # put back, its votes count again
    assert (
        cli("screen", "remove", LATE_DUPLICATE, "--undo", "--reviewer", "senior-reviewer").code == 0
    )
    (ta,) = [m for m in _json(cli("prisma", "--json"))["methods"] if "titles and abstracts of" in m]  # type: ignore[attr-defined]
    assert ta.startswith("2 reviewers screened the titles and abstracts of 47 records; 38 were")
