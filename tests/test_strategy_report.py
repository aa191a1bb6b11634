"""The PRISMA-S search table: one row per saved strategy (and per API run), Markdown and CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest

from cen_search.prisma.search_table import search_table, to_markdown, write_csv, write_report
from cen_search.strategies import runlog
from cen_search.workspace import Workspace

MEDLINE = """---
cen_search: 1
id: medline
database: MEDLINE
platform: Ovid
coverage: Ovid MEDLINE(R) ALL <1946 to December 31, 2019>
searched_on: 2020-01-15
date_from: 2003
date_to: 2019-12-31
languages:
  - english
filters:
  - qualitative (maximizes sensitivity) | Ovid Clinical Queries
peer_review: PRESS 2015 by A. Librarian, 2020-01-10
records: 1234
---
Database: Ovid MEDLINE(R) ALL <1946 to December 31, 2019>
1 exp Personality Disorders/ (45123)
2 (“borderline” adj3 personality).ti,ab. (20111)
3 or/1‐2 (52000)
"""
CINAHL = """---
cen_search: 1
id: cinahl
database: CINAHL
platform: EBSCOhost
searched_on: 2020-01-16
---
S2 S1 AND TI community 12
S1 (MH "Personality Disorders+") 3,400
"""
RIS = "TY  - JOUR\nTI  - One\nER  - \n\nTY  - JOUR\nTI  - Two\nER  - \n"


@pytest.fixture()
def review(tmp_path: Path) -> Workspace:
    ws = Workspace.init(tmp_path / "review", title="CEN meta-synthesis")
    (ws.strategies_dir / "medline.txt").write_text(MEDLINE, encoding="utf-8")
    (ws.strategies_dir / "cinahl.txt").write_text(CINAHL, encoding="utf-8")
    export = tmp_path / "cinahl.ris"
    export.write_text(RIS, encoding="utf-8")
    ws.import_file(
        export,
        database="CINAHL",
        platform="EBSCOhost",
        searched="2020-01-16",
        strategy=ws.strategies_dir / "cinahl.txt",
    )
    return ws


def test_one_row_per_strategy_with_records_from_header_or_imports(review):
    rows = {row.strategy_file: row for row in search_table(review)}
    medline = rows["strategies/medline.txt"]
    assert (medline.database, medline.platform) == ("MEDLINE", "Ovid")
    assert medline.coverage == "Ovid MEDLINE(R) ALL <1946 to December 31, 2019>"
    assert medline.date_searched == "2020-01-15"
    assert (medline.records, medline.records_source) == (1234, "header")
    assert "dates 2003 to 2019-12-31" in medline.limits and "english" in medline.limits
    assert medline.filters == "qualitative (maximizes sensitivity) (Ovid Clinical Queries)"
    cinahl = rows["strategies/cinahl.txt"]
    assert (cinahl.records, cinahl.records_source) == (2, "imports")


def test_a_strategy_without_a_search_date_takes_the_dates_of_its_imports(review, tmp_path):
    # found following the docs verbatim: `strategy report` on the example review printed "?"
    # as every database's date searched, although each export was imported with
    # --searched-on and --strategy (and `prisma` wrote "last searched 2019-12-09" from them)
    undated = CINAHL.replace("searched_on: 2020-01-16\n", "").replace("id: cinahl", "id: psyc")
    (review.strategies_dir / "psycinfo.txt").write_text(
        undated.replace("CINAHL", "PsycINFO"), encoding="utf-8"
    )
    for searched in ("2019-12-11", "2019-12-09"):
        export = tmp_path / f"psycinfo-{searched}.ris"
        export.write_text(RIS.replace("One", f"One {searched}"), encoding="utf-8")
        review.import_file(
            export,
            database="PsycINFO",
            platform="EBSCOhost",
            searched=searched,
            strategy=review.strategies_dir / "psycinfo.txt",
        )
    rows = {row.strategy_file: row for row in search_table(review)}
    assert rows["strategies/psycinfo.txt"].date_searched == "2019-12-09, 2019-12-11"
    assert rows["strategies/medline.txt"].date_searched == "2020-01-15"  # the header's, kept
    assert "| 2019-12-09, 2019-12-11 |" in to_markdown(list(rows.values()))


def test_strategy_text_is_reported_exactly_as_pasted(review):
    rows = search_table(review)
    medline = next(r for r in rows if r.database == "MEDLINE")
    assert "2 (“borderline” adj3 personality).ti,ab. (20111)" in medline.strategy
    assert "or/1‐2" in medline.strategy  # U+2010 kept
    markdown = to_markdown(rows, title="CEN")
    assert "2 (“borderline” adj3 personality).ti,ab. (20111)" in markdown
    assert "| 1 | CINAHL | EBSCOhost |" in markdown or "| 2 | CINAHL | EBSCOhost |" in markdown
    assert "1,234 (header)" in markdown


def test_latest_api_run_adds_a_row_and_fills_missing_counts(review):
    record = {
        "strategy_id": "cinahl",
        "target": "europepmc",
        "database": "Europe PMC",
        "platform": "Europe PMC (REST API)",
        "run_at": "2024-05-13T10:02:11Z",
        "date_window": {"kind": "entry", "from": "2023-05-13", "to": "2024-05-13"},
        "final_line": "2",
        "total": 17,
        "lines": [{"key": "2", "sent": "(KW:x) AND TITLE_ABS:community", "count": 17}],
        "translation": {"lossiness": "approximate"},
        "import": None,
    }
    runlog.write_run(
        review.root,
        "cinahl",
        record,
        ["MED:1"],
        at=dt.datetime(2024, 5, 13, 10, 2, 11, tzinfo=dt.UTC),
    )
    rows = search_table(review)
    run = next(r for r in rows if r.kind == "api run")
    assert (run.database, run.records, run.date_searched) == ("Europe PMC", 17, "2024-05-13")
    assert run.limits == "entry date 2023-05-13 to 2024-05-13"
    assert run.strategy.startswith("(KW:x) AND TITLE_ABS:community")
    assert "translated by cen-search from strategies/cinahl.txt (approximate)" in run.strategy


def test_csv_has_one_row_per_search_with_full_strategy_text(review, tmp_path):
    md, table = tmp_path / "searches.md", tmp_path / "searches.csv"
    rows = write_report(review, markdown=md, csv_path=table)
    parsed = list(csv.DictReader(table.read_text(encoding="utf-8-sig").splitlines(keepends=True)))
    assert len(parsed) == len(rows) == 2
    medline = next(r for r in parsed if r["database"] == "MEDLINE")
    assert medline["records"] == "1234" and medline["strategy"].count("\n") == 3
    assert md.read_text(encoding="utf-8").startswith("# Search strategies")
    buffer = io.StringIO()
    assert write_csv(rows, buffer) == 2


def test_records_come_from_a_run_only_on_the_same_database(review):
    (review.strategies_dir / "pubmed.txt").write_text(
        "---\ncen_search: 1\nid: pubmed\ndatabase: PubMed\nplatform: PubMed\n---\n"
        '#1\t"Borderline Personality Disorder"[Mesh]\t8,962\n',
        encoding="utf-8",
    )
    at = dt.datetime(2024, 5, 13, 10, 2, 11, tzinfo=dt.UTC)
    for sid, target, database, total in (
        ("pubmed", "pubmed", "PubMed", 41),
        ("cinahl", "pubmed", "PubMed", 99),
    ):
        record = {
            "strategy_id": sid,
            "target": target,
            "database": database,
            "total": total,
            "run_at": "2024-05-13T10:02:11Z",
            "final_line": "1",
            "lines": [],
        }
        runlog.write_run(review.root, sid, record, [], at=at)
    rows = {(r.strategy_file, r.kind): r for r in search_table(review)}
    pubmed = rows[("strategies/pubmed.txt", "database")]
    assert (pubmed.records, pubmed.records_source) == (41, "run")
    cinahl = rows[("strategies/cinahl.txt", "database")]
    assert (cinahl.records, cinahl.records_source) == (2, "imports")
    assert rows[("strategies/cinahl.txt", "api run")].records == 99


WOS = """---
cen_search: 1
id: wos
database: Web of Science Core Collection
platform: Web of Science
syntax: none
searched_on: 2020-01-17
---
#1\tTS=(borderline NEAR/3 personalit*)\t1,204
#2\t#1 AND PY=(2003-2019)\t980
"""


def _import(ws: Workspace, tmp_path: Path, name: str, database: str, platform: str) -> None:
    export = tmp_path / name
    export.write_text(RIS.replace("One", name), encoding="utf-8")
    ws.import_file(export, database=database, platform=platform, searched="2020-01-18")


def test_limits_are_what_the_lines_apply_and_what_the_header_states(tmp_path):
    ws = Workspace.init(tmp_path / "review", date_from="2003", date_to="2019")
    text = (
        "---\ndatabase: MEDLINE\nplatform: Ovid\n---\n1 exp Personality Disorders/\n"
        '2 limit 1 to yr="2010 -Current"\n3 limit 2 to english language\n'
    )
    (ws.strategies_dir / "m.txt").write_text(text, encoding="utf-8")
    (ws.strategies_dir / "plain.txt").write_text(
        "---\ndatabase: Embase\nplatform: Ovid\n---\n1 exp borderline state/\n", encoding="utf-8"
    )
    rows = {row.strategy_file: row for row in search_table(ws)}
    limits = rows["strategies/m.txt"].limits
    assert limits == "set 2: publication year 2010 to current; set 3: language english"
    # The review's window (2003-2019) is not reported as a limit of a strategy without one.
    assert rows["strategies/plain.txt"].limits == ""
    assert "| none stated |" in to_markdown([rows["strategies/plain.txt"]])


def test_a_strategy_without_a_parser_is_reported_verbatim_as_not_parsed(review, tmp_path):
    (review.strategies_dir / "wos.txt").write_text(WOS, encoding="utf-8")
    rows = {row.strategy_file: row for row in search_table(review)}
    wos = rows["strategies/wos.txt"]
    assert (wos.database, wos.platform, wos.date_searched) == (
        "Web of Science Core Collection",
        "Web of Science",
        "2020-01-17",
    )
    assert wos.status.startswith("not parsed") and wos.kind == "database"
    assert wos.strategy == WOS.split("---\n")[2].strip("\n")
    markdown = to_markdown(list(rows.values()))
    assert (
        "(not parsed)" in markdown and "#1\tTS=(borderline NEAR/3 personalit*)\t1,204" in markdown
    )
    buffer = io.StringIO()
    write_csv([wos], buffer)
    (row,) = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    assert row["status"].startswith("not parsed") and row["strategy"].startswith("#1\tTS=")


def test_every_imported_database_without_a_saved_strategy_gets_a_row(review, tmp_path):
    _import(review, tmp_path, "scopus.ris", "Scopus", "Elsevier")
    _import(review, tmp_path, "wos.ris", "Web of Science Core Collection", "Clarivate")
    _import(review, tmp_path, "medline.ris", "Ovid MEDLINE(R) ALL", "Ovid")  # has a strategy
    (review.strategies_dir / "wos.txt").write_text(WOS, encoding="utf-8")
    missing = [row for row in search_table(review) if row.kind == "no saved strategy"]
    assert [(row.database, row.platform, row.records) for row in missing] == [
        ("Scopus", "Elsevier", 2)
    ]
    assert missing[0].records_source == "imports" and missing[0].date_searched == "2020-01-18"
    markdown = to_markdown(missing)
    assert "no saved strategy" in markdown and "```" not in markdown


def test_report_command_names_the_imported_databases_without_a_strategy(
    review, tmp_path, monkeypatch
):
    from typer.testing import CliRunner

    from cen_search.cli.app import app

    _import(review, tmp_path, "scopus.ris", "Scopus", "Elsevier")
    monkeypatch.chdir(review.root)
    result = CliRunner().invoke(app, ["strategy", "report", "--json"])
    assert result.exit_code == 0, result.output
    assert "no saved strategy for 1 imported database: Scopus" in result.stderr
    assert any(row["kind"] == "no saved strategy" for row in json.loads(result.stdout)["searches"])


def test_report_never_writes_over_a_saved_strategy_or_an_existing_file_without_yes(
    review, monkeypatch
):
    # found by a stranger's trial: `strategy report --csv strategies/medline.txt` replaced
    # the saved paste (the record of what was searched) with the CSV table, silently
    from typer.testing import CliRunner

    from cen_search.cli.app import app

    monkeypatch.chdir(review.root)
    saved = (review.strategies_dir / "medline.txt").read_bytes()
    over = CliRunner().invoke(app, ["strategy", "report", "--csv", "strategies/medline.txt"])
    assert over.exit_code == 2 and "is the saved strategy" in over.output
    assert (review.strategies_dir / "medline.txt").read_bytes() == saved
    Path("table.md").write_text("kept", encoding="utf-8")
    exists = CliRunner().invoke(app, ["strategy", "report", "-o", "table.md"])
    assert exists.exit_code == 1 and "already exists" in exists.output
    assert Path("table.md").read_text(encoding="utf-8") == "kept"
    replaced = CliRunner().invoke(app, ["strategy", "report", "-o", "table.md", "--yes"])
    assert replaced.exit_code == 0 and "| MEDLINE |" in Path("table.md").read_text()


def test_database_names_match_across_editions_but_not_across_databases():
    from cen_search.prisma.search_table import same_database

    assert same_database("Ovid MEDLINE(R) ALL", "MEDLINE")
    assert same_database("Web of Science", "Web of Science Core Collection")
    assert not same_database("MEDLINE", "Embase")
    assert not same_database("Scopus", "Web of Science")
    assert not same_database("PubMed", "MEDLINE")


def test_records_found_by_citation_searching_or_a_call_for_evidence_need_no_strategy(
    review, tmp_path
):
    _import(review, tmp_path, "scopus.ris", "Scopus", "Elsevier")
    source = tmp_path / "scopus.ris"
    for name, method in (
        ("Citation tracing", "citation"),
        ("Call for evidence", "call-for-evidence"),
    ):
        copy = tmp_path / f"{method}.ris"
        copy.write_bytes(source.read_bytes() + b"\n")
        review.import_file(copy, database=name, method=method)
    copy = tmp_path / "web.ris"
    copy.write_bytes(source.read_bytes() + b"\n\n")
    review.import_file(copy, database="Google", method="website")
    missing = [row.database for row in search_table(review) if row.kind == "no saved strategy"]
    assert missing == ["Scopus", "Google"]


def test_report_warns_when_a_strategy_is_too_long_for_an_excel_cell(review, monkeypatch):
    # A strategy of hundreds of lines (the CEN MEDLINE line 2, written 700 times) is one
    # CSV cell longer than the 32,767 characters Excel keeps of a cell.
    from typer.testing import CliRunner

    from cen_search.cli.app import app

    line = "((personality or character) adj3 disorder*).ti,ab,kf."
    body = "".join(f"{n} {line}\n" for n in range(1, 701))
    header = "---\ncen_search: 1\nid: long\ndatabase: Embase\nplatform: Ovid\n---\n"
    (review.strategies_dir / "long.txt").write_text(header + body, encoding="utf-8")
    monkeypatch.chdir(review.root)
    result = CliRunner().invoke(app, ["strategy", "report", "--csv", "t.csv"])
    assert result.exit_code == 0, result.output
    assert "1 cell longer than Excel's limit of 32,767 characters" in result.stderr
    assert "Embase's strategy" in result.stderr
    rows = list(csv.DictReader(io.StringIO(Path("t.csv").read_text(encoding="utf-8-sig"))))
    assert body.strip() in next(r["strategy"] for r in rows if r["database"] == "Embase")
    (review.strategies_dir / "long.txt").unlink()
    short = CliRunner().invoke(app, ["strategy", "report", "--csv", "short.csv"])
    assert short.exit_code == 0 and "Excel" not in short.stderr
