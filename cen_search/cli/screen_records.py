"""The one-off screening commands on named reports: ``vote``, ``retrieval``, ``remove``,
``link`` and ``studies``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from cen_search.cli._output import count, echo, emit_json, say, warn
from cen_search.cli.screen_cmds import _describe, load, reviewer_name
from cen_search.errors import UsageError

if TYPE_CHECKING:
    from cen_search.screening.flow import Screening
    from cen_search.screening.reports import Report


def _targets(screening: Screening, names: Sequence[str]) -> list[Report]:
    from cen_search.screening.actions import find_report

    if not names:
        raise UsageError("name at least one report", hint="a report id, record key, DOI or PMID")
    found = {}
    for name in names:
        report = find_report(screening, name)
        found[report.report_id] = report
    return list(found.values())


def run_vote(
    *,
    reports: Sequence[str],
    stage: str,
    decision: str,
    reasons: Sequence[str],
    note: str,
    reviewer: str,
    undo: bool,
) -> None:
    from cen_search.screening.actions import check_stage, record, undo_event, vote_event
    from cen_search.screening.queue import eligible

    stage = check_stage(stage)
    ws, screening = load()
    name = reviewer_name(reviewer)
    events = []
    for report in _targets(screening, reports):
        if undo:
            if name not in screening.folded.report(report.report_id).stage(stage).votes:
                warn(f"{report.report_id}: {name} has no vote at {stage} to undo")
                continue
            events.append(undo_event(screening, report, ws=ws, by=name, undoes="vote", stage=stage))
            continue
        if not decision:
            raise UsageError("give --decision include|exclude|maybe (or --undo)")
        if not eligible(screening, report, stage):
            raise UsageError(
                f"{report.report_id} is not to be screened at {stage} "
                f"({_describe(screening, report)})",
                hint="full text comes after inclusion at title/abstract; removed records "
                "are not screened",
            )
        events.append(
            vote_event(
                screening,
                report,
                ws=ws,
                by=name,
                stage=stage,
                decision=decision,
                reasons=reasons,
                note=note,
                source="command",
            )
        )
    added = record(ws, events, what="screen-vote", stage=stage)
    say(
        f"{count(added, 'vote')} recorded for {name} at {stage}"
        if not undo
        else f"{count(added, 'vote')} withdrawn for {name} at {stage}"
    )


def run_retrieval(
    *, reports: Sequence[str], result: str, reason: str, note: str, reviewer: str
) -> None:
    from cen_search.screening.actions import record, retrieval_event

    ws, screening = load()
    name = reviewer_name(reviewer)
    events = []
    for report in _targets(screening, reports):
        if not screening.state(report).sought:
            warn(f"{report.report_id} was not included at title/abstract; recorded anyway")
        events.append(
            retrieval_event(
                screening, report, ws=ws, by=name, result=result, reason=reason, note=note
            )
        )
    added = record(ws, events, what="screen-retrieval", result=result)
    say(f"full text {result}: {count(added, 'report')}")


def run_remove(
    *, reports: Sequence[str], kind: str, reason: str, reviewer: str, undo: bool
) -> None:
    from cen_search.screening.actions import (
        record,
        remove_event,
        set_aside_by_removal,
        undo_event,
    )

    ws, screening = load()
    name = reviewer_name(reviewer)
    events = []
    set_aside = []
    for report in _targets(screening, reports):
        if undo:
            events.append(undo_event(screening, report, ws=ws, by=name, undoes="remove"))
        else:
            events.append(remove_event(screening, report, ws=ws, by=name, kind=kind, reason=reason))
            set_aside.append(set_aside_by_removal(screening, report))
    added = record(ws, events, what="screen-remove", undo=undo)
    for had in set_aside:
        if had:
            warn(
                f"{had.report_id} already has {had.describe()}; a report removed before "
                "screening is not screened, so they stay in the logs but no longer count "
                "(PRISMA's boxes, the methods sentences, agreement and progress leave them "
                f"out); cen-search screen remove {had.report_id} --undo counts them again"
            )
    say(
        f"{count(added, 'report')} "
        + ("back in screening" if undo else f"removed before screening ({kind}: {reason})")
    )


def run_link(*, reports: Sequence[str], study: str, each: bool, undo: bool, reviewer: str) -> None:
    from cen_search.screening.actions import link_event, record, undo_event
    from cen_search.screening.studies import known_studies, new_study_ids, study_groups

    ws, screening = load()
    name = reviewer_name(reviewer)
    if sum(bool(x) for x in (study, each, undo)) != 1:
        raise UsageError(
            "give one of --study ID, --each or --undo",
            hint="cen-search screen link REPORT... --study S07",
        )
    events = []
    if each:
        if reports:
            raise UsageError("--each links every unlinked included report; name no REPORT")
        _, unlinked = study_groups(screening)
        ids = new_study_ids(known_studies(screening), len(unlinked))
        for report, new in zip(unlinked, ids, strict=True):
            events.append(link_event(screening, report, ws=ws, by=name, study=new))
    else:
        for report in _targets(screening, reports):
            if undo:
                events.append(undo_event(screening, report, ws=ws, by=name, undoes="link"))
            else:
                if not screening.state(report).included:
                    warn(f"{report.report_id} is not (yet) included at full text; linked anyway")
                events.append(link_event(screening, report, ws=ws, by=name, study=study))
    added = record(ws, events, what="screen-link", study=study, each=each, undo=undo)
    if each:
        say(f"{count(added, 'report')} linked, each to a new study of its own")
    elif undo:
        say(f"{count(added, 'study link')} withdrawn")
    else:
        say(f"{count(added, 'report')} linked to study {study}")


def run_studies(*, json_out: bool) -> None:
    from cen_search.screening.studies import study_groups, suggestions

    _, screening = load()
    groups, unlinked = study_groups(screening)
    suggested = suggestions(screening)
    if json_out:
        emit_json(
            {
                "studies": [
                    {
                        "study": g.study,
                        "reports": [r.report_id for r in g.reports],
                        "not_included": [r.report_id for r in g.others],
                    }
                    for g in groups
                ],
                "unlinked": [r.report_id for r in unlinked],
                "suggestions": [
                    {
                        "reports": [s.a.report_id, s.b.report_id],
                        "relation": s.relation,
                        "evidence": s.evidence,
                        "study": s.study,
                    }
                    for s in suggested
                ],
            }
        )
        return
    reports = sum(len(g.reports) for g in groups)
    echo(f"{count(len(groups), 'study', 'studies')} from {count(reports, 'included report')}")
    for g in groups:
        echo(f"{g.study}")
        for r in g.reports:
            echo(f"    {r.report_id}  {_describe(screening, r)}")
        for r in g.others:
            echo(f"    ({r.report_id}, not included)  {_describe(screening, r)}")
    if unlinked:
        echo(f"not linked to a study: {len(unlinked)}")
        for r in unlinked:
            echo(f"    {r.report_id}  {_describe(screening, r)}")
    for s in suggested:
        study = s.study or "S.."
        echo(
            f"suggested ({s.relation}): {s.a.report_id} and {s.b.report_id}"
            + (f" ({s.evidence})" if s.evidence else "")
        )
        echo(f"    confirm: cen-search screen link {s.a.report_id} {s.b.report_id} --study {study}")
    if unlinked:
        say(
            "link them: cen-search screen link REPORT... --study ID (reports of one study "
            "share an id), or --each for one study per report"
        )
