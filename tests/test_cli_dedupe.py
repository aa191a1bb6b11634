"""``cen-search dedupe``: every form of the command, its outputs, and its errors, end to end
with the real readers and engine on small files in ``tests/data/dedupe-cli``.

alpha.ris (4 records, DB MEDLINE) and beta.bib (4 records, no database) share two studies
(Okafor 2018, Haddad 2020); Novak 2016 / Novak 2017 "...: a survey" is a pair a person must
decide; Fischer 2014 and Grant 2019 are each in one file only.
"""

from __future__ import annotations

import contextlib
import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from cen_search.dedupe.decisions import DECISIONS_PATH, current_decisions
from cen_search.dedupe.review_sheet import read_review_csv
from tests._dedupe_cli import CLI_DATA, run_cli

ALPHA = CLI_DATA / "alpha.ris"
BETA = CLI_DATA / "beta.bib"


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_help_of_the_group_shows_the_file_form_options_and_subcommands(
    capsys: pytest.CaptureFixture[str],
) -> None:
    run = run_cli(capsys, "dedupe", "--help")
    assert run.code == 0
    for text in (
        "cen-search dedupe [OPTIONS] [FILE]...",
        "dedupe review",
        "dedupe explain",
        "--clusters",
        "--against",
        "--check",
        "review",
        "explain",
        "Examples",
    ):
        assert text in run.out


@pytest.mark.parametrize("name", ["unique.txt", "unique.enw"])
def test_an_output_it_cannot_write_names_the_formats_it_can(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str
) -> None:
    # found following the docs verbatim: `-o unique.txt` offered medline, wos, ovid ... (formats
    # that can only be read) as the way out
    run = run_cli(capsys, "dedupe", ALPHA, "-o", tmp_path / name)
    assert run.code == 2
    error, hint = run.err.split("hint:")
    assert name in error
    assert "ris" in hint and ".xml" in hint and "wos" not in hint and "medline" not in hint
    assert not (tmp_path / name).exists()


@pytest.mark.parametrize("sub", ["review", "explain"])
def test_subcommands_have_their_own_help_with_examples(
    capsys: pytest.CaptureFixture[str], sub: str
) -> None:
    run = run_cli(capsys, "dedupe", sub, "--help")
    assert run.code == 0
    assert f"cen-search dedupe {sub}" in run.out and "Examples" in run.out


def test_files_are_deduplicated_into_one_record_per_study(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "unique.ris"
    run = run_cli(capsys, "dedupe", ALPHA, BETA, "-o", out)
    assert run.code == 0, run.err
    text = out.read_text(encoding="utf-8")
    assert text.count("TY  - ") == 6  # 8 records, 2 studies found twice
    assert "8 records in, 2 duplicates removed, 6 distinct records" in run.err
    # the merged record lists both members with their database and key
    merged = next(chunk for chunk in text.split("ER  -") if "Waiting times" in chunk)
    assert "MEDLINE a1" in merged and "beta okafor2018" in merged


def test_output_format_follows_the_extension(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "unique.bib"
    assert run_cli(capsys, "dedupe", ALPHA, BETA, "-o", out).code == 0
    assert out.read_text(encoding="utf-8").count("@article") == 6


def test_clusters_csv_lists_every_input_record_once_with_required_columns(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "clusters.csv"
    assert run_cli(capsys, "dedupe", ALPHA, BETA, "--clusters", path).code == 0
    table = rows(path)
    assert len(table) == 8
    for column in (
        "cluster_id",
        "file",
        "key",
        "database",
        "kept",
        "rule",
        "score",
        "record_id",
        "title",
        "year",
        "cluster_size",
    ):
        assert column in table[0]
    keys = sorted((Path(r["file"]).name, r["key"]) for r in table)
    assert keys == sorted(
        [("alpha.ris", k) for k in ("a1", "a2", "a3", "a4")]
        + [("beta.bib", k) for k in ("okafor2018", "haddad2020", "novak2017", "grant2019")]
    )
    okafor = [r for r in table if r["key"] in ("a1", "okafor2018")]
    assert okafor[0]["cluster_id"] == okafor[1]["cluster_id"]
    assert sorted(r["kept"] for r in okafor) == ["no", "yes"]
    assert all(r["rule"] and r["score"] for r in okafor)
    assert {r["database"] for r in table} == {"MEDLINE", "beta"}


def test_database_option_names_each_file_in_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "clusters.csv"
    run = run_cli(
        capsys,
        "dedupe",
        ALPHA,
        BETA,
        "--database",
        "Embase",
        "--database",
        "CINAHL",
        "--clusters",
        path,
        "--json",
    )
    assert run.code == 0
    assert {r["database"] for r in rows(path)} == {"Embase", "CINAHL"}
    data = json.loads(run.out)
    overlap = {row["database"]: row["overlap"] for row in data["databases"]}
    assert overlap == {"CINAHL": {"Embase": 2}, "Embase": {"CINAHL": 2}}


def test_json_summary_has_schema_version_counts_and_per_database_rows(
    capsys: pytest.CaptureFixture[str],
) -> None:
    run = run_cli(capsys, "dedupe", ALPHA, BETA, "--json")
    assert run.code == 0
    data = json.loads(run.out)
    assert data["schema_version"] == 1
    assert (data["records_in"], data["duplicates_removed"], data["clusters"]) == (8, 2, 6)
    assert data["uncertain_pairs"] == data["undecided_pairs"] >= 1
    medline = next(row for row in data["databases"] if row["database"] == "MEDLINE")
    assert (medline["records"], medline["distinct_records"]) == (4, 4)
    assert medline["unique_records"] == 4 - medline["overlap"]["beta"]
    assert [f["records"] for f in data["files"]] == [4, 4]


def test_review_csv_ranks_uncertain_pairs_with_differences_and_decisions_apply(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    review = tmp_path / "pairs.csv"
    assert run_cli(capsys, "dedupe", ALPHA, BETA, "--review", review).code == 0
    table = rows(review)
    assert table and all(r["decision"] == "" for r in table)
    novak = next(r for r in table if "Novak" in r["authors_a"])
    assert {novak["a_key"], novak["b_key"]} == {"a3", "novak2017"}
    assert "year" in novak["differs"] and {novak["year_a"], novak["year_b"]} == {"2016", "2017"}
    scores = [float(r["score"]) for r in table]
    assert scores == sorted(scores, reverse=True)

    # fill in "same" for the Novak pair: it merges, and nothing is left undecided
    lines = review.read_text(encoding="utf-8").splitlines()
    position = next(i for i, line in enumerate(lines) if "novak2017" in line)
    lines[position] = lines[position].replace(",,", ",same,", 1)
    review.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = run_cli(
        capsys, "dedupe", ALPHA, BETA, "--decisions", review, "--json", "--review", review
    )
    data = json.loads(run.out)
    assert data["clusters"] == 5 and data["decisions_applied"] == 1
    assert data["undecided_pairs"] == len(table) - 1
    # writing the review again over the same file keeps the decision made in it
    kept = [p for p in read_review_csv(review) if p.same is not None]
    assert len(kept) == 1 and kept[0].same is True


def test_a_review_saved_by_excel_as_a_workbook_gives_its_decisions_and_is_never_written(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from tests._workbook import save_as_workbook

    review, book = tmp_path / "pairs.csv", tmp_path / "pairs.xlsx"
    assert run_cli(capsys, "dedupe", ALPHA, BETA, "--review", review).code == 0
    table = rows(review)
    novak = next(i for i, r in enumerate(table) if "novak2017" in (r["a_key"], r["b_key"]))
    save_as_workbook(review, book, fill={novak: {"decision": "same"}})
    run = run_cli(capsys, "dedupe", ALPHA, BETA, "--decisions", book, "--json")
    data = json.loads(run.out)
    assert data["clusters"] == 5 and data["decisions_applied"] == 1
    before = book.read_bytes()
    for args in (
        ("dedupe", ALPHA, BETA, "--decisions", book, "--review", book),
        ("dedupe", "review", "--review-file", book),
    ):
        run = run_cli(capsys, *args)
        assert run.code == 1, run.err
        assert "an Excel workbook" in run.err and "never writes" in run.err
        assert book.read_bytes() == before


def test_review_file_with_decisions_is_not_overwritten_by_a_run_that_ignores_them(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    review = tmp_path / "pairs.csv"
    assert run_cli(capsys, "dedupe", ALPHA, BETA, "--review", review).code == 0
    # a run over an undecided review file rewrites it when asked to (--yes)
    assert run_cli(capsys, "dedupe", ALPHA, BETA, "--review", review).code == 1
    assert run_cli(capsys, "dedupe", ALPHA, BETA, "--review", review, "--yes").code == 0
    lines = review.read_text(encoding="utf-8").splitlines()
    position = next(i for i, line in enumerate(lines) if "novak2017" in line)
    lines[position] = lines[position].replace(",,", ",same,", 1)
    review.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = review.read_bytes()

    run = run_cli(capsys, "dedupe", ALPHA, BETA, "--review", review, "--yes")
    assert run.code == 1
    assert str(review) in run.err and "1 decision" in run.err and "--decisions" in run.err
    assert review.read_bytes() == before


def test_review_option_never_replaces_a_file_that_is_not_a_review_sheet(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    other = tmp_path / "library.csv"
    other.write_text("id,title\n1,Something kept\n", encoding="utf-8")
    run = run_cli(capsys, "dedupe", ALPHA, BETA, "--review", other)
    assert run.code == 1 and "not a review file" in run.err
    assert other.read_text(encoding="utf-8") == "id,title\n1,Something kept\n"


def test_check_exits_4_while_uncertain_pairs_are_undecided(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = run_cli(capsys, "dedupe", ALPHA, BETA, "--check")
    assert run.code == 4
    assert "undecided" in run.err and "dedupe review" in run.err
    assert "Traceback" not in run.err
    assert run_cli(capsys, "dedupe", ALPHA, "--check").code == 0


def test_against_reports_and_writes_only_new_unique_records(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "new.ris"
    clusters = tmp_path / "clusters.csv"
    run = run_cli(
        capsys, "dedupe", BETA, "--against", ALPHA, "-o", out, "--clusters", clusters, "--json"
    )
    assert run.code == 0, run.err
    against = json.loads(run.out)["against"]
    assert against["previous_records"] == 4 and against["new_records"] == 4
    assert against["already_in_previous"] == 2
    assert against["new_unique"] == 2
    text = out.read_text(encoding="utf-8")
    assert text.count("TY  - ") == 2
    assert "Grant" in text and "Okafor" not in text
    assert {r["set"] for r in rows(clusters)} == {"new", "previous"}
    assert "already in it" in run.err


def test_missing_file_is_an_error_naming_it_without_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    run = run_cli(capsys, "dedupe", ALPHA, "no-such-file.ris")
    assert run.code == 1
    assert "no-such-file.ris: no such file" in run.err and "Traceback" not in run.err


def test_unreadable_file_is_an_error_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("just some words\nnothing bibliographic here\n", encoding="utf-8")
    run = run_cli(capsys, "dedupe", ALPHA, junk)
    assert run.code == 1
    assert "notes.txt" in run.err and "Traceback" not in run.err


def test_database_count_must_match_the_files(capsys: pytest.CaptureFixture[str]) -> None:
    run = run_cli(
        capsys, "dedupe", ALPHA, BETA, "--database", "A", "--database", "B", "--database", "C"
    )
    assert run.code == 2 and "3 --database values for 2 files" in run.err


def test_output_never_overwrites_an_input_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "alpha.ris"
    shutil.copy(ALPHA, copy)
    before = copy.read_bytes()
    run = run_cli(capsys, "dedupe", copy, BETA, "-o", copy)
    assert run.code == 2 and "is the input file" in run.err
    assert copy.read_bytes() == before


def test_unknown_output_extension_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = run_cli(capsys, "dedupe", ALPHA, "-o", tmp_path / "out.docx")
    assert run.code == 2 and "Traceback" not in run.err


def test_no_files_outside_a_workspace_says_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    run = run_cli(capsys, "dedupe")
    assert run.code == 2
    assert "not a review workspace" in run.err and "cen-search init" in run.err


def test_explain_says_why_two_records_were_merged(capsys: pytest.CaptureFixture[str]) -> None:
    run = run_cli(capsys, "dedupe", "explain", "a1", "okafor2018", ALPHA, BETA)
    assert run.code == 0, run.err
    assert "verdict: duplicate" in run.out and "merged, in cluster" in run.out
    assert "title" in run.out


def test_explain_json_for_a_pair_that_was_not_merged(capsys: pytest.CaptureFixture[str]) -> None:
    run = run_cli(capsys, "dedupe", "explain", "alpha:a4", "beta:grant2019", ALPHA, BETA, "--json")
    assert run.code == 0, run.err
    data = json.loads(run.out)
    assert data["same_cluster"] is False and data["verdict"] == "distinct"
    assert data["a"]["key"] == "a4" and data["b"]["key"] == "grant2019"
    assert "title" in data["differs"]


def test_explain_unknown_key_names_the_files_searched(capsys: pytest.CaptureFixture[str]) -> None:
    run = run_cli(capsys, "dedupe", "explain", "a1", "zz9", ALPHA, BETA)
    assert run.code == 1
    assert "zz9" in run.err and str(ALPHA) in run.err and str(BETA) in run.err


def test_explain_ambiguous_key_lists_the_candidates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "gamma.ris"
    copy.write_text(
        ALPHA.read_text(encoding="utf-8").replace("DB  - MEDLINE", "DB  - Embase"), encoding="utf-8"
    )
    run = run_cli(capsys, "dedupe", "explain", "a1", "a2", ALPHA, copy)
    assert run.code == 1 and "names 2 records" in run.err and "FILE:KEY" in run.err


def test_explain_key_two_records_of_one_file_share_tells_them_apart_by_record_id(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Mendeley exported two different papers as Thomas2016: FILE:KEY cannot tell them apart,
    so the candidates show their record_id and title, and the hint asks for the record_id."""
    from cen_search.formats import read_file
    from tests.conftest import TEST_DATA

    bib = TEST_DATA / "identity" / "mendeley-repeated-keys.bib"
    ids = [r.id for r in read_file(bib).records if r.key == "Thomas2016"]
    assert len(ids) == 2
    run = run_cli(capsys, "dedupe", "explain", "Thomas2016", ids[0], bib)
    assert run.code == 1 and "names 2 records" in run.err
    err = " ".join(run.err.split())
    assert all(f"record_id {rid}" in err for rid in ids)
    assert "use the record_id" in err and "FILE:KEY" not in err
    assert run_cli(capsys, "dedupe", "explain", ids[0], ids[1], bib).code == 0


# -- the review workspace ----------------------------------------------------------------------


@pytest.fixture()
def review_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from cen_search.workspace import Workspace

    ws = Workspace.init(tmp_path / "review", title="Test review")
    ws.import_file(ALPHA, database="MEDLINE", searched="2019-12-01")
    ws.import_file(BETA, database="PsycINFO", searched="2019-12-01")
    monkeypatch.chdir(ws.root)
    return ws.root


def test_workspace_dedupe_reads_every_import_and_writes_clusters_and_log(
    review_dir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    run = run_cli(capsys, "dedupe", "--json")
    assert run.code == 0, run.err
    data = json.loads(run.out)
    assert data["records_in"] == 8 and data["workspace"] == str(review_dir)
    table = rows(review_dir / "dedupe" / "clusters.csv")
    assert len(table) == 8
    assert {r["database"] for r in table} == {"MEDLINE", "PsycINFO"}
    assert all(r["file"].startswith("imports/") for r in table)
    events = [json.loads(line) for line in (review_dir / "log.jsonl").read_text().splitlines()]
    assert events[-1]["event"] == "dedupe" and events[-1]["clusters"] == data["clusters"]
    written = {p.name for p in (review_dir / "dedupe").iterdir()}
    assert written >= {
        "clusters.csv",
        "unique.ris",
        "review.csv",
        "overlap.csv",
        "overlap.svg",
        "links.csv",
        "summary.json",
    }
    summary = json.loads((review_dir / "dedupe" / "summary.json").read_text(encoding="utf-8"))
    assert summary["clusters"] == data["clusters"] and summary["outputs"]["links"]


def test_workspace_keeps_decisions_for_later_runs_and_adds_none_twice(
    review_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    review = tmp_path / "pairs.csv"
    first = run_cli(capsys, "dedupe", "--review", review, "--json")
    undecided = json.loads(first.out)["undecided_pairs"]
    assert undecided >= 1
    lines = review.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",,", ",different,", 1)
    review.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for _ in range(2):
        run = run_cli(capsys, "dedupe", "--decisions", review, "--json")
        assert run.code == 0, run.err
    log = review_dir / DECISIONS_PATH
    assert len(log.read_text(encoding="utf-8").splitlines()) == 1  # idempotent
    assert len(current_decisions(log)) == 1
    later = json.loads(run_cli(capsys, "dedupe", "--json").out)  # no --decisions: still kept
    assert later["decisions_applied"] == 1 and later["undecided_pairs"] == undecided - 1


def test_workspace_explain_finds_keys_by_database(
    review_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = run_cli(capsys, "dedupe", "explain", "MEDLINE:a2", "PsycINFO:haddad2020")
    assert run.code == 0, run.err
    assert "merged, in cluster" in run.out


def answer_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """The interactive review reads the key 's' (same) for the first pair."""
    from cen_search.cli import dedupe_run
    from cen_search.cli.dedupe_review import keys_from

    monkeypatch.setattr(
        dedupe_run, "_terminal_keys", lambda: contextlib.nullcontext(keys_from("s"))
    )


def test_workspace_interactive_review_appends_decisions_as_they_are_made(
    review_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answer_same(monkeypatch)
    run = run_cli(capsys, "dedupe", "review", "--by", "jt")
    assert run.code == 0, run.err
    state = current_decisions(review_dir / DECISIONS_PATH)
    assert len(state) == 1 and next(iter(state.values())).by == "jt"
    after = json.loads(run_cli(capsys, "dedupe", "--json").out)
    assert after["decisions_applied"] == 1


def test_decisions_survive_the_export_being_saved_again_with_other_bytes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    review = tmp_path / "pairs.csv"
    run_cli(capsys, "dedupe", ALPHA, BETA, "--review", review)
    lines = review.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",,", ",same,", 1)
    review.write_text("\n".join(lines) + "\n", encoding="utf-8")
    resaved = tmp_path / "alpha.ris"  # the same export saved again: CRLF, new checksum
    resaved.write_bytes(ALPHA.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    run = run_cli(
        capsys, "dedupe", resaved, BETA, "--decisions", review, "--review", review, "--json"
    )
    assert run.code == 0, run.err
    assert "not applied" not in run.err
    assert json.loads(run.out)["decisions_applied"] == 1
    assert sum(1 for p in read_review_csv(review) if p.same is not None) == 1


def test_decisions_about_records_not_in_the_run_are_reported_and_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    review = tmp_path / "pairs.csv"
    run_cli(capsys, "dedupe", ALPHA, BETA, "--review", review)
    lines = review.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",,", ",same,", 1)
    review.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = review.read_bytes()
    run = run_cli(capsys, "dedupe", BETA, "--decisions", review, "--json")
    assert run.code == 0
    assert "decision not applied (no record matches" in run.err and "it is kept" in run.err
    data = json.loads(run.out)
    assert data["decisions_applied"] == 0 and data["orphaned_decisions"] == 1
    assert review.read_bytes() == before


def test_unknown_preprint_policy_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    run = run_cli(capsys, "dedupe", ALPHA, "--preprints", "sometimes")
    assert run.code == 2 and "separate or merge" in run.err


def test_missing_decisions_file_is_an_error_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = run_cli(capsys, "dedupe", ALPHA, "--decisions", tmp_path / "nope.csv")
    assert run.code == 1 and "nope.csv: no such file" in run.err


def test_file_named_like_the_internal_default_is_still_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copy(ALPHA, tmp_path / "files")
    run = run_cli(capsys, "dedupe", "files", "--json")
    assert run.code == 0, run.err
    assert json.loads(run.out)["records_in"] == 4


def test_workspace_review_records_the_reviewer_setting_when_no_by_is_given(
    review_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answer_same(monkeypatch)
    monkeypatch.setenv("CEN_SEARCH_REVIEWER", "blt")
    run = run_cli(capsys, "dedupe", "review")
    assert run.code == 0, run.err
    assert "not a cen-search setting" not in run.err
    state = current_decisions(review_dir / DECISIONS_PATH)
    assert [d.by for d in state.values()] == ["blt"]


def test_quiet_may_follow_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    loud = run_cli(capsys, "dedupe", ALPHA, BETA)
    quiet = run_cli(capsys, "dedupe", ALPHA, BETA, "-q")
    assert loud.code == quiet.code == 0
    assert "records in" in loud.err and quiet.err == ""


def test_empty_file_is_refused_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "embase.ris"
    empty.write_text("", encoding="utf-8")
    run = run_cli(capsys, "dedupe", ALPHA, empty)
    assert run.code == 1 and f"{empty}: is empty" in run.err and "Traceback" not in run.err


def test_format_option_overrides_detection_for_every_file(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run_cli(capsys, "dedupe", ALPHA, "--format", "ris", "--json").code == 0
    wrong = run_cli(capsys, "dedupe", ALPHA, "--format", "bibtex")
    assert wrong.code == 1 and "no BibTeX entries found" in wrong.err


PAIRS = Path(__file__).resolve().parent / "data" / "dedupe" / "pairs.ris"


def test_links_option_writes_one_row_per_linked_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    links, clusters = tmp_path / "links.csv", tmp_path / "clusters.csv"
    run = run_cli(capsys, "dedupe", PAIRS, "--links", links, "--clusters", clusters, "--json")
    assert run.code == 0, run.err
    assert json.loads(run.out)["outputs"]["links"] == str(links)
    table = rows(links)
    assert list(table[0])[:6] == ["a_file", "a_key", "b_file", "b_key", "relation", "evidence"]
    erratum = next(r for r in table if r["a_key"] == "sra_haematology/id_0000020")
    assert erratum["relation"] == "erratum-of"
    assert erratum["b_key"] in ("sra_haematology/id_0000018", "sra_haematology/id_0000019")
    related = {r["key"]: r["related"] for r in rows(clusters)}
    assert f"erratum-of {erratum['b_cluster_id']}" in related["sra_haematology/id_0000020"]
    assert "links" in run.err


def test_explain_names_the_link_between_two_records(capsys: pytest.CaptureFixture[str]) -> None:
    args = ("dedupe", "explain", "sra_haematology/id_0000020", "sra_haematology/id_0000018")
    run = run_cli(capsys, *args, PAIRS)
    assert run.code == 0, run.err
    assert "linked: pairs.ris:sra_haematology/id_0000020 erratum-of" in run.out
    data = json.loads(run_cli(capsys, *args, PAIRS, "--json").out)
    assert data["link"]["relation"] == "erratum-of"
    assert data["link"]["a"]["key"] == "sra_haematology/id_0000020"


def test_a_decision_stays_with_its_record_when_a_reexport_swaps_the_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """BibTeX keys are made by the reference manager, and an export after a change can give
    a record's key to another one; the decided pair must not become another pair."""
    review = tmp_path / "pairs.csv"
    run_cli(capsys, "dedupe", ALPHA, BETA, "--review", review)
    lines = review.read_text(encoding="utf-8").splitlines()
    assert "key:novak2017" in lines[1]
    lines[1] = lines[1].replace(",,", ",same,", 1)
    review.write_text("\n".join(lines) + "\n", encoding="utf-8")
    swapped = tmp_path / "beta.bib"
    text = BETA.read_text(encoding="utf-8")
    text = text.replace("{novak2017,", "{swap,").replace("{grant2019,", "{novak2017,")
    swapped.write_text(text.replace("{swap,", "{grant2019,"), encoding="utf-8")
    clusters = tmp_path / "clusters.csv"
    run = run_cli(
        capsys, "dedupe", ALPHA, swapped, "--decisions", review, "--clusters", clusters, "--json"
    )
    assert run.code == 0, run.err
    assert json.loads(run.out)["orphaned_decisions"] == 0
    by_cluster: dict[str, set[str]] = {}
    for row in rows(clusters):
        by_cluster.setdefault(row["cluster_id"], set()).add(row["first_author"])
    assert {"Novak"} in by_cluster.values()  # the decided pair, together
    assert {"Grant"} in by_cluster.values()  # and the paper that took its key, alone


def test_a_decision_on_records_not_in_the_run_stays_in_the_sheet_written_over_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--decisions pairs.csv --review pairs.csv`` rewrites the sheet; a decision whose
    records are not in this run is kept in it, and applies again once they are back."""
    review = tmp_path / "pairs.csv"
    run_cli(capsys, "dedupe", ALPHA, BETA, "--review", review)
    lines = review.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",,", ",same,", 1)
    review.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = run_cli(capsys, "dedupe", BETA, "--decisions", review, "--review", review, "--json")
    assert run.code == 0 and json.loads(run.out)["orphaned_decisions"] == 1
    assert [p.same for p in read_review_csv(review)] == [True]
    back = run_cli(capsys, "dedupe", ALPHA, BETA, "--decisions", review, "--json")
    assert json.loads(back.out)["decisions_applied"] == 1


REVIEW_PAIRS = Path(__file__).resolve().parent / "data" / "dedupe" / "review-pairs.ris"


def decide_in_excel(path: Path, decisions: dict[tuple[str, str], str]) -> None:
    """Fill the decision column as a person in Excel would: rows reversed, saved with a BOM,
    semicolons and CRLF."""
    table = rows(path)
    for row in table:
        key = (row["a_key"].split("/")[-1], row["b_key"].split("/")[-1])
        row["decision"] = decisions.get(key, decisions.get(key[::-1], ""))
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(table[0]), delimiter=";", lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(table[::-1])


def _with_decisions(capsys: pytest.CaptureFixture[str], sheet: Path) -> dict[str, Any]:
    """The --json summary of deduplicating the haematology review pairs with ``sheet``'s
    decisions (the run must succeed)."""
    run = run_cli(capsys, "dedupe", REVIEW_PAIRS, "--decisions", sheet, "--json")
    assert run.code == 0, run.err
    return json.loads(run.out)


def test_workspace_queue_drops_a_pair_whose_clusters_a_different_decision_keeps_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Sibling trials' registry entries: A = C and B != C leave A/B one possible answer, so it
    is not asked again, --check passes once the rest is decided, and explain says why."""
    from cen_search.workspace import Workspace

    ws = Workspace.init(tmp_path / "review", title="Test review")
    ws.import_file(REVIEW_PAIRS, database="Embase", searched="2019-12-01")
    monkeypatch.chdir(ws.root)
    assert run_cli(capsys, "dedupe").code == 0
    sheet = ws.root / "dedupe" / "review.csv"
    queued = {(r["a_key"][-3:], r["b_key"][-3:]) for r in rows(sheet)}
    assert {("235", "237"), ("236", "237"), ("235", "236")} <= {
        tuple(sorted(pair)) for pair in queued
    }
    decide_in_excel(
        sheet,
        {
            ("id_0000235", "id_0000237"): "Same ",
            ("id_0000236", "id_0000237"): "different",
            ("id_0000868", "id_0000870"): "different",
        },
    )
    run = run_cli(capsys, "dedupe", "--check", "--json")
    assert run.code == 0, run.err
    assert json.loads(run.out)["undecided_pairs"] == 0
    left = {tuple(sorted((r["a_key"][-3:], r["b_key"][-3:]))) for r in rows(sheet)}
    assert ("235", "236") not in left
    explained = run_cli(
        capsys, "dedupe", "explain", "sra_haematology/id_0000235", "sra_haematology/id_0000236"
    )
    assert explained.code == 0, explained.err
    text = " ".join(explained.out.split())
    assert "result: not merged" in text
    assert "kept apart by a person's decision that" in text
    sentence = text.split("kept apart by a person's decision that")[1].split("(so")[0]
    assert "id_0000236" in sentence and "id_0000237" in sentence and "different" in sentence


def test_explain_of_a_pair_a_person_joined_says_the_decision_joined_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two registry entries the engine only queued, decided "same": a cluster of two records
    joined by the decision, not "through other members of the cluster"."""
    from cen_search.workspace import Workspace

    ws = Workspace.init(tmp_path / "review", title="Test review")
    ws.import_file(REVIEW_PAIRS, database="Embase", searched="2019-12-01")
    monkeypatch.chdir(ws.root)
    assert run_cli(capsys, "dedupe").code == 0
    decide_in_excel(ws.root / "dedupe" / "review.csv", {("id_0000235", "id_0000237"): "s"})
    assert run_cli(capsys, "dedupe").code == 0
    run = run_cli(
        capsys, "dedupe", "explain", "sra_haematology/id_0000235", "sra_haematology/id_0000237"
    )
    assert run.code == 0, run.err
    assert "decided by a person: same" in run.out
    assert "result: merged, in cluster" in run.out and "(2 records)" in run.out
    assert "joined by that decision" in run.out
    assert "through other members" not in run.out


def test_explain_outside_a_workspace_applies_the_decisions_the_run_applied(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """dedupe FILE --decisions pairs.csv joined two registry entries; explain on the same
    files with the same --decisions says so (it had no way to know and said "not merged")."""
    review, clusters = tmp_path / "pairs.csv", tmp_path / "clusters.csv"
    assert run_cli(capsys, "dedupe", REVIEW_PAIRS, "--review", review).code == 0
    decide_in_excel(review, {("id_0000235", "id_0000237"): "same"})
    run = run_cli(capsys, "dedupe", REVIEW_PAIRS, "--decisions", review, "--clusters", clusters)
    assert run.code == 0, run.err
    cluster = {r["key"]: r["cluster_id"] for r in rows(clusters)}
    a, b = "sra_haematology/id_0000235", "sra_haematology/id_0000237"
    assert cluster[a] == cluster[b]
    explained = run_cli(capsys, "dedupe", "explain", a, b, REVIEW_PAIRS, "--decisions", review)
    assert explained.code == 0, explained.err
    assert "decided by a person: same" in explained.out
    assert f"result: merged, in cluster {cluster[a]} (2 records)" in explained.out
    data = json.loads(
        run_cli(
            capsys, "dedupe", "explain", a, b, REVIEW_PAIRS, "--decisions", review, "--json"
        ).out
    )
    assert data["decision"] == "same" and data["cluster_id"] == cluster[a]
    assert review.read_text(encoding="utf-8-sig").count("same") == 1  # read, never written


def test_explain_of_contradicting_decisions_says_which_one_is_applied(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A = C and B = C decided "same", A and B "different": the "different" decision is
    applied (the docs) and explain says so; the "same" decisions on the chain are not, and
    explain says that too instead of showing them as if they held."""
    review = tmp_path / "pairs.csv"
    assert run_cli(capsys, "dedupe", REVIEW_PAIRS, "--review", review).code == 0
    decide_in_excel(
        review,
        {
            ("id_0000235", "id_0000237"): "same",
            ("id_0000236", "id_0000237"): "same",
            ("id_0000235", "id_0000236"): "d",
        },
    )
    a, b, c = (f"sra_haematology/id_0000{n}" for n in (235, 236, 237))
    different = run_cli(capsys, "dedupe", "explain", a, b, REVIEW_PAIRS, "--decisions", review)
    assert different.code == 0, different.err
    text = " ".join(different.out.split())
    assert "decided by a person: different" in text
    assert "not applied" not in text
    assert "applied (the records are kept apart), but contradicted by other decisions" in text
    same = run_cli(capsys, "dedupe", "explain", a, c, REVIEW_PAIRS, "--decisions", review)
    text = " ".join(same.out.split())
    assert "decided by a person: same" in text and "result: not merged" in text
    assert "not applied: it contradicts a 'different' decision" in text
    data = json.loads(
        run_cli(
            capsys, "dedupe", "explain", a, c, REVIEW_PAIRS, "--decisions", review, "--json"
        ).out
    )
    assert data["decision"] == "same" and data["decision_applied"] is False
    assert data["contradicted_by"]


def test_decisions_from_a_sheet_whose_record_id_columns_were_deleted_still_apply(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A person tidying the review in Excel deletes the record_id columns and keeps the
    uids, which the sheet check accepts: the decisions apply (it was a KeyError traceback)."""
    review = tmp_path / "pairs.csv"
    assert run_cli(capsys, "dedupe", REVIEW_PAIRS, "--review", review).code == 0
    table = rows(review)
    kept = [c for c in table[0] if not c.endswith("record_id")]
    for row in table:
        if {row["a_key"][-3:], row["b_key"][-3:]} == {"235", "237"}:
            row["decision"] = "same"
    tidy = tmp_path / "tidy.csv"
    with tidy.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=kept, extrasaction="ignore", lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(table)
    data = _with_decisions(capsys, tidy)
    assert data["decisions_applied"] == 1 and data["orphaned_decisions"] == 0


def test_rows_a_person_cleared_in_excel_are_skipped_not_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Clearing a row's cells instead of deleting the row leaves ",,,,," in the CSV Excel
    saves: such a row says nothing and is skipped (it stopped the run: "record id columns
    are empty")."""
    review = tmp_path / "pairs.csv"
    assert run_cli(capsys, "dedupe", REVIEW_PAIRS, "--review", review).code == 0
    decide_in_excel(review, {("id_0000235", "id_0000237"): "same"})
    lines = review.read_text(encoding="utf-8-sig").split("\r\n")
    blank = ";" * lines[0].count(";")
    lines.insert(2, blank)
    review.write_text("\ufeff" + "\r\n".join([*lines[:-1], blank, blank, ""]), encoding="utf-8")
    assert _with_decisions(capsys, review)["decisions_applied"] == 1


def test_decisions_saved_as_excel_unicode_text_apply(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Excel's "Unicode Text" save: UTF-16, tab-separated. It was refused as "not a review
    file (no a_record_id, b_record_id, decision column)"."""
    review = tmp_path / "pairs.csv"
    assert run_cli(capsys, "dedupe", REVIEW_PAIRS, "--review", review).code == 0
    table = rows(review)
    for row in table:
        if {row["a_key"][-3:], row["b_key"][-3:]} == {"235", "237"}:
            row["decision"] = "same"
    saved = tmp_path / "pairs.txt"
    with saved.open("w", encoding="utf-16", newline="") as fh:
        writer = csv.DictWriter(
            fh, fieldnames=list(table[0]), delimiter="\t", lineterminator="\r\n"
        )
        writer.writeheader()
        writer.writerows(table)
    assert _with_decisions(capsys, saved)["decisions_applied"] == 1


def test_an_earlier_library_merged_by_dedupe_counts_each_set_of_databases_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A merged record lists its databases with the kept record's first, so last year's
    library names "MEDLINE; Embase" and "Embase; MEDLINE": with --against it, they were two
    rows of the overlap table for one set of databases."""
    import re

    chunks = [
        c for c in re.split(r"(?m)^ER  - *\n?", PAIRS.read_text(encoding="utf-8")) if c.strip()
    ]
    halves = []
    for name, part in (("medline.ris", chunks[0::2]), ("embase.ris", chunks[1::2])):
        halves.append(tmp_path / name)
        halves[-1].write_text("".join(c.strip() + "\nER  - \n\n" for c in part), encoding="utf-8")
    library = tmp_path / "library.ris"
    args = ("--database", "MEDLINE", "--database", "Embase", "-o", library)
    assert run_cli(capsys, "dedupe", *halves, *args).code == 0
    text = library.read_text(encoding="utf-8")
    assert "DB  - MEDLINE\nDB  - Embase" in text and "DB  - Embase\nDB  - MEDLINE" in text
    run = run_cli(capsys, "dedupe", REVIEW_PAIRS, "--against", library, "--json")
    assert run.code == 0, run.err
    names = [d["database"] for d in json.loads(run.out)["databases"]]
    sets = [frozenset(name.split("; ")) for name in names]
    assert len(sets) == len(set(sets)), names
    assert "Embase; MEDLINE" in names


def test_a_contradicted_different_decision_is_kept_in_the_rewritten_sheet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Outside a workspace the sheet is the only record of the decisions. A = C and B = C
    "same", A and B "different": the run applies "different" and reports the contradiction,
    but it wrote the sheet back with A/B blank, so the next run with that sheet merged A and
    B, which the person had said are different."""
    review, clusters = tmp_path / "pairs.csv", tmp_path / "clusters.csv"
    assert run_cli(capsys, "dedupe", REVIEW_PAIRS, "--review", review).code == 0
    decide_in_excel(
        review,
        {
            ("id_0000235", "id_0000237"): "same",
            ("id_0000236", "id_0000237"): "same",
            ("id_0000235", "id_0000236"): "different",
        },
    )
    args = ("--decisions", review, "--review", review, "--clusters", clusters, "--json", "--yes")
    for _ in range(2):
        run = run_cli(capsys, "dedupe", REVIEW_PAIRS, *args)
        assert run.code == 0, run.err
        assert json.loads(run.out)["contradictions"] == 1
        assert "decisions contradict each other" in run.err
        cluster = {r["key"][-3:]: r["cluster_id"] for r in rows(clusters)}
        assert cluster["235"] != cluster["236"]
        row = next(r for r in rows(review) if {r["a_key"][-3:], r["b_key"][-3:]} == {"235", "236"})
        assert row["decision"] == "different" and row["rule"] == "review:decision-conflict"
    # the interactive review still asks the contested pair, showing its decision
    answer_same(monkeypatch)
    review_run = run_cli(capsys, "dedupe", "review", "--review-file", review)
    assert review_run.code == 0, review_run.err
    assert "Pair 1 of 2 · score 0.95 · review:decision-conflict · decided: different" in (
        review_run.err
    )
    run = run_cli(capsys, "dedupe", REVIEW_PAIRS, *args)
    assert json.loads(run.out)["contradictions"] == 0
    cluster = {r["key"][-3:]: r["cluster_id"] for r in rows(clusters)}
    assert cluster["235"] == cluster["236"] == cluster["237"]


def test_explain_shows_the_years_between_two_records_not_a_score_of_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The meeting abstract (Blood 2010) and the article (2011): "year_gap 1.00" beside the
    similarities read as a perfect score; the years between them and the fields that agree or
    differ are said in words."""
    args = ("sra_haematology/id_0000868", "sra_haematology/id_0000870", REVIEW_PAIRS)
    run = run_cli(capsys, "dedupe", "explain", *args)
    assert run.code == 0, run.err
    scores = next(line for line in run.out.splitlines() if line.startswith("field scores:"))
    assert "year_gap" not in scores and "1 year apart" in scores
    assert "volume differs" in scores and "pages differ" in scores
    assert "first_author agrees" in scores and "title 0.98" in scores
    data = json.loads(run_cli(capsys, "dedupe", "explain", *args, "--json").out)
    assert data["scores"]["year_gap"] == 1.0  # the JSON keeps the numbers
