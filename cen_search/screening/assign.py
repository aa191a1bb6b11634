"""Drawing the sample a second reviewer screens, recorded so that anyone can redraw it.

The review behind cen-search double-screened "all included studies and 20% of those
excluded". :func:`draw` takes the reports decided at a stage (by one reviewer's votes, or by
the outcome in force), keeps every include when asked, draws a fraction of the rest with a
seeded random generator over the report ids in sorted order, and returns an ``assign`` event
that records the seed, the fraction, the population's size and a SHA-256 of its sorted ids:
the same population and seed always give the same sample (Python's ``random.Random``, whose
``sample`` is stable across versions for a given seed and population). The population is the
current round's reports (first identified, or reopened, in it): in an update, a sample is
drawn from the round's new reports, so agreement can be reported per round.
"""

from __future__ import annotations

import hashlib
import random
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cen_search.errors import UsageError
from cen_search.screening.actions import check_reviewer, check_stage
from cen_search.screening.events import Event, new_event
from cen_search.screening.flow import Screening
from cen_search.screening.model import FtOutcome, TaOutcome
from cen_search.screening.outcomes import ta_class
from cen_search.screening.queue import eligible, work_round
from cen_search.screening.reports import Report
from cen_search.workspace.rounds import current_round

if TYPE_CHECKING:
    from cen_search.workspace import Workspace


@dataclass(frozen=True, slots=True)
class Draw:
    """What :func:`draw` chose."""

    event: Event
    population: int
    """Reports the sample was drawn from (includes and the rest)."""
    includes: int
    """Includes taken whole (with ``includes``)."""
    drawn: int
    """Reports drawn at random."""


def _classify(screening: Screening, report: Report, stage: str, source: str) -> str | None:
    """``in``/``out`` for a decided report, None while undecided."""
    if source:
        vote = screening.folded.report(report.report_id).stage(stage).votes.get(source)
        if vote is None:
            return None
        if stage == "ta":
            return ta_class(vote.decision)
        return "in" if vote.decision == "include" else "out"
    state = screening.state(report)
    if stage == "ta":
        return {TaOutcome.INCLUDE: "in", TaOutcome.EXCLUDE: "out"}.get(state.ta)
    if state.ft in (FtOutcome.PENDING, FtOutcome.CONFLICT, FtOutcome.NOT_ASSESSED):
        return None
    return "in" if state.ft is FtOutcome.INCLUDE else "out"


def _method(everything: bool, includes: bool, fraction: float) -> str:
    if everything:
        return "all reports"
    parts = ["all includes"] if includes else []
    if fraction:
        rest = "excludes" if includes else "decided reports"
        parts.append(f"a random {fraction * 100:g}% of {rest}")
    return " and ".join(parts)


def population_hash(report_ids: list[str]) -> str:
    return hashlib.sha256("\n".join(sorted(report_ids)).encode("utf-8")).hexdigest()


def _population(
    screening: Screening,
    *,
    stage: str,
    reviewer: str,
    this_round: str,
    includes: bool,
    everything: bool,
    source: str,
) -> tuple[list[Report], list[Report], list[Report]]:
    """The reports a draw for ``reviewer`` considers now: every eligible report of the round
    not yet assigned to them, those taken whole (every one with ``everything``, else the
    includes when ``includes``), and the other decided ones (drawn from)."""
    already = screening.folded.assigned.get((stage, reviewer), frozenset())
    pool = [
        r
        for r in screening.reports
        if eligible(screening, r, stage)
        and r.report_id not in already
        and work_round(screening, r) == this_round
    ]
    if everything:
        return pool, list(pool), []
    inside: list[Report] = []
    rest: list[Report] = []
    for report in pool:
        group = _classify(screening, report, stage, source)
        if group == "in" and includes:
            inside.append(report)
        elif group is not None:
            rest.append(report)
    return pool, inside, rest


def _drawn_from(
    screening: Screening, *, stage: str, reviewer: str, this_round: str
) -> frozenset[str]:
    """The reports earlier draws for ``reviewer`` at ``stage`` in this round considered
    (taken or not): each draw's population, found again by folding the events recorded
    before it. A report a draw left out stays out of later draws, so drawing again adds only
    reports decided since (running the same command twice does not grow the sample)."""
    from cen_search.screening.flow import Screening as Folding

    considered: set[str] = set()
    for position, event in enumerate(screening.events):
        if (
            event.event != "assign"
            or event.stage != stage
            or reviewer not in event.reviewers
            or event.round != this_round
        ):
            continue
        then = Folding.of(screening.library, screening.events[:position], screening.config)
        sample = event.sample
        pool, inside, rest = _population(
            then,
            stage=stage,
            reviewer=reviewer,
            this_round=this_round,
            includes=bool(sample.get("includes")),
            everything=bool(sample.get("all")),
            source=str(sample.get("from") or ""),
        )
        considered.update(r.report_id for r in (pool if sample.get("all") else inside + rest))
    return frozenset(considered)


def draw(
    screening: Screening,
    *,
    ws: Workspace,
    by: str,
    stage: str,
    reviewer: str,
    includes: bool = False,
    fraction: float = 0.0,
    everything: bool = False,
    seed: int | None = None,
    source: str = "",
) -> Draw:
    """Assign ``reviewer`` a sample at ``stage``: every eligible report (``everything``), or
    the includes (``includes``) plus a random ``fraction`` of the other decided reports
    (decided by ``source``'s votes when given, else by the outcome in force). Reports already
    assigned to ``reviewer`` at the stage, or considered by an earlier draw for them in this
    round, are not drawn again: a second draw takes only reports decided since."""
    stage = check_stage(stage)
    reviewer = check_reviewer(reviewer)
    if not everything and not includes and not fraction:
        raise UsageError(
            "say what to assign: --all, --includes, --fraction F, or --includes --fraction F",
            hint="e.g. cen-search screen assign --stage ft --reviewer B --includes --fraction 0.2",
        )
    if not 0 <= fraction <= 1:
        raise UsageError(f"--fraction {fraction} is not between 0 and 1", hint="e.g. 0.2")
    if source and source == reviewer:
        raise UsageError("the second reviewer's sample cannot come from their own votes")
    this_round = current_round(ws)
    drawn_from = _drawn_from(screening, stage=stage, reviewer=reviewer, this_round=this_round)
    pool, inside, rest = _population(
        screening,
        stage=stage,
        reviewer=reviewer,
        this_round=this_round,
        includes=includes,
        everything=everything,
        source=source,
    )
    pool = [r for r in pool if r.report_id not in drawn_from]
    inside = [r for r in inside if r.report_id not in drawn_from]
    rest = [r for r in rest if r.report_id not in drawn_from]
    already = screening.folded.assigned.get((stage, reviewer), frozenset())
    if seed is None:
        seed = secrets.randbelow(2**31)
    by_id = {r.report_id: r for r in rest}
    ids = sorted(by_id)
    k = 0 if everything else round(fraction * len(ids))
    if fraction and ids and not k:
        k = 1
    chosen = [by_id[i] for i in random.Random(seed).sample(ids, k)]
    selected = sorted([*inside, *chosen], key=lambda r: r.members[0])
    if not selected:
        if drawn_from:
            raise UsageError(
                f"nothing to assign at {stage}: every report decided so far was in an earlier "
                f"draw for {reviewer} (taken or left out); the sample stands",
                hint="draw again once more reports are decided, or use --all to assign every "
                "report",
            )
        raise UsageError(
            f"nothing to assign at {stage}: no decided reports"
            + (" left" if already else "")
            + (f" among {source}'s votes" if source else ""),
            hint="screen first (cen-search screen), or use --all to assign every report",
        )
    population = [r.report_id for r in (pool if everything else [*inside, *rest])]
    sample = {
        "method": _method(everything, includes, fraction),
        "all": everything,
        "includes": includes and not everything,
        "fraction": fraction if not everything else 0,
        "seed": seed,
        "from": source,
        "population": len(population),
        "population_hash": population_hash(population),
        "included": len(inside),
        "drawn": len(chosen),
    }
    event = new_event(
        "assign",
        by=check_reviewer(by),
        round=this_round,
        stage=stage,
        reviewers=(reviewer,),
        targets=tuple(r.uids for r in selected),
        sample=sample,
    )
    return Draw(event, len(population), len(inside), len(chosen))
