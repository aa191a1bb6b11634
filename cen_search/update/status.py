"""Where an update round stands: ``cen-search update status`` and the update section of
``cen-search status``, folded from the rounds, the imports, the update log, the dedupe result
and the screening logs (nothing is stored)."""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

from cen_search.errors import CenSearchError
from cen_search.update.model import RoundReport
from cen_search.wording import count
from cen_search.workspace.manifest import Problem
from cen_search.workspace.rounds import FIRST_ROUND, rounds
from cen_search.workspace.status import StatusSection

if TYPE_CHECKING:
    from cen_search.screening.flow import Screening
    from cen_search.workspace import Workspace


def round_report(
    ws: Workspace, *, screening: Screening | None = None, today: _dt.date | None = None
) -> RoundReport:
    """The current update round as it stands (see :class:`RoundReport`)."""
    from cen_search.dedupe.workspace_run import last_summary
    from cen_search.screening.flow import load_screening
    from cen_search.update.changes import round_changes
    from cen_search.update.run import update_round
    from cen_search.update.sources import round_sources, source_states

    today = today or _dt.date.today()
    current = update_round(ws)
    sources, window, earlier = round_sources(ws, current, today=today)
    states, others = source_states(ws, sources, round_name=current.name, window=window, today=today)
    if screening is None:
        screening = load_screening(ws)
    summary = last_summary(ws) or {}
    return RoundReport(
        round=current.name,
        window=window,
        started=current.started,
        sources=tuple(states),
        changes=round_changes(screening, current.name),
        earlier_rounds=earlier,
        other_imports=tuple(others),
        undecided_pairs=int(summary.get("undecided_pairs", 0) or 0),
    )


def waiting_for_people(report: RoundReport) -> list[str]:
    """What the round needs a person for, most urgent first."""
    changes = report.changes
    out = []
    for state in report.awaited:
        if state.status == "awaited":
            out.append(f"export {state.source.database} and import it into the round")
        elif state.status == "to-run":
            out.append(f"run the round's searches: cen-search update run ({state.source.database})")
    if report.undecided_pairs:
        out.append(
            f"decide {count(report.undecided_pairs, 'uncertain duplicate pair')}: "
            "cen-search dedupe review"
        )
    if changes.to_screen:
        out.append(
            f"screen {count(changes.to_screen, 'new record')} on title and abstract: "
            "cen-search screen"
        )
    if changes.full_text_to_do:
        out.append(
            f"assess {count(changes.full_text_to_do, 'full text')}"
            + (f" ({changes.reopened_pending} reopened)" if changes.reopened_pending else "")
            + ": cen-search screen --stage ft"
        )
    if changes.news:
        out.append(
            f"check {count(len(changes.news), 'record')} about studies already known "
            "(see the digest)"
        )
    return out


def report_lines(report: RoundReport) -> list[str]:
    """The round for people, one fact a line."""
    changes = report.changes
    lines = [
        f"round {report.round} (started {report.started[:10]}), window {report.window.describe()}"
    ]
    for state in report.sources:
        source = state.source
        what = {
            "ran": f"ran on {source.target}: {count(state.records, 'record')}",
            "imported": f"imported: {count(state.records, 'record')}",
            "skipped": "skipped" + (f" ({state.note})" if state.note else ""),
            "to-run": f"to run on {source.target}",
            "awaited": "export awaited",
        }[state.status]
        lines.append(f"  {source.database}: {what}")
    for other in report.other_imports:
        lines.append(f"  also imported: {other}")
    lines.append(
        f"new in the round: {count(changes.records, 'record')}, "
        f"{changes.duplicates_earlier} already in the review, "
        f"{changes.duplicates_within} duplicates within the round, "
        f"{count(len(changes.new_reports), 'new report')}"
    )
    lines.append(
        f"to screen: {changes.to_screen} on title and abstract, "
        f"{changes.full_text_to_do} at full text"
        + (f" ({len(changes.reopened)} reopened from earlier rounds)" if changes.reopened else "")
    )
    if changes.news:
        lines.append(f"news about known studies: {len(changes.news)}")
    lines.append("round complete" if report.complete else "round not complete")
    return lines


def report_data(report: RoundReport) -> dict[str, Any]:
    """The round as data (``update status --json`` and the ``status`` section)."""
    from cen_search.update.digest import summary_document

    return summary_document(report)


def section(ws: Workspace) -> StatusSection | None:
    """The update section of ``cen-search status``: None until an update round is started."""
    if rounds(ws)[-1].name == FIRST_ROUND:
        return None
    try:
        report = round_report(ws)
    except CenSearchError as exc:
        return StatusSection(
            name="update",
            title="update",
            lines=("cannot be reported: see the problems",),
            problems=(Problem("update/", exc.message, exc.hint),),
        )
    return StatusSection(
        name="update",
        title=f"update round {report.round}",
        lines=tuple(report_lines(report)),
        data=report_data(report),
        next_steps=tuple(waiting_for_people(report)),
    )


__all__ = ["report_data", "report_lines", "round_report", "section", "waiting_for_people"]
