"""What the ``cen-search screen`` commands do: each parses nothing, calls the library, renders.

The typer declarations are in :mod:`cen_search.cli.screen`; the terminal session in
:mod:`cen_search.cli.screen_session`; reading and reporting imports in
:mod:`cen_search.cli.screen_import`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from cen_search.cli import _output
from cen_search.cli._output import count, emit_json, say
from cen_search.errors import UsageError

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


def _need_terminal() -> None:
    if not sys.stdin.isatty():
        raise UsageError(
            "screening one record at a time needs a terminal",
            hint="run it in a terminal, or screen in a spreadsheet: cen-search screen export "
            "--reviewer NAME -o sheet.csv, then cen-search screen import sheet.csv",
        )


def run_screen(*, stage: str, reviewer: str, order: str, seed: int | None) -> None:
    """``cen-search screen``: see the command's help."""
    import secrets

    from cen_search.cli._keys import one_key_at_a_time, terminal_keys
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
    _need_terminal()
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
    with terminal_keys() as read:
        outcome = run_session(
            [item_of(report) for report in queue.pending],
            stage=stage,
            total=queue.total,
            done=queue.done,
            reasons=screening.config.reasons,
            actions=Actions(vote, restore, retrieval if stage == "ft" else None),
            keys=one_key_at_a_time(read),
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
    import shlex

    from cen_search.outputs import check_outputs, person_made
    from cen_search.screening.actions import check_stage
    from cen_search.screening.queue import reviewer_queue
    from cen_search.screening.sheet import check_sheet_output, sheet_rows, write_sheet

    stage = check_stage(stage)
    ws, screening = load()
    name = reviewer_name(reviewer)
    check_outputs({"-o": output}, protected=person_made(ws), may_replace=yes)
    check_sheet_output(output)
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
        f"cen-search screen import {shlex.quote(str(output))}"
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
        f"assigned {sample_text(drawn.event)} (from {count(drawn.population, 'decided report')}; "
        f"population sha256 {str(sample['population_hash'])[:12]}...)"
    )
