"""Counts, the per-database overlap table, the clusters CSV and the review CSV.

These pin the reporting on hand-built engine results (the values of
``cen_search.dedupe.model``), so each count can be checked by hand.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from cen_search.dedupe.decisions import make_decision, pair_key
from cen_search.dedupe.model import Cluster, DedupeResult, PairVerdict, Verdict
from cen_search.dedupe.report import (
    CLUSTER_COLUMNS,
    cluster_rows,
    database_labels,
    find_record,
    summarise,
    write_clusters_csv,
)
from cen_search.dedupe.review_sheet import (
    REVIEW_COLUMNS,
    compare_fields,
    parse_decision,
    read_decisions,
    read_review_csv,
    review_pairs,
    update_review_csv,
    write_review_csv,
)
from cen_search.errors import InputError
from cen_search.identity import ref_of
from cen_search.models import Author, Pages, Provenance, Record


def rec(
    file: str,
    index: int,
    title: str,
    *,
    db: str = "",
    key: str = "",
    year: int = 2019,
    author: str = "Smith",
    pages: Pages | None = None,
    journal: str = "",
) -> Record:
    sha = (Path(file).stem * 12)[:12].ljust(64, "0")
    return Record(
        provenance=Provenance(
            file=file,
            sha256=sha,
            format="ris",
            encoding="utf-8",
            index=index,
            line=1,
            key=key or str(index),
            database=db,
        ),
        title=title,
        year=year,
        authors=(Author(raw=author, family=author),),
        pages=pages or Pages(),
        container=journal,
    )


def link(a: int, b: int, rule: str = "title+authors", score: float = 0.95) -> PairVerdict:
    return PairVerdict(a, b, Verdict.DUPLICATE, rule, score)


# Three databases. Study X is in all three, Y in MEDLINE twice (an internal duplicate) and
# Embase, Z only in CINAHL, W only in MEDLINE.
RECORDS = [
    rec("medline.txt", 1, "Study X", db="MEDLINE"),  # 0
    rec("medline.txt", 2, "Study Y", db="MEDLINE"),  # 1
    rec("medline.txt", 3, "Study Y", db="MEDLINE"),  # 2
    rec("medline.txt", 4, "Study W", db="MEDLINE"),  # 3
    rec("embase.ris", 1, "Study X", db="Embase"),  # 4
    rec("embase.ris", 2, "Study Y", db="Embase"),  # 5
    rec("cinahl.ris", 1, "Study X", db="CINAHL"),  # 6
    rec("cinahl.ris", 2, "Study Z", db="CINAHL"),  # 7
]
RESULT = DedupeResult(
    clusters=(
        Cluster("cx", (0, 4, 6), kept=4, links=(link(0, 4, score=0.99), link(4, 6, "doi"))),
        Cluster("cy", (1, 2, 5), kept=1, links=(link(1, 2, score=0.97), link(2, 5, score=0.9))),
        Cluster("cw", (3,), kept=3),
        Cluster("cz", (7,), kept=7),
    ),
    uncertain=(PairVerdict(3, 7, Verdict.UNCERTAIN, "review:partial", 0.6),),
    cluster_of={0: 0, 4: 0, 6: 0, 1: 1, 2: 1, 5: 1, 3: 2, 7: 3},
)
LABELS = database_labels(RECORDS)


def test_summary_counts_records_duplicates_clusters_and_uncertain_pairs() -> None:
    summary = summarise(RESULT, labels=LABELS)
    assert summary.records_in == 8
    assert summary.clusters == 4
    assert summary.duplicates_removed == 4
    assert summary.uncertain_pairs == 1
    assert summary.undecided_pairs == 1


def test_per_database_rows_count_records_distinct_and_unique_records() -> None:
    rows = {row.database: row for row in summarise(RESULT, labels=LABELS).databases}
    assert (rows["MEDLINE"].records, rows["MEDLINE"].distinct, rows["MEDLINE"].unique) == (4, 3, 1)
    assert (rows["Embase"].records, rows["Embase"].distinct, rows["Embase"].unique) == (2, 2, 0)
    assert (rows["CINAHL"].records, rows["CINAHL"].distinct, rows["CINAHL"].unique) == (2, 2, 1)


def test_overlap_table_counts_distinct_records_found_in_both_databases() -> None:
    rows = {row.database: row for row in summarise(RESULT, labels=LABELS).databases}
    assert dict(rows["MEDLINE"].overlap) == {"Embase": 2, "CINAHL": 1}
    assert dict(rows["Embase"].overlap) == {"MEDLINE": 2, "CINAHL": 1}
    assert dict(rows["CINAHL"].overlap) == {"MEDLINE": 1, "Embase": 1}


def test_summary_json_has_stable_snake_case_keys() -> None:
    data = summarise(RESULT, labels=LABELS, decisions_applied=2).as_json()
    assert set(data) == {
        "records_in",
        "duplicates_removed",
        "clusters",
        "uncertain_pairs",
        "undecided_pairs",
        "decisions_applied",
        "orphaned_decisions",
        "contradictions",
        "databases",
        "against",
    }
    assert set(data["databases"][0]) == {
        "database",
        "records",
        "distinct_records",
        "unique_records",
        "overlap",
    }
    assert data["decisions_applied"] == 2


def test_against_counts_new_records_already_in_the_previous_library() -> None:
    # MEDLINE = earlier library; Embase and CINAHL = new searches.
    previous = [label == "MEDLINE" for label in LABELS]
    against = summarise(RESULT, labels=LABELS, previous=previous).against
    assert against is not None
    assert against.previous_records == 4
    assert against.new_records == 4
    assert against.already_in_previous == 3  # X (Embase, CINAHL) and Y (Embase)
    assert against.new_unique == 1  # Z
    assert against.duplicates_within_new == 0


def test_database_label_falls_back_to_the_file_name_stem() -> None:
    records = [rec("exports/psycinfo-2019.ris", 1, "T"), rec("a.ris", 1, "T", db="Embase")]
    assert database_labels(records) == ["psycinfo-2019", "Embase"]


def test_cluster_rows_list_every_input_record_exactly_once_kept_first() -> None:
    rows = cluster_rows(RECORDS, RESULT, labels=LABELS)
    assert sorted(r["record_id"] for r in rows) == sorted(r.id for r in RECORDS)
    first = rows[0]
    assert (first["cluster_id"], first["kept"], first["file"]) == ("cx", "yes", "embase.ris")
    assert [r["kept"] for r in rows[:3]] == ["yes", "no", "no"]


def test_cluster_rows_give_each_member_the_rule_and_score_that_joined_it() -> None:
    rows = {r["record_id"]: r for r in cluster_rows(RECORDS, RESULT, labels=LABELS)}
    assert (rows[RECORDS[0].id]["rule"], rows[RECORDS[0].id]["score"]) == ("title+authors", "0.990")
    assert rows[RECORDS[6].id]["rule"] == "doi"
    # record 5 is linked only through record 2, not to the kept record 1
    assert rows[RECORDS[5].id]["score"] == "0.900"
    assert rows[RECORDS[3].id]["rule"] == "" and rows[RECORDS[3].id]["cluster_size"] == "1"


def test_clusters_csv_has_the_required_columns_and_one_row_per_record(tmp_path: Path) -> None:
    path = tmp_path / "clusters.csv"
    write_clusters_csv(path, cluster_rows(RECORDS, RESULT, labels=LABELS))
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == list(CLUSTER_COLUMNS)
    for column in ("cluster_id", "file", "key", "database", "kept", "rule", "score"):
        assert column in rows[0]
    assert len(rows) == len(RECORDS)


def test_clusters_csv_marks_previous_and_new_records_with_against(tmp_path: Path) -> None:
    previous = [label == "MEDLINE" for label in LABELS]
    path = tmp_path / "clusters.csv"
    write_clusters_csv(path, cluster_rows(RECORDS, RESULT, labels=LABELS, previous=previous))
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["set"] == "new"  # embase record kept
    assert {r["set"] for r in rows if r["database"] == "MEDLINE"} == {"previous"}


def test_compare_fields_ignores_case_spacing_and_punctuation_only() -> None:
    a = rec("a.ris", 1, "Trust as a foundation.", pages=Pages(raw="23-32", start="23", end="32"))
    b = rec("b.ris", 1, "TRUST as a  foundation", pages=Pages(raw="23-9", start="23", end="29"))
    fields = {f.name: f for f in compare_fields(a, b)}
    assert not fields["title"].differs
    assert fields["pages"].differs
    assert (fields["pages"].a, fields["pages"].b) == ("23-32", "23-9")


def test_authors_differ_only_when_family_names_or_initials_differ() -> None:
    def with_authors(*names: tuple[str, str]) -> Record:
        return Record(
            provenance=RECORDS[0].provenance,
            title="T",
            authors=tuple(Author(raw=f"{f}, {g}", family=f, given=g) for f, g in names),
        )

    full = with_authors(("Gol", "Elham Shafiei"), ("Avital", "Michel"))
    short = with_authors(("Gol", "E.S."), ("Avital", "M."))
    other = with_authors(("Gol", "E.S."), ("Avital", "K."))
    assert not {f.name: f for f in compare_fields(full, short)}["authors"].differs
    assert {f.name: f for f in compare_fields(full, other)}["authors"].differs


def test_review_pairs_are_ranked_most_likely_duplicate_first() -> None:
    uncertain = [
        PairVerdict(3, 7, Verdict.UNCERTAIN, "r", 0.4),
        PairVerdict(0, 7, Verdict.UNCERTAIN, "r", 0.8),
    ]
    pairs = review_pairs(RECORDS, uncertain, labels=LABELS)
    assert [p.rank for p in pairs] == [1, 2]
    assert pairs[0].score == 0.8
    assert pairs[0].a.database == "MEDLINE" and pairs[0].b.database == "CINAHL"


def _write_review(tmp_path: Path) -> Path:
    uncertain = [
        PairVerdict(3, 7, Verdict.UNCERTAIN, "review:partial", 0.6, reasons=("titles differ",)),
        PairVerdict(0, 7, Verdict.UNCERTAIN, "review:partial", 0.5),
    ]
    path = tmp_path / "pairs.csv"
    write_review_csv(path, review_pairs(RECORDS, uncertain, labels=LABELS))
    return path


def test_review_csv_has_fields_side_by_side_and_an_empty_decision_column(tmp_path: Path) -> None:
    path = _write_review(tmp_path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == list(REVIEW_COLUMNS)
    assert rows[0]["decision"] == ""
    assert (rows[0]["title_a"], rows[0]["title_b"]) == ("Study W", "Study Z")
    assert rows[0]["differs"] == "title"
    assert rows[0]["reasons"] == "titles differ"


def test_filled_review_csv_reads_back_as_decisions(tmp_path: Path) -> None:
    path = _write_review(tmp_path)
    text = path.read_text(encoding="utf-8").splitlines()
    text[1] = text[1].replace("1,,", "1,d,", 1)
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    decisions = read_decisions(path, by="jt")
    assert len(decisions) == 1  # the blank row is undecided
    assert decisions[0].key == pair_key(ref_of(RECORDS[3]).uid, ref_of(RECORDS[7]).uid)
    assert decisions[0].a.title == RECORDS[3].title
    assert decisions[0].same is False and decisions[0].by == "jt"


def test_review_csv_names_each_record_by_the_identity_it_has_in_the_run(tmp_path: Path) -> None:
    """A decision read from the sheet is found again by its fingerprint when its uid is not;
    for a short title that fingerprint holds the first page, which the sheet shows as written
    ("pp 37-64") and must be read as the reader read it."""
    editorials = [
        rec("a.ris", 1, "Editorial", key="ed-a", pages=Pages(raw="pp 37-64", start="37", end="64")),
        rec(
            "b.ris", 1, "Editorial", key="ed-b", pages=Pages(raw="S12-S14", start="S12", end="S14")
        ),
    ]
    path = tmp_path / "pairs.csv"
    uncertain = [PairVerdict(0, 1, Verdict.UNCERTAIN, "review:partial", 0.5)]
    write_review_csv(path, review_pairs(editorials, uncertain, labels=["A", "B"]))
    (pair,) = read_review_csv(path)
    assert pair.a.ref.fingerprint == ref_of(editorials[0]).fingerprint
    assert pair.b.ref.fingerprint == ref_of(editorials[1]).fingerprint


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("same", True),
        ("S", True),
        ("yes", True),
        ("1", True),
        (" Same ", True),
        ("different", False),
        ("d", False),
        ("No", False),
        ("0", False),
        ("", None),
        ("  ", None),
        # the other words docs/dedupe.md lists
        ("y", True),
        ("TRUE", True),
        ("duplicate", True),
        ("dup", True),
        ("n", False),
        ("false", False),
        ("distinct", False),
        ("diff", False),
    ],
)
def test_decision_values_people_type_are_understood(value: str, expected: bool | None) -> None:
    assert parse_decision(value, where="pairs.csv:2") is expected


def test_an_unknown_decision_value_names_the_file_and_line(tmp_path: Path) -> None:
    path = _write_review(tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("2,,", "2,maybe,", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_decisions(path)
    assert f"{path}:3" in info.value.message and "maybe" in info.value.message


def test_review_csv_saved_by_excel_with_semicolons_and_bom_is_read(tmp_path: Path) -> None:
    path = _write_review(tmp_path)
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[1][1] = "same"
    excel = tmp_path / "excel.csv"
    with excel.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh, delimiter=";", lineterminator="\r\n").writerows(rows)
    decisions = read_decisions(excel)
    assert [d.same for d in decisions] == [True]


def test_a_csv_without_the_record_id_columns_is_refused_with_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("title,decision\nX,same\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_decisions(path)
    assert "a_record_id" in info.value.message and "--review" in info.value.hint


def test_update_review_csv_writes_decisions_and_keeps_everything_else(tmp_path: Path) -> None:
    path = _write_review(tmp_path)
    before = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    key = pair_key(ref_of(RECORDS[0]).uid, ref_of(RECORDS[7]).uid)
    assert update_review_csv(path, {key: True}) == 1
    after = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    assert after[1]["decision"] == "same"
    assert {k: v for k, v in after[1].items() if k != "decision"} == {
        k: v for k, v in before[1].items() if k != "decision"
    }
    assert after[0] == before[0]
    update_review_csv(path, {key: None})
    assert read_review_csv(path)[1].same is None


def test_decisions_jsonl_copied_from_a_workspace_is_accepted(tmp_path: Path) -> None:
    from cen_search.dedupe.decisions import append_decisions

    log = tmp_path / "decisions.jsonl"
    append_decisions(log, [make_decision(ref_of(RECORDS[0]), ref_of(RECORDS[7]), same=False)])
    assert [d.same for d in read_decisions(log)] == [False]


def test_find_record_by_record_id_key_file_key_and_database_key() -> None:
    searched = ["medline.txt", "embase.ris", "cinahl.ris"]
    assert find_record(RECORDS, RECORDS[5].id, labels=LABELS, searched=searched) == 5
    assert find_record(RECORDS, "4", labels=LABELS, searched=searched) == 3  # only medline has 4
    assert find_record(RECORDS, "embase:2", labels=LABELS, searched=searched) == 5
    assert find_record(RECORDS, "cinahl.ris:1", labels=LABELS, searched=searched) == 6
    assert find_record(RECORDS, "MEDLINE:3", labels=LABELS, searched=searched) == 2


def test_find_record_lists_candidates_when_a_key_is_ambiguous() -> None:
    with pytest.raises(InputError) as info:
        find_record(RECORDS, "1", labels=LABELS, searched=["medline.txt"])
    assert "3 records" in info.value.message and "embase.ris:1" in info.value.message


def test_find_record_says_which_files_were_searched_for_an_unknown_key() -> None:
    with pytest.raises(InputError) as info:
        find_record(RECORDS, "nope", labels=LABELS, searched=["medline.txt", "embase.ris"])
    assert "medline.txt, embase.ris" in info.value.message


def test_overlap_heatmap_is_valid_svg_with_every_count_as_text(tmp_path: Path) -> None:
    import defusedxml.ElementTree as ElementTree

    from cen_search.dedupe.overlap_svg import write_overlap_svg

    summary = summarise(RESULT, labels=LABELS)
    path = tmp_path / "overlap.svg"
    write_overlap_svg(path, summary, title="Test <review>")
    root = ElementTree.parse(path).getroot()
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    for row in summary.databases:
        assert row.database in texts and str(row.distinct) in texts
        assert all(str(n) in texts for n in row.overlap.values())
    assert "Test <review>" in texts


def test_the_terminal_table_leaves_out_the_overlap_columns_of_many_databases() -> None:
    from dataclasses import replace

    from cen_search.cli.dedupe_run import MAX_OVERLAP_COLUMNS, overlap_table
    from cen_search.dedupe.report import DatabaseSummary

    summary = summarise(RESULT, labels=LABELS)
    assert overlap_table(summary)[0].split()[-2:] == ["∩", "CINAHL"]
    many = [
        DatabaseSummary(f"Database {n}", 1, 1, 1, {"Database 0": 1} if n else {})
        for n in range(MAX_OVERLAP_COLUMNS + 1)
    ]
    lines = overlap_table(replace(summary, databases=tuple(many)))
    assert lines[0].split() == ["database", "records", "distinct", "unique"]
    assert len(lines) == MAX_OVERLAP_COLUMNS + 2


def test_the_terminal_table_numbers_the_databases_when_their_names_make_it_too_wide() -> None:
    # The example review's ten sources ("Reference lists of systematic reviews", "Social
    # Policy and Practice", ...) made a table about 300 characters wide.
    from dataclasses import replace

    from cen_search.cli.dedupe_run import NAMED_OVERLAP_WIDTH, overlap_table
    from cen_search.dedupe.report import DatabaseSummary

    summary = summarise(RESULT, labels=LABELS)
    names = ["MEDLINE", "Social Policy and Practice", "Reference lists of systematic reviews"]
    names += [f"Call for evidence {n}" for n in range(4)]
    wide = [
        DatabaseSummary(name, 3, 3, 1, {other: 1 for other in names if other != name})
        for name in names
    ]
    lines = overlap_table(replace(summary, databases=tuple(wide)))
    assert lines[0].split()[:7] == ["#", "database", "records", "distinct", "unique", "∩", "1"]
    assert lines[2].split()[:3] == ["2", "Social", "Policy"]
    assert max(map(len, lines)) <= NAMED_OVERLAP_WIDTH + 10


def test_dedupe_csvs_write_a_cell_starting_as_a_formula_as_text_for_excel(
    shared: Path, tmp_path: Path, capsys
) -> None:
    # found by a stranger's trial: the real group author "-FUTURE-II-Study-Group" (SRA
    # cytology set) was the clusters CSV's first_author cell as it is, which Excel takes for
    # a formula (#NAME?), and so was the review sheet's authors cell a reviewer fills in
    # Excel; cells now get the apostrophe Excel hides, and the review sheet is read without it
    from cen_search.formats import read_file
    from tests._dedupe_cli import run_cli

    text = (shared / "data/dedup/sra_cytology_screening/records.ris").read_text(encoding="utf-8")
    chunks = [c for c in text.split("\nER  - ") if "ID  - id_0001717\n" in c]
    assert len(chunks) == 1
    source = tmp_path / "future.ris"
    source.write_text(chunks[0].strip() + "\nER  - \n", encoding="utf-8")
    clusters = tmp_path / "clusters.csv"
    run = run_cli(capsys, "dedupe", source, "-o", tmp_path / "u.ris", "--clusters", clusters)
    assert run.code == 0, run.err
    with clusters.open(encoding="utf-8-sig", newline="") as fh:
        (row,) = list(csv.DictReader(fh))
    assert row["first_author"] == "'-FUTURE-II-Study-Group"

    (record,) = read_file(source).records
    other = rec("other.ris", 1, record.title, author="FUTURE II Study Group", year=2007)
    path = tmp_path / "pairs.csv"
    uncertain = [PairVerdict(0, 1, Verdict.UNCERTAIN, "review:partial", 0.5)]
    write_review_csv(path, review_pairs([record, other], uncertain, labels=["A", "B"]))
    with path.open(encoding="utf-8-sig", newline="") as fh:
        (row,) = list(csv.DictReader(fh))
    assert row["authors_a"] == "'-FUTURE-II-Study-Group"
    (pair,) = read_review_csv(path)
    assert pair.a.ref.first_author == ref_of(record).first_author
    assert pair.a.ref.fingerprint == ref_of(record).fingerprint
    assert {f.name: f.a for f in pair.fields}["authors"] == "-FUTURE-II-Study-Group"
    update_review_csv(path, {pair.key: True})
    with path.open(encoding="utf-8-sig", newline="") as fh:
        (row,) = list(csv.DictReader(fh))
    assert (row["decision"], row["authors_a"]) == ("same", "'-FUTURE-II-Study-Group")
