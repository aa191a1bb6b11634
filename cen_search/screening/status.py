"""The screening section of ``cen-search status``: progress per stage, conflicts, agreement,
studies, and what to do next, folded from the logs (nothing is stored)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from cen_search.errors import CenSearchError
from cen_search.wording import count
from cen_search.workspace.manifest import Problem
from cen_search.workspace.status import StatusSection

_SHOWN = 5
"""Events that could not be applied, listed one by one in ``status`` (the rest counted)."""

if TYPE_CHECKING:
    from cen_search.screening.flow import Screening
    from cen_search.workspace import Workspace


def summary(
    screening: Screening, *, stages: Sequence[str] = ("ta", "ft")
) -> tuple[list[str], dict[str, Any], list[str]]:
    """Lines for people, the same facts as data, and next steps, for ``stages`` (studies
    only with the full text)."""
    from cen_search.screening.conflicts import progress
    from cen_search.screening.studies import study_groups

    lines: list[str] = []
    data: dict[str, Any] = {"reports": len(screening.reports), "stages": {}}
    steps: list[str] = []
    for stage, name in (("ta", "title/abstract"), ("ft", "full text")):
        if stage not in stages:
            continue
        p = progress(screening, stage)
        if stage == "ft" and not p.eligible:
            continue
        decided = ", ".join(f"{n} {outcome}" for outcome, n in sorted(p.decided.items()))
        line = f"{name}: {count(p.eligible, 'report')}; {decided or 'none decided'}"
        line += f"; {p.pending} to do, {count(p.conflicts, 'conflict')}"
        lines.append(line)
        if stage == "ft" and p.retrieval:
            got = ", ".join(f"{n} {state}" for state, n in sorted(p.retrieval.items()))
            lines.append(f"full-text retrieval: {got}")
        if p.votes:
            lines.append("  votes: " + ", ".join(f"{by} {n}" for by, n in sorted(p.votes.items())))
        data["stages"][stage] = {
            "eligible": p.eligible,
            "decided": dict(p.decided),
            "pending": p.pending,
            "conflicts": p.conflicts,
            "votes": dict(p.votes),
            "retrieval": dict(p.retrieval),
        }
        if p.conflicts:
            steps.append(f"resolve the {name} conflicts: cen-search screen conflicts")
        if p.pending:
            if stage == "ft" and p.retrieval.get("pending"):
                steps.append(
                    "record full-text retrieval: cen-search screen --stage ft "
                    "(r) or cen-search screen retrieval"
                )
            steps.append(
                f"screen {name}: cen-search screen" + (" --stage ft" if stage == "ft" else "")
            )
    for agreement in screening.flow().agreements:
        if agreement.stage not in stages:
            continue
        kappa = "undefined" if agreement.kappa is None else f"{agreement.kappa:.2f}"
        lines.append(
            f"agreement at {agreement.stage}, {' / '.join(agreement.reviewers)}: "
            f"{agreement.percent:.1f}% (kappa {kappa}, n = {agreement.n})"
        )
    groups, unlinked = study_groups(screening)
    included = sum(len(g.reports) for g in groups) + len(unlinked)
    if included and "ft" in stages:
        lines.append(
            f"studies: {count(included, 'included report')} in "
            f"{count(len(groups), 'study', 'studies')}"
            + (f"; {len(unlinked)} not linked to a study" if unlinked else "")
        )
        if unlinked:
            steps.append("link the included reports to studies: cen-search screen studies")
    data["included_reports"] = included
    data["studies"] = len(groups)
    data["unlinked_reports"] = len(unlinked)
    return lines, data, steps


def section(ws: Workspace) -> StatusSection | None:
    """What the screening logs say, or None before any record was imported."""
    from cen_search.screening.log import log_files

    if not log_files(ws):
        if not ws.imports():
            return None
        return StatusSection(
            name="screening",
            title="screening",
            lines=("no decisions yet",),
            next_steps=("screen titles and abstracts: cen-search screen",),
        )
    from cen_search.screening.flow import load_screening

    try:
        screening = load_screening(ws)
    except CenSearchError as exc:
        return StatusSection(
            name="screening",
            title="screening",
            lines=("cannot be folded: see the problems",),
            problems=(Problem("screening/", exc.message, exc.hint),),
        )
    lines, data, steps = summary(screening)
    found = screening.problems()
    problems = [
        Problem(
            "screening/",
            text,
            "the event stays in the log; see 'The fold' in docs/screening.md",
        )
        for text in found[:_SHOWN]
    ]
    if len(found) > _SHOWN:
        problems.append(
            Problem(
                "screening/",
                f"{len(found) - _SHOWN} more events could not be applied as they were made",
                "cen-search screen progress lists them all",
            )
        )
    return StatusSection(
        name="screening",
        title="screening",
        lines=tuple(lines),
        data=data,
        problems=tuple(problems),
        next_steps=tuple(steps),
    )
