"""``update run``: search every source of the review again for the current round's window.

In order, each step safe to repeat, so an interrupted run (Ctrl-C, a kill, a quota) is
resumed by running it again and a finished round run again adds nothing:

1. every saved strategy with an open API (:mod:`cen_search.update.targets`) that has not run
   for the round runs on it through the strategy runner, for the window, on entry dates; its
   records are imported into the round (a run is recorded in ``update/log.jsonl`` after its
   run record is written; one whose log line was lost is found again by its run record);
   a source that fails is reported and the others go on;
2. deduplication runs over every round's records together, so each new record either joins a
   report of an earlier round (its decisions carry forward) or starts a new report, the only
   kind that reaches the screening queue;
3. the studies newly included in the round are traced (backward and forward), and the new
   works are imported into the round as records found by citation searching (``--method
   citation``); seeds already traced are not traced again;
4. the round's digest and summary are written (:mod:`cen_search.update.digest`).

Databases without an open API are not searched here: the round's report says what to export
from each, with the date limit, until ``cen-search import`` adds the file to the round.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from cen_search.errors import CenSearchError, UsageError
from cen_search.progress import NULL_REPORTER, Reporter
from cen_search.update import store
from cen_search.update.model import Failure, RunSummary, Source, Traced, Window
from cen_search.workspace.rounds import FIRST_ROUND, Round, rounds

if TYPE_CHECKING:
    from cen_search.apis.client import Access
    from cen_search.config import Settings
    from cen_search.dedupe.workspace_run import DedupeRun
    from cen_search.strategies.run_targets import RunOptions
    from cen_search.workspace import Workspace

TRACE_DATABASE = "Citation tracing"
"""Database name the works found by tracing are imported under (``--method citation``)."""


class Services(Protocol):
    """How a run reaches the open APIs (built once by the caller)."""

    session: Any

    def search(self, target: str) -> Access: ...

    def tracers(self, names: Sequence[str]) -> Mapping[str, Any]: ...


@dataclass
class ApiServices:
    """:class:`Services` from the resolved settings and one session."""

    settings: Settings
    session: Any
    timeout: float = 30.0

    def search(self, target: str) -> Access:
        from cen_search.apis.client import access
        from cen_search.apis.registry import SEARCH

        return access(
            self.settings, target, session=self.session, timeout=self.timeout, role=SEARCH
        )

    def tracers(self, names: Sequence[str]) -> dict[str, Any]:
        from cen_search.apis.client import access
        from cen_search.apis.registry import TRACE

        return {
            name: access(
                self.settings, name, session=self.session, timeout=self.timeout, role=TRACE
            ).client()
            for name in names
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class UpdateOptions:
    trace: bool = True
    """Trace the studies newly included in the round."""
    trace_sources: tuple[str, ...] = ()
    """Citation indexes to trace with (empty: ``[update] trace_sources``, ``[trace]
    sources``, else the tracing defaults)."""
    open_date_limits: bool = True
    """Open publication-date limits that end before the window (see :mod:`.limits`)."""
    run_options: RunOptions | None = None


def update_round(ws: Workspace) -> Round:
    """The current round, which must be an update round."""
    current = rounds(ws)[-1]
    if current.name == FIRST_ROUND:
        raise UsageError(
            "no update round has been started in this review",
            hint="start one first: cen-search update start --name 2021",
        )
    return current


def adopt_runs(ws: Workspace, sources: Sequence[Source], current: Round, window: Window) -> int:
    """Log the strategy runs of the round whose run record was written but whose update-log
    line was not (a run killed in between); returns how many. Holds the review's lock."""
    from cen_search.strategies.runlog import runs

    logged = {entry.run for entry in store.runs_of(ws, current.name)}
    found = 0
    for source in sources:
        if not source.target or not source.strategy_id:
            continue
        for saved in runs(ws.root, source.strategy_id, target=source.target):
            when = saved.run_at[:19]
            window_from = str((saved.record.get("date_window") or {}).get("from") or "")
            rel = ws.relative(saved.path)
            if rel in logged or when < current.started[:19]:
                continue
            if window_from.replace("/", "-") != window.since:
                continue
            imported = saved.record.get("import") or {}
            _log_run(
                ws,
                current,
                source,
                run=rel,
                records=int(imported.get("records", 0) or 0),
                total=int(saved.record.get("total", 0) or 0),
                adopted=True,
            )
            logged.add(rel)
            found += 1
    return found


def _run_source(
    ws: Workspace,
    source: Source,
    *,
    services: Services,
    current: Round,
    window: Window,
    until: _dt.date,
    options: UpdateOptions,
    reporter: Reporter,
    now: Callable[[], _dt.datetime] | None,
) -> None:
    from cen_search.strategies import load_strategy
    from cen_search.strategies.runner import run_strategy
    from cen_search.update.limits import open_limits

    strategy = load_strategy(ws.root / source.strategy)
    opened: list[str] = []
    if options.open_date_limits:
        strategy, opened = open_limits(strategy, until)
    result = run_strategy(
        strategy,
        source.target,
        access=services.search(source.target),
        date_from=window.since,
        date_to=window.until or None,
        workspace=ws,
        reporter=reporter,
        now=now,
        options=options.run_options,
    )
    imported = result.imported.entry if result.imported is not None else None
    _log_run(
        ws,
        current,
        source,
        run=ws.relative(result.record_path) if result.record_path else "",
        **{"import": imported.id if imported is not None else ""},
        records=imported.records if imported is not None else 0,
        total=result.total or 0,
        opened=opened,
    )


def _log_run(ws: Workspace, current: Round, source: Source, **fields: Any) -> None:
    """Append the round's ``strategy-run`` event for ``source`` (under the review's lock)."""
    with ws.lock():
        store.append(
            ws,
            "strategy-run",
            round=current.name,
            source=source.key,
            strategy=source.strategy,
            strategy_id=source.strategy_id,
            target=source.target,
            **fields,
        )


def _failure(step: str, exc: CenSearchError) -> Failure:
    return Failure(step, exc.code, exc.message, exc.hint, exc.exit_code)


def dedupe_is_current(ws: Workspace) -> bool:
    """True when the last dedupe run came after the last import and no dedupe decision is
    newer than its results (then ``dedupe/clusters.csv`` is the review's grouping)."""
    from cen_search.dedupe.workspace_run import results_are_current

    events = [str(e.get("event", "")) for e in ws.events(allow_torn=True)]
    last_import = max((i for i, e in enumerate(events) if e == "import"), default=-1)
    last_dedupe = max((i for i, e in enumerate(events) if e == "dedupe"), default=-1)
    return last_dedupe >= last_import and results_are_current(ws)


def deduplicate(ws: Workspace, reporter: Reporter, *, force: bool = False) -> DedupeRun | None:
    """Run the review's deduplication (written to ``dedupe/``) unless it is current."""
    from cen_search.dedupe.workspace_run import run_in_workspace

    if not force and dedupe_is_current(ws):
        return None
    return run_in_workspace(ws, reporter=reporter)


@dataclass
class _Progress:
    ran: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)


def run_update(
    ws: Workspace,
    *,
    services: Services,
    options: UpdateOptions | None = None,
    reporter: Reporter | None = None,
    now: Callable[[], _dt.datetime] | None = None,
    today: _dt.date | None = None,
) -> RunSummary:
    """Run the current round's searches, deduplicate, trace and write the digest (see the
    module docstring). Failures of single sources are in the summary, not raised."""
    from cen_search.screening.flow import load_screening
    from cen_search.update.digest import write_round_files
    from cen_search.update.sources import round_sources, source_states
    from cen_search.update.status import round_report
    from cen_search.update.tracing import trace_round

    options = options or UpdateOptions()
    reporter = reporter or NULL_REPORTER
    today = today or (now().date() if now else _dt.date.today())
    with store.update_lock(ws):
        current = update_round(ws)
        sources, window, _ = round_sources(ws, current, today=today)
        until = window.last_day(today)
        adopted = adopt_runs(ws, sources, current, window)
        states, _ = source_states(ws, sources, round_name=current.name, window=window, today=today)
        progress = _Progress()
        for state in states:
            source = state.source
            if not source.target or state.status in ("skipped", "imported"):
                continue
            if state.status == "ran":
                progress.already.append(source.key)
                continue
            try:
                _run_source(
                    ws,
                    source,
                    services=services,
                    current=current,
                    window=window,
                    until=until,
                    options=options,
                    reporter=reporter,
                    now=now,
                )
            except CenSearchError as exc:
                step = f"run {source.strategy or source.key} on {source.target}"
                progress.failures.append(_failure(step, exc))
                continue
            progress.ran.append(source.key)
        dedupe_run = deduplicate(ws, reporter)
        screening = load_screening(ws, dedupe_run=dedupe_run)
        traced = Traced(note="tracing is off")
        if options.trace:
            traced, failure = trace_round(
                ws,
                screening,
                services=services,
                current=current,
                options=options,
                reporter=reporter,
            )
            if failure is not None:
                progress.failures.append(failure)
            if traced.imported:
                dedupe_run = deduplicate(ws, reporter, force=True)
                screening = load_screening(ws, dedupe_run=dedupe_run)
        report = round_report(ws, screening=screening, today=today)
        changed = bool(progress.ran or traced.imported or adopted)
        digest = write_round_files(ws, report, failures=progress.failures)
        if changed or progress.failures:
            with ws.lock():
                ws.log(
                    "update-run",
                    round=current.name,
                    ran=progress.ran,
                    traced=len(traced.imported),
                    failures=len(progress.failures),
                    new_reports=len(report.changes.new_reports),
                )
    return RunSummary(
        report=report,
        ran=tuple(progress.ran),
        already_ran=tuple(progress.already),
        failures=tuple(progress.failures),
        traced=traced,
        digest=digest,
        changed=changed,
    )


__all__ = [
    "TRACE_DATABASE",
    "ApiServices",
    "Services",
    "UpdateOptions",
    "adopt_runs",
    "dedupe_is_current",
    "deduplicate",
    "run_update",
    "update_round",
]
