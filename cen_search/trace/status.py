"""The citation-tracing section of ``cen-search status``: the rounds logged in
``trace/rounds.jsonl`` (when, direction, sources, works found and new) and the citing-cited
pairs stored in ``trace/edges.jsonl``, read without sending any request; before the first
round, what to run when the included studies are configured."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cen_search.wording import count
from cen_search.workspace.status import StatusSection

if TYPE_CHECKING:
    from cen_search.workspace import Workspace


def section(ws: Workspace) -> StatusSection | None:
    """What tracing has done in the review, or None when it has not started and no seeds are
    configured."""
    from cen_search.trace.store import known_edges, round_counts

    counts = round_counts(ws)
    configured = ws.settings.table("trace").get("seeds")
    if not counts:
        if not configured:
            return None
        return StatusSection(
            name="trace",
            title="citation tracing",
            lines=(f"included studies to trace from: {configured} (not traced yet)",),
            data={"rounds": [], "seeds_file": configured},
            next_steps=("trace their references and citing works: cen-search trace both",),
        )
    last = counts[-1]
    lines = [
        f"{count(len(counts), 'round')}; the last on {last.date}: {last.direction} through "
        f"{', '.join(last.sources)}, {count(last.seeds, 'seed')}",
        f"works found: {sum(c.records_found for c in counts)}, new to the review: "
        f"{sum(c.new_records for c in counts)}; citation edges stored: "
        f"{len(known_edges(ws))}",
    ]
    return StatusSection(
        name="trace",
        title="citation tracing",
        lines=tuple(lines),
        data={
            "rounds": [
                {
                    "round": c.round,
                    "date": c.date,
                    "direction": c.direction,
                    "sources": list(c.sources),
                    "seeds": c.seeds,
                    "records_found": c.records_found,
                    "new_records": c.new_records,
                    "edges": c.edges,
                }
                for c in counts
            ]
        },
    )
