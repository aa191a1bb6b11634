"""``cen-search strategy new|list|show|check``: saved search strategies.

The group is :data:`strategy_app`; :func:`register` adds it to the main app and lets
:mod:`cen_search.cli.strategy_run` (``translate``, ``run``, ``report``) add its commands
through ``register_run(strategy_app)`` when that module is present.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, cast

import typer

from cen_search.cli import _help, _output

if TYPE_CHECKING:
    from cen_search.strategies.ast import Platform
    from cen_search.workspace import Workspace

strategy_app = _help.Typer(
    name="strategy",
    help=(
        "Saved search strategies: store them as pasted, check them (PRESS), show them.\n\n"
        "Examples:\n\n\b\n  cen-search strategy check strategies/*.txt\n"
        "  cen-search strategy list"
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
)

_PLATFORMS = "ovid, ebsco, proquest or pubmed"
_ANY_PLATFORM = (
    "Interface searched: ovid, ebsco, proquest or pubmed are parsed; any other (Web of Science, "
    "Scopus, Embase.com, Cochrane Library...) is saved verbatim, not parsed."
)
_run_registered = False


def _review() -> Workspace | None:
    """The review the current folder belongs to, or None outside a review."""
    from cen_search.workspace import Workspace

    return Workspace.find_optional()


def _strategies_dir(folder: Path | None) -> Path:
    """``--dir``, else the review's ``strategies/``, else ``./strategies``."""
    if folder is not None:
        return folder
    review = _review()
    return review.strategies_dir if review is not None else Path("strategies")


@strategy_app.command("new")
def new_cmd(
    name: str = typer.Argument(..., help="File name in strategies/ (e.g. medline-ovid)."),
    database: str = typer.Option(
        ..., "--database", "-d", help="Database searched (MEDLINE, Embase, CINAHL, ASSIA...)."
    ),
    platform: str = typer.Option(..., "--platform", "-p", help=_ANY_PLATFORM),
    from_file: str | None = typer.Option(
        None, "--from-file", "-f", help="File holding the pasted strategy ('-' = standard input)."
    ),
    coverage: str = typer.Option("", "--coverage", help="Coverage as the platform shows it."),
    searched_on: str = typer.Option("", "--searched-on", help=_output.SEARCHED_ON_HELP),
    searched_alias: str = typer.Option("", "--searched", hidden=True),
    date_from: str = typer.Option(
        "",
        "--date-from",
        help="Start of the date limit the strategy applied (YYYY or YYYY-MM-DD); only if it "
        "applied one: the review's window is not a limit of the strategy.",
    ),
    date_to: str = typer.Option("", "--date-to", help="End of that date limit."),
    folder: Path | None = typer.Option(
        None, "--dir", help="Folder instead of the review's strategies/."
    ),
    yes: bool = typer.Option(False, "--yes", "-y", help="Replace an existing file."),
) -> None:
    """Create strategies/NAME.txt: a metadata header template followed by the paste.

    The paste is stored exactly as given (curly quotes, Unicode dashes and all) and never
    rewritten. Ovid, EBSCOhost, ProQuest and PubMed strategies are parsed and checked; any
    other platform is saved verbatim and reported, marked "not parsed". The header states
    limits only when given (--date-from/--date-to) or written in the strategy's own lines.

    Examples:

    \b
      cen-search strategy new medline --database MEDLINE --platform ovid -f paste.txt
      cen-search strategy new cinahl -d CINAHL -p ebsco -f - < history.txt
    """
    from cen_search.strategies import parse_strategy_text, store
    from cen_search.strategies.checks import check_strategy

    with _output.boundary():
        searched_on = _output.renamed_option(
            searched_on, searched_alias, name="--searched-on", old_name="--searched"
        )
        stem = store.check_name(name)
        if from_file == "-":
            paste = sys.stdin.read()
        else:
            paste = store.read_paste(from_file) if from_file else ""
        text = store.render_new(
            name=stem,
            database=database,
            platform=platform,
            paste=paste,
            coverage=coverage,
            searched_on=searched_on,
            date_from=date_from,
            date_to=date_to,
        )
        strategy = parse_strategy_text(text)
        path = store.create(_strategies_dir(folder), stem, text, overwrite=yes)
        report = check_strategy(strategy)
        if strategy.parsed:
            _output.say(
                f"wrote {path}: {_output.count(len(strategy.lines), 'line')} parsed, "
                f"{_output.count(report.errors, 'error')}, "
                f"{_output.count(report.warnings, 'warning')}"
            )
        else:
            _output.say(f"wrote {path}: kept verbatim, not parsed: {strategy.not_parsed}")
        if not paste:
            _output.say(f"paste the strategy below the closing '---' in {path}")
        _output.echo(str(path))


@strategy_app.command("list")
def list_cmd(
    folder: Path | None = typer.Option(
        None, "--dir", help="Folder instead of the review's strategies/."
    ),
    as_json: bool = typer.Option(False, "--json", help="Write JSON to stdout."),
) -> None:
    """List saved strategies: database, platform, date searched, lines, hits, check status.

    In a review, a strategy whose header gives no date searched shows the dates its imported
    exports were searched.

    Examples:

    \b
      cen-search strategy list
      cen-search strategy list --json
    """
    from cen_search.strategies import store

    with _output.boundary():
        where = _strategies_dir(folder)
        review = _review() if folder is None else None
        dates = store.import_search_dates(review.imports()) if review is not None else {}
        rows = [
            store.summarise(path, searched=dates.get(review.relative(path), ()) if review else ())
            for path in store.files(where)
        ]
        if as_json:
            _output.emit_json({"folder": str(where), "strategies": rows})
            return
        if not rows:
            _output.say(f"no strategies in {where} (create one with 'cen-search strategy new')")
            return
        from rich.table import Table

        table = Table(box=None, pad_edge=False)
        for column in ("name", "database", "platform", "searched", "lines", "final hits", "check"):
            table.add_column(
                column, justify="right" if column in ("lines", "final hits") else "left"
            )
        for row in rows:
            hits = "" if row.final_hits is None else f"{row.final_hits:,}"
            status = (
                row.status
                if row.status in ("ok", "unreadable", "not parsed")
                else _output.count(row.errors, "error")
                if row.errors
                else _output.count(row.warnings, "warning")
            )
            lines = "" if row.status == "not parsed" else str(row.lines)
            table.add_row(
                row.name, row.database, row.platform, row.searched_on, lines, hits, status
            )
        _output.out.print(table)


@strategy_app.command("show")
def show_cmd(
    name: str = typer.Argument(..., help="Strategy name in strategies/ or a file path."),
    platform: str | None = typer.Option(
        None, "--platform", "-p", help=f"Force the syntax: {_PLATFORMS}."
    ),
    folder: Path | None = typer.Option(
        None, "--dir", help="Folder instead of the review's strategies/."
    ),
    as_json: bool = typer.Option(False, "--json", help="Write the syntax tree as JSON."),
) -> None:
    """Show a strategy's header and each line with what it was parsed as (a strategy kept
    verbatim, not parsed, is shown as pasted).

    Examples:

    \b
      cen-search strategy show medline
      cen-search strategy show strategies/medline.txt --json
    """
    from cen_search.strategies import load_strategy, store
    from cen_search.strategies.ast import to_dict
    from cen_search.strategies.describe import describe

    with _output.boundary():
        path = store.resolve(name, _strategies_dir(folder))
        strategy = load_strategy(path, platform=_platform(platform))
        if as_json:
            _output.emit_json({"strategy": to_dict(strategy)})
            return
        out = _output.out
        meta = strategy.meta
        for label, value in (
            ("file", str(path)),
            ("database", meta.database),
            ("platform", meta.platform),
            ("coverage", meta.coverage),
            ("searched on", meta.searched_on),
            (
                "date limits",
                f"{meta.date_from or '…'} to {meta.date_to or '…'}"
                if meta.date_from or meta.date_to
                else "",
            ),
            ("peer review", meta.peer_review),
            ("not parsed", strategy.not_parsed),
        ):
            if value:
                out.print(_output.styled((f"{label}:", "bold"), " ", value))
        if not strategy.parsed:
            out.print()
            for text in strategy.body.splitlines():
                out.print(text)
        for section in strategy.sections:
            if len(strategy.sections) > 1 or section.title:
                out.print()
                out.print(
                    _output.styled(
                        (section.title or "section", "bold"),
                        f" ({section.platform}, {section.layout})",
                    )
                )
            for line in strategy.section_lines(section.index):
                hits = f" ({line.recorded_hits:,})" if line.recorded_hits is not None else ""
                out.print(f"{line.label or line.key:>6}  {line.query}{hits}")
                out.print(_output.styled(("        " + describe(line.node), "dim")))


def _platform(value: str | None) -> Platform | None:
    """The syntax forced with ``--platform`` (None: from the file)."""
    if value is None:
        return None
    from cen_search.strategies import store

    return cast("Platform", store.parser_of(value))  # one of the parsers' names


@strategy_app.command("check")
def check_cmd(
    files: list[Path] = typer.Argument(
        ..., metavar="FILE", help="Strategy files (or names in strategies/)."
    ),
    platform: str | None = typer.Option(
        None, "--platform", "-p", help=f"Force the syntax: {_PLATFORMS}."
    ),
    as_json: bool = typer.Option(False, "--json", help="Write findings as JSON."),
    strict: bool = typer.Option(False, "--strict", help="Exit 1 on warnings as well."),
    show_info: bool = typer.Option(False, "--info", help="Also print info findings."),
    disable: list[str] = typer.Option([], "--disable", help="Skip a check code (repeatable)."),
    folder: Path | None = typer.Option(
        None, "--dir", help="Folder for names instead of the review's strategies/."
    ),
) -> None:
    """Review strategies against PRESS 2015: messages at FILE:LINE:COLUMN, exit 1 on errors.

    Warnings alone exit 0 unless --strict. Codes and fixes: docs/strategies.md. LINE counts
    every line of the file, header included (as 'strategy translate' does); sets are named by
    the strategy's own numbers (set 12). A strategy kept verbatim without a parser is not
    checked (CS-R02) and does not fail.

    Examples:

    \b
      cen-search strategy check strategies/*.txt
      cen-search strategy check strategies/medline.txt --strict --json
    """
    from cen_search.strategies import load_strategy, store
    from cen_search.strategies.checks import check_strategy, find_date_window

    with _output.boundary():
        where = _strategies_dir(folder)
        reports = []
        for ref in files:
            path = store.resolve(ref, where)
            strategy = load_strategy(path, platform=_platform(platform))
            reports.append(
                check_strategy(
                    strategy, window=find_date_window(path), disabled=[d.upper() for d in disable]
                )
            )
        failed = any(r.failed(strict=strict) for r in reports)
        if as_json:
            _output.emit_json(
                {
                    "failed": failed,
                    "strict": strict,
                    "files": [
                        {
                            "path": r.path,
                            "status": r.status(),
                            "lines": r.lines,
                            "errors": r.errors,
                            "warnings": r.warnings,
                            "infos": r.count("info"),
                            "findings": list(r.findings),
                        }
                        for r in reports
                    ],
                }
            )
        else:
            colours = {"error": "red", "warning": "yellow", "info": "cyan"}
            hidden = 0
            for report in reports:
                for f in report.findings:
                    if f.severity == "info" and not show_info and f.code != "CS-R02":
                        hidden += 1
                        continue
                    _output.out.print(
                        _output.styled(
                            f"{f.location}: ",
                            (f.severity, colours[f.severity]),
                            f" {f.code} {f.message}",
                        )
                    )
                    if _output.state.verbose:
                        _output.out.print(f"    hint: {f.hint}")
            errors = sum(r.errors for r in reports)
            warnings = sum(r.warnings for r in reports)
            count = _output.count
            unparsed = sum(1 for r in reports if not r.parsed)
            more = f", {unparsed} not parsed" if unparsed else ""
            more += f", {hidden} info (show with --info)" if hidden else ""
            _output.say(
                f"{count(len(reports), 'file')}: {count(errors, 'error')}, "
                f"{count(warnings, 'warning')}{more}"
            )
        if failed:
            raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add the ``strategy`` group (and, if present, translate/run/report) to ``app``."""
    import importlib.util

    global _run_registered
    if not _run_registered and importlib.util.find_spec("cen_search.cli.strategy_run"):
        from cen_search.cli.strategy_run import register_run

        register_run(strategy_app)
        _run_registered = True
    app.add_typer(strategy_app, name="strategy")
