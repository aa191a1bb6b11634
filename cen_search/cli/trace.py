"""``cen-search trace``: backward and forward citation searching from a review's seeds."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from cen_search.cli import _output

if TYPE_CHECKING:
    from cen_search.config import Settings
    from cen_search.formats import Format
    from cen_search.trace.model import TraceResult
    from cen_search.workspace import Workspace

TRACE_HELP = """Trace the references (backward) and citing works (forward) of seed studies
through open citation indexes, and keep only the works the review does not hold yet.

Seeds: --seeds FILE (any format the readers take), --doi, --pmid (each may repeat); inside a
review with none of them, the review's included studies: the reports included in its
screening logs, else the file named in cen-search.toml ([trace] seeds).
Sources (--sources, comma-separated): openalex, semanticscholar, opencitations, europepmc,
crossref; default: [trace] sources, else openalex, opencitations, europepmc and crossref
(plus semanticscholar when its API key is set). The works found are merged across sources,
deduplicated among themselves and against the review (imports, earlier rounds, the seeds),
ranked by how many seeds they connect to, and written to -o with their provenance (seed,
direction, sources) and OpenAlex id. Standard output shows the coverage of each seed per
source. Inside a review, edges and rounds are kept in trace/ (append-only), and seeds traced
before are skipped unless --retrace.

A quota that runs out or a service that keeps failing stops the trace with exit code 3 and a
checkpoint: the same command run again resumes and gives the same result.

Examples:

\b
  cen-search trace both --doi 10.7717/peerj.4375 -o new.ris
  cen-search trace backward --seeds included.ris --sources openalex,crossref -o refs.ris
  cen-search trace forward --rounds 2 --edges network.csv --json
"""


def _settings(workspace: Workspace | None, flags: dict[str, str | None]) -> Settings:
    from cen_search.config import resolve

    if workspace is not None:
        return workspace.resolve_settings(flags)
    return resolve(flags=flags)


def _sources(value: str | None, settings: Settings) -> tuple[str, ...]:
    """``--sources``, else ``[trace] sources``, else the defaults (see the help)."""
    from cen_search.apis.registry import TRACE, get
    from cen_search.errors import ConfigError
    from cen_search.trace.model import DEFAULT_SOURCES

    configured = settings.table("trace").get("sources")
    if value is None and configured is not None:
        if isinstance(configured, str):
            value = configured
        elif isinstance(configured, list) and all(isinstance(v, str) for v in configured):
            value = ",".join(configured)
        else:
            raise ConfigError(
                "[trace] sources must be a list of names or one comma-separated string",
                hint='write e.g. sources = ["openalex", "crossref"]',
            )
    if value is None:
        names = list(DEFAULT_SOURCES)
        if settings["semanticscholar_api_key"]:
            names.append("semanticscholar")
        return tuple(names)
    names = [n.strip().lower() for n in value.split(",") if n.strip()]
    for name in names:
        get(name, TRACE)
    return tuple(dict.fromkeys(names))


def _print_result(result: TraceResult, labels: dict[str, str]) -> None:
    """The coverage table on stdout (without --json)."""
    rows = [("seed", "source", "references", "citations", "only here")]
    for row in result.coverage:
        rows.append(
            (
                labels.get(row.seed, row.seed)[:60],
                row.source,
                "-" if row.references is None else f"{row.references:,}",
                "-" if row.citations is None else f"{row.citations:,}",
                f"{row.only_here:,}",
            )
        )
    if len(rows) > 1:
        for line in _output.table_lines(rows, indent=""):
            _output.echo(line)


def _print_seed_notes(result: TraceResult, labels: dict[str, str]) -> None:
    """Unresolved seeds, seeds matched by title and notes on stderr, with or without --json."""
    for item in result.unresolved:
        _output.warn(f"seed {labels.get(item.seed, item.seed)} not resolved: {item.reason}")
    for item in result.resolutions:
        if item.method == "title":
            _output.say(f"seed {labels.get(item.seed, item.seed)}: {item.reason}")
    for note in result.notes:
        _output.warn(note)


def trace_cmd(
    direction: str = typer.Argument(
        ..., metavar="backward|forward|both", help="References, citing works, or both."
    ),
    seeds: list[Path] = typer.Option(
        [], "--seeds", metavar="FILE", help="A file of seed records (repeatable)."
    ),
    dois: list[str] = typer.Option([], "--doi", metavar="DOI", help="A seed DOI (repeatable)."),
    pmids: list[str] = typer.Option(
        [], "--pmid", metavar="ID", help="A seed PubMed id (repeatable)."
    ),
    sources: str | None = typer.Option(
        None,
        "--sources",
        metavar="LIST",
        help="Comma-separated: openalex,semanticscholar,opencitations,europepmc,crossref.",
    ),
    rounds: int = typer.Option(
        1, "--rounds", metavar="N", help="Trace the new works again, up to N rounds."
    ),
    output: Path | None = typer.Option(
        None,
        "-o",
        "--output",
        metavar="FILE",
        help="Write the new works here (.ris, .bib, .csv, .jsonl).",
    ),
    edges: Path | None = typer.Option(
        None, "--edges", metavar="CSV", help="Write the citation edges as CSV."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    retrace: bool = typer.Option(
        False, "--retrace", help="Trace seeds again that an earlier run in the review traced."
    ),
    min_confidence: float = typer.Option(
        0.85, "--min-confidence", help="Lowest score for a seed matched by title (0-1)."
    ),
    yes: bool = typer.Option(False, "--yes", "-y", help="Replace -o/--edges files that exist."),
    email: str | None = typer.Option(None, "--email", help="Contact e-mail for the services."),
    timeout: float = typer.Option(30.0, "--timeout", help="Seconds per request before retrying."),
    cache_dir: Path | None = typer.Option(None, "--cache-dir", help="Folder for cached responses."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not read or write the cache."),
) -> None:
    with _output.boundary():
        from cen_search.apis.client import access, session_for
        from cen_search.apis.registry import TRACE
        from cen_search.cli.files import _target_format
        from cen_search.errors import UsageError
        from cen_search.trace.checkpoint import CHECKPOINTS
        from cen_search.trace.engine import TraceOptions, trace
        from cen_search.trace.seeds import (
            included_studies,
            merge_seeds,
            seeds_from_files,
            seeds_from_ids,
        )
        from cen_search.workspace import Workspace

        direction = direction.lower()
        if direction not in ("backward", "forward", "both"):
            raise UsageError(f"cannot trace {direction!r}", hint="use backward, forward or both")
        workspace = Workspace.find_optional()
        settings = _settings(
            workspace,
            {"contact_email": email, "cache_dir": str(cache_dir) if cache_dir else None},
        )
        _check_outputs(output, edges, seeds, workspace, yes=yes)
        fmt = _target_format(str(output), None) if output is not None else None
        chosen = merge_seeds(seeds_from_files(seeds), seeds_from_ids(dois=dois, pmids=pmids))
        if not chosen:
            if workspace is None:
                raise UsageError(
                    "no seeds given",
                    hint="give --seeds FILE, --doi or --pmid, or run it inside a review",
                )
            chosen, origin = included_studies(workspace)
            _output.say(
                f"{_output.count(len(chosen), 'seed')} from the review's included studies "
                f"({origin})"
            )
        names = _sources(sources, settings)
        if not settings.contact_email:
            _output.warn(
                "no contact e-mail configured: set CEN_SEARCH_CONTACT_EMAIL or contact_email "
                "in cen-search.toml (services ask for one)"
            )
        reporter = _output.RichReporter()
        session = session_for(settings, use_cache=not no_cache, waiter=reporter.countdown)
        clients = {
            name: access(settings, name, session=session, timeout=timeout, role=TRACE).client()
            for name in names
        }
        root = (workspace.state_dir if workspace else settings.cache_dir) / CHECKPOINTS
        result = trace(
            chosen,
            options=TraceOptions(
                direction=direction,
                sources=names,
                rounds=rounds,
                retrace=retrace,
                min_confidence=min_confidence,
            ),
            clients=clients,
            session=session,
            workspace=workspace,
            checkpoint_root=root,
            reporter=reporter,
        )
        written = _write(result, output, fmt, edges, workspace)
        sent: dict[str, int] = dict(getattr(session, "sent", {}))
        labels = {s.key: f"{s.key} {s.label}" if s.label != s.key else s.key for s in chosen}
        if as_json:
            _output.emit_json(_document(result, written, sent))
        else:
            _print_result(result, labels)
        _print_seed_notes(result, labels)
        new = len(result.new_records)
        _output.say(
            f"{_output.count(len(result.records), 'work')} found, {new:,} new, "
            f"{len(result.records) - new:,} already in the review or among the seeds; "
            f"{_output.count(result.distinct_edges, 'citation edge')}; requests: "
            + (", ".join(f"{k} {v}" for k, v in sorted(sent.items())) or "none")
        )
        for what, where in written.items():
            _output.say(f"{what} written to {where}")
        if result.skipped_seeds:
            _output.say(
                f"{_output.count(len(result.skipped_seeds), 'seed')} already traced in this "
                "review skipped (--retrace traces them again)"
            )


def _check_outputs(
    output: Path | None,
    edges: Path | None,
    seeds: list[Path],
    workspace: Workspace | None,
    *,
    yes: bool,
) -> None:
    """Refuse, before anything is sent, outputs that would overwrite a seed file, the review's
    included studies, strategies, raw exports, settings or logs, each other, or an existing
    file without ``--yes``."""
    from cen_search.errors import WorkspaceError
    from cen_search.outputs import check_outputs, person_made
    from cen_search.trace.seeds import configured_seeds_file

    protected = [("seed file", path) for path in seeds]
    if workspace is not None:
        try:
            named = configured_seeds_file(workspace)
        except WorkspaceError:  # (a bad value is reported where it is used, not here)
            named = None
        if named is not None:
            protected.append(("included studies file", named))
        for name in ("rounds.jsonl", "edges.jsonl"):  # (also before they exist)
            protected.append(("trace log", workspace.root / "trace" / name))
        protected += person_made(workspace)
    check_outputs({"-o": output, "--edges": edges}, protected=protected, may_replace=yes)


def _write(
    result: TraceResult,
    output: Path | None,
    fmt: Format | None,
    edges: Path | None,
    workspace: Workspace | None,
) -> dict[str, str]:
    """Write -o (in ``fmt``, checked before the trace ran) and --edges."""
    from cen_search.formats import write_records
    from cen_search.fsutil import atomic_open
    from cen_search.trace.store import stored_edges, write_edges_csv

    written: dict[str, str] = {}
    if output is not None and fmt is not None:
        with atomic_open(output) as fh:
            count = write_records([t.record for t in result.new_records], fh, format=fmt.name)
        written[f"{count} new {'work' if count == 1 else 'works'}"] = str(output)
    if edges is not None:
        lines = (
            stored_edges(workspace)
            if workspace is not None
            else [e.to_dict(at=_today()) for e in result.edges]
        )
        with atomic_open(edges, encoding="utf-8-sig") as fh:
            count = write_edges_csv(lines, fh)
        written[f"{count} {'edge' if count == 1 else 'edges'}"] = str(edges)
    return written


def _today() -> str:
    import datetime as dt

    return dt.datetime.now(dt.UTC).date().isoformat()


def _document(result: TraceResult, written: dict[str, str], sent: dict[str, int]) -> dict:
    from dataclasses import asdict

    from cen_search.trace.seeds import openalex_id

    def record(t: Any) -> dict[str, Any]:
        r = t.record
        return {
            "title": r.title,
            "year": r.year,
            "doi": r.doi,
            "pmid": r.pmid,
            "openalex": openalex_id(r),
            "rank": t.rank,
            "seeds": list(t.seeds),
            "directions": list(t.directions),
            "sources": list(t.sources),
            "new": t.new,
            "duplicate_of": t.duplicate_of,
            "round": t.round,
        }

    return {
        "rounds": [asdict(r) for r in result.rounds],
        "records": [record(t) for t in result.records],
        "seeds": [asdict(r) for r in result.resolutions],
        "coverage": [asdict(c) for c in result.coverage],
        "notes": list(result.notes),
        "skipped_seeds": list(result.skipped_seeds),
        "requests": sent,
        "written": {path: what for what, path in written.items()},
    }


def register(app: typer.Typer) -> None:
    """Add ``trace`` to ``app``."""
    app.command(
        "trace", help=TRACE_HELP, short_help="Trace references and citing works of seed studies."
    )(trace_cmd)
