"""Decisions imported from Rayyan, Covidence and ASReview: the real exports in ../shared where
they exist (skipped cleanly without it), small hand-made ones beside the tests otherwise."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from cen_search.errors import InputError, UsageError
from cen_search.screening.actions import record
from cen_search.screening.flow import load_screening
from cen_search.screening.importing import import_tool_file
from cen_search.screening.model import FtOutcome, TaOutcome
from cen_search.screening.tools import asreview, covidence, rayyan
from cen_search.screening.tools.base import ToolOptions
from cen_search.workspace import Workspace
from tests._screening import DATA, make_review

REVIEWERS = {  # the pseudonymised e-mail addresses of the log, as the articles file names them
    "reviewer1@example.invalid": "Fagner",
    "reviewer2@example.invalid": "LUCAS",
    "reviewer3@example.invalid": "taniabatistela",
}


def _import(ws: Workspace, path: Path, tool: str, **options: object):  # type: ignore[no-untyped-def]
    screening = load_screening(ws)
    found = import_tool_file(screening, path, ws=ws, tool=tool, options=ToolOptions(**options))  # type: ignore[arg-type]
    record(ws, found.events)
    return found


def _final_votes(ws: Workspace) -> dict[tuple[str, str], str]:
    screening = load_screening(ws)
    return {
        (report, by): vote.decision
        for report, rf in screening.folded.reports.items()
        for by, vote in rf.ta.votes.items()
    }


# -- Rayyan (../shared/data/screening: a real review's export, GPL: read in place) ----------


@pytest.fixture(scope="module")
def rayyan_files(shared: Path) -> tuple[Path, Path]:
    folder = shared / "data" / "screening"
    return (
        folder / "rayyan-articles_fagnersutel.csv",
        folder / "rayyan-customizations-log_fagnersutel.csv",
    )


@pytest.fixture(scope="module")
def rayyan_template(tmp_path_factory: pytest.TempPathFactory, rayyan_files) -> Path:  # type: ignore[no-untyped-def]
    from cen_search.dedupe.workspace_run import run_in_workspace

    root = tmp_path_factory.mktemp("rayyan") / "review"
    Workspace.init(root, title="Rayyan", contact_email="team@example.org")
    Workspace(root).import_file(rayyan_files[0], database="Scopus", platform="Rayyan")
    run_in_workspace(Workspace(root))
    return root


@pytest.fixture()
def rayyan_review(rayyan_template: Path, tmp_path: Path) -> Workspace:
    root = tmp_path / "review"
    shutil.copytree(rayyan_template, root)
    return Workspace(root)


def test_rayyan_articles_export_gives_each_reviewers_decision(rayyan_review, rayyan_files) -> None:  # type: ignore[no-untyped-def]
    found = _import(rayyan_review, rayyan_files[0], "rayyan")
    assert found.rows == 1224 and found.matched == Counter({"key": 1224})
    assert not found.unmatched and found.undecided == 0
    # "Fagner " has a trailing space in the export: the name is trimmed
    assert found.reviewers == Counter({"LUCAS": 1224, "Fagner": 1224, "taniabatistela": 62})
    # reasons are per article in this export: each reviewer who excluded it gets them
    expected = 0
    text = rayyan_files[0].read_text(encoding="utf-8")
    for row in csv.DictReader(io.StringIO(text, newline="")):
        found_reasons = re.search(r"RAYYAN-EXCLUSION-REASONS: ([^|\n]*)", row["notes"])
        if found_reasons and "Ambiental" in found_reasons.group(1).split(","):
            expected += row["notes"].split("RAYYAN-INCLUSION:")[1].split("}")[0].count("Excluded")
    assert found.unknown_reasons["Ambiental"] == expected > 504
    flow = load_screening(rayyan_review).flow()
    outcomes = Counter(s.ta for s in flow.reports)
    assert outcomes[TaOutcome.INCLUDE] == 45 and outcomes[TaOutcome.CONFLICT] == 3
    pair = next(a for a in flow.agreements if a.reviewers == ("Fagner", "LUCAS"))
    assert (pair.n, pair.table) == (1224, ((45, 0), (2, 1177)))
    # importing the same export again adds nothing
    again = _import(rayyan_review, rayyan_files[0], "rayyan")
    assert (len(again.events), again.already) == (0, 2510)


def test_rayyan_event_log_recovers_the_votes_with_their_times(rayyan_review, rayyan_files) -> None:  # type: ignore[no-untyped-def]
    found = _import(rayyan_review, rayyan_files[1], "rayyan", reviewer_map=REVIEWERS)
    assert found.kind == "event log" and found.matched == Counter({"key": 1224})
    assert set(found.reviewers) == {"Fagner", "LUCAS", "taniabatistela"}
    assert all(e.at.startswith("2021-") for e in found.events)
    assert any("label changes ignored" in note for note in found.notes)
    from_log = _final_votes(rayyan_review)
    # the last change of each reviewer is what the articles export shows
    articles = _import(rayyan_review, rayyan_files[0], "rayyan")
    assert articles.events == [] and articles.already == 2510
    assert _final_votes(rayyan_review) == from_log
    assert Counter(from_log.values()) == Counter({"exclude": 2397, "include": 109, "maybe": 4})


def test_rayyan_event_log_summary_counts_articles_not_rows(  # type: ignore[no-untyped-def]
    tmp_path: Path, rayyan_files, capsys: pytest.CaptureFixture[str]
) -> None:
    # 5,423 rows of changes about 1,224 articles: the summary must not call them 1,224 rows
    from tests._dedupe_cli import run_cli

    ws = make_review(tmp_path / "small")
    run = run_cli(capsys, "-C", ws.root, "screen", "import", rayyan_files[1], "--from", "rayyan",
                  "--dry-run", "--json")  # fmt: skip
    assert run.code == 0, run.err
    assert "rayyan-customizations-log_fagnersutel.csv: 1224 articles; 0 matched" in run.err
    document = json.loads(run.out)
    assert (document["rows"], document["unit"]) == (1224, "article")


def test_rayyan_event_log_alone_matches_nothing_without_the_articles(
    tmp_path: Path, rayyan_files
) -> None:  # type: ignore[no-untyped-def]
    ws = make_review(tmp_path / "small")
    found = _import(ws, rayyan_files[1], "rayyan")
    assert found.rows == 1224 and not found.matched and not found.events
    where, reason = found.unmatched[0]
    assert where.startswith("rayyan-customizations-log_fagnersutel.csv:")
    assert "give the tool's articles export" in reason


def test_rayyan_event_log_with_its_articles_matches_a_review_by_dedupe(
    tmp_path: Path, rayyan_files
) -> None:  # type: ignore[no-untyped-def]
    # A review holding 40 of the articles re-exported as RIS without Rayyan's keys: the log's
    # article numbers are matched through the articles export, then by the dedupe engine.
    from cen_search.formats import write_records
    from cen_search.reading import read_export

    records = list(read_export(rayyan_files[0]).records)[:40]
    export = tmp_path / "scopus.ris"
    with open(export, "w", encoding="utf-8", newline="") as fh:
        write_records(records, fh, format="ris")
    text = export.read_text("utf-8")
    text = "\n".join(line for line in text.split("\n") if not line.startswith(("ID  -", "N1  -")))
    export.write_text(text.replace("\n", "\r\n"), encoding="utf-8")
    ws = make_review(tmp_path / "r", files=((str(export), "Scopus"),))
    found = _import(ws, rayyan_files[1], "rayyan", reviewer_map=REVIEWERS, articles=rayyan_files[0])
    assert found.matched["dedupe"] >= 38 and sum(found.matched.values()) == found.matched["dedupe"]
    assert len(found.unmatched) == 1224 - sum(found.matched.values())
    assert all(r for _, r in found.unmatched)


def test_rayyan_notes_are_read_from_ris_and_bibtex_exports(tmp_path: Path, rayyan_files) -> None:  # type: ignore[no-untyped-def]
    from cen_search.formats import write_records
    from cen_search.reading import read_export

    records = list(read_export(rayyan_files[0]).records)[:25]
    for fmt, suffix in (("ris", ".ris"), ("bibtex", ".bib")):
        path = tmp_path / f"rayyan{suffix}"
        with open(path, "w", encoding="utf-8", newline="") as fh:
            write_records(records, fh, format=fmt)
        found = rayyan.read(path, ToolOptions())
        assert len(found.rows) == 25
        assert all({v.by for v in row.votes} >= {"LUCAS", "Fagner"} for row in found.rows)


def test_rayyan_notes_parsing_handles_names_reasons_and_user_notes() -> None:
    text = (
        'Export Date: 10 May 2021 | RAYYAN-INCLUSION: {"Ann "=>"Excluded", "Bob"=>"Maybe", '
        '"Cy"=>"Undecided"} | RAYYAN-LABELS: KDE | RAYYAN-EXCLUSION-REASONS: wrong setting,'
        'not qualitative | USER-NOTES: {"Ann "=>["P 31\\nCS 1.4", "see \\"table\\""]}'
    )
    decisions, reasons, notes, odd = rayyan.parse_notes(text)
    assert decisions == {"Ann": "exclude", "Bob": "maybe"}
    assert reasons == ("wrong setting", "not qualitative")
    assert notes == {"Ann": 'P 31\nCS 1.4 / see "table"'}
    assert odd == ["Cy: 'Undecided'"]


def test_a_file_without_rayyan_decisions_is_refused(imports_dir: Path) -> None:
    with pytest.raises(InputError, match="no RAYYAN-INCLUSION decisions"):
        rayyan.read(
            imports_dir / "ris" / "rayyan-multiline-kw_asreview-issue992.txt", ToolOptions()
        )


# -- ASReview ---------------------------------------------------------------------------------


def test_asreview_labels_in_ris_notes(imports_dir: Path) -> None:
    found = asreview.read(imports_dir / "ris" / "asreview-labels-in-N1_asreview.ris", ToolOptions())
    kinds = Counter(
        (row.votes[0].decision if row.votes else ("not seen" if row.unlabelled else "none"))
        for row in found.rows
    )
    assert kinds == Counter({"include": 10, "exclude": 10, "not seen": 10, "none": 2})
    assert "2 labels were prior knowledge (ASReview_prior)" in found.notes


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("asreview-generic-labels_asreview.csv", {"include": 3, "exclude": 3}),
        ("asreview-partial-labels_asreview.csv", {"include": 2, "exclude": 2, "none": 2}),
    ],
)
def test_asreview_label_columns_in_csv(
    imports_dir: Path, name: str, expected: dict[str, int]
) -> None:
    found = asreview.read(imports_dir / "csv" / name, ToolOptions(reviewer="jt"))
    kinds = Counter(row.votes[0].decision if row.votes else "none" for row in found.rows)
    assert kinds == Counter(expected)
    assert {v.by for row in found.rows for v in row.votes} == {"jt"}


def test_asreview_export_keeps_reviewer_time_and_note_and_unseen_can_go_to_automation(
    tmp_path: Path,
) -> None:
    ws = make_review(tmp_path / "r")
    found = _import(ws, DATA / "asreview-export.csv", "asreview", unseen="automation")
    assert found.matched == Counter({"doi": 4})
    votes = [e for e in found.events if e.event == "vote"]
    assert {(e.by, e.decision, e.at, e.note) for e in votes} == {
        ("Jo T", "include", "2024-03-01T10:00:00+00:00", "clinicians, qualitative"),
        ("Jo T", "exclude", "2024-03-01T10:01:30+00:00", ""),
    }
    removed = [s for s in load_screening(ws).flow().reports if s.removed]
    assert len(removed) == 2 and {s.removed for s in removed} == {"automation"}
    assert _import(ws, DATA / "asreview-export.csv", "asreview", unseen="automation").events == []


def test_asreview_notes_count_one_unseen_record_in_the_singular(tmp_path: Path) -> None:
    lines = (DATA / "asreview-export.csv").read_text(encoding="utf-8").splitlines()
    one_unseen = tmp_path / "asreview-export.csv"
    one_unseen.write_text("\n".join(lines[:4]) + "\n", encoding="utf-8")
    found = asreview.read(one_unseen, ToolOptions())
    assert found.notes == ["1 record was not seen in ASReview; it stays unscreened"]


def test_a_tools_table_saved_from_excel_as_a_workbook_reads_as_its_csv(tmp_path: Path) -> None:
    from tests._workbook import save_as_workbook

    book = tmp_path / "asreview-export.xlsx"
    save_as_workbook(DATA / "asreview-export.csv", book, fill={})
    from_csv = asreview.read(DATA / "asreview-export.csv", ToolOptions())
    from_book = asreview.read(book, ToolOptions())
    assert [r.votes for r in from_book.rows] == [r.votes for r in from_csv.rows]
    assert [r.doi for r in from_book.rows] == [r.doi for r in from_csv.rows]
    covidence_list = tmp_path / "review_1234_included_csv_20240101.xlsx"
    save_as_workbook(DATA / "review_1234_included_csv_20240101.csv", covidence_list, fill={})
    found = covidence.read(covidence_list, ToolOptions())
    assert len(found.rows) == len(
        covidence.read(DATA / "review_1234_included_csv_20240101.csv", ToolOptions()).rows
    )


def test_an_unseen_duplicate_of_a_screened_record_is_not_removed_by_automation(
    tmp_path: Path,
) -> None:
    # ASReview datasets keep duplicates: the one shown was labelled, its copy never shown
    lines = (DATA / "asreview-export.csv").read_text(encoding="utf-8").splitlines()
    unseen_copy = "4," + lines[1].split(",", 1)[1].rsplit(",1,2024", 1)[0] + ",,,,"
    export = tmp_path / "asreview-export.csv"
    export.write_text("\n".join([*lines, unseen_copy]) + "\n", encoding="utf-8")
    ws = make_review(tmp_path / "r")
    found = _import(ws, export, "asreview", unseen="automation")
    removed = [e for e in found.events if e.event == "remove"]
    assert len(removed) == 2  # the two records never shown, not the labelled one's copy
    assert any("1 record not seen kept, not removed" in note for note in found.notes)
    states = load_screening(ws).flow().reports
    assert sum(1 for s in states if s.removed) == 2
    assert sum(1 for s in states if s.ta is TaOutcome.INCLUDE) == 1


def test_asreview_ris_export_imported_end_to_end_reports_every_row(
    tmp_path: Path, imports_dir: Path
) -> None:
    path = imports_dir / "ris" / "asreview-labels-in-N1_asreview.ris"
    ws = make_review(tmp_path / "r", files=((str(path), "ASReview"),))
    found = _import(ws, path, "asreview", reviewer="jt")
    decided = sum(found.matched.values()) + len(found.unmatched)
    assert found.rows == 32 and decided + found.undecided == 32
    assert all(reason for _, reason in found.unmatched)


# -- Covidence (no public sample: hand-made files with Covidence's columns) ------------------


def test_covidence_lists_become_resolutions_by_stage_with_reasons(tmp_path: Path) -> None:
    ws = make_review(tmp_path / "r")
    excluded = _import(ws, DATA / "review_1234_excluded_csv_20240101.csv", "covidence")
    assert excluded.matched == Counter({"dedupe": 1, "doi": 1})
    (where, reason) = excluded.unmatched[0]
    assert where.endswith(":4") and "no record in the review" in reason
    included = _import(ws, DATA / "review_1234_included_csv_20240101.csv", "covidence")
    assert included.matched == Counter({"doi": 2})
    flow = load_screening(ws).flow()
    outcomes = Counter(
        (s.ta, s.ft, s.ft_reason) for s in flow.reports if s.ft is not FtOutcome.NOT_ASSESSED
    )
    assert outcomes == Counter(
        {
            (TaOutcome.INCLUDE, FtOutcome.INCLUDE, ""): 2,
            (TaOutcome.INCLUDE, FtOutcome.EXCLUDE, "wrong setting"): 1,
            (TaOutcome.INCLUDE, FtOutcome.EXCLUDE, "not qualitative"): 1,
        }
    )
    assert all(e.event == "resolve" and e.by == "covidence" for e in excluded.events)


def test_a_covidence_list_whose_name_does_not_say_which_needs_stage_and_decision(
    tmp_path: Path,
) -> None:
    ws = make_review(tmp_path / "r")
    renamed = tmp_path / "export.csv"
    shutil.copy(DATA / "review_1234_included_csv_20240101.csv", renamed)
    with pytest.raises(UsageError, match="which Covidence list is this"):
        _import(ws, renamed, "covidence")
    found = _import(ws, renamed, "covidence", stage="ta", decision="include")
    assert {(e.stage, e.decision) for e in found.events} == {("ta", "include")}


def test_an_unknown_tool_is_a_usage_error(tmp_path: Path) -> None:
    ws = make_review(tmp_path / "r")
    with pytest.raises(UsageError, match="not a tool cen-search reads"):
        _import(ws, DATA / "medline.ris", "distiller")


def test_covidence_ris_list_with_reasons_in_notes(tmp_path: Path) -> None:
    ws = make_review(tmp_path / "r")
    found = _import(ws, DATA / "review_1234_excluded_ris_20240101.ris", "covidence")
    assert found.matched == Counter({"doi": 1, "dedupe": 1}) and not found.unmatched
    reasons = sorted(e.reasons for e in found.events if e.stage == "ft")
    assert reasons == [("not qualitative",), ("wrong setting",)]  # the review's spelling
    flow = load_screening(ws).flow()
    assert sorted(s.ft_reason for s in flow.reports if s.ft is FtOutcome.EXCLUDE) == [
        "not qualitative",
        "wrong setting",
    ]


def test_a_re_saved_shuffled_event_log_gives_the_same_votes(
    rayyan_review, rayyan_files, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    import random

    lines = rayyan_files[1].read_text("utf-8").splitlines()
    header, rows = lines[0], lines[1:]
    random.Random(5).shuffle(rows)
    resaved = tmp_path / "customizations_log.csv"
    resaved.write_bytes(("\r\n".join([header, *rows]) + "\r\n").encode("utf-8-sig"))
    found = _import(rayyan_review, resaved, "rayyan", reviewer_map=REVIEWERS)
    assert found.matched == Counter({"key": 1224})
    shuffled = _final_votes(rayyan_review)
    assert Counter(shuffled.values()) == Counter({"exclude": 2397, "include": 109, "maybe": 4})
    # the original file adds nothing new in force: the same decisions, the same times
    _import(rayyan_review, rayyan_files[1], "rayyan", reviewer_map=REVIEWERS)
    assert _final_votes(rayyan_review) == shuffled


def test_rayyan_files_re_saved_with_semicolons_in_cp1252_import_as_the_originals(
    rayyan_review, rayyan_files, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    # A spreadsheet in a locale whose list separator is ";" saves CSV so: cp1252, ";", CRLF
    resaved = []
    for path in rayyan_files:
        rows = list(csv.reader(io.StringIO(path.read_text("utf-8"), newline="")))
        out = tmp_path / f"excel-{path.name}"
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
        out.write_bytes(buffer.getvalue().encode("cp1252", errors="replace"))
        resaved.append(out)
    found = _import(rayyan_review, resaved[1], "rayyan", reviewer_map=REVIEWERS)
    assert found.kind == "event log" and found.matched == Counter({"key": 1224})
    from_log = _final_votes(rayyan_review)
    assert Counter(from_log.values()) == Counter({"exclude": 2397, "include": 109, "maybe": 4})
    articles = _import(rayyan_review, resaved[0], "rayyan")
    assert articles.kind == "articles export" and articles.events == []
    # the originals add nothing: the same decisions at the same times
    assert _import(rayyan_review, rayyan_files[1], "rayyan", reviewer_map=REVIEWERS).events == []
    assert _final_votes(rayyan_review) == from_log
