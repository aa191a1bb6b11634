"""What a deduplication run means for the people who run it: counts, the overlap table, and the
clusters CSV.

Library code: it takes the engine's :class:`~cen_search.dedupe.model.DedupeResult` and the
records, and returns values (and writes files through :mod:`cen_search.fsutil`); the CLI renders
them. The review CSV is in :mod:`cen_search.dedupe.review_sheet`, the decisions log in
:mod:`cen_search.dedupe.decisions`.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cen_search.dedupe.link_report import related_of_clusters
from cen_search.dedupe.model import Cluster, DedupeResult, PairVerdict
from cen_search.errors import InputError
from cen_search.fsutil import atomic_open
from cen_search.models import Record
from cen_search.spreadsheet import text_row

CLUSTER_COLUMNS = (
    "cluster_id",
    "cluster_size",
    "file",
    "key",
    "database",
    "kept",
    "rule",
    "score",
    "record_id",
    "year",
    "first_author",
    "title",
    "doi",
    "related",
)
"""Columns of the clusters CSV, in order (``set`` is added after ``database`` with --against).
``related`` lists the cluster's links to other clusters (see
:mod:`cen_search.dedupe.link_report`)."""


def database_labels(records: Sequence[Record]) -> list[str]:
    """The database each record is counted under: the one declared for its file (``--database``
    or the workspace import), else the one the record names itself, else its file's name stem."""
    labels: list[str] = []
    for record in records:
        label = _databases_label(record.source_database)
        if not label:
            label = Path(record.provenance.file).stem or record.provenance.file
        labels.append(label)
    return labels


def _databases_label(named: str) -> str:
    """A record naming several databases (a merged record of an earlier run lists them all,
    the kept record's first) is counted under them in one order, so that ``MEDLINE; Embase``
    and ``Embase; MEDLINE`` are one row of the table, not two."""
    parts = list(dict.fromkeys(p.strip() for p in named.split(";") if p.strip()))
    if len(parts) > 1:
        parts.sort(key=str.casefold)
    return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class DatabaseSummary:
    """One row of the per-database table."""

    database: str
    records: int
    """Records this database contributed."""
    distinct: int
    """Distinct records it contributed (its duplicates of itself removed)."""
    unique: int
    """Records found in this database and no other (clusters whose members are all from it)."""
    overlap: Mapping[str, int] = field(default_factory=dict)
    """Other database -> how many distinct records both found."""


@dataclass(frozen=True, slots=True)
class AgainstSummary:
    """How new search results relate to an earlier library (``--against``)."""

    previous_records: int
    """Records in the earlier library."""
    new_records: int
    """Records in the new search results."""
    already_in_previous: int
    """New records that duplicate a record already in the earlier library."""
    duplicates_within_new: int
    """New records that duplicate another new record (and nothing in the earlier library)."""
    new_unique: int
    """Distinct new records, not in the earlier library: what ``-o`` holds."""


@dataclass(frozen=True, slots=True)
class DedupeSummary:
    """The counts a deduplication run reports (stderr table and ``--json``)."""

    records_in: int
    duplicates_removed: int
    clusters: int
    """Distinct records after deduplication (singletons included)."""
    uncertain_pairs: int
    """Pairs the engine could not decide."""
    undecided_pairs: int
    """Uncertain pairs that no person has decided yet (``--check`` fails when > 0)."""
    decisions_applied: int
    """People's decisions that were in force for this run."""
    databases: tuple[DatabaseSummary, ...] = ()
    against: AgainstSummary | None = None
    orphaned_decisions: int = 0
    """Decisions whose records are not in this run (kept in the log, reported, not applied)."""
    contradictions: int = 0
    """"Different" decisions contradicted by "same" decisions (sent back to a person)."""

    def as_json(self) -> dict[str, Any]:
        """Stable snake_case keys for ``--json``."""
        return {
            "records_in": self.records_in,
            "duplicates_removed": self.duplicates_removed,
            "clusters": self.clusters,
            "uncertain_pairs": self.uncertain_pairs,
            "undecided_pairs": self.undecided_pairs,
            "decisions_applied": self.decisions_applied,
            "orphaned_decisions": self.orphaned_decisions,
            "contradictions": self.contradictions,
            "databases": [
                {
                    "database": row.database,
                    "records": row.records,
                    "distinct_records": row.distinct,
                    "unique_records": row.unique,
                    "overlap": dict(row.overlap),
                }
                for row in self.databases
            ],
            "against": None
            if self.against is None
            else {
                "previous_records": self.against.previous_records,
                "new_records": self.against.new_records,
                "already_in_previous": self.against.already_in_previous,
                "duplicates_within_new": self.against.duplicates_within_new,
                "new_unique": self.against.new_unique,
            },
        }


def _database_rows(result: DedupeResult, labels: Sequence[str]) -> tuple[DatabaseSummary, ...]:
    records = Counter(labels)
    order = list(dict.fromkeys(labels))  # the order the databases came in
    distinct: Counter[str] = Counter()
    unique: Counter[str] = Counter()
    shared: Counter[tuple[str, str]] = Counter()
    for cluster in result.clusters:
        present = sorted({labels[i] for i in cluster.members})
        distinct.update(present)
        if len(present) == 1:
            unique[present[0]] += 1
        for i, first in enumerate(present):
            for second in present[i + 1 :]:
                shared[(first, second)] += 1
                shared[(second, first)] += 1
    return tuple(
        DatabaseSummary(
            database=name,
            records=records[name],
            distinct=distinct[name],
            unique=unique[name],
            overlap={other: shared[(name, other)] for other in order if other != name},
        )
        for name in order
    )


def _against(result: DedupeResult, previous: Sequence[bool]) -> AgainstSummary:
    previous_records = sum(1 for flag in previous if flag)
    new_records = len(previous) - previous_records
    already = 0
    new_unique = 0
    for cluster in result.clusters:
        new_members = [i for i in cluster.members if not previous[i]]
        if not new_members:
            continue
        if len(new_members) < cluster.size:
            already += len(new_members)
        else:
            new_unique += 1
    return AgainstSummary(
        previous_records=previous_records,
        new_records=new_records,
        already_in_previous=already,
        duplicates_within_new=new_records - already - new_unique,
        new_unique=new_unique,
    )


def summarise(
    result: DedupeResult,
    *,
    labels: Sequence[str],
    undecided_pairs: int | None = None,
    decisions_applied: int = 0,
    orphaned_decisions: int = 0,
    contradictions: int = 0,
    previous: Sequence[bool] | None = None,
) -> DedupeSummary:
    """Counts of one run. ``labels`` gives each input record's database (see
    :func:`database_labels`); ``previous`` marks the records of an earlier library
    (``--against``); ``undecided_pairs`` defaults to every uncertain pair."""
    records_in = len(labels)
    return DedupeSummary(
        records_in=records_in,
        duplicates_removed=records_in - len(result.clusters),
        clusters=len(result.clusters),
        uncertain_pairs=len(result.uncertain),
        undecided_pairs=len(result.uncertain) if undecided_pairs is None else undecided_pairs,
        decisions_applied=decisions_applied,
        orphaned_decisions=orphaned_decisions,
        contradictions=contradictions,
        databases=_database_rows(result, labels),
        against=None if previous is None else _against(result, previous),
    )


def member_links(cluster: Cluster) -> dict[int, PairVerdict]:
    """For each member of a cluster, the link that best explains its place in it: its link to
    the kept record if there is one, else its strongest link."""
    best: dict[int, PairVerdict] = {}
    for link in cluster.links:
        for member, other in ((link.a, link.b), (link.b, link.a)):
            current = best.get(member)
            to_kept = other == cluster.kept
            current_to_kept = current is not None and cluster.kept in (current.a, current.b)
            if (
                current is None
                or (to_kept and not current_to_kept)
                or (to_kept == current_to_kept and link.score > current.score)
            ):
                best[member] = link
    return best


def _first_author(record: Record) -> str:
    """The first author's family name (or the name as given) for the clusters CSV."""
    if not record.authors:
        return ""
    author = record.authors[0]
    return author.family or author.raw


def cluster_rows(
    records: Sequence[Record],
    result: DedupeResult,
    *,
    labels: Sequence[str],
    previous: Sequence[bool] | None = None,
) -> list[dict[str, str]]:
    """One row per input record, grouped by cluster (kept record first); every input record
    appears exactly once."""
    rows: list[dict[str, str]] = []
    related = related_of_clusters(result)
    for position, cluster in enumerate(result.clusters):
        links = member_links(cluster)
        order = [cluster.kept, *(i for i in cluster.members if i != cluster.kept)]
        for index in order:
            record = records[index]
            link = links.get(index)
            row = {
                "cluster_id": cluster.id,
                "cluster_size": str(cluster.size),
                "file": record.provenance.file,
                "key": record.key or str(record.provenance.index),
                "database": labels[index],
                "kept": "yes" if index == cluster.kept else "no",
                "rule": link.rule if link else "",
                "score": f"{link.score:.3f}" if link else "",
                "record_id": record.id,
                "year": str(record.year or ""),
                "first_author": _first_author(record),
                "title": " ".join(record.title.split()),
                "doi": record.doi,
                "related": related.get(position, ""),
            }
            if previous is not None:
                row["set"] = "previous" if previous[index] else "new"
            rows.append(row)
    return rows


def write_clusters_csv(path: str | Path, rows: Sequence[Mapping[str, str]]) -> None:
    """Write the clusters CSV atomically (UTF-8, comma-separated, header first; a cell that
    would start an Excel formula written as text: :func:`cen_search.spreadsheet.text_cell`)."""
    columns = list(CLUSTER_COLUMNS)
    if rows and "set" in rows[0]:
        columns.insert(columns.index("database") + 1, "set")
    with atomic_open(path, newline="", encoding="utf-8-sig") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(text_row(row) for row in rows)


def _describe(record: Record, label: str) -> str:
    """``file:key (database)`` for messages."""
    return f"{record.provenance.file}:{record.key or record.provenance.index} ({label})"


def _candidate(record: Record, label: str) -> str:
    """One candidate of an ambiguous key, told apart from the others by its record_id,
    year and title (several records of one file may share a key)."""
    title = " ".join(record.title.split())
    title = title if len(title) <= 60 else title[:57] + "..."
    year = f" {record.year}" if record.year else ""
    return f"{_describe(record, label)} record_id {record.id}{year} {title!r}"


def find_record(
    records: Sequence[Record], key: str, *, labels: Sequence[str], searched: Sequence[str]
) -> int:
    """The index of the record named ``key``: a record id, a key unique across the files, or
    ``FILE:KEY`` where FILE is the file's path, name or stem, or its database. Errors say
    which files were searched, or list the candidates when the key is ambiguous."""
    wanted = key.strip()
    for index, record in enumerate(records):
        if record.id == wanted:
            return index

    def own_key(record: Record) -> str:
        return record.key or str(record.provenance.index)

    bare = [i for i, record in enumerate(records) if own_key(record) == wanted]
    if len(bare) == 1:
        return bare[0]
    qualified: list[int] = []
    for position, char in enumerate(wanted):
        if char != ":":
            continue
        prefix, rest = wanted[:position].casefold(), wanted[position + 1 :]
        for index, record in enumerate(records):
            path = Path(record.provenance.file)
            names = {
                str(path).casefold(),
                path.name.casefold(),
                path.stem.casefold(),
                labels[index].casefold(),
            }
            if own_key(record) == rest and prefix in names:
                qualified.append(index)
    qualified = sorted(set(qualified))
    if len(qualified) == 1:
        return qualified[0]
    candidates = qualified or bare
    if candidates:
        shown = "; ".join(_candidate(records[i], labels[i]) for i in candidates[:8])
        one_file = len({records[i].provenance.file for i in candidates}) == 1
        raise InputError(
            f"key {key!r} names {len(candidates)} records: {shown}",
            hint="the file gives that key to several records (its tool made the keys): use the "
            "record_id"
            if one_file
            else "write it as FILE:KEY with the file name, or use the record_id from the "
            "clusters CSV",
        )
    files = ", ".join(searched) if searched else "no files"
    raise InputError(
        f"no record with key {key!r} in {files}",
        hint="keys are the key column of the clusters CSV (FILE:KEY when several files share "
        "it) or the record_id column",
    )
