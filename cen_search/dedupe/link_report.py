"""Linked reports for the people who run dedupe: the links CSV and each cluster's ``related``.

The engine's :attr:`~cen_search.dedupe.model.DedupeResult.links` join records of different
clusters that belong together (:mod:`cen_search.dedupe.links`). Here they become:

* the **links CSV** (``--links links.csv``; ``dedupe/links.csv`` in a workspace): one row per
  link, :data:`LINK_COLUMNS`; ``a`` is the record the relation is about (the erratum, the
  abstract, the earlier version ...), ``b`` the record it relates to;
* the ``related`` column of the clusters CSV: for each cluster, its links to other clusters as
  ``relation cluster_id`` seen from this cluster, ``; ``-separated. The record the relation
  is about reads the relation (``erratum-of c3f2a9c0d1e``), the other its inverse
  (``has-erratum c8c1d2e3f4a``); symmetric relations read the same from both sides.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path

from cen_search.dedupe.model import DedupeResult, Link, Relation
from cen_search.fsutil import atomic_open
from cen_search.models import Record
from cen_search.spreadsheet import text_row

LINK_COLUMNS = (
    "a_file",
    "a_key",
    "b_file",
    "b_key",
    "relation",
    "evidence",
    "rule",
    "a_record_id",
    "b_record_id",
    "a_cluster_id",
    "b_cluster_id",
    "a_title",
    "b_title",
)
"""Columns of the links CSV, in order."""

INVERSE = {
    Relation.ERRATUM_OF: "has-erratum",
    Relation.COMMENT_ON: "has-comment",
    Relation.REPLY_TO: "has-reply",
    Relation.ABSTRACT_OF: "has-abstract",
    Relation.VERSION_OF: "has-version",
    Relation.SAME_ABSTRACT: str(Relation.SAME_ABSTRACT),
    Relation.REPUBLISHED: str(Relation.REPUBLISHED),
    Relation.SAME_TRIAL: str(Relation.SAME_TRIAL),
}
"""How a relation reads from the record it relates to."""


def _key(record: Record) -> str:
    return record.key or str(record.provenance.index)


def link_rows(records: Sequence[Record], result: DedupeResult) -> list[dict[str, str]]:
    """One row per link of ``result`` (``records``: the run's index space)."""
    rows = []
    for link in result.links:
        a, b = records[link.a], records[link.b]
        rows.append(
            {
                "a_file": a.provenance.file,
                "a_key": _key(a),
                "b_file": b.provenance.file,
                "b_key": _key(b),
                "relation": str(link.relation),
                "evidence": link.evidence,
                "rule": link.rule,
                "a_record_id": a.id,
                "b_record_id": b.id,
                "a_cluster_id": result.clusters[result.cluster_of[link.a]].id,
                "b_cluster_id": result.clusters[result.cluster_of[link.b]].id,
                "a_title": " ".join(a.title.split()),
                "b_title": " ".join(b.title.split()),
            }
        )
    return rows


def write_links_csv(path: str | Path, rows: Sequence[Mapping[str, str]]) -> None:
    """Write the links CSV atomically (UTF-8 with a BOM so that spreadsheets read it as UTF-8,
    comma-separated, header first, a title starting as a formula does written as text), as
    the clusters and review CSVs are written."""
    with atomic_open(path, newline="", encoding="utf-8-sig") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(LINK_COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(text_row(row) for row in rows)


def related_of_clusters(result: DedupeResult) -> dict[int, str]:
    """Cluster position -> its ``related`` text (clusters without links left out)."""
    related: dict[int, list[str]] = defaultdict(list)
    for link in result.links:
        ca, cb = result.cluster_of[link.a], result.cluster_of[link.b]
        related[ca].append(f"{link.relation} {result.clusters[cb].id}")
        related[cb].append(f"{INVERSE[link.relation]} {result.clusters[ca].id}")
    return {position: "; ".join(sorted(texts)) for position, texts in related.items()}


def links_of(result: DedupeResult, index: int) -> list[Link]:
    """The links of the cluster that holds record ``index``."""
    cluster = result.cluster_of[index]
    return [
        link
        for link in result.links
        if cluster in (result.cluster_of[link.a], result.cluster_of[link.b])
    ]


def linked_clusters(result: DedupeResult, a: int, b: int) -> Link | None:
    """The link between the clusters of records ``a`` and ``b`` (``None`` when they are in
    one cluster or not linked)."""
    ca, cb = result.cluster_of[a], result.cluster_of[b]
    if ca == cb:
        return None
    for link in result.links:
        if {result.cluster_of[link.a], result.cluster_of[link.b]} == {ca, cb}:
            return link
    return None
