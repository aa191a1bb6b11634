"""THE fold: screening events in, what is in force for every report out.

Pure and small on purpose: the same fold serves the screening commands, PRISMA and updates,
and everything else only reads what it returns. It is the keyed, latest-wins fold of
:func:`cen_search.ledger.fold_latest` (the one dedupe decisions use), with these keys:

============ ======================================== =====================================
event        key (one value in force per key)         withdrawn by
============ ======================================== =====================================
vote         report, stage, reviewer                  the reviewer's ``undo`` (undoes vote)
resolve      report, stage                            ``undo`` (undoes resolve), anyone
retrieval    report                                   ``undo`` (undoes retrieval)
remove       report                                   ``undo`` (undoes remove)
link         report                                   ``undo`` (undoes link)
============ ======================================== =====================================

*Report* is where the event's records are now (``locate``): events name records, not
reports, so a vote follows its records when a later dedupe run joins them to others, and
one vote on records that a later run splits apart holds for each part (reported in
:attr:`Folded.spread`). Events whose records are not in the review any more are kept in the
log and listed in :attr:`Folded.orphans`, never applied to something else.

*Independent* votes (for agreement statistics) are each reviewer's vote in force just before
the first resolution of that report and stage: what they decided before seeing the outcome.

The input must be in log order (:func:`cen_search.ledger.read_entries` gives time order with
doubled lines dropped), so the fold does not depend on how the log files are named, ordered
or merged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from cen_search.identity import RecordRef
from cen_search.ledger import fold_latest
from cen_search.screening.events import STAGES, Event

Locate = Callable[[Sequence[str], Sequence[RecordRef]], tuple[str, ...]]
"""``(target uids, refs) -> ids of the reports holding those records now``."""


@dataclass
class StageFold:
    """One report at one stage."""

    votes: dict[str, Event] = field(default_factory=dict)
    """Reviewer -> their vote in force."""
    independent: dict[str, Event] = field(default_factory=dict)
    """Reviewer -> their vote in force before the first resolution (all of ``votes`` while
    there is none)."""
    resolution: Event | None = None
    last: int = -1
    """Log position of the latest vote or resolution in force (-1: none)."""


@dataclass
class ReportFold:
    """What is in force for one report."""

    ta: StageFold = field(default_factory=StageFold)
    ft: StageFold = field(default_factory=StageFold)
    retrieval: Event | None = None
    retrieval_at: int = -1
    removal: Event | None = None
    link: Event | None = None

    def stage(self, stage: str) -> StageFold:
        return self.ta if stage == "ta" else self.ft


@dataclass(frozen=True)
class Folded:
    """The fold of a whole log."""

    reports: Mapping[str, ReportFold]
    """Report id -> what is in force (reports no event names are absent)."""
    assigned: Mapping[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    """(stage, reviewer) -> the reports assigned to them (every ``assign`` adds)."""
    assignments: tuple[Event, ...] = ()
    drawn: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """``assign`` event id -> the reports its sample holds now."""
    orders: Mapping[tuple[str, str], Event] = field(default_factory=dict)
    """(reviewer, stage) -> their latest ``order`` event."""
    orphans: tuple[Event, ...] = ()
    """Events naming records that are not in the review (kept, not applied)."""
    spread: tuple[tuple[Event, tuple[str, ...]], ...] = ()
    """Events whose records are now in several reports (applied to each)."""
    positions: Mapping[str, int] = field(default_factory=dict)
    """Event id -> its position in the log."""

    def report(self, report_id: str) -> ReportFold:
        return self.reports.get(report_id) or ReportFold()


_Item = tuple[str, int, Event]
"""(report id, log position, event)."""


def _key(item: _Item) -> tuple[str, ...]:
    report, _, event = item
    kind = event.undoes if event.event == "undo" else event.event
    if kind == "vote":
        return ("vote", report, event.stage, event.by)
    if kind == "resolve":
        return ("resolve", report, event.stage)
    return (kind, report)


def _withdrawn(item: _Item) -> bool:
    return item[2].event == "undo"


def fold_events(events: Sequence[Event], locate: Locate) -> Folded:
    """Fold ``events`` (in log order) into what is in force per report."""
    items: list[_Item] = []
    orphans: list[Event] = []
    spread: list[tuple[Event, tuple[str, ...]]] = []
    assignments: list[Event] = []
    orders: dict[tuple[str, str], Event] = {}
    positions: dict[str, int] = {}
    for position, event in enumerate(events):
        positions[event.id] = position
        if event.event == "assign":
            assignments.append(event)
            continue
        if event.event == "order":
            orders[(event.by, event.stage)] = event
            continue
        reports = locate(event.target, event.refs)
        if not reports:
            orphans.append(event)
            continue
        if len(reports) > 1:
            spread.append((event, reports))
        items += [(report, position, event) for report in reports]

    state = fold_latest(items, key=_key, withdrawn=_withdrawn)
    folded: dict[str, ReportFold] = {}
    for (kind, report, *rest), (_, position, event) in state.items():
        rf = folded.setdefault(report, ReportFold())
        if kind == "vote":
            sf = rf.stage(rest[0])
            sf.votes[event.by] = event
            sf.last = max(sf.last, position)
        elif kind == "resolve":
            sf = rf.stage(rest[0])
            sf.resolution = event
            sf.last = max(sf.last, position)
        elif kind == "retrieval":
            rf.retrieval, rf.retrieval_at = event, position
        elif kind == "remove":
            rf.removal = event
        elif kind == "link":
            rf.link = event

    # Independent votes: each reviewer's vote in force before the first resolution.
    first_resolve: dict[tuple[str, str], int] = {}
    for report, position, event in items:
        if event.event == "resolve":
            first_resolve.setdefault((report, event.stage), position)
    before = [
        item
        for item in items
        if _key(item)[0] == "vote"
        and item[1] < first_resolve.get((item[0], item[2].stage), len(events))
    ]
    for (_, report, stage, by), (_, _, event) in fold_latest(
        before, key=_key, withdrawn=_withdrawn
    ).items():
        folded.setdefault(report, ReportFold()).stage(stage).independent[by] = event

    assigned: dict[tuple[str, str], set[str]] = {}
    drawn: dict[str, frozenset[str]] = {}
    for event in assignments:
        named = {r for target in event.targets for r in locate(target, ())}
        drawn[event.id] = frozenset(named)
        for reviewer in event.reviewers:
            assigned.setdefault((event.stage, reviewer), set()).update(named)
    return Folded(
        reports=folded,
        assigned={key: frozenset(value) for key, value in assigned.items()},
        assignments=tuple(assignments),
        drawn=drawn,
        orders=orders,
        orphans=tuple(orphans),
        spread=tuple(spread),
        positions=positions,
    )


def reviewers_of(folded: Folded, stage: str) -> tuple[str, ...]:
    """Everyone with a vote in force at ``stage``, sorted."""
    names = {by for rf in folded.reports.values() for by in rf.stage(stage).votes}
    return tuple(sorted(names))


__all__ = ["STAGES", "Folded", "Locate", "ReportFold", "StageFold", "fold_events", "reviewers_of"]
