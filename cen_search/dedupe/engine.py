"""The deduplication pipeline: normalise -> block -> score -> rules -> cluster (-> merge).

:func:`deduplicate` links records, it never drops any: every input record (and every
``previous`` record) is a member of exactly one cluster of the result. :func:`explain` gives
the full evidence and the deciding rule for any two records.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager

from cen_search.dedupe.block import candidate_pairs
from cen_search.dedupe.cluster import Clustering, build_clusters
from cen_search.dedupe.dois import set_aside_collection_dois
from cen_search.dedupe.keys import Keys, record_doi, record_keys
from cen_search.dedupe.links import link_of, one_per_cluster_pair, trial_links
from cen_search.dedupe.merge import choose_kept
from cen_search.dedupe.model import (
    Cluster,
    DedupeOptions,
    DedupeResult,
    Link,
    PairDecision,
    PairVerdict,
    Verdict,
)
from cen_search.dedupe.normalise import clean_issue, clean_volume
from cen_search.dedupe.rules import Context, Judgement, Place, build_context, judge, place_of
from cen_search.dedupe.score import Scores, compare, plainly_different, title_similarity
from cen_search.dedupe.titles import clean_title, title_words
from cen_search.models import Record
from cen_search.progress import NULL_REPORTER, Reporter
from cen_search.unionfind import UnionFind

Pair = tuple[int, int]
"""Two input indices, the smaller first."""
LinkOrder = Callable[[PairVerdict], tuple[object, ...]]


def _verdict(i: int, j: int, judgement: Judgement, scores: Scores) -> PairVerdict:
    return PairVerdict(
        a=i,
        b=j,
        verdict=judgement.verdict,
        rule=judgement.rule,
        score=judgement.score,
        scores=scores.as_dict(),
        reasons=judgement.reasons,
        link=link_of(i, j, judgement) if judgement.verdict is Verdict.DISTINCT else None,
    )


_PLAINLY_DIFFERENT = Judgement(Verdict.DISTINCT, "no-match", 0.0, ("titles differ",), False)


def _evaluate(
    ki: Keys, kj: Keys, options: DedupeOptions, ctx: Context
) -> tuple[Judgement, Scores | None]:
    """The rules' verdict on one pair (the cheap look first; full scores when it matters)."""
    title = title_similarity(ki, kj)
    if plainly_different(ki, kj, title):
        return _PLAINLY_DIFFERENT, None
    scores = compare(ki, kj, title=title)
    return judge(ki, kj, scores, options=options, ctx=ctx), scores


def _incompatible(judgement: Judgement, scores: Scores | None) -> bool:
    """Whether two records must not share a cluster (checked on every pair of a cluster):
    a veto fired, or the titles differ and volume and pages do not both agree."""
    if judgement.contradiction:
        return True
    if judgement.verdict == Verdict.DISTINCT:
        if scores is None:
            return True
        return (
            scores.title < 0.5
            and not scores.title_contained
            and not (scores.pages and scores.volume)
        )
    return False


def cluster_id(ids: Iterable[str]) -> str:
    """Stable cluster id: a short hash of the smallest member id."""
    return "c" + hashlib.sha1(min(ids).encode()).hexdigest()[:10]


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while the engine runs.

    The engine builds hundreds of thousands of small objects (keys, pairs, verdicts) and no
    reference cycles, so the collector's repeated passes over them free nothing and cost a
    fifth of the run time on 50k records; reference counting still frees everything. The
    collector's previous state is restored afterwards, also on errors and interrupts."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def deduplicate(
    records: Sequence[Record],
    *,
    options: DedupeOptions = DedupeOptions(),
    decisions: Iterable[PairDecision] = (),
    previous: Sequence[Record] = (),
    reporter: Reporter | None = None,
) -> DedupeResult:
    """Find the duplicates among ``records`` (and between them and an earlier library).

    ``decisions`` are human decisions by :data:`RecordId`: "same" links the pair, "different"
    keeps the two apart even through chains. ``previous`` records are numbered after
    ``records`` (see :mod:`cen_search.dedupe.model`). The same input gives the same result;
    cluster ids and the review order do not depend on the input order.
    """
    with _cyclic_gc_paused():
        return _deduplicate(
            records, options=options, decisions=decisions, previous=previous, reporter=reporter
        )


def _deduplicate(
    records: Sequence[Record],
    *,
    options: DedupeOptions,
    decisions: Iterable[PairDecision],
    previous: Sequence[Record],
    reporter: Reporter | None,
) -> DedupeResult:
    """:func:`deduplicate`, with the cyclic garbage collector paused by the caller."""
    rep = reporter or NULL_REPORTER
    everything = [*records, *previous]
    ids = [str(r.id) for r in everything]
    keys = set_aside_collection_dois(_all_keys(everything, rep))
    ctx = build_context(place_of(k) for k in keys)

    rep.start("Blocking", total=None)
    pairs = candidate_pairs(keys, ids=ids)
    rep.finish()

    forced, forbidden = _human_links(decisions, ids)
    links, uncertain, incompatible, related = _compare_pairs(
        pairs, keys, forbidden=forbidden, options=options, ctx=ctx, reporter=rep
    )
    checked: dict[Pair, bool] = {}

    def compatible(i: int, j: int) -> bool:
        """Whether records ``i`` and ``j`` may share a cluster (pairs blocking did not
        propose are judged here, once)."""
        if (i, j) in pairs:
            return (i, j) not in incompatible
        known = checked.get((i, j))
        if known is None:
            known = checked[(i, j)] = not _incompatible(*_evaluate(keys[i], keys[j], options, ctx))
        return known

    def order(v: PairVerdict) -> tuple[object, ...]:
        """Strongest link first; ties by the records' stable ids (not their input order)."""
        a, b = sorted((ids[v.a], ids[v.b]))
        return (-v.score, a, b)

    clustering = build_clusters(
        len(everything),
        forced=forced,
        links=links,
        forbidden=forbidden,
        compatible=compatible,
        sort_key=order,
    )
    clusters = _clusters(clustering, everything, ids, n_input=len(records), options=options)
    cluster_of = {m: position for position, c in enumerate(clusters) for m in c.members}
    queue = _review_queue(
        uncertain,
        clustering.refused if options.review_chain_conflicts else (),
        cluster_of=cluster_of,
        forced=forced,
        forbidden=forbidden,
        n_input=len(records),
        name_of=lambda i: everything[i].key or ids[i],
        order=order,
    )
    reports = one_per_cluster_pair(
        [*related, *trial_links(keys, ids.__getitem__)], cluster_of, ids.__getitem__
    )
    left_out = 0
    if options.review_limit is not None:
        limit = int(len(everything) * options.review_limit)
        left_out = max(0, len(queue) - limit)
        queue = queue[:limit]
    return DedupeResult(
        clusters=tuple(clusters),
        uncertain=tuple(queue),
        candidate_pairs=len(pairs),
        cluster_of=cluster_of,
        n_input=len(records),
        uncertain_left_out=left_out,
        links=reports,
    )


def _all_keys(records: Sequence[Record], reporter: Reporter) -> list[Keys]:
    """The matching keys of every record, with progress."""
    reporter.start("Normalising records", total=len(records))
    keys = []
    for record in records:
        keys.append(record_keys(record))
        if len(keys) % 1000 == 0:
            reporter.advance(1000)
    reporter.advance(len(records) % 1000)
    reporter.finish()
    return keys


def _human_links(
    decisions: Iterable[PairDecision], ids: Sequence[str]
) -> tuple[list[PairVerdict], set[Pair]]:
    """People's decisions on pairs of these records: the "same" links to force and the
    "different" pairs to keep apart. The last decision on a pair wins (of several "same" in a
    row, the first is the link shown); decisions on records not in the run are ignored."""
    index_of: dict[str, int] = {}
    for i, rid in enumerate(ids):
        index_of.setdefault(rid, i)
    latest: dict[Pair, PairVerdict] = {}
    for decision in decisions:
        x, y = index_of.get(str(decision.a)), index_of.get(str(decision.b))
        if x is None or y is None or x == y:
            continue
        pair = (min(x, y), max(x, y))
        known = latest.get(pair)
        if decision.same and known is not None and known.verdict == Verdict.DUPLICATE:
            continue
        reason = f"decided by {decision.by or 'a reviewer'}" + (
            f" on {decision.at}" if decision.at else ""
        )
        latest[pair] = PairVerdict(
            pair[0],
            pair[1],
            Verdict.DUPLICATE if decision.same else Verdict.DISTINCT,
            "human:same" if decision.same else "human:different",
            1.0 if decision.same else 0.0,
            {},
            (reason,),
        )
    forced = [v for v in latest.values() if v.verdict == Verdict.DUPLICATE]
    forbidden = {pair for pair, v in latest.items() if v.verdict == Verdict.DISTINCT}
    return forced, forbidden


def _compare_pairs(
    pairs: set[Pair],
    keys: Sequence[Keys],
    *,
    forbidden: set[Pair],
    options: DedupeOptions,
    ctx: Context,
    reporter: Reporter,
) -> tuple[list[PairVerdict], list[PairVerdict], set[Pair], list[Link]]:
    """Judge every candidate pair: (duplicate links, uncertain pairs, pairs that must not
    share a cluster, related reports). Pairs people decided are "different" are neither
    linked nor queued (but still related when they belong together)."""
    reporter.start("Comparing candidate pairs", total=len(pairs))
    incompatible: set[Pair] = set()
    links: list[PairVerdict] = []
    uncertain: list[PairVerdict] = []
    related: list[Link] = []
    step = 0
    for i, j in sorted(pairs):
        judgement, scores = _evaluate(keys[i], keys[j], options, ctx)
        if _incompatible(judgement, scores):
            incompatible.add((i, j))
        if judgement.relation is not None and (
            judgement.verdict is Verdict.DISTINCT or (i, j) in forbidden
        ):
            related.append(
                Link(
                    *_subject_first(i, j, judgement),
                    judgement.relation,
                    judgement.relation_evidence,
                    judgement.rule,
                )
            )
        if scores is not None and (i, j) not in forbidden:
            if judgement.verdict == Verdict.DUPLICATE:
                links.append(_verdict(i, j, judgement, scores))
            elif judgement.verdict == Verdict.UNCERTAIN:
                uncertain.append(_verdict(i, j, judgement, scores))
        step += 1
        if step % 5000 == 0:
            reporter.advance(5000)
    reporter.advance(step % 5000)
    reporter.finish()
    return links, uncertain, incompatible, related


def _subject_first(i: int, j: int, judgement: Judgement) -> tuple[int, int]:
    """The pair's records with the one the relation is about first."""
    return (i, j) if judgement.subject_is_a else (j, i)


def _clusters(
    clustering: Clustering,
    everything: Sequence[Record],
    ids: Sequence[str],
    *,
    n_input: int,
    options: DedupeOptions,
) -> list[Cluster]:
    """The clusters in a stable order (by their smallest member id), each with its kept
    record and the links that joined it."""
    order = sorted(
        range(len(clustering.components)),
        key=lambda c: min(ids[m] for m in clustering.components[c]),
    )
    clusters: list[Cluster] = []
    for c in order:
        members = clustering.components[c]
        clusters.append(
            Cluster(
                id=cluster_id(ids[m] for m in members),
                members=members,
                kept=_kept(members, everything, n_input, options),
                links=clustering.links.get(c, ()),
            )
        )
    return clusters


def _review_queue(
    uncertain: Sequence[PairVerdict],
    refused: Iterable[tuple[PairVerdict, int, int]],
    *,
    cluster_of: Mapping[int, int],
    forced: Iterable[PairVerdict],
    forbidden: Iterable[Pair],
    n_input: int,
    name_of: Callable[[int], str],
    order: LinkOrder,
) -> list[PairVerdict]:
    """The pairs for a person to decide, in ``order``: uncertain pairs and ``refused`` links
    (chain conflicts) between different clusters, one per pair of clusters (deciding on its
    best pair decides for both clusters). A pair people's decisions already answer is not
    asked (see :func:`_decided_apart`), nor, in previous mode, a pair of two records of the
    earlier library: its own round decided them, and no answer changes which new records are
    new."""
    apart = _decided_apart(forced, forbidden)

    def to_ask(a: int, b: int) -> bool:
        return cluster_of[a] != cluster_of[b] and (a < n_input or b < n_input) and not apart(a, b)

    queue = [v for v in uncertain if to_ask(v.a, v.b)]
    seen = {(v.a, v.b) for v in queue}
    for link, x, y in refused:
        if to_ask(link.a, link.b) and (link.a, link.b) not in seen:
            seen.add((link.a, link.b))
            queue.append(
                PairVerdict(
                    link.a,
                    link.b,
                    Verdict.UNCERTAIN,
                    "review:chain-conflict",
                    link.score,
                    link.scores,
                    (
                        *link.reasons,
                        f"joining would put {name_of(x)} and {name_of(y)} in one cluster",
                    ),
                )
            )
    queue.sort(key=order)
    best: dict[tuple[int, int], PairVerdict] = {}
    for verdict in queue:
        ca, cb = sorted((cluster_of[verdict.a], cluster_of[verdict.b]))
        best.setdefault((ca, cb), verdict)
    return list(best.values())


def _decided_apart(
    forced: Iterable[PairVerdict], forbidden: Iterable[Pair]
) -> Callable[[int, int], bool]:
    """Whether people's decisions already keep two records apart: their "same" decisions
    join each of them to one of two records they decided are "different" (A = C and B != C
    leave A and B no answer but "different": "same" would contradict them). Only people's
    decisions count: a record the engine joined to C may still be B's duplicate."""
    joined = UnionFind[int]()
    for link in forced:
        joined.union(link.a, link.b)
    apart = {frozenset((joined.find(a), joined.find(b))) for a, b in forbidden}
    return lambda a, b: frozenset((joined.find(a), joined.find(b))) in apart


def _kept(
    members: Sequence[int], everything: Sequence[Record], n_input: int, options: DedupeOptions
) -> int:
    """The member a cluster keeps: the most complete (of the earlier library's members, when
    :attr:`DedupeOptions.keep_previous` and it has any)."""
    pool = list(members)
    if options.keep_previous:
        old = [m for m in members if m >= n_input]
        if old:
            pool = old
    return pool[choose_kept([everything[m] for m in pool])]


def _context_place(record: Record) -> Place:
    """The :data:`~cen_search.dedupe.rules.Place` of a record, cheaper than
    :func:`record_keys` (for the context of :func:`explain`)."""
    main, _ = clean_title(record.title)
    return (
        " ".join(title_words(main)),
        record.year,
        clean_volume(record.volume),
        clean_issue(record.issue),
    )


def explain(
    a: Record,
    b: Record,
    *,
    options: DedupeOptions = DedupeOptions(),
    context: Sequence[Record] = (),
) -> PairVerdict:
    """Why two records are (or are not) duplicates: every field score and the deciding rule.

    ``context`` (optional) is the whole input the pair came from; it lets the rules know which
    titles recur across different items, exactly as in :func:`deduplicate`.
    """
    ka, kb = record_keys(a), record_keys(b)
    if ka.doi or kb.doi:
        # whether the DOIs are collection DOIs depends on the records of the run carrying them
        sharing = [record_keys(r) for r in context if record_doi(r) in (ka.doi, kb.doi)]
        ka, kb = set_aside_collection_dois([ka, kb, *sharing])[:2]
    ctx = build_context([place_of(ka), place_of(kb), *(_context_place(r) for r in context)])
    scores = compare(ka, kb)
    return _verdict(0, 1, judge(ka, kb, scores, options=options, ctx=ctx), scores)
