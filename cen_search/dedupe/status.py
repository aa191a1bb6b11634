"""The deduplication section of ``cen-search status``: the last run (records in, distinct,
undecided pairs, when), read from ``dedupe/summary.json`` without running anything."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cen_search.workspace.status import StatusSection

if TYPE_CHECKING:
    from cen_search.workspace import Workspace


def section(ws: Workspace) -> StatusSection | None:
    """What the last ``cen-search dedupe`` in the review found, or None before the first."""
    from cen_search.dedupe.workspace_run import last_summary

    summary = last_summary(ws)
    if summary is None:
        return None
    records, distinct = summary.get("records_in", 0), summary.get("clusters", 0)
    undecided = int(summary.get("undecided_pairs", 0) or 0)
    lines = [
        f"last run {summary.get('at', '(time unknown)')}: {records} records in, "
        f"{distinct} distinct, {summary.get('duplicates_removed', 0)} duplicates removed",
        f"uncertain pairs: {summary.get('uncertain_pairs', 0)} ({undecided} undecided)",
    ]
    orphans = summary.get("orphaned_decisions") or []
    contradictions = summary.get("contradictions") or []
    if orphans:
        lines.append(f"decisions naming records no longer imported: {len(orphans)} (kept)")
    if contradictions:
        lines.append(f"decisions that contradict each other: {len(contradictions)}")
    steps = []
    if undecided or contradictions:
        steps.append("decide the uncertain pairs: cen-search dedupe review")
    return StatusSection(
        name="dedupe",
        title="deduplication",
        lines=tuple(lines),
        data={
            key: summary.get(key)
            for key in (
                "at",
                "records_in",
                "clusters",
                "duplicates_removed",
                "uncertain_pairs",
                "undecided_pairs",
                "decisions_applied",
                "outputs",
            )
        },
        next_steps=tuple(steps),
    )
