"""A review's PRISMA flow, from its workspace: the screening fold, the import manifest, the
saved strategies and tracing rounds, and the ``[prisma]`` settings.

``cen-search.toml``::

    [prisma]
    earlier_screened = "duplicates"   # or "other": updates count records already screened
                                      # in an earlier round as removed for other reasons
    earlier_screened_label = "Records screened in a previous version"
    renderer = ""                     # a Graphviz dot or graphviz-pure to use
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, cast

from cen_search.errors import CenSearchError, ConfigError
from cen_search.prisma.counts import compute_flow
from cen_search.prisma.methods import (
    TraceRound,
    selection_sentences,
    sources_sentence,
    strategy_sentence,
)
from cen_search.prisma.model import (
    EARLIER_SCREENED_LABEL,
    EarlierScreened,
    PendingWork,
    PrismaFlow,
    Template,
)
from cen_search.prisma.notes import footnotes
from cen_search.progress import NULL_REPORTER, Reporter
from cen_search.screening.model import DBR_METHODS, FlowState
from cen_search.workspace.rounds import FIRST_ROUND, rounds

if TYPE_CHECKING:
    from cen_search.workspace import Workspace


@dataclass(frozen=True)
class ReviewFlow:
    """A review's flow and what it was computed from."""

    flow: PrismaFlow
    state: FlowState
    methods: tuple[str, ...]
    """The methods sentences (PRISMA items 6-8)."""


def prisma_settings(ws: Workspace) -> dict[str, str]:
    """The ``[prisma]`` table, checked."""
    table = ws.settings.table("prisma")
    earlier = str(table.get("earlier_screened", "duplicates")).strip().lower() or "duplicates"
    if earlier not in ("duplicates", "other"):
        raise ConfigError(
            f"{ws.config_path}: [prisma] earlier_screened = {earlier!r} is not a choice",
            hint='use "duplicates" (the default) or "other"',
        )
    return {
        "earlier_screened": earlier,
        "earlier_screened_label": str(
            table.get("earlier_screened_label", EARLIER_SCREENED_LABEL)
        ).strip()
        or EARLIER_SCREENED_LABEL,
        "renderer": str(table.get("renderer", "")).strip(),
    }


def review_flow(
    ws: Workspace,
    *,
    template: Template | None = None,
    round_name: str = "",
    per_database: bool = True,
    reporter: Reporter = NULL_REPORTER,
) -> ReviewFlow:
    """Count the review's PRISMA flow and write its methods sentences."""
    from cen_search.prisma.source import load_state

    settings = prisma_settings(ws)
    state, screening = load_state(ws, reporter=reporter)
    entries = ws.imports()
    flow = compute_flow(
        state,
        entries=entries,
        template=template,
        round_name=round_name,
        earlier_screened=cast(EarlierScreened, settings["earlier_screened"]),
        earlier_screened_label=settings["earlier_screened_label"],
        per_database=per_database,
        screening=screening,
    )
    searches = searches_outstanding(ws, flow)
    if searches is not None:
        flow = replace(flow, pending=(searches, *flow.pending))
        flow = replace(flow, notes=footnotes(flow))
    return ReviewFlow(flow, state, tuple(methods_of(ws, flow, state)))


def searches_outstanding(ws: Workspace, flow: PrismaFlow) -> PendingWork | None:
    """The update round shown while some of its database searches are still to run or to be
    exported and imported: its numbers will change, so the diagram is a draft."""
    if flow.template != "update" or not flow.round:
        return None
    from cen_search.update.status import round_report  # (update builds on prisma's tables)

    current = rounds(ws)[-1]
    if current.name != flow.round or not current.since:
        return None  # an earlier round, finished; or a round no `update start` opened
    awaited = round_report(ws).awaited
    if not awaited:
        return None
    return PendingWork(
        what="searches",
        count=len(awaited),
        description="database searches of the round still to run or import",
        examples=tuple(state.source.database for state in awaited[:3]),
    )


def _strategy_meta(ws: Workspace) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """Each saved strategy's database -> (date_from, date_to), and the databases saved."""
    windows: dict[str, tuple[str, str]] = {}
    saved: list[str] = []
    try:
        from cen_search.strategies import load_strategy
    except ImportError:  # pragma: no cover - the strategies stage is part of the package
        return windows, saved
    for relpath in ws.strategies():
        if not relpath.endswith((".txt", ".yaml", ".yml")):
            continue
        try:
            meta = load_strategy(ws.root / relpath).meta
        except CenSearchError:
            continue
        if meta.database:
            saved.append(meta.database)
            windows[meta.database.casefold()] = (meta.date_from or "", meta.date_to or "")
    # a database searched with a saved strategy of another (PubMed searched with the MEDLINE
    # strategy, as update runs do) has its strategy saved too
    saved += [e.database for e in ws.imports() if e.strategy and e.database not in saved]
    return windows, saved


def trace_rounds(ws: Workspace) -> list[TraceRound]:
    """Tracing rounds logged by ``cen-search trace``, each source named by its label
    (``OpenAlex``); none when the tracing log cannot be read."""
    from cen_search.apis.registry import get as service
    from cen_search.trace.store import round_counts

    try:
        counts = round_counts(ws)
    except CenSearchError:
        return []

    def label(name: str) -> str:
        try:
            return service(name).label
        except CenSearchError:
            return name

    return [
        TraceRound(
            date=c.date,
            direction=c.direction,
            sources=tuple(label(s) for s in c.sources),
            seeds=c.seeds,
            new_records=c.new_records,
        )
        for c in counts
    ]


ADDED_KINDS = frozenset({"entry", "created"})
"""The kinds of a run record's ``date_window`` that bound when records were added (entry or
creation dates, as update rounds search)."""


def _iso(value: object) -> str:
    """``2019/11/12`` (a run record's window) -> ``2019-11-12``."""
    return str(value or "").strip().replace("/", "-")[:10]


def round_windows(ws: Workspace, round_name: str) -> dict[str, tuple[str, str]]:
    """What an update round's searches covered, per database or register (casefolded name):
    the first and last day of the records added to it that they looked for. A strategy run
    gives its own entry-date window (its run record); an export imported into the round, the
    round's window (``rounds.jsonl``), from its first day to its last (``until``), else to the
    day the export was searched. Empty for the first round, whose searches had no such
    window."""
    from cen_search.strategies.runlog import all_runs

    found = next((r for r in rounds(ws) if r.name == round_name), None)
    if found is None or round_name == FIRST_ROUND:
        return {}
    try:
        by_import = {
            str(run.record["import"].get("id", "")): run.record.get("date_window") or {}
            for run in all_runs(ws.root)
            if isinstance(run.record.get("import"), dict)
        }
    except CenSearchError:
        by_import = {}
    windows: dict[str, tuple[str, str]] = {}
    for entry in ws.imports():
        if (entry.round or FIRST_ROUND) != round_name or entry.method not in DBR_METHODS:
            continue
        ran = by_import.get(entry.id)
        if (
            isinstance(ran, dict)
            and ran.get("kind", "entry") in ADDED_KINDS
            and (ran.get("from") or ran.get("to"))
        ):
            start, end = _iso(ran.get("from")), _iso(ran.get("to"))
        else:
            start, end = found.since, found.until or entry.searched
        key = entry.database.casefold()
        if key in windows:  # several searches of one database in the round: the span
            before = windows[key]
            start = min(start, before[0]) if start and before[0] else ""
            end = max(end, before[1]) if end and before[1] else ""
        windows[key] = (start, end)
    return windows


def methods_of(ws: Workspace, flow: PrismaFlow, state: FlowState) -> list[str]:
    """The methods sentences for ``flow`` (PRISMA items 6, 7 and 8). An updated review's
    round gives each database the dates its own searches covered, not the first version's
    date limits."""
    windows, saved = _strategy_meta(ws)
    settings = ws.settings
    added = round_windows(ws, flow.round) if flow.template == "update" and flow.round else {}
    sentences = sources_sentence(
        flow,
        windows=windows,
        default_window=(settings.date_from, settings.date_to),
        trace_rounds=trace_rounds(ws),
        added_windows=added,
    )
    sentences += strategy_sentence(flow, saved)
    designs, agreements = state.designs, state.agreements
    if flow.template == "update" and flow.round in state.round_designs:
        # an updated review's round: how its own records were screened, as its boxes count
        designs = state.round_designs[flow.round]
        agreements = tuple(state.round_agreements.get(flow.round, ()))
    sentences += selection_sentences(flow, designs, agreements)
    return sentences
