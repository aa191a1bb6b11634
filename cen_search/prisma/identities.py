"""The identities between PRISMA 2020 counts, per lane, and the records that break them.

Each box is counted from its own decision (:mod:`cen_search.prisma.counts`), so a report whose
decisions contradict each other (excluded at title/abstract yet retrieved; assessed without a
retrieved full text; a record whose report is missing) is counted twice or not at all and an
identity fails. Every report or record responsible is named, with what is wrong with it.

Pending work (not yet screened, conflicts, no study link ...) is not a broken identity: the
counts still add up, with the pending ones in their own term.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from cen_search.prisma.counts import NO_REASON, View
from cen_search.prisma.model import IdentityCheck, LaneCounts, PendingWork, PrismaFlow
from cen_search.screening.model import (
    FlowState,
    FtOutcome,
    RecordState,
    ReportState,
    Retrieval,
    TaOutcome,
)

_DECIDED = (TaOutcome.INCLUDE, TaOutcome.EXCLUDE)
_EXAMPLES = 5


def report_problems(report: ReportState) -> list[tuple[str, str]]:
    """(identity, what is wrong) for each contradiction in one report's decisions."""
    name = f"report {report.report_id}"
    found = []
    if report.removed and report.ta in _DECIDED:
        found.append(
            ("screened", f"{name} was removed before screening but has a title/abstract decision")
        )
    sought = report.retrieval is not Retrieval.NOT_SOUGHT
    if report.ta is TaOutcome.INCLUDE and not sought:
        found.append(("screened", f"{name} was included at title/abstract but not sought"))
    if report.ta in (TaOutcome.EXCLUDE, TaOutcome.CONFLICT) and sought:
        found.append(
            (
                "screened",
                f"{name} was not included at title/abstract ({report.ta.value}) but its full "
                f"text is marked {report.retrieval.value}",
            )
        )
    if report.retrieval is not Retrieval.RETRIEVED and report.ft is not FtOutcome.NOT_ASSESSED:
        found.append(
            (
                "assessed",
                f"{name} has a full-text outcome ({report.ft.value}) but its full text is "
                f"{report.retrieval.value}, not retrieved",
            )
        )
    return found


def record_problems(
    records: Iterable[RecordState], reports: dict[str, ReportState]
) -> list[tuple[str, str, str]]:
    """(lane, identity, what is wrong) for records that cannot be counted."""
    found: list[tuple[str, str, str]] = []
    for record in records:
        report = reports.get(record.report_id)
        if report is None:
            found.append(
                (
                    record.lane,
                    "identified",
                    f"record {record.uid} belongs to report {record.report_id}, which the "
                    "flow does not have",
                )
            )
        elif record.lane == "dbr" and report.lane != "dbr":
            found.append(
                (
                    "dbr",
                    "identified",
                    f"record {record.uid} came from a database or register but its report "
                    f"{report.report_id} is in the other-methods lane",
                )
            )
    return found


def _check(
    name: str, lane: str, statement: str, left: int, parts: list[tuple[str, int]], first: str
) -> IdentityCheck:
    right = sum(n for _, n in parts)
    terms = " + ".join(f"{label} {n}" for label, n in parts if n or label in ("screened",))
    return IdentityCheck(
        name=name,
        lane=lane,
        statement=statement,
        left=left,
        right=right,
        equation=f"{first} {left} = {terms or '0'}",
    )


def lane_checks(counts: LaneCounts) -> list[IdentityCheck]:
    """The four flow identities of one lane (PRISMA 2020, §7.7 of the project notes)."""
    lane = counts.lane
    removed = [
        ("duplicates", counts.duplicates),
        ("earlier rounds", counts.duplicates_earlier if lane == "dbr" else 0),
        ("automation", counts.removed_automation),
        ("other reasons", counts.removed_other),
        ("screened", counts.screened),
    ]
    if lane == "other":  # identified counts distinct records in this lane
        removed = [removed[2], removed[3], removed[4]]
    return [
        _check(
            "identified",
            lane,
            "records identified − records removed before screening = records screened",
            counts.identified,
            removed,
            "identified",
        ),
        _check(
            "screened",
            lane,
            "records screened = records excluded + reports sought (+ still to screen)",
            counts.screened,
            [
                ("excluded", counts.excluded),
                ("excluded by automation", counts.excluded_automation),
                ("sought", counts.sought),
                ("to screen", counts.screening_pending),
                ("conflicts", counts.screening_conflicts),
            ],
            "screened",
        ),
        _check(
            "sought",
            lane,
            "reports sought = reports not retrieved + reports assessed (+ retrieval pending)",
            counts.sought,
            [
                ("not retrieved", counts.not_retrieved),
                ("assessed", counts.assessed),
                ("retrieval pending", counts.retrieval_pending),
            ],
            "sought",
        ),
        _check(
            "assessed",
            lane,
            "reports assessed = reports excluded + reports included (+ awaiting, ongoing, pending)",
            counts.assessed,
            [
                ("excluded", counts.excluded_reports),
                ("included", counts.included),
                ("awaiting classification", counts.awaiting),
                ("ongoing", counts.ongoing),
                ("pending", counts.assessment_pending),
                ("conflicts", counts.assessment_conflicts),
            ],
            "assessed",
        ),
    ]


def included_checks(flow: PrismaFlow) -> list[IdentityCheck]:
    """Studies against reports, and (updates) previous + new = total."""
    inc = flow.included
    checks = [
        IdentityCheck(
            name="studies",
            lane="included",
            statement="studies included ≤ reports of included studies",
            left=min(inc.studies, inc.reports),
            right=inc.studies,
            equation=f"studies {inc.studies} ≤ reports {inc.reports}",
        )
    ]
    if flow.template == "new":
        checks.append(
            _check(
                "new",
                "included",
                "reports of included studies = reports included in each lane",
                inc.reports,
                [("databases and registers", flow.dbr.included), ("other", flow.other.included)],
                "reports",
            )
        )
        return checks
    checks += [
        _check(
            "new",
            "included",
            "reports of new included studies = reports included in each lane this round "
            "(+ reports of earlier rounds assessed in this one)",
            inc.new_reports,
            [
                ("databases and registers", flow.dbr.included),
                ("other", flow.other.included),
                ("earlier rounds", inc.reopened),
            ],
            "new reports",
        ),
        _check(
            "totals",
            "included",
            "reports of total included studies = previous + new",
            inc.reports,
            [("previous", inc.previous_reports), ("new", inc.new_reports)],
            "total reports",
        ),
        _check(
            "totals",
            "included",
            "total studies included = previous studies + new studies",
            inc.studies,
            [("previous", inc.previous_studies), ("new", inc.new_studies)],
            "total studies",
        ),
    ]
    return checks


def check_identities(flow: PrismaFlow, state: FlowState, view: View) -> tuple[IdentityCheck, ...]:
    """Every identity of ``flow``, each naming the reports and records that break it."""
    reports = {report.report_id: report for report in state.reports}
    blame: dict[tuple[str, str], list[str]] = {}
    for report in state.reports:
        if not view.reported_now(report):
            continue
        for identity, message in report_problems(report):
            blame.setdefault((report.lane, identity), []).append(message)
    now = [r for r in state.records if view.identified_now(r.round)]
    for lane, identity, message in record_problems(now, reports):
        blame.setdefault((lane, identity), []).append(message)
    members = {r.report_id for r in state.records}
    for report in state.reports:
        if view.reported_now(report) and report.report_id not in members:
            blame.setdefault((report.lane, "identified"), []).append(
                f"report {report.report_id} has no imported record"
            )
    checks = []
    for counts in flow.lanes():
        if counts.lane == "other" and not counts.used and not any(k[0] == "other" for k in blame):
            continue  # no other methods: nothing to check, nothing drawn
        for check in lane_checks(counts):
            responsible = tuple(blame.get((counts.lane, check.name), ()))
            checks.append(replace(check, responsible=responsible) if responsible else check)
    checks += included_checks(flow)
    return tuple(checks)


def _unscreened(report: ReportState) -> bool:
    """Waiting for a title/abstract decision (not removed, not already sought)."""
    return not report.removed and report.retrieval is Retrieval.NOT_SOUGHT


def pending_work(state: FlowState, view: View) -> tuple[PendingWork, ...]:
    """What people still have to decide before the diagram is final."""
    mine = [
        r
        for r in state.reports
        if view.reported_now(r) or view.round in (r.decided_round, r.reopened_round)
    ]
    kinds = [
        (
            "screening",
            "records still to screen on title and abstract",
            [r for r in mine if _unscreened(r) and r.ta is TaOutcome.PENDING],
        ),
        (
            "screening-conflicts",
            "title/abstract conflicts to resolve",
            [r for r in mine if _unscreened(r) and r.ta is TaOutcome.CONFLICT],
        ),
        (
            "retrieval",
            "full texts sought but not yet found or given up",
            [r for r in mine if r.retrieval is Retrieval.PENDING],
        ),
        (
            "assessment",
            "full texts still to assess",
            [
                r
                for r in mine
                if r.ft is FtOutcome.PENDING
                or (r.retrieval is Retrieval.RETRIEVED and r.ft is FtOutcome.NOT_ASSESSED)
            ],
        ),
        (
            "assessment-conflicts",
            "full-text conflicts to resolve",
            [r for r in mine if r.ft is FtOutcome.CONFLICT],
        ),
        (
            "reasons",
            f"full-text exclusions without a primary reason ({NO_REASON})",
            [r for r in mine if r.ft is FtOutcome.EXCLUDE and not r.ft_reason.strip()],
        ),
        (
            "study-links",
            "included reports not linked to a study",
            [r for r in state.reports if r.ft is FtOutcome.INCLUDE and not r.study],
        ),
    ]
    return tuple(
        PendingWork(
            what=what,
            count=len(found),
            description=description,
            examples=tuple(r.report_id for r in found[:_EXAMPLES]),
        )
        for what, description, found in kinds
        if found
    )
