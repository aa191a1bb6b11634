"""The reports of a review: its imported records grouped by deduplication, as screened.

PRISMA 2020 screens *reports*: a deduplicated record stands for every copy of it that the
databases returned. :class:`Library` holds the review's records (in import order, with the
round and method of their import), the reports the dedupe result groups them into, and an
:class:`~cen_search.identity.IdentityIndex` to find the records a screening event names.

A report's id is the uid of its earliest-imported member, so it stays the same when a later
round adds copies to it. The grouping comes from a :class:`~cen_search.dedupe.workspace_run.
DedupeRun` when the caller has one, else from ``dedupe/clusters.csv`` when that was written
for exactly the records imported now and no dedupe decision came after it, else from a fresh
in-memory dedupe run (nothing written).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cen_search.identity import IdentityIndex, RecordRef
from cen_search.models import Record
from cen_search.screening.model import DBR_METHODS, Lane
from cen_search.workspace.rounds import FIRST_ROUND, rounds

if TYPE_CHECKING:
    from cen_search.dedupe.workspace_run import DedupeRun
    from cen_search.workspace import ImportEntry, Workspace


@dataclass(frozen=True, slots=True)
class Origin:
    """How one record came into the review (from its import's manifest entry)."""

    database: str
    method: str = "database"
    round: str = FIRST_ROUND
    file: str = ""


@dataclass(frozen=True, slots=True)
class Report:
    """One deduplicated record: what a reviewer screens."""

    report_id: str
    members: tuple[int, ...]
    """Positions of its records in :attr:`Library.records`, ascending."""
    uids: tuple[str, ...]
    """Uids of its records (sorted, no repeats)."""
    kept: int
    """The most complete member: the one shown to reviewers."""
    round: str
    lane: Lane


@dataclass(frozen=True, slots=True)
class RecordLink:
    """Two records of different reports that belong together (an erratum and its article, a
    conference abstract and the full paper), as the dedupe engine linked them."""

    a: int
    b: int
    relation: str
    evidence: str = ""


@dataclass
class Library:
    """The review's records and reports, and a way to find what an event names."""

    records: list[Record]
    origins: list[Origin]
    reports: list[Report]
    round_names: tuple[str, ...] = (FIRST_ROUND,)
    record_links: tuple[RecordLink, ...] = ()
    refs: list[RecordRef] = field(default_factory=list)
    report_of: list[int] = field(default_factory=list)
    """Record position -> position of its report in :attr:`reports`."""
    by_id: dict[str, Report] = field(default_factory=dict)
    _index: IdentityIndex | None = None
    _by_uid: dict[str, list[int]] = field(default_factory=dict)
    _cache: dict[RecordRef, tuple[int, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.report_of = [0] * len(self.records)
        for position, report in enumerate(self.reports):
            for member in report.members:
                self.report_of[member] = position
        self.by_id = {report.report_id: report for report in self.reports}

    @property
    def index(self) -> IdentityIndex:
        if self._index is None:
            self._index = IdentityIndex.of(self.records)
            self.refs = self._index.refs
            for i, ref in enumerate(self.refs):
                self._by_uid.setdefault(ref.uid, []).append(i)
        return self._index

    def ref(self, i: int) -> RecordRef:
        self.index  # noqa: B018 - builds refs on first use
        return self.refs[i]

    def member_refs(self, report: Report) -> tuple[RecordRef, ...]:
        return tuple(self.ref(i) for i in report.members)

    def locate(self, target: Sequence[str], refs: Sequence[RecordRef]) -> tuple[str, ...]:
        """The ids of the reports now holding the records an event names (its ``refs``, or
        its ``target`` uids when it has no refs), in report order; empty when none is found."""
        index = self.index
        found: set[int] = set()
        if refs:
            for ref in refs:
                hit = self._cache.get(ref)
                if hit is None:
                    hit = self._cache[ref] = index.resolve(ref).indices
                found.update(hit)
        else:
            for uid in target:
                found.update(self._by_uid.get(uid, ()))
        positions = sorted({self.report_of[i] for i in found})
        return tuple(self.reports[p].report_id for p in positions)

    def report_of_record(self, i: int) -> Report:
        return self.reports[self.report_of[i]]


# -- building ------------------------------------------------------------------------------


def build_library(
    records: Sequence[Record],
    origins: Sequence[Origin],
    groups: Sequence[tuple[Sequence[int], int]],
    *,
    round_names: Sequence[str] = (FIRST_ROUND,),
    record_links: Sequence[RecordLink] = (),
) -> Library:
    """A :class:`Library` from records and their grouping: ``(member positions, kept)`` per
    report. Records the grouping leaves out become reports of their own (nothing is lost)."""
    order = {name: i for i, name in enumerate(round_names)}
    index = IdentityIndex.of(records)
    covered: set[int] = set()
    clean: list[tuple[tuple[int, ...], int]] = []
    for members, kept in groups:
        ms = tuple(sorted({m for m in members if m not in covered}))
        if not ms:
            continue
        covered.update(ms)
        clean.append((ms, kept if kept in ms else ms[0]))
    clean += [((i,), i) for i in range(len(records)) if i not in covered]
    clean.sort(key=lambda group: group[0][0])
    reports: list[Report] = []
    taken: set[str] = set()
    for members, kept in clean:
        first_uid = index.uid(members[0])
        report_id, n = first_uid, 1
        while report_id in taken:
            n += 1
            report_id = f"{first_uid}#{n}"
        taken.add(report_id)
        earliest = min(members, key=lambda m: (order.get(origins[m].round, len(order)), m))
        lane: Lane = "dbr" if any(origins[m].method in DBR_METHODS for m in members) else "other"
        reports.append(
            Report(
                report_id=report_id,
                members=members,
                uids=tuple(sorted({index.uid(m) for m in members})),
                kept=kept,
                round=origins[earliest].round,
                lane=lane,
            )
        )
    library = Library(
        records=list(records),
        origins=list(origins),
        reports=reports,
        round_names=tuple(round_names),
        record_links=tuple(record_links),
    )
    library._index = index
    library.refs = index.refs
    for i, ref in enumerate(index.refs):
        library._by_uid.setdefault(ref.uid, []).append(i)
    return library


def _origins(
    entries: Sequence[ImportEntry], files: Sequence[str], counts: Sequence[int]
) -> list[Origin]:
    by_file = {entry.file: entry for entry in entries}
    out: list[Origin] = []
    for file, n in zip(files, counts, strict=True):
        entry = by_file.get(file)
        origin = (
            Origin(entry.database, entry.method or "database", entry.round or FIRST_ROUND, file)
            if entry is not None
            else Origin("", "database", FIRST_ROUND, file)
        )
        out += [origin] * n
    return out


def _links_of(run: DedupeRun) -> list[RecordLink]:
    """The dedupe engine's links between records of different clusters
    (``DedupeResult.links``: an erratum and its article ...)."""
    return [
        RecordLink(link.a, link.b, str(link.relation), link.evidence) for link in run.result.links
    ]


def library_from_run(ws: Workspace, run: DedupeRun) -> Library:
    """The review's library grouped as ``run`` (a workspace dedupe run) grouped it."""
    records = run.inputs.everything
    results = run.inputs.results
    origins = _origins(ws.imports(), [r.file for r in results], [len(r.records) for r in results])
    origins += [Origin("", "database", FIRST_ROUND)] * (len(records) - len(origins))
    groups = [(cluster.members, cluster.kept) for cluster in run.result.clusters]
    return build_library(
        records,
        origins,
        groups,
        round_names=[r.name for r in rounds(ws)],
        record_links=_links_of(run),
    )


def load_library(ws: Workspace, *, dedupe_run: DedupeRun | None = None) -> Library:
    """The review's library: grouped by ``dedupe_run``, else by the last dedupe run's
    ``clusters.csv`` while it is current, else by deduplicating now (in memory)."""
    from cen_search.dedupe.workspace_run import last_groups

    if dedupe_run is not None:
        return library_from_run(ws, dedupe_run)
    entries = ws.imports()
    results = ws.read_imports()
    records = [record for result in results for record in result.records]
    groups = last_groups(ws, records) if records else []
    if groups is None:
        return library_from_run(ws, _dedupe_now(ws))
    origins = _origins(entries, [r.file for r in results], [len(r.records) for r in results])
    links = read_links_csv(ws, records)
    return build_library(
        records,
        origins,
        groups,
        round_names=[r.name for r in rounds(ws)],
        record_links=links,
    )


def _dedupe_now(ws: Workspace) -> DedupeRun:
    """Deduplicate the review's imports in memory with every dedupe decision in force (no
    lock taken, nothing written: the caller may hold the lock)."""
    from cen_search.dedupe.decisions import DECISIONS_PATH, current_decisions
    from cen_search.dedupe.inputs import workspace_inputs
    from cen_search.dedupe.workspace_run import options_from, run

    return run(
        workspace_inputs(ws),
        options=options_from("", ws),
        decisions=current_decisions(ws.root / DECISIONS_PATH),
    )


def read_links_csv(ws: Workspace, records: Sequence[Record]) -> list[RecordLink]:
    """The links the last dedupe run of the review found between these records (see
    :func:`cen_search.dedupe.workspace_run.last_links`)."""
    from cen_search.dedupe.workspace_run import last_links

    found = last_links(ws, records)
    return [RecordLink(a, b, relation, evidence) for a, b, relation, evidence in found]


def describe_report(library: Library, report: Report) -> str:
    """``Smith 2019 'Title' (MEDLINE, Embase)`` for messages."""
    ref = library.ref(report.kept)
    databases: Mapping[str, None] = dict.fromkeys(
        library.origins[m].database or library.records[m].source_database for m in report.members
    )
    where = ", ".join(d for d in databases if d)
    who = " ".join(p for p in (ref.first_author.title(), ref.year) if p)
    title = ref.title if len(ref.title) <= 70 else ref.title[:67] + "..."
    return f"{who} {title!r}".strip() + (f" ({where})" if where else "")
