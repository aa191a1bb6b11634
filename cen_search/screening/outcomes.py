"""From what is in force for a report (:mod:`cen_search.screening.fold`) to its outcome at
each stage: the rules for agreement, conflicts, retrieval and removal, in one place.

Title/abstract: a resolution decides; else the votes in force do once enough reviewers have
voted (``[screening] ta_reviewers``, and everyone the report was assigned to). *Maybe* counts
as include (it sends the report on to full text, as in Covidence and Rayyan), so include or
maybe against exclude is a conflict; a conflict is reported as soon as two votes disagree.

Full text: the same, with *awaiting classification* and *ongoing* as outcomes of their own; an
unsure (*maybe*) vote needs a resolution; excludes with different primary reasons are a
conflict (``reason_policy = "conflict"``, as in Covidence) or settled by the reason earliest in
the review's list (``"hierarchy"``).

Retrieval (reports included at title/abstract): the latest retrieval event, except that a
full-text decision recorded after it shows the full text was found after all; with no
retrieval event, a full-text decision implies it was retrieved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from cen_search.screening.config import ScreeningConfig
from cen_search.screening.events import Event, is_automation
from cen_search.screening.fold import Folded, ReportFold, StageFold
from cen_search.screening.model import FtOutcome, ReportState, Retrieval, TaOutcome
from cen_search.screening.reports import Report


def ta_class(decision: str) -> str:
    """Title/abstract decisions in two classes: ``in`` (include, maybe) or ``out``."""
    return "out" if decision == "exclude" else "in"


def _needed(sf: StageFold, needed: int, assigned: Iterable[str]) -> bool:
    """True when every assigned reviewer voted and there are at least ``needed`` votes."""
    return len(sf.votes) >= needed and all(name in sf.votes for name in assigned)


def ta_outcome(
    sf: StageFold, config: ScreeningConfig, assigned: Iterable[str] = ()
) -> tuple[TaOutcome, tuple[Event, ...]]:
    """The title/abstract outcome and the events that decided it."""
    if sf.resolution is not None:
        decision = sf.resolution.decision
        return (TaOutcome.EXCLUDE if decision == "exclude" else TaOutcome.INCLUDE), (sf.resolution,)
    if not sf.votes:
        return TaOutcome.PENDING, ()
    votes = tuple(sf.votes.values())
    classes = {ta_class(v.decision) for v in votes}
    if len(classes) > 1:
        return TaOutcome.CONFLICT, votes
    if not _needed(sf, config.ta_reviewers, assigned):
        return TaOutcome.PENDING, ()
    return (TaOutcome.EXCLUDE if classes == {"out"} else TaOutcome.INCLUDE), votes


def ordered_reasons(events: Iterable[Event], config: ScreeningConfig) -> tuple[str, ...]:
    """Every reason of ``events``, each once, in the review's order."""
    seen: dict[str, str] = {}
    for event in events:
        for reason in event.reasons:
            seen.setdefault(reason.casefold(), reason)
    return tuple(sorted(seen.values(), key=config.reason_rank))


def ft_outcome(
    sf: StageFold, config: ScreeningConfig, assigned: Iterable[str] = ()
) -> tuple[FtOutcome, str, tuple[str, ...], tuple[Event, ...]]:
    """The full-text outcome, its primary reason, all reasons, and the deciding events."""
    if sf.resolution is not None:
        event = sf.resolution
        if event.decision == "maybe":  # not a decision: still needs one
            return FtOutcome.CONFLICT, "", (), ()
        outcome = FtOutcome(event.decision)
        if outcome is not FtOutcome.EXCLUDE:
            return outcome, "", (), (event,)
        others = ordered_reasons([event], config)
        rest = tuple(r for r in others if r != event.reason)
        return outcome, event.reason, ((event.reason, *rest) if event.reason else ()), (event,)
    if not sf.votes:
        return FtOutcome.PENDING, "", (), ()
    votes = tuple(sf.votes.values())
    decisions = {v.decision for v in votes}
    if len(decisions) > 1 or "maybe" in decisions:
        return FtOutcome.CONFLICT, "", (), votes
    primaries = {v.reason.casefold(): v.reason for v in votes if v.reason}
    if len(primaries) > 1 and config.reason_policy == "conflict":
        return FtOutcome.CONFLICT, "", (), votes
    if not _needed(sf, config.ft_reviewers, assigned):
        return FtOutcome.PENDING, "", (), ()
    outcome = FtOutcome(decisions.pop())
    if outcome is not FtOutcome.EXCLUDE:
        return outcome, "", (), votes
    primary = min(primaries.values(), key=config.reason_rank) if primaries else ""
    every = ordered_reasons(votes, config)
    return (
        outcome,
        primary,
        ((primary, *(r for r in every if r != primary)) if primary else every),
        votes,
    )


def report_state(
    report: Report,
    rf: ReportFold,
    config: ScreeningConfig,
    *,
    assigned: Mapping[str, Iterable[str]] | None = None,
) -> ReportState:
    """The :class:`ReportState` of ``report`` given what is in force for it."""
    assigned = assigned or {}
    base = ReportState(
        report_id=report.report_id,
        members=report.uids,
        round=report.round,
        lane=report.lane,
        study=rf.link.study if rf.link is not None else "",
    )
    if rf.removal is not None:
        return _replace(
            base, removed=rf.removal.kind, removed_reason=rf.removal.reason, ta=TaOutcome.PENDING
        )
    deciding: tuple[Event, ...] = ()
    if report.lane == "other" and not config.other_lane_ta:
        ta = TaOutcome.INCLUDE
    else:
        ta, deciding = ta_outcome(rf.ta, config, assigned.get("ta", ()))
    fields: dict[str, object] = {
        "ta": ta,
        "ta_by_automation": bool(deciding) and all(is_automation(e.by) for e in deciding),
        "ta_round": _round_of(deciding),
    }
    if ta is not TaOutcome.INCLUDE:
        return _replace(base, **fields)
    retrieval, reason = _retrieval(rf)
    fields.update(retrieval=retrieval, not_retrieved_reason=reason)
    if retrieval is Retrieval.RETRIEVED:
        ft, primary, reasons, ft_events = ft_outcome(rf.ft, config, assigned.get("ft", ()))
        fields.update(
            ft=ft, ft_reason=primary, ft_reasons=reasons, decided_round=_round_of(ft_events)
        )
    return _replace(base, **fields)


def _retrieval(rf: ReportFold) -> tuple[Retrieval, str]:
    event = rf.retrieval
    ft_after = rf.ft.last > rf.retrieval_at
    if event is not None and event.result == "not-retrieved" and not ft_after:
        return Retrieval.NOT_RETRIEVED, event.reason
    if (event is not None and event.result == "retrieved") or rf.ft.last >= 0:
        return Retrieval.RETRIEVED, ""
    return Retrieval.PENDING, ""


def _round_of(events: Iterable[Event]) -> str:
    """The round of the latest deciding event ("" when none decided)."""
    latest = max(events, key=lambda e: (e.at, e.id), default=None)
    return latest.round if latest is not None else ""


def _replace(state: ReportState, **values: object) -> ReportState:
    from dataclasses import replace

    return replace(state, **values)  # type: ignore[arg-type]


def assigned_to(folded: Folded, report_id: str) -> dict[str, tuple[str, ...]]:
    """Stage -> the reviewers ``report_id`` is assigned to."""
    out: dict[str, list[str]] = {}
    for (stage, reviewer), reports in folded.assigned.items():
        if report_id in reports:
            out.setdefault(stage, []).append(reviewer)
    return {stage: tuple(sorted(names)) for stage, names in out.items()}
