"""Conflicts waiting for a resolution, and progress per stage (what ``--check`` looks at)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from cen_search.screening.events import STAGES, Event
from cen_search.screening.flow import Screening
from cen_search.screening.model import FtOutcome, TaOutcome
from cen_search.screening.queue import eligible
from cen_search.screening.reports import Report


@dataclass(frozen=True, slots=True)
class Conflict:
    """A report whose votes at a stage disagree, with no resolution in force."""

    report: Report
    stage: str
    kind: str
    """``decision`` (include against exclude ...), ``reason`` (full-text excludes with
    different primary reasons), or ``unsure`` (a full-text *maybe*)."""
    votes: tuple[Event, ...]
    """The votes in force, by reviewer name."""


def conflicts(screening: Screening, stages: Iterable[str] = STAGES) -> list[Conflict]:
    found = []
    for stage in stages:
        for report in screening.reports:
            state = screening.state(report)
            outcome = state.ta if stage == "ta" else state.ft
            if outcome not in (TaOutcome.CONFLICT, FtOutcome.CONFLICT):
                continue
            sf = screening.folded.report(report.report_id).stage(stage)
            votes = tuple(sf.votes[name] for name in sorted(sf.votes))
            decisions = {v.decision for v in votes}
            if "maybe" in decisions and stage == "ft":
                kind = "unsure"
            elif len(decisions) > 1 or not votes:
                kind = "decision"
            else:
                kind = "reason"
            found.append(Conflict(report, stage, kind, votes))
    return found


@dataclass(frozen=True, slots=True)
class StageProgress:
    """Where a stage stands."""

    stage: str
    eligible: int
    """Reports to screen at this stage."""
    decided: Counter[str]
    """Outcome -> reports (include, exclude, awaiting, ongoing)."""
    pending: int
    conflicts: int
    votes: Counter[str]
    """Reviewer -> votes in force at this stage."""
    retrieval: Counter[str]
    """Full text only: retrieval state -> reports among those included at title/abstract."""

    @property
    def undecided(self) -> int:
        return self.pending + self.conflicts


def progress(screening: Screening, stage: str) -> StageProgress:
    decided: Counter[str] = Counter()
    votes: Counter[str] = Counter()
    retrieval: Counter[str] = Counter()
    pending = conflicted = total = 0
    for report in screening.reports:
        state = screening.state(report)
        if stage == "ft" and state.sought:
            retrieval[str(state.retrieval)] += 1
        if not eligible(screening, report, stage):
            continue
        total += 1
        sf = screening.folded.report(report.report_id).stage(stage)
        votes.update(sf.votes.keys())
        if stage == "ft" and not state.assessed:
            pending += 1  # retrieval pending: the full text is still to be assessed
            continue
        outcome = state.ta if stage == "ta" else state.ft
        if outcome in (TaOutcome.PENDING, FtOutcome.PENDING):
            pending += 1
        elif outcome in (TaOutcome.CONFLICT, FtOutcome.CONFLICT):
            conflicted += 1
        else:
            decided[str(outcome)] += 1
    return StageProgress(stage, total, decided, pending, conflicted, votes, retrieval)
