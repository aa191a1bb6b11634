"""Decisions made in another tool, as screening events: read, match, check, skip repeats.

Every decision keeps its reviewer (named as in the file, or as ``--reviewer-map`` renames
them) and its time when the file has one; the team's final decisions (Covidence's lists)
become resolutions. Each event carries an ``origin`` naming the decision in the tool's export,
so importing the same export again adds nothing, while a later export with changed decisions
adds just the changes; a decision without a time of its own (an export's snapshot) that the
reviewer's vote in force already says is not added again either. A full-text decision on a
report with no title/abstract inclusion in the review also records that inclusion (the tool
screened it there), as a resolution.
Reasons are kept as the tool wrote them; those not in ``[screening] reasons`` are reported.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cen_search.errors import UsageError
from cen_search.screening.actions import remove_event, resolve_event, vote_event
from cen_search.screening.events import Event
from cen_search.screening.flow import Screening
from cen_search.screening.matching import Match, match_rows
from cen_search.screening.model import TaOutcome
from cen_search.screening.tools import reader
from cen_search.screening.tools.base import ToolOptions, ToolVote
from cen_search.wording import count
from cen_search.workspace.rounds import current_round

if TYPE_CHECKING:
    from cen_search.workspace import Workspace


@dataclass
class ToolImport:
    """What importing one file found and would add."""

    tool: str
    kind: str
    rows: int = 0
    """Rows read (articles for an event log: see ``unit``)."""
    unit: str = "row"
    matched: Counter[str] = field(default_factory=Counter)
    """Route (key, doi, pmid, dedupe) -> rows matched by it."""
    unmatched: list[tuple[str, str]] = field(default_factory=list)
    """(where, why) for every row with decisions that matched no report."""
    rejected: list[tuple[str, str]] = field(default_factory=list)
    """(where, why) for decisions that cannot be recorded (a full-text exclusion without a
    reason ...)."""
    events: list[Event] = field(default_factory=list)
    already: int = 0
    """Decisions already in the log (imported before)."""
    undecided: int = 0
    """Rows the tool has no decision for."""
    reviewers: Counter[str] = field(default_factory=Counter)
    """Reviewer -> decisions added."""
    unknown_reasons: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)


def import_tool_file(
    screening: Screening,
    path: Path,
    *,
    ws: Workspace,
    tool: str,
    options: ToolOptions,
    by: str = "",
) -> ToolImport:
    """Read ``path`` as an export of ``tool`` and build the events it adds (not appended:
    see :func:`cen_search.screening.actions.record`). ``by`` records removals
    (``--unseen automation``)."""
    module = reader(tool)
    found = module.read(path, options)
    outcome = ToolImport(tool=module.LABEL, kind=found.kind, rows=len(found.rows), unit=found.unit)
    outcome.notes += found.notes
    known = {event.origin for event in screening.events if event.origin}
    round_name = current_round(ws)
    source = f"{module.NAME}:{path.name}"
    implied: set[str] = set()
    matches = match_rows(screening.library, found.rows)
    # reports screened through another row (a duplicate the tool showed) or already decided
    # are not "not seen": an unseen duplicate row does not remove them
    screened = {m.report.report_id for m in matches if m.report is not None and m.row.votes}
    kept_unseen = 0
    for match in matches:
        row = match.row
        if not row.votes and not (row.unlabelled and options.unseen == "automation"):
            outcome.undecided += 1
            continue
        if match.report is None:
            outcome.unmatched.append((row.where, match.reason))
            continue
        outcome.matched[match.via] += 1
        if not row.votes:
            ta = screening.folded.report(match.report.report_id).ta
            if match.report.report_id in screened or ta.votes or ta.resolution is not None:
                kept_unseen += 1
                continue
            origin = f"{module.NAME}:unseen:{row.where}:{match.report.report_id}"
            if origin in known:
                outcome.already += 1
                continue
            event = remove_event(
                screening,
                match.report,
                ws=ws,
                by=by or "tool:" + module.NAME,
                kind="automation",
                reason=f"not screened: {module.LABEL} stopped before showing it",
                source=source,
                round=round_name,
            )
            outcome.events.append(_with(event, origin=origin))
            known.add(origin)
            continue
        for vote in row.votes:
            if vote.origin in known or _in_force(screening, match, vote):
                outcome.already += 1
                continue
            try:
                events = _events_for(
                    screening,
                    match,
                    vote,
                    ws=ws,
                    source=source,
                    implied=implied,
                    round=round_name,
                )
            except UsageError as exc:
                outcome.rejected.append((row.where, exc.message))
                continue
            known.add(vote.origin)
            for event in events:
                outcome.events.append(event)
                if event.origin == vote.origin:
                    outcome.reviewers[event.by] += 1
                    for reason in event.reasons:
                        if screening.config.canonical_reason(reason) is None:
                            outcome.unknown_reasons[reason] += 1
    if kept_unseen:
        outcome.notes.append(
            f"{count(kept_unseen, 'record')} not seen kept, not removed: "
            + ("it is a duplicate" if kept_unseen == 1 else "each is a duplicate")
            + " of a record that was screened"
        )
    return outcome


def _in_force(screening: Screening, match: Match, vote: ToolVote) -> bool:
    """True when ``vote`` is a snapshot (no time of its own) that the reviewer's vote in
    force already says: the same decision, and no reason the snapshot lacks (an export's
    reasons can be the article's, not the reviewer's)."""
    if vote.at or vote.final or match.report is None:
        return False
    sf = screening.folded.report(match.report.report_id).stage(vote.stage)
    current = sf.votes.get(vote.by)
    if current is None or current.decision != vote.decision:
        return False
    given = {r.casefold() for r in vote.reasons}
    return all(r.casefold() in given for r in current.reasons)


def _with(event: Event, **values: str) -> Event:
    from dataclasses import replace

    return replace(event, **values)  # type: ignore[arg-type]


def _events_for(
    screening: Screening,
    match: Match,
    vote: ToolVote,
    *,
    ws: Workspace,
    source: str,
    implied: set[str],
    round: str,
) -> list[Event]:
    assert match.report is not None
    report = match.report
    common = {
        "ws": ws,
        "by": vote.by,
        "stage": vote.stage,
        "decision": vote.decision,
        "reasons": vote.reasons,
        "note": vote.note,
        "source": source,
        "origin": vote.origin,
        "at": vote.at,
        "strict": False,
        "round": round,
    }
    if vote.final:
        main = resolve_event(screening, report, method="imported", **common)  # type: ignore[arg-type]
    else:
        main = vote_event(screening, report, **common)  # type: ignore[arg-type]
    events = [main]
    ta_needed = screening.state(report).ta is not TaOutcome.INCLUDE
    if vote.stage == "ft" and ta_needed and report.report_id not in implied:
        implied.add(report.report_id)
        events.insert(
            0,
            resolve_event(
                screening,
                report,
                ws=ws,
                by=vote.by,
                stage="ta",
                decision="include",
                method="imported",
                note="screened in at title/abstract in the tool (implied by its full-text "
                "decision)",
                source=source,
                origin=vote.origin + ":ta",
                at=vote.at,
                round=round,
            ),
        )
    return events
