"""``trace``: backward and forward citation searching through several indexes, in rounds.

:func:`trace` takes seeds (:mod:`.seeds`), the clients of the chosen sources (built by the
caller on one session, see :func:`cen_search.apis.client.session_for`) and, inside a review,
the workspace. Each round:

1. resolves the seeds: by identifier in every source, else by title, first author and year
   (with a confidence score); a seed no source knows is listed with each source's reason;
   seeds an index resolves to one work are one seed;
2. asks every source for references and/or citing works;
3. merges the sources, deduplicates against the review (imports, earlier rounds, the seeds)
   and ranks (:mod:`.merge`).

``rounds`` > 1 traces the new works of a round as the seeds of the next, until a round brings
nothing new. Everything runs under a checkpoint (:mod:`.checkpoint`); inside a review the
rounds, edges and new records are written only when every round has finished
(:mod:`.store`), still under the checkpoint (a failure while saving keeps the answers for the
next run), the review's trace logs are read before the first request (a torn log is refused
before any quota is spent), and seeds an earlier run already traced with the same source and
direction are skipped unless ``retrace`` (a seed no source could resolve was not traced, and
is tried again).
"""

from __future__ import annotations

import datetime as _dt
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cen_search.apis.citations import CitationIndex, Harvest, SeedOutcome
from cen_search.apis.registry import TRACE, get
from cen_search.errors import UsageError, WorkspaceError
from cen_search.models import Provenance, Record
from cen_search.progress import NULL_REPORTER, Reporter
from cen_search.trace import store
from cen_search.trace.checkpoint import CHECKPOINTS, checkpoint, fingerprint
from cen_search.trace.merge import link
from cen_search.trace.model import (
    DIRECTIONS,
    Resolution,
    RoundSummary,
    Seed,
    TracedRecord,
    TraceResult,
)
from cen_search.trace.seeds import match_title, openalex_id, seeds_from_records

if TYPE_CHECKING:
    from cen_search.workspace import Workspace

TITLE_SOURCES = ("openalex", "crossref", "europepmc", "semanticscholar")
"""Sources asked, in this order, for a seed known only by its title."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TraceOptions:
    """What to trace."""

    direction: str = "both"
    """``backward`` (references), ``forward`` (citing works) or ``both``."""
    sources: tuple[str, ...] = ()
    rounds: int = 1
    retrace: bool = False
    """Trace seeds again that an earlier run in the review already traced."""
    min_confidence: float = 0.85
    """Lowest score at which a title match resolves a seed."""


def _utc_now() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC)


def _check(options: TraceOptions, clients: Mapping[str, Any]) -> tuple[str, ...]:
    if options.direction not in DIRECTIONS:
        raise UsageError(
            f"cannot trace {options.direction!r}", hint="use backward, forward or both"
        )
    if options.rounds < 1:
        raise UsageError(f"--rounds {options.rounds}: must be 1 or more")
    if not 0 <= options.min_confidence <= 1:
        raise UsageError(
            f"--min-confidence {options.min_confidence:g}: must be between 0 and 1",
            hint="e.g. 0.85: a title match scoring less leaves the seed unresolved",
        )
    if not options.sources:
        raise UsageError("no source chosen", hint="give --sources, e.g. openalex,crossref")
    for name in options.sources:
        get(name, TRACE)
        if name not in clients:
            raise UsageError(f"no client was given for {name}")
    return DIRECTIONS[options.direction]


def _resolve_titles(
    seeds: Sequence[Seed], clients: Mapping[str, CitationIndex], options: TraceOptions
) -> tuple[list[Seed], dict[str, Resolution]]:
    """Seeds with no identifier looked up by title; the others as they are."""
    out: list[Seed] = []
    found: dict[str, Resolution] = {}
    askable = [s for s in TITLE_SOURCES if s in options.sources]
    for seed in seeds:
        ids = seed.ids
        if ids.doi or ids.pmid or ids.pmcid or ids.openalex:
            out.append(seed)
            continue
        best: tuple[float, str] | None = None
        for source in askable if ids.title else []:
            service = get(source)
            works = clients[source].match(ids)
            candidates = [(source, w, service.record(w)) for w in works if service.record]
            record, value, reason = match_title(
                ids, candidates, min_confidence=options.min_confidence
            )
            if record is not None:
                matched = replace(
                    ids,
                    doi=record.doi,
                    pmid=record.pmid,
                    pmcid=record.pmcid,
                    openalex=openalex_id(record),
                )
                seed = replace(seed, ids=matched)
                found[seed.key] = Resolution(seed.key, "title", round(value, 3), reason=reason)
                break
            if best is None or value > best[0]:  # (the first source's reason on a tie)
                best = (value, reason)
        else:
            if best is not None:
                why = best[1]
            elif ids.title:
                why = "none of the chosen sources can search by title"
            else:
                why = "no DOI, PMID, PMCID, OpenAlex id or title to look it up by"
            found[seed.key] = Resolution(seed.key, "unresolved", 0.0, reason=why)
        out.append(seed)
    return out, found


def _seed_ids(seed: Seed, harvests: Sequence[Harvest]) -> dict[str, str]:
    ids = {"doi": seed.ids.doi, "pmid": seed.ids.pmid, "pmcid": seed.ids.pmcid}
    ids["openalex"] = seed.ids.openalex
    for harvest in harvests:
        for outcome in harvest.seeds:
            if outcome.seed == seed.key and outcome.known and harvest.service == "openalex":
                ids["openalex"] = ids["openalex"] or outcome.ident
    if seed.ids.title:
        ids["title"] = seed.ids.title
    return {k: v for k, v in ids.items() if v} or {"title": seed.label}


def _resolutions(
    seeds: Sequence[Seed], by_title: Mapping[str, Resolution], harvests: Sequence[Harvest]
) -> list[Resolution]:
    out = []
    for seed in seeds:
        outcomes = [(h.service, o) for h in harvests for o in h.seeds if o.seed == seed.key]
        known = tuple(source for source, o in outcomes if o.known)
        first = by_title.get(seed.key)
        if first is not None and first.method == "unresolved":
            out.append(first)
        elif not known:
            why = "; ".join(f"{source}: {o.reason}" for source, o in outcomes if o.reason)
            out.append(Resolution(seed.key, "unresolved", 0.0, reason=why or "no source knows it"))
        elif first is not None:
            out.append(replace(first, known_by=known))
        else:
            out.append(Resolution(seed.key, "identifier", 1.0, known_by=known))
    return out


def _same_works(
    seeds: Sequence[Seed], harvests: Sequence[Harvest]
) -> tuple[list[Seed], list[Harvest], dict[str, str]]:
    """Seeds the indexes resolved to one work (a study given once by DOI and again by PMID)
    made one seed, the first: the others' links and outcomes are relabelled to it, so a work
    is not ranked twice for one study. Returns the distinct seeds, the harvests and each
    merged seed's key -> the key kept."""
    from cen_search.trace.merge import work_ids

    owner: dict[str, str] = {}
    same: dict[str, str] = {}
    for seed in seeds:
        ids = {"doi": seed.ids.doi, "pmid": seed.ids.pmid, "pmcid": seed.ids.pmcid}
        names = {f"{k}:{v}".lower() for k, v in ids.items() if v}
        for harvest in harvests:
            mapping = get(harvest.service).record
            for outcome in harvest.seeds:
                if outcome.seed == seed.key and outcome.known and outcome.work and mapping:
                    theirs = work_ids(mapping(outcome.work))
                    names |= {f"{k}:{v}".lower() for k, v in theirs.items() if k != "title"}
        kept = next((owner[n] for n in sorted(names) if n in owner), None)
        if kept is not None and kept != seed.key:
            same[seed.key] = kept
        for name in names:
            owner.setdefault(name, kept or seed.key)
    if not same:
        return list(seeds), list(harvests), same
    relabelled = []
    for harvest in harvests:
        outcomes: dict[str, SeedOutcome] = {}
        for outcome in harvest.seeds:
            key = same.get(outcome.seed, outcome.seed)
            if key not in outcomes or (outcome.known and not outcomes[key].known):
                outcomes[key] = replace(outcome, seed=key)
        found = tuple(replace(f, seed=same.get(f.seed, f.seed)) for f in harvest.found)
        relabelled.append(replace(harvest, found=found, seeds=tuple(outcomes.values())))
    return [s for s in seeds if s.key not in same], relabelled, same


def _index_records(harvests: Sequence[Harvest]) -> list[Record]:
    """The seeds' own records as the indexes describe them (so a seed is never "new"), each
    with a provenance of its own (a distinct id for the dedupe engine)."""
    import hashlib

    out = []
    for harvest in harvests:
        mapping = get(harvest.service).record
        for outcome in harvest.seeds:
            if outcome.work is not None and mapping is not None:
                where = f"{harvest.service} record of seed {outcome.seed}"
                digest = hashlib.sha256(where.encode("utf-8")).hexdigest()
                provenance = Provenance(
                    file=where,
                    sha256=digest,
                    format="trace",
                    encoding="utf-8",
                    index=1,
                    line=0,
                    key=outcome.ident or outcome.seed,
                )
                out.append(replace(mapping(outcome.work), provenance=provenance))
    return out


def trace(
    seeds: Sequence[Seed],
    *,
    options: TraceOptions,
    clients: Mapping[str, CitationIndex],
    session: Any = None,
    workspace: Workspace | None = None,
    previous: Sequence[Record] = (),
    checkpoint_root: Path | None = None,
    reporter: Reporter | None = None,
    now: Callable[[], _dt.datetime] | None = None,
) -> TraceResult:
    """Trace ``seeds`` (see the module docstring); nothing is written outside a review."""
    directions = _check(options, clients)
    reporter = reporter or NULL_REPORTER
    clock = now or _utc_now
    started = clock()
    known = list(previous)
    skipped: list[str] = []
    start = 1
    if workspace is not None:
        logged = store.rounds(workspace)
        start = max((int(e.get("round", 0)) for e in logged), default=0) + 1
        store.stored_edges(workspace)  # a torn log is refused now, before a request is spent
        known += workspace.records(reporter) + store.traced_records(workspace)
        if not options.retrace:
            done = store.traced_seeds(workspace)
            todo = [
                s
                for s in seeds
                if any((s.key, d, src) not in done for d in directions for src in options.sources)
            ]
            kept = {s.key for s in todo}
            skipped = [s.key for s in seeds if s.key not in kept]
            seeds = todo
    if not seeds:
        note = "every seed was already traced in this review (trace/rounds.jsonl); use --retrace"
        return TraceResult(
            (), (), (), (), (), notes=(note,) if skipped else (), skipped_seeds=tuple(skipped)
        )
    if checkpoint_root is None:
        from cen_search.config import default_cache_dir

        base = workspace.state_dir if workspace is not None else Path(default_cache_dir())
        checkpoint_root = base / CHECKPOINTS
    root = checkpoint_root
    name = fingerprint(
        direction=options.direction,
        seeds=[s.key for s in seeds],
        sources=options.sources,
        rounds=options.rounds,
        start=start,
    )
    rounds: list[RoundSummary] = []
    records: list[TracedRecord] = []
    resolutions: list[Resolution] = []
    coverage: list[Any] = []
    edges: list[Any] = []
    notes: list[str] = []
    searched = started.date().isoformat()
    with checkpoint(session, root / name):
        current = list(seeds)
        for round_no in range(start, start + options.rounds):
            sent = Counter(getattr(session, "sent", {}))
            current, by_title = _resolve_titles(current, clients, options)
            ids = [s.ids for s in current]
            harvests = [
                clients[source].trace(
                    ids,
                    backward="backward" in directions,
                    forward="forward" in directions,
                    reporter=reporter,
                )
                for source in options.sources
            ]
            traced_keys = tuple(s.key for s in current)
            current, harvests, same = _same_works(current, harvests)
            notes += [
                f"seed {a} is the same work as seed {b}: traced as one" for a, b in same.items()
            ]
            own = [s.record for s in current if s.record is not None] + _index_records(harvests)
            linked = link(
                harvests,
                seeds=current,
                seed_ids={s.key: _seed_ids(s, harvests) for s in current},
                previous=known + own,
                round_no=round_no,
                searched=searched,
            )
            round_resolutions = _resolutions(current, by_title, harvests)
            requests = Counter(getattr(session, "sent", {}))
            requests.subtract(sent)
            new = [t for t in linked.records if t.new]
            rounds.append(
                RoundSummary(
                    round=round_no,
                    direction=options.direction,
                    sources=tuple(options.sources),
                    seeds=len(current),
                    resolved=sum(r.method != "unresolved" for r in round_resolutions),
                    found=linked.found,
                    new=len(new),
                    edges=len(linked.edges),
                    requests={s: requests.get(s, 0) for s in options.sources},
                    seed_keys=traced_keys,
                    unresolved=tuple(r.seed for r in round_resolutions if r.method == "unresolved"),
                )
            )
            records += linked.records
            resolutions += round_resolutions
            coverage += linked.coverage
            edges += linked.edges
            notes += [f"{h.service}: {n}" for h in harvests for n in h.notes]
            known += own + [t.record for t in new]
            current = seeds_from_records([t.record for t in new], origin=f"round {round_no}")
            if not current:
                break
        if workspace is not None:  # (inside: should saving fail, the answers stay to resume)
            _save(workspace, rounds, records, edges, directions, clock(), start=start)
    return TraceResult(
        rounds=tuple(rounds),
        records=tuple(records),
        resolutions=tuple(resolutions),
        coverage=tuple(coverage),
        edges=tuple(edges),
        notes=tuple(dict.fromkeys(notes)),
        skipped_seeds=tuple(skipped),
    )


def _save(
    workspace: Workspace,
    rounds: Sequence[RoundSummary],
    records: Sequence[TracedRecord],
    edges: Sequence[Any],
    directions: Sequence[str],
    at: _dt.datetime,
    *,
    start: int,
) -> None:
    """Log the rounds, numbered from ``start``, unless another trace logged a round while
    this one ran (its new works were not deduplicated against that round's)."""
    with workspace.lock():
        latest = max((int(e.get("round", 0)) for e in store.rounds(workspace)), default=0)
        if latest >= start:
            raise WorkspaceError(
                f"another trace logged round {latest} in this review while this one ran; "
                "nothing was saved",
                hint="run the same command again: its works are then deduplicated against "
                "that round (the answers come from the cache unless --no-cache)",
            )
        for summary in rounds:
            store.save_round(
                workspace,
                summary,
                directions=directions,
                records=[r for r in records if r.round == summary.round],
                edges=[e for e in edges if e.round == summary.round],
                at=at,
            )
        workspace.log(
            "trace",
            rounds=[s.round for s in rounds],
            direction=rounds[0].direction if rounds else "",
            sources=list(rounds[0].sources) if rounds else [],
            found=sum(s.found for s in rounds),
            new=sum(s.new for s in rounds),
        )


__all__ = ["TITLE_SOURCES", "TraceOptions", "trace"]
