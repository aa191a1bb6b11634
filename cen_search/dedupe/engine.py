"""The deduplication pipeline: normalise -> block -> score -> rules -> cluster (-> merge).

:func:`deduplicate` links records, it never drops any: every input record (and every
``previous`` record) is a member of exactly one cluster of the result. :func:`explain` gives
the full evidence and the deciding rule for any two records.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence

from cen_search.dedupe.block import candidate_pairs
from cen_search.dedupe.cluster import build_clusters
from cen_search.dedupe.keys import Keys, record_keys
from cen_search.dedupe.merge import choose_kept
from cen_search.dedupe.model import (
    Cluster,
    DedupeOptions,
    DedupeResult,
    PairDecision,
    PairVerdict,
    Verdict,
)
from cen_search.dedupe.normalise import clean_issue, clean_title, clean_volume, title_words
from cen_search.dedupe.rules import Context, Judgement, judge
from cen_search.dedupe.score import Scores, compare, plainly_different
from cen_search.models import Record
from cen_search.progress import NULL_REPORTER, Reporter


def build_context(keys: Iterable[Keys | tuple[str, int | None, str, str]]) -> Context:
    """Facts about the whole input the rules need: titles shared by different items.

    A title is *recurring* (a column such as "Editor's comments", "Gateways to clinical
    trials") when records carrying it sit in issues that cannot be one item: years two or
    more apart, or two different complete (year, volume, issue) places.
    """
    years: dict[str, set[int]] = defaultdict(set)
    places: dict[str, set[tuple[int, str, str]]] = defaultdict(set)
    for k in keys:
        title, year, volume, issue = (
            (k.title, k.year, k.volume, k.issue) if isinstance(k, Keys) else k
        )
        if title and year:
            years[title].add(year)
            if volume and issue and len(issue) <= 2:
                places[title].add((year, volume, issue))
    generic = {t for t, ys in years.items() if len(ys) > 1 and max(ys) - min(ys) >= 2}
    generic.update(t for t, ps in places.items() if len(ps) > 1)
    return Context(generic_titles=frozenset(generic))


def _verdict(i: int, j: int, judgement: Judgement, scores: Scores) -> PairVerdict:
    return PairVerdict(
        a=i,
        b=j,
        verdict=judgement.verdict,
        rule=judgement.rule,
        score=judgement.score,
        scores=scores.as_dict(),
        reasons=judgement.reasons,
    )


def _evaluate(
    ki: Keys, kj: Keys, options: DedupeOptions, ctx: Context
) -> tuple[Judgement, Scores | None]:
    """The rules' verdict on one pair (the cheap look first; full scores when it matters)."""
    if plainly_different(ki, kj):
        return _PLAINLY_DIFFERENT, None
    scores = compare(ki, kj)
    return judge(ki, kj, scores, options=options, ctx=ctx), scores


_PLAINLY_DIFFERENT = Judgement(Verdict.DISTINCT, "no-match", 0.0, ("titles differ",), False)


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
    rep = reporter or NULL_REPORTER
    everything = [*records, *previous]
    n = len(everything)
    ids = [str(r.id) for r in everything]

    rep.start("Normalising records", total=n)
    keys = []
    for record in everything:
        keys.append(record_keys(record))
        if len(keys) % 1000 == 0:
            rep.advance(1000)
    rep.advance(n % 1000)
    rep.finish()
    ctx = build_context(keys)

    rep.start("Blocking", total=None)
    pairs = candidate_pairs(keys, ids=ids)
    rep.finish()

    index_of: dict[str, int] = {}
    for i, rid in enumerate(ids):
        index_of.setdefault(rid, i)
    forced: list[PairVerdict] = []
    forbidden: set[tuple[int, int]] = set()
    for decision in decisions:
        x, y = index_of.get(str(decision.a)), index_of.get(str(decision.b))
        if x is None or y is None or x == y:
            continue
        i, j = min(x, y), max(x, y)
        rule = "human:same" if decision.same else "human:different"
        reason = f"decided by {decision.by or 'a reviewer'}" + (
            f" on {decision.at}" if decision.at else ""
        )
        verdict = PairVerdict(
            i,
            j,
            Verdict.DUPLICATE if decision.same else Verdict.DISTINCT,
            rule,
            1.0 if decision.same else 0.0,
            {},
            (reason,),
        )
        if decision.same:
            forced.append(verdict)
            forbidden.discard((i, j))
        else:
            forbidden.add((i, j))
            forced = [f for f in forced if (f.a, f.b) != (i, j)]

    rep.start("Comparing candidate pairs", total=len(pairs))
    incompatible: set[tuple[int, int]] = set()
    links: list[PairVerdict] = []
    uncertain: list[PairVerdict] = []
    step = 0
    for i, j in sorted(pairs):
        judgement, scores = _evaluate(keys[i], keys[j], options, ctx)
        if _incompatible(judgement, scores):
            incompatible.add((i, j))
        if scores is not None and (i, j) not in forbidden:
            if judgement.verdict == Verdict.DUPLICATE:
                links.append(_verdict(i, j, judgement, scores))
            elif judgement.verdict == Verdict.UNCERTAIN:
                uncertain.append(_verdict(i, j, judgement, scores))
        step += 1
        if step % 5000 == 0:
            rep.advance(5000)
    rep.advance(step % 5000)
    rep.finish()

    extra: dict[tuple[int, int], bool] = {}

    def compatible(i: int, j: int) -> bool:
        if (i, j) in pairs:
            return (i, j) not in incompatible
        known = extra.get((i, j))
        if known is None:
            known = extra[(i, j)] = not _incompatible(*_evaluate(keys[i], keys[j], options, ctx))
        return known

    def sort_key(v: PairVerdict) -> tuple[object, ...]:
        a, b = sorted((ids[v.a], ids[v.b]))
        return (-v.score, a, b)

    clustering = build_clusters(
        n,
        forced=forced,
        links=links,
        forbidden=forbidden,
        compatible=compatible,
        sort_key=sort_key,
    )

    clusters: list[Cluster] = []
    cluster_of: dict[int, int] = {}
    order = sorted(
        range(len(clustering.components)),
        key=lambda c: min(ids[m] for m in clustering.components[c]),
    )
    for position, c in enumerate(order):
        members = clustering.components[c]
        kept = _kept(members, everything, len(records), options)
        clusters.append(
            Cluster(
                id=cluster_id(ids[m] for m in members),
                members=members,
                kept=kept,
                links=clustering.links.get(c, ()),
            )
        )
        for m in members:
            cluster_of[m] = position

    queue = [v for v in uncertain if cluster_of[v.a] != cluster_of[v.b]]
    if options.review_chain_conflicts:
        seen = {(v.a, v.b) for v in queue}
        for link, x, y in clustering.refused:
            if cluster_of[link.a] != cluster_of[link.b] and (link.a, link.b) not in seen:
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
                            f"joining would put {everything[x].key or ids[x]}"
                            f" and {everything[y].key or ids[y]} in one cluster",
                        ),
                    )
                )
    queue.sort(key=sort_key)
    # One item per pair of clusters: deciding on its best pair decides for both clusters.
    best: dict[tuple[int, int], PairVerdict] = {}
    for verdict in queue:
        ca, cb = sorted((cluster_of[verdict.a], cluster_of[verdict.b]))
        best.setdefault((ca, cb), verdict)
    queue = sorted(best.values(), key=sort_key)
    left_out = 0
    if options.review_limit is not None:
        limit = int(n * options.review_limit)
        left_out = max(0, len(queue) - limit)
        queue = queue[:limit]
    return DedupeResult(
        clusters=tuple(clusters),
        uncertain=tuple(queue),
        candidate_pairs=len(pairs),
        cluster_of=cluster_of,
        n_input=len(records),
        uncertain_left_out=left_out,
    )


def _kept(
    members: Sequence[int], everything: Sequence[Record], n_input: int, options: DedupeOptions
) -> int:
    pool = list(members)
    if options.keep_previous:
        old = [m for m in members if m >= n_input]
        if old:
            pool = old
    return pool[choose_kept([everything[m] for m in pool])]


def _context_keys(record: Record) -> tuple[str, int | None, str, str]:
    """The few keys :func:`build_context` needs, cheaper than :func:`record_keys`."""
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
    ctx = build_context([ka, kb, *(_context_keys(r) for r in context)])
    scores = compare(ka, kb)
    return _verdict(0, 1, judge(ka, kb, scores, options=options, ctx=ctx), scores)
