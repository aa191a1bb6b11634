"""Run a saved strategy on an open API and keep everything it returned.

:func:`run_strategy` translates the strategy, runs it line by line on PubMed, Europe PMC or
OpenAlex (recording each line's count, the query sent, and the service's own translation and
warnings), retrieves the final set, imports it into the review with full provenance (the raw
MEDLINE text or the converted JSON Lines is written to a file and imported, so the review keeps
it), and writes an append-only run record ``runs/<strategy>/<stamp>.json`` with the identifiers
beside it and the comparison with the previous run. A date window (``date_from``/``date_to``)
restricts on *entry/creation* dates (PubMed EDAT, Europe PMC FIRST_IDATE, OpenAlex
created date), as annual update searches need.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cen_search import __version__
from cen_search.apis import SEARCH, get
from cen_search.apis.client import Access
from cen_search.apis.errors import RequestTooLongError
from cen_search.apis.openalex import SEARCH_COST_USD
from cen_search.apis.redaction import scrub
from cen_search.errors import StrategyError, UsageError, WorkspaceError
from cen_search.fsutil import atomic_write_bytes, sha256_file
from cen_search.progress import NULL_REPORTER, Reporter
from cen_search.strategies import runlog
from cen_search.strategies.run_pubmed import entry_date_params, run_pubmed
from cen_search.strategies.run_targets import (
    DateWindow,
    RunOptions,
    TargetOutcome,
    europepmc_window_clause,
    openalex_filters,
    openalex_window_filters,
    run_europepmc,
    run_openalex,
)
from cen_search.strategies.runlog import strategy_id_of
from cen_search.strategies.translate import (
    TARGETS,
    Lossiness,
    TranslatedLine,
    Translation,
    translate,
)
from cen_search.workspace.manifest import is_within

if TYPE_CHECKING:
    from cen_search.strategies.ast import Strategy
    from cen_search.workspace import ImportOutcome, Workspace

__all__ = [
    "TARGET_RUNS",
    "Access",
    "RunResult",
    "TargetRun",
    "parse_window",
    "run_strategy",
    "strategy_id_of",
]


@dataclass(frozen=True, slots=True)
class TargetRun:
    """How a strategy runs on one service (the service itself is registered in
    :mod:`cen_search.apis`): the run function, the client options taken from
    :class:`RunOptions`, the request a dry run shows for a line, and the cost of one count."""

    run: Callable[..., TargetOutcome]
    client_options: Callable[[RunOptions], dict[str, Any]]
    plan: Callable[[TranslatedLine], str]
    window: Callable[[DateWindow, _dt.date, RunOptions], str]
    """What a run adds to every request for an entry-date window, as a dry run shows it."""
    count_cost_usd: float | None = None
    """Estimated price of counting one line, for a dry run ([verify prices])."""
    paged: bool = True
    """``run`` takes a ``page_size`` (ids or records per request); OpenAlex pages are as long
    as its client's ``per_page``."""


def _openalex_plan(line: TranslatedLine) -> str:
    return f"GET works filter={','.join(openalex_filters(line))}"


TARGET_RUNS: dict[str, TargetRun] = {
    "pubmed": TargetRun(
        run=run_pubmed,
        client_options=lambda options: {},
        plan=lambda line: f"POST esearch term={line.display_history() or line.query}",
        window=lambda window, today, options: "&".join(
            f"{key}={value}" for key, value in entry_date_params(window, today).items()
        ),
    ),
    "europepmc": TargetRun(
        run=run_europepmc,
        client_options=lambda options: {"synonym": options.europepmc_synonym},
        plan=lambda line: f"GET search query={line.query}",
        window=lambda window, today, options: (
            "AND " + europepmc_window_clause(window, today, options)
        ),
    ),
    "openalex": TargetRun(
        run=run_openalex,  # pages are as long as the client's per_page
        client_options=lambda options: {
            "per_page": options.openalex_per_page,
            "max_url_chars": options.openalex_max_url_chars,
        },
        plan=_openalex_plan,
        window=lambda window, today, options: (
            "filter " + ",".join(openalex_window_filters(window, today, options))
        ),
        count_cost_usd=SEARCH_COST_USD,
        paged=False,
    ),
}
"""Every service a strategy can run on (each also registered with the ``search`` role)."""


@dataclass(frozen=True, slots=True)
class RunResult:
    """What :func:`run_strategy` did."""

    strategy_id: str
    target: str
    translation: Translation
    dry_run: bool
    record: dict[str, Any]
    """The run record (as written, or as it would be for a dry run)."""
    record_path: Path | None = None
    ids: tuple[str, ...] = ()
    total: int | None = None
    imported: ImportOutcome | None = None
    warnings: tuple[str, ...] = ()
    plan: tuple[str, ...] = ()
    """Dry run: the requests that would be sent, one per line."""
    estimated_cost_usd: float | None = None


def _utc_now() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC)


def _strategy_sha(strategy: Strategy) -> str:
    """SHA-256 of the strategy file as saved (of its text when it has no file)."""
    if strategy.path and Path(strategy.path).is_file():
        return sha256_file(strategy.path)
    return hashlib.sha256(strategy.body.encode("utf-8")).hexdigest()


def parse_window(date_from: str | None, date_to: str | None) -> DateWindow:
    """``--from``/``--to`` (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) as a window."""
    from cen_search.strategies.translate_tables import iso_bound

    def one(value: str | None, first: bool, flag: str) -> _dt.date | None:
        if not value:
            return None
        try:
            return _dt.date.fromisoformat(iso_bound(value.strip(), first=first))
        except ValueError:
            raise UsageError(
                f"{flag} {value!r} is not a date", hint="write YYYY-MM-DD (or YYYY, YYYY-MM)"
            ) from None

    window = DateWindow(one(date_from, True, "--from"), one(date_to, False, "--to"))
    if window.start and window.end and window.start > window.end:
        raise UsageError(f"--from {date_from} is after --to {date_to}", hint="swap the two dates")
    return window


def _plan(
    translation: Translation,
    target: TargetRun,
    client: Any,
    window: DateWindow,
    today: _dt.date,
    options: RunOptions,
) -> tuple[list[str], float | None]:
    """A dry run: the request each line would send, the entry-date limits added to each, and
    the estimated cost where it is known."""
    plan = [
        f"{line.key}: {target.plan(line)}" if line.runnable else f"{line.key}: (not runnable)"
        for line in translation.lines
    ]
    if window:
        last = (window.end or today).isoformat()
        span = f"{window.start.isoformat()} to {last}" if window.start else f"up to {last}"
        plan.append(
            f"every line limited to records entered {span} "
            f"({target.window(window, today, options)})"
        )
    cost = None
    if target.count_cost_usd is not None:
        runnable = [line for line in translation.lines if line.runnable]
        cost = round(len(runnable) * target.count_cost_usd, 6)
        per_page = getattr(client, "per_page", 0)
        plan.append(
            f"estimated cost of the counts: ${cost} [verify prices], plus "
            f"${target.count_cost_usd} per page of {per_page} records of the final set"
        )
    return plan, cost


def run_strategy(
    strategy: Strategy,
    target: str,
    *,
    access: Access,
    date_from: str | None = None,
    date_to: str | None = None,
    workspace: Workspace | None = None,
    dry_run: bool = False,
    section: int = 0,
    only_final: bool = False,
    reporter: Reporter | None = None,
    now: Callable[[], _dt.datetime] | None = None,
    options: RunOptions | None = None,
    page_size: int | None = None,
) -> RunResult:
    """Run ``strategy`` on ``target`` and record it (see the module docstring).

    ``options`` holds the service facts marked [verify] (see :class:`RunOptions`);
    ``page_size`` (ids or records per request) exists for tests.
    """
    options = options or RunOptions()
    if target not in TARGETS or target not in TARGET_RUNS:
        known = ", ".join(t for t in TARGETS if t in TARGET_RUNS)
        raise UsageError(f"cannot run on {target!r}", hint=f"use one of: {known}")
    if access.service.name != get(target, SEARCH).name:
        raise UsageError(
            f"the access given is for {access.service.name}, not {target}",
            hint="build it with cen_search.apis.client.access(settings, target, ...)",
        )
    how = TARGET_RUNS[target]
    reporter = reporter or NULL_REPORTER
    clock = now or _utc_now
    window = parse_window(date_from, date_to)
    translation = translate(strategy, target, section=section)
    client = access.client(**how.client_options(options))
    strategy_id = strategy_id_of(strategy)
    if dry_run:
        plan, cost = _plan(translation, how, client, window, clock().date(), options)
        return RunResult(
            strategy_id, target, translation, True, {}, plan=tuple(plan), estimated_cost_usd=cost
        )
    if workspace is None:
        raise WorkspaceError(
            "a strategy run needs a review folder to import the records into",
            hint="run it inside a review (cen-search init), or use --dry-run",
        )
    started = clock()
    today = started.date()
    extra = {"page_size": page_size} if how.paged else {}
    try:
        outcome = how.run(
            translation,
            client,
            window,
            today=today,
            reporter=reporter,
            options=options,
            only_final=only_final,
            **extra,
        )
    except RequestTooLongError as exc:
        raise StrategyError(
            exc.message,
            hint=f"split the strategy into smaller blocks, or run it on another service "
            f"({', '.join(t for t in TARGET_RUNS if t != target)})",
        ) from None
    return _finish(strategy, strategy_id, translation, outcome, workspace, started)


def _finish(
    strategy: Strategy,
    strategy_id: str,
    translation: Translation,
    outcome: TargetOutcome,
    workspace: Workspace,
    started: _dt.datetime,
) -> RunResult:
    """Import the records, compare with the previous run and write the run record."""
    service = get(translation.target)
    database, platform = service.database, service.platform
    searched = started.date().isoformat()
    stamp = runlog.stamp(started)
    imported = None
    warnings = list(outcome.warnings)
    strategy_ref = ""
    if strategy.path and is_within(strategy.path, workspace.root):
        strategy_ref = workspace.relative(strategy.path)
    if outcome.ids:
        scratch = workspace.state_dir / "tmp" / f"{strategy_id}_{translation.target}_{stamp}"
        path = scratch.with_suffix(outcome.extension)
        atomic_write_bytes(path, outcome.payload)
        try:
            imported = workspace.import_file(
                path,
                database=database,
                platform=platform,
                searched=searched,
                strategy=workspace.root / strategy_ref if strategy_ref else None,
            )
        finally:
            with contextlib.suppress(OSError):
                os.unlink(path)
        if imported.entry.records != len(outcome.ids):
            warnings.append(
                f"{len(outcome.ids)} identifiers were listed but the imported file holds "
                f"{imported.entry.records} records ({imported.entry.skipped} skipped)"
            )
    with workspace.lock():
        previous_runs = runlog.runs(workspace.root, strategy_id, target=translation.target)
        previous = previous_runs[-1] if previous_runs else None
        lines = [line.to_dict() for line in outcome.lines]
        recorded = {
            line.key: line.recorded_hits for line in strategy.section_lines(translation.section)
        }
        for entry in lines:
            if recorded.get(entry["key"]) is not None:
                entry["recorded_hits"] = recorded[entry["key"]]
        record: dict[str, Any] = {
            "strategy_id": strategy_id,
            "strategy_file": strategy_ref or strategy.path,
            "strategy_sha256": _strategy_sha(strategy),
            "section": translation.section,
            "run_at": started.astimezone(_dt.UTC)
            .isoformat(timespec="seconds")
            .replace("+00:00", "Z"),
            "tool": f"cen-search {__version__}",
            "target": translation.target,
            "database": database,
            "platform": platform,
            "endpoint": scrub(outcome.endpoint),  # (no proxy credentials in the review)
            "settings": outcome.settings,
            "date_window": outcome.date_window,
            "translation": {
                "from": translation.source_platform,
                "to": translation.target,
                "lossiness": translation.lossiness.value,
                "equivalent": translation.equivalent,
                "findings": [
                    {
                        "line": f.key,
                        "construct": f.construct,
                        "written": f.written,
                        "rendered": f.rendered,
                        "lossiness": f.lossiness.value,
                        "reason": f.reason,
                    }
                    for f in translation.findings
                    if f.lossiness is not Lossiness.EXACT
                ],
            },
            "lines": lines,
            "final_line": translation.final_key,
            "total": outcome.total,
            "retrieved": len(outcome.ids),
            "partitions": outcome.partitions,
            "warnings": warnings,
            "import": _import_summary(imported),
            "new_since": runlog.new_since(previous, outcome.ids),
            "count_drift": runlog.line_drift(previous, lines),
        }
        if outcome.cost_usd is not None:
            record["cost_usd"] = outcome.cost_usd
        saved = runlog.write_run(workspace.root, strategy_id, record, outcome.ids, at=started)
        workspace.log(
            "strategy-run",
            strategy=strategy_id,
            target=translation.target,
            total=outcome.total,
            run=workspace.relative(saved.path),
        )
    final_record = {
        **record,
        "schema_version": saved.record["schema_version"],
        "ids_file": saved.record["ids_file"],
    }
    return RunResult(
        strategy_id,
        translation.target,
        translation,
        False,
        final_record,
        record_path=saved.path,
        ids=tuple(outcome.ids),
        total=outcome.total,
        imported=imported,
        warnings=tuple(warnings),
    )


def _import_summary(imported: ImportOutcome | None) -> dict[str, Any] | None:
    """What the run record says about the import of the retrieved records."""
    if imported is None:
        return None
    entry = imported.entry
    return {
        "id": entry.id,
        "file": entry.file,
        "records": entry.records,
        "format": entry.format,
        "already_imported": imported.already_imported,
    }
