"""What a round brought: folded from the imports, the dedupe result and the screening logs.

Every record imported in the round is either a copy of a report identified in an earlier round
(a *duplicate against earlier rounds*: deduplication ran over every round's records together,
so it joined that report and carries its decisions forward), or a member of a report first
identified in this round (*new*; the first member of each such report is what reviewers
screen, the others are duplicates within the round). A new report the dedupe engine *links*
to a report of an earlier round without merging them (an erratum and its article, a
conference abstract and the full paper: ``DedupeResult.links``) is *news about a known
study*: it is screened like any new report, and flagged with what it relates to.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from cen_search.screening.model import FtOutcome, Retrieval, TaOutcome
from cen_search.update.model import Changes, NewRecord, News, SourceCount

if TYPE_CHECKING:
    from cen_search.screening.flow import Screening
    from cen_search.screening.model import ReportState
    from cen_search.screening.reports import Report


def new_record(screening: Screening, report: Report, round_name: str) -> NewRecord:
    """How a report of the round is shown to people: its most complete record."""
    library = screening.library
    record = library.records[report.kept]
    sources = dict.fromkeys(
        library.origins[m].database or library.records[m].source_database
        for m in report.members
        if library.origins[m].round == round_name
    )
    first = library.origins[report.members[0]]
    return NewRecord(
        report_id=report.report_id,
        title=" ".join(record.title.split()),
        journal=record.container,
        year=str(record.year or ""),
        sources=tuple(s for s in sources if s),
        doi=record.doi,
        pmid=record.pmid,
        method=first.method,
    )


def outcome_of(state: ReportState) -> str:
    """Where a report stands, in words."""
    if state.removed:
        return "removed before screening"
    if state.included:
        return "included"
    if state.ft is FtOutcome.EXCLUDE:
        return "excluded at full text" + (f" ({state.ft_reason})" if state.ft_reason else "")
    if state.ft in (FtOutcome.AWAITING, FtOutcome.ONGOING):
        return state.ft.value
    if state.reopened:
        return f"{state.reopened} in {state.reopened_from}, to assess again"
    if state.ta is TaOutcome.EXCLUDE:
        return "excluded at title/abstract"
    if state.retrieval is Retrieval.NOT_RETRIEVED:
        return "full text not retrieved"
    return "still being screened"


def _still_to_assess(state: ReportState) -> bool:
    return (
        state.retrieval is Retrieval.PENDING
        or state.ft in (FtOutcome.PENDING, FtOutcome.CONFLICT)
        or (state.retrieval is Retrieval.RETRIEVED and state.ft is FtOutcome.NOT_ASSESSED)
    )


def round_changes(screening: Screening, round_name: str) -> Changes:
    """What ``round_name`` brought (see the module docstring)."""
    library = screening.library
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for i, origin in enumerate(library.origins):
        if origin.round != round_name:
            continue
        name = origin.database or library.records[i].source_database
        row = counts[(name, origin.method)]
        row[0] += 1
        if library.report_of_record(i).round != round_name:
            row[1] += 1
        else:
            row[2] += 1
    new_reports = [r for r in library.reports if r.round == round_name]
    states = screening.states
    to_screen = sum(
        1
        for r in new_reports
        if states[r.report_id].screened
        and states[r.report_id].ta in (TaOutcome.PENDING, TaOutcome.CONFLICT)
        and states[r.report_id].retrieval is Retrieval.NOT_SOUGHT
    )
    reopened = [rid for rid, s in states.items() if s.reopened_round == round_name]
    round_reports = {r.report_id for r in new_reports} | set(reopened)
    return Changes(
        round=round_name,
        counts=tuple(
            SourceCount(name, method, total, known, new)
            for (name, method), (total, known, new) in counts.items()
        ),
        duplicates_earlier=sum(row[1] for row in counts.values()),
        duplicates_within=sum(len(r.members) - 1 for r in new_reports),
        new_reports=tuple(new_record(screening, r, round_name) for r in new_reports),
        to_screen=to_screen,
        full_text_to_do=sum(1 for rid in round_reports if _still_to_assess(states[rid])),
        reopened=tuple(reopened),
        reopened_pending=sum(1 for rid in reopened if _still_to_assess(states[rid])),
        news=tuple(news_about_known(screening, round_name)),
        newly_included=sum(
            1 for s in states.values() if s.included and s.decided_round == round_name
        ),
    )


def news_about_known(screening: Screening, round_name: str) -> list[News]:
    """Reports first identified in ``round_name`` that the dedupe engine linked to a report
    of an earlier round (one item per pair of reports, included studies first)."""
    library = screening.library
    found: dict[tuple[str, str], News] = {}
    for link in library.record_links:
        ends = (library.report_of_record(link.a), library.report_of_record(link.b))
        for (new, known), subject in ((ends, True), (ends[::-1], False)):
            if new.round != round_name or known.round == round_name:
                continue
            key = (new.report_id, known.report_id)
            if key in found:
                continue
            state = screening.states[known.report_id]
            kept = library.records[known.kept]
            found[key] = News(
                record=new_record(screening, new, round_name),
                relation=str(link.relation),
                known_report=known.report_id,
                known_title=" ".join(kept.title.split()),
                known_outcome=outcome_of(state),
                study=state.study,
                evidence=link.evidence,
                new_is_subject=subject,
            )
    return sorted(found.values(), key=lambda n: (n.known_outcome != "included", n.study))


_PHRASES = {
    "erratum-of": ("an erratum of", "the article corrected by the earlier erratum"),
    "comment-on": ("a comment on", "the article discussed by the earlier comment"),
    "reply-to": ("a reply to", "what the earlier reply answers"),
    "abstract-of": ("a conference abstract of", "the full report of the earlier abstract"),
    "same-abstract": ("the same abstract as", "the same abstract as"),
    "version-of": ("another version of", "another version of"),
    "republished": ("the same paper, published again, as", "the same paper, published again, as"),
    "same-trial": ("a report of the same trial as", "a report of the same trial as"),
}
"""How a relation reads from the new record's side (about it, or about the earlier one)."""


def relation_phrase(news: News) -> str:
    """``an erratum of`` / ``the full report of the earlier abstract`` ..."""
    subject, object_ = _PHRASES.get(news.relation, (news.relation, f"related ({news.relation}) to"))
    return subject if news.new_is_subject else object_


__all__ = ["new_record", "news_about_known", "outcome_of", "relation_phrase", "round_changes"]
