"""Which reports a reviewer has to screen at a stage, and in what order.

A report is *eligible* at title/abstract unless it was removed before screening (or, with
``other_lane_ta = false``, was found by other methods only); at full text once it was included
at title/abstract and its full text was not reported unobtainable. A reviewer with an
assignment at a stage (``cen-search screen assign``) screens the reports assigned to them;
everyone else screens every eligible report. Done: the reviewer has a vote in force on it, or
it was resolved.

The order is as imported (the report's earliest record), or random: a seeded shuffle of all
the reviewer's reports, so the order is the same in every session and after every vote.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from cen_search.screening.flow import Screening
from cen_search.screening.model import Retrieval, TaOutcome
from cen_search.screening.reports import Report

ORDERS = ("imported", "random")


def eligible(screening: Screening, report: Report, stage: str) -> bool:
    state = screening.state(report)
    if state.removed:
        return False
    if stage == "ta":
        return report.lane == "dbr" or screening.config.other_lane_ta
    return state.ta is TaOutcome.INCLUDE and state.retrieval is not Retrieval.NOT_RETRIEVED


def done(screening: Screening, report: Report, *, reviewer: str, stage: str) -> bool:
    sf = screening.folded.report(report.report_id).stage(stage)
    return reviewer in sf.votes or sf.resolution is not None


@dataclass(frozen=True, slots=True)
class Queue:
    """A reviewer's reports at one stage."""

    reviewer: str
    stage: str
    reports: tuple[Report, ...]
    """Every report of theirs, in screening order."""
    pending: tuple[Report, ...]
    """Those still to screen, in order."""
    assigned: bool
    """True when the reviewer works on an assigned sample."""
    order: str = "imported"
    seed: int | None = None

    @property
    def total(self) -> int:
        return len(self.reports)

    @property
    def done(self) -> int:
        return self.total - len(self.pending)


def reviewer_queue(
    screening: Screening,
    *,
    reviewer: str,
    stage: str,
    order: str = "",
    seed: int | None = None,
) -> Queue:
    """``reviewer``'s queue at ``stage``. ``order`` empty: the reviewer's last recorded
    order (an ``order`` event), else as imported."""
    if not order:
        saved = screening.folded.orders.get((reviewer, stage))
        order, seed = (saved.order, saved.seed) if saved is not None else ("imported", None)
    assigned = screening.folded.assigned.get((stage, reviewer))
    reports = [
        report
        for report in screening.reports
        if eligible(screening, report, stage) and (assigned is None or report.report_id in assigned)
    ]
    if order == "random":
        random.Random(seed).shuffle(reports)
    pending = tuple(r for r in reports if not done(screening, r, reviewer=reviewer, stage=stage))
    return Queue(reviewer, stage, tuple(reports), pending, assigned is not None, order, seed)
