"""``cen-search update start|run|status|skip``: living-review update rounds.

Exit codes of ``update run``: 0 when the run finished (finding nothing new is not an error);
3 when a service failed after retries or its quota ran out (the other sources still ran, and
the same command resumes); 1 for another failure of a source; with ``--check``, 4 when work
waits for a person (exports to make, records to screen, pairs to decide). ``update status
--check`` exits 4 in the same case.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from cen_search.cli import _help, _output

if TYPE_CHECKING:
    from cen_search.update.model import RoundReport, RunSummary

update_app = _help.Typer(
    name="update",
    help=(
        "Living-review updates: start a round, re-run the searches, see what is new.\n\n"
        "Examples:\n\n\b\n  cen-search update start --name 2021\n"
        "  cen-search update run --yes --json\n  cen-search update status"
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
)


@update_app.command("start")
def start_cmd(
    name: str = typer.Option("", "--name", help="The round's name (default: this year)."),
    since: str = typer.Option(
        "last", "--since", metavar="last|DATE", help="First day searched, or last (the default)."
    ),
    overlap_days: int | None = typer.Option(
        None, "--overlap-days", metavar="N", help="Days before the last search (default 30)."
    ),
    force: bool = typer.Option(
        False, "--force", help="Start even though the current round is not finished."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the round as JSON."),
) -> None:
    """Start an update round and fix its date window (running it again does nothing).

    The window runs from the review's last search (the latest date a database was searched:
    imports' --searched-on, strategy runs), minus an overlap of 30 days because databases
    index late, to the day the searches run; --since DATE gives its first day instead. A
    second round is refused while the current one still has sources to search, unless
    --force.

    Examples:

    \b
      cen-search update start --name 2021
      cen-search update start --name 2022 --since 2021-06-01
      cen-search update start --name 2021 --overlap-days 60
    """
    with _output.boundary():
        from dataclasses import asdict

        from cen_search.update.window import start_update
        from cen_search.workspace import Workspace

        ws = Workspace.find()
        started = start_update(ws, name=name, since=since, overlap_days=overlap_days, force=force)
        if as_json:
            _output.emit_json(
                {
                    "round": started.round.name,
                    "created": started.created,
                    "window": asdict(started.window),
                    "notes": list(started.notes),
                }
            )
        else:
            _output.echo(f"round {started.round.name}: {started.window.describe()}")
        for note in started.notes:
            (_output.say if not started.created else _output.warn)(note)
        if started.created:
            _output.say("next: cen-search update run (then cen-search update status)")


def _services(ws: Any, *, email: str | None, cache_dir: Path | None, no_cache: bool,
              timeout: float) -> tuple[Any, Any]:  # fmt: skip
    from cen_search.apis.client import session_for
    from cen_search.update.run import ApiServices

    settings = ws.resolve_settings(
        {"contact_email": email, "cache_dir": str(cache_dir) if cache_dir else None}
    )
    reporter = _output.RichReporter()
    session = session_for(settings, use_cache=not no_cache, waiter=reporter.countdown)
    return ApiServices(settings, session, timeout), reporter


def _flag(table: dict[str, Any], key: str, default: bool) -> bool:
    from cen_search.errors import ConfigError

    value = table.get(key, default)
    if not isinstance(value, bool):
        raise ConfigError(f"[update] {key} must be true or false, not {value!r}")
    return value


def _print_report(report: RoundReport) -> None:
    """The round on stdout: its sources, counts, and what to export."""
    from cen_search.update.status import report_lines

    for line in report_lines(report):
        _output.echo(line)
    for state in report.sources:
        if state.export is None:
            continue
        _output.echo(f"to export: {state.source.database}")
        for number, step in enumerate(state.export.steps, start=1):
            _output.echo(f"  {number}. {step}")
        if state.export.verify:
            _output.echo(f"  [verify] {state.export.verify}")
    for news in report.changes.news:
        from cen_search.update.changes import relation_phrase

        _output.echo(
            f"news: “{news.record.title}” ({', '.join(news.record.sources)}) is "
            f"{relation_phrase(news)} “{news.known_title}” ({news.known_outcome}"
            + (f", study {news.study})" if news.study else ")")
        )


def _confirm(report: RoundReport, *, yes: bool) -> None:
    """Ask at a terminal before sending searches; refuse without one unless ``--yes``."""
    from cen_search.errors import UsageError

    to_run = [s for s in report.sources if s.status == "to-run"]
    if yes or not to_run:
        return
    what = ", ".join(f"{s.source.database} on {s.source.target}" for s in to_run)
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        raise UsageError(
            f"update run would search {what} without a terminal to confirm",
            hint="give --yes to run without asking (as a scheduled job does)",
        )
    if not typer.confirm(f"Search {what} for {report.window.describe()}?", err=True):
        raise typer.Exit(1)


@update_app.command("run")
def run_cmd(
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask before searching."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
    check: bool = typer.Option(False, "--check", help="Exit 4 while work waits for a person."),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Say what would be searched and exported; send nothing."
    ),
    no_trace: bool = typer.Option(False, "--no-trace", help="Do not trace included studies."),
    trace_sources: str | None = typer.Option(
        None, "--trace-sources", metavar="LIST", help="Citation indexes to trace with."
    ),
    email: str | None = typer.Option(None, "--email", help="Contact e-mail for the services."),
    timeout: float = typer.Option(30.0, "--timeout", help="Seconds per request before retrying."),
    cache_dir: Path | None = typer.Option(None, "--cache-dir", help="Folder for cached responses."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not read or write the cache."),
) -> None:
    """Run the current round: re-run the searches, deduplicate, trace, write the digest.

    Every saved strategy with an open API (MEDLINE on PubMed; Europe PMC; OpenAlex; see
    [update] run) runs for the round's window on entry dates and its records are imported;
    for every other database it prints what to export, with the date limit, until
    'cen-search import' adds the file. New records are deduplicated against every earlier
    round; studies newly included in the round are traced. Safe to run again: what ran is not
    repeated, and an interrupted run resumes. Exit 3 when a service failed (the rest ran), 4
    with --check while work waits for a person; nothing new is not an error.

    Examples:

    \b
      cen-search update run --yes
      cen-search update run --yes --json --check
      cen-search update run --dry-run
    """
    with _output.boundary():
        from cen_search.strategies.run_targets import RunOptions
        from cen_search.update.run import UpdateOptions, run_update
        from cen_search.update.status import report_data, round_report, waiting_for_people
        from cen_search.workspace import Workspace

        ws = Workspace.find()
        if dry_run:
            report = round_report(ws)
            planned = [s.source for s in report.sources if s.status == "to-run"]
            if as_json:
                would_run = [
                    {"strategy": s.strategy, "target": s.target, "opening": list(s.closed_limits)}
                    for s in planned
                ]
                _output.emit_json({**report_data(report), "dry_run": True, "would_run": would_run})
            else:
                _print_report(report)
            for source in planned:
                opening = "; ".join(source.closed_limits)
                _output.say(
                    f"would run {source.strategy} on {source.target}"
                    + (f" (opening {opening})" if opening else "")
                )
            return
        if not yes:
            _confirm(round_report(ws), yes=yes)
        services, reporter = _services(
            ws, email=email, cache_dir=cache_dir, no_cache=no_cache, timeout=timeout
        )
        table = services.settings.table("update")
        names = tuple(n.strip() for n in (trace_sources or "").split(",") if n.strip())
        options = UpdateOptions(
            trace=not no_trace and _flag(table, "trace", True),
            trace_sources=names,
            open_date_limits=_flag(table, "open_date_limits", True),
            run_options=RunOptions.from_table(services.settings.table("strategy_run")),
        )
        summary = run_update(ws, services=services, options=options, reporter=reporter)
        _report_run(summary, as_json=as_json)
        code = max((f.exit_code for f in summary.failures), default=0)
        if code:
            raise typer.Exit(code)
        if check and waiting_for_people(summary.report):
            raise typer.Exit(4)


def _report_run(summary: RunSummary, *, as_json: bool) -> None:
    from dataclasses import asdict

    from cen_search.update.digest import summary_document

    report = summary.report
    if as_json:
        _output.emit_json(
            {
                **summary_document(report, traced=summary.traced, failures=summary.failures),
                "ran": list(summary.ran),
                "already_ran": list(summary.already_ran),
                "digest": summary.digest,
                "changed": summary.changed,
                "nothing_new": not summary.changed,
                "traced": asdict(summary.traced),
            }
        )
    else:
        _print_report(report)
    for failure in summary.failures:
        _output.warn(f"{failure.step}: {failure.message}" + (
            f" ({failure.hint})" if failure.hint else ""))  # fmt: skip
    if summary.traced.note:
        _output.say(f"citation tracing: {summary.traced.note}")
    ran = len(summary.ran)
    if ran or summary.already_ran:
        _output.say(
            f"{_output.count(ran, 'search')} run now"
            + (f", {len(summary.already_ran)} already run in this round" if summary.already_ran
               else "")
        )  # fmt: skip
    if not summary.changed:
        _output.say("nothing new since the last run")
    _output.say(f"digest: {summary.digest}")


@update_app.command("status")
def status_cmd(
    as_json: bool = typer.Option(False, "--json", help="Print the round as JSON."),
    check: bool = typer.Option(False, "--check", help="Exit 4 while work waits for a person."),
) -> None:
    """Show the current round: window, what ran, what is awaited, what is new.

    Lists every source (run on its API, imported, skipped, or its export awaited with what
    to export), the records each gave and how many were already in the review, the records
    to screen, and news about studies already known (an erratum of an included study...).

    Examples:

    \b
      cen-search update status
      cen-search update status --json --check
    """
    with _output.boundary():
        from cen_search.update.status import report_data, round_report, waiting_for_people
        from cen_search.workspace import Workspace
        from cen_search.workspace.rounds import rounds

        ws = Workspace.find()
        names = [r.name for r in rounds(ws)]
        if len(names) == 1:
            if as_json:
                _output.emit_json({"rounds": names, "round": None})
            else:
                _output.echo(f"rounds: {names[0]}")
            _output.say("no update round started yet: cen-search update start --name NAME")
            return
        report = round_report(ws)
        waiting = waiting_for_people(report)
        if as_json:
            _output.emit_json({"rounds": [r.name for r in rounds(ws)], **report_data(report)})
        else:
            _output.echo("rounds: " + ", ".join(r.name for r in rounds(ws)))
            _print_report(report)
            for step in waiting:
                _output.say(f"next: {step}")
        if check and waiting:
            raise typer.Exit(4)


@update_app.command("skip")
def skip_cmd(
    name: str = typer.Argument(..., help="The database, strategy id or file to skip."),
    reason: str = typer.Option("", "--reason", help="Why it is not searched in this round."),
    undo: bool = typer.Option(False, "--undo", help="Search it in this round after all."),
) -> None:
    """Mark a database as not searched in the current round (the round can then complete).

    Examples:

    \b
      cen-search update skip ASSIA --reason "subscription ended"
      cen-search update skip ASSIA --undo
    """
    with _output.boundary():
        from cen_search.update.sources import skip_source
        from cen_search.workspace import Workspace

        ws = Workspace.find()
        source = skip_source(ws, name, reason=reason, undo=undo)
        if undo:
            _output.say(f"{source.database} is to be searched in this round again")
        else:
            _output.say(f"{source.database} skipped in this round")


def register(app: typer.Typer) -> None:
    """Add the ``update`` group to ``app``."""
    app.add_typer(update_app, name="update")
