"""Citation tracing in an update round: the studies newly included in the round are traced
backward and forward, and the new works found are imported into the round as records found by
citation searching.

The seeds are the reports whose inclusion was recorded in the round
(:func:`cen_search.screening.included.included_of`); right after a round's searches there are
none, so tracing happens on a later ``update run``, once reviewers have included some. The
tracing engine keeps its rounds in ``trace/`` and skips seeds it has traced already with the
same sources and directions. Every trace round logged since the update round started whose
new works are not imported yet is imported (``trace/records/<file>.jsonl``, byte for byte,
``--method citation``), so works traced by ``cen-search trace`` during the round count too, and
an import a killed run missed is made by the next run (importing the same file twice changes
nothing).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from cen_search.errors import CenSearchError, ConfigError
from cen_search.fsutil import sha256_file
from cen_search.progress import Reporter
from cen_search.update.model import Failure, Traced
from cen_search.wording import count

if TYPE_CHECKING:
    from cen_search.config import Settings
    from cen_search.screening.flow import Screening
    from cen_search.update.run import Services, UpdateOptions
    from cen_search.workspace import Workspace
    from cen_search.workspace.rounds import Round


def trace_sources(settings: Settings, given: Sequence[str] = ()) -> tuple[str, ...]:
    """``given``, else ``[update] trace_sources``, else ``[trace] sources``, else the tracing
    defaults (Semantic Scholar added when its key is set)."""
    from cen_search.apis.registry import TRACE, get
    from cen_search.trace.model import DEFAULT_SOURCES

    names: list[str] = list(given)
    for table, key in (("update", "trace_sources"), ("trace", "sources")):
        if names:
            break
        value = settings.table(table).get(key)
        if value is None:
            continue
        if isinstance(value, str):
            names = [n.strip() for n in value.split(",") if n.strip()]
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            names = [v.strip() for v in value if v.strip()]
        else:
            raise ConfigError(
                f"[{table}] {key} must be a list of source names",
                hint='write e.g. sources = ["openalex", "crossref"]',
            )
    if not names:
        names = list(DEFAULT_SOURCES)
        if settings["semanticscholar_api_key"]:
            names.append("semanticscholar")
    for name in names:
        get(name.lower(), TRACE)
    return tuple(dict.fromkeys(n.lower() for n in names))


def import_traced(ws: Workspace, current: Round) -> list[str]:
    """Import the new works of every trace round logged since ``current`` started that are
    not imported yet; returns the manifest ids imported now."""
    from cen_search.trace.store import rounds as trace_rounds
    from cen_search.trace.store import trace_dir
    from cen_search.update.run import TRACE_DATABASE

    done: list[str] = []
    known = {entry.sha256 for entry in ws.imports()}
    for line in trace_rounds(ws):
        name = line.get("records_file")
        at = str(line.get("at", ""))
        if not name or at[:19] < current.started[:19]:
            continue
        path = trace_dir(ws) / str(name)
        if not path.is_file() or sha256_file(path) in known:
            continue
        outcome = ws.import_file(
            path, database=TRACE_DATABASE, searched=at[:10], method="citation", format="jsonl"
        )
        if not outcome.already_imported:
            done.append(outcome.entry.id)
            known.add(outcome.entry.sha256)
    return done


def trace_round(
    ws: Workspace,
    screening: Screening,
    *,
    services: Services,
    current: Round,
    options: UpdateOptions,
    reporter: Reporter,
) -> tuple[Traced, Failure | None]:
    """Trace the studies newly included in ``current`` and import what is new."""
    from cen_search.screening.included import included_of
    from cen_search.trace.checkpoint import CHECKPOINTS
    from cen_search.trace.engine import TraceOptions, trace
    from cen_search.trace.seeds import seeds_from_records

    records = included_of(screening, round_name=current.name)
    failure = None
    found = 0
    note = ""
    if not records:
        note = (
            f"no study has been included in round {current.name} yet: tracing runs on a "
            "later 'cen-search update run', once reviewers include some"
        )
    else:
        seeds = seeds_from_records(records, origin=f"included in round {current.name}")
        try:
            names = trace_sources(ws.settings, options.trace_sources)
            result = trace(
                seeds,
                options=TraceOptions(direction="both", sources=names),
                clients=services.tracers(names),
                session=services.session,
                workspace=ws,
                checkpoint_root=ws.state_dir / CHECKPOINTS,
                reporter=reporter,
            )
        except CenSearchError as exc:
            failure = Failure("trace", exc.code, exc.message, exc.hint, exc.exit_code)
        else:
            found = len(result.new_records)
            traced_now = len(seeds) - len(result.skipped_seeds)
            note = (
                f"{count(traced_now, 'seed')} traced with {', '.join(names)}: "
                f"{count(found, 'new work')}"
            )
            if result.skipped_seeds:
                note += f"; {len(result.skipped_seeds)} already traced"
    try:
        imported = import_traced(ws, current)
    except CenSearchError as exc:
        imported = []
        failure = failure or Failure(
            "import trace records", exc.code, exc.message, exc.hint, exc.exit_code
        )
    return Traced(seeds=len(records), new_records=found, imported=tuple(imported), note=note), (
        failure
    )


__all__ = ["import_traced", "trace_round", "trace_sources"]
