"""From what the indexes returned to deduplicated, ranked records with their provenance.

1. Every linked work becomes a Record through its service's mapping.
2. Works that share an identifier (OpenAlex id, DOI, PMID, PMCID) are one work whatever
   source found them: they are merged (the OpenAlex record first, so its id is kept, gaps
   filled from the others). Works with no identifier (a reference deposited as text) stay
   apart here.
3. The merged works are deduplicated among themselves and against everything the review
   already holds (``previous``: imports, earlier rounds, the seeds) with the dedupe engine.
   A work that duplicates a review record is *not new*; the rest are new. A pair the engine
   is unsure about is not merged: the work stays new, with a note naming the record it may
   duplicate (nothing is dropped on a guess).
4. Each work records the seeds it is linked to, the directions and the sources; its rank is
   the number of seeds it connects to. Coverage per seed and source, and the citation edges,
   are counted on the deduplicated works.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from cen_search.apis.citations import BACKWARD, Harvest
from cen_search.apis.registry import get, services
from cen_search.models import Provenance, Record
from cen_search.trace.model import CoverageRow, Edge, Seed, TracedRecord
from cen_search.trace.seeds import openalex_id
from cen_search.unionfind import UnionFind

_ID_SCHEMES = ("openalex", "doi", "pmid", "pmcid")


def work_ids(record: Record) -> dict[str, str]:
    """The identifiers of a work (only those it has), plus its title for display."""
    ids = {
        "openalex": openalex_id(record),
        "doi": record.doi,
        "pmid": record.pmid,
        "pmcid": record.pmcid,
    }
    out = {k: v for k, v in ids.items() if v}
    if record.title:
        out["title"] = " ".join(record.title.split())[:200]
    return out


@dataclass
class _Hit:
    source: str
    seed: str
    direction: str
    record: Record


@dataclass
class _Work:
    """One work after merging by identifier (and later by the dedupe engine)."""

    records: list[tuple[str, Record]]
    """(source, record) as each source described it."""
    links: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    """seed -> direction -> sources."""

    def add(self, hit: _Hit) -> None:
        self.records.append((hit.source, hit.record))
        self.links.setdefault(hit.seed, {}).setdefault(hit.direction, set()).add(hit.source)

    def absorb(self, other: _Work) -> None:
        self.records.extend(other.records)
        for seed, directions in other.links.items():
            for direction, sources in directions.items():
                self.links.setdefault(seed, {}).setdefault(direction, set()).update(sources)


def _hits(harvests: Sequence[Harvest]) -> list[_Hit]:
    hits = []
    for harvest in harvests:
        mapping = get(harvest.service).record
        if mapping is None:
            continue
        for found in harvest.found:
            record = mapping(found.work)
            if any(work_ids(record).get(s) for s in _ID_SCHEMES) or record.title:
                hits.append(_Hit(harvest.service, found.seed, found.direction, record))
    return hits


def _group(hits: Sequence[_Hit]) -> list[_Work]:
    """Works merged by shared identifiers; identifier-less works by source, title and year."""
    links = UnionFind[str]()
    node_of: list[str] = []
    for hit in hits:
        ids = work_ids(hit.record)
        nodes = [f"{s}:{ids[s]}" for s in _ID_SCHEMES if ids.get(s)]
        if not nodes:
            title = " ".join(hit.record.title.lower().split())
            nodes = [f"text:{hit.source}:{hit.record.year}:{title}"]
        for node in nodes[1:]:
            links.union(nodes[0], node)
        node_of.append(nodes[0])
    works: dict[str, _Work] = {}
    for hit, node in zip(hits, node_of, strict=True):
        works.setdefault(links.find(node), _Work(records=[])).add(hit)
    return [works[k] for k in sorted(works)]


def _merge(work: _Work) -> Record:
    """The work's record: OpenAlex's description first, gaps filled from the others."""
    from cen_search.dedupe.merge import choose_kept, merge_cluster

    distinct: list[Record] = []
    for _, record in sorted(work.records, key=lambda sr: sr[0] != "openalex"):
        if record not in distinct:
            distinct.append(record)
    openalex = [i for i, r in enumerate(distinct) if openalex_id(r)]
    kept = openalex[0] if openalex else choose_kept(distinct)
    merged = merge_cluster(distinct, kept=kept)
    return replace(merged, notes=tuple(n for n in merged.notes if not n.startswith("cen-search:")))


def _candidate(record: Record, *, round_no: int, searched: str, number: int) -> Record:
    """``record`` with a provenance of its own: a stable id for the dedupe engine, and its best
    identifier (OpenAlex id, DOI, PMID) as its key (RIS ``ID``)."""
    ids = work_ids(record)
    key = next((ids[s] for s in _ID_SCHEMES if ids.get(s)), f"trace-{round_no}-{number}")
    digest = hashlib.sha256(f"trace:{round_no}:{number}:{key}".encode()).hexdigest()
    return replace(
        record,
        provenance=Provenance(
            file=f"trace round {round_no}",
            sha256=digest,
            format="trace",
            encoding="utf-8",
            index=1,
            line=0,
            key=key,
            database="citation tracing",
            searched=searched,
        ),
    )


@dataclass(frozen=True, slots=True)
class Linked:
    """What :func:`link` returns for one round."""

    records: tuple[TracedRecord, ...]
    coverage: tuple[CoverageRow, ...]
    edges: tuple[Edge, ...]
    found: int


def _describe(record: Record) -> str:
    where = record.provenance.file or "the review"
    return f"{where} {record.key or record.id}".strip()


def link(
    harvests: Sequence[Harvest],
    *,
    seeds: Sequence[Seed],
    seed_ids: Mapping[str, Mapping[str, str]],
    previous: Sequence[Record],
    round_no: int,
    searched: str,
) -> Linked:
    """Merge, deduplicate, rank and count one round (see the module docstring)."""
    from cen_search.dedupe.engine import deduplicate

    works = _group(_hits(harvests))
    candidates = [
        _candidate(_merge(w), round_no=round_no, searched=searched, number=i)
        for i, w in enumerate(works, start=1)
    ]
    result = deduplicate(candidates, previous=previous)
    n = len(candidates)
    uncertain: dict[int, int] = {}
    for pair in result.uncertain:
        a, b = sorted((pair.a, pair.b))
        if a < n <= b:
            uncertain.setdefault(a, b)
    final: list[TracedRecord] = []
    finals: list[_Work] = []
    labels = {s.key: s.label for s in seeds}
    for cluster in result.clusters:
        members = [m for m in cluster.members if m < n]
        if not members:
            continue
        old = [m for m in cluster.members if m >= n]
        merged = _Work(records=[])
        for m in members:
            merged.absorb(works[m])
        record = _merge(merged) if len(members) > 1 else candidates[members[0]]
        record = replace(record, provenance=candidates[min(members)].provenance)
        duplicate = _describe(previous[old[0] - n]) if old else ""
        maybe = next((uncertain[m] for m in members if m in uncertain), None)
        final.append(_traced(record, merged, labels, round_no, duplicate, maybe, previous, n))
        finals.append(merged)
    order = sorted(
        range(len(final)),
        key=lambda i: (-final[i].rank, -(final[i].record.year or 0), final[i].record.title),
    )
    final = [final[i] for i in order]
    finals = [finals[i] for i in order]
    return Linked(
        records=tuple(final),
        coverage=tuple(_coverage(seeds, harvests, finals)),
        edges=tuple(_edges(final, finals, seed_ids, round_no)),
        found=len(final),
    )


def _traced(
    record: Record,
    work: _Work,
    labels: Mapping[str, str],
    round_no: int,
    duplicate: str,
    maybe: int | None,
    previous: Sequence[Record],
    n: int,
) -> TracedRecord:
    linked = sorted(work.links)
    directions = sorted({d for ds in work.links.values() for d in ds})
    sources = sorted({s for ds in work.links.values() for ss in ds.values() for s in ss})
    note = (
        f"cen-search trace round {round_no}: rank {len(linked)} ({' and '.join(directions)}); "
        f"seeds: {' | '.join(labels.get(k, k) for k in linked)}; sources: {', '.join(sources)}"
    )
    notes = [note]
    if maybe is not None:
        notes.append(f"cen-search trace: may duplicate {_describe(previous[maybe - n])}")
    order = {service.name: i for i, service in enumerate(services())}
    database = "; ".join(get(s).label for s in sorted(sources, key=lambda s: order.get(s, 99)))
    record = replace(record, notes=(*record.notes, *notes), database=database)
    return TracedRecord(
        record=record,
        seeds=tuple(linked),
        directions=tuple(directions),
        sources=tuple(sources),
        rank=len(linked),
        new=not duplicate,
        duplicate_of=duplicate,
        round=round_no,
    )


def _coverage(
    seeds: Sequence[Seed], harvests: Sequence[Harvest], works: Sequence[_Work]
) -> list[CoverageRow]:
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(
        lambda: {"references": 0, "citations": 0, "only": 0}
    )
    for work in works:
        for key, directions in work.links.items():
            found_by = set().union(*directions.values())
            for direction, sources in directions.items():
                for source in sources:
                    kind = "references" if direction == BACKWARD else "citations"
                    counts[(key, source)][kind] += 1
            if len(found_by) == 1:
                counts[(key, next(iter(found_by)))]["only"] += 1
    rows = []
    for harvest in harvests:
        outcomes = {o.seed: o for o in harvest.seeds}
        for seed in seeds:
            outcome = outcomes.get(seed.key)
            got = counts[(seed.key, harvest.service)]
            rows.append(
                CoverageRow(
                    seed=seed.key,
                    source=harvest.service,
                    known=bool(outcome and outcome.known),
                    references=got["references"] if BACKWARD in harvest.directions else None,
                    citations=got["citations"] if len(harvest.directions - {BACKWARD}) else None,
                    only_here=got["only"],
                    note=outcome.reason if outcome else "",
                )
            )
    return rows


def _edges(
    records: Sequence[TracedRecord],
    works: Sequence[_Work],
    seed_ids: Mapping[str, Mapping[str, str]],
    round_no: int,
) -> list[Edge]:
    edges = []
    for traced, work in zip(records, works, strict=True):
        ids = work_ids(traced.record)
        for seed, directions in sorted(work.links.items()):
            mine = dict(seed_ids.get(seed, {"title": seed}))
            for direction, sources in sorted(directions.items()):
                citing, cited = (mine, ids) if direction == BACKWARD else (ids, mine)
                edges.append(Edge(citing, cited, seed, direction, tuple(sorted(sources)), round_no))
    return edges


__all__ = ["Linked", "link", "work_ids"]
