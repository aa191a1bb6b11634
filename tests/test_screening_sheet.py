"""Screening in a spreadsheet: the sheet opens in Excel, comes back after Excel re-saved it,
imports once, and is refused whole when a row is wrong."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from cen_search.errors import InputError
from cen_search.screening.actions import record
from cen_search.screening.flow import load_screening
from cen_search.screening.queue import reviewer_queue
from cen_search.screening.sheet import COLUMNS, import_sheet, sheet_rows, write_sheet
from cen_search.workspace import Workspace
from tests._screening import make_review


@pytest.fixture()
def review(tmp_path: Path) -> Workspace:
    return make_review(tmp_path / "review")


def _export(ws: Workspace, path: Path, *, reviewer: str = "ann", stage: str = "ta") -> None:
    screening = load_screening(ws)
    queue = reviewer_queue(screening, reviewer=reviewer, stage=stage)
    write_sheet(path, sheet_rows(screening, queue))


def _rows(path: Path, encoding: str = "utf-8-sig", delimiter: str = ",") -> list[dict[str, str]]:
    return list(
        csv.DictReader(io.StringIO(path.read_bytes().decode(encoding)), delimiter=delimiter)
    )


def _fill(path: Path, decisions: dict[int, tuple[str, str, str]], **write: str) -> None:
    rows = _rows(path)
    for i, (decision, reasons, note) in decisions.items():
        rows[i].update(decision=decision, reasons=reasons, note=note)
    encoding = write.get("encoding", "utf-8-sig")
    delimiter = write.get("delimiter", ",")
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=list(rows[0]), delimiter=delimiter, lineterminator="\r\n"
    )
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


def _import(ws: Workspace, path: Path, **kw: str) -> tuple[int, int]:
    screening = load_screening(ws)
    found = import_sheet(screening, path, ws=ws, **kw)
    return record(ws, found.events), found.unchanged


def test_the_sheet_is_excel_ready_csv_with_one_row_per_report(
    review: Workspace, tmp_path: Path
) -> None:
    sheet = tmp_path / "ann.csv"
    _export(review, sheet)
    data = sheet.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = _rows(sheet)
    assert list(rows[0]) == list(COLUMNS)
    assert len(rows) == 8 and len({r["report_id"] for r in rows}) == 8
    first = rows[0]
    assert first["title"].startswith("Clinician perspectives")
    assert first["doi"] == "10.1186/s12888-015-0001-1"
    assert first["records"] == "MEDLINE:26000001 | Embase:L60000"
    assert first["members"] == "embase/an:L60000 medline/pmid:26000001"
    assert (first["stage"], first["reviewer"], first["decision"]) == ("ta", "ann", "")


def test_a_filled_sheet_imports_once(review: Workspace, tmp_path: Path) -> None:
    sheet = tmp_path / "ann.csv"
    _export(review, sheet)
    _fill(
        sheet,
        {
            0: ("Include", "", "core paper"),
            2: ("no", "1; not qualitative", ""),
            5: ("x", "wrong setting", ""),
        },
    )
    assert _import(review, sheet) == (3, 0)
    assert _import(review, sheet) == (0, 3)  # twice: nothing added
    screening = load_screening(review)
    votes = {
        r.report_id: screening.folded.report(r.report_id).ta.votes.get("ann")
        for r in screening.reports
    }
    decided = {k: (v.decision, v.reasons, v.note) for k, v in votes.items() if v}
    assert sorted(decided.values()) == [
        ("exclude", ("wrong population", "not qualitative"), ""),
        ("exclude", ("wrong setting",), ""),
        ("include", (), "core paper"),
    ]
    # exported again, the sheet shows the decisions so far
    _export(review, sheet)
    assert sum(1 for r in _rows(sheet) if r["decision"]) == 3


def test_a_sheet_re_saved_by_excel_with_semicolons_and_cp1252_still_imports(
    review: Workspace, tmp_path: Path
) -> None:
    sheet = tmp_path / "ann.csv"
    _export(review, sheet)
    _fill(
        sheet,
        {1: ("exclude", "wrong population", "Größe der Stichprobe – zu klein")},
        encoding="cp1252",
        delimiter=";",
    )
    added, _ = _import(review, sheet)
    assert added == 1
    screening = load_screening(review)
    (vote,) = [v for rf in screening.folded.reports.values() for v in rf.ta.votes.values()]
    assert vote.note == "Größe der Stichprobe – zu klein"


def test_a_sheet_saved_by_excel_as_a_workbook_imports_as_its_csv_does(
    review: Workspace, tmp_path: Path
) -> None:
    from tests._workbook import save_as_workbook

    sheet, book = tmp_path / "ann.csv", tmp_path / "ann.xlsx"
    _export(review, sheet)
    save_as_workbook(
        sheet,
        book,
        fill={
            0: {"decision": "Include", "note": "core paper"},
            2: {"decision": "no", "reasons": "1; not qualitative"},
        },
    )
    assert _import(review, book) == (2, 0)
    assert _import(review, book) == (0, 2)
    screening = load_screening(review)
    votes = [v for rf in screening.folded.reports.values() for v in rf.ta.votes.values()]
    assert sorted((v.decision, v.reasons, v.note) for v in votes) == [
        ("exclude", ("wrong population", "not qualitative"), ""),
        ("include", (), "core paper"),
    ]


def test_a_damaged_workbook_is_refused_naming_the_file(review: Workspace, tmp_path: Path) -> None:
    from tests._workbook import save_as_workbook

    sheet, book = tmp_path / "ann.csv", tmp_path / "ann.xlsx"
    _export(review, sheet)
    save_as_workbook(sheet, book, fill={0: {"decision": "include"}})
    book.write_bytes(book.read_bytes()[:-200])
    with pytest.raises(InputError, match=r"ann\.xlsx: an Excel workbook that cannot be read"):
        _import(review, book)


def test_a_sheet_with_bad_rows_is_refused_whole_naming_each_row(
    review: Workspace, tmp_path: Path
) -> None:
    sheet = tmp_path / "ann.csv"
    _export(review, sheet)
    _fill(sheet, {0: ("include", "", ""), 1: ("perhaps", "", ""), 3: ("exclude", "too old", "")})
    with pytest.raises(InputError) as caught:
        _import(review, sheet)
    message = caught.value.message
    assert "2 rows cannot be imported; nothing was imported" in message
    assert "ann.csv:3: 'perhaps' is not a title/abstract decision" in message
    assert "ann.csv:5: 'too old' is not one of the review's exclusion reasons" in message
    assert not (review.root / "screening").exists()


def test_a_sheet_with_one_bad_row_says_one_row(review: Workspace, tmp_path: Path) -> None:
    sheet = tmp_path / "ann.csv"
    _export(review, sheet)
    _fill(sheet, {0: ("perhaps", "", "")})
    with pytest.raises(InputError) as caught:
        _import(review, sheet)
    assert "ann.csv: 1 row cannot be imported; nothing was imported" in caught.value.message


def test_a_report_on_two_rows_with_different_decisions_is_refused_naming_both_lines(
    review: Workspace, tmp_path: Path
) -> None:
    sheet = tmp_path / "ann.csv"
    _export(review, sheet)
    rows = _rows(sheet)
    rows[0]["decision"] = "include"
    twice = dict(rows[0], decision="exclude")
    agreeing = dict(rows[1], decision="include")
    rows[1]["decision"] = "include"
    with sheet.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows([*rows, twice, agreeing])
    with pytest.raises(InputError) as caught:
        _import(review, sheet)
    message = caught.value.message
    assert "ann.csv: 1 row cannot be imported" in message
    assert f"ann.csv:{len(rows) + 2}: {rows[0]['report_id']} is on line 2 too" in message
    assert not (review.root / "screening").exists()
    # the same decision twice is one decision
    with sheet.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows([*rows, agreeing])
    assert _import(review, sheet) == (2, 0)


def test_the_reviewer_option_overrides_the_sheet_and_full_text_needs_reasons(
    review: Workspace, tmp_path: Path
) -> None:
    sheet = tmp_path / "ann.csv"
    _export(review, sheet)
    _fill(sheet, {0: ("include", "", "")})
    assert _import(review, sheet, reviewer="bob") == (1, 0)
    screening = load_screening(review)
    assert any("bob" in rf.ta.votes for rf in screening.folded.reports.values())
    ft = tmp_path / "ft.csv"
    _export(review, ft, reviewer="bob", stage="ft")
    rows = _rows(ft)
    assert len(rows) == 1 and rows[0]["stage"] == "ft"
    _fill(ft, {0: ("exclude", "", "")})
    with pytest.raises(InputError, match="full-text exclusion needs a reason"):
        _import(review, ft)


def test_cells_that_would_start_a_formula_are_quoted_for_excel() -> None:
    from cen_search.screening.sheet import _cell, _uncell

    assert _cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert _cell("-omics in psychiatry") == "'-omics in psychiatry"
    assert _uncell("'=x") == "=x" and _uncell("'quoted") == "'quoted"


def test_a_sheet_cut_down_to_report_id_decision_and_reason_still_imports(
    review: Workspace, tmp_path: Path
) -> None:
    sheet = tmp_path / "ann.csv"
    _export(review, sheet)
    first = _rows(sheet)[0]
    sheet.write_text(
        f"Report_ID,Decision,Reason,reviewer\n{first['report_id']},Exclude,2,ann\n",
        encoding="utf-8",
    )
    assert _import(review, sheet) == (1, 0)
    votes = load_screening(review).folded.report(first["report_id"]).ta.votes
    assert votes["ann"].reasons == ("wrong setting",)
