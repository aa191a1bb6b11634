"""The dual-screening commands: ``conflicts``, ``resolve``, ``agreement`` and ``progress``."""

from __future__ import annotations

from collections.abc import Sequence

from cen_search.cli._output import count, echo, emit_json, plural, say, table_lines, warn
from cen_search.cli.screen_cmds import _describe, _stages, _vote_text, load, reviewer_name
from cen_search.errors import NeedsHumanError, UsageError


def run_conflicts(*, stage: str, json_out: bool, check: bool) -> None:
    from cen_search.screening.conflicts import conflicts

    _, screening = load()
    found = conflicts(screening, _stages(stage))
    if json_out:
        emit_json(
            {
                "conflicts": [
                    {
                        "report_id": c.report.report_id,
                        "stage": c.stage,
                        "kind": c.kind,
                        "record": _describe(screening, c.report),
                        "votes": [
                            {
                                "reviewer": v.by,
                                "decision": v.decision,
                                "reasons": list(v.reasons),
                                "note": v.note,
                                "at": v.at,
                            }
                            for v in c.votes
                        ],
                    }
                    for c in found
                ]
            }
        )
    else:
        for c in found:
            echo(f"{c.stage}  {c.report.report_id}  ({c.kind})  {_describe(screening, c.report)}")
            for vote in c.votes:
                echo(f"      {_vote_text(vote)}")
    say(
        f"{count(len(found), 'conflict')}"
        + (
            "; resolve each: cen-search screen resolve REPORT --stage ta|ft --decision D"
            if found
            else ""
        )
    )
    if check and found:
        raise NeedsHumanError(
            f"{count(len(found), 'screening conflict')} waiting for a resolution",
            hint="cen-search screen resolve REPORT --stage ta|ft --decision include|exclude",
        )


def run_resolve(
    *,
    report: str,
    stage: str,
    decision: str,
    reasons: Sequence[str],
    method: str,
    note: str,
    by: str,
) -> None:
    from cen_search.screening.actions import check_stage, find_report, record, resolve_event
    from cen_search.screening.model import TaOutcome
    from cen_search.screening.queue import eligible

    ws, screening = load()
    target = find_report(screening, report)
    state = screening.state(target)
    # full text: after an inclusion at title/abstract (a full text reported not retrieved
    # may be resolved: the decision shows it was found after all)
    if not (
        eligible(screening, target, "ta")
        if check_stage(stage) == "ta"
        else not state.removed and state.ta is TaOutcome.INCLUDE
    ):
        raise UsageError(
            f"{target.report_id} is not to be screened at {stage}, so there is nothing to "
            f"resolve ({_describe(screening, target)})",
            hint="full text comes after inclusion at title/abstract (resolve that first); "
            "removed records are not screened",
        )
    event = resolve_event(
        screening,
        target,
        ws=ws,
        by=reviewer_name(by),
        stage=stage,
        decision=decision,
        reasons=reasons,
        method=method,
        note=note,
        source="command",
    )
    outcome = state.ta if event.stage == "ta" else state.ft
    if str(outcome) != "conflict":
        warn(
            f"{target.report_id} was not in conflict at {event.stage} ({outcome}); resolved anyway"
        )
    record(ws, [event], what="screen-resolve", stage=event.stage, report=target.report_id)
    settled = len(event.votes)
    kept = (
        "it settles no votes"
        if not settled
        else f"the {count(settled, 'vote')} it settles {plural(settled, 'is', 'are')} kept"
    )
    say(
        f"{target.report_id}: {event.stage} resolved as {event.decision}"
        + (f" ({'; '.join(event.reasons)})" if event.reasons else "")
        + f" by {event.method}; {kept}"
    )


def run_agreement(*, stage: str, json_out: bool) -> None:
    from cen_search.screening.agreement import agreements, designs

    _, screening = load()
    stages = _stages(stage)
    found = agreements(screening.folded, stages)
    plans = designs(
        screening.folded,
        reason_conflicts=screening.config.reason_policy == "conflict",
        stages=stages,
    )
    if json_out:
        emit_json(
            {
                "agreements": [
                    {
                        "stage": a.stage,
                        "reviewers": list(a.reviewers),
                        "n": a.n,
                        "agreed": a.agreed,
                        "percent": round(a.percent, 2),
                        "kappa": a.kappa,
                        "kappa_ci": list(a.kappa_ci) if a.kappa_ci else None,
                        "table": [list(row) for row in a.table],
                        "reason_n": a.reason_n,
                        "reason_agreed": a.reason_agreed,
                    }
                    for a in found
                ],
                "designs": [
                    {
                        "stage": d.stage,
                        "reviewers": list(d.reviewers),
                        "screened": d.screened,
                        "screened_by_two": d.screened_by_two,
                        "sample": d.sample,
                        "conflicts": d.conflicts,
                        "resolved_by": dict(d.resolved_by),
                    }
                    for d in plans
                ],
            }
        )
        return
    if not found:
        say("no report has independent votes from two reviewers yet")
    for a in found:
        kappa = "undefined" if a.kappa is None else f"{a.kappa:.3f}"
        interval = f" (95% CI {a.kappa_ci[0]:.2f} to {a.kappa_ci[1]:.2f})" if a.kappa_ci else ""
        (ii, ie), (ei, ee) = a.table
        first, second = a.reviewers
        echo(
            f"{a.stage}  {first} / {second}: n = {a.n}, agreement {a.percent:.1f}%, "
            f"kappa {kappa}{interval}"
        )
        rows = [
            ["", f"{second}: include", f"{second}: exclude"],
            [f"{first}: include", str(ii), str(ie)],
            [f"{first}: exclude", str(ei), str(ee)],
        ]
        for line in table_lines(rows, indent="      "):
            echo(line)
        if a.reason_n:
            echo(
                f"      same primary reason on {a.reason_agreed} of {a.reason_n} shared exclusions"
            )
    for d in plans:
        line = (
            f"{d.stage}  design: {count(d.screened, 'report')} screened by "
            f"{', '.join(d.reviewers)}; {d.screened_by_two} double-screened, "
            f"{count(d.conflicts, 'disagreement')}"
        )
        if d.resolved_by:
            line += " (resolved: " + ", ".join(f"{m} {n}" for m, n in d.resolved_by.items()) + ")"
        echo(line)
        if d.sample:
            echo(f"      sample: {d.sample}")


def run_progress(*, stage: str, json_out: bool, check: bool) -> None:
    from cen_search.screening.conflicts import progress
    from cen_search.screening.status import summary

    stages = _stages(stage)
    _, screening = load()
    lines, data, steps = summary(screening, stages=stages)
    if json_out:
        emit_json({"screening": data, "problems": list(screening.problems()), "next": steps})
    else:
        for line in lines:
            echo(line)
        for problem in screening.problems():
            warn(problem)
        for step in steps:
            say(f"next: {step}")
    if check:
        waiting = [progress(screening, s) for s in stages]
        undecided = sum(p.undecided for p in waiting)
        if undecided:
            raise NeedsHumanError(
                f"{count(undecided, 'report')} still to screen or resolve",
                hint="cen-search screen, cen-search screen conflicts",
            )
