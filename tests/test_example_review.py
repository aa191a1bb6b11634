"""The example the README runs (``examples/cen-review``): dedupe finds the 29 included papers
of the review it is modelled on, and the illustrative other records, with no false merge.

The true grouping is ``tests/data/cen-review/expected.csv`` (file, key, study, included).
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path

import pytest

from cen_search.dedupe import deduplicate
from cen_search.dedupe.decisions import make_decision
from cen_search.dedupe.model import DedupeResult
from cen_search.formats import read_file
from cen_search.models import Record
from tests._dedupe_cli import run_cli
from tests._ris_readers import check_ris

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "cen-review"
FILES = ["MEDLINE.txt", "Embase.ris", "CINAHL.ris", "PsycINFO.ris"]
EXPECTED = REPO / "tests" / "data" / "cen-review" / "expected.csv"


def truth() -> dict[tuple[str, str], tuple[str, bool]]:
    with EXPECTED.open(encoding="utf-8", newline="") as fh:
        return {
            (r["file"], r["key"]): (r["study"], r["included"] == "yes") for r in csv.DictReader(fh)
        }


@pytest.fixture(scope="module")
def records() -> list[Record]:
    out: list[Record] = []
    for name in FILES:
        result = read_file(EXAMPLE / name)
        assert result.ok, [issue.message for issue in result.skipped]
        out.extend(result.records)
    return out


@pytest.fixture(scope="module")
def result(records: list[Record]) -> DedupeResult:
    return deduplicate(records)


def study_of(record: Record, expected: dict[tuple[str, str], tuple[str, bool]]) -> str:
    return expected[(Path(record.provenance.file).name, record.key)][0]


def test_every_example_record_is_read_and_has_a_true_study(records: list[Record]) -> None:
    expected = truth()
    assert len(records) == len(expected) == 112
    assert {(Path(r.provenance.file).name, r.key) for r in records} == set(expected)
    included = {study for study, inc in expected.values() if inc}
    assert len(included) == 29


def test_example_records_carry_no_identifiers(records: list[Record]) -> None:
    assert not any(r.doi or r.pmid or r.pmcid or r.accession_numbers for r in records)


def test_dedupe_puts_no_two_different_papers_in_one_cluster(
    records: list[Record], result: DedupeResult
) -> None:
    expected = truth()
    for cluster in result.clusters:
        studies = {study_of(records[m], expected) for m in cluster.members}
        assert len(studies) == 1, f"false merge of {sorted(studies)}"


def _clusters_by_study(records: list[Record], result: DedupeResult) -> dict[str, set[str]]:
    expected = truth()
    clusters_of: dict[str, set[str]] = defaultdict(set)
    for cluster in result.clusters:
        for m in cluster.members:
            clusters_of[study_of(records[m], expected)].add(cluster.id)
    return clusters_of


def test_dedupe_finds_each_of_the_29_included_papers_as_one_cluster_unaided(
    records: list[Record], result: DedupeResult
) -> None:
    expected = truth()
    included = {study for study, inc in expected.values() if inc}
    clusters_of = _clusters_by_study(records, result)
    split = {s: len(ids) for s, ids in clusters_of.items() if s in included and len(ids) > 1}
    assert split == {}
    assert len(included & set(clusters_of)) == 29


def test_after_the_uncertain_pairs_are_decided_the_clusters_are_the_true_grouping(
    records: list[Record], result: DedupeResult
) -> None:
    # a person deciding every queued pair correctly (the truth stands in for the person)
    expected = truth()
    decisions = [
        make_decision(
            records[v.a].id,
            records[v.b].id,
            same=study_of(records[v.a], expected) == study_of(records[v.b], expected),
        )
        for v in result.uncertain
    ]
    decided = deduplicate(records, decisions=decisions)
    clusters_of = _clusters_by_study(records, decided)
    assert {s: len(ids) for s, ids in clusters_of.items() if len(ids) > 1} == {}
    assert len(decided.clusters) == len({study for study, _ in expected.values()}) == 43
    for cluster in decided.clusters:
        assert len({study_of(records[m], expected) for m in cluster.members}) == 1


def test_the_traps_stay_apart(records: list[Record], result: DedupeResult) -> None:
    expected = truth()
    cluster_of = {
        study_of(records[m], expected): cluster.id
        for cluster in result.clusters
        for m in cluster.members
    }
    for first, second in [
        ("Crawford 2007a", "Crawford 2007b"),  # same author and year, similar titles
        ("Perseius 2003", "Perseius 2007"),
        ("illustrative-06", "illustrative-07"),  # same editorial title, two years
        ("illustrative-08", "illustrative-09"),  # an article and its erratum
        ("illustrative-10", "illustrative-11"),  # article and conference abstract
    ]:
        assert cluster_of[first] != cluster_of[second], (first, second)


def test_uncertain_pairs_in_the_example_are_few(result: DedupeResult) -> None:
    assert len(result.uncertain) <= 112 // 50


def test_readme_command_reports_the_overlap_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "unique.ris"
    databases = [arg for name in FILES for arg in ("--database", Path(name).stem)]
    run = run_cli(
        capsys,
        "dedupe",
        *(EXAMPLE / name for name in FILES),
        *databases,
        "-o",
        out,
        "--clusters",
        tmp_path / "clusters.csv",
        "--review",
        tmp_path / "pairs.csv",
        "--json",
    )
    assert run.code == 0, run.err
    data = json.loads(run.out)
    assert data["records_in"] == 112
    assert 43 <= data["clusters"] <= 43 + data["uncertain_pairs"]
    assert data["duplicates_removed"] == 112 - data["clusters"]
    rows = {row["database"]: row for row in data["databases"]}
    assert {name: row["records"] for name, row in rows.items()} == {
        "MEDLINE": 24,
        "Embase": 37,
        "CINAHL": 24,
        "PsycINFO": 27,
    }
    assert out.read_text(encoding="utf-8").count("TY  - ") == data["clusters"]
    # the library goes on to EndNote/Zotero/Rayyan: two independent RIS readers agree on it
    check_ris({"README dedupe -o unique.ris": out.read_text(encoding="utf-8")}, tmp_path)
    with (tmp_path / "clusters.csv").open(encoding="utf-8", newline="") as fh:
        assert len(list(csv.DictReader(fh))) == 112
    header = next(line for line in run.err.splitlines() if line.startswith("database"))
    assert header.split() == [
        "database",
        "records",
        "distinct",
        "unique",
        "∩",
        "MEDLINE",
        "∩",
        "Embase",
        "∩",
        "CINAHL",
        "∩",
        "PsycINFO",
    ]


def test_example_imports_into_a_workspace_and_dedupes_the_same(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from cen_search.workspace import Workspace

    ws = Workspace.init(tmp_path / "review", title="CEN clinician perspectives")
    for name in FILES:
        ws.import_file(EXAMPLE / name, database=Path(name).stem)
    monkeypatch.chdir(ws.root)
    run = run_cli(capsys, "dedupe", "--json")
    assert run.code == 0, run.err
    data = json.loads(run.out)
    files = json.loads(run_cli(capsys, "dedupe", *(EXAMPLE / n for n in FILES), "--json").out)
    assert data["records_in"] == 112
    assert (data["clusters"], data["uncertain_pairs"]) == (
        files["clusters"],
        files["uncertain_pairs"],
    )
    assert {row["database"] for row in data["databases"]} == {
        "MEDLINE",
        "Embase",
        "CINAHL",
        "PsycINFO",
    }
