"""Reports awaiting classification or ongoing are open again in every later round.

Cochrane's MECIR standard U8 asks an update to "consider studies previously identified as
... awaiting classification [and] ongoing ... establish whether any studies previously
identified as ongoing have now been completed". An *awaiting* or *ongoing* full-text outcome
is therefore provisional: it holds in the round it was recorded in, and once a later round
has started (``cen-search update start``) the report is to be assessed again.

The rule, applied to the fold (:func:`reopen`) so that every reader of it — outcomes, the
queue, conflicts, progress, PRISMA — sees the same thing: when a report's full-text decision
in force (its resolution, else its votes) is awaiting or ongoing, and the latest of those
deciding events belongs to a round before the review's last round, those events (and any
full-text vote of that round or before) are set aside for the report's full text, which is
pending again. Full-text votes and resolutions recorded in a later round count as usual. The
events stay in the logs; agreement statistics keep the independent votes; retrieval is not
undone (the full text was found). No event needs to be written: starting a round is what
reopens them, and a decision recorded in the new round (awaiting again, included, excluded)
settles them for that round.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from cen_search.screening.events import Event
from cen_search.screening.fold import Folded, ReportFold, StageFold

PROVISIONAL = frozenset({"awaiting", "ongoing"})
"""Full-text decisions that hold only for the round they were made in."""


@dataclass(frozen=True, slots=True)
class Reopened:
    """A report whose provisional full-text outcome was set aside by a later round."""

    outcome: str
    """``awaiting`` or ``ongoing``: the outcome it had."""
    decided_round: str
    """The round that outcome was recorded in."""
    open_in: str
    """The round in which it is to be assessed again (the review's last round)."""
    set_aside: tuple[str, ...] = ()
    """Ids of the full-text events set aside (still in the logs)."""


def _position(order: Mapping[str, int], name: str) -> int:
    """A round's place in the review (an unknown name counts as the first round)."""
    return order.get(name, 0)


def _latest(events: Sequence[Event]) -> Event:
    return max(events, key=lambda e: (e.at, e.id))


def reopen_stage(
    sf: StageFold, order: Mapping[str, int], last: str
) -> tuple[StageFold, Reopened | None]:
    """The full-text fold of one report with a provisional outcome of an earlier round set
    aside (see the module docstring); ``sf`` itself when the rule does not apply."""
    deciding = [sf.resolution] if sf.resolution is not None else list(sf.votes.values())
    if not deciding or any(e.decision not in PROVISIONAL for e in deciding):
        return sf, None
    latest = _latest(deciding)
    decided_at = _position(order, latest.round)
    if decided_at >= _position(order, last):
        return sf, None
    kept = {by: e for by, e in sf.votes.items() if _position(order, e.round) > decided_at}
    set_aside = [sf.resolution.id] if sf.resolution is not None else []
    set_aside += [e.id for by, e in sf.votes.items() if by not in kept]
    reopened = Reopened(
        outcome=latest.decision,
        decided_round=latest.round,
        open_in=last,
        set_aside=tuple(dict.fromkeys(set_aside)),
    )
    # ``last`` keeps the position of the earlier decision: the full text was retrieved then.
    return StageFold(votes=kept, independent=sf.independent, resolution=None, last=sf.last), (
        reopened
    )


def reopen(folded: Folded, rounds: Sequence[str]) -> tuple[Folded, dict[str, Reopened]]:
    """``folded`` with every provisional full-text outcome of an earlier round set aside, and
    the reports concerned (report id -> :class:`Reopened`)."""
    if len(rounds) < 2:
        return folded, {}
    order = {name: i for i, name in enumerate(rounds)}
    last = rounds[-1]
    reports: dict[str, ReportFold] = dict(folded.reports)
    found: dict[str, Reopened] = {}
    for report_id, rf in folded.reports.items():
        ft, reopened = reopen_stage(rf.ft, order, last)
        if reopened is not None:
            reports[report_id] = replace(rf, ft=ft)
            found[report_id] = reopened
    if not found:
        return folded, {}
    return replace(folded, reports=reports), found


__all__ = ["PROVISIONAL", "Reopened", "reopen", "reopen_stage"]
