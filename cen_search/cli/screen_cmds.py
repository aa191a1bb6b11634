"""What the ``cen-search screen`` commands do: each parses nothing, calls the library, renders.

The typer declarations are in :mod:`cen_search.cli.screen`; the terminal session in
:mod:`cen_search.cli.screen_session`; reading and reporting imports in
:mod:`cen_search.cli.screen_import`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cen_search.cli import _output
from cen_search.cli._output import count, echo, emit_json, say, table_lines, warn
from cen_search.errors import NeedsHumanError, UsageError

if TYPE_CHECKING:
    from cen_search.screening.events import Event
    from cen_search.screening.flow import Screening
    from cen_search.screening.reports import Report
    from cen_search.workspace import Workspace


def reviewer_name(given: str) -> str:
    """``--reviewer``, else the ``reviewer`` setting (environment, config, login name)."""
    from cen_search.config import resolve
    from cen_search.screening.actions import check_reviewer
    from cen_search.workspace import Workspace

    found = Workspace.find_optional()
    settings = resolve(
        review_file=found.config_path if found is not None else None,
        flags={"reviewer": given.strip() or None},
        flag_names={"reviewer": "--reviewer"},
    )
    return check_reviewer(settings.reviewer)


def load() -> tuple[Workspace, Screening]:
    from cen_search.screening.flow import load_screening
    from cen_search.workspace import Workspace

    ws = Workspace.find()
    return ws, load_screening(ws)


def _stages(stage: str) -> tuple[str, ...]:
    from cen_search.screening.actions import check_stage

    return (check_stage(stage),) if stage else ("ta", "ft")


def _describe(screening: Screening, report: Report) -> str:
    from cen_search.screening.reports import describe_report

    return describe_report(screening.library, report)


def _vote_text(event: Event) -> str:
    reasons = f" ({'; '.join(event.reasons)})" if event.reasons else ""
    note = f" [note: {' '.join(event.note.split())}]" if event.note else ""
    return f"{event.by}: {event.decision}{reasons}{note}"


# -- the terminal session --------------------------------------------------------------------


def _terminal_keys() -> Any:
    import typer

    if not sys.stdin.isatty():
        raise UsageError(
            "screening one record at a time needs a terminal",
            hint="run it in a terminal, or screen in a spreadsheet: cen-search screen export "
            "--reviewer NAME -o sheet.csv, then cen-search screen import sheet.csv",
        )
    from cen_search.cli.screen_session import one_key_at_a_time

    return one_key_at_a_time(typer.getchar)


def run_screen(*, stage: str, reviewer: str, order: str, seed: int | None) -> None:
    """``cen-search screen``: see the command's help."""
    import secrets

    from cen_search.cli.screen_session import Actions, Item, run_session
    from cen_search.screening.actions import (
        check_stage,
        record,
        retrieval_event,
        undo_event,
        vote_event,
    )
    from cen_search.screening.config import term_pattern
    from cen_search.screening.events import new_event
    from cen_search.screening.queue import ORDERS, reviewer_queue
    from cen_search.workspace.rounds import current_round

    stage = check_stage(stage)
    if order and order not in ORDERS:
        raise UsageError(f"--order {order!r} is not imported or random", hint="--order random")
    if seed is not None and order != "random":
        raise UsageError("--seed goes with --order random")
    ws, screening = load()
    name = reviewer_name(reviewer)
    saved = screening.folded.orders.get((name, stage))
    if order == "random" and seed is None:
        seed = saved.seed if saved is not None and saved.seed is not None else None
        seed = seed if seed is not None else secrets.randbelow(2**31)
    queue = reviewer_queue(screening, reviewer=name, stage=stage, order=order, seed=seed)
    if not queue.pending:
        say(
            f"{name}: nothing to screen at {stage} ({count(queue.total, 'record')}, all done)"
            + (
                "; full text comes after title/abstract inclusion"
                if stage == "ft" and not queue.total
                else ""
            )
        )
        return
    keys = _terminal_keys()
    if order and (saved is None or (saved.order, saved.seed) != (order, seed)):
        record(
            ws,
            [
                new_event(
                    "order",
                    by=name,
                    round=current_round(ws),
                    stage=stage,
                    order=order,
                    seed=seed,
                )
            ],
        )
    library = screening.library
    by_id = {r.report_id: r for r in queue.reports}

    def item_of(report: Report) -> Item:
        databases = tuple(
            dict.fromkeys(
                library.origins[m].database or library.records[m].source_database
                for m in report.members
            )
        )
        previous = screening.folded.report(report.report_id).stage(stage).votes.get(name)
        return Item(
            report.report_id,
            library.records[report.kept],
            tuple(d for d in databases if d),
            previous,
            str(screening.state(report).retrieval) if stage == "ft" else "",
        )

    def vote(item: Item, decision: str, reasons: tuple[str, ...], note: str) -> Event:
        event = vote_event(
            screening,
            by_id[item.report_id],
            ws=ws,
            by=name,
            stage=stage,
            decision=decision,
            reasons=reasons,
            note=note,
            source="terminal",
        )
        record(ws, [event])
        return event

    def restore(item: Item, before: Event | None) -> None:
        report = by_id[item.report_id]
        if before is None:
            event = undo_event(screening, report, ws=ws, by=name, undoes="vote", stage=stage)
        else:
            event = vote_event(
                screening,
                report,
                ws=ws,
                by=name,
                stage=stage,
                decision=before.decision,
                reasons=before.reasons,
                note=before.note,
                source="terminal",
                strict=False,
            )
        record(ws, [event])

    def retrieval(item: Item, result: str, reason: str) -> None:
        event = retrieval_event(
            screening,
            by_id[item.report_id],
            ws=ws,
            by=name,
            result=result,
            reason=reason,
            source="terminal",
        )
        record(ws, [event])

    if queue.assigned:
        say(f"{name}: your assigned sample at this stage ({count(queue.total, 'record')})")
    outcome = run_session(
        [item_of(report) for report in queue.pending],
        stage=stage,
        total=queue.total,
        done=queue.done,
        reasons=screening.config.reasons,
        actions=Actions(vote, restore, retrieval if stage == "ft" else None),
        keys=keys,
        console=_output.err,
        include=term_pattern(screening.config.include_terms),
        exclude=term_pattern(screening.config.exclude_terms),
    )
    if outcome.decided or outcome.retrievals:
        with ws.lock():
            ws.log(
                "screen",
                stage=stage,
                reviewer=name,
                decided=len(outcome.decided),
                retrievals=outcome.retrievals,
                remaining=outcome.remaining,
            )
    left = outcome.remaining
    say(
        f"{count(len(outcome.decided), 'decision')} saved to screening/; "
        f"{count(max(left, 0), 'record')} still to screen"
        + ("; run cen-search screen again to carry on" if left > 0 else "")
    )


# -- sheets ----------------------------------------------------------------------------------


def run_export(
    *, reviewer: str, stage: str, output: Path, todo: bool, yes: bool, json_out: bool
) -> None:
    from cen_search.outputs import check_outputs
    from cen_search.screening.actions import check_stage
    from cen_search.screening.queue import reviewer_queue
    from cen_search.screening.sheet import sheet_rows, write_sheet

    stage = check_stage(stage)
    _, screening = load()
    name = reviewer_name(reviewer)
    check_outputs({"-o": output}, may_replace=yes)
    queue = reviewer_queue(screening, reviewer=name, stage=stage)
    rows = sheet_rows(screening, queue, todo_only=todo)
    write_sheet(output, rows)
    if json_out:
        emit_json(
            {
                "output": str(output),
                "reviewer": name,
                "stage": stage,
                "rows": len(rows) - 1,
                "to_do": len(queue.pending),
            }
        )
    say(
        f"wrote {count(len(rows) - 1, 'record')} for {name} at {stage} to {output} "
        f"({len(queue.pending)} to do); fill decision, reasons and note, then "
        f"cen-search screen import {output.name}"
    )


# -- dual screening ------------------------------------------------------------------------


def run_assign(
    *,
    stage: str,
    reviewer: str,
    includes: bool,
    fraction: float,
    everything: bool,
    seed: int | None,
    source: str,
    by: str,
    json_out: bool,
) -> None:
    from cen_search.screening.actions import check_reviewer, record
    from cen_search.screening.agreement import sample_text
    from cen_search.screening.assign import draw

    ws, screening = load()
    drawn = draw(
        screening,
        ws=ws,
        by=reviewer_name(by),
        stage=stage,
        reviewer=check_reviewer(reviewer),
        includes=includes,
        fraction=fraction,
        everything=everything,
        seed=seed,
        source=source.strip(),
    )
    record(ws, [drawn.event], what="screen-assign", stage=drawn.event.stage)
    sample = drawn.event.sample
    if json_out:
        emit_json(
            {
                "stage": drawn.event.stage,
                "reviewer": drawn.event.reviewers[0],
                "assigned": len(drawn.event.targets),
                "event": drawn.event.id,
                "sample": dict(sample),
            }
        )
    say(
        f"assigned {sample_text(drawn.event)} (from {drawn.population} decided reports; "
        f"population sha256 {str(sample['population_hash'])[:12]}...)"
    )


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
    from cen_search.screening.actions import find_report, record, resolve_event

    ws, screening = load()
    target = find_report(screening, report)
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
    state = screening.state(target)
    outcome = state.ta if event.stage == "ta" else state.ft
    if str(outcome) != "conflict":
        warn(
            f"{target.report_id} was not in conflict at {event.stage} ({outcome}); resolved anyway"
        )
    record(ws, [event], what="screen-resolve", stage=event.stage, report=target.report_id)
    say(
        f"{target.report_id}: {event.stage} resolved as {event.decision}"
        + (f" ({'; '.join(event.reasons)})" if event.reasons else "")
        + f" by {event.method}; the {count(len(event.votes), 'vote')} it settles are kept"
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

    _, screening = load()
    lines, data, steps = summary(screening)
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
        waiting = [progress(screening, s) for s in _stages(stage)]
        undecided = sum(p.undecided for p in waiting)
        if undecided:
            raise NeedsHumanError(
                f"{count(undecided, 'report')} still to screen or resolve",
                hint="cen-search screen, cen-search screen conflicts",
            )
