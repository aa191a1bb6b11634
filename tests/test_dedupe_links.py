"""Linked reports: records kept apart that belong together, with their relation.

Pairs are real records of the labelled development sets (``tests/data/dedupe/pairs.ris``),
judged with the other records of their set as context, as ``deduplicate`` judges them.
"""

from __future__ import annotations

import csv
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest

from cen_search.dedupe import Relation, Verdict, deduplicate, explain
from cen_search.dedupe.link_report import (
    LINK_COLUMNS,
    link_rows,
    linked_clusters,
    related_of_clusters,
    write_links_csv,
)
from cen_search.dedupe.report import CLUSTER_COLUMNS, cluster_rows, write_clusters_csv
from cen_search.dedupe.trials import numbers_in, trial_numbers
from cen_search.formats import read_file
from cen_search.models import Record
from tests.conftest import TEST_DATA

SETS = {
    "cyt": "sra_cytology_screening",
    "haem": "sra_haematology",
    "resp": "sra_respiratory",
    "stroke": "sra_stroke",
    "dw": "digital_work",
    "sc": "special_cases",
}


@cache
def records() -> dict[str, Record]:
    result = read_file(TEST_DATA / "dedupe" / "pairs.ris", format="ris")
    return {r.key: r for r in result.records}


def record(ref: str) -> Record:
    short, _, number = ref.partition(":")
    return records()[f"{SETS[short]}/id_{number}"]


def in_set(ref: str) -> list[Record]:
    prefix = SETS[ref.partition(":")[0]] + "/"
    return [r for key, r in records().items() if key.startswith(prefix)]


LINKED = [
    # (subject, object, relation, why)
    ("haem:0000020", "haem:0000018", "erratum-of", "'Erratum: <title>' in a later issue"),
    ("dw:1005083", "dw:1005082", "erratum-of", "'Erratum to - <title>' with its own DOI"),
    ("haem:0001125", "haem:0001122", "erratum-of", "a one-page item with the title, later"),
    ("haem:0000039", "haem:0000009", "reply-to", "the authors' '- Reply' to a letter"),
    ("dw:1004190", "dw:1003373", "comment-on", "'A commentary on <title>'"),
    ("haem:0000128", "haem:0000129", "abstract-of", "a one-page abstract, paper later"),
    ("resp:0000893", "resp:0000049", "abstract-of", "a meeting abstract without pages"),
    ("stroke:0000009", "stroke:0000010", "abstract-of", "Dissertation Abstracts and the thesis"),
    ("stroke:0000428", "stroke:0000429", "same-abstract", "one abstract in two journals"),
    ("resp:0000420", "resp:0000418", "version-of", "Cochrane review, 2008 and 2012 versions"),
    ("sc:0000012", "sc:0000011", "version-of", "a conference paper and its journal version"),
    ("haem:0000819", "haem:0000818", "version-of", "ahead of print under another title"),
    ("dw:1003663", "dw:1003664", "republished", "same paper, two volumes, two DOIs"),
]


@pytest.mark.parametrize(("subject", "other", "relation", "why"), LINKED)
def test_related_reports_are_linked_with_their_relation(
    subject: str, other: str, relation: str, why: str
) -> None:
    context = in_set(subject)
    verdict = explain(record(subject), record(other), context=context)
    assert verdict.verdict == Verdict.DISTINCT, why
    assert verdict.link is not None, why
    assert verdict.link.relation == relation, why
    assert (verdict.link.a, verdict.link.b) == (0, 1), f"{why}: the subject comes first"
    assert verdict.link.evidence


NOT_LINKED = [
    ("dw:1001501", "dw:1001502", "'Case A' and 'Case B': two parts of a series"),
    ("dw:1003727", "dw:1003728", "'issues 2010-11' and '2011-2012': yearly editions"),
    ("sc:0000003", "sc:0000004", "a minitrack's introduction, one each year"),
    ("haem:0001338", "haem:0001340", "'Gateways to clinical trials': a column"),
    ("dw:1003374", "dw:1004190", "an erratum of the article, not of a comment on it"),
    ("cyt:0000233", "cyt:0000234", "two papers of one group, different titles"),
]


@pytest.mark.parametrize(("a", "b", "why"), NOT_LINKED)
def test_records_that_only_look_related_are_not_linked(a: str, b: str, why: str) -> None:
    verdict = explain(record(a), record(b), context=in_set(a))
    assert verdict.verdict != Verdict.DUPLICATE, why
    assert verdict.link is None, why


def test_erratum_and_abstract_pairs_are_linked_instead_of_queued() -> None:
    haem = in_set("haem:0000001")
    result = deduplicate(haem)
    keys = [r.key for r in haem]
    pairs = {frozenset((keys[link.a], keys[link.b])): link.relation for link in result.links}
    erratum = frozenset(("sra_haematology/id_0000018", "sra_haematology/id_0000020"))
    assert pairs.get(erratum) == Relation.ERRATUM_OF
    queued = {frozenset((keys[v.a], keys[v.b])) for v in result.uncertain}
    assert erratum not in queued


def test_links_join_different_clusters_once_and_never_replace_merges() -> None:
    haem = in_set("haem:0000001")
    result = deduplicate(haem)
    assert result.links
    seen = set()
    for link in result.links:
        ca, cb = result.cluster_of[link.a], result.cluster_of[link.b]
        assert ca != cb
        assert frozenset((ca, cb)) not in seen
        seen.add(frozenset((ca, cb)))
    # the article and its copy are merged; the erratum is linked to their cluster
    keys = {r.key: i for i, r in enumerate(haem)}
    article, copy = keys["sra_haematology/id_0000018"], keys["sra_haematology/id_0000019"]
    erratum = keys["sra_haematology/id_0000020"]
    assert result.cluster_of[article] == result.cluster_of[copy]
    link = linked_clusters(result, erratum, copy)
    assert link is not None and link.relation == Relation.ERRATUM_OF


def test_human_different_decision_keeps_the_link() -> None:
    from cen_search.dedupe.decisions import make_decision

    a, b = record("stroke:0000428"), record("stroke:0000429")
    decided = deduplicate([a, b], decisions=[make_decision(a.id, b.id, same=False)])
    assert [link.relation for link in decided.links] == [Relation.SAME_ABSTRACT]


def test_links_csv_and_related_column(tmp_path: Path) -> None:
    haem = in_set("haem:0000001")
    result = deduplicate(haem)
    path = tmp_path / "links.csv"
    write_links_csv(path, link_rows(haem, result))
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # as the other CSVs, for Excel
    with path.open(newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == list(LINK_COLUMNS)
    assert len(rows) == len(result.links)
    by_key = {(r["a_key"], r["b_key"]): r for r in rows}
    row = by_key[("sra_haematology/id_0000020", "sra_haematology/id_0000018")]
    assert row["relation"] == "erratum-of" and row["evidence"] and row["rule"] == "veto:erratum"
    clusters = tmp_path / "clusters.csv"
    labels = ["haematology"] * len(haem)
    write_clusters_csv(clusters, cluster_rows(haem, result, labels=labels))
    with clusters.open(newline="", encoding="utf-8-sig") as fh:
        cluster_table = list(csv.DictReader(fh))
    assert list(cluster_table[0]) == list(CLUSTER_COLUMNS)
    related = {r["key"]: r["related"] for r in cluster_table}
    assert f"erratum-of {row['b_cluster_id']}" in related["sra_haematology/id_0000020"]
    assert f"has-erratum {row['a_cluster_id']}" in related["sra_haematology/id_0000018"]
    assert related["sra_haematology/id_0000019"] == related["sra_haematology/id_0000018"]
    assert len(related_of_clusters(result)) <= len(result.clusters)


def test_the_books_of_one_multi_part_proceedings_are_not_linked(imports_dir: Path) -> None:
    """Scopus lists the four books of the ICCSA 2010 proceedings under one title, told apart
    only by volume (6016-6019 LNCS) and part (PART 1-4): different books, not one paper
    printed four times."""
    scopus = read_file(imports_dir / "csv" / "scopus_litstudy.csv").records
    books = {i for i, r in enumerate(scopus) if "ICCSA 2010" in r.title}
    assert len(books) == 4
    result = deduplicate(scopus)
    assert len({result.cluster_of[i] for i in books}) == 4
    assert not [link for link in result.links if {link.a, link.b} & books]
    assert not [v for v in result.uncertain if {v.a, v.b} & books]


# -- trial registration numbers ------------------------------------------------------------


def test_trial_numbers_are_read_from_title_abstract_and_short_fields(imports_dir: Path) -> None:
    # real records naming their trial: a registry entry naming the primary study in its title
    # (cytology 1853), a PsycINFO abstract ending "ClinicalTrials.gov NCT02265588."
    assert trial_numbers(record("cyt:0001853")) == {"NCT00316693"}
    ovid = read_file(imports_dir / "ris" / "ovid-psycinfo_asreview.ris").records
    assert {n for r in ovid for n in trial_numbers(r)} == {"NCT02265588"}
    assert numbers_in("CONTROL OF EFFUSIONS") == set()


def test_records_naming_one_trial_are_linked_same_trial(imports_dir: Path) -> None:
    # the PsycINFO trial report and a different real record (a registry entry) that names the
    # same registration number, as a trial's other reports do
    ovid = read_file(imports_dir / "ris" / "ovid-psycinfo_asreview.ris").records
    report = next(r for r in ovid if trial_numbers(r))
    registry = replace(
        record("cyt:0001853"),
        title="Cognitive behavioural therapy for youth with IBD",
        abstract="Registration: ClinicalTrials.gov NCT02265588",
    )
    result = deduplicate([report, registry])
    assert [(link.relation, link.rule) for link in result.links] == [
        (Relation.SAME_TRIAL, "trial-id")
    ]
    assert "NCT02265588" in result.links[0].evidence


def test_record_naming_many_trials_is_a_report_of_none() -> None:
    review = replace(
        record("cyt:0001853"),
        abstract="Trials: NCT00316693, NCT02265588, NCT01147484 and ISRCTN74625030.",
    )
    assert trial_numbers(review) == frozenset()
