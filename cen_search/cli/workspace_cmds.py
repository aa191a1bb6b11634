"""``cen-search init``, ``import`` and ``status``: the review workspace."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from cen_search.cli import _output
from cen_search.cli.files import ENCODING_HELP, FORMAT_HELP, render_issues
from cen_search.errors import CenSearchError, UsageError

if TYPE_CHECKING:
    from cen_search.workspace import ImportOutcome
    from cen_search.workspace.status import Status

INIT_HELP = """Create a review workspace in DIR (default: the current folder).

Writes cen-search.toml (title, contact e-mail, date limits, settings), strategies/,
imports/ with its manifest, runs/, dedupe/, log.jsonl and .cen-search/ (lock and caches,
git-ignored). DIR may already hold files; an existing review is left unchanged.

Example:

\b
  cen-search init my-review --title "Complex emotional needs" --email me@example.org
"""

IMPORT_HELP = """Copy database exports into the review, byte for byte, with their metadata.

Each FILE is read first (a file with no readable record is refused), copied into
imports/<database>/ and recorded with its checksum in imports/manifest.jsonl. Importing the
same file again changes nothing; a file that holds exactly the records of an earlier import of
the same database in this round (the export saved again, with other line endings or in another
format) is refused unless --again says it is a new search. Run it inside the review (or give
-C DIR before the command).

Example:

\b
  cen-search import medline.ris --database MEDLINE --platform Ovid --searched-on 2024-03-01
"""

STATUS_HELP = """Show what the review holds and what to do next.

Records and imports per database, saved strategies, problems (a raw export missing or
changed since it was imported, a copy left by an interrupted import) and the next steps.

Example:

\b
  cen-search status
"""


def init(
    directory: Path = typer.Argument(Path("."), metavar="DIR", help="Folder of the review."),
    title: str | None = typer.Option(None, "--title", help="Title (default: the folder name)."),
    email: str | None = typer.Option(
        None, "--email", help="Contact e-mail for APIs (or set CEN_SEARCH_CONTACT_EMAIL)."
    ),
    date_from: str | None = typer.Option(
        None, "--from", help="Earliest publication date searched: YYYY, YYYY-MM or YYYY-MM-DD."
    ),
    date_to: str | None = typer.Option(
        None, "--to", help="Latest publication date searched: YYYY, YYYY-MM or YYYY-MM-DD."
    ),
) -> None:
    from cen_search.workspace import Workspace

    with _output.boundary():
        ws = Workspace.init(
            directory,
            title=title or "",
            contact_email=email or "",
            date_from=date_from or "",
            date_to=date_to or "",
        )
        _output.say(f"created review {ws.settings.title!r} in {ws.root}")
        _output.say(f"settings: {ws.config_path}")
        _output.say("next: save your search strategies in strategies/, then import the exports:")
        _output.say("  cen-search import FILE --database NAME --searched-on YYYY-MM-DD")


def _outcome_json(outcome: ImportOutcome) -> dict[str, Any]:
    """One file's entry in ``import --json``."""
    result = outcome.result
    return {
        "source": outcome.source,
        "already_imported": outcome.already_imported,
        "entry": asdict(outcome.entry),
        "skipped": [asdict(issue) for issue in result.skipped] if result else [],
        "warnings": [asdict(issue) for issue in result.warnings] if result else [],
        "notes": list(outcome.notes),
    }


def _report(outcome: ImportOutcome) -> None:
    """What happened to one file, on stderr."""
    entry = outcome.entry
    if outcome.already_imported:
        _output.say(
            f"{outcome.source}: already imported as {entry.file} ({entry.database}); "
            "nothing changed"
        )
        for note in outcome.notes:
            _output.warn(note)
        return
    where = ", ".join(
        part
        for part in (
            entry.database,
            entry.platform,
            f"searched {entry.searched}" if entry.searched else "",
        )
        if part
    )
    skipped = f", {entry.skipped} skipped" if entry.skipped else ""
    _output.say(
        f"imported {outcome.source} as {entry.file}: {_output.count(entry.records, 'record')}"
        f"{skipped} "
        f"({entry.format}, {entry.encoding}; {where})"
    )
    for note in outcome.notes:
        _output.say(f"  note: {note}")
    if outcome.result is not None:
        for line in render_issues(outcome.result.skipped, label="skipped"):
            _output.say(line)
        if outcome.result.warnings:
            for line in render_issues(outcome.result.warnings, label="warnings"):
                _output.detail(line)
            if not _output.state.verbose:
                _output.say(
                    f"  {_output.count(len(outcome.result.warnings), 'warning')} "
                    "(cen-search -v ... shows them)"
                )


def import_(
    files: list[Path] = typer.Argument(..., metavar="FILE...", help="Export files to import."),
    database: str | None = typer.Option(
        None, "--database", "-d", help="Database searched (MEDLINE, Embase, PsycINFO...)."
    ),
    platform: str = typer.Option(
        "", "--platform", "-p", help="Interface used (Ovid, EBSCOhost, ProQuest, PubMed...)."
    ),
    searched: str = typer.Option("", "--searched-on", help=_output.SEARCHED_ON_HELP),
    searched_alias: str = typer.Option("", "--searched", hidden=True),
    strategy: str | None = typer.Option(
        None, "--strategy", help="Saved strategy behind the export (path or name in strategies/)."
    ),
    method: str = typer.Option(
        "database",
        "--method",
        metavar="METHOD",
        help="How the records were found, for the PRISMA diagram's lanes: database (default) or "
        "register; or another method: citation, website, organisation, call-for-evidence, "
        "other.",
    ),
    format: str | None = typer.Option(None, "--format", "-f", help=FORMAT_HELP),
    encoding: str | None = typer.Option(None, "--encoding", "-e", help=ENCODING_HELP),
    again: bool = typer.Option(
        False,
        "--again",
        help="Import a file that holds exactly the records of an earlier import of the same "
        "database in this round (refused without it: the same export saved again).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Write JSON to stdout."),
) -> None:
    from cen_search.workspace import Workspace
    from cen_search.workspace.manifest import checked_import_values, checked_method

    with _output.boundary():
        if database is None:
            raise UsageError(
                "--database is required: name the database the export came from",
                hint="e.g. --database MEDLINE (add --platform Ovid for the interface)",
            )
        searched = _output.renamed_option(
            searched, searched_alias, name="--searched-on", old_name="--searched"
        )
        checked_import_values(database, searched)
        method = checked_method(method)
        ws = Workspace.find()
        outcomes: list[dict[str, Any]] = []
        failed: list[CenSearchError] = []
        for path in files:
            try:
                outcome = ws.import_file(
                    path,
                    database=database,
                    platform=platform,
                    searched=searched,
                    strategy=strategy,
                    format=format,
                    encoding=encoding,
                    method=method,
                    again=again,
                )
            except CenSearchError as exc:
                if isinstance(exc, UsageError):
                    raise
                _output.render_error(exc)
                failed.append(exc)
                outcomes.append({"source": str(path), "error": _output.error_json(exc)})
                continue
            _report(outcome)
            outcomes.append(_outcome_json(outcome))
        if as_json:
            _output.emit_json({"review": str(ws.root), "imports": outcomes})
        if failed:
            done = len(files) - len(failed)
            _output.say(
                f"{len(failed)} of {_output.count(len(files), 'file')} not imported; {done} done"
            )
            raise SystemExit(failed[0].exit_code)


def render_status(status: Status) -> list[str]:
    """Human-readable lines for a :class:`cen_search.workspace.status.Status`."""
    lines = [f"review:     {status.title}", f"folder:     {status.root}"]
    imports = _output.count(status.imports, "file")
    lines.append(f"imports:    {imports}, {_output.count(status.records, 'record')}")
    if status.databases:
        rows = [("database", "imports", "records", "skipped", "searched")]
        rows += [
            (
                db.database,
                str(db.imports),
                str(db.records),
                str(db.skipped),
                ", ".join(date or "(no date)" for date in db.searched),
            )
            for db in status.databases
        ]
        lines += ["", *_output.table_lines(rows), ""]
    lines.append(f"strategies: {len(status.strategies)}")
    lines += [f"  {name}" for name in status.strategies]
    for section in status.sections:
        lines.append(f"{section.title}:")
        lines += [f"  {line}" for line in section.lines]
    if status.problems:
        lines.append("problems:")
        for problem in status.problems:
            lines.append(f"  {problem.file}: {problem.message}")
            if problem.hint:
                lines.append(f"    hint: {problem.hint}")
    if status.next_steps:
        lines.append("next:")
        lines += [f"  - {step}" for step in status.next_steps]
    return lines


def status(
    as_json: bool = typer.Option(False, "--json", help="Write JSON to stdout."),
) -> None:
    from cen_search.workspace import Workspace

    with _output.boundary():
        summary = Workspace.find().status()
        if as_json:
            _output.emit_json({"status": asdict(summary)})
        else:
            for line in render_status(summary):
                _output.echo(line)


REPAIR_HELP = """Put the review right after a crash: set aside a log's cut-short last line.

A command killed part-way can leave a log (imports/manifest.jsonl, log.jsonl,
dedupe/decisions.jsonl, screening logs ...) with its last line cut short; commands that need
the whole log stop until you run this. The damaged bytes are moved into <log>.torn beside the
log (nothing is deleted), temporary files of interrupted writes are removed, and imports
missing from log.jsonl are logged. Restore the lost line from version control if you can.

Example:

\b
  cen-search repair
  cen-search repair --yes        # in scripts: no question asked
"""


def repair(
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask before setting lines aside."),
) -> None:
    from cen_search.workspace import Workspace
    from cen_search.workspace.repair import damaged_logs
    from cen_search.workspace.repair import repair as do_repair

    with _output.boundary():
        ws = Workspace.find()
        damaged = damaged_logs(ws)
        for rel, tail in damaged:
            preview = tail[:80].decode("utf-8", "replace")
            _output.say(f"{rel}: last line cut short ({len(tail)} bytes): {preview!r}")
        if damaged and not yes:
            if not _output.err.is_terminal:
                raise UsageError(
                    f"{_output.count(len(damaged), 'damaged log')}; nothing was changed",
                    hint="run cen-search repair --yes to set the cut lines aside",
                )
            if not typer.confirm("Set these lines aside and carry on?", err=True):
                raise SystemExit(1)
        done = do_repair(ws)
        for rel, moved in done.torn:
            _output.say(f"{rel}: {moved} bytes set aside in {rel}.torn")
        for rel in done.tidied.removed:
            _output.say(f"removed {rel} (left by an interrupted command)")
        for entry_id in done.tidied.logged_imports:
            _output.say(f"logged import {entry_id} (the log missed it after a crash)")
        if not (done.torn or done.tidied.removed or done.tidied.logged_imports):
            _output.say("nothing to repair")


def register(app: typer.Typer) -> None:
    """Add ``init``, ``import``, ``status`` and ``repair`` to ``app``."""
    for name, function, text in (
        ("init", init, INIT_HELP),
        ("import", import_, IMPORT_HELP),
        ("status", status, STATUS_HELP),
        ("repair", repair, REPAIR_HELP),
    ):
        app.command(name, help=text, short_help=text.splitlines()[0])(function)
