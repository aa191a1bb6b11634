"""Counting PRISMA 2020 boxes from the screening fold, each box from the decision that
defines it.

A box is never derived from an ordering of states ("everything at or past full text"): that
is how CoLRev's export comes to count every screened record as *sought* and every assessed
report as a *new study*. Here each box counts the reports whose own decision puts them there:

==============================  ===============================================
records identified              imported records of the lane (per source)
duplicate records removed       records beyond the first of their report
records screened                reports not removed before screening
records excluded                title/abstract outcome ``exclude``
reports sought for retrieval    full text sought (retrieval not ``not-sought``)
reports not retrieved           retrieval ``not-retrieved``
reports assessed                retrieval ``retrieved``
reports excluded: reason        full-text outcome ``exclude``, by primary reason
studies / reports included      full-text outcome ``include``, studies by link
==============================  ===============================================

(a report sought without a title/abstract decision is one the review did not screen on title
and abstract, as PRISMA's other-methods lane draws it), so the identities between them
(:mod:`cen_search.prisma.identities`) really check something:
a report whose decisions contradict each other is counted twice or not at all and named.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from cen_search.prisma.model import (
    EARLIER_SCREENED_LABEL,
    EarlierScreened,
    IncludedCounts,
    LaneCounts,
    PrismaFlow,
    ReasonCount,
    SourceCount,
    Template,
)
from cen_search.screening.model import (
    FlowState,
    FtOutcome,
    RecordState,
    ReportState,
    Retrieval,
    TaOutcome,
)
from cen_search.workspace.manifest import ImportEntry
from cen_search.workspace.rounds import FIRST_ROUND

NO_REASON = "Reason not recorded"
"""The reason line for full-text exclusions without a primary reason (also pending work)."""


@dataclass(frozen=True, slots=True)
class View:
    """Which records and reports a flow counts."""

    template: Template
    round: str
    """Update: the round shown as new. New: "" (every round)."""
    previous: tuple[str, ...] = ()

    def identified_now(self, round_name: str) -> bool:
        return self.template == "new" or round_name == self.round

    def reported_now(self, report: ReportState) -> bool:
        return self.template == "new" or report.round == self.round


def choose_view(state: FlowState, *, template: Template | None, round_name: str = "") -> View:
    """The view a flow shows: ``new`` pools every round; ``update`` shows ``round_name``
    (default: the last round) against every round before it. Without a template, a review with
    more than one round gets the update template."""
    from cen_search.errors import UsageError

    rounds = list(state.rounds) or ["base"]
    chosen = template or ("update" if len(rounds) > 1 else "new")
    if chosen == "new":
        if round_name:
            raise UsageError(
                "--round goes with --template update",
                hint="the new-review template pools every round",
            )
        return View("new", "")
    name = round_name or rounds[-1]
    if name not in rounds:
        raise UsageError(
            f"there is no round named {name!r}", hint="rounds are: " + ", ".join(rounds)
        )
    previous = tuple(rounds[: rounds.index(name)])
    if not previous:
        raise UsageError(
            f"round {name!r} is the review's first round: there is no previous version",
            hint="use --template new, or start an update round (cen-search update start)",
        )
    return View("update", name, previous)


def _source_counts(
    records: Iterable[RecordState], entries: Sequence[ImportEntry]
) -> tuple[SourceCount, ...]:
    """Records per (source, method), in the order sources were first imported."""
    counts: Counter[tuple[str, str]] = Counter()
    names: dict[tuple[str, str], str] = {}
    for record in records:
        key = (record.database.casefold(), record.method)
        counts[key] += 1
        names.setdefault(key, record.database)
    details: dict[tuple[str, str], list[ImportEntry]] = defaultdict(list)
    order: list[tuple[str, str]] = []
    for entry in entries:
        key = (entry.database.casefold(), entry.method)
        details[key].append(entry)
        if key not in order:
            order.append(key)
    order += [key for key in counts if key not in order]
    out = []
    for key in order:
        if key not in counts:
            continue
        found = details.get(key, [])
        out.append(
            SourceCount(
                name=names[key],
                method=key[1],
                records=counts[key],
                platform=next((e.platform for e in found if e.platform), ""),
                searched=tuple(sorted({e.searched for e in found if e.searched})),
            )
        )
    return tuple(out)


def _reasons(reports: Iterable[ReportState], order: Sequence[str]) -> tuple[ReasonCount, ...]:
    counts = Counter(report.ft_reason.strip() or NO_REASON for report in reports)
    known = [reason for reason in order if reason in counts]
    rest = sorted(reason for reason in counts if reason not in order and reason != NO_REASON)
    if NO_REASON in counts:
        rest.append(NO_REASON)
    return tuple(ReasonCount(reason, counts[reason]) for reason in [*known, *rest])


def lane_counts(
    lane: str,
    *,
    records: Sequence[RecordState],
    reports: Sequence[ReportState],
    view: View,
    report_of: Mapping[str, ReportState],
    entries: Sequence[ImportEntry],
    reason_order: Sequence[str],
) -> LaneCounts:
    """The counts of one lane in ``view`` (see the module docstring for each box)."""
    now = [r for r in records if r.lane == lane and view.identified_now(r.round)]
    earlier = cross = 0
    members: dict[str, list[RecordState]] = defaultdict(list)
    for record in now:
        report = report_of.get(record.report_id)
        if report is None:
            continue  # named by the identity check
        if not view.reported_now(report):
            earlier += 1
        elif report.lane != lane and lane == "other":
            cross += 1
        else:
            members[report.report_id].append(record)
    mine = [r for r in reports if r.lane == lane and view.reported_now(r)]
    first = {rid: group[0] for rid, group in members.items()}
    # the platform and search dates of the view's own imports (an update's lane lists the
    # round's searches, not the first version's)
    entries = [e for e in entries if view.identified_now(e.round or FIRST_ROUND)]
    if lane == "dbr":
        sources = _source_counts(now, entries)
        identified = len(now)
        duplicates = sum(len(group) - 1 for group in members.values())
    else:  # one record per distinct report, under the method of its first record
        sources = _source_counts(first.values(), entries)
        identified = len(first)
        duplicates = sum(len(group) - 1 for group in members.values())
    kept = [r for r in mine if not r.removed]
    excluded = [r for r in mine if r.ta is TaOutcome.EXCLUDE]
    retrieval = Counter(r.retrieval for r in mine)
    ft = Counter(r.ft for r in mine)
    pending_ft = sum(
        1 for r in mine if r.retrieval is Retrieval.RETRIEVED and r.ft is FtOutcome.NOT_ASSESSED
    )
    return LaneCounts(
        lane=lane,
        sources=sources,
        identified=identified,
        duplicates=duplicates,
        duplicates_earlier=earlier,
        duplicates_cross_lane=cross,
        removed_automation=sum(1 for r in mine if r.removed == "automation"),
        removed_other=sum(1 for r in mine if r.removed and r.removed != "automation"),
        screened=len(kept),
        excluded=sum(1 for r in excluded if not r.ta_by_automation),
        excluded_automation=sum(1 for r in excluded if r.ta_by_automation),
        screening_pending=sum(
            1 for r in kept if r.ta is TaOutcome.PENDING and r.retrieval is Retrieval.NOT_SOUGHT
        ),
        screening_conflicts=sum(
            1 for r in kept if r.ta is TaOutcome.CONFLICT and r.retrieval is Retrieval.NOT_SOUGHT
        ),
        sought=sum(1 for r in mine if r.retrieval is not Retrieval.NOT_SOUGHT),
        not_retrieved=retrieval[Retrieval.NOT_RETRIEVED],
        retrieval_pending=retrieval[Retrieval.PENDING],
        assessed=retrieval[Retrieval.RETRIEVED],
        reasons=_reasons((r for r in mine if r.ft is FtOutcome.EXCLUDE), reason_order),
        awaiting=ft[FtOutcome.AWAITING],
        ongoing=ft[FtOutcome.ONGOING],
        assessment_pending=ft[FtOutcome.PENDING] + pending_ft,
        assessment_conflicts=ft[FtOutcome.CONFLICT],
        included=sum(1 for r in mine if r.ft is FtOutcome.INCLUDE),
    )


def included_counts(state: FlowState, view: View) -> IncludedCounts:
    """Studies and reports included; for updates, previous / new / total.

    A report is *new* when its full-text inclusion was recorded in the round shown (its
    ``decided_round``, else the round it was identified in); included reports without a study
    link count as a study of their own (and are pending work)."""
    included = [r for r in state.reports if r.ft is FtOutcome.INCLUDE]

    def study(report: ReportState) -> str:
        return report.study or f"(unlinked) {report.report_id}"

    unlinked = sum(1 for r in included if not r.study)
    if view.template == "new":
        return IncludedCounts(
            studies=len({study(r) for r in included}),
            reports=len(included),
            new_studies=len({study(r) for r in included}),
            new_reports=len(included),
            unlinked=unlinked,
        )
    decided = {r.report_id: (r.decided_round or r.round) for r in included}
    new = [r for r in included if decided[r.report_id] == view.round]
    previous = [r for r in included if decided[r.report_id] in view.previous]
    previous_studies = {study(r) for r in previous}
    return IncludedCounts(
        studies=len({study(r) for r in (*previous, *new)}),
        reports=len(previous) + len(new),
        new_studies=len({study(r) for r in new} - previous_studies),
        new_reports=len(new),
        previous_studies=len(previous_studies),
        previous_reports=len(previous),
        unlinked=unlinked,
        reopened=sum(1 for r in new if r.round != view.round),
    )


def compute_flow(
    state: FlowState,
    *,
    entries: Sequence[ImportEntry] = (),
    template: Template | None = None,
    round_name: str = "",
    earlier_screened: EarlierScreened = "duplicates",
    earlier_screened_label: str = EARLIER_SCREENED_LABEL,
    per_database: bool = True,
    screening: bool = True,
) -> PrismaFlow:
    """Every box of the PRISMA 2020 flow of ``state``, with the identities checked, the work
    still pending, and the footnotes that say how choices were made."""
    from cen_search.prisma.identities import check_identities, pending_work
    from cen_search.prisma.notes import footnotes

    view = choose_view(state, template=template, round_name=round_name)
    report_of = {report.report_id: report for report in state.reports}
    lanes = {
        lane: lane_counts(
            lane,
            records=state.records,
            reports=state.reports,
            view=view,
            report_of=report_of,
            entries=entries,
            reason_order=state.exclusion_reasons,
        )
        for lane in ("dbr", "other")
    }
    flow = PrismaFlow(
        template=view.template,
        dbr=lanes["dbr"],
        other=lanes["other"],
        included=included_counts(state, view),
        identities=(),
        round=view.round,
        previous_rounds=view.previous,
        earlier_screened=earlier_screened,
        earlier_screened_label=earlier_screened_label or EARLIER_SCREENED_LABEL,
        per_database=per_database,
        screening=screening,
    )
    flow = replace(
        flow,
        identities=check_identities(flow, state, view),
        pending=pending_work(state, view),
    )
    return replace(flow, notes=footnotes(flow))
