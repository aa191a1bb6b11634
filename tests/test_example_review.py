"""The example the README runs (``examples/cen-review``): dedupe finds the 29 included papers
of the review it is modelled on, and the illustrative other records, with no false merge.

The true grouping is ``tests/data/cen-review/expected.csv`` (file, key, study, included).
"""

from __future__ import annotations

import csv
import json
import shutil
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
EXAMPLE = REPO / "examples" / "cen-review" / "imports"
DATABASES = ["MEDLINE.txt", "Embase.ris", "CINAHL.ris", "HMIC.ris", "SPP.ris", "ASSIA.ris"]
OTHER = [
    "other/citation-tracing.ris",
    "other/reference-lists.ris",
    "other/call-for-evidence.ris",
    "other/web-searches.ris",
]
FILES = DATABASES + OTHER
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


def _name(record: Record) -> str:
    return Path(record.provenance.file).relative_to(EXAMPLE).as_posix()


@pytest.fixture(scope="module")
def result(records: list[Record]) -> DedupeResult:
    return deduplicate(records)


def study_of(record: Record, expected: dict[tuple[str, str], tuple[str, bool]]) -> str:
    return expected[(_name(record), record.key)][0]


def test_every_example_record_is_read_and_has_a_true_study(records: list[Record]) -> None:
    expected = truth()
    assert len(records) == len(expected) == 145
    assert {(_name(r), r.key) for r in records} == set(expected)
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
    assert len(decided.clusters) == len({study for study, _ in expected.values()}) == 58
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
    assert len(result.uncertain) <= 145 // 50


def _example_copy(tmp_path: Path) -> Path:
    """The example review copied (so running in it changes nothing in the repository)."""
    copy = tmp_path / "cen-review"
    shutil.copytree(EXAMPLE.parent, copy, ignore=shutil.ignore_patterns(".cen-search"))
    return copy


SOURCES = {
    "MEDLINE": 24,
    "Embase": 37,
    "HMIC": 25,
    "Social Policy and Practice": 12,
    "CINAHL": 22,
    "ASSIA": 9,
    "Web searches": 3,
    "Reference lists of systematic reviews": 3,
    "Call for evidence": 3,
    "Citation tracing": 7,
}


def test_readme_command_dedupes_the_example_review(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    review = _example_copy(tmp_path)
    run = run_cli(capsys, "-C", review, "dedupe", "--json")
    assert run.code == 0, run.err
    data = json.loads(run.out)
    assert data["records_in"] == 145
    assert 58 <= data["clusters"] <= 58 + data["uncertain_pairs"]
    assert data["duplicates_removed"] == 145 - data["clusters"]
    rows = {row["database"]: row["records"] for row in data["databases"]}
    assert rows == SOURCES
    library = (review / "dedupe" / "unique.ris").read_text(encoding="utf-8")
    assert library.count("TY  - ") == data["clusters"]
    # the library goes on to EndNote/Zotero/Rayyan: two independent RIS readers agree on it
    check_ris({"dedupe/unique.ris": library}, tmp_path)
    with (review / "dedupe" / "clusters.csv").open(encoding="utf-8", newline="") as fh:
        assert len(list(csv.DictReader(fh))) == 145
    # ten sources with long names: the databases are numbered and the ∩ columns head by number
    header = next(line for line in run.err.splitlines() if line.startswith("#"))
    assert header.split()[:7] == ["#", "database", "records", "distinct", "unique", "∩", "1"]
    assert max(len(line) for line in run.err.splitlines() if line[:1].isdigit()) <= 130


def test_example_is_a_workspace_whose_manifest_names_every_export() -> None:
    from cen_search.workspace import Workspace

    ws = Workspace(EXAMPLE.parent)
    entries = {Path(e.file).relative_to("imports").as_posix(): e for e in ws.imports()}
    assert set(entries) == set(FILES)
    assert {e.database: e.records for e in entries.values()} == SOURCES
    assert {e.method for e in entries.values()} == {
        "database",
        "citation",
        "website",
        "call-for-evidence",
    }
    assert all(e.searched for e in entries.values())
    platforms = {e.database: e.platform for e in entries.values() if e.method == "database"}
    assert platforms["ASSIA"] == "ProQuest" and platforms["CINAHL"] == "EBSCOhost"
    assert ws.status().problems == ()


def test_example_strategies_are_the_reconstructed_ones() -> None:
    for path in (EXAMPLE.parent / "strategies").glob("*.txt"):
        assert path.read_bytes() == (REPO / "strategies" / path.name).read_bytes(), path.name
    assert len(list((EXAMPLE.parent / "strategies").glob("*.txt"))) == 6


def test_example_draws_the_full_prisma_flow(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import importlib.util

    review = _example_copy(tmp_path)
    run = run_cli(capsys, "-C", review, "prisma", "--check", "--json", "-o", "prisma.svg")
    data = json.loads(run.out)
    dbr, other = data["lanes"]["dbr"], data["lanes"]["other"]
    assert (dbr["identified"], dbr["duplicates"], dbr["screened"]) == (129, 82, 47)
    assert other["identified"] == 11 and other["duplicates_cross_lane"] == 4
    assert data["identities_ok"]
    assert (review / "prisma.svg").read_bytes().startswith(b"<?xml")
    if importlib.util.find_spec("cen_search.screening.flow") is None:
        assert run.code == 4  # screening decisions cannot be read without the screening stage
        pytest.skip("the screening stage (cen_search.screening.flow) is not installed")
    assert run.code == 0, run.err
    assert (data["included"]["studies"], data["included"]["reports"]) == (27, 29)
    assert dbr["excluded"] == 12
    assert (dbr["sought"], dbr["not_retrieved"], dbr["assessed"]) == (35, 1, 34)
    assert (other["sought"], other["not_retrieved"], other["assessed"]) == (11, 1, 10)
    assert (dbr["included"], other["included"]) == (27, 2)
    assert data["final"]
