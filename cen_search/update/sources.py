"""The sources an update has to search again, and where each stands in the current round.

A *source* is a database (or register) the review searched: a saved strategy together with
the imports it produced (an import made with ``--strategy``, or of a database the strategy
names: ``Ovid MEDLINE(R) ALL`` is MEDLINE), or the imports of one database that has no
saved strategy. Every saved strategy is a source, and so is every database of an earlier
round's databases-and-registers imports; records found by other methods (citation tracing,
websites, calls for evidence) are not: tracing is part of ``update run``, the rest is up to
the team.

In the current round a source is ``ran`` (its strategy ran on its API for the round),
``imported`` (an import of the round is its: the same strategy, or the same database; an
import its API run made does not count without the run's record),
``skipped`` (a person said so: ``cen-search update skip``), ``to-run`` (it has an API and has
not run yet) or ``awaited`` (its export is to be made by hand). The round is complete when no
source is ``to-run`` or ``awaited``.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from cen_search.errors import CenSearchError
from cen_search.prisma.search_table import same_database
from cen_search.screening.model import DBR_METHODS
from cen_search.update import store
from cen_search.update.limits import closed_limits
from cen_search.update.model import Source, SourceState, Window
from cen_search.update.targets import choose_target, configured_targets
from cen_search.workspace.manifest import ImportEntry, slug
from cen_search.workspace.rounds import FIRST_ROUND, Round, rounds

if TYPE_CHECKING:
    from cen_search.strategies.ast import Strategy
    from cen_search.workspace import Workspace


@dataclass
class _Draft:
    key: str
    database: str
    platform: str = ""
    strategy: str = ""
    strategy_id: str = ""
    names: set[str] = field(default_factory=set)
    searched: set[str] = field(default_factory=set)
    parsed: Strategy | None = None
    problem: str = ""


def round_of(entry: ImportEntry) -> str:
    return entry.round or FIRST_ROUND


def _strategy_drafts(ws: Workspace) -> list[_Draft]:
    from cen_search.strategies import load_strategy
    from cen_search.strategies.runlog import strategy_id_of

    drafts = []
    for rel in ws.strategies():
        if not rel.endswith(".txt"):
            continue
        try:
            strategy = load_strategy(ws.root / rel)
        except CenSearchError as exc:
            name = rel.rsplit("/", 1)[-1].removesuffix(".txt")
            drafts.append(
                _Draft(rel, name, strategy=rel, strategy_id=slug(name), problem=exc.message)
            )
            continue
        database = strategy.meta.database or (
            strategy.sections[0].database if strategy.sections else ""
        )
        drafts.append(
            _Draft(
                key=rel,
                database=database or strategy_id_of(strategy),
                platform=strategy.meta.platform,
                strategy=rel,
                strategy_id=strategy_id_of(strategy),
                names={database.casefold()} if database else set(),
                searched={strategy.meta.searched_on} if strategy.meta.searched_on else set(),
                parsed=strategy,
                problem="" if strategy.parsed else strategy.not_parsed,
            )
        )
    return drafts


def _owner(drafts: Sequence[_Draft], entry: ImportEntry) -> _Draft | None:
    """The source an import belongs to: its strategy's, else one naming its database."""
    if entry.strategy:
        for draft in drafts:
            if draft.strategy == entry.strategy:
                return draft
    for draft in drafts:
        names = draft.names or {draft.database.casefold()}
        if any(name.casefold() == entry.database.casefold() for name in names):
            return draft
    for draft in drafts:
        if draft.strategy and same_database(draft.database, entry.database):
            return draft
    return None


def review_sources(
    ws: Workspace, *, earlier: Sequence[str], until: _dt.date, started: str = ""
) -> list[Source]:
    """Every source of the review (see the module docstring), as of the rounds ``earlier``
    (their imports' search dates, and the dates of strategy runs before ``started``, when the
    current round started (UTC, ISO 8601), are each source's searches); ``until`` is the end of the
    current window (a strategy's publication-date limits ending before it are listed)."""
    from cen_search.strategies.runlog import all_runs

    drafts = _strategy_drafts(ws)
    earlier_set = set(earlier)
    for entry in ws.imports():
        if round_of(entry) not in earlier_set or entry.method not in DBR_METHODS:
            continue
        draft = _owner(drafts, entry)
        if draft is None:
            draft = _Draft(f"db:{entry.database.casefold()}", entry.database, entry.platform)
            drafts.append(draft)
        draft.names.add(entry.database.casefold())
        draft.platform = draft.platform or entry.platform
        if entry.searched:
            draft.searched.add(entry.searched)
    for run in all_runs(ws.root):
        strategy_file = str(run.record.get("strategy_file", ""))
        when = run.run_at[:10]
        if not when or (started and run.run_at[:19] >= started[:19]):
            continue
        for draft in drafts:
            if draft.strategy and draft.strategy == strategy_file:
                draft.searched.add(when)
    configured = configured_targets(ws.settings.table("update"))
    out = []
    for draft in drafts:
        target, reason = "", ""
        if draft.problem:
            reason = f"its strategy cannot be run: {draft.problem}"
        elif draft.strategy:
            target, reason = choose_target(
                strategy_id=draft.strategy_id,
                database=draft.database,
                platform=draft.platform,
                configured=configured,
            )
        else:
            reason = "no saved strategy: its export is made by hand"
        parsed = draft.parsed
        final = parsed.final_line() if parsed is not None and parsed.parsed else None
        out.append(
            Source(
                key=draft.key,
                database=draft.database,
                platform=draft.platform,
                strategy=draft.strategy,
                strategy_id=draft.strategy_id,
                names=tuple(sorted(draft.names)),
                last_searched=max(draft.searched, default=""),
                target=target,
                target_reason=reason,
                final_line=(final.label.rstrip(".") or final.key) if final is not None else "",
                closed_limits=tuple(closed_limits(parsed, until)) if parsed is not None else (),
                saved_until=parsed.meta.date_to if parsed is not None else "",
                problem=draft.problem,
            )
        )
    return out


def round_sources(
    ws: Workspace, current: Round, *, today: _dt.date
) -> tuple[list[Source], Window, tuple[str, ...]]:
    """The sources update round ``current`` searches again (:func:`review_sources` as of the
    rounds before it, up to the last day of its window: ``today`` while it is open), its
    window, and the names of the rounds before it."""
    from cen_search.update.window import window_of

    names = [r.name for r in rounds(ws)]
    earlier = tuple(names[: names.index(current.name)])
    window = window_of(current)
    until = window.last_day(today)
    return (
        review_sources(ws, earlier=earlier, until=until, started=current.started),
        window,
        earlier,
    )


def _from_api(entry: ImportEntry, source: Source) -> bool:
    """True when ``entry`` is what a run of the source's strategy on its API imported."""
    from cen_search.apis.registry import get

    if not source.target or entry.strategy != source.strategy:
        return False
    service = get(source.target)
    return (entry.database, entry.platform) == (service.database, service.platform)


def source_states(
    ws: Workspace,
    sources: Sequence[Source],
    *,
    round_name: str,
    window: Window,
    today: _dt.date | None = None,
) -> tuple[list[SourceState], list[str]]:
    """Where each source stands in ``round_name``, and the round's imports no source owns
    (``today``: the day an open window ends in the export instructions; default the
    computer's date)."""
    from cen_search.update.exports import export_for, exports_setting

    configured = exports_setting(ws)
    skipped = store.skips(ws, round_name)
    runs = store.runs_of(ws, round_name)
    entries = [e for e in ws.imports() if round_of(e) == round_name]
    owned: set[str] = set()
    drafts = [
        _Draft(s.key, s.database, s.platform, s.strategy, s.strategy_id, set(s.names))
        for s in sources
    ]
    by_key: dict[str, list[ImportEntry]] = {}
    for entry in entries:
        if entry.method not in DBR_METHODS:
            continue
        owner = _owner(drafts, entry)
        if owner is not None:
            by_key.setdefault(owner.key, []).append(entry)
            owned.add(entry.id)
    states = []
    for source in sources:
        mine = by_key.get(source.key, [])
        my_runs = [r for r in runs if r.source == source.key]
        # an import its own API run made, without the run's record (a run killed between
        # the two), does not count as the source searched: the run is made again
        by_hand = [e for e in mine if not _from_api(e, source)]
        base = SourceState(
            source=source,
            status="awaited",
            imports=tuple(e.id for e in mine),
            records=sum(e.records for e in mine),
            runs=tuple(r.run for r in my_runs),
        )
        if my_runs:
            opened = [o for r in my_runs for o in r.opened]
            note = ("opened for the update: " + "; ".join(opened)) if opened else ""
            states.append(replace(base, status="ran", note=note))
        elif by_hand or (mine and not source.target):
            states.append(replace(base, status="imported"))
        elif source.key in skipped:
            states.append(replace(base, status="skipped", note=skipped[source.key]))
        elif source.target:
            states.append(replace(base, status="to-run"))
        else:
            states.append(
                replace(base, export=export_for(source, window, configured=configured, today=today))
            )
    others = [
        f"{e.database} ({e.records} records, {e.method})" for e in entries if e.id not in owned
    ]
    return states, others


def find_source(sources: Sequence[Source], name: str) -> Source:
    """The source ``name`` names: its database (any case), its strategy id or file, or its
    key; a :class:`UsageError` listing the sources otherwise."""
    from cen_search.errors import UsageError

    wanted = name.strip().casefold()
    for source in sources:
        names = {
            source.key.casefold(),
            source.database.casefold(),
            source.strategy.casefold(),
            source.strategy_id.casefold(),
            *source.names,
        }
        if wanted in names - {""}:
            return source
    known = ", ".join(s.database for s in sources) or "none"
    raise UsageError(f"no source of the review is called {name!r}", hint=f"sources: {known}")


def skip_source(
    ws: Workspace, name: str, *, reason: str = "", undo: bool = False, today: _dt.date | None = None
) -> Source:
    """Mark a source skipped in the current round (or no longer, with ``undo``). Skipping a
    skipped source again without a reason, or taking back a skip there is not, writes
    nothing (the reason a person gave stays)."""
    from cen_search.update.run import update_round

    with store.update_lock(ws), ws.lock():
        current = update_round(ws)
        sources, _, _ = round_sources(ws, current, today=today or _dt.date.today())
        source = find_source(sources, name)
        skipped = store.skips(ws, current.name)
        if (source.key in skipped) == (not undo) and (undo or not reason.strip()):
            return source
        store.append(
            ws,
            "unskip" if undo else "skip",
            round=current.name,
            source=source.key,
            database=source.database,
            reason=reason.strip(),
        )
    return source


__all__ = [
    "find_source",
    "review_sources",
    "round_of",
    "round_sources",
    "skip_source",
    "source_states",
]
