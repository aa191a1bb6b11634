"""Where a flow's inputs come from: the screening fold, or (while a review has no screening
yet) the records and reports the deduplication gives, every report still to screen.

:func:`load_state` calls :func:`cen_search.screening.flow.flow_state` when the screening stage
is installed; without it, :func:`identification_state` builds the identification part of the
flow itself from the import manifest and a dedupe run (nothing is written), so a review can
draw its diagram as soon as its searches are imported.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

from cen_search.progress import NULL_REPORTER, Reporter
from cen_search.screening.model import DBR_METHODS, FlowState, RecordState, ReportState
from cen_search.workspace.manifest import ImportEntry
from cen_search.workspace.rounds import FIRST_ROUND

if TYPE_CHECKING:
    from cen_search.dedupe.workspace_run import DedupeRun
    from cen_search.workspace import Workspace

FLOW_MODULE = "cen_search.screening.flow"


def load_state(ws: Workspace, *, reporter: Reporter = NULL_REPORTER) -> tuple[FlowState, bool]:
    """The review's :class:`FlowState` and whether it holds screening decisions (False: the
    screening stage is not installed, and every report is still to screen)."""
    try:
        module = importlib.import_module(FLOW_MODULE)
    except ModuleNotFoundError as exc:
        if not (exc.name and FLOW_MODULE.startswith(exc.name)):
            raise
        return identification_state(ws, reporter=reporter), False
    state: FlowState = module.flow_state(ws)
    return state, True


def round_order(ws: Workspace) -> list[str]:
    from cen_search.workspace.rounds import rounds

    return [r.name for r in rounds(ws)]


def identification_state(
    ws: Workspace, *, dedupe_run: DedupeRun | None = None, reporter: Reporter = NULL_REPORTER
) -> FlowState:
    """Records (with their import's database, method and round) grouped into reports by the
    dedupe result; no screening outcome (every report is pending)."""
    from cen_search.dedupe.workspace_run import run_in_workspace

    run = dedupe_run or run_in_workspace(ws, write=False, reporter=reporter)
    return state_from_run(run, ws.imports(), round_order(ws))


def state_from_run(run: DedupeRun, entries: Sequence[ImportEntry], rounds: list[str]) -> FlowState:
    """The identification part of a :class:`FlowState` from a dedupe run over ``entries``."""
    from cen_search.identity import IdentityIndex

    records = run.inputs.everything
    index = IdentityIndex.of(records)
    by_id = {entry.id: entry for entry in entries}
    order = {name: i for i, name in enumerate(rounds)}
    states: list[RecordState] = []
    report_ids: dict[int, str] = {}
    for cluster in run.result.clusters:
        kept = cluster.kept if cluster.kept in cluster.members else cluster.members[0]
        for member in cluster.members:
            report_ids[member] = index.uid(kept)
    for i, record in enumerate(records):
        entry = by_id.get(str(record.id).split(":", 1)[0])
        states.append(
            RecordState(
                uid=index.uid(i),
                record_id=str(record.id),
                database=(entry.database if entry else "") or record.provenance.database,
                method=entry.method if entry else "database",
                round=(entry.round if entry else "") or FIRST_ROUND,
                report_id=report_ids.get(i, index.uid(i)),
            )
        )
    members: dict[str, list[RecordState]] = {}
    for state in states:
        members.setdefault(state.report_id, []).append(state)
    reports = tuple(
        ReportState(
            report_id=report_id,
            members=tuple(m.uid for m in group),
            round=min((m.round for m in group), key=lambda name: order.get(name, len(order))),
            lane="dbr" if any(m.method in DBR_METHODS for m in group) else "other",
        )
        for report_id, group in members.items()
    )
    return FlowState(records=tuple(states), reports=reports, rounds=tuple(rounds))
