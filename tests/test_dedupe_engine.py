"""The engine as a whole: clusters, contradiction checks, decisions, previous mode, merging.

Records come from ``tests/data/dedupe/pairs.ris`` (real excerpts of the labelled development
sets, see ``tests/data/SOURCES.md``).
"""

from __future__ import annotations

import random
from dataclasses import replace
from functools import cache
from pathlib import Path

from cen_search.dedupe import (
    MEMBER_TAG,
    DedupeOptions,
    DedupeResult,
    PairDecision,
    Verdict,
    deduplicate,
    members_of,
    merge_cluster,
)
from cen_search.fields import parse_pages
from cen_search.formats import read_file
from cen_search.models import Record
from tests.conftest import TEST_DATA


@cache
def fixture_records() -> tuple[Record, ...]:
    return read_file(TEST_DATA / "dedupe" / "pairs.ris", format="ris").records


def by_key(*keys: str) -> list[Record]:
    index = {r.key: r for r in fixture_records()}
    return [index[k] for k in keys]


def partition(result: DedupeResult, records: list[Record]) -> set[frozenset[str]]:
    return {frozenset(records[m].key for m in c.members) for c in result.clusters}


def together(result: DedupeResult, i: int, j: int) -> bool:
    return result.cluster_of[i] == result.cluster_of[j]


def test_every_record_is_in_exactly_one_cluster() -> None:
    records = list(fixture_records())
    result = deduplicate(records)
    members = [m for c in result.clusters for m in c.members]
    assert sorted(members) == list(range(len(records)))
    assert all(result.clusters[result.cluster_of[m]].members.count(m) == 1 for m in members)
    assert any(c.size > 1 for c in result.clusters)
    for cluster in result.clusters:
        assert cluster.kept in cluster.members
        if cluster.size > 1:
            assert cluster.links
            assert all(link.verdict == Verdict.DUPLICATE for link in cluster.links)


def test_same_input_gives_the_same_result() -> None:
    records = list(fixture_records())
    first, second = deduplicate(records), deduplicate(records)
    assert first.clusters == second.clusters
    assert first.uncertain == second.uncertain


def test_result_does_not_depend_on_input_order() -> None:
    records = list(fixture_records())
    shuffled = records[:]
    random.Random(7).shuffle(shuffled)
    a, b = deduplicate(records), deduplicate(shuffled)
    assert partition(a, records) == partition(b, shuffled)
    ids_a = {frozenset(records[m].key for m in c.members): c.id for c in a.clusters}
    ids_b = {frozenset(shuffled[m].key for m in c.members): c.id for c in b.clusters}
    assert ids_a == ids_b
    queue_a = [{records[v.a].key, records[v.b].key} for v in a.uncertain]
    queue_b = [{shuffled[v.a].key, shuffled[v.b].key} for v in b.uncertain]
    assert queue_a == queue_b


def test_known_duplicates_and_traps_in_the_fixture() -> None:
    records = by_key(
        "sra_haematology/id_0000072",
        "sra_haematology/id_0000073",
        "sra_haematology/id_0000074",
        "sra_haematology/id_0000075",
        "sra_stroke/id_0001068",
        "sra_stroke/id_0001229",
    )
    result = deduplicate(records)
    assert partition(result, records) == {
        frozenset(r.key for r in records[:4]),
        frozenset({records[4].key}),
        frozenset({records[5].key}),
    }


def test_chain_of_near_matches_cannot_join_contradicting_records() -> None:
    # haematology id_0001122 (HMG 14(5):703-712) and id_0001125 (its one-page erratum, 14(8):1107)
    # contradict; a copy of 1122 without pages or issue matches both. The cluster check must
    # not let it chain them together.
    a, b = by_key("sra_haematology/id_0001122", "sra_haematology/id_0001125")
    bridge = replace(
        a,
        pages=parse_pages(""),
        issue="",
        provenance=replace(a.provenance, index=9999, key="bridge"),
    )
    records = [a, b, bridge]
    result = deduplicate(records)
    assert not together(result, 0, 1)
    assert together(result, 0, 2) or together(result, 1, 2)
    queued = {frozenset((v.a, v.b)) for v in result.uncertain}
    assert queued, "the refused or contradicting pair is offered for review"


def test_decision_same_links_a_pair_the_engine_only_queued() -> None:
    records = by_key("sra_haematology/id_0000018", "sra_haematology/id_0000020")
    assert not together(deduplicate(records), 0, 1)
    decision = PairDecision(a=records[0].id, b=records[1].id, same=True, by="tester")
    result = deduplicate(records, decisions=[decision])
    assert together(result, 0, 1)
    assert result.uncertain == ()
    link = result.clusters[result.cluster_of[0]].links[0]
    assert link.rule == "human:same"


def test_decision_different_keeps_a_pair_apart_even_through_a_chain() -> None:
    records = by_key(
        "sra_haematology/id_0000072", "sra_haematology/id_0000074", "sra_haematology/id_0000075"
    )
    assert together(deduplicate(records), 0, 2)
    decision = PairDecision(a=records[0].id, b=records[2].id, same=False)
    result = deduplicate(records, decisions=[decision])
    assert not together(result, 0, 2)
    assert together(result, 1, 0) or together(result, 1, 2)


def test_previous_mode_reports_duplicates_of_the_earlier_library() -> None:
    old = by_key("sra_haematology/id_0000004")
    new = by_key("sra_haematology/id_0000005", "sra_stroke/id_0001068")
    result = deduplicate(new, previous=old)
    assert result.n_input == 2
    assert result.is_previous(2) and not result.is_previous(1)
    assert result.duplicates_of_previous() == {0: (2,)}
    assert result.new_unique() == (1,)
    cluster = result.clusters[result.cluster_of[0]]
    assert cluster.kept == 2, "the earlier library's copy is kept"


def test_cluster_ids_are_derived_from_members_and_stable() -> None:
    records = by_key("sra_haematology/id_0000004", "sra_haematology/id_0000005")
    one = deduplicate(records).clusters[0].id
    two = deduplicate(records[::-1]).clusters[0].id
    assert one == two and one.startswith("c")


def test_merge_cluster_keeps_the_most_complete_record_and_lists_every_member() -> None:
    # digital_work id_3006598 has an abstract; id_2006895 has the full title
    a, b = by_key("digital_work/id_3006598", "digital_work/id_2006895")
    b = replace(b, provenance=replace(b.provenance, database="Scopus"))
    merged = merge_cluster([b, a])
    assert merged.abstract == a.abstract
    members = members_of(merged)
    assert [(m.database, m.key) for m in members] == [("", a.key), ("Scopus", b.key)]
    assert len(merged.raw_values(MEMBER_TAG)) == 2
    assert "merged 2 records" in merged.notes[-1]
    assert merge_cluster([a]) is a


def test_merge_cluster_fills_missing_fields_from_other_members() -> None:
    a, b = by_key("sra_respiratory/id_0000418", "sra_respiratory/id_0000419")
    assert not b.pages and a.pages
    merged = merge_cluster([b, a], kept=0)
    assert merged.provenance == b.provenance
    assert merged.pages == a.pages


def test_multiple_letters_record_joins_a_letter_and_its_reply_but_nothing_else_does() -> None:
    letter, reply = by_key("sra_haematology/id_0000009", "sra_haematology/id_0000039")
    alone = deduplicate([letter, reply])
    assert not together(alone, 0, 1)
    assert not alone.uncertain  # different records by definition: linked, not queued
    assert [(link.a, link.b, link.relation) for link in alone.links] == [(1, 0, "reply-to")]
    (bundle,) = by_key("sra_haematology/id_0000008")
    joined = deduplicate([letter, reply, bundle])
    assert together(joined, 0, 1) and together(joined, 0, 2)


def test_empty_input_and_empty_records_are_handled() -> None:
    assert deduplicate([]).clusters == ()
    blank = fixture_records()[0]
    empty = [
        replace(
            blank,
            title="",
            authors=(),
            year=None,
            container="",
            volume="",
            issue="",
            pages=parse_pages(""),
            doi="",
            abstract="",
            provenance=replace(blank.provenance, index=i),
        )
        for i in (1, 2)
    ]
    result = deduplicate(empty)
    assert len(result.clusters) == 2, "records with nothing to compare are never merged"


def test_review_limit_keeps_the_most_likely_pairs_and_counts_the_rest() -> None:
    records = list(fixture_records())
    full = deduplicate(records)
    assert len(full.uncertain) >= 2 and full.uncertain_left_out == 0
    scores = [v.score for v in full.uncertain]
    assert scores == sorted(scores, reverse=True), "most likely duplicates first"
    limited = deduplicate(records, options=DedupeOptions(review_limit=1 / len(records)))
    assert limited.uncertain == full.uncertain[:1]
    assert limited.uncertain_left_out == len(full.uncertain) - 1


def test_same_decision_on_an_erratum_joins_both_copies_and_adds_no_work(
    imports_dir: Path, tmp_path: Path
) -> None:
    """A Zotero library exported twice (BibTeX and RIS) holds an article and its erratum
    twice. Deciding one erratum/article pair "same" must join the two clusters (all four
    records) and nothing else: no twin split apart, no chain-conflict pair added."""
    from cen_search.dedupe.decisions import make_decision
    from cen_search.formats import write_records

    bib = read_file(imports_dir / "bibtex" / "zotero-bbt-export_bbt-fixture.bib").records
    ris_path = tmp_path / "library.ris"
    with ris_path.open("w", encoding="utf-8", newline="") as fh:
        write_records(bib, fh, format="ris")
    records = [*read_file(ris_path).records, *bib]
    before = deduplicate(records)

    def index(key: str, suffix: str) -> int:
        return next(
            i for i, r in enumerate(records) if r.key == key and r.provenance.file.endswith(suffix)
        )

    article, erratum = index("Wolz_apl_2011", ".ris"), index("Wolz_apl_2012", ".bib")
    twins = [(article, index("Wolz_apl_2011", ".bib")), (erratum, index("Wolz_apl_2012", ".ris"))]
    assert all(together(before, *pair) for pair in twins)
    assert not together(before, article, erratum)

    after = deduplicate(
        records, decisions=[make_decision(records[article].id, records[erratum].id, same=True)]
    )

    assert all(together(after, *pair) for pair in twins)
    assert together(after, article, erratum)
    assert len(after.clusters) == len(before.clusters) - 1
    assert len(after.uncertain) <= len(before.uncertain)
    untouched = {before.cluster_of[i] for pair in twins for i in pair}
    for cluster in before.clusters:
        if before.clusters.index(cluster) not in untouched:
            assert len({after.cluster_of[m] for m in cluster.members}) == 1


def test_a_pair_whose_clusters_a_different_decision_keeps_apart_is_not_asked_again() -> None:
    """Three registry entries of sibling trials: once a person says A = C and B != C, the
    pair A/B has one possible answer (A = B would contradict them), so it leaves the queue."""
    records = list(read_file(TEST_DATA / "dedupe" / "review-pairs.ris", format="ris").records)
    a, b, c = (
        next(i for i, r in enumerate(records) if r.key == f"sra_haematology/id_{n}")
        for n in ("0000235", "0000236", "0000237")
    )
    queued = {frozenset((v.a, v.b)) for v in deduplicate(records).uncertain}
    assert {frozenset((a, c)), frozenset((b, c)), frozenset((a, b))} <= queued
    decisions = [
        PairDecision(a=records[a].id, b=records[c].id, same=True),
        PairDecision(a=records[b].id, b=records[c].id, same=False),
    ]
    result = deduplicate(records, decisions=decisions)
    assert together(result, a, c) and not together(result, a, b)
    assert all({v.a, v.b} & {a, b, c} == set() for v in result.uncertain)


def test_previous_mode_asks_no_pair_of_two_records_of_the_earlier_library() -> None:
    """An annual update: the queue is about the new records. Two registry entries of last
    year's library were that round's question; asking again changes nothing of this round
    (and kept ``--check`` failing)."""
    records = {
        r.key[-3:]: r
        for r in read_file(TEST_DATA / "dedupe" / "review-pairs.ris", format="ris").records
    }
    alone = deduplicate([records["235"], records["236"]])
    assert [v.rule for v in alone.uncertain] == ["review:partial"]
    result = deduplicate([records["237"]], previous=[records["235"], records["236"]])
    asked = {frozenset((v.a, v.b)) for v in result.uncertain}
    assert asked == {frozenset((0, 1)), frozenset((0, 2))}, "only pairs with the new record"
