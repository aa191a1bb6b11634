"""Citation tracing: references (backward) and citing works (forward) of a review's seeds,
through several open indexes, merged, deduplicated against the review, in rounds.

- :mod:`.seeds`: seeds from files, identifiers or the review's included studies; title matching
- :mod:`.engine`: :func:`~.engine.trace` (rounds, resolution, checkpoint)
- :mod:`.merge`: merging the sources, deduplication, ranks, coverage, edges
- :mod:`.store`: ``trace/`` in a review (rounds, edges, records) and
  :func:`~.store.round_counts` for PRISMA
- :mod:`.model`: the values passed around

The indexes themselves are clients in :mod:`cen_search.apis` (role ``trace``); this package
never imports the strategies package.
"""

from __future__ import annotations

__all__ = ["TraceOptions", "round_counts", "trace"]


def __getattr__(name: str):  # lazy: importing the package stays cheap
    if name in ("TraceOptions", "trace"):
        from cen_search.trace import engine

        return getattr(engine, name)
    if name == "round_counts":
        from cen_search.trace.store import round_counts

        return round_counts
    raise AttributeError(name)
