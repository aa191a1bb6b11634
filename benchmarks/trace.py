"""Citation tracing through OpenAlex against a known graph: ``python -m benchmarks trace``.

Builds a synthetic citation graph (``tests/_fake_openalex.py``: seeds, their references and
the works citing them, part of both shared between seeds), serves it on 127.0.0.1 in
OpenAlex's response shapes (list envelope, ``select=``, ``|``-OR-ed filters, cursor paging),
and traces every seed both ways with ``cen_search.trace.trace`` (resolution, batching,
merging, deduplication, ranking). Prints the requests per kind against the batching bound
(ceil(seeds/50) lookups, ceil(unique references/50) fetches, the cursor pages of 100 citing
works per batch of 50 seeds), records per second, and whether the traced set equals the
graph's true neighbourhood; then runs again with the disk cache, which must send no request.

Options: ``--seeds 500``, ``--refs 30``, ``--citing 20``, ``--shared 0.3`` (the part of
references and citing works common to several seeds).
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO / "tests") not in sys.path:  # the graph server lives with the test doubles
    sys.path.insert(0, str(REPO / "tests"))


def _bound(graph, seed_ids: list[str]) -> dict[str, int]:
    cited = {r.rsplit("/", 1)[-1] for s in seed_ids for r in graph.works[s]["referenced_works"]}
    pages = 0
    for start in range(0, len(seed_ids), 50):
        chunk = seed_ids[start : start + 50]
        citing = {c for s in chunk for c in graph.citing.get(s, ())}
        pages += max(1, math.ceil(len(citing) / 100))
    return {
        "lookup": math.ceil(len(seed_ids) / 50),
        "fetch": math.ceil(len(cited - set(seed_ids)) / 50),
        "cites": pages,
    }


def _run(graph, seed_ids, server, cache: Path) -> tuple[object, object, float]:
    from cen_search.apis import get
    from cen_search.apis.http import make_session
    from cen_search.trace.engine import TraceOptions, trace
    from cen_search.trace.seeds import seeds_from_ids

    session = make_session(cache_dir=str(cache), sleep=lambda s: None)
    client = get("openalex").client(session=session, base_url=server.url)
    session.set_min_interval("openalex", 0.0)  # a local server: no politeness needed
    seeds = seeds_from_ids(dois=[graph.doi_of(s) for s in seed_ids])
    started = time.perf_counter()
    result = trace(
        seeds,
        options=TraceOptions(direction="both", sources=("openalex",)),
        clients={"openalex": client},
        session=session,
        checkpoint_root=cache.parent / "checkpoints",
    )
    return result, session, time.perf_counter() - started


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks trace")
    parser.add_argument("--seeds", type=int, default=500)
    parser.add_argument("--refs", type=int, default=30)
    parser.add_argument("--citing", type=int, default=20)
    parser.add_argument("--shared", type=float, default=0.3)
    args = parser.parse_args(argv)

    from _apiserver import ApiServer
    from _fake_openalex import Graph

    graph, seed_ids = Graph.synthetic(
        seeds=args.seeds, refs=args.refs, citing=args.citing, shared=args.shared
    )
    truth = graph.neighbourhood(seed_ids, backward=True, forward=True)
    bound = _bound(graph, seed_ids)
    rows = []
    with ApiServer() as server, tempfile.TemporaryDirectory() as tmp:
        server.route_prefix("/works", graph.handle)
        for label in ("first run", "with cache"):
            graph.requests.clear()
            result, session, seconds = _run(graph, seed_ids, server, Path(tmp) / "cache")
            found = {t.record.accession_numbers[0] for t in result.records}
            rows.append(
                (
                    label,
                    dict(graph.requests),
                    session.sent["openalex"],
                    result,
                    seconds,
                    found == truth,
                )
            )
    print(
        f"graph: {len(graph.works):,} works; {args.seeds} seeds, each with {args.refs} references "
        f"and {args.citing} citing works ({args.shared:.0%} shared); true neighbourhood "
        f"{len(truth):,} works"
    )
    print()
    header = (
        "run",
        "source",
        "lookups",
        "fetches",
        "cursor pages",
        "requests",
        "bound",
        "records",
        "seconds",
        "records/s",
        "traced = truth",
    )
    table = [header]
    for label, kinds, sent, result, seconds, equal in rows:
        table.append(
            (
                label,
                "openalex",
                f"{kinds.get('lookup', 0)} / {bound['lookup']}",
                f"{kinds.get('fetch', 0)} / {bound['fetch']}",
                f"{kinds.get('cites', 0)} / {bound['cites']}",
                f"{sent}",
                f"{sum(bound.values())}" if label == "first run" else "0",
                f"{len(result.records):,}",
                f"{seconds:.1f}",
                f"{len(result.records) / seconds:,.0f}",
                "yes" if equal else "NO",
            )
        )
    widths = [max(len(str(row[i])) for row in table) for i in range(len(header))]
    for row in table:
        print("  ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
    first, cached = rows
    ok = first[2] <= sum(bound.values()) and cached[2] == 0 and first[5] and cached[5]
    print()
    print("at the batching bound, cache run free, traced set complete:", "yes" if ok else "NO")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
