"""The PRISMA section of ``cen-search status``: whether the counts add up (which identity
breaks, if any) and what decisions are still pending before the diagram is final."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cen_search.errors import CenSearchError
from cen_search.wording import count
from cen_search.workspace.manifest import Problem
from cen_search.workspace.status import StatusSection

if TYPE_CHECKING:
    from cen_search.workspace import Workspace


def section(ws: Workspace) -> StatusSection | None:
    """The flow's checks and pending work, or None before anything is imported."""
    from cen_search.prisma.review import review_flow

    if not ws.imports():
        return None
    try:
        flow = review_flow(ws).flow
    except CenSearchError as exc:
        return StatusSection(
            name="prisma",
            title="PRISMA 2020 flow",
            lines=(f"cannot be counted yet: {exc.message}",),
            data={"error": exc.message},
        )
    inc = flow.included
    lines = [
        f"{flow.template} review: {count(flow.dbr.identified, 'record')} identified in "
        f"databases and registers, {flow.other.identified} by other methods; "
        f"{flow.dbr.screened} screened; {count(inc.studies, 'study', 'studies')} "
        f"({count(inc.reports, 'report')}) included",
        "identities: all hold" if flow.ok else f"identities: {len(flow.broken)} broken",
    ]
    lines += [f"broken: {c.lane} {c.name}: {c.equation}" for c in flow.broken]
    lines += [f"pending: {p.description} (n = {p.count})" for p in flow.pending]
    problems = tuple(
        Problem(
            "prisma",
            f"{check.lane}: {check.statement} fails ({check.equation})"
            + (f": {'; '.join(check.responsible[:3])}" if check.responsible else ""),
            "fix the decisions named (cen-search prisma --json lists every one)",
        )
        for check in flow.broken
    )
    steps = []
    if flow.pending:
        steps.append("finish screening; cen-search prisma --check says when the flow is final")
    elif flow.ok:
        steps.append("draw the diagram: cen-search prisma -o prisma.svg -o prisma.csv")
    return StatusSection(
        name="prisma",
        title="PRISMA 2020 flow",
        lines=tuple(lines),
        data={
            "template": flow.template,
            "identities_ok": flow.ok,
            "broken": [f"{c.lane}:{c.name}" for c in flow.broken],
            "pending": {p.what: p.count for p in flow.pending},
            "studies": inc.studies,
            "reports": inc.reports,
            "final": flow.final,
        },
        problems=problems,
        next_steps=tuple(steps),
    )
