"""``cen-search strategy translate|run|report``: translate, run on open APIs, PRISMA-S table.

Registered on the ``strategy`` group by :func:`register_run` (called from
:mod:`cen_search.cli.strategy`). Heavy modules are imported inside the commands.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from cen_search.cli import _output

if TYPE_CHECKING:
    from cen_search.config import Settings
    from cen_search.prisma.search_table import SearchRow
    from cen_search.strategies.ast import Strategy
    from cen_search.strategies.runner import RunResult
    from cen_search.strategies.translate import Translation
    from cen_search.workspace import Workspace

_TARGET_HELP = "pubmed, europepmc or openalex."


def _workspace(start: Path | None, *, required: bool) -> Workspace | None:
    """The review holding ``start`` (the strategy's folder), else the current folder's; with
    ``required``, a WorkspaceError outside a review."""
    from cen_search.workspace import Workspace

    found = Workspace.find_optional(start) or Workspace.find_optional()
    if found is None and required:
        return Workspace.find()  # raises with the hint
    return found


def _settings(workspace: Workspace | None, flags: dict[str, str | None]) -> Settings:
    """Settings with ``flags`` on top, with the review's file as a layer when in a review."""
    from cen_search.config import resolve

    if workspace is not None:
        return workspace.resolve_settings(flags)
    return resolve(flags=flags)


def _load(ref: Path) -> tuple[Strategy, Path]:
    """The strategy ``ref`` names (a file, or a name in the review's strategies/, as
    ``strategy check`` and ``show`` take it) and its path."""
    from cen_search.cli.strategy import _strategies_dir
    from cen_search.strategies import load_strategy
    from cen_search.strategies.store import resolve

    path = resolve(ref, _strategies_dir(None))
    return load_strategy(path), path


def _print_translation(translation: Translation, *, path: Path, verbose: bool) -> None:
    """One query per set on stdout; constructs not carried over exactly on stderr, each at
    FILE:LINE:COLUMN as ``strategy check`` prints them; then the summary."""
    from cen_search.strategies.translate_summary import summarise

    labels = {line.key: line.label.rstrip(".):") or line.key for line in translation.lines}
    for line in translation.lines:
        query = line.display_history() if translation.target == "pubmed" else line.query
        if not line.runnable:
            query = "(cannot run: see below)"
        _output.out.print(f"{labels[line.key]:>6}  {query}")
    kept = [f for f in translation.findings if verbose or f.lossiness.value != "exact"]
    if kept:
        _output.err.print("")
    for finding in kept:
        where = f"{path}:{finding.file_line}" if finding.file_line else str(path)
        if finding.file_line and finding.span:
            where += f":{finding.span[0] + 1}"
        fate = finding.lossiness.value + (f" ({finding.direction})" if finding.direction else "")
        arrow = f" -> {finding.rendered}" if finding.rendered else ""
        _output.err.print(
            f"{where}: set {labels.get(finding.key, finding.key)}: {fate}: {finding.construct} "
            f"{finding.written}{arrow}: {finding.reason}"
        )
    _output.say(summarise(translation).sentence())


def _warn_on_check_errors(strategy: Strategy, path: Path) -> None:
    """A warning when ``strategy check`` finds errors: the translation follows the strategy
    as parsed, which may not be what the searcher ran."""
    from cen_search.strategies.checks import check_strategy, find_date_window

    report = check_strategy(strategy, window=find_date_window(path))
    if not report.errors:
        return
    first = next(f for f in report.findings if f.severity == "error")
    _output.warn(
        f"{path}: 'cen-search strategy check' finds {_output.count(report.errors, 'error')} "
        f"(first: {first.location}: {first.code} {first.message}); the translation follows "
        "the strategy as parsed, which may not be what was searched: fix the errors first"
    )


def translate_cmd(
    file: Path = typer.Argument(
        ..., help="A saved strategy file (strategies/<name>.txt), or its name."
    ),
    to: str = typer.Option(..., "--to", help=f"Target syntax: {_TARGET_HELP}"),
    section: int = typer.Option(
        0, "--section", help="Section of a multi-database file (0 = first)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the translation as JSON."),
    all_findings: bool = typer.Option(
        False, "--all", help="Also list constructs translated exactly."
    ),
) -> None:
    """Translate a strategy to PubMed, Europe PMC or OpenAlex, marking each construct exact,
    approximate or dropped, with the reason.

    Prints one query per set (PubMed: with history keys #k), then every construct that was
    not carried over exactly, and warns when 'strategy check' finds errors. The exit code is
    0 even when something was dropped. Positions are FILE:LINE:COLUMN as 'strategy check'
    prints them: LINE counts every line of the file, header included; sets are named by the
    strategy's own numbers (set 12).

    Examples:

    \b
      cen-search strategy translate strategies/medline.txt --to pubmed
      cen-search strategy translate strategies/medline.txt --to openalex --json
    """
    with _output.boundary():
        from cen_search.strategies.translate import translate
        from cen_search.strategies.translate_summary import summarise

        strategy, file = _load(file)
        translation = translate(strategy, to.lower(), section=section)
        _warn_on_check_errors(strategy, file)
        if as_json:
            summary = summarise(translation)
            _output.emit_json(
                {
                    "translation": translation.to_dict(),
                    "summary": {**asdict(summary), "sentence": summary.sentence()},
                }
            )
            return
        _print_translation(translation, path=file, verbose=all_findings)


def run_cmd(
    file: Path = typer.Argument(
        ..., help="A saved strategy file (strategies/<name>.txt), or its name."
    ),
    on: str = typer.Option(..., "--on", help=f"Service to run it on: {_TARGET_HELP}"),
    date_from: str = typer.Option(
        "", "--from", help="Entry/creation date from (YYYY-MM-DD): for update searches."
    ),
    date_to: str = typer.Option("", "--to", help="Entry/creation date to (YYYY-MM-DD)."),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Show the requests (and OpenAlex cost) without sending them."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the run record as JSON."),
    final_only: bool = typer.Option(
        False, "--final-only", help="Count only the lines the final line needs."
    ),
    section: int = typer.Option(0, "--section", help="Section of a multi-database file."),
    email: str | None = typer.Option(
        None, "--email", help="Contact e-mail for the services (else CEN_SEARCH_CONTACT_EMAIL)."
    ),
    base_url: str | None = typer.Option(
        None,
        "--base-url",
        help="Another endpoint (mirror, test server); else [apis] <service>_url or "
        "CEN_SEARCH_<SERVICE>_URL.",
    ),
    timeout: float = typer.Option(30.0, "--timeout", help="Seconds per request before retrying."),
    cache_dir: Path | None = typer.Option(None, "--cache-dir", help="Folder for cached responses."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not read or write the cache."),
) -> None:
    """Run a strategy line by line on an open API, import the results into the review, and
    record the run (runs/<strategy>/<date>.json).

    --from/--to restrict on the date records entered the database (PubMed EDAT, Europe PMC
    first index date, OpenAlex creation date), as annual update searches need. Exit code 3
    when the service fails after retries or its quota runs out.

    Examples:

    \b
      cen-search strategy run strategies/medline.txt --on pubmed
      cen-search strategy run strategies/medline.txt --on pubmed --from 2024-05-01
      cen-search strategy run strategies/medline.txt --on openalex --dry-run
    """
    with _output.boundary():
        from cen_search.apis.client import access, session_for
        from cen_search.strategies.run_targets import RunOptions
        from cen_search.strategies.runner import run_strategy

        target = on.lower()
        strategy, file = _load(file)
        _warn_on_check_errors(strategy, file)
        workspace = _workspace(file.parent, required=not dry_run)
        settings = _settings(
            workspace,
            {
                "contact_email": email,
                "cache_dir": str(cache_dir) if cache_dir else None,
            },
        )
        if not settings.contact_email and not dry_run:
            _output.warn(
                "no contact e-mail configured: set CEN_SEARCH_CONTACT_EMAIL or "
                "contact_email in cen-search.toml (services ask for one)"
            )
        reporter = _output.RichReporter()
        session = session_for(settings, use_cache=not no_cache, waiter=reporter.countdown)
        reach = access(
            settings, target, session=session, base_url=base_url, timeout=timeout, role="search"
        )
        result = run_strategy(
            strategy,
            target,
            access=reach,
            date_from=date_from or None,
            date_to=date_to or None,
            workspace=workspace,
            dry_run=dry_run,
            section=section,
            only_final=final_only,
            reporter=reporter,
            options=RunOptions.from_table(settings.table("strategy_run")),
        )
        if dry_run:
            if as_json:
                _output.emit_json(
                    {
                        "plan": list(result.plan),
                        "estimated_cost_usd": result.estimated_cost_usd,
                        "translation": result.translation.to_dict(),
                    }
                )
            else:
                for line in result.plan:
                    _output.out.print(line, markup=False, highlight=False, soft_wrap=True)
            return
        if as_json:
            _output.emit_json({"run": result.record, "record_path": str(result.record_path)})
            return
        _print_run(result, workspace)


def _print_run(result: RunResult, workspace: Workspace | None) -> None:
    """Each line's count on stdout; warnings and the summary on stderr."""
    for line in result.record.get("lines", []):
        count = line.get("count")
        shown = "skipped" if count is None else f"{count:,}"
        recorded = line.get("recorded_hits")
        extra = f" (recorded {recorded:,})" if recorded is not None else ""
        _output.out.print(f"{line['key']:>6}  {shown}{extra}", markup=False, highlight=False)
    for warning in result.warnings:
        _output.warn(warning)
    if not result.translation.equivalent:
        _output.warn(
            "the translation dropped part of the strategy: the run is not equivalent "
            "(see `cen-search strategy translate`)"
        )
    total = result.total or 0
    summary = f"{total:,} {_output.plural(total, 'record')} on {result.target}"
    if result.imported is not None:
        entry = result.imported.entry
        summary += f"; imported as {entry.file}" + (
            " (already imported)" if result.imported.already_imported else ""
        )
    new = result.record.get("new_since")
    if new:
        summary += f"; {new['count']} new since {new['run_at']}"
    _output.say(summary)
    if result.record_path is not None and workspace is not None:
        _output.say(f"run record: {workspace.relative(result.record_path)}")


def report_cmd(
    output: Path | None = typer.Option(
        None, "-o", "--output", help="Write the Markdown table here."
    ),
    csv_path: Path | None = typer.Option(None, "--csv", help="Write the table as CSV here."),
    as_json: bool = typer.Option(False, "--json", help="Print the rows as JSON."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Replace -o/--csv files that exist."),
) -> None:
    """Write the PRISMA-S search table of the review (database, platform, coverage, date
    searched, limits, records, strategy text) as Markdown and/or CSV.

    Without -o or --csv the Markdown goes to standard output. Strategies kept verbatim
    without a parser are marked "not parsed"; every imported database without a saved
    strategy gets a row "no saved strategy" and is named in a warning. An existing file is
    replaced only with --yes, and never a strategy, a raw export or a log of the review.

    Examples:

    \b
      cen-search strategy report -o searches.md --csv searches.csv
      cen-search strategy report > searches.md
    """
    with _output.boundary():
        from cen_search.prisma.search_table import NO_STRATEGY, to_markdown, write_report
        from cen_search.workspace import Workspace

        workspace = Workspace.find()
        _check_report_outputs(workspace, output, csv_path, yes=yes)
        rows = write_report(
            workspace, markdown=output, csv_path=csv_path, title=workspace.settings.title
        )
        if csv_path is not None:
            _warn_long_cells(rows, csv_path)
        missing = [row.database for row in rows if row.kind == NO_STRATEGY]
        if missing:
            _output.warn(
                f"no saved strategy for {_output.count(len(missing), 'imported database')}: "
                f"{', '.join(missing)}; PRISMA-S asks for every strategy: save each with "
                "'cen-search strategy new NAME --database DB --platform P -f PASTE'"
            )
        if as_json:
            _output.emit_json({"searches": [asdict(row) for row in rows]})
        elif output is None and csv_path is None:
            _output.out.print(
                to_markdown(rows, title=workspace.settings.title),
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
        else:
            written = [str(p) for p in (output, csv_path) if p is not None]
            _output.say(
                f"{_output.count(len(rows), 'search', 'searches')} written to {', '.join(written)}"
            )


def _warn_long_cells(rows: list[SearchRow], csv_path: Path) -> None:
    """Say which cells of the CSV Excel would cut short (the file holds them whole)."""
    from cen_search.prisma.search_table import too_long_for_excel

    long = too_long_for_excel(rows)
    if long:
        database, column, length = long[0]
        _output.warn_long_cells(
            len(long),
            f"{database}'s {column}",
            length,
            "the Markdown table (-o) keeps every strategy whole",
            where=str(csv_path),
        )


def _check_report_outputs(
    workspace: Workspace, output: Path | None, csv_path: Path | None, *, yes: bool
) -> None:
    """Refuse, before anything is written, a report over what the review keeps (strategies,
    raw exports, the manifest, settings, logs) or over an existing file without ``--yes``."""
    from cen_search.outputs import check_outputs, person_made

    check_outputs(
        {"-o": output, "--csv": csv_path}, protected=person_made(workspace), may_replace=yes
    )


def register_run(strategy_app: typer.Typer) -> None:
    """Add ``translate``, ``run`` and ``report`` to the ``strategy`` command group."""
    strategy_app.command(
        "translate", short_help="Translate a strategy to PubMed, Europe PMC or OpenAlex."
    )(translate_cmd)
    strategy_app.command(
        "run", short_help="Run a strategy on PubMed, Europe PMC or OpenAlex and import the results."
    )(run_cmd)
    strategy_app.command("report", short_help="Write the PRISMA-S search table.")(report_cmd)
